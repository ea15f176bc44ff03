//! Deadlines as rows: stored with their due instant, fired exactly once by
//! whichever worker claims them, in the transaction that applies their effect.

use super::{Backend, StoreResult};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub id: i64,
    pub merchant_id: i64,
    pub kind: String,
    pub claim_id: Option<i64>,
    pub order_id: Option<i64>,
    pub due_at: i64,
}

pub struct NewDeadline<'a> {
    pub merchant_id: i64,
    pub kind: &'a str,
    pub claim_id: Option<i64>,
    pub order_id: Option<i64>,
    pub due_at: i64,
}

pub async fn insert(conn: &mut AnyConnection, d: &NewDeadline<'_>, now: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO deadlines (merchant_id, kind, claim_id, order_id, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(d.merchant_id)
    .bind(d.kind)
    .bind(d.claim_id)
    .bind(d.order_id)
    .bind(d.due_at)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Marks up to `limit` due deadlines fired and returns them. Call it inside
/// the transaction that applies their effects: if that transaction rolls
/// back, they are due again; if it commits, no other worker sees them
/// (PostgreSQL skips rows another worker is firing; SQLite has one writer).
pub async fn take_due(
    conn: &mut AnyConnection,
    backend: Backend,
    now: i64,
    limit: i64,
) -> StoreResult<Vec<Deadline>> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(&format!(
        "UPDATE deadlines SET fired_at = $1 WHERE id IN ( \
           SELECT id FROM deadlines WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2 {lock}) \
         RETURNING id, merchant_id, kind, claim_id, order_id, due_at"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Deadline> = rows
        .iter()
        .map(|r| {
            Ok(Deadline {
                id: r.try_get("id")?,
                merchant_id: r.try_get("merchant_id")?,
                kind: r.try_get("kind")?,
                claim_id: r.try_get("claim_id")?,
                order_id: r.try_get("order_id")?,
                due_at: r.try_get("due_at")?,
            })
        })
        .collect::<StoreResult<_>>()?;
    out.sort_by_key(|d| (d.due_at, d.id));
    Ok(out)
}

/// Deadlines not fired yet (for tests, metrics and the demo).
pub async fn pending(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM deadlines WHERE fired_at IS NULL")
            .fetch_one(conn)
            .await?,
    )
}

/// The next unfired deadline of a claim, for display.
pub async fn next_for_claim(conn: &mut AnyConnection, claim_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(due_at) FROM deadlines WHERE claim_id = $1 AND fired_at IS NULL",
    )
    .bind(claim_id)
    .fetch_one(conn)
    .await?)
}
