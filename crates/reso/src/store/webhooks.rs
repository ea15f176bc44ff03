//! Endpoints a merchant registered to receive its events.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: i64,
    pub merchant_id: i64,
    pub url: String,
    pub secret: String,
    pub created_at: i64,
}

pub async fn insert(
    conn: &mut AnyConnection,
    merchant_id: i64,
    url: &str,
    secret: &str,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO webhook_endpoints (merchant_id, url, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(merchant_id)
        .bind(url)
        .bind(secret)
        .bind(now)
        .fetch_one(conn)
        .await?)
}

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<Endpoint> {
    Ok(Endpoint {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn load(conn: &mut AnyConnection, endpoint_id: i64) -> StoreResult<Endpoint> {
    let row = sqlx::query("SELECT id, merchant_id, url, secret, created_at FROM webhook_endpoints WHERE id = $1 AND disabled_at IS NULL")
        .bind(endpoint_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn for_merchant(
    conn: &mut AnyConnection,
    merchant_id: i64,
) -> StoreResult<Vec<Endpoint>> {
    let rows = sqlx::query("SELECT id, merchant_id, url, secret, created_at FROM webhook_endpoints WHERE merchant_id = $1 AND disabled_at IS NULL ORDER BY id")
        .bind(merchant_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn disable(
    conn: &mut AnyConnection,
    merchant_id: i64,
    endpoint_id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE webhook_endpoints SET disabled_at = $1 WHERE id = $2 AND merchant_id = $3 AND disabled_at IS NULL")
        .bind(now)
        .bind(endpoint_id)
        .bind(merchant_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
