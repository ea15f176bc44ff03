//! Checking the tamper-evident event log: each merchant's sealed events, in
//! chain order (places 1, 2, … with none missing), must each carry
//! SHA-256(previous hash || the event's canonical bytes), the first chaining
//! from zeros, and the last one must be the one the chain head records.
//! Reports the first broken link of each merchant and what differs there,
//! and how many events wait for the worker to seal them.

use super::AppResult;
use crate::store::audit::{self, ChainHead, ChainLink, StoredEvent};
use crate::store::events::{canonical, chain_hash, from_hex, to_hex, GENESIS};
use crate::store::Db;
use std::collections::BTreeMap;

/// One merchant's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub merchant_id: i64,
    pub slug: String,
    /// Events written but not sealed yet: the worker seals them on its next
    /// pass (or, with Reso stopped, at its next start).
    pub pending: u64,
    /// Events whose link checked out.
    pub chained: u64,
    /// The hash of the last chained event: kept somewhere else (a ticket,
    /// a mail), it pins the chain so that not even a rewrite of the whole
    /// log goes unnoticed.
    pub last_hash: Option<String>,
    pub broken: Option<BrokenLink>,
}

/// The first link that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub event_id: i64,
    pub what: String,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Where a merchant's walk stands.
#[derive(Default)]
struct Walk {
    chained: u64,
    /// The last chained event: place, id and hash.
    last: Option<(i64, i64, [u8; 32])>,
    broken: Option<BrokenLink>,
    /// The event that broke, looked at again once the walk is over.
    suspect: Option<StoredEvent>,
}

impl Walk {
    fn step(&mut self, e: StoredEvent) {
        if self.broken.is_some() {
            return;
        }
        let expected = self.last.map_or(1, |(seq, _, _)| seq + 1);
        if e.seq != expected {
            let what = match self.last {
                Some((_, id, _)) => format!(
                    "places {expected} to {} of the chain, after event {id}, are empty: the events there were deleted",
                    e.seq - 1
                ),
                None => format!(
                    "places 1 to {} of the chain are empty: the events there were deleted",
                    e.seq - 1
                ),
            };
            self.break_at(e.id, what);
            return;
        }
        let Some(stored) = &e.hash else {
            self.break_at(
                e.id,
                "it has a place in the chain but no hash: its hash was removed".into(),
            );
            return;
        };
        let Some(stored) = from_hex(stored) else {
            self.break_at(e.id, "its stored hash is not 64 hex digits".into());
            return;
        };
        let prev = self.last.map_or(GENESIS, |(_, _, h)| h);
        if chain_hash(&prev, &canonical_of(&e)) == stored {
            self.chained += 1;
            self.last = Some((e.seq, e.id, stored));
        } else {
            self.break_at(e.id, String::new());
            self.suspect = Some(e);
        }
    }

    fn break_at(&mut self, event_id: i64, what: String) {
        self.broken = Some(BrokenLink { event_id, what });
    }

    /// The end of the chain must be where the head says it is.
    fn check_head(&mut self, head: Option<&ChainHead>) {
        if self.broken.is_some() {
            return;
        }
        match (head, self.last) {
            (None, None) => {}
            // A head whose merchant had nothing sealed yet.
            (Some(h), None) if h.last_seq == 0 => {}
            (None, Some((_, id, _))) => self.break_at(
                id,
                "the merchant has chained events but no chain head: the head row was deleted"
                    .into(),
            ),
            (Some(h), None) => self.break_at(
                h.last_event_id,
                format!(
                    "the chain head records event {} but no chained event is left: events were deleted",
                    h.last_event_id
                ),
            ),
            (Some(h), Some((seq, id, hash))) => {
                if h.last_seq != seq || h.last_event_id != id || h.last_hash != to_hex(&hash) {
                    self.break_at(
                        h.last_event_id.max(id),
                        format!(
                            "the chain head records event {} as the last, but the chain ends at event {id}: \
                             events at the end were deleted, or added outside the chain",
                            h.last_event_id
                        ),
                    );
                }
            }
        }
    }
}

fn canonical_of(e: &StoredEvent) -> Vec<u8> {
    canonical(
        e.merchant_id,
        e.order_id,
        e.return_id,
        &e.kind,
        &e.actor,
        &e.data,
        e.at,
    )
}

/// Why `e` does not chain from the event before it: which stored hash (if
/// any) its own hash was made from tells deletion, insertion and reordering
/// apart from a change to the event itself.
fn explain(e: &StoredEvent, before: Option<i64>, hashes: &[ChainLink]) -> String {
    let Some(stored) = e.hash.as_deref().and_then(from_hex) else {
        return "its stored hash is unreadable".into();
    };
    let bytes = canonical_of(e);
    let after = before.map_or("the start of the chain".to_string(), |id| {
        format!("event {id}")
    });
    if chain_hash(&GENESIS, &bytes) == stored {
        return format!(
            "it chains from the start of the chain, not from {after}: events before it were added or moved"
        );
    }
    for link in hashes {
        let Some(candidate) = from_hex(&link.hash) else {
            continue;
        };
        let id = link.id;
        if id != e.id && chain_hash(&candidate, &bytes) == stored {
            return if link.seq > e.seq {
                format!("it chains from event {id}, which comes after it: events were reordered")
            } else {
                format!(
                    "it chains from event {id}, not from {after}: the events between were added or moved"
                )
            };
        }
    }
    format!(
        "its hash matches its contents after neither {after} nor any other event: \
         its contents or hash were changed, or the event it followed was deleted"
    )
}

/// Walks every merchant's chain (or one merchant's) in one snapshot.
pub async fn verify(db: &Db, merchant_id: Option<i64>) -> AppResult<Vec<ChainReport>> {
    const PAGE: i64 = 5_000;
    let mut tx = audit::snapshot(db).await?;
    let slugs = audit::merchant_slugs(&mut tx).await?;
    let heads: BTreeMap<i64, ChainHead> = audit::heads(&mut tx)
        .await?
        .into_iter()
        .map(|h| (h.merchant_id, h))
        .collect();
    let pending = audit::pending(&mut tx).await?;
    let mut reports = Vec::new();
    for (id, slug) in slugs {
        if merchant_id.is_some_and(|m| m != id) {
            continue;
        }
        let mut walk = Walk::default();
        let mut after = 0;
        while walk.broken.is_none() {
            let page = audit::chain_after(&mut tx, id, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page {
                walk.step(e);
            }
        }
        walk.check_head(heads.get(&id));
        if let (Some(e), Some(broken)) = (&walk.suspect, &mut walk.broken) {
            let hashes = audit::hashes_of(&mut tx, id).await?;
            broken.what = explain(e, walk.last.map(|(_, id, _)| id), &hashes);
        }
        reports.push(ChainReport {
            merchant_id: id,
            slug,
            pending: pending.get(&id).copied().unwrap_or(0),
            chained: walk.chained,
            last_hash: walk.last.map(|(_, _, h)| to_hex(&h)),
            broken: walk.broken,
        });
    }
    tx.rollback()
        .await
        .map_err(crate::store::StoreError::from)?;
    Ok(reports)
}
