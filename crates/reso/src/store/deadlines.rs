//! Deadlines as rows: stored with their due instant, fired exactly once by
//! whichever worker claims them, in the transaction that applies their effect.

use super::{Backend, StoreError, StoreResult};
use sqlx::AnyConnection;

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
    // The deadlines come back as one JSON array in one row: thousands of
    // rows would each cross from SQLite's thread and be converted on their own.
    let taken: String = match backend {
        Backend::Postgres => {
            sqlx::query_scalar(
                "WITH taken AS (UPDATE deadlines SET fired_at = $1 WHERE id IN ( \
                   SELECT id FROM deadlines WHERE fired_at IS NULL AND due_at <= $1 \
                   ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, merchant_id, kind, claim_id, order_id, due_at) \
                 SELECT CAST(COALESCE(json_agg(json_build_array(id, merchant_id, kind, claim_id, order_id, due_at)), '[]') AS TEXT) \
                 FROM taken",
            )
            .bind(now)
            .bind(limit)
            .fetch_one(&mut *conn)
            .await?
        }
        // One writer: what this transaction reads stays unfired until it marks it.
        Backend::Sqlite => {
            let due: String = sqlx::query_scalar(
                "SELECT json_group_array(json_array(id, merchant_id, kind, claim_id, order_id, due_at)) FROM ( \
                   SELECT id, merchant_id, kind, claim_id, order_id, due_at FROM deadlines \
                   WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2)",
            )
            .bind(now)
            .bind(limit)
            .fetch_one(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE deadlines SET fired_at = $1 WHERE fired_at IS NULL \
                 AND id IN (SELECT value ->> 0 FROM json_each($2))",
            )
            .bind(now)
            .bind(&due)
            .execute(&mut *conn)
            .await?;
            due
        }
    };
    type Taken = (i64, i64, String, Option<i64>, Option<i64>, i64);
    let taken: Vec<Taken> =
        serde_json::from_str(&taken).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut out: Vec<Deadline> = taken
        .into_iter()
        .map(
            |(id, merchant_id, kind, claim_id, order_id, due_at)| Deadline {
                id,
                merchant_id,
                kind,
                claim_id,
                order_id,
                due_at,
            },
        )
        .collect();
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
