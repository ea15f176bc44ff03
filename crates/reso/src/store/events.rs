//! The append-only event log: who did what, when.

use super::StoreResult;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: i64,
    pub merchant_id: i64,
    pub order_id: Option<i64>,
    pub return_id: Option<i64>,
    pub kind: String,
    pub actor: String,
    pub data: serde_json::Value,
    pub at: i64,
}

pub struct NewEvent<'a> {
    pub merchant_id: i64,
    pub order_id: Option<i64>,
    pub return_id: Option<i64>,
    pub kind: &'a str,
    pub actor: &'a str,
    pub data: &'a serde_json::Value,
}

pub async fn append(conn: &mut AnyConnection, e: &NewEvent<'_>, now: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(e.merchant_id)
    .bind(e.order_id)
    .bind(e.return_id)
    .bind(e.kind)
    .bind(e.actor)
    .bind(e.data.to_string())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<EventRecord> {
    let data: String = r.try_get("data")?;
    Ok(EventRecord {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        order_id: r.try_get("order_id")?,
        return_id: r.try_get("return_id")?,
        kind: r.try_get("kind")?,
        actor: r.try_get("actor")?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        at: r.try_get("at")?,
    })
}

const COLUMNS: &str = "id, merchant_id, order_id, return_id, kind, actor, data, at";

pub async fn for_return(conn: &mut AnyConnection, return_id: i64) -> StoreResult<Vec<EventRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM events WHERE return_id = $1 ORDER BY id"
    ))
    .bind(return_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn for_order(conn: &mut AnyConnection, order_id: i64) -> StoreResult<Vec<EventRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM events WHERE order_id = $1 ORDER BY id"
    ))
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// A merchant's events after `after_id`, oldest first (the API's event feed).
pub async fn for_merchant(
    conn: &mut AnyConnection,
    merchant_id: i64,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<EventRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM events WHERE merchant_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    ))
    .bind(merchant_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
