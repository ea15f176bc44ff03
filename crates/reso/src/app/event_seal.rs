//! Sealing the event log: the worker chains what was written since its last
//! pass, a merchant at a time, each event taking the next place in its
//! merchant's chain with SHA-256(previous hash || its canonical bytes).
//! Requests never wait for it; an event is open to an undetected edit only
//! until the next pass (a fraction of a second while the worker runs).

use super::AppResult;
use crate::store::event_chain::{self, Seal};
use crate::store::events::{canonical, chain_hash, from_hex, to_hex, GENESIS};
use crate::store::{Db, StoreError};

/// Events sealed per transaction: one statement each way, and a short lock.
const BATCH: i64 = 2_000;

/// Seals every event written so far; returns how many it sealed.
pub async fn seal_pending(db: &Db) -> AppResult<u64> {
    let merchants = {
        let mut conn = db.reader().acquire().await.map_err(StoreError::from)?;
        event_chain::merchants_with_unsealed(&mut conn).await?
    };
    let mut sealed = 0;
    for merchant_id in merchants {
        loop {
            let n = seal_batch(db, merchant_id).await?;
            sealed += n;
            if n < BATCH as u64 {
                break;
            }
        }
    }
    Ok(sealed)
}

/// Seals up to `BATCH` of one merchant's events in one transaction.
async fn seal_batch(db: &Db, merchant_id: i64) -> AppResult<u64> {
    let mut tx = db.begin().await?;
    let head = event_chain::lock_head(&mut tx, merchant_id, &to_hex(&GENESIS)).await?;
    let events = event_chain::unsealed(&mut tx, merchant_id, BATCH).await?;
    let mut prev = from_hex(&head.last_hash)
        .ok_or_else(|| StoreError::Corrupt(format!("chain head of merchant {merchant_id}")))?;
    let seals: Vec<Seal> = events
        .iter()
        .zip(head.last_seq + 1..)
        .map(|(e, seq)| {
            let bytes = canonical(
                e.merchant_id,
                e.order_id,
                e.return_id,
                &e.kind,
                &e.actor,
                &e.data,
                e.at,
            );
            prev = chain_hash(&prev, &bytes);
            Seal {
                id: e.id,
                seq,
                hash: to_hex(&prev),
            }
        })
        .collect();
    event_chain::seal(&mut tx, merchant_id, &seals).await?;
    tx.commit().await?;
    Ok(seals.len() as u64)
}
