//! The operator's mediators and their sessions.

use super::auth::LiveSession;
use super::{conflict_on_unique, StoreError, StoreResult};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone)]
pub struct Mediator {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<Mediator> {
    Ok(Mediator {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
    })
}

pub async fn insert(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    password_hash: &str,
    now: i64,
) -> StoreResult<i64> {
    conflict_on_unique(
        sqlx::query_scalar("INSERT INTO mediators (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(email)
            .bind(name)
            .bind(password_hash)
            .bind(now)
            .fetch_one(conn)
            .await,
        "a mediator with this e-mail already exists",
    )
}

pub async fn by_email(conn: &mut AnyConnection, email: &str) -> StoreResult<Mediator> {
    let row = sqlx::query("SELECT id, email, name, password_hash FROM mediators WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    mediator_id: i64,
    csrf: &str,
    now: i64,
    expires_at: i64,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO mediator_sessions (token_hash, mediator_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)")
        .bind(token_hash)
        .bind(mediator_id)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The mediator of a session that has neither expired by `now` nor been
/// idle since before `seen_since`.
pub async fn session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
    seen_since: i64,
) -> StoreResult<LiveSession<Mediator>> {
    let row = sqlx::query(
        "SELECT m.id, m.email, m.name, m.password_hash, s.csrf_token, s.last_seen_at FROM mediator_sessions s \
         JOIN mediators m ON m.id = s.mediator_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(seen_since)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(LiveSession {
        owner: from_row(&row)?,
        csrf: row.try_get("csrf_token")?,
        last_seen_at: row.try_get("last_seen_at")?,
    })
}

pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM mediator_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}
