//! Sends a pending refund to its payment's gateway, then follows it until the
//! gateway settles it. The idempotency key is derived from the refund id, so
//! however often this job runs, the gateway sees one refund.

use super::{int_field, str_field, Done, FollowUp, JobError, JobResult};
use crate::app::payment_providers::account_for;
use crate::gateways::providers::Provider;
use crate::gateways::{self, Gateway, GatewayAnswer, RefundLine, RefundRequest};
use crate::store::{self, jobs::Job, refunds::RefundRecord, StoreError};
use crate::AppState;
use reso_domain::{Currency, Money};
use serde_json::json;

/// `gateway_refund {refund_id}`: asks the gateway to refund.
pub async fn send(state: &AppState, job: &Job) -> JobResult {
    let refund_id = int_field(job, "refund_id")?;
    let Some(refund) = pending_refund(state, refund_id).await? else {
        return Ok(Done::default());
    };
    let gateway = adapter(state, &refund).await?;
    let (payment_reference, lines) = {
        let mut conn = state.db.reader().acquire().await?;
        // A dispute arrived before the refund went out: sending it now could
        // pay the buyer twice. It waits, pending and in view, for the decision.
        if store::disputes::undecided_on(&mut conn, refund.payment_id).await? {
            return Err(JobError::Retry(anyhow::anyhow!(
                "refund {refund_id}: its payment is under a dispute; it waits for the decision"
            )));
        }
        let order = store::orders::load(&mut conn, refund.merchant_id, refund.order_id).await?;
        let payment = order
            .payments
            .iter()
            .find(|p| p.id == refund.payment_id)
            .ok_or_else(|| {
                JobError::Permanent(anyhow::anyhow!(
                    "refund {refund_id}: its payment {} is not on the order",
                    refund.payment_id
                ))
            })?;
        // The returned goods, for providers that refund line by line; none
        // for a refund without a return.
        let lines = match refund.return_id {
            Some(return_id) => {
                let r = store::returns::load(&mut conn, refund.merchant_id, return_id).await?;
                RefundLine::for_refund(&r.lines, refund.amount_minor)
            }
            None => Vec::new(),
        };
        (payment.reference.clone(), lines)
    };
    let currency = Currency::parse(&refund.currency).map_err(|e| JobError::Permanent(e.into()))?;
    let request = RefundRequest {
        refund_id,
        payment_reference,
        amount: Money::new(refund.amount_minor, currency),
        idempotency_key: RefundRequest::key_for(refund_id),
        requested_at: refund.created_at,
        lines,
    };
    let answer = gateway
        .refund(&request)
        .await
        .map_err(|e| JobError::Retry(e.into()))?;
    follow(state, gateway.as_ref(), refund_id, answer, 0).await
}

/// `gateway_poll {refund_id, gateway_refund_id, polls}`: asks how it went.
pub async fn poll(state: &AppState, job: &Job) -> JobResult {
    let refund_id = int_field(job, "refund_id")?;
    let gateway_refund_id = str_field(job, "gateway_refund_id")?;
    let polls = job
        .payload
        .get("polls")
        .and_then(|p| p.as_u64())
        .unwrap_or(0);
    let Some(refund) = pending_refund(state, refund_id).await? else {
        return Ok(Done::default());
    };
    let gateway = adapter(state, &refund).await?;
    let answer = gateway
        .status(gateway_refund_id)
        .await
        .map_err(|e| JobError::Retry(e.into()))?;
    follow(
        state,
        gateway.as_ref(),
        refund_id,
        answer,
        u32::try_from(polls).unwrap_or(u32::MAX),
    )
    .await
}

/// The refund, while it still waits for its gateway; `None` once settled
/// (a repeated or late job then has nothing to do).
async fn pending_refund(
    state: &AppState,
    refund_id: i64,
) -> Result<Option<RefundRecord>, JobError> {
    let mut conn = state.db.reader().acquire().await?;
    match store::refunds::load(&mut conn, refund_id).await {
        Ok(r) if r.status == "pending" => Ok(Some(r)),
        Ok(_) => Ok(None),
        Err(StoreError::NotFound) => Err(JobError::Permanent(anyhow::anyhow!(
            "refund {refund_id} does not exist"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The refund's gateway: a built-in one, or an adapter built from the
/// merchant's connected account at the payment's provider.
async fn adapter(state: &AppState, refund: &RefundRecord) -> Result<Box<dyn Gateway>, JobError> {
    let account = match Provider::parse(&refund.gateway) {
        Some(provider) => account_for(state, refund.merchant_id, provider)
            .await
            // A missing or wrong key is mended by a restart with the right
            // one: worth retrying, like a database hiccup.
            .map_err(|e| JobError::Retry(anyhow::anyhow!("refund {}: {e}", refund.id)))?,
        None => None,
    };
    let http = gateways::provider_http().map_err(|e| JobError::Retry(e.into()))?;
    // Not connected, or no adapter: the refund stays pending, in view, with
    // this job's error saying why.
    gateways::resolve(
        &refund.gateway,
        account.as_ref(),
        state.clock.clone(),
        state.config.simulator_settle_ms,
        &http,
    )
    .map_err(|e| JobError::Permanent(anyhow::anyhow!("refund {}: {e}", refund.id)))
}

async fn follow(
    state: &AppState,
    gateway: &dyn Gateway,
    refund_id: i64,
    answer: GatewayAnswer,
    polls: u32,
) -> JobResult {
    let outcome = match answer {
        GatewayAnswer::Pending { gateway_refund_id } => {
            let payload = json!({ "refund_id": refund_id, "gateway_refund_id": gateway_refund_id, "polls": polls.saturating_add(1) });
            let run_at = state.now() + gateway.poll_after_ms(polls);
            return Ok(Done {
                follow_ups: vec![FollowUp {
                    kind: "gateway_poll",
                    payload,
                    run_at,
                }],
            });
        }
        GatewayAnswer::Succeeded { gateway_refund_id } => Ok(gateway_refund_id),
        GatewayAnswer::Failed { reason } => Err(reason),
    };
    // `settle` changes a refund only while it is pending: settling twice is harmless.
    crate::app::refunds::settle(state, refund_id, outcome).await?;
    Ok(Done::default())
}
