//! Disputes at payment providers as claims. A chargeback or provider claim
//! on an order Reso knows becomes a claim (kind `chargeback` or
//! `provider_claim`) with the provider's reason code and deadline; the
//! merchant answers it from the claim page (accept, or evidence with a
//! statement), the worker sends the answer through the provider's API, and
//! the provider's decision comes back by webhook and closes the claim.

use super::claims::{claim_event_input, load_for_change, save, schedule, DEADLINE_ANSWER};
use super::dispute_evidence::{self, checked_answer, MAX_STATEMENT_CHARS};
use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::{Actor, AppError, AppResult};
use crate::store::claims::ClaimRecord;
use crate::store::disputes::StoredDispute;
use crate::store::jobs::QueuedJob;
use crate::store::merchants::Merchant;
use crate::store::{self, Tx};
use crate::AppState;
use reso_domain::claim::{Claim, ClaimStatus};
use reso_domain::dispute::{DisputeError, MerchantResponse};
use reso_domain::Timestamp;
use serde_json::{json, Value};

/// The job that sends the merchant's answer to the provider.
pub const ANSWER_JOB: &str = "dispute_answer";

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
) -> AppResult<i64> {
    data["kind"] = json!(c.claim.kind.code());
    let event = EventInput {
        buyer: None,
        ..claim_event_input(c, kind, actor, data)
    };
    record(tx, merchant, event, now).await
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
        schedule(tx, &c, DEADLINE_ANSWER, now).await?;
        dispute_event(tx, merchant, &c, "claim.dispute_opened", &actor, data, now).await?;
        return Ok(());
    };
    let mut c = store::claims::load(tx, merchant.id, claim_id).await?;
    let expected = c.claim.status;
    let due_before = c.claim.due_at;
    if !c.claim.follow_dispute(&stored.dispute, Timestamp(now)) {
        return Ok(());
    }
    save(tx, &c, expected, now).await?;
    if c.claim.due_at != due_before {
        schedule(tx, &c, DEADLINE_ANSWER, now).await?;
    }
    let kind = if c.claim.status == ClaimStatus::Closed {
        "claim.dispute_decided"
    } else {
        "claim.dispute_updated"
    };
    dispute_event(tx, merchant, &c, kind, &actor, data, now).await?;
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

/// The merchant answers a dispute claim before the provider's deadline.
/// Evidence is built from the order's evidence pack now and kept with the
/// answer, so every attempt sends the same; the claim waits for the provider
/// at once; the worker sends the answer (and, should the provider refuse it,
/// the claim waits for the merchant again).
pub async fn answer(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    reply: DisputeReply,
    actor: &Actor,
) -> AppResult<ClaimRecord> {
    let (statement, refusal) = match reply.response {
        MerchantResponse::Evidence => {
            checked_answer(&reply.statement, reply.refund_refusal.as_deref())?
        }
        // A note is optional, within the same limit.
        MerchantResponse::Accepted => {
            let note = reply.statement.trim();
            if note.chars().count() > MAX_STATEMENT_CHARS {
                return Err(AppError::Invalid(format!(
                    "the note is longer than {MAX_STATEMENT_CHARS} characters"
                )));
            }
            (note.to_string(), None)
        }
    };
    let (order_id, stored) = {
        let mut conn = state.db.reader().acquire().await?;
        let c = store::claims::load(&mut conn, merchant.id, claim_id)
            .await
            .or_not_found("claim")?;
        (
            c.order_id,
            dispute_of(&mut conn, merchant.id, claim_id).await?,
        )
    };
    // Checked before the evidence is built; checked again under the lock.
    stored
        .dispute
        .clone()
        .answer(reply.response, 1, Timestamp(state.now()))?;
    let evidence = match reply.response {
        MerchantResponse::Evidence => {
            let d = &stored.dispute;
            let evidence = dispute_evidence::build(
                state,
                merchant,
                order_id,
                &statement,
                refusal.as_deref(),
                &d.reason_code,
                d.amount,
            )
            .await?;
            Some(serde_json::to_string(&evidence).map_err(|e| AppError::Internal(e.into()))?)
        }
        MerchantResponse::Accepted => None,
    };

    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut c = load_for_change(&mut tx, merchant.id, claim_id, now).await?;
    let mut stored = dispute_of(&mut tx, merchant.id, claim_id).await?;
    stored.dispute.answer(reply.response, 1, Timestamp(now))?;
    store::disputes::save(&mut tx, stored.id, &stored.dispute, now).await?;
    store::disputes::keep_answer(
        &mut tx,
        stored.id,
        Some(&statement),
        refusal.as_deref(),
        evidence.as_deref(),
    )
    .await?;
    let expected = c.claim.status;
    c.claim.follow_dispute(&stored.dispute, Timestamp(now));
    save(&mut tx, &c, expected, now).await?;
    let data = json!({
        "response": reply.response.code(), "statement": statement,
        "refund_refusal": refusal, "dispute_id": stored.dispute_id,
    });
    let actor = actor.label();
    let answered = dispute_event(
        &mut tx,
        merchant,
        &c,
        "claim.dispute_answered",
        &actor,
        data,
        now,
    )
    .await?;
    let job = QueuedJob {
        kind: ANSWER_JOB,
        payload: json!({
            "dispute": stored.id, "merchant_id": merchant.id,
            // One key per answer (its event), the same on every retry of the job.
            "idempotency_key": format!("reso-dispute-answer-{answered}"),
        }),
        per_endpoint_of: None,
    };
    store::jobs::enqueue_fanned_out(&mut tx, &[job], now, now).await?;
    tx.commit().await?;
    Ok(c)
}

/// The dispute a claim is; a claim that is none is answered otherwise.
async fn dispute_of(
    conn: &mut sqlx::AnyConnection,
    merchant_id: i64,
    claim_id: i64,
) -> AppResult<StoredDispute> {
    store::disputes::of_claim(conn, merchant_id, claim_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict(
                "this claim is not a dispute at a payment provider; answer it with a refund decision"
                    .into(),
            )
        })
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
            store::disputes::keep_answer(&mut tx, stored.id, None, None, None).await?;
            let expected = c.claim.status;
            if c.claim.follow_dispute(&stored.dispute, Timestamp(now)) {
                save(&mut tx, &c, expected, now).await?;
                schedule(&mut tx, &c, DEADLINE_ANSWER, now).await?;
            }
            "claim.dispute_answer_refused"
        }
    };
    dispute_event(&mut tx, &merchant, &c, kind, "system", data, now).await?;
    tx.commit().await?;
    Ok(())
}
