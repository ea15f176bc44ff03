//! Adyen (Checkout API v72). A refund is a modification on the payment's PSP
//! reference: Adyen answers `201 {"status": "received"}` with the refund's own
//! PSP reference, and says how it went only later, in an HMAC-signed REFUND
//! (or REFUND_FAILED, REFUNDED_REVERSED) notification — see `notifications`.
//! Chargebacks and other disputes arrive the same way.

pub mod amount;
pub mod disputes;
mod notifications;

pub use notifications::{sign_item, verify_notification};

use super::notification::{ProviderNotification, Rejection};
use super::providers::ProviderAccount;
use super::{Gateway, GatewayAnswer, GatewayError, GatewayFuture, RefundLine, RefundRequest};
use axum::http::HeaderMap;
use reso_domain::{Money, Timestamp};
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// How long Adyen may take to answer a refund before the attempt counts as
/// unavailable (and is retried later with the same idempotency key).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The Checkout API version whose requests this adapter sends.
const API_VERSION: &str = "v72";

/// Adyen has no endpoint that tells a refund's outcome: the notification
/// settles it. Polling only keeps the refund's job alive as a reminder, so
/// it asks rarely.
const POLL_AFTER_MS: i64 = 6 * 3_600_000;

/// One merchant's Adyen credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct AdyenAccount {
    /// Checkout API root, e.g. `https://checkout-test.adyen.com/v72`; given
    /// without a version (`…/checkout`), the adapter adds `/v72`.
    pub base_url: String,
    /// Sent as `X-API-Key`.
    pub api_key: String,
    /// The merchant account the payments were made on.
    pub merchant_account: String,
    /// The notification HMAC key as Adyen shows it: hexadecimal.
    pub hmac_key: String,
}

impl fmt::Debug for AdyenAccount {
    // Secrets never reach a log line, even through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdyenAccount")
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .field("merchant_account", &self.merchant_account)
            .field("hmac_key", &"[redacted]")
            .finish()
    }
}

impl AdyenAccount {
    /// The Adyen settings of a merchant's connected account.
    pub fn from_provider(account: &ProviderAccount) -> Self {
        AdyenAccount {
            base_url: account.base_url.clone(),
            api_key: account.secret("api_key"),
            merchant_account: account.setting("merchant_account"),
            hmac_key: account.secret("hmac_key"),
        }
    }

    /// The versioned API root requests go to.
    fn api_root(&self) -> String {
        let root = self.base_url.trim_end_matches('/');
        let last = root.rsplit('/').next().unwrap_or("");
        let versioned = last.len() > 1
            && last.starts_with('v')
            && last[1..].bytes().all(|b| b.is_ascii_digit());
        if versioned {
            root.to_string()
        } else {
            format!("{root}/{API_VERSION}")
        }
    }

    /// What is wrong with these settings, if anything; for checking an
    /// account when it is saved rather than at the first refund.
    pub fn check(&self) -> Result<(), String> {
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            return Err("the Adyen base URL must start with https://".into());
        }
        if self.api_key.trim().is_empty() {
            return Err("the Adyen API key is empty".into());
        }
        if self.merchant_account.trim().is_empty() {
            return Err("the Adyen merchant account is empty".into());
        }
        notifications::hmac_key_bytes(&self.hmac_key).map(|_| ())
    }
}

pub struct Adyen {
    account: AdyenAccount,
    client: reqwest::Client,
    timeout: Duration,
}

impl Adyen {
    pub fn new(account: AdyenAccount, client: reqwest::Client) -> Self {
        Adyen {
            account,
            client,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The adapter for a merchant's connected Adyen account.
    pub fn for_account(account: &ProviderAccount, client: reqwest::Client) -> Self {
        Adyen::new(AdyenAccount::from_provider(account), client)
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn refunds_url(&self, payment_reference: &str) -> String {
        format!(
            "{}/payments/{}/refunds",
            self.account.api_root(),
            encode_path_segment(payment_reference)
        )
    }

    async fn send_refund(&self, request: &RefundRequest) -> Result<GatewayAnswer, GatewayError> {
        let body = match refund_body(&self.account.merchant_account, request) {
            Ok(body) => body,
            // An amount Adyen cannot express fails the same way on every try.
            Err(reason) => return Ok(GatewayAnswer::Failed { reason }),
        };
        let response = self
            .client
            .post(self.refunds_url(&request.payment_reference))
            .timeout(self.timeout)
            .header("X-API-Key", &self.account.api_key)
            .header("Idempotency-Key", &request.idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(transport_failure)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(transport_failure)?;
        refund_answer(status, &bytes)
    }
}

impl Gateway for Adyen {
    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a> {
        Box::pin(self.send_refund(request))
    }

    /// Adyen has no refund-status endpoint: the answer stays "pending" until
    /// the REFUND notification moves the refund (the ingress applies it).
    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a> {
        let gateway_refund_id = gateway_refund_id.to_string();
        Box::pin(async move { Ok(GatewayAnswer::Pending { gateway_refund_id }) })
    }

    fn poll_after_ms(&self, _polls: u32) -> i64 {
        POLL_AFTER_MS
    }
}

/// `verify_notification` for a merchant's connected Adyen account, in the
/// shape of `gateways::VerifyNotification`.
pub fn verify_for_account(
    account: &ProviderAccount,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<Vec<ProviderNotification>, Rejection> {
    verify_notification(&AdyenAccount::from_provider(account), headers, body, now)
}

/// A transport failure. The error's URL holds only the base URL and PSP
/// reference, no secret.
fn transport_failure(error: reqwest::Error) -> GatewayError {
    GatewayError::unreachable("Adyen", &error)
}

/// The JSON body of `POST /payments/{paymentPspReference}/refunds`
/// (`PaymentRefundRequest`), or why the refund cannot be asked for.
pub fn refund_body(merchant_account: &str, request: &RefundRequest) -> Result<Value, String> {
    let value = amount::to_adyen_value(&request.amount)?;
    let mut body = json!({
        "merchantAccount": merchant_account,
        "amount": { "currency": request.amount.currency.as_str(), "value": value },
        // Echoed as `merchantReference` in the REFUND notification.
        "reference": request.idempotency_key,
    });
    if !request.lines.is_empty() {
        body["lineItems"] = Value::Array(line_items(&request.lines, &request.amount)?);
    }
    Ok(body)
}

/// `lineItems` for the refund: required by Klarna, Afterpay and the other
/// buy-now-pay-later methods, which check that they add up to the amount.
/// Adyen's `amountIncludingTax` is per unit, so a line whose total does not
/// divide by its quantity (a deduction was taken) becomes two items of the
/// same article a minor unit apart; whatever the lines do not explain
/// (shipping refunded, a deduction on the whole refund) becomes one item of
/// its own.
fn line_items(lines: &[RefundLine], amount: &Money) -> Result<Vec<Value>, String> {
    let currency = amount.currency;
    let adyen = |minor: i64| amount::to_adyen_value(&Money::new(minor, currency));
    let mut items = Vec::new();
    let mut lines_total: i64 = 0;
    for line in lines.iter().filter(|l| l.quantity > 0) {
        let total = adyen(line.total_minor)?;
        lines_total = lines_total
            .checked_add(total)
            .ok_or("the refund lines add up to more than Adyen can count")?;
        let per_unit = total.div_euclid(line.quantity);
        let remainder = total.rem_euclid(line.quantity);
        let item = |quantity: i64, unit: i64| {
            json!({
                "id": line.sku,
                "sku": line.sku,
                "description": line.name,
                "quantity": quantity,
                "amountIncludingTax": unit,
            })
        };
        if remainder == 0 {
            items.push(item(line.quantity, per_unit));
        } else {
            items.push(item(line.quantity - remainder, per_unit));
            items.push(item(remainder, per_unit + 1));
        }
    }
    let rest = adyen(amount.minor)? - lines_total;
    if rest != 0 {
        items.push(json!({
            "id": "other",
            "description": "Other refunded amount (shipping, fees, adjustments)",
            "quantity": 1,
            "amountIncludingTax": rest,
        }));
    }
    Ok(items)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefundResponse {
    psp_reference: String,
    status: String,
}

/// Adyen's error body (`ServiceError`).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ServiceError {
    error_code: Option<String>,
    message: Option<String>,
}

/// What an answer of Adyen to a refund request means.
fn refund_answer(status: u16, body: &[u8]) -> Result<GatewayAnswer, GatewayError> {
    match status {
        200..=299 => match serde_json::from_slice::<RefundResponse>(body) {
            Ok(r) if r.status == "received" => Ok(GatewayAnswer::Pending {
                gateway_refund_id: r.psp_reference,
            }),
            Ok(r) => Err(GatewayError::Unavailable(format!(
                "Adyen answered the refund with status '{}' instead of 'received'",
                r.status
            ))),
            // Accepted but unreadable: asking again with the same key gets
            // the same refund back, so this is worth a retry.
            Err(e) => Err(GatewayError::Unavailable(format!(
                "Adyen's answer to the refund does not parse: {e}"
            ))),
        },
        429 | 500..=599 => Err(GatewayError::Unavailable(format!(
            "Adyen answered {status}{}",
            describe(body).map(|d| format!(": {d}")).unwrap_or_default()
        ))),
        400..=499 => Ok(GatewayAnswer::Failed {
            reason: format!(
                "Adyen refused the refund: {}",
                describe(body).unwrap_or_else(|| format!("HTTP {status}"))
            ),
        }),
        _ => Err(GatewayError::Unavailable(format!(
            "Adyen answered HTTP {status}"
        ))),
    }
}

/// "message (errorCode)" from Adyen's error body, when there is one.
fn describe(body: &[u8]) -> Option<String> {
    let error: ServiceError = serde_json::from_slice(body).ok()?;
    match (error.message, error.error_code) {
        (Some(m), Some(c)) => Some(format!("{m} (error {c})")),
        (Some(m), None) => Some(m),
        (None, Some(c)) => Some(format!("error {c}")),
        (None, None) => None,
    }
}

/// PSP references are alphanumeric; anything else is percent-encoded so a
/// strange reference can never change the path.
fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reso_domain::Currency;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    fn line(sku: &str, quantity: i64, unit: i64, total: i64) -> RefundLine {
        RefundLine {
            sku: sku.into(),
            name: format!("Article {sku}"),
            quantity,
            unit_price_minor: unit,
            total_minor: total,
        }
    }

    fn request(amount: Money, lines: Vec<RefundLine>) -> RefundRequest {
        RefundRequest {
            refund_id: 7,
            payment_reference: "NC6HT9CRT65ZGN82".into(),
            amount,
            idempotency_key: RefundRequest::key_for(7),
            requested_at: 1_772_445_600_000,
            lines,
        }
    }

    fn items_total(body: &Value) -> i64 {
        body["lineItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["quantity"].as_i64().unwrap() * i["amountIncludingTax"].as_i64().unwrap())
            .sum()
    }

    #[test]
    fn body_has_the_merchant_account_amount_and_reference_only_without_lines() {
        let body = refund_body("ShopNL", &request(eur(2500), vec![])).unwrap();
        assert_eq!(
            body,
            json!({
                "merchantAccount": "ShopNL",
                "amount": {"currency": "EUR", "value": 2500},
                "reference": "reso-refund-7",
            })
        );
    }

    #[test]
    fn lines_become_line_items_per_unit() {
        let lines = vec![line("TSHIRT-M", 2, 1500, 3000), line("CAP", 1, 900, 900)];
        let body = refund_body("ShopNL", &request(eur(3900), lines)).unwrap();
        assert_eq!(
            body["lineItems"],
            json!([
                {"id": "TSHIRT-M", "sku": "TSHIRT-M", "description": "Article TSHIRT-M", "quantity": 2, "amountIncludingTax": 1500},
                {"id": "CAP", "sku": "CAP", "description": "Article CAP", "quantity": 1, "amountIncludingTax": 900},
            ])
        );
        assert_eq!(items_total(&body), 3900);
    }

    #[test]
    fn a_deduction_that_does_not_divide_splits_the_line_and_stays_exact() {
        // 3 × 10.00 less a 1.00 restocking fee: 29.00 does not divide by 3.
        let body = refund_body(
            "ShopNL",
            &request(eur(2900), vec![line("MUG", 3, 1000, 2900)]),
        )
        .unwrap();
        let items = body["lineItems"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items
                .iter()
                .map(|i| i["quantity"].as_i64().unwrap())
                .sum::<i64>(),
            3
        );
        assert_eq!(items_total(&body), 2900);
    }

    #[test]
    fn what_the_lines_do_not_explain_gets_an_item_of_its_own() {
        // Returned goods 20.00 plus 4.95 shipping refunded.
        let body = refund_body(
            "ShopNL",
            &request(eur(2495), vec![line("SOCKS", 2, 1000, 2000)]),
        )
        .unwrap();
        let items = body["lineItems"].as_array().unwrap();
        assert_eq!(items.last().unwrap()["amountIncludingTax"], 495);
        assert_eq!(items_total(&body), 2495);
    }

    #[test]
    fn amounts_follow_adyens_decimals_and_unsendable_ones_fail() {
        let isk = Money::new(990, Currency::parse("ISK").unwrap());
        let body = refund_body("ShopIS", &request(isk, vec![])).unwrap();
        assert_eq!(body["amount"], json!({"currency": "ISK", "value": 99000}));

        let idr = Money::new(1_500_050, Currency::parse("IDR").unwrap());
        assert!(refund_body("ShopID", &request(idr, vec![])).is_err());
    }

    #[test]
    fn received_is_pending_with_the_modification_reference() {
        let body = br#"{"merchantAccount":"ShopNL","paymentPspReference":"NC6HT9CRT65ZGN82",
            "pspReference":"JDD6LKT8MBLZNN84","reference":"reso-refund-7","status":"received",
            "amount":{"currency":"EUR","value":2500}}"#;
        assert_eq!(
            refund_answer(201, body),
            Ok(GatewayAnswer::Pending {
                gateway_refund_id: "JDD6LKT8MBLZNN84".into()
            })
        );
    }

    #[test]
    fn outages_are_unavailable_and_refusals_fail_with_adyens_message() {
        let error = br#"{"status":422,"errorCode":"167","message":"Original pspReference required for this operation","errorType":"validation"}"#;
        assert_eq!(
            refund_answer(422, error),
            Ok(GatewayAnswer::Failed {
                reason: "Adyen refused the refund: Original pspReference required for this operation (error 167)".into()
            })
        );
        assert!(matches!(
            refund_answer(401, b""),
            Ok(GatewayAnswer::Failed { reason }) if reason.contains("HTTP 401")
        ));
        assert!(matches!(
            refund_answer(500, br#"{"status":500,"errorCode":"905","message":"Payment details are not supported"}"#),
            Err(GatewayError::Unavailable(m)) if m.contains("500")
        ));
        assert!(refund_answer(429, b"").is_err());
        assert!(refund_answer(503, b"<html>").is_err());
        // Accepted but unreadable: retried, never taken as a failure.
        assert!(refund_answer(201, b"{").is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let account = AdyenAccount {
            base_url: "https://checkout-test.adyen.com/v72".into(),
            api_key: "AQE-secret-key".into(),
            merchant_account: "ShopNL".into(),
            hmac_key: "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056".into(),
        };
        let shown = format!("{account:?}");
        assert!(!shown.contains("AQE-secret-key"));
        assert!(!shown.contains("44782DEF"));
        assert!(shown.contains("ShopNL"));
        assert_eq!(account.check(), Ok(()));
        let bad = AdyenAccount {
            hmac_key: "not hex".into(),
            ..account
        };
        assert!(bad.check().is_err());
    }

    #[tokio::test]
    async fn status_stays_pending_and_polls_rarely() {
        let adyen = Adyen::new(
            AdyenAccount {
                base_url: "http://127.0.0.1:9".into(),
                api_key: "k".into(),
                merchant_account: "m".into(),
                hmac_key: "00".into(),
            },
            reqwest::Client::new(),
        );
        assert!(adyen.poll_after_ms(0) >= 3_600_000);
        let answer = adyen.status("JDD6LKT8MBLZNN84").await;
        assert_eq!(
            answer,
            Ok(GatewayAnswer::Pending {
                gateway_refund_id: "JDD6LKT8MBLZNN84".into()
            })
        );
        assert_eq!(
            adyen.refunds_url("A/B"),
            "http://127.0.0.1:9/v72/payments/A%2FB/refunds"
        );
    }

    #[test]
    fn a_connected_account_gives_the_adyen_settings() {
        use crate::gateways::providers::Provider;
        use crate::secrets::Secret;
        let connected = ProviderAccount {
            id: 1,
            merchant_id: 2,
            provider: Provider::Adyen,
            base_url: "https://checkout-test.adyen.com".into(),
            settings: [("merchant_account".to_string(), "ShopNL".to_string())].into(),
            secrets: [
                ("api_key".to_string(), Secret::new("AQE-key")),
                ("hmac_key".to_string(), Secret::new("0A0B")),
            ]
            .into(),
        };
        assert_eq!(
            AdyenAccount::from_provider(&connected),
            AdyenAccount {
                base_url: "https://checkout-test.adyen.com".into(),
                api_key: "AQE-key".into(),
                merchant_account: "ShopNL".into(),
                hmac_key: "0A0B".into(),
            }
        );
        let adyen = Adyen::for_account(&connected, reqwest::Client::new());
        assert_eq!(
            adyen.refunds_url("PSP1"),
            "https://checkout-test.adyen.com/v72/payments/PSP1/refunds"
        );
    }

    #[test]
    fn the_api_version_is_added_when_the_base_url_has_none() {
        let root = |base_url: &str| {
            AdyenAccount {
                base_url: base_url.into(),
                api_key: "k".into(),
                merchant_account: "m".into(),
                hmac_key: "00".into(),
            }
            .api_root()
        };
        assert_eq!(
            root("https://checkout-test.adyen.com/v72"),
            "https://checkout-test.adyen.com/v72"
        );
        assert_eq!(
            root("https://checkout-test.adyen.com/"),
            "https://checkout-test.adyen.com/v72"
        );
        assert_eq!(
            root("https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout"),
            "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v72"
        );
    }
}
