//! Sealing the event log after commit: the SQL of the sealer. It takes a
//! merchant's chain head (a row lock on PostgreSQL; SQLite has one writer),
//! reads that merchant's unsealed events in id order, and stores each one's
//! place and hash with one statement.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};

/// An event not yet sealed, with `data` as the exact stored text.
#[derive(Debug, Clone)]
pub struct Unsealed {
    pub id: i64,
    pub merchant_id: i64,
    pub order_id: Option<i64>,
    pub return_id: Option<i64>,
    pub kind: String,
    pub actor: String,
    pub data: String,
    pub at: i64,
}

/// Where a merchant's chain ends.
#[derive(Debug, Clone)]
pub struct Head {
    pub last_seq: i64,
    pub last_hash: String,
}

/// One sealed event: its place in the chain and its hash (hex).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Seal {
    pub id: i64,
    pub seq: i64,
    pub hash: String,
}

/// The merchants with events waiting to be sealed.
pub async fn merchants_with_unsealed(conn: &mut AnyConnection) -> StoreResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT merchant_id FROM events WHERE chain_seq IS NULL")
            .fetch_all(conn)
            .await?,
    )
}

/// Takes (and creates when new) the merchant's chain head, held until the
/// transaction ends so that two sealers never chain from the same place.
pub async fn lock_head(
    conn: &mut AnyConnection,
    merchant_id: i64,
    genesis: &str,
) -> StoreResult<Head> {
    let row = sqlx::query(
        "INSERT INTO event_chain_heads (merchant_id, last_event_id, last_hash, last_seq) \
         VALUES ($1, 0, $2, 0) \
         ON CONFLICT (merchant_id) DO UPDATE SET merchant_id = excluded.merchant_id \
         RETURNING last_seq, last_hash",
    )
    .bind(merchant_id)
    .bind(genesis)
    .fetch_one(conn)
    .await?;
    Ok(Head {
        last_seq: row.try_get("last_seq")?,
        last_hash: row.try_get("last_hash")?,
    })
}

/// The merchant's oldest unsealed events, in id order.
pub async fn unsealed(
    conn: &mut AnyConnection,
    merchant_id: i64,
    limit: i64,
) -> StoreResult<Vec<Unsealed>> {
    let rows = sqlx::query(
        "SELECT id, merchant_id, order_id, return_id, kind, actor, data, at FROM events \
         WHERE merchant_id = $1 AND chain_seq IS NULL ORDER BY id LIMIT $2",
    )
    .bind(merchant_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Unsealed {
                id: r.try_get("id")?,
                merchant_id: r.try_get("merchant_id")?,
                order_id: r.try_get("order_id")?,
                return_id: r.try_get("return_id")?,
                kind: r.try_get("kind")?,
                actor: r.try_get("actor")?,
                data: r.try_get("data")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// The seals bound as one JSON array of objects, as the appender binds
/// events (one parameter, whatever the batch size).
const SEAL_SQLITE: &str =
    "UPDATE events SET chain_seq = s.value ->> 'seq', hash = s.value ->> 'hash' \
     FROM json_each($1) AS s \
     WHERE events.id = s.value ->> 'id' AND events.chain_seq IS NULL";
const SEAL_POSTGRES: &str = "UPDATE events SET chain_seq = CAST(s.value ->> 'seq' AS BIGINT), \
       hash = s.value ->> 'hash' \
     FROM json_array_elements(CAST($1 AS json)) AS s(value) \
     WHERE events.id = CAST(s.value ->> 'id' AS BIGINT) AND events.chain_seq IS NULL";

/// Stores the seals and moves the head to the last of them. Under the head
/// lock nobody else seals this merchant, so every seal must land.
pub async fn seal(conn: &mut AnyConnection, merchant_id: i64, seals: &[Seal]) -> StoreResult<()> {
    let Some(last) = seals.last() else {
        return Ok(());
    };
    let json = serde_json::to_string(seals).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let sql = if conn.backend_name() == "PostgreSQL" {
        SEAL_POSTGRES
    } else {
        SEAL_SQLITE
    };
    let sealed = sqlx::query(sql)
        .bind(json)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if sealed != seals.len() as u64 {
        return Err(StoreError::Corrupt(format!(
            "sealed {sealed} of {} events of merchant {merchant_id}",
            seals.len()
        )));
    }
    sqlx::query(
        "UPDATE event_chain_heads SET last_event_id = $1, last_hash = $2, last_seq = $3 \
         WHERE merchant_id = $4",
    )
    .bind(last.id)
    .bind(&last.hash)
    .bind(last.seq)
    .bind(merchant_id)
    .execute(conn)
    .await?;
    Ok(())
}
