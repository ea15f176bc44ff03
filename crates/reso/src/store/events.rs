//! The append-only event log: who did what, when.

use super::{StoreError, StoreResult};
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

#[derive(serde::Serialize)]
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

/// Appends the events bound as one JSON array in `$2` (SQLite finds each
/// numbered parameter by a linear scan, so many bound parameters per
/// statement cost their square). They are inserted in the order given, and
/// the table is AUTOINCREMENT: each new id is above every id before it, so
/// the ids that come back, sorted, are the events' in the order given.
pub(crate) const APPEND_SQLITE: &str =
    "WITH e AS MATERIALIZED (SELECT key, jsonb(value) AS b FROM json_each($2)) \
     INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) \
     SELECT b ->> 'merchant_id', b ->> 'order_id', b ->> 'return_id', b ->> 'kind', \
       b ->> 'actor', b -> 'data', $1 \
     FROM e ORDER BY e.key RETURNING id";
/// PostgreSQL: each event takes its id from the sequence beside its place
/// in the array, and both come back (`json` keeps `data`'s text as given).
pub(crate) const APPEND_POSTGRES: &str = "WITH e AS MATERIALIZED ( \
       SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id, x.ord, x.value \
       FROM json_array_elements(CAST($2 AS json)) WITH ORDINALITY AS x(value, ord) ORDER BY x.ord), \
     appended AS (INSERT INTO events (id, merchant_id, order_id, return_id, kind, actor, data, at) OVERRIDING SYSTEM VALUE \
       SELECT id, CAST(value ->> 'merchant_id' AS BIGINT), CAST(value ->> 'order_id' AS BIGINT), \
         CAST(value ->> 'return_id' AS BIGINT), value ->> 'kind', value ->> 'actor', CAST(value -> 'data' AS TEXT), $1 \
       FROM e) \
     SELECT CAST(COALESCE(json_agg(json_build_array(id, ord - 1)), '[]') AS TEXT) FROM e";

/// Appends many events with one INSERT; returns their ids in the order given.
pub async fn append_many(
    conn: &mut AnyConnection,
    events: &[NewEvent<'_>],
    now: i64,
) -> StoreResult<Vec<i64>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let rows = serde_json::to_string(events).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if conn.backend_name() != "PostgreSQL" {
        let mut ids: Vec<i64> = sqlx::query_scalar(APPEND_SQLITE)
            .bind(now)
            .bind(rows)
            .fetch_all(&mut *conn)
            .await?;
        if ids.len() != events.len() {
            return Err(StoreError::Corrupt("an appended event has no id".into()));
        }
        ids.sort_unstable();
        return Ok(ids);
    }
    // The (id, place) pairs come back as one JSON array in one row.
    let returned: String = sqlx::query_scalar(APPEND_POSTGRES)
        .bind(now)
        .bind(rows)
        .fetch_one(&mut *conn)
        .await?;
    let returned: Vec<(i64, usize)> =
        serde_json::from_str(&returned).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut ids = vec![None; events.len()];
    for (id, place) in returned {
        if let Some(slot) = ids.get_mut(place) {
            *slot = Some(id);
        }
    }
    ids.into_iter()
        .map(|id| id.ok_or_else(|| StoreError::Corrupt("an appended event has no id".into())))
        .collect()
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
