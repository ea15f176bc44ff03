//! Endpoints a merchant registered to receive its events.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

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

pub async fn active_endpoints(conn: &mut AnyConnection, merchant_id: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM webhook_endpoints WHERE merchant_id = $1 AND disabled_at IS NULL ORDER BY id")
        .bind(merchant_id)
        .fetch_all(conn)
        .await?)
}

/// The active endpoints of several merchants, by merchant (each list in id
/// order); a merchant without any is absent.
pub async fn active_endpoints_of(
    conn: &mut AnyConnection,
    merchant_ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<i64>>> {
    let mut endpoints: HashMap<i64, Vec<i64>> = HashMap::new();
    // One bound parameter per merchant, a few hundred per query (see `claims::save_many`).
    for chunk in merchant_ids.chunks(300) {
        let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT merchant_id, id FROM webhook_endpoints WHERE merchant_id IN ({}) AND disabled_at IS NULL ORDER BY id",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            endpoints
                .entry(r.try_get("merchant_id")?)
                .or_default()
                .push(r.try_get("id")?);
        }
    }
    Ok(endpoints)
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
