//! PayPal webhook events read into Reso's provider-neutral notifications.
//! Refunds: `PAYMENT.CAPTURE.REFUNDED` (a refund of a capture, by Reso or in
//! PayPal's dashboard; the resource is the refund, whatever its status) and
//! `PAYMENT.CAPTURE.REVERSED` (PayPal itself gave the capture back to the
//! buyer: a refund Reso did not make, which it learns like a dashboard
//! refund; not `RefundState::Reversed`, which is a refund taken back). Disputes:
//! `CUSTOMER.DISPUTE.CREATED` / `UPDATED` / `RESOLVED`, the resource being the
//! dispute of the Customer Disputes API v1. Other events are not Reso's.
//!
//! The event's `create_time` is inside the signed body (PayPal's signature
//! covers a CRC32 of it), so it is taken as it is once verified.

use super::super::notification::{
    DisputeNews, DisputeStage, DisputeState, ProviderNotification, RefundNews, RefundState,
    Rejection, Subject,
};
use super::super::RefundRequest;
use super::amount;
use reso_domain::{Money, Timestamp};
use serde::Deserialize;

#[derive(Deserialize)]
struct Event {
    id: String,
    create_time: Option<String>,
    event_type: String,
    #[serde(default)]
    resource_type: Option<String>,
    #[serde(default)]
    resource: serde_json::Value,
}

#[derive(Deserialize)]
struct Amount {
    value: String,
    currency_code: String,
}

#[derive(Deserialize, Default)]
struct Link {
    #[serde(default)]
    href: String,
    #[serde(default)]
    rel: String,
}

/// A refund (Payments v2 `refund`), or for a reversal reported on the
/// capture itself, the capture.
#[derive(Deserialize)]
struct PaymentResource {
    id: String,
    amount: Option<Amount>,
    status: Option<String>,
    #[serde(default)]
    status_details: Option<StatusDetails>,
    custom_id: Option<String>,
    invoice_id: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
pub(super) struct StatusDetails {
    pub reason: Option<String>,
}

#[derive(Deserialize)]
struct Dispute {
    dispute_id: String,
    reason: Option<String>,
    external_reason_code: Option<String>,
    status: Option<String>,
    dispute_amount: Option<Amount>,
    seller_response_due_date: Option<String>,
    dispute_life_cycle_stage: Option<String>,
    dispute_outcome: Option<Outcome>,
    #[serde(default)]
    disputed_transactions: Vec<DisputedTransaction>,
}

#[derive(Deserialize)]
struct Outcome {
    outcome_code: Option<String>,
    amount_refunded: Option<Amount>,
}

#[derive(Deserialize)]
struct DisputedTransaction {
    seller_transaction_id: Option<String>,
}

/// Reads one webhook event (already verified): one notification, or none for
/// an event Reso does not act on.
pub fn parse_notification(body: &[u8]) -> Result<Vec<ProviderNotification>, Rejection> {
    let event: Event = serde_json::from_slice(body)
        .map_err(|e| Rejection::Unparseable(format!("not a PayPal webhook event: {e}")))?;
    let subject = match event.event_type.as_str() {
        "PAYMENT.CAPTURE.REFUNDED" | "PAYMENT.CAPTURE.REVERSED" => Subject::Refund(refund(&event)?),
        "CUSTOMER.DISPUTE.CREATED" | "CUSTOMER.DISPUTE.UPDATED" | "CUSTOMER.DISPUTE.RESOLVED" => {
            Subject::Dispute(dispute(&event)?)
        }
        _ => return Ok(Vec::new()),
    };
    let create_time = event
        .create_time
        .as_deref()
        .ok_or_else(|| Rejection::Unparseable(format!("event {} has no create_time", event.id)))?;
    let occurred_at = parse_time(create_time).ok_or_else(|| {
        Rejection::Unparseable(format!(
            "create_time '{create_time}' of event {} is not an RFC 3339 time",
            event.id
        ))
    })?;
    Ok(vec![ProviderNotification {
        notification_id: event.id,
        occurred_at,
        subject,
    }])
}

fn unparseable(event: &Event, what: impl std::fmt::Display) -> Rejection {
    Rejection::Unparseable(format!("{} event {}: {what}", event.event_type, event.id))
}

fn money(event: &Event, amount: Option<&Amount>, what: &str) -> Result<Money, Rejection> {
    let amount = amount.ok_or_else(|| unparseable(event, format!("no {what}")))?;
    amount::from_paypal(&amount.value, &amount.currency_code)
        .map_err(|e| unparseable(event, format!("{what}: {e}")))
}

fn refund(event: &Event) -> Result<RefundNews, Rejection> {
    let resource: PaymentResource = serde_json::from_value(event.resource.clone())
        .map_err(|e| unparseable(event, format!("resource: {e}")))?;
    // Reversals may show the amount taken back as negative.
    let amount = money(event, resource.amount.as_ref(), "amount")?;
    let minor = amount
        .minor
        .checked_abs()
        .ok_or_else(|| unparseable(event, "amount out of range"))?;
    let amount = Money::new(minor, amount.currency);
    let on_capture = event.event_type == "PAYMENT.CAPTURE.REVERSED"
        && event.resource_type.as_deref() == Some("capture");
    if on_capture {
        // The capture itself, reversed: no refund id exists, so the reversal
        // is named after its capture (one reversal per capture).
        return Ok(RefundNews {
            gateway_refund_id: format!("{}-reversal", resource.id),
            payment_reference: resource.id,
            reso_reference: None,
            amount,
            state: RefundState::Succeeded,
        });
    }
    let payment_reference = resource
        .links
        .iter()
        .find(|l| l.rel == "up")
        .and_then(|l| capture_id(&l.href))
        .unwrap_or_default();
    // Reso sends its refund key as `custom_id`; a refund made in PayPal's
    // dashboard carries the merchant's own, or none.
    let reso_reference = [&resource.custom_id, &resource.invoice_id]
        .into_iter()
        .flatten()
        .find(|r| RefundRequest::refund_id_from(r).is_some())
        .cloned();
    Ok(RefundNews {
        gateway_refund_id: resource.id,
        payment_reference,
        reso_reference,
        amount,
        state: refund_state(
            resource.status.as_deref().unwrap_or("COMPLETED"),
            resource.status_details.as_ref(),
        ),
    })
}

/// What a PayPal refund `status` means; an unknown one is still under way.
pub(super) fn refund_state(status: &str, details: Option<&StatusDetails>) -> RefundState {
    let reason = || {
        details.and_then(|d| d.reason.clone()).map_or_else(
            || format!("PayPal reports the refund {status}"),
            |r| format!("PayPal reports the refund {status}: {r}"),
        )
    };
    match status {
        "COMPLETED" => RefundState::Succeeded,
        "FAILED" | "CANCELLED" => RefundState::Failed { reason: reason() },
        _ => RefundState::Pending,
    }
}

/// `…/v2/payments/captures/{id}` → `{id}`.
fn capture_id(href: &str) -> Option<String> {
    let (_, rest) = href.split_once("/v2/payments/captures/")?;
    let id = rest.split(['/', '?']).next()?;
    (!id.is_empty()).then(|| id.to_string())
}

fn dispute(event: &Event) -> Result<DisputeNews, Rejection> {
    let d: Dispute = serde_json::from_value(event.resource.clone())
        .map_err(|e| unparseable(event, format!("resource: {e}")))?;
    let amount = money(event, d.dispute_amount.as_ref(), "dispute_amount")?;
    let stage = match d.dispute_life_cycle_stage.as_deref() {
        Some("CHARGEBACK") => DisputeStage::Chargeback,
        Some("PRE_ARBITRATION") => DisputeStage::PreArbitration,
        Some("ARBITRATION") => DisputeStage::Arbitration,
        // INQUIRY, or not said: a dispute starts as an inquiry.
        _ => DisputeStage::Inquiry,
    };
    let resolved =
        event.event_type == "CUSTOMER.DISPUTE.RESOLVED" || d.status.as_deref() == Some("RESOLVED");
    let state = if resolved {
        outcome(event, d.dispute_outcome.as_ref())?
    } else {
        match d.status.as_deref() {
            Some("WAITING_FOR_SELLER_RESPONSE") | Some("OPEN") | None => {
                DisputeState::NeedsResponse
            }
            // WAITING_FOR_BUYER_RESPONSE, UNDER_REVIEW, OTHER.
            _ => DisputeState::UnderReview,
        }
    };
    let respond_by = match d.seller_response_due_date.as_deref() {
        Some(text) => Some(
            parse_time(text)
                .ok_or_else(|| unparseable(event, format!("seller_response_due_date '{text}'")))?,
        ),
        None => None,
    };
    Ok(DisputeNews {
        dispute_id: d.dispute_id,
        // For a Payments v2 payment, the merchant's transaction id is the capture id.
        payment_reference: d
            .disputed_transactions
            .into_iter()
            .find_map(|t| t.seller_transaction_id)
            .unwrap_or_default(),
        amount,
        reason_code: d
            .reason
            .or(d.external_reason_code)
            .unwrap_or_else(|| "OTHER".to_string()),
        stage,
        respond_by,
        state,
    })
}

/// Who a resolved dispute went to, from the merchant's side: lost when the
/// buyer got the merchant's money back.
fn outcome(event: &Event, outcome: Option<&Outcome>) -> Result<DisputeState, Rejection> {
    let code = outcome.and_then(|o| o.outcome_code.as_deref());
    Ok(match code {
        Some("RESOLVED_BUYER_FAVOUR") | Some("ACCEPTED") => DisputeState::Lost,
        // PayPal paid the buyer itself (seller protection): the merchant keeps the money.
        Some("RESOLVED_SELLER_FAVOUR")
        | Some("CANCELED_BY_BUYER")
        | Some("DENIED")
        | Some("RESOLVED_WITH_PAYOUT") => DisputeState::Won,
        // NONE or unsaid: the refunded amount tells.
        _ => {
            let refunded = match outcome.and_then(|o| o.amount_refunded.as_ref()) {
                Some(a) => money(event, Some(a), "dispute_outcome.amount_refunded")?.minor,
                None => 0,
            };
            if refunded != 0 {
                DisputeState::Lost
            } else {
                DisputeState::Won
            }
        }
    })
}

fn parse_time(text: &str) -> Option<Timestamp> {
    let t =
        time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .ok()
        .map(Timestamp::from_millis)
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
