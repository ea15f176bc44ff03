//! Adyen's standard notifications (Webhooks v1): a JSON batch of
//! `NotificationRequestItem`s, each signed on its own with
//! `additionalData.hmacSignature` = base64(HMAC-SHA256(hex key,
//! "pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success")).
//!
//! Every item is checked before any is used, so a forged item cannot ride
//! along with a genuine one. The signature covers no timestamp, so Adyen
//! notifications cannot be refused as stale: a replay carries the same
//! notification id (`pspReference:eventCode:success`) and the ingress, which
//! deduplicates by that id, changes nothing the second time.

use super::amount;
use super::AdyenAccount;
use crate::gateways::notification::{
    DisputeNews, DisputeStage, DisputeState, ProviderNotification, RefundNews, RefundState,
    Rejection, Subject,
};
use crate::gateways::RefundRequest;
use axum::http::HeaderMap;
use base64::Engine;
use hmac::{Hmac, Mac};
use reso_domain::{Money, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;
use std::collections::HashMap;

type HmacSha256 = Hmac<Sha256>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationRequest {
    notification_items: Vec<ItemWrapper>,
}

#[derive(Deserialize)]
struct ItemWrapper {
    #[serde(rename = "NotificationRequestItem")]
    item: Item,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    psp_reference: String,
    #[serde(default)]
    original_reference: Option<String>,
    merchant_account_code: String,
    #[serde(default)]
    merchant_reference: Option<String>,
    amount: Amount,
    event_code: String,
    #[serde(default)]
    event_date: Option<String>,
    /// "true" or "false" as a string in Adyen's format; a JSON boolean is
    /// accepted too and signed as its text.
    success: Value,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    additional_data: HashMap<String, Value>,
}

#[derive(Deserialize)]
struct Amount {
    value: i64,
    currency: String,
}

impl Item {
    fn success_text(&self) -> Result<String, Rejection> {
        match &self.success {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(Rejection::Unparseable(format!(
                "'success' of item {} is {other}, not \"true\" or \"false\"",
                self.psp_reference
            ))),
        }
    }

    fn succeeded(&self) -> bool {
        matches!(self.success_text().as_deref(), Ok("true"))
    }

    /// A field of `additionalData`, trimmed, if it says anything.
    fn data(&self, key: &str) -> Option<&str> {
        self.additional_data
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn signing_string(&self) -> Result<String, Rejection> {
        Ok([
            self.psp_reference.as_str(),
            self.original_reference.as_deref().unwrap_or(""),
            self.merchant_account_code.as_str(),
            self.merchant_reference.as_deref().unwrap_or(""),
            &self.amount.value.to_string(),
            self.amount.currency.as_str(),
            self.event_code.as_str(),
            &self.success_text()?,
        ]
        .join(":"))
    }
}

/// The HMAC key Adyen shows in hexadecimal, as bytes.
pub(super) fn hmac_key_bytes(hex: &str) -> Result<Vec<u8>, String> {
    let hex = hex.trim().as_bytes();
    if hex.is_empty() || !hex.len().is_multiple_of(2) {
        return Err("the Adyen HMAC key must be an even number of hexadecimal digits".into());
    }
    let digit = |c: u8| (c as char).to_digit(16);
    hex.chunks(2)
        .map(|pair| match (digit(pair[0]), digit(pair[1])) {
            (Some(hi), Some(lo)) => Ok((hi * 16 + lo) as u8),
            _ => Err("the Adyen HMAC key holds a character that is not hexadecimal".to_string()),
        })
        .collect()
}

fn mac(key: &[u8], item: &Item) -> Result<HmacSha256, Rejection> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| Rejection::BadSignature)?;
    mac.update(item.signing_string()?.as_bytes());
    Ok(mac)
}

fn check_signature(key: &[u8], item: &Item) -> Result<(), Rejection> {
    let given = item
        .data("hmacSignature")
        .ok_or(Rejection::MissingSignature)?;
    let given = base64::engine::general_purpose::STANDARD
        .decode(given)
        .map_err(|_| Rejection::BadSignature)?;
    // `verify_slice` compares in constant time.
    mac(key, item)?
        .verify_slice(&given)
        .map_err(|_| Rejection::BadSignature)
}

/// The `hmacSignature` Adyen would put on this `NotificationRequestItem`
/// (for test senders and fake providers).
pub fn sign_item(hmac_key_hex: &str, item: &Value) -> Result<String, String> {
    let key = hmac_key_bytes(hmac_key_hex)?;
    let item: Item = serde_json::from_value(item.clone()).map_err(|e| e.to_string())?;
    let mac = mac(&key, &item).map_err(|e| e.to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Checks an Adyen notification batch for `account` and says what it
/// reports. Any item that is unsigned, wrongly signed or for another merchant
/// account refuses the whole batch; event codes Reso does not act on
/// (authorisations, captures, reports…) pass the check and yield nothing.
/// Headers are not needed: Adyen signs inside the body.
pub fn verify_notification(
    account: &AdyenAccount,
    _headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<Vec<ProviderNotification>, Rejection> {
    let request: NotificationRequest =
        serde_json::from_slice(body).map_err(|e| Rejection::Unparseable(e.to_string()))?;
    // A key that is not hex cannot have signed anything Adyen sent.
    let key = hmac_key_bytes(&account.hmac_key).map_err(|_| Rejection::BadSignature)?;
    let items: Vec<Item> = request
        .notification_items
        .into_iter()
        .map(|w| w.item)
        .collect();
    for item in &items {
        check_signature(&key, item)?;
        if item.merchant_account_code != account.merchant_account {
            // The contract has no "unknown account" rejection; the message
            // says what happened.
            return Err(Rejection::Unparseable(format!(
                "item {} is for merchant account '{}', not '{}'",
                item.psp_reference, item.merchant_account_code, account.merchant_account
            )));
        }
    }
    let mut out = Vec::new();
    for item in &items {
        if let Some(subject) = subject(item)? {
            out.push(ProviderNotification {
                notification_id: format!(
                    "{}:{}:{}",
                    item.psp_reference,
                    item.event_code,
                    item.success_text()?
                ),
                occurred_at: occurred_at(item, now)?,
                subject,
            });
        }
    }
    Ok(out)
}

/// When Adyen says the event happened. `eventDate` is not signed, so a date
/// after `now` (a skewed clock, or an altered copy) counts as `now`.
fn occurred_at(item: &Item, now: Timestamp) -> Result<Timestamp, Rejection> {
    let date = item.event_date.as_deref().ok_or_else(|| {
        Rejection::Unparseable(format!("item {} has no eventDate", item.psp_reference))
    })?;
    let at = parse_time(date).ok_or_else(|| {
        Rejection::Unparseable(format!(
            "eventDate '{date}' of item {} is not an ISO 8601 date",
            item.psp_reference
        ))
    })?;
    Ok(at.min(now))
}

fn parse_time(text: &str) -> Option<Timestamp> {
    let t =
        time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .ok()
        .map(Timestamp::from_millis)
}

fn money(item: &Item) -> Result<Money, Rejection> {
    amount::from_adyen(item.amount.value, &item.amount.currency)
        .map_err(|e| Rejection::Unparseable(format!("amount of item {}: {e}", item.psp_reference)))
}

/// What one item reports, or `None` for an event Reso does not act on.
fn subject(item: &Item) -> Result<Option<Subject>, Rejection> {
    use DisputeStage::*;
    use DisputeState::*;
    let reason = || {
        item.reason
            .clone()
            .filter(|r| !r.trim().is_empty())
            .unwrap_or_else(|| format!("Adyen reported {}", item.event_code))
    };
    let refund = |state| refund_news(item, state).map(|n| Some(Subject::Refund(n)));
    let dispute =
        |stage, state| dispute_news(item, stage, state).map(|n| Some(Subject::Dispute(n)));
    match item.event_code.as_str() {
        "REFUND" if item.succeeded() => refund(RefundState::Succeeded),
        "REFUND" => refund(RefundState::Failed { reason: reason() }),
        // A reversal that cancelled an uncaptured payment refunded nothing.
        "CANCEL_OR_REFUND" if item.data("modification.action") == Some("cancel") => Ok(None),
        "CANCEL_OR_REFUND" if item.succeeded() => refund(RefundState::Succeeded),
        "CANCEL_OR_REFUND" => refund(RefundState::Failed { reason: reason() }),
        // The card scheme rejected a refund Adyen had accepted.
        "REFUND_FAILED" => refund(RefundState::Failed { reason: reason() }),
        "REFUNDED_REVERSED" => refund(RefundState::Reversed { reason: reason() }),
        // Waits for the payment's capture; still on its way.
        "POSTPONED_REFUND" => refund(RefundState::Pending),
        "REQUEST_FOR_INFORMATION" | "NOTIFICATION_OF_CHARGEBACK" => {
            dispute(Inquiry, open_state(item, Inquiry))
        }
        "CHARGEBACK" => dispute(Chargeback, open_state(item, Chargeback)),
        "SECOND_CHARGEBACK" => dispute(SecondChargeback, open_state(item, SecondChargeback)),
        "PREARBITRATION_OPEN" => dispute(PreArbitration, open_state(item, PreArbitration)),
        "CHARGEBACK_REVERSED" => dispute(Chargeback, Won),
        "INFORMATION_SUPPLIED" => dispute(answered_stage(item), status_or(item, UnderReview)),
        "ISSUER_RESPONSE_TIMEFRAME_EXPIRED" => dispute(answered_stage(item), status_or(item, Won)),
        "DISPUTE_DEFENSE_PERIOD_ENDED" => dispute(answered_stage(item), status_or(item, Lost)),
        "PREARBITRATION_WON" | "PREARBITRATION_ISSUER_WITHDRAWN" => dispute(PreArbitration, Won),
        "PREARBITRATION_LOST" => dispute(PreArbitration, Lost),
        "SCHEME_ARBITRATION" => dispute(Arbitration, UnderReview),
        "SCHEME_ARBITRATION_WON" => dispute(Arbitration, Won),
        "SCHEME_ARBITRATION_LOST" => dispute(Arbitration, Lost),
        _ => Ok(None),
    }
}

fn refund_news(item: &Item, state: RefundState) -> Result<RefundNews, Rejection> {
    Ok(RefundNews {
        gateway_refund_id: item.psp_reference.clone(),
        payment_reference: item.original_reference.clone().unwrap_or_default(),
        reso_reference: item
            .merchant_reference
            .as_deref()
            .filter(|r| is_reso_reference(r))
            .map(str::to_string),
        amount: money(item)?,
        state,
    })
}

/// Reso sends its refund's idempotency key (`RefundRequest::key_for`) as the
/// refund `reference`; Adyen echoes it as `merchantReference`. A refund made
/// in Adyen's Customer Area carries some other reference, which is not Reso's.
fn is_reso_reference(reference: &str) -> bool {
    RefundRequest::refund_id_from(reference).is_some()
}

fn dispute_news(
    item: &Item,
    stage: DisputeStage,
    state: DisputeState,
) -> Result<DisputeNews, Rejection> {
    let reason_code = ["chargebackReasonCode", "rfiReasonCode", "nofReasonCode"]
        .iter()
        .find_map(|k| item.data(k))
        .map(str::to_string)
        .or_else(|| item.reason.clone())
        .unwrap_or_default();
    Ok(DisputeNews {
        // A dispute keeps its PSP reference through all its stages.
        dispute_id: item.psp_reference.clone(),
        payment_reference: item.original_reference.clone().unwrap_or_default(),
        amount: money(item)?,
        reason_code,
        stage,
        respond_by: item.data("defensePeriodEndsAt").and_then(parse_time),
        state,
    })
}

/// `additionalData.disputeStatus`, when Adyen sends it, says where the
/// dispute stands better than the event code does.
fn dispute_status(item: &Item) -> Option<DisputeState> {
    match item.data("disputeStatus")? {
        "Unresponded" => Some(DisputeState::NeedsResponse),
        "Responded" | "Pending" => Some(DisputeState::UnderReview),
        "Expired" | "Undefended" | "Accepted" | "Lost" => Some(DisputeState::Lost),
        "Won" => Some(DisputeState::Won),
        _ => None,
    }
}

fn status_or(item: &Item, default: DisputeState) -> DisputeState {
    dispute_status(item).unwrap_or(default)
}

/// A newly opened stage waits for the merchant, unless Adyen defended it
/// already or it cannot be defended (then the money is gone).
fn open_state(item: &Item, stage: DisputeStage) -> DisputeState {
    if let Some(state) = dispute_status(item) {
        return state;
    }
    if item.data("autoDefended") == Some("true") {
        return DisputeState::UnderReview;
    }
    if item.data("defendable") == Some("false") && stage != DisputeStage::Inquiry {
        return DisputeState::Lost;
    }
    DisputeState::NeedsResponse
}

/// Events after an answer do not name their stage; a request for
/// information carries an RFI reason code, a chargeback its own.
fn answered_stage(item: &Item) -> DisputeStage {
    if item.data("chargebackReasonCode").is_none() && item.data("rfiReasonCode").is_some() {
        DisputeStage::Inquiry
    } else {
        DisputeStage::Chargeback
    }
}

#[cfg(test)]
#[path = "notifications_tests.rs"]
mod tests;
