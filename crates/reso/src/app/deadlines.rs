//! Deadlines falling due: a silent merchant's claim goes to the mediators, a
//! silent buyer's closes, missing documents leave the mediators to decide,
//! and the day-23 "did everything go well?" mail goes out.
//!
//! The worker fires them in batches, one transaction each: the batch's
//! deadlines are marked fired, what they guard is loaded in a few queries,
//! the domain decides each deadline in turn, and the changes, events and jobs
//! are written in a few statements, all in that transaction.

use super::claims::{
    claim_event_input, DEADLINE_ANSWER, DEADLINE_DOCUMENTS, DEADLINE_REACTION, DEADLINE_REMINDER,
};
use super::events::{record_many, EventInput};
use super::AppResult;
use crate::store::claims::{ClaimRecord, ReminderSubject};
use crate::store::deadlines::Deadline;
use crate::store::merchants::Merchant;
use crate::store::{self, StoreError, Tx};
use crate::AppState;
use reso_domain::claim::{ClaimStatus, Protection};
use reso_domain::Timestamp;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Fires every deadline due now, `batch` per transaction; returns how many
/// changed something.
pub async fn fire_due(state: &AppState, batch: i64) -> AppResult<usize> {
    let mut changed = 0;
    loop {
        let now = state.now();
        let mut tx = state.db.begin().await?;
        let due = store::deadlines::take_due(&mut tx, state.db.backend, now, batch).await?;
        if due.is_empty() {
            tx.rollback().await?;
            return Ok(changed);
        }
        changed += fire(&mut tx, &due, now).await?;
        tx.commit().await?;
    }
}

/// What one deadline does, once the domain has decided.
enum Effect {
    /// The claim's wait ended: save it and tell everyone.
    Claim {
        claim_id: i64,
        kind: &'static str,
        data: Value,
    },
    Reminder {
        order_id: i64,
    },
}

/// Fires deadlines this transaction took, in their order; returns how many
/// changed something. A deadline whose wait already ended (the merchant
/// answered in time) changes nothing.
async fn fire(tx: &mut Tx, due: &[Deadline], now: i64) -> AppResult<usize> {
    let merchants = merchants_of(tx, due).await?;
    let mut claims = claims_of(tx, due).await?;
    let subjects = reminder_subjects_of(tx, due).await?;
    // The status each claim was loaded in: saving checks it is still so.
    let expected: HashMap<i64, ClaimStatus> =
        claims.iter().map(|(id, c)| (*id, c.claim.status)).collect();

    let mut effects = Vec::new();
    for d in due {
        let merchant = &merchants[&d.merchant_id];
        let effect = if d.kind == DEADLINE_REMINDER {
            let Some(order_id) = d.order_id else {
                continue;
            };
            let subject = subjects
                .get(&order_id)
                .filter(|s| s.merchant_id == merchant.id)
                .ok_or(StoreError::NotFound)?;
            if !reminder_due(merchant, subject, now) {
                continue;
            }
            Effect::Reminder { order_id }
        } else {
            let Some(claim_id) = d.claim_id else {
                continue;
            };
            let c = claims
                .get_mut(&claim_id)
                .filter(|c| c.merchant_id == merchant.id)
                .ok_or(StoreError::NotFound)?;
            let Some((kind, data)) = end_wait(c, d, now) else {
                continue;
            };
            Effect::Claim {
                claim_id,
                kind,
                data,
            }
        };
        effects.push(effect);
    }

    // A claim ends at most one wait per batch: the first deadline that fires
    // leaves it escalated or closed, which no deadline waits for.
    let mut changes: Vec<(&ClaimRecord, ClaimStatus)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Claim { claim_id, .. } => Some((&claims[claim_id], expected[claim_id])),
            Effect::Reminder { .. } => None,
        })
        .collect();
    // Rows locked in one order: two PostgreSQL workers cannot deadlock on them.
    changes.sort_by_key(|(c, _)| c.id);
    // A claim someone changed meanwhile (PostgreSQL) is not saved: its deadline changes nothing.
    let saved: std::collections::HashSet<i64> = store::claims::save_many(tx, &changes, now)
        .await?
        .into_iter()
        .collect();

    let mut events = Vec::with_capacity(effects.len());
    for effect in effects {
        let event = match effect {
            Effect::Claim {
                claim_id,
                kind,
                data,
            } => {
                if !saved.contains(&claim_id) {
                    continue;
                }
                let c = &claims[&claim_id];
                (
                    &merchants[&c.merchant_id],
                    claim_event_input(c, kind, "system", data),
                )
            }
            Effect::Reminder { order_id } => {
                let subject = &subjects[&order_id];
                let merchant = &merchants[&subject.merchant_id];
                (merchant, reminder_event(merchant, subject))
            }
        };
        events.push(event);
    }
    let changed = events.len();
    record_many(tx, events, now).await?;
    Ok(changed)
}

/// Ends the wait the deadline guards, when it is still going on and due;
/// returns the event to record.
fn end_wait(c: &mut ClaimRecord, d: &Deadline, now: i64) -> Option<(&'static str, Value)> {
    // Each deadline belongs to one wait: one of another wait that happens to
    // fall due at the same instant must not end this one.
    let waits_for = match d.kind.as_str() {
        DEADLINE_ANSWER => ClaimStatus::AwaitingMerchant,
        DEADLINE_REACTION => ClaimStatus::AwaitingBuyer,
        DEADLINE_DOCUMENTS => ClaimStatus::AwaitingDocuments,
        _ => return None,
    };
    // The claim's own due date decides: an older deadline of a finished wait does nothing.
    if c.claim.status != waits_for
        || c.claim.due_at.map(Timestamp::millis) != Some(d.due_at)
        || !c.claim.deadline_passed(Timestamp(now))
    {
        return None;
    }
    Some(match c.claim.status {
        ClaimStatus::Closed => (
            "claim.closed",
            json!({ "outcome": c.claim.outcome, "why": "the buyer did not react in time" }),
        ),
        // The payment provider's deadline passed without the merchant's answer.
        ClaimStatus::AwaitingProvider => (
            "claim.dispute_unanswered",
            json!({ "why": "the payment provider's deadline passed without an answer" }),
        ),
        _ => (
            "claim.escalated",
            json!({ "escalation": c.claim.escalation.map(|e| e.code()), "why": d.kind }),
        ),
    })
}

/// "Did everything go well?" makes no sense once protection ended or the
/// buyer told us it did not.
fn reminder_due(merchant: &Merchant, o: &ReminderSubject, now: i64) -> bool {
    let protection = Protection::of(
        o.protected,
        o.concluded_at.is_some(),
        Timestamp(o.placed_at),
        &merchant.protection,
        Timestamp(now),
    );
    matches!(protection, Protection::Active { .. }) && !o.has_claims
}

fn reminder_event<'a>(merchant: &Merchant, o: &'a ReminderSubject) -> EventInput<'a> {
    let ends_at = merchant
        .protection
        .protection_ends(Timestamp(o.placed_at))
        .millis();
    EventInput {
        order_id: Some(o.order_id),
        return_id: None,
        kind: "protection.reminder",
        actor: "system",
        data: json!({ "order_number": o.order_number, "ends_at": ends_at }),
        buyer: Some((&o.buyer_email, &o.locale)),
    }
}

/// The merchants of the deadlines, each loaded once.
async fn merchants_of(tx: &mut Tx, due: &[Deadline]) -> AppResult<HashMap<i64, Merchant>> {
    let mut merchants = HashMap::new();
    for d in due {
        if let std::collections::hash_map::Entry::Vacant(slot) = merchants.entry(d.merchant_id) {
            slot.insert(store::merchants::by_id(tx, d.merchant_id).await?);
        }
    }
    Ok(merchants)
}

/// The claims the deadlines guard, by id.
async fn claims_of(tx: &mut Tx, due: &[Deadline]) -> AppResult<HashMap<i64, ClaimRecord>> {
    let mut ids: Vec<i64> = due
        .iter()
        .filter(|d| d.kind != DEADLINE_REMINDER)
        .filter_map(|d| d.claim_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let claims = store::claims::load_many(tx, &ids).await?;
    Ok(claims.into_iter().map(|c| (c.id, c)).collect())
}

/// What the reminders among the deadlines depend on, by order id.
async fn reminder_subjects_of(
    tx: &mut Tx,
    due: &[Deadline],
) -> AppResult<HashMap<i64, ReminderSubject>> {
    let mut ids: Vec<i64> = due
        .iter()
        .filter(|d| d.kind == DEADLINE_REMINDER)
        .filter_map(|d| d.order_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let subjects = store::claims::reminder_subjects(tx, &ids).await?;
    Ok(subjects.into_iter().map(|s| (s.order_id, s)).collect())
}
