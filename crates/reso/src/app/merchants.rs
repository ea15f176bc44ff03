//! Merchants, their staff and their settings.

use super::error::NotFoundAs;
use super::events::{record, EventInput, STAFF_NOTIFICATIONS};
use super::{auth, Actor, AppError, AppResult};
use crate::store::{
    self,
    merchants::{Merchant, NewMerchant, NotificationPrefs, SupportContact},
};
use crate::AppState;
use reso_domain::{DecisionMatrix, Email, ReturnPolicy};
use serde_json::json;

pub const LOCALES: &[&str] = &["en", "it", "fr", "es", "de"];

fn valid_slug(slug: &str) -> bool {
    (2..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

fn check_support(s: &SupportContact) -> AppResult<()> {
    Email::parse(&s.email)?;
    for (what, value) in [("phone", &s.phone), ("hours", &s.hours), ("URL", &s.url)] {
        if value.chars().count() > 200 {
            return Err(AppError::Invalid(format!(
                "the support {what} is longer than 200 characters"
            )));
        }
    }
    if !(s.url.is_empty() || s.url.starts_with("https://") || s.url.starts_with("http://")) {
        return Err(AppError::Invalid(
            "the support URL must start with https://".into(),
        ));
    }
    Ok(())
}

pub async fn create(state: &AppState, m: NewMerchant) -> AppResult<Merchant> {
    if !valid_slug(&m.slug) {
        return Err(AppError::Invalid(
            "the slug must be 2 to 40 lowercase letters, digits or dashes".into(),
        ));
    }
    if m.name.trim().is_empty() || m.name.chars().count() > 120 {
        return Err(AppError::Invalid(
            "the shop name must be 1 to 120 characters".into(),
        ));
    }
    if !LOCALES.contains(&m.default_locale.as_str()) {
        return Err(AppError::Invalid(format!(
            "the locale must be one of {}",
            LOCALES.join(", ")
        )));
    }
    check_support(&m.support)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let merchant = store::merchants::insert(&mut tx, &m, now).await?;
    let event = EventInput {
        order_id: None,
        return_id: None,
        kind: "merchant.created",
        actor: "system",
        data: json!({ "slug": merchant.slug }),
        buyer: None,
    };
    record(&mut tx, &merchant, event, now).await?;
    tx.commit().await?;
    Ok(merchant)
}

pub async fn create_staff(
    state: &AppState,
    merchant_id: i64,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> AppResult<i64> {
    let email = Email::parse(email)?;
    if !matches!(role, "admin" | "agent") {
        return Err(AppError::Invalid("the role must be admin or agent".into()));
    }
    let hash = auth::hash_password(password)?;
    let mut tx = state.db.begin().await?;
    store::merchants::by_id(&mut tx, merchant_id)
        .await
        .or_not_found("merchant")?;
    let id = store::auth::insert_staff(
        &mut tx,
        merchant_id,
        email.as_str(),
        name.trim(),
        role,
        &hash,
        state.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn by_id(state: &AppState, id: i64) -> AppResult<Merchant> {
    let mut conn = state.db.reader().acquire().await?;
    store::merchants::by_id(&mut conn, id)
        .await
        .or_not_found("merchant")
}

pub async fn by_slug(state: &AppState, slug: &str) -> AppResult<Merchant> {
    let mut conn = state.db.reader().acquire().await?;
    store::merchants::by_slug(&mut conn, slug)
        .await
        .or_not_found("shop")
}

/// Everything staff can change in the settings page, checked as a whole.
pub struct Settings {
    pub name: String,
    pub support: SupportContact,
    pub return_address: String,
    pub default_locale: String,
    pub policy: ReturnPolicy,
    pub matrix: DecisionMatrix,
    pub notifications: NotificationPrefs,
}

pub async fn update_settings(
    state: &AppState,
    merchant_id: i64,
    s: Settings,
    actor: &Actor,
) -> AppResult<Merchant> {
    check_support(&s.support)?;
    s.policy.validate()?;
    s.matrix.validate()?;
    if !LOCALES.contains(&s.default_locale.as_str()) {
        return Err(AppError::Invalid(format!(
            "the locale must be one of {}",
            LOCALES.join(", ")
        )));
    }
    if s.name.trim().is_empty()
        || s.name.chars().count() > 120
        || s.return_address.chars().count() > 1000
    {
        return Err(AppError::Invalid(
            "the shop name must be 1 to 120 characters, the return address up to 1000".into(),
        ));
    }
    for (kind, addresses) in &s.notifications.0 {
        if !STAFF_NOTIFICATIONS.contains(&kind.as_str()) {
            return Err(AppError::Invalid(format!(
                "'{kind}' is not an event staff can be notified of"
            )));
        }
        for a in addresses {
            Email::parse(a)?;
        }
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut m = store::merchants::by_id(&mut tx, merchant_id)
        .await
        .or_not_found("merchant")?;
    m.name = s.name.trim().to_string();
    m.support = s.support;
    m.return_address = s.return_address;
    m.default_locale = s.default_locale;
    m.policy = s.policy;
    m.matrix = s.matrix;
    m.notifications = s.notifications;
    store::merchants::update_settings(&mut tx, &m).await?;
    let event = EventInput {
        order_id: None,
        return_id: None,
        kind: "merchant.settings_updated",
        actor: &actor.label(),
        data: json!({ "policy": m.policy, "decision_matrix": m.matrix }),
        buyer: None,
    };
    record(&mut tx, &m, event, now).await?;
    tx.commit().await?;
    Ok(m)
}

/// Registers a webhook endpoint; returns it with its signing secret
/// (Standard Webhooks format, "whsec_" + base64).
pub async fn add_webhook(
    state: &AppState,
    merchant_id: i64,
    url: &str,
) -> AppResult<store::webhooks::Endpoint> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
        return Err(AppError::Invalid(
            "the endpoint URL must be an http(s) URL of at most 2000 characters".into(),
        ));
    }
    use base64::Engine;
    let mut key = [0u8; 24];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut key);
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    );
    let mut tx = state.db.begin().await?;
    let id = store::webhooks::insert(&mut tx, merchant_id, url, &secret, state.now()).await?;
    let endpoint = store::webhooks::load(&mut tx, id).await?;
    tx.commit().await?;
    Ok(endpoint)
}
