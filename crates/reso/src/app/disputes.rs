//! Disputes at payment providers as claims. A chargeback or provider claim
//! on an order Reso knows becomes a claim (kind `chargeback` or
//! `provider_claim`) with the provider's reason code and deadline; the
//! merchant answers it from the claim page (accept, or evidence with a
//! statement), the worker sends the answer through the provider's API, and
//! the provider's decision comes back by webhook and closes the claim.

use super::claims::{claim_event_input, load_for_change, DEADLINE_ANSWER};
use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::{Actor, AppError, AppResult};
use crate::store::claims::ClaimRecord;
use crate::store::deadlines::NewDeadline;
use crate::store::disputes::StoredDispute;
use crate::store::jobs::QueuedJob;
use crate::store::merchants::Merchant;
use crate::store::{self, Tx};
use crate::AppState;
use reso_domain::claim::{Claim, ClaimError, ClaimStatus};
use reso_domain::dispute::{DisputeError, MerchantResponse};
use reso_domain::Timestamp;
use serde_json::{json, Value};

/// The job that sends the merchant's answer to the provider.
pub const ANSWER_JOB: &str = "dispute_answer";

/// Longest statement providers take (Stripe's evidence text fields).
pub const STATEMENT_MAX_CHARS: usize = 20_000;

impl From<DisputeError> for AppError {
    fn from(e: DisputeError) -> Self {
        match e {
            DisputeError::NoEvidence => AppError::Invalid(e.to_string()),
            DisputeError::NotAwaitingAnswer(_) | DisputeError::TooLate => {
                AppError::Conflict(e.to_string())
            }
        }
    }
}

/// A dispute's event on its claim: on the order's timeline, to the shop's
/// staff and webhooks; never mailed to the buyer (the buyer's bank tells them).
async fn dispute_event(
    tx: &mut Tx,
    merchant: &Merchant,
    c: &ClaimRecord,
    kind: &str,
    actor: &str,
    mut data: Value,
    now: i64,
) -> AppResult<()> {
    data["kind"] = json!(c.claim.kind.code());
    let event = EventInput {
        buyer: None,
        ..claim_event_input(c, kind, actor, data)
    };
    record(tx, merchant, event, now).await?;
    Ok(())
}

fn dispute_data(stored: &StoredDispute, provider: &str) -> Value {
    let d = &stored.dispute;
    json!({
        "provider": provider, "dispute_id": stored.dispute_id, "stage": d.stage.code(),
        "dispute_state": d.state.code(), "reason_code": d.reason_code,
        "amount_minor": d.amount.minor, "currency": d.amount.currency.as_str(),
        "respond_by": d.respond_by.map(Timestamp::millis),
    })
}

/// Brings the dispute's claim in line with the dispute just reported by
/// `provider`: opens it on `order_id` the first time, then follows it (a new
/// deadline is scheduled, a decision closes it). A dispute on a payment Reso
/// does not know stays on the shop's timeline only.
pub(super) async fn follow(
    tx: &mut Tx,
    merchant: &Merchant,
    stored: &StoredDispute,
    order_id: Option<i64>,
    provider: &str,
    now: i64,
) -> AppResult<()> {
    let data = dispute_data(stored, provider);
    let actor = format!("gateway:{provider}");
    let Some(claim_id) = stored.claim_id else {
        let Some(order_id) = order_id else {
            return Ok(());
        };
        let claim = Claim::of_dispute(&stored.dispute, stored.dispute.amount, Timestamp(now));
        let d = &stored.dispute;
        let text = format!(
            "{provider} {} {}: reason {}, {}",
            d.stage.code().replace('_', " "),
            stored.dispute_id,
            if d.reason_code.is_empty() {
                "not given"
            } else {
                &d.reason_code
            },
            d.amount
        );
        let claim_id = store::claims::insert(tx, merchant.id, order_id, &claim, &text, now).await?;
        store::disputes::link_claim(tx, stored.id, claim_id).await?;
        let c = store::claims::load(tx, merchant.id, claim_id).await?;
        schedule_answer(tx, &c, now).await?;
        return dispute_event(tx, merchant, &c, "claim.dispute_opened", &actor, data, now).await;
    };
    let mut c = store::claims::load(tx, merchant.id, claim_id).await?;
    let expected = c.claim.status;
    let due_before = c.claim.due_at;
    if !c.claim.follow_dispute(&stored.dispute, Timestamp(now)) {
        return Ok(());
    }
    save(tx, &c, expected, now).await?;
    if c.claim.due_at != due_before {
        schedule_answer(tx, &c, now).await?;
    }
    let kind = if c.claim.status == ClaimStatus::Closed {
        "claim.dispute_decided"
    } else {
        "claim.dispute_updated"
    };
    dispute_event(tx, merchant, &c, kind, &actor, data, now).await
}

/// The provider's deadline, in the deadlines engine: when it passes without
/// an answer, the claim is left to the provider (and the merchant is told).
async fn schedule_answer(tx: &mut Tx, c: &ClaimRecord, now: i64) -> AppResult<()> {
    if let (ClaimStatus::AwaitingMerchant, Some(due)) = (c.claim.status, c.claim.due_at) {
        let d = NewDeadline {
            merchant_id: c.merchant_id,
            kind: DEADLINE_ANSWER,
            claim_id: Some(c.id),
            order_id: Some(c.order_id),
            due_at: due.millis(),
        };
        store::deadlines::insert(tx, &d, now).await?;
    }
    Ok(())
}

async fn save(tx: &mut Tx, c: &ClaimRecord, expected: ClaimStatus, now: i64) -> AppResult<()> {
    if !store::claims::save(tx, c, expected, now).await? {
        return Err(AppError::Conflict(
            "the claim changed meanwhile; reload it".into(),
        ));
    }
    Ok(())
}

/// The merchant's answer to a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeReply {
    pub response: MerchantResponse,
    /// With evidence: why the charge is right (required). With accept: an
    /// optional note for the provider.
    pub statement: String,
    /// Why no refund is owed, when the merchant refused one.
    pub refund_refusal: Option<String>,
}

impl DisputeReply {
    fn check(&self) -> Result<(), AppError> {
        let required = self.response == MerchantResponse::Evidence;
        if required && self.statement.trim().is_empty() {
            return Err(DisputeError::NoEvidence.into());
        }
        for text in std::iter::once(&self.statement).chain(&self.refund_refusal) {
            if text.chars().count() > STATEMENT_MAX_CHARS {
                return Err(AppError::Invalid(
                    ClaimError::TooLong(STATEMENT_MAX_CHARS).to_string(),
                ));
            }
        }
        Ok(())
    }
}

/// The merchant answers a dispute claim before the provider's deadline.
/// The answer is recorded and the claim waits for the provider at once; the
/// worker sends it (and, should the provider refuse it, the claim waits for
/// the merchant again).
pub async fn answer(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    reply: DisputeReply,
    actor: &Actor,
) -> AppResult<ClaimRecord> {
    reply.check()?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut c = load_for_change(&mut tx, merchant.id, claim_id, now).await?;
    let mut stored = store::disputes::of_claim(&mut tx, merchant.id, claim_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "this claim is not a dispute at a payment provider; answer it with a refund decision"
                    .into(),
            )
        })?;
    stored.dispute.answer(reply.response, 1, Timestamp(now))?;
    let refusal = reply
        .refund_refusal
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    store::disputes::save(&mut tx, stored.id, &stored.dispute, now).await?;
    store::disputes::keep_answer_text(&mut tx, stored.id, Some(reply.statement.trim()), refusal)
        .await?;
    let expected = c.claim.status;
    c.claim.follow_dispute(&stored.dispute, Timestamp(now));
    save(&mut tx, &c, expected, now).await?;
    let job = QueuedJob {
        kind: ANSWER_JOB,
        payload: json!({
            "dispute": stored.id, "merchant_id": merchant.id,
            // One key per answer, the same on every retry of the job.
            "idempotency_key": format!("reso-dispute-{}-{now}", stored.id),
        }),
        per_endpoint_of: None,
    };
    store::jobs::enqueue_fanned_out(&mut tx, &[job], now, now).await?;
    let data = json!({
        "response": reply.response.code(), "statement": reply.statement.trim(),
        "refund_refusal": refusal, "dispute_id": stored.dispute_id,
    });
    dispute_event(
        &mut tx,
        merchant,
        &c,
        "claim.dispute_answered",
        &actor.label(),
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// What the provider made of the answer the worker sent: taken (on the
/// timeline), or refused, and then the dispute waits for an answer again.
pub async fn answer_sent(
    state: &AppState,
    dispute_row: i64,
    refused: Option<&str>,
) -> AppResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut stored = store::disputes::load(&mut tx, dispute_row)
        .await
        .or_not_found("dispute")?;
    let Some(claim_id) = stored.claim_id else {
        return Ok(());
    };
    let merchant_id = store::claims::load_any(&mut tx, claim_id)
        .await?
        .merchant_id;
    let merchant = store::merchants::by_id(&mut tx, merchant_id).await?;
    let mut c = load_for_change(&mut tx, merchant_id, claim_id, now).await?;
    let data = json!({ "dispute_id": stored.dispute_id, "reason": refused });
    let kind = match refused {
        None => "claim.dispute_submitted",
        Some(_) => {
            stored.dispute.answer_refused();
            store::disputes::save(&mut tx, stored.id, &stored.dispute, now).await?;
            let expected = c.claim.status;
            if c.claim.follow_dispute(&stored.dispute, Timestamp(now)) {
                save(&mut tx, &c, expected, now).await?;
                schedule_answer(&mut tx, &c, now).await?;
            }
            "claim.dispute_answer_refused"
        }
    };
    dispute_event(&mut tx, &merchant, &c, kind, "system", data, now).await?;
    tx.commit().await?;
    Ok(())
}
