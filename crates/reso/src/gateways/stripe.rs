//! Stripe: refunds on a PaymentIntent or charge, their status, and signed
//! webhooks about refunds and disputes.
//!
//! Requests are form-encoded as Stripe's API wants, carry the refund's
//! idempotency key as `Idempotency-Key` (so a retry after a time-out or a
//! dropped connection gets the same refund back, not a second one), and
//! Reso's reference as `metadata[reso_refund_id]` (echoed in webhooks, so a
//! refund Reso made is told apart from one made in Stripe's dashboard).

pub mod disputes;
pub mod refund_list;

use super::notification::{
    DisputeNews, DisputeStage, DisputeState, ProviderNotification, RefundNews, RefundState,
    Rejection, Subject,
};
use super::providers::ProviderAccount;
use super::{Gateway, GatewayAnswer, GatewayError, GatewayFuture, RefundRequest};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use reso_domain::{Currency, Money, Timestamp};
use serde_json::Value;
use sha2::Sha256;
use std::fmt;
use std::time::Duration;

/// How far a webhook's signed timestamp may be from Reso's clock, either
/// way; older ones are replays (Stripe's own libraries use 300 s too).
pub const TOLERANCE_SECS: i64 = 300;

/// Stripe answers refunds in well under a second; waiting longer only holds
/// the worker. A time-out is retried with the same key.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A merchant's Stripe account as the adapter needs it.
#[derive(Clone)]
pub struct StripeAccount {
    /// `https://api.stripe.com`, or a fake provider's address in tests.
    pub base_url: String,
    /// `sk_live_…` / `sk_test_…` (or a restricted `rk_…` key with refund rights).
    pub secret_key: String,
    /// `whsec_…`, the signing secret of Reso's webhook endpoint.
    pub webhook_secret: String,
}

impl StripeAccount {
    /// The Stripe settings of a connected account (see `providers`).
    pub fn from_provider(account: &ProviderAccount) -> StripeAccount {
        StripeAccount {
            base_url: account.base_url.clone(),
            secret_key: account.secret("secret_key"),
            webhook_secret: account.secret("webhook_secret"),
        }
    }
}

impl fmt::Debug for StripeAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeAccount")
            .field("base_url", &self.base_url)
            .field("secret_key", &"[redacted]")
            .field("webhook_secret", &"[redacted]")
            .finish()
    }
}

pub struct Stripe {
    account: StripeAccount,
    http: reqwest::Client,
    timeout: Duration,
}

impl Stripe {
    pub fn new(account: StripeAccount, http: reqwest::Client) -> Stripe {
        Stripe {
            account,
            http,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same adapter with another per-request time-out.
    pub fn with_timeout(mut self, timeout: Duration) -> Stripe {
        self.timeout = timeout;
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.account.base_url.trim_end_matches('/'))
    }

    async fn create_refund(&self, request: &RefundRequest) -> Result<GatewayAnswer, GatewayError> {
        let Some(target) = payment_field(&request.payment_reference) else {
            return Ok(GatewayAnswer::Failed {
                reason: format!(
                    "'{}' is not a Stripe PaymentIntent (pi_…) or charge (ch_…, py_…)",
                    request.payment_reference
                ),
            });
        };
        if request.amount.minor <= 0 {
            return Ok(GatewayAnswer::Failed {
                reason: "Stripe refunds a positive amount only".into(),
            });
        }
        let form = [
            (target, request.payment_reference.clone()),
            ("amount", request.amount.minor.to_string()),
            (
                "metadata[reso_refund_id]",
                RefundRequest::key_for(request.refund_id),
            ),
            ("reason", "requested_by_customer".to_string()),
        ];
        let response = self
            .http
            .post(self.url("/v1/refunds"))
            .bearer_auth(&self.account.secret_key)
            .header("Idempotency-Key", &request.idempotency_key)
            .timeout(self.timeout)
            .form(&form)
            .send()
            .await;
        answer(response).await
    }

    async fn refund_status(&self, gateway_refund_id: &str) -> Result<GatewayAnswer, GatewayError> {
        // Stripe ids are `re_` + alphanumerics; anything else would change the path.
        if gateway_refund_id.is_empty()
            || !gateway_refund_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Ok(GatewayAnswer::Failed {
                reason: format!("'{gateway_refund_id}' is not a Stripe refund id"),
            });
        }
        let response = self
            .http
            .get(self.url(&format!("/v1/refunds/{gateway_refund_id}")))
            .bearer_auth(&self.account.secret_key)
            .timeout(self.timeout)
            .send()
            .await;
        answer(response).await
    }
}

impl Gateway for Stripe {
    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a> {
        Box::pin(self.create_refund(request))
    }

    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a> {
        Box::pin(self.refund_status(gateway_refund_id))
    }
}

/// Which field of a refund names the payment: `pi_…` is a PaymentIntent,
/// `ch_…` / `py_…` a charge.
fn payment_field(reference: &str) -> Option<&'static str> {
    if reference.starts_with("pi_") {
        Some("payment_intent")
    } else if reference.starts_with("ch_") || reference.starts_with("py_") {
        Some("charge")
    } else {
        None
    }
}

/// Stripe's answer to a refund request or status question.
async fn answer(
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<GatewayAnswer, GatewayError> {
    let response = response.map_err(|e| GatewayError::unreachable("Stripe", &e))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| GatewayError::Unavailable(format!("Stripe's answer broke off: {e}")))?;
    if (200..300).contains(&status) {
        let refund: Value = serde_json::from_slice(&body).map_err(|e| {
            GatewayError::Unavailable(format!("Stripe answered {status} with no refund: {e}"))
        })?;
        return refund_answer(&refund).ok_or_else(|| {
            GatewayError::Unavailable(format!("Stripe answered {status} with no refund"))
        });
    }
    let error: StripeError = serde_json::from_slice::<Value>(&body)
        .ok()
        .map(|v| StripeError::from(&v["error"]))
        .unwrap_or_default();
    match classify(status, &error) {
        Refusal::Final => Ok(GatewayAnswer::Failed {
            reason: error.describe(status),
        }),
        Refusal::Retry => Err(GatewayError::Unavailable(format!(
            "Stripe answered {}",
            error.describe(status)
        ))),
        Refusal::IdempotencyConflict => {
            tracing::error!(
                status,
                error = %error.describe(status),
                "Stripe refused a refund's idempotency key; the refund stays pending until a person looks"
            );
            Err(GatewayError::Unavailable(format!(
                "Stripe refused the idempotency key, needs a person: {}",
                error.describe(status)
            )))
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// Stripe decided: no refund (already refunded, amount too large, …).
    Final,
    /// Stripe could not decide now (outage, rate limit, lock, bad key).
    Retry,
    /// The key was used with other parameters, or is still in use.
    IdempotencyConflict,
}

/// Which error answers are final. Only a refusal about the refund itself
/// is: everything else may succeed later with the same key.
fn classify(status: u16, error: &StripeError) -> Refusal {
    if error.kind == "idempotency_error" {
        // Not a refund failure: the key already stands for a request with
        // other parameters, which may well have refunded. Calling it failed
        // would reopen money that may be paid; retrying with a new key could
        // pay twice. It stays pending and is logged for a person.
        return Refusal::IdempotencyConflict;
    }
    match status {
        // 409: another request with the same key is still running at
        // Stripe; its result is what a retry gets.
        409 | 429 => Refusal::Retry,
        // A revoked or wrong key is the merchant's setup, not the refund's
        // fate: once the key is fixed the same refund goes through.
        401 | 403 => Refusal::Retry,
        500.. => Refusal::Retry,
        _ if error.kind == "api_error" || error.code == "lock_timeout" => Refusal::Retry,
        400..=499 => Refusal::Final,
        // 1xx/3xx: not an answer about the refund.
        _ => Refusal::Retry,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct StripeError {
    kind: String,
    code: String,
    message: String,
}

impl From<&Value> for StripeError {
    fn from(error: &Value) -> StripeError {
        let text = |k: &str| error[k].as_str().unwrap_or_default().to_string();
        StripeError {
            kind: text("type"),
            code: text("code"),
            message: text("message"),
        }
    }
}

impl StripeError {
    fn describe(&self, status: u16) -> String {
        match (self.code.as_str(), self.message.as_str()) {
            ("", "") => format!("HTTP {status}"),
            ("", message) => message.to_string(),
            (code, "") => code.to_string(),
            (code, message) => format!("{code}: {message}"),
        }
    }
}

/// A Stripe refund object as a gateway answer; `None` when it is none.
fn refund_answer(refund: &Value) -> Option<GatewayAnswer> {
    let gateway_refund_id = refund["id"].as_str()?.to_string();
    Some(match refund_state(refund)? {
        RefundState::Pending => GatewayAnswer::Pending { gateway_refund_id },
        RefundState::Succeeded => GatewayAnswer::Succeeded { gateway_refund_id },
        RefundState::Failed { reason } | RefundState::Reversed { reason } => {
            GatewayAnswer::Failed { reason }
        }
    })
}

/// A refund's `status`. Stripe reports a refund that failed after it had
/// succeeded (the card was closed, the bank sent it back) as `failed` like
/// any other, so this says `Failed`: only the ledger knows it had counted
/// the refund as succeeded, and it is the ledger that calls that reversed
/// and reopens the money owed.
fn refund_state(refund: &Value) -> Option<RefundState> {
    let reason = || {
        refund["failure_reason"]
            .as_str()
            .unwrap_or("failed")
            .to_string()
    };
    Some(match refund["status"].as_str()? {
        // `requires_action`: the customer must act (some bank transfers);
        // the money has not moved yet.
        "pending" | "requires_action" => RefundState::Pending,
        "succeeded" => RefundState::Succeeded,
        "failed" => RefundState::Failed { reason: reason() },
        "canceled" => RefundState::Failed {
            reason: "the refund was canceled at Stripe".into(),
        },
        _ => return None,
    })
}

/// Checks a webhook's `Stripe-Signature` and reads the event in it: refund
/// and dispute events become notifications; any other event type is
/// acknowledged and ignored (`Ok(vec![])`).
pub fn verify_notification(
    account: &StripeAccount,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<Vec<ProviderNotification>, Rejection> {
    let header = headers
        .get("stripe-signature")
        .ok_or(Rejection::MissingSignature)?
        .to_str()
        .map_err(|_| Rejection::BadSignature)?;
    let signature = Signature::parse(header)?;
    if !signature.matches(account.webhook_secret.as_bytes(), body) {
        return Err(Rejection::BadSignature);
    }
    // Checked after the signature, so a forged header learns nothing.
    // Saturating: the signed time is whatever the header says, even i64::MIN.
    let age = now
        .millis()
        .div_euclid(1000)
        .saturating_sub(signature.timestamp);
    if age.unsigned_abs() > TOLERANCE_SECS.unsigned_abs() {
        return Err(Rejection::Stale);
    }
    let event: Value =
        serde_json::from_slice(body).map_err(|e| Rejection::Unparseable(e.to_string()))?;
    parse_event(&event)
}

/// `t=1700000000,v1=abc…,v1=def…,v0=…`: the signed time and the v1
/// signatures (several while a webhook secret is being rolled).
struct Signature {
    timestamp: i64,
    v1: Vec<Vec<u8>>,
}

impl Signature {
    fn parse(header: &str) -> Result<Signature, Rejection> {
        let mut timestamp = None;
        let mut v1 = Vec::new();
        for item in header.split(',') {
            match item.trim().split_once('=') {
                Some(("t", t)) => timestamp = Some(t.parse().map_err(|_| Rejection::BadSignature)?),
                Some(("v1", hex)) => {
                    // One malformed signature is skipped: another may match.
                    if let Some(bytes) = decode_hex(hex) {
                        v1.push(bytes);
                    }
                }
                _ => {}
            }
        }
        if v1.is_empty() {
            return Err(Rejection::MissingSignature);
        }
        Ok(Signature {
            timestamp: timestamp.ok_or(Rejection::BadSignature)?,
            v1,
        })
    }

    /// Any v1 equal to HMAC-SHA256(secret, "{t}.{body}"), compared in
    /// constant time.
    fn matches(&self, secret: &[u8], body: &[u8]) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
            return false;
        };
        mac.update(self.timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        self.v1
            .iter()
            .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The notifications in one Stripe event.
pub fn parse_event(event: &Value) -> Result<Vec<ProviderNotification>, Rejection> {
    let bad = |what: &str| Rejection::Unparseable(format!("Stripe event without {what}"));
    let event_id = event["id"].as_str().ok_or_else(|| bad("an id"))?;
    let kind = event["type"].as_str().ok_or_else(|| bad("a type"))?;
    let created = event["created"]
        .as_i64()
        .ok_or_else(|| bad("a creation time"))?;
    let occurred_at = seconds(created);
    let object = &event["data"]["object"];
    if !object.is_object() {
        return Err(bad("data.object"));
    }
    let notification = |notification_id: String, subject: Subject| ProviderNotification {
        notification_id,
        occurred_at,
        subject,
    };
    match kind {
        "refund.created" | "refund.updated" | "refund.failed" | "charge.refund.updated" => {
            let news = refund_news(object)?;
            Ok(vec![notification(
                event_id.to_string(),
                Subject::Refund(news),
            )])
        }
        // A charge with its refunds: one notification per refund, each with
        // its own id so none hides another when duplicates are dropped.
        "charge.refunded" => object["refunds"]["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|refund| {
                let news = refund_news(refund)?;
                let id = format!("{event_id}/{}", news.gateway_refund_id);
                Ok(notification(id, Subject::Refund(news)))
            })
            .collect(),
        "charge.dispute.created"
        | "charge.dispute.updated"
        | "charge.dispute.closed"
        | "charge.dispute.funds_withdrawn"
        | "charge.dispute.funds_reinstated" => {
            let news = dispute_news(object)?;
            Ok(vec![notification(
                event_id.to_string(),
                Subject::Dispute(news),
            )])
        }
        _ => Ok(Vec::new()),
    }
}

fn refund_news(refund: &Value) -> Result<RefundNews, Rejection> {
    let bad = |what: &str| Rejection::Unparseable(format!("Stripe refund without {what}"));
    let gateway_refund_id = refund["id"]
        .as_str()
        .ok_or_else(|| bad("an id"))?
        .to_string();
    Ok(RefundNews {
        payment_reference: payment_of(refund).ok_or_else(|| bad("a payment"))?,
        reso_reference: refund["metadata"]["reso_refund_id"]
            .as_str()
            .map(str::to_string),
        amount: money(refund).ok_or_else(|| bad("an amount"))?,
        state: refund_state(refund).ok_or_else(|| bad("a known status"))?,
        gateway_refund_id,
    })
}

fn dispute_news(dispute: &Value) -> Result<DisputeNews, Rejection> {
    let bad = |what: &str| Rejection::Unparseable(format!("Stripe dispute without {what}"));
    let status = dispute["status"].as_str().ok_or_else(|| bad("a status"))?;
    let card = &dispute["payment_method_details"]["card"];
    // `warning_*` statuses are inquiries (no money moved yet), as is a card
    // case of type `inquiry`.
    let stage = if status.starts_with("warning_") || card["case_type"] == "inquiry" {
        DisputeStage::Inquiry
    } else {
        DisputeStage::Chargeback
    };
    let reason = dispute["reason"].as_str().ok_or_else(|| bad("a reason"))?;
    let reason_code = match (
        card["network"].as_str(),
        card["network_reason_code"].as_str(),
    ) {
        (Some(network), Some(code)) => format!("{reason} ({network} {code})"),
        _ => reason.to_string(),
    };
    Ok(DisputeNews {
        dispute_id: dispute["id"]
            .as_str()
            .ok_or_else(|| bad("an id"))?
            .to_string(),
        payment_reference: payment_of(dispute).ok_or_else(|| bad("a payment"))?,
        amount: money(dispute).ok_or_else(|| bad("an amount"))?,
        reason_code,
        stage,
        respond_by: dispute["evidence_details"]["due_by"].as_i64().map(seconds),
        state: dispute_state(status),
    })
}

fn dispute_state(status: &str) -> DisputeState {
    match status {
        "warning_needs_response" | "needs_response" => DisputeState::NeedsResponse,
        "won" => DisputeState::Won,
        // An inquiry closed without becoming a chargeback, or one Stripe
        // prevented: the merchant keeps the money.
        "warning_closed" | "prevented" => DisputeState::Won,
        "lost" => DisputeState::Lost,
        // The merchant refunded the disputed charge: the buyer has the money.
        "charge_refunded" => DisputeState::Lost,
        // `under_review`, `warning_under_review`, and any status Stripe adds
        // later: being decided, nothing for the merchant to do now.
        _ => DisputeState::UnderReview,
    }
}

/// The PaymentIntent when there is one (what Reso is usually given), else
/// the charge; either may be expanded into an object.
fn payment_of(object: &Value) -> Option<String> {
    ["payment_intent", "charge"].iter().find_map(|field| {
        let value = &object[*field];
        value
            .as_str()
            .or_else(|| value["id"].as_str())
            .map(str::to_string)
    })
}

fn money(object: &Value) -> Option<Money> {
    let minor = object["amount"].as_i64()?;
    let currency = Currency::parse(object["currency"].as_str()?).ok()?;
    Some(Money::new(minor, currency))
}

fn seconds(unix: i64) -> Timestamp {
    Timestamp(unix.saturating_mul(1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debug_shows_no_secret() {
        let account = StripeAccount {
            base_url: "https://api.stripe.com".into(),
            secret_key: "sk_test_secret".into(),
            webhook_secret: "whsec_secret".into(),
        };
        let shown = format!("{account:?}");
        assert!(!shown.contains("sk_test_secret") && !shown.contains("whsec_secret"));
        assert!(shown.contains("api.stripe.com"));
    }

    #[test]
    fn payment_references_pick_the_field() {
        assert_eq!(payment_field("pi_3Abc"), Some("payment_intent"));
        assert_eq!(payment_field("ch_1Abc"), Some("charge"));
        assert_eq!(payment_field("py_1Abc"), Some("charge"));
        assert_eq!(payment_field("order-17"), None);
    }

    #[test]
    fn refund_statuses_map_to_answers() {
        let refund = |status: &str| json!({"id": "re_1", "status": status, "failure_reason": "lost_or_stolen_card"});
        let id = || "re_1".to_string();
        assert_eq!(
            refund_answer(&refund("pending")),
            Some(GatewayAnswer::Pending {
                gateway_refund_id: id()
            })
        );
        assert_eq!(
            refund_answer(&refund("requires_action")),
            Some(GatewayAnswer::Pending {
                gateway_refund_id: id()
            })
        );
        assert_eq!(
            refund_answer(&refund("succeeded")),
            Some(GatewayAnswer::Succeeded {
                gateway_refund_id: id()
            })
        );
        assert_eq!(
            refund_answer(&refund("failed")),
            Some(GatewayAnswer::Failed {
                reason: "lost_or_stolen_card".into()
            })
        );
        assert!(matches!(
            refund_answer(&refund("canceled")),
            Some(GatewayAnswer::Failed { .. })
        ));
        assert_eq!(refund_answer(&refund("exploded")), None);
        assert_eq!(refund_answer(&json!({"status": "succeeded"})), None);
    }

    #[test]
    fn only_refusals_about_the_refund_are_final() {
        let error = |kind: &str, code: &str| StripeError {
            kind: kind.into(),
            code: code.into(),
            message: String::new(),
        };
        let invalid = error("invalid_request_error", "charge_already_refunded");
        assert_eq!(classify(400, &invalid), Refusal::Final);
        assert_eq!(
            classify(404, &error("invalid_request_error", "resource_missing")),
            Refusal::Final
        );
        assert_eq!(classify(402, &error("card_error", "")), Refusal::Final);
        assert_eq!(
            classify(400, &error("idempotency_error", "")),
            Refusal::IdempotencyConflict
        );
        assert_eq!(
            classify(409, &error("idempotency_error", "")),
            Refusal::IdempotencyConflict
        );
        assert_eq!(classify(409, &StripeError::default()), Refusal::Retry);
        assert_eq!(
            classify(429, &error("invalid_request_error", "rate_limit")),
            Refusal::Retry
        );
        assert_eq!(
            classify(401, &error("invalid_request_error", "")),
            Refusal::Retry
        );
        assert_eq!(classify(500, &error("api_error", "")), Refusal::Retry);
        assert_eq!(classify(503, &StripeError::default()), Refusal::Retry);
        assert_eq!(
            classify(400, &error("invalid_request_error", "lock_timeout")),
            Refusal::Retry
        );
    }

    #[test]
    fn signature_headers_parse() {
        let sig = Signature::parse("t=12,v1=00ff,v0=zz,v1=abcd").unwrap();
        assert_eq!(sig.timestamp, 12);
        assert_eq!(sig.v1, vec![vec![0, 255], vec![0xab, 0xcd]]);
        assert_eq!(
            Signature::parse("t=12").err(),
            Some(Rejection::MissingSignature)
        );
        assert_eq!(
            Signature::parse("v1=00").err(),
            Some(Rejection::BadSignature)
        );
        assert_eq!(
            Signature::parse("t=x,v1=00").err(),
            Some(Rejection::BadSignature)
        );
        assert_eq!(decode_hex("0g"), None);
        assert_eq!(decode_hex("abc"), None);
    }

    /// Found by fuzzing (fuzz/ stripe_webhook): a correctly signed header
    /// whose time is far in the past overflowed the age computation.
    #[test]
    fn a_signed_time_at_the_end_of_the_range_is_stale_not_a_panic() {
        let account = StripeAccount {
            base_url: String::new(),
            secret_key: String::new(),
            webhook_secret: "whsec_test".into(),
        };
        let body = br#"{"id":"evt_1","type":"refund.updated","created":1,"data":{"object":{}}}"#;
        for t in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test").unwrap();
            mac.update(format!("{t}.").as_bytes());
            mac.update(body);
            let hex: String = mac
                .finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let mut headers = HeaderMap::new();
            let header = format!("t={t},v1={hex}").parse().unwrap();
            headers.insert("stripe-signature", header);
            let now = Timestamp::from_millis(1_700_000_000_000);
            assert_eq!(
                verify_notification(&account, &headers, body, now),
                Err(Rejection::Stale)
            );
        }
    }

    #[test]
    fn dispute_statuses_map_to_states() {
        assert_eq!(
            dispute_state("warning_needs_response"),
            DisputeState::NeedsResponse
        );
        assert_eq!(dispute_state("needs_response"), DisputeState::NeedsResponse);
        assert_eq!(dispute_state("under_review"), DisputeState::UnderReview);
        assert_eq!(
            dispute_state("warning_under_review"),
            DisputeState::UnderReview
        );
        assert_eq!(dispute_state("won"), DisputeState::Won);
        assert_eq!(dispute_state("lost"), DisputeState::Lost);
    }

    #[test]
    fn events_without_essentials_do_not_parse() {
        let event = json!({"id": "evt_1", "type": "refund.updated", "created": 1, "data": {"object": {"id": "re_1"}}});
        assert!(matches!(
            parse_event(&event),
            Err(Rejection::Unparseable(_))
        ));
        assert!(matches!(
            parse_event(&json!({"type": "x"})),
            Err(Rejection::Unparseable(_))
        ));
        let ignored = json!({"id": "evt_2", "type": "customer.created", "created": 1, "data": {"object": {}}});
        assert_eq!(parse_event(&ignored), Ok(vec![]));
    }
}
