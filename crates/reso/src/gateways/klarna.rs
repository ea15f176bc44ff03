//! Klarna (buy now, pay later): refunds through the order-management API.
//!
//! `POST /ordermanagement/v1/orders/{order_id}/refunds` with Basic auth (the
//! API username and password), the refund's idempotency key as
//! `Klarna-Idempotency-Key`, the amount in minor units and the order lines
//! being refunded: Klarna takes the money back from the buyer's instalment
//! plan line by line, so the lines must add up to the refunded amount.
//! Klarna answers `201 Created` with the refund's id in `Refund-Id` (and in
//! `Location`): the refund is registered and will be paid out, so it counts
//! as succeeded. Klarna has no webhook for refunds; its status is asked with
//! `GET …/refunds/{refund_id}`.
//!
//! Klarna publishes no machine-readable specification; the requests follow
//! its developer documentation (tests/specs/klarna-ordermanagement-refunds.json
//! transcribes the refund operations for the tests' validator).

pub mod refund_list;

use super::providers::ProviderAccount;
use super::{Gateway, GatewayAnswer, GatewayError, GatewayFuture, RefundLine, RefundRequest};
use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// Klarna registers a refund in well under a second; a time-out is retried
/// with the same idempotency key.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A merchant's Klarna API credentials.
#[derive(Clone)]
pub struct KlarnaAccount {
    /// `https://api.klarna.com` (Europe), `https://api-na.klarna.com`, the
    /// playground, or a fake provider's address in tests.
    pub base_url: String,
    /// The API username (`PK…_…`).
    pub username: String,
    pub password: String,
}

impl KlarnaAccount {
    /// The Klarna settings of a connected account (see `providers`).
    pub fn from_provider(account: &ProviderAccount) -> KlarnaAccount {
        KlarnaAccount {
            base_url: account.base_url.clone(),
            username: account.setting("username"),
            password: account.secret("password"),
        }
    }
}

impl fmt::Debug for KlarnaAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KlarnaAccount")
            .field("base_url", &self.base_url)
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

pub struct Klarna {
    account: KlarnaAccount,
    http: reqwest::Client,
    timeout: Duration,
}

impl Klarna {
    pub fn new(account: KlarnaAccount, http: reqwest::Client) -> Klarna {
        Klarna {
            account,
            http,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same adapter with another per-request time-out.
    pub fn with_timeout(mut self, timeout: Duration) -> Klarna {
        self.timeout = timeout;
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.account.base_url.trim_end_matches('/'))
    }

    async fn create_refund(&self, request: &RefundRequest) -> Result<GatewayAnswer, GatewayError> {
        let order_id = &request.payment_reference;
        if !is_klarna_id(order_id) {
            return Ok(GatewayAnswer::Failed {
                reason: format!("'{order_id}' is not a Klarna order id"),
            });
        }
        if request.amount.minor <= 0 {
            return Ok(GatewayAnswer::Failed {
                reason: "Klarna refunds a positive amount only".into(),
            });
        }
        let response = self
            .http
            .post(self.url(&format!("/ordermanagement/v1/orders/{order_id}/refunds")))
            .basic_auth(&self.account.username, Some(&self.account.password))
            .header("Klarna-Idempotency-Key", &request.idempotency_key)
            .timeout(self.timeout)
            .json(&refund_body(request))
            .send()
            .await;
        let response = response.map_err(unavailable)?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            let refund_id = response
                .headers()
                .get("Refund-Id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .or_else(|| {
                    let location = response.headers().get("Location")?.to_str().ok()?;
                    location.rsplit('/').next().map(str::to_string)
                })
                .filter(|id| is_klarna_id(id))
                .ok_or_else(|| {
                    GatewayError::Unavailable(format!(
                        "Klarna answered {status} without the refund's id"
                    ))
                })?;
            return Ok(GatewayAnswer::Succeeded {
                gateway_refund_id: format!("{order_id}/{refund_id}"),
            });
        }
        refusal(status, response).await
    }

    async fn refund_status(&self, gateway_refund_id: &str) -> Result<GatewayAnswer, GatewayError> {
        let Some((order_id, refund_id)) = gateway_refund_id
            .split_once('/')
            .filter(|(o, r)| is_klarna_id(o) && is_klarna_id(r))
        else {
            return Ok(GatewayAnswer::Failed {
                reason: format!("'{gateway_refund_id}' is not a Klarna refund"),
            });
        };
        let response = self
            .http
            .get(self.url(&format!(
                "/ordermanagement/v1/orders/{order_id}/refunds/{refund_id}"
            )))
            .basic_auth(&self.account.username, Some(&self.account.password))
            .timeout(self.timeout)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status().as_u16();
        match status {
            // Klarna keeps registered refunds; there is no "pending" or "failed".
            200 => Ok(GatewayAnswer::Succeeded {
                gateway_refund_id: gateway_refund_id.to_string(),
            }),
            // Klarna gave this id out: not finding it now is no proof the
            // money did not go back, so it stays pending for reconciliation.
            _ => Err(GatewayError::Unavailable(format!(
                "Klarna answered {status} about refund {gateway_refund_id}"
            ))),
        }
    }
}

impl Gateway for Klarna {
    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a> {
        Box::pin(self.create_refund(request))
    }

    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a> {
        Box::pin(self.refund_status(gateway_refund_id))
    }
}

/// Order and refund ids are UUIDs (or at least plain tokens): anything else
/// would change the request's path.
fn is_klarna_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The refund as Klarna wants it: the amount and the lines that make it up.
fn refund_body(request: &RefundRequest) -> Value {
    json!({
        "refunded_amount": request.amount.minor,
        "description": format!("Refund {}", request.idempotency_key),
        "reference": request.idempotency_key,
        "order_lines": order_lines(&request.lines, request.amount.minor),
    })
}

/// The refunded lines, plus one line for what they do not explain (a
/// refund without returned goods, shipping paid back, or a deduction kept),
/// so that the lines always add up to the refunded amount as Klarna checks.
fn order_lines(lines: &[RefundLine], amount_minor: i64) -> Vec<Value> {
    let mut out: Vec<Value> = lines
        .iter()
        .filter(|l| l.quantity > 0)
        .map(|l| {
            // Klarna checks unit price × quantity against the total; a
            // deduction spread over the line can make them differ, and then
            // the line is sent as one unit of its total.
            let (quantity, unit_price) = if l.unit_price_minor * l.quantity == l.total_minor {
                (l.quantity, l.unit_price_minor)
            } else {
                (1, l.total_minor)
            };
            json!({
                "type": "physical",
                "reference": truncate(&l.sku, 64),
                "name": truncate(&l.name, 255),
                "quantity": quantity,
                "unit_price": unit_price,
                "total_amount": l.total_minor,
            })
        })
        .collect();
    let explained: i64 = lines
        .iter()
        .filter(|l| l.quantity > 0)
        .map(|l| l.total_minor)
        .sum();
    let rest = amount_minor - explained;
    if rest != 0 {
        let (kind, name) = if rest < 0 {
            ("discount", "Deductions kept")
        } else {
            ("surcharge", "Other refunded amount")
        };
        out.push(json!({
            "type": kind,
            "reference": "reso-adjustment",
            "name": name,
            "quantity": 1,
            "unit_price": rest,
            "total_amount": rest,
        }));
    }
    out
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

fn unavailable(e: reqwest::Error) -> GatewayError {
    GatewayError::unreachable("Klarna", &e)
}

/// A refused refund: Klarna's `error_code` and messages. Only a refusal of
/// the refund itself is final; a bad key, a rate limit or an outage may
/// pass later with the same idempotency key.
async fn refusal(status: u16, response: reqwest::Response) -> Result<GatewayAnswer, GatewayError> {
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body["error_code"].as_str().unwrap_or_default();
    let messages: Vec<&str> = body["error_messages"]
        .as_array()
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let reason = match (code, messages.join("; ")) {
        ("", m) if m.is_empty() => format!("HTTP {status}"),
        ("", m) => m,
        (c, m) if m.is_empty() => c.to_string(),
        (c, m) => format!("{c}: {m}"),
    };
    match status {
        401 | 408 | 409 | 429 | 500.. => Err(GatewayError::Unavailable(format!(
            "Klarna answered {status}: {reason}"
        ))),
        _ => Ok(GatewayAnswer::Failed { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, quantity: i64, unit: i64, total: i64) -> RefundLine {
        RefundLine {
            sku: sku.into(),
            name: format!("Item {sku}"),
            quantity,
            unit_price_minor: unit,
            total_minor: total,
        }
    }

    fn total(lines: &[Value]) -> i64 {
        lines
            .iter()
            .map(|l| l["total_amount"].as_i64().unwrap())
            .sum()
    }

    #[test]
    fn lines_always_add_up_to_the_refund() {
        let lines = [line("A", 2, 1_000, 2_000), line("B", 1, 500, 500)];
        let exact = order_lines(&lines, 2_500);
        assert_eq!(exact.len(), 2);
        assert_eq!(total(&exact), 2_500);

        let with_fee = order_lines(&lines, 2_200);
        assert_eq!(total(&with_fee), 2_200);
        assert_eq!(with_fee[2]["type"], "discount");
        assert_eq!(with_fee[2]["total_amount"], -300);

        let goodwill = order_lines(&[], 1_500);
        assert_eq!(goodwill.len(), 1);
        assert_eq!(goodwill[0]["type"], "surcharge");
        assert_eq!(total(&goodwill), 1_500);
    }

    #[test]
    fn a_line_whose_total_is_not_units_times_price_goes_as_one_unit() {
        let lines = order_lines(&[line("A", 3, 1_000, 2_700)], 2_700);
        assert_eq!(lines[0]["quantity"], 1);
        assert_eq!(lines[0]["unit_price"], 2_700);
    }

    #[test]
    fn ids_that_would_change_the_path_are_refused() {
        assert!(is_klarna_id("f3392f8b-6116-4073-ab96-e330819e2c07"));
        assert!(!is_klarna_id("../orders"));
        assert!(!is_klarna_id("a/b"));
        assert!(!is_klarna_id(""));
    }

    #[test]
    fn the_password_is_never_printed() {
        let account = KlarnaAccount {
            base_url: "https://api.klarna.com".into(),
            username: "PK1234_abcd".into(),
            password: "very-secret".into(),
        };
        assert!(!format!("{account:?}").contains("very-secret"));
    }
}
