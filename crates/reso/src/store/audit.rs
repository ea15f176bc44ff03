//! Reading the event chain back for `reso audit verify`: the events with
//! their stored text and hash, and each merchant's chain head, all in one
//! snapshot so a server writing meanwhile cannot make a sound chain look cut.

use super::{Backend, Db, StoreResult};
use sqlx::{Any, AnyConnection, Executor, Row, Transaction};

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
    pub hash: Option<String>,
}

/// Where a merchant's chain ends, as the appenders left it.
#[derive(Debug, Clone)]
pub struct ChainHead {
    pub merchant_id: i64,
    pub last_event_id: i64,
    pub last_hash: String,
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

/// Events after `after_id` in id order, of one merchant or of all.
pub async fn events_after(
    conn: &mut AnyConnection,
    merchant_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> StoreResult<Vec<StoredEvent>> {
    let columns = "id, merchant_id, order_id, return_id, kind, actor, data, at, hash";
    let rows = match merchant_id {
        Some(m) => {
            sqlx::query(&format!(
            "SELECT {columns} FROM events WHERE merchant_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
            .bind(m)
            .bind(after_id)
            .bind(limit)
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {columns} FROM events WHERE id > $1 ORDER BY id LIMIT $2"
            ))
            .bind(after_id)
            .bind(limit)
            .fetch_all(conn)
            .await?
        }
    };
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
                hash: r.try_get("hash")?,
            })
        })
        .collect()
}

/// The ids and hashes of a merchant's chained events, to tell where a
/// broken link's event really chains from.
pub async fn hashes_of(
    conn: &mut AnyConnection,
    merchant_id: i64,
) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, hash FROM events WHERE merchant_id = $1 AND hash IS NOT NULL ORDER BY id",
    )
    .bind(merchant_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("hash")?)))
        .collect()
}

pub async fn heads(conn: &mut AnyConnection) -> StoreResult<Vec<ChainHead>> {
    let rows = sqlx::query(
        "SELECT merchant_id, last_event_id, last_hash FROM event_chain_heads ORDER BY merchant_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChainHead {
                merchant_id: r.try_get("merchant_id")?,
                last_event_id: r.try_get("last_event_id")?,
                last_hash: r.try_get("last_hash")?,
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
