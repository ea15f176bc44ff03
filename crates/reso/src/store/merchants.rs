//! Merchants: their contact details, policy, decision matrix and preferences.

use super::{conflict_on_unique, StoreError, StoreResult};
use reso_domain::claim::ProtectionTerms;
use reso_domain::{Currency, DecisionMatrix, ReturnPolicy};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportContact {
    pub email: String,
    pub phone: String,
    pub hours: String,
    pub url: String,
}

/// Which merchant addresses are mailed for which event kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPrefs(pub BTreeMap<String, Vec<String>>);

impl NotificationPrefs {
    pub fn recipients(&self, event_kind: &str) -> &[String] {
        self.0.get(event_kind).map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Clone)]
pub struct Merchant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub support: SupportContact,
    pub return_address: String,
    pub default_locale: String,
    pub currency: Currency,
    pub policy: ReturnPolicy,
    pub matrix: DecisionMatrix,
    pub notifications: NotificationPrefs,
    /// Buyer-protection durations and calendar.
    pub protection: ProtectionTerms,
    /// Set by a mediator: the guarantee pays this merchant's claims.
    pub insolvent_at: Option<i64>,
}

pub struct NewMerchant {
    pub slug: String,
    pub name: String,
    pub support: SupportContact,
    pub return_address: String,
    pub default_locale: String,
    pub currency: Currency,
}

const COLUMNS: &str = "id, slug, name, support_email, support_phone, support_hours, support_url, \
     return_address, default_locale, currency, policy, decision_matrix, notifications, \
     protection_terms, insolvent_at";

fn from_row(row: &sqlx::any::AnyRow) -> StoreResult<Merchant> {
    let json = |col: &str| -> StoreResult<String> { Ok(row.try_get::<String, _>(col)?) };
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
    Ok(Merchant {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        support: SupportContact {
            email: row.try_get("support_email")?,
            phone: row.try_get("support_phone")?,
            hours: row.try_get("support_hours")?,
            url: row.try_get("support_url")?,
        },
        return_address: row.try_get("return_address")?,
        default_locale: row.try_get("default_locale")?,
        currency: Currency::parse(&row.try_get::<String, _>("currency")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        policy: serde_json::from_str(&json("policy")?).map_err(corrupt)?,
        matrix: serde_json::from_str(&json("decision_matrix")?).map_err(corrupt)?,
        notifications: serde_json::from_str(&json("notifications")?).map_err(corrupt)?,
        protection: serde_json::from_str(&json("protection_terms")?).map_err(corrupt)?,
        insolvent_at: row.try_get("insolvent_at")?,
    })
}

pub async fn insert(conn: &mut AnyConnection, m: &NewMerchant, now: i64) -> StoreResult<Merchant> {
    let policy = serde_json::to_string(&ReturnPolicy::default())
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let matrix = serde_json::to_string(&DecisionMatrix::starter())
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let notifications = serde_json::to_string(&NotificationPrefs(BTreeMap::from([(
        "return.requested".to_string(),
        vec![m.support.email.clone()],
    )])))
    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = conflict_on_unique(
        sqlx::query_scalar(
            "INSERT INTO merchants (slug, name, support_email, support_phone, support_hours, support_url, \
             return_address, default_locale, currency, policy, decision_matrix, notifications, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(&m.slug)
        .bind(&m.name)
        .bind(&m.support.email)
        .bind(&m.support.phone)
        .bind(&m.support.hours)
        .bind(&m.support.url)
        .bind(&m.return_address)
        .bind(&m.default_locale)
        .bind(m.currency.as_str())
        .bind(policy)
        .bind(matrix)
        .bind(notifications)
        .bind(now)
        .fetch_one(&mut *conn)
        .await,
        "a merchant with this slug already exists",
    )?;
    by_id(conn, id).await
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> StoreResult<Merchant> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM merchants WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn by_slug(conn: &mut AnyConnection, slug: &str) -> StoreResult<Merchant> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM merchants WHERE slug = $1"))
        .bind(slug)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn all(conn: &mut AnyConnection) -> StoreResult<Vec<Merchant>> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM merchants ORDER BY id"))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn update_settings(conn: &mut AnyConnection, m: &Merchant) -> StoreResult<()> {
    let to_json = |v: serde_json::Result<String>| v.map_err(|e| StoreError::Corrupt(e.to_string()));
    sqlx::query(
        "UPDATE merchants SET name = $1, support_email = $2, support_phone = $3, support_hours = $4, \
         support_url = $5, return_address = $6, default_locale = $7, policy = $8, decision_matrix = $9, \
         notifications = $10 WHERE id = $11",
    )
    .bind(&m.name)
    .bind(&m.support.email)
    .bind(&m.support.phone)
    .bind(&m.support.hours)
    .bind(&m.support.url)
    .bind(&m.return_address)
    .bind(&m.default_locale)
    .bind(to_json(serde_json::to_string(&m.policy))?)
    .bind(to_json(serde_json::to_string(&m.matrix))?)
    .bind(to_json(serde_json::to_string(&m.notifications))?)
    .bind(m.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The next value of a per-merchant sequence, taken inside the caller's
/// transaction so numbers are consecutive and never reused.
pub async fn next_counter(
    conn: &mut AnyConnection,
    merchant_id: i64,
    name: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO counters (merchant_id, name, value) VALUES ($1, $2, 1) \
         ON CONFLICT (merchant_id, name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(merchant_id)
    .bind(name)
    .fetch_one(conn)
    .await?)
}

/// A server-wide secret (signing magic links, CSRF), made once and kept.
pub async fn setting_or_insert(
    conn: &mut AnyConnection,
    key: &str,
    make: impl FnOnce() -> String,
) -> StoreResult<String> {
    if let Some(v) = sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(v);
    }
    let value = make();
    // Two processes starting at once: the second insert loses and reads the first.
    let _ = sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
        .bind(key)
        .bind(&value)
        .execute(&mut *conn)
        .await;
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(conn)
            .await?,
    )
}

pub async fn update_protection(
    conn: &mut AnyConnection,
    merchant_id: i64,
    terms: &ProtectionTerms,
) -> StoreResult<()> {
    let json = serde_json::to_string(terms).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE merchants SET protection_terms = $1 WHERE id = $2")
        .bind(json)
        .bind(merchant_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a merchant insolvent; false when it already was.
pub async fn mark_insolvent(
    conn: &mut AnyConnection,
    merchant_id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE merchants SET insolvent_at = $1 WHERE id = $2 AND insolvent_at IS NULL",
    )
    .bind(now)
    .bind(merchant_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
