//! Answers kept for requests sent with an Idempotency-Key, one per key and
//! merchant (the primary key), so that a retry finds the first answer.

use super::StoreResult;
use sqlx::{AnyConnection, Row};

/// What an earlier request with the key left behind.
pub struct StoredAnswer {
    /// Digest of that request: a retry must send the same.
    pub request_hash: String,
    pub status: i64,
    pub body: String,
}

pub async fn find(
    conn: &mut AnyConnection,
    merchant_id: i64,
    key: &str,
) -> StoreResult<Option<StoredAnswer>> {
    let row = sqlx::query(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys \
         WHERE merchant_id = $1 AND key = $2",
    )
    .bind(merchant_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(StoredAnswer {
            request_hash: r.try_get("request_hash")?,
            status: r.try_get("response_status")?,
            body: r.try_get("response_body")?,
        })
    })
    .transpose()
}

/// Stored in the same transaction as the change it answers: either both
/// exist or neither. A second request with the key that got this far at the
/// same time meets the primary key and is refused.
pub async fn remember(
    conn: &mut AnyConnection,
    merchant_id: i64,
    key: &str,
    answer: &StoredAnswer,
    now: i64,
) -> StoreResult<()> {
    super::conflict_on_unique(
        sqlx::query(
            "INSERT INTO idempotency_keys (merchant_id, key, request_hash, response_status, response_body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(merchant_id)
        .bind(key)
        .bind(&answer.request_hash)
        .bind(answer.status)
        .bind(&answer.body)
        .bind(now)
        .execute(conn)
        .await,
        "a request with this Idempotency-Key is already being processed",
    )?;
    Ok(())
}
