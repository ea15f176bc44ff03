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

/// Appends one event; returns its id.
pub async fn append(conn: &mut AnyConnection, e: &NewEvent<'_>, now: i64) -> StoreResult<i64> {
    let ids = append_many(conn, std::slice::from_ref(e), now).await?;
    ids.first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("an appended event has no id".into()))
}

/// Where every merchant's chain starts.
pub const GENESIS: [u8; 32] = [0; 32];

/// The bytes an event's hash covers besides the previous hash: a JSON array
/// of its fields, so that strings are quoted and escaped and no two events
/// encode alike. `data` is the text exactly as stored. The id is left out:
/// the database assigns it inside the insert, and the chain already fixes
/// each event's place among its merchant's.
pub fn canonical(
    merchant_id: i64,
    order_id: Option<i64>,
    return_id: Option<i64>,
    kind: &str,
    actor: &str,
    data: &str,
    at: i64,
) -> Vec<u8> {
    // Serializing integers, options and strings cannot fail.
    serde_json::to_vec(&(merchant_id, order_id, return_id, kind, actor, data, at))
        .unwrap_or_default()
}

/// `SHA-256(prev || canonical)`: the hash an event carries.
pub fn chain_hash(prev: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical);
    h.finalize().into()
}

pub fn to_hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored hash back to bytes; `None` when it is not 64 hex digits.
pub fn from_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// One event as bound in the JSON array: `data` as the text to store, so
/// the stored text is exactly what the sealer will hash.
#[derive(serde::Serialize)]
struct Appended<'a> {
    merchant_id: i64,
    order_id: Option<i64>,
    return_id: Option<i64>,
    kind: &'a str,
    actor: &'a str,
    data: String,
}

/// Appends the events bound as one JSON array in `$2` (SQLite finds each
/// numbered parameter by a linear scan, so many bound parameters per
/// statement cost their square). They are inserted in the order given, and
/// the table is AUTOINCREMENT: each new id is above every id before it, so
/// the ids that come back, sorted, are the events' in the order given.
const APPEND_SQLITE: &str =
    "WITH e AS MATERIALIZED (SELECT key, jsonb(value) AS b FROM json_each($2)) \
     INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) \
     SELECT b ->> 'merchant_id', b ->> 'order_id', b ->> 'return_id', b ->> 'kind', \
       b ->> 'actor', b ->> 'data', $1 \
     FROM e ORDER BY e.key RETURNING id";
/// PostgreSQL: each event takes its id from the sequence beside its place
/// in the array, and both come back.
const APPEND_POSTGRES: &str = "WITH e AS MATERIALIZED ( \
       SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id, x.ord, x.value \
       FROM json_array_elements(CAST($2 AS json)) WITH ORDINALITY AS x(value, ord) ORDER BY x.ord), \
     appended AS (INSERT INTO events (id, merchant_id, order_id, return_id, kind, actor, data, at) OVERRIDING SYSTEM VALUE \
       SELECT id, CAST(value ->> 'merchant_id' AS BIGINT), CAST(value ->> 'order_id' AS BIGINT), \
         CAST(value ->> 'return_id' AS BIGINT), value ->> 'kind', value ->> 'actor', value ->> 'data', $1 \
       FROM e) \
     SELECT CAST(COALESCE(json_agg(json_build_array(id, ord - 1)), '[]') AS TEXT) FROM e";

/// Appends many events with one INSERT; returns their ids in the order
/// given. They join their merchant's hash chain when the worker seals them
/// after this transaction commits (`app::event_seal`): chaining here would
/// make every writer of a merchant wait for the one before it to commit.
pub async fn append_many(
    conn: &mut AnyConnection,
    events: &[NewEvent<'_>],
    now: i64,
) -> StoreResult<Vec<i64>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let appended: Vec<Appended> = events
        .iter()
        .map(|e| Appended {
            merchant_id: e.merchant_id,
            order_id: e.order_id,
            return_id: e.return_id,
            kind: e.kind,
            actor: e.actor,
            data: e.data.to_string(),
        })
        .collect();
    insert(conn, &appended, now).await
}

async fn insert(
    conn: &mut AnyConnection,
    events: &[Appended<'_>],
    now: i64,
) -> StoreResult<Vec<i64>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_events_encode_alike() {
        let a = canonical(1, Some(2), None, "ab", "c", "{}", 5);
        let b = canonical(1, Some(2), None, "a", "bc", "{}", 5);
        let c = canonical(1, None, Some(2), "ab", "c", "{}", 5);
        let d = canonical(1, Some(2), None, "ab\",\"c", "", "{}", 5);
        assert!(a != b && a != c && b != c && a != d);
    }

    #[test]
    fn hashes_read_back_as_written_and_chain_from_the_previous_one() {
        let first = chain_hash(&GENESIS, b"x");
        assert_eq!(from_hex(&to_hex(&first)), Some(first));
        assert_eq!(from_hex("zz"), None);
        assert_ne!(chain_hash(&first, b"y"), chain_hash(&GENESIS, b"y"));
    }
}
