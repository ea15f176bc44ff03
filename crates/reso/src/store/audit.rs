//! Reading the event chain back for `reso audit verify`: the events with
//! their stored text and hash, and each merchant's chain head, all in one
//! snapshot so a server writing meanwhile cannot make a sound chain look cut.

use super::{Backend, Db, StoreResult};
use sqlx::{Any, AnyConnection, Executor, Row, Transaction};
use std::collections::BTreeMap;

/// An event as stored: `data` is the exact text the hash covers.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub merchant_id: i64,
    pub order_id: Option<i64>,
    pub return_id: Option<i64>,
    pub kind: String,
    pub actor: String,
    pub data: String,
    pub at: i64,
    /// Its place in the merchant's chain.
    pub seq: i64,
    pub hash: Option<String>,
}

/// A sealed event's place, id and hash.
#[derive(Debug, Clone)]
pub struct ChainLink {
    pub seq: i64,
    pub id: i64,
    pub hash: String,
}

/// Where a merchant's chain ends, as the appenders left it.
#[derive(Debug, Clone)]
pub struct ChainHead {
    pub merchant_id: i64,
    pub last_event_id: i64,
    pub last_hash: String,
    pub last_seq: i64,
}

/// A read-only transaction that sees one state of the database throughout
/// (SQLite's WAL readers do by nature; PostgreSQL needs REPEATABLE READ).
pub async fn snapshot(db: &Db) -> StoreResult<Transaction<'static, Any>> {
    let mut tx = db.reader().begin().await?;
    if db.backend == Backend::Postgres {
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?;
    }
    Ok(tx)
}

/// A merchant's sealed events after place `after_seq`, in chain order.
pub async fn chain_after(
    conn: &mut AnyConnection,
    merchant_id: i64,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<StoredEvent>> {
    let rows = sqlx::query(
        "SELECT id, merchant_id, order_id, return_id, kind, actor, data, at, chain_seq, hash \
         FROM events WHERE merchant_id = $1 AND chain_seq > $2 ORDER BY chain_seq LIMIT $3",
    )
    .bind(merchant_id)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredEvent {
                id: r.try_get("id")?,
                merchant_id: r.try_get("merchant_id")?,
                order_id: r.try_get("order_id")?,
                return_id: r.try_get("return_id")?,
                kind: r.try_get("kind")?,
                actor: r.try_get("actor")?,
                data: r.try_get("data")?,
                at: r.try_get("at")?,
                seq: r.try_get("chain_seq")?,
                hash: r.try_get("hash")?,
            })
        })
        .collect()
}

/// The places, ids and hashes of a merchant's sealed events, to tell where
/// a broken link's event really chains from.
pub async fn hashes_of(conn: &mut AnyConnection, merchant_id: i64) -> StoreResult<Vec<ChainLink>> {
    let rows = sqlx::query(
        "SELECT chain_seq, id, hash FROM events \
         WHERE merchant_id = $1 AND chain_seq IS NOT NULL AND hash IS NOT NULL ORDER BY chain_seq",
    )
    .bind(merchant_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChainLink {
                seq: r.try_get("chain_seq")?,
                id: r.try_get("id")?,
                hash: r.try_get("hash")?,
            })
        })
        .collect()
}

/// How many events of each merchant wait to be sealed.
pub async fn pending(conn: &mut AnyConnection) -> StoreResult<BTreeMap<i64, u64>> {
    let rows = sqlx::query(
        "SELECT merchant_id, COUNT(*) AS n FROM events WHERE chain_seq IS NULL GROUP BY merchant_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let n: i64 = r.try_get("n")?;
            Ok((r.try_get("merchant_id")?, n as u64))
        })
        .collect()
}

pub async fn heads(conn: &mut AnyConnection) -> StoreResult<Vec<ChainHead>> {
    let rows = sqlx::query(
        "SELECT merchant_id, last_event_id, last_hash, last_seq FROM event_chain_heads ORDER BY merchant_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChainHead {
                merchant_id: r.try_get("merchant_id")?,
                last_event_id: r.try_get("last_event_id")?,
                last_hash: r.try_get("last_hash")?,
                last_seq: r.try_get("last_seq")?,
            })
        })
        .collect()
}

/// Every merchant's id and slug, by id.
pub async fn merchant_slugs(conn: &mut AnyConnection) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query("SELECT id, slug FROM merchants ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("slug")?)))
        .collect()
}
