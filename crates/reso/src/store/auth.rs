//! Staff users, their sessions and API keys. Secrets are stored only as hashes.

use super::{conflict_on_unique, StoreError, StoreResult};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: i64,
    pub merchant_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
}

pub async fn insert_staff(
    conn: &mut AnyConnection,
    merchant_id: i64,
    email: &str,
    name: &str,
    role: &str,
    password_hash: &str,
    now: i64,
) -> StoreResult<i64> {
    conflict_on_unique(
        sqlx::query_scalar(
            "INSERT INTO staff_users (merchant_id, email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(merchant_id)
        .bind(email)
        .bind(name)
        .bind(role)
        .bind(password_hash)
        .bind(now)
        .fetch_one(conn)
        .await,
        "a staff user with this e-mail already exists",
    )
}

fn staff(r: &sqlx::any::AnyRow) -> StoreResult<StaffUser> {
    Ok(StaffUser {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: r.try_get("role")?,
        password_hash: r.try_get("password_hash")?,
    })
}

pub async fn staff_by_email(conn: &mut AnyConnection, email: &str) -> StoreResult<StaffUser> {
    let row = sqlx::query("SELECT id, merchant_id, email, name, role, password_hash FROM staff_users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    staff(&row)
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The user of a live session, with the session's CSRF token.
pub async fn session_user(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> StoreResult<(StaffUser, String)> {
    let row = sqlx::query(
        "SELECT u.id, u.merchant_id, u.email, u.name, u.role, u.password_hash, s.csrf_token FROM sessions s \
         JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((staff(&row)?, row.try_get("csrf_token")?))
}

pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_api_key(
    conn: &mut AnyConnection,
    merchant_id: i64,
    name: &str,
    prefix: &str,
    key_hash: &str,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO api_keys (merchant_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(merchant_id)
        .bind(name)
        .bind(prefix)
        .bind(key_hash)
        .bind(now)
        .fetch_one(conn)
        .await?)
}

/// (api key id, merchant id) for a live key.
pub async fn api_key(conn: &mut AnyConnection, key_hash: &str) -> StoreResult<(i64, i64)> {
    let row = sqlx::query(
        "SELECT id, merchant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(key_hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((row.try_get("id")?, row.try_get("merchant_id")?))
}
