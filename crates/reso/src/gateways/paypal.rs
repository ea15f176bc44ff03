//! PayPal (Payments API v2). A refund is made on the payment's capture:
//! `POST /v2/payments/captures/{capture_id}/refund`, idempotent by the
//! `PayPal-Request-Id` header (PayPal keeps the key 45 days), answered with
//! the refund and its status; `GET /v2/payments/refunds/{id}` tells how it is
//! doing later. Requests carry an OAuth2 bearer token from the client
//! credentials (see `token`). Webhook events are checked by asking PayPal
//! (`verify_notification`) and read by `parse_notification`.

mod amount;
pub mod disputes;
mod events;
mod token;

pub use amount::{from_paypal, to_paypal_value};
pub use events::parse_notification;

use super::notification::{ProviderNotification, Rejection};
use super::providers::ProviderAccount;
use super::{Gateway, GatewayAnswer, GatewayError, GatewayFuture, RefundRequest};
use axum::http::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::fmt;
use std::time::Duration;
use token::Tokens;

/// How long PayPal may take to answer before the attempt counts as
/// unavailable (and is retried later with the same `PayPal-Request-Id`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// At most this long for a webhook's verification: PayPal waits for the
/// delivery's answer only a little longer, and delivers again when it gets
/// none, so waiting longer gains nothing.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(10);

/// The headers PayPal signs a webhook delivery with; all are needed to
/// have it verified.
pub const TRANSMISSION_HEADERS: [&str; 5] = [
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
];

/// One merchant's PayPal REST app.
#[derive(Clone, PartialEq, Eq)]
pub struct PaypalAccount {
    /// `https://api-m.paypal.com` or `https://api-m.sandbox.paypal.com`.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// The id of the webhook the merchant registered for Reso's endpoint;
    /// PayPal's signature check needs it.
    pub webhook_id: String,
}

impl fmt::Debug for PaypalAccount {
    // The secret never reaches a log line, even through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaypalAccount")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("webhook_id", &self.webhook_id)
            .finish()
    }
}

impl PaypalAccount {
    /// The PayPal settings of a merchant's connected account.
    pub fn from_provider(account: &ProviderAccount) -> Self {
        PaypalAccount {
            base_url: account.base_url.clone(),
            client_id: account.setting("client_id"),
            client_secret: account.secret("client_secret"),
            webhook_id: account.setting("webhook_id"),
        }
    }
}

/// Why a webhook delivery was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The sender's fault: answer 4xx.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// PayPal could not be asked whether the signature is its own. Not the
    /// sender's fault: answer 503, and PayPal delivers the event again.
    #[error("PayPal could not verify the webhook: {0}")]
    Unavailable(String),
}

pub struct Paypal {
    account: PaypalAccount,
    root: String,
    http: reqwest::Client,
    tokens: Tokens,
    timeout: Duration,
}

/// A PayPal refund as PayPal answers it (`Prefer: return=representation`).
#[derive(Deserialize)]
struct Refund {
    id: String,
    status: Option<String>,
    status_details: Option<events::StatusDetails>,
}

/// PayPal's error body.
#[derive(Deserialize, Default)]
struct ApiError {
    #[serde(default)]
    name: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<ErrorDetail>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    issue: Option<String>,
    description: Option<String>,
}

#[derive(Serialize)]
struct RefundBody<'a> {
    amount: Amount,
    /// Reso's reference, echoed in the refund and its webhook events.
    custom_id: &'a str,
}

#[derive(Serialize)]
struct Amount {
    value: String,
    currency_code: String,
}

/// One answer from PayPal's API.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl Paypal {
    pub fn new(account: PaypalAccount, http: reqwest::Client) -> Self {
        let root = account.base_url.trim_end_matches('/').to_string();
        let tokens = Tokens::for_account(&root, &account.client_id, &account.client_secret);
        Paypal {
            account,
            root,
            http,
            tokens,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Another time limit per request (token, refund, status; a webhook
    /// verification waits at most `VERIFY_TIMEOUT` whatever this is).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends one API request with the account's token; on a 401 the token
    /// is dropped and the request sent once more with a new one.
    async fn call(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
        timeout: Duration,
    ) -> Result<Answer, GatewayError> {
        let mut renewed = false;
        loop {
            let token = self.tokens.get(&self.http, timeout).await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.root))
                .bearer_auth(&token)
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(timeout);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let what = format!("{method} {path}");
            let response = request.send().await.map_err(|e| unreachable(&what, &e))?;
            let status = response.status();
            let bytes = response.bytes().await.map_err(|e| unreachable(&what, &e))?;
            if status == StatusCode::UNAUTHORIZED && !renewed {
                self.tokens.discard(&token).await;
                renewed = true;
                continue;
            }
            return Ok(Answer {
                status,
                body: bytes.to_vec(),
            });
        }
    }

    async fn refund_now(&self, request: &RefundRequest) -> Result<GatewayAnswer, GatewayError> {
        let value = match to_paypal_value(&request.amount) {
            Ok(value) => value,
            // Sending cannot work: the amount is owed by other means.
            Err(reason) => return Ok(GatewayAnswer::Failed { reason }),
        };
        let body = RefundBody {
            amount: Amount {
                value,
                currency_code: request.amount.currency.as_str().to_string(),
            },
            custom_id: &request.idempotency_key,
        };
        let body = serde_json::to_vec(&body).expect("a refund body serializes");
        let path = format!(
            "/v2/payments/captures/{}/refund",
            path_segment(&request.payment_reference)
        );
        let answer = self
            .call(
                Method::POST,
                &path,
                &[
                    ("PayPal-Request-Id", request.idempotency_key.as_str()),
                    ("Prefer", "return=representation"),
                ],
                Some(body),
                self.timeout,
            )
            .await?;
        refund_answer(answer.status, &answer.body)
    }

    async fn status_now(&self, gateway_refund_id: &str) -> Result<GatewayAnswer, GatewayError> {
        let path = format!("/v2/payments/refunds/{}", path_segment(gateway_refund_id));
        let answer = self
            .call(Method::GET, &path, &[], None, self.timeout)
            .await?;
        if answer.status.is_success() {
            return refund_answer(answer.status, &answer.body);
        }
        // A refund PayPal gave an id for is never declared failed because it
        // cannot be looked up (another account connected, an outage): the
        // refund stays pending and is asked about again, so it is never paid twice.
        Err(GatewayError::Unavailable(format!(
            "PayPal could not tell the state of refund {gateway_refund_id} ({}): {}",
            answer.status,
            error_summary(&answer.body)
        )))
    }

    /// Checks a webhook delivery's signature with PayPal
    /// (`POST /v1/notifications/verify-webhook-signature`) and reads it.
    ///
    /// The transmission time is not held against a tolerance: PayPal
    /// redelivers an event it could not deliver for days with its original
    /// transmission, and the ingress recognises a repeated event by its id.
    pub async fn verify_notification(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Vec<ProviderNotification>, WebhookError> {
        let mut transmission = Vec::with_capacity(TRANSMISSION_HEADERS.len());
        for name in TRANSMISSION_HEADERS {
            let value = headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or(Rejection::MissingSignature)?;
            transmission.push(value);
        }
        let [id, time, sig, cert_url, algo] = transmission[..] else {
            unreachable!("one value per transmission header")
        };
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return Err(Rejection::Unparseable("the event is not JSON".into()).into());
        }
        if self.account.webhook_id.trim().is_empty() {
            return Err(WebhookError::Unavailable(
                "the PayPal account has no webhook id to verify events with".into(),
            ));
        }
        let request = verification_request(
            &[
                ("auth_algo", algo),
                ("cert_url", cert_url),
                ("transmission_id", id),
                ("transmission_sig", sig),
                ("transmission_time", time),
                ("webhook_id", self.account.webhook_id.as_str()),
            ],
            body,
        );
        let answer = self
            .call(
                Method::POST,
                "/v1/notifications/verify-webhook-signature",
                &[],
                Some(request),
                self.timeout.min(VERIFY_TIMEOUT),
            )
            .await
            .map_err(|e| WebhookError::Unavailable(e.to_string()))?;
        if !answer.status.is_success() {
            if retry_worthy(answer.status) || answer.status == StatusCode::UNAUTHORIZED {
                return Err(WebhookError::Unavailable(format!(
                    "PayPal answered {}: {}",
                    answer.status,
                    error_summary(&answer.body)
                )));
            }
            // PayPal refused to check these headers (a certificate URL not
            // its own, a malformed signature): not a delivery of PayPal's.
            return Err(Rejection::BadSignature.into());
        }
        #[derive(Deserialize)]
        struct Verification {
            verification_status: String,
        }
        let verification: Verification = serde_json::from_slice(&answer.body).map_err(|e| {
            WebhookError::Unavailable(format!("PayPal's verification answer does not parse: {e}"))
        })?;
        if verification.verification_status != "SUCCESS" {
            return Err(Rejection::BadSignature.into());
        }
        Ok(parse_notification(body)?)
    }
}

impl Gateway for Paypal {
    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a> {
        Box::pin(self.refund_now(request))
    }

    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a> {
        Box::pin(self.status_now(gateway_refund_id))
    }
}

/// The verification request: the transmission's fields, and the event
/// exactly as delivered. PayPal checks the signature over the event's bytes,
/// so it is spliced in raw rather than parsed and serialized again (which
/// would reorder its keys).
fn verification_request(fields: &[(&str, &str)], event: &[u8]) -> Vec<u8> {
    let fields: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let head = serde_json::to_string(&fields).expect("strings serialize");
    let mut out = Vec::with_capacity(head.len() + event.len() + 20);
    out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    out.extend_from_slice(b",\"webhook_event\":");
    out.extend_from_slice(event);
    out.push(b'}');
    out
}

/// What PayPal's answer to a refund (or a refund lookup) means.
fn refund_answer(status: StatusCode, body: &[u8]) -> Result<GatewayAnswer, GatewayError> {
    if status.is_success() {
        let refund: Refund = serde_json::from_slice(body).map_err(|e| {
            // Accepted, but unreadable: asking again with the same
            // PayPal-Request-Id returns the same refund.
            GatewayError::Unavailable(format!("PayPal's refund answer does not parse: {e}"))
        })?;
        let status = refund.status.as_deref().unwrap_or("PENDING");
        return Ok(
            match events::refund_state(status, refund.status_details.as_ref()) {
                super::notification::RefundState::Succeeded => GatewayAnswer::Succeeded {
                    gateway_refund_id: refund.id,
                },
                super::notification::RefundState::Failed { reason }
                | super::notification::RefundState::Reversed { reason } => {
                    GatewayAnswer::Failed { reason }
                }
                super::notification::RefundState::Pending => GatewayAnswer::Pending {
                    gateway_refund_id: refund.id,
                },
            },
        );
    }
    if retry_worthy(status) || status == StatusCode::UNAUTHORIZED {
        return Err(GatewayError::Unavailable(format!(
            "PayPal answered {status}: {}",
            error_summary(body)
        )));
    }
    // PayPal declined this refund (REFUND_AMOUNT_EXCEEDED,
    // CAPTURE_FULLY_REFUNDED, …): final for this key.
    Ok(GatewayAnswer::Failed {
        reason: format!("PayPal refused the refund: {}", error_summary(body)),
    })
}

/// Statuses after which the same request may well succeed: PayPal's
/// "previous request in progress" (409), rate limits and its own errors.
fn retry_worthy(status: StatusCode) -> bool {
    status.is_server_error()
        || matches!(
            status,
            StatusCode::REQUEST_TIMEOUT | StatusCode::CONFLICT | StatusCode::TOO_MANY_REQUESTS
        )
}

/// PayPal's error body in one line: the issues first, as they name the cause.
fn error_summary(body: &[u8]) -> String {
    let Ok(error) = serde_json::from_slice::<ApiError>(body) else {
        let text = String::from_utf8_lossy(body);
        let text: String = text.chars().take(200).collect();
        return if text.trim().is_empty() {
            "no details".to_string()
        } else {
            text
        };
    };
    let issues: Vec<String> = error
        .details
        .iter()
        .filter_map(|d| {
            let issue = d.issue.clone()?;
            Some(match &d.description {
                Some(text) => format!("{issue} ({text})"),
                None => issue,
            })
        })
        .collect();
    let mut out = issues.join(", ");
    for part in [&error.name, &error.message] {
        if !part.is_empty() {
            if !out.is_empty() {
                out.push_str(" — ");
            }
            out.push_str(part);
        }
    }
    if out.is_empty() {
        "no details".to_string()
    } else {
        out
    }
}

/// A network failure or time-out: worth retrying.
fn unreachable(what: &str, error: &reqwest::Error) -> GatewayError {
    GatewayError::unreachable(&format!("PayPal {what}"), error)
}

/// An id as one URL path segment: PayPal's ids are alphanumeric, so
/// anything else (`/`, `?`, the dots of `..`) is escaped rather than allowed
/// to change the path.
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_body(issue: &str, description: &str) -> Vec<u8> {
        json!({
            "name": "UNPROCESSABLE_ENTITY",
            "message": "The requested action could not be performed, semantically incorrect, or failed business validation.",
            "debug_id": "8ab5b1a8c0a4e",
            "details": [{"issue": issue, "description": description}]
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn refund_statuses_map_to_gateway_answers() {
        let answer = |status: &str| {
            let body = json!({"id": "1JU08902781691411", "status": status}).to_string();
            refund_answer(StatusCode::CREATED, body.as_bytes()).unwrap()
        };
        let id = || "1JU08902781691411".to_string();
        assert_eq!(
            answer("COMPLETED"),
            GatewayAnswer::Succeeded {
                gateway_refund_id: id()
            }
        );
        assert_eq!(
            answer("PENDING"),
            GatewayAnswer::Pending {
                gateway_refund_id: id()
            }
        );
        assert!(matches!(answer("FAILED"), GatewayAnswer::Failed { .. }));
        assert!(matches!(answer("CANCELLED"), GatewayAnswer::Failed { .. }));
        let echeck = json!({
            "id": "1JU08902781691411", "status": "FAILED", "status_details": {"reason": "ECHECK"}
        });
        assert_eq!(
            refund_answer(StatusCode::OK, echeck.to_string().as_bytes()).unwrap(),
            GatewayAnswer::Failed {
                reason: "PayPal reports the refund FAILED: ECHECK".into()
            }
        );
    }

    #[test]
    fn a_business_refusal_is_a_failure_naming_the_issue() {
        for issue in ["REFUND_AMOUNT_EXCEEDED", "CAPTURE_FULLY_REFUNDED"] {
            let GatewayAnswer::Failed { reason } = refund_answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                &error_body(issue, "no more refunds"),
            )
            .unwrap() else {
                panic!("a refusal is final")
            };
            assert!(reason.contains(issue), "{reason}");
        }
        assert!(matches!(
            refund_answer(StatusCode::NOT_FOUND, b"{\"name\":\"RESOURCE_NOT_FOUND\"}").unwrap(),
            GatewayAnswer::Failed { .. }
        ));
    }

    #[test]
    fn outages_and_requests_in_progress_are_worth_retrying() {
        for status in [500, 502, 503, 409, 429, 408, 401] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(
                matches!(
                    refund_answer(status, &error_body("PREVIOUS_REQUEST_IN_PROGRESS", "wait")),
                    Err(GatewayError::Unavailable(_))
                ),
                "{status}"
            );
        }
        // Accepted but unreadable: ask again with the same key.
        assert!(refund_answer(StatusCode::CREATED, b"<html>").is_err());
    }

    #[test]
    fn error_summaries_put_issues_first_and_survive_any_body() {
        let summary = error_summary(&error_body("REFUND_AMOUNT_EXCEEDED", "too much"));
        assert!(summary.starts_with("REFUND_AMOUNT_EXCEEDED (too much) — UNPROCESSABLE_ENTITY"));
        assert_eq!(error_summary(b""), "no details");
        assert_eq!(error_summary(b"Bad Gateway"), "Bad Gateway");
    }

    #[test]
    fn the_verification_request_carries_the_event_byte_for_byte() {
        let event = br#"{"id":"WH-1","z":1,"a":{"value":"1.10"}}"#;
        let request = verification_request(
            &[("webhook_id", "WH-ID"), ("auth_algo", "SHA256withRSA")],
            event,
        );
        let text = String::from_utf8(request.clone()).unwrap();
        assert!(text.ends_with(&format!(
            ",\"webhook_event\":{}}}",
            std::str::from_utf8(event).unwrap()
        )));
        let parsed: serde_json::Value = serde_json::from_slice(&request).unwrap();
        assert_eq!(parsed["webhook_id"], "WH-ID");
        assert_eq!(parsed["webhook_event"]["a"]["value"], "1.10");
    }

    #[test]
    fn ids_cannot_change_the_request_path() {
        assert_eq!(path_segment("2GG279541U471931P"), "2GG279541U471931P");
        assert_eq!(path_segment("../x?y"), "%2E%2E%2Fx%3Fy");
    }

    #[test]
    fn the_account_debug_hides_the_secret() {
        let account = PaypalAccount {
            base_url: "https://api-m.sandbox.paypal.com".into(),
            client_id: "AZ-client".into(),
            client_secret: "EL-very-secret".into(),
            webhook_id: "8PT597110X687430LKGECATA".into(),
        };
        let shown = format!("{account:?}");
        assert!(!shown.contains("EL-very-secret"), "{shown}");
        assert!(shown.contains("AZ-client"));
    }
}
