//! Merchants' accounts at payment providers. Secrets arrive here already
//! sealed (`secrets.rs`); this module never sees them in plain text.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// An account as stored: public settings, sealed secrets and their hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    pub id: i64,
    pub merchant_id: i64,
    pub provider: String,
    pub base_url: String,
    pub settings: BTreeMap<String, String>,
    /// Secret name → sealed value.
    pub sealed: BTreeMap<String, String>,
    /// Secret name → its last four characters (absent for short secrets).
    pub hints: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct NewAccount<'a> {
    pub merchant_id: i64,
    pub provider: &'a str,
    pub base_url: &'a str,
    pub settings: &'a BTreeMap<String, String>,
    pub sealed: &'a BTreeMap<String, String>,
    pub hints: &'a BTreeMap<String, String>,
}

fn to_json(map: &BTreeMap<String, String>) -> StoreResult<String> {
    serde_json::to_string(map).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json(text: &str) -> StoreResult<BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("provider account: {e}")))
}

/// Connects the account, or replaces the merchant's account at that
/// provider as a whole, keeping its id (the provider's webhook URL names it).
pub async fn upsert(conn: &mut AnyConnection, a: &NewAccount<'_>, now: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO provider_accounts (merchant_id, provider, base_url, settings, secrets, secret_hints, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
         ON CONFLICT (merchant_id, provider) DO UPDATE SET base_url = excluded.base_url, settings = excluded.settings, \
         secrets = excluded.secrets, secret_hints = excluded.secret_hints, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(a.merchant_id)
    .bind(a.provider)
    .bind(a.base_url)
    .bind(to_json(a.settings)?)
    .bind(to_json(a.sealed)?)
    .bind(to_json(a.hints)?)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

const COLUMNS: &str =
    "id, merchant_id, provider, base_url, settings, secrets, secret_hints, created_at, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<StoredAccount> {
    Ok(StoredAccount {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        provider: r.try_get("provider")?,
        base_url: r.try_get("base_url")?,
        settings: from_json(&r.try_get::<String, _>("settings")?)?,
        sealed: from_json(&r.try_get::<String, _>("secrets")?)?,
        hints: from_json(&r.try_get::<String, _>("secret_hints")?)?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn list(conn: &mut AnyConnection, merchant_id: i64) -> StoreResult<Vec<StoredAccount>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provider_accounts WHERE merchant_id = $1 ORDER BY provider"
    ))
    .bind(merchant_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The merchant's account at `provider`, if connected.
pub async fn for_provider(
    conn: &mut AnyConnection,
    merchant_id: i64,
    provider: &str,
) -> StoreResult<Option<StoredAccount>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provider_accounts WHERE merchant_id = $1 AND provider = $2"
    ))
    .bind(merchant_id)
    .bind(provider)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// An account by its id, as a provider's webhook URL names it.
pub async fn by_id(conn: &mut AnyConnection, id: i64) -> StoreResult<StoredAccount> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM provider_accounts WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// Disconnects; false when the merchant had no such account. The
/// notifications recorded for it go with it.
pub async fn delete(
    conn: &mut AnyConnection,
    merchant_id: i64,
    provider: &str,
) -> StoreResult<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM provider_accounts WHERE merchant_id = $1 AND provider = $2",
    )
    .bind(merchant_id)
    .bind(provider)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Ok(false);
    };
    // Explicitly, not by ON DELETE CASCADE alone: a SQLite connection may
    // run without foreign keys enforced.
    sqlx::query("DELETE FROM provider_notifications WHERE account_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM provider_accounts WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}
