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
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// A live session found by its token: its owner, CSRF token and last use.
pub struct LiveSession<T> {
    pub owner: T,
    pub csrf: String,
    pub last_seen_at: i64,
}

/// The user of a session that has neither expired by `now` nor been idle
/// since before `seen_since`.
pub async fn session_user(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
    seen_since: i64,
) -> StoreResult<LiveSession<StaffUser>> {
    let row = sqlx::query(
        "SELECT u.id, u.merchant_id, u.email, u.name, u.role, u.password_hash, s.csrf_token, s.last_seen_at FROM sessions s \
         JOIN staff_users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(seen_since)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(LiveSession {
        owner: staff(&row)?,
        csrf: row.try_get("csrf_token")?,
        last_seen_at: row.try_get("last_seen_at")?,
    })
}

/// The two kinds of session, each in its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Staff,
    Mediator,
}

impl SessionKind {
    fn table(self) -> &'static str {
        match self {
            SessionKind::Staff => "sessions",
            SessionKind::Mediator => "mediator_sessions",
        }
    }
}

/// Records that a session was used at `now` (keeps it from idling out).
pub async fn touch_session(
    conn: &mut AnyConnection,
    kind: SessionKind,
    token_hash: &str,
    now: i64,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE {} SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
        kind.table()
    );
    sqlx::query(&sql)
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a staff user (after a change of role or password).
pub async fn delete_sessions_of(conn: &mut AnyConnection, user_id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Changes the role of the merchant's staff user with this e-mail; their
/// id, or `NotFound` if the merchant has no such user.
pub async fn set_role(
    conn: &mut AnyConnection,
    merchant_id: i64,
    email: &str,
    role: &str,
) -> StoreResult<i64> {
    sqlx::query_scalar(
        "UPDATE staff_users SET role = $3 WHERE email = $1 AND merchant_id = $2 RETURNING id",
    )
    .bind(email)
    .bind(merchant_id)
    .bind(role)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
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

/// Attempts counted in one bucket of a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hits {
    /// The attempt just counted, so it can be taken back.
    pub id: i64,
    /// Attempts in the window, this one included.
    pub count: i64,
    /// When the oldest attempt in the window was made.
    pub oldest: i64,
}

/// Counts an attempt at `now` in `bucket` and tells how many the bucket
/// holds since `since`. Counting first and checking after means parallel
/// attempts see each other once committed.
pub async fn count_hit(
    conn: &mut AnyConnection,
    bucket: &str,
    now: i64,
    since: i64,
) -> StoreResult<Hits> {
    let id: i64 =
        sqlx::query_scalar("INSERT INTO rate_limit_hits (bucket, at) VALUES ($1, $2) RETURNING id")
            .bind(bucket)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(MIN(at), $3) AS oldest FROM rate_limit_hits WHERE bucket = $1 AND at > $2",
    )
    .bind(bucket)
    .bind(since)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Hits {
        id,
        count: row.try_get("n")?,
        oldest: row.try_get("oldest")?,
    })
}

/// Takes back one counted attempt (it was refused, or it was not a failure).
pub async fn forget_hit(conn: &mut AnyConnection, id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Empties a bucket (a successful sign-in clears its account's failures).
pub async fn forget_bucket(conn: &mut AnyConnection, bucket: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE bucket = $1")
        .bind(bucket)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops attempts older than any window.
pub async fn prune_hits(conn: &mut AnyConnection, before: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(())
}
