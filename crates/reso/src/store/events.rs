//! The append-only event log: who did what, when.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

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

/// Events per INSERT, six bound parameters each. SQLite finds each numbered parameter by a linear scan, so binding costs the
/// square of the parameters in a statement: a few hundred keeps it cheap.
const EVENTS_PER_INSERT: usize = 50;

/// What tells one appended event from another: everything but its id.
type Content = (i64, Option<i64>, Option<i64>, String, String, String);

/// Appends many events with few INSERTs; returns their ids in the order given.
pub async fn append_many(
    conn: &mut AnyConnection,
    events: &[NewEvent<'_>],
    now: i64,
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(events.len());
    for chunk in events.chunks(EVENTS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 2 + 6 * i;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, $1)",
                    p,
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) VALUES {} \
             RETURNING id, merchant_id, order_id, return_id, kind, actor, data",
            rows.join(", ")
        );
        let contents: Vec<Content> = chunk
            .iter()
            .map(|e| {
                (
                    e.merchant_id,
                    e.order_id,
                    e.return_id,
                    e.kind.to_string(),
                    e.actor.to_string(),
                    e.data.to_string(),
                )
            })
            .collect();
        let mut query = sqlx::query(&sql).bind(now);
        for c in &contents {
            query = query
                .bind(c.0)
                .bind(c.1)
                .bind(c.2)
                .bind(c.3.as_str())
                .bind(c.4.as_str())
                .bind(c.5.as_str());
        }
        let returned = query.fetch_all(&mut *conn).await?;
        // SQL does not promise RETURNING rows in VALUES order, so each event
        // finds its id by its content. Events with equal content are
        // indistinguishable; they get their ids in ascending order.
        let mut by_content: HashMap<Content, Vec<i64>> = HashMap::new();
        for r in &returned {
            let content: Content = (
                r.try_get("merchant_id")?,
                r.try_get("order_id")?,
                r.try_get("return_id")?,
                r.try_get("kind")?,
                r.try_get("actor")?,
                r.try_get("data")?,
            );
            by_content
                .entry(content)
                .or_default()
                .push(r.try_get("id")?);
        }
        for same in by_content.values_mut() {
            same.sort_unstable_by(|a, b| b.cmp(a));
        }
        for c in &contents {
            let id = by_content
                .get_mut(c)
                .and_then(Vec::pop)
                .ok_or_else(|| StoreError::Corrupt("an appended event came back changed".into()))?;
            ids.push(id);
        }
    }
    Ok(ids)
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
