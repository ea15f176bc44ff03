//! Payment gateways: where a refund to the original payment method is sent.
//! Each adapter (the simulator, Stripe, PayPal, Adyen, Klarna) answers the
//! same two questions — "refund this" and "how is that refund doing?" — so
//! the outbox worker never knows which provider it talks to. Providers'
//! adapters are built from the merchant's connected account.

pub mod adyen;
pub mod disputes;
pub mod klarna;
pub mod manual;
pub mod notification;
pub mod paypal;
pub mod providers;
pub mod reconciliation;
pub mod simulator;
pub mod stripe;

use crate::clock::Clock;
use axum::http::HeaderMap;
use notification::{ProviderNotification, Rejection};
use providers::{Provider, ProviderAccount};
use reso_domain::{Money, ReturnLine, Timestamp};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// One refund as the gateway is asked to make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub refund_id: i64,
    /// The payment at the gateway (charge, capture or order id) the money goes back to.
    pub payment_reference: String,
    pub amount: Money,
    /// Stable across retries, so a request repeated after a time-out never
    /// refunds twice at a gateway that honours idempotency keys.
    pub idempotency_key: String,
    /// When Reso created the refund (ms); as stable as the key.
    pub requested_at: i64,
    /// What is being refunded, line by line, for providers that want it
    /// (Adyen `lineItems` for buy-now-pay-later, Klarna order lines). Empty
    /// for a refund not tied to returned goods (goodwill, shipping).
    pub lines: Vec<RefundLine>,
}

/// One returned order line in a refund, amounts in the refund's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// `quantity × unit price` less any deduction taken on this line.
    pub total_minor: i64,
}

impl RefundRequest {
    /// The idempotency key of a refund: one per refund, whatever the attempt.
    /// Adapters also send it as Reso's reference, for the provider to echo.
    pub fn key_for(refund_id: i64) -> String {
        format!("reso-refund-{refund_id}")
    }

    /// The refund a provider's echo of `key_for` names.
    pub fn refund_id_from(reference: &str) -> Option<i64> {
        reference.strip_prefix("reso-refund-")?.parse().ok()
    }
}

impl RefundLine {
    /// The returned goods behind a refund of `amount_minor`: each accepted
    /// line at its price, the return's deductions spread over the lines in
    /// proportion to their value so the lines add up to the refund exactly
    /// (one refund of a return split over two payments gets its share).
    /// None when the amount is not within the goods' value.
    pub fn for_refund(returned: &[ReturnLine], amount_minor: i64) -> Vec<RefundLine> {
        let lines: Vec<(&ReturnLine, i64, i64)> = returned
            .iter()
            .map(|l| {
                let qty = l.accepted_quantity();
                (l, qty, qty.saturating_mul(l.unit_price.minor))
            })
            .filter(|(_, qty, _)| *qty > 0)
            .collect();
        let goods: i64 = lines.iter().map(|(_, _, gross)| gross).sum();
        if goods <= 0 || amount_minor <= 0 || amount_minor > goods {
            return Vec::new();
        }
        let deducted = i128::from(goods - amount_minor);
        // Largest remainder: each line's share rounded down, the units left
        // over to the lines that lost most to rounding.
        let mut shares: Vec<(i64, i128)> = lines
            .iter()
            .map(|(_, _, gross)| {
                let exact = deducted * i128::from(*gross);
                let share = exact / i128::from(goods);
                (share as i64, exact % i128::from(goods))
            })
            .collect();
        let left = deducted as i64 - shares.iter().map(|(s, _)| s).sum::<i64>();
        let mut order: Vec<usize> = (0..shares.len()).collect();
        order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1).then(a.cmp(b)));
        for i in order.into_iter().take(left as usize) {
            shares[i].0 += 1;
        }
        lines
            .iter()
            .zip(shares)
            .map(|((l, qty, gross), (share, _))| RefundLine {
                sku: l.sku.clone(),
                name: l.title.clone(),
                quantity: *qty,
                unit_price_minor: l.unit_price.minor,
                total_minor: gross - share,
            })
            .collect()
    }
}

/// What the gateway says about a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayAnswer {
    /// Accepted, not settled yet: ask again later with `status`.
    Pending {
        gateway_refund_id: String,
    },
    Succeeded {
        gateway_refund_id: String,
    },
    /// Final: the money was not sent (the amount is owed to the buyer again).
    Failed {
        reason: String,
    },
}

/// The gateway could not be asked (network, time-out, outage). Always worth
/// retrying: a final refusal is a `GatewayAnswer::Failed`, not an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("the payment gateway is unavailable: {0}")]
    Unavailable(String),
}

impl GatewayError {
    /// A provider that could not be asked (time-out, no connection, the
    /// exchange broke off): nothing is known about the refund, so it is
    /// retried with the same idempotency key. `who` names the provider and
    /// what was asked ("Stripe", "PayPal token request").
    pub fn unreachable(who: &str, error: &reqwest::Error) -> GatewayError {
        let what = if error.is_timeout() {
            "timed out"
        } else if error.is_connect() {
            "could not connect"
        } else {
            "request failed"
        };
        GatewayError::Unavailable(format!("{who} {what}: {error}"))
    }
}

pub type GatewayFuture<'a> =
    Pin<Box<dyn Future<Output = Result<GatewayAnswer, GatewayError>> + Send + 'a>>;

/// A payment provider's refund API. Boxed futures keep the trait usable as
/// `dyn Gateway`, so the worker picks an adapter by the payment's gateway name.
pub trait Gateway: Send + Sync {
    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a>;

    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a>;

    /// How long to wait before asking again about a refund still pending
    /// after `polls` earlier questions.
    fn poll_after_ms(&self, polls: u32) -> i64 {
        // Every minute at first, then less often, at least hourly.
        (60_000i64 << polls.min(6)).min(3_600_000)
    }
}

/// Why the worker has no adapter for a payment's gateway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    #[error("Reso has no adapter for gateway '{0}'")]
    UnknownGateway(String),
    #[error("the merchant has not connected a {0} account (PUT /api/v1/payment-providers/{0})")]
    NotConnected(&'static str),
}

/// The adapter for a payment's gateway: a built-in one by name, or a
/// provider's built from the merchant's connected `account` (looked up by
/// the caller for that provider).
pub fn resolve(
    name: &str,
    account: Option<&ProviderAccount>,
    clock: Arc<dyn Clock>,
    simulator_settle_ms: i64,
    http: &reqwest::Client,
) -> Result<Box<dyn Gateway>, Unresolved> {
    if let Some(builtin) = for_name(name, clock, simulator_settle_ms) {
        return Ok(builtin);
    }
    let provider =
        Provider::parse(name).ok_or_else(|| Unresolved::UnknownGateway(name.to_string()))?;
    let account = account
        .filter(|a| a.provider == provider)
        .ok_or(Unresolved::NotConnected(provider.code()))?;
    Ok(for_account(account, http.clone()))
}

/// A provider's adapter for a connected account.
fn for_account(account: &ProviderAccount, http: reqwest::Client) -> Box<dyn Gateway> {
    match account.provider {
        Provider::Stripe => Box::new(stripe::Stripe::new(
            stripe::StripeAccount::from_provider(account),
            http,
        )),
        Provider::Adyen => Box::new(adyen::Adyen::new(
            adyen::AdyenAccount::from_provider(account),
            http,
        )),
        Provider::Paypal => Box::new(paypal::Paypal::new(
            paypal::PaypalAccount::from_provider(account),
            http,
        )),
        Provider::Klarna => Box::new(klarna::Klarna::new(
            klarna::KlarnaAccount::from_provider(account),
            http,
        )),
    }
}

/// Longest a provider may take to answer one request (the job is retried).
pub const PROVIDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The HTTP client for providers' APIs: credentials go to the account's base
/// URL and nowhere else, so redirects are not followed.
pub fn provider_http() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(PROVIDER_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Reso/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Why a notification was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unverified {
    /// The sender's fault: a 4xx.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The provider could not be asked whether the signature is its own:
    /// not the sender's fault, so a 503 and the provider delivers again.
    #[error("the notification could not be verified now: {0}")]
    Unavailable(String),
    /// The provider sends Reso nothing to read (Klarna).
    #[error("Reso reads no {0} notifications")]
    Unreadable(&'static str),
}

/// Checks a notification the account's provider sent and reads it. PayPal's
/// signature is checked by asking PayPal; the others' locally.
pub async fn verify_notification(
    account: &ProviderAccount,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<Vec<ProviderNotification>, Unverified> {
    if let Some(verify) = verifier(account.provider) {
        return Ok(verify(account, headers, body, now)?);
    }
    match account.provider {
        Provider::Paypal => {
            let http = provider_http().map_err(|e| Unverified::Unavailable(e.to_string()))?;
            paypal::Paypal::new(paypal::PaypalAccount::from_provider(account), http)
                .verify_notification(headers, body)
                .await
                .map_err(|e| match e {
                    paypal::WebhookError::Rejected(why) => Unverified::Rejected(why),
                    paypal::WebhookError::Unavailable(why) => Unverified::Unavailable(why),
                })
        }
        other => Err(Unverified::Unreadable(other.code())),
    }
}

/// Checks a provider's signature on a notification and reads it: the same
/// shape for every provider, so the ingress never knows which one spoke.
pub type VerifyNotification = fn(
    &ProviderAccount,
    &HeaderMap,
    &[u8],
    Timestamp,
) -> Result<Vec<ProviderNotification>, Rejection>;

/// The provider's local notification check, `None` where there is none
/// (PayPal's asks PayPal's API: see `verify_notification`; Klarna sends no
/// refund or dispute notifications, its refunds settle at once).
pub fn verifier(provider: Provider) -> Option<VerifyNotification> {
    match provider {
        Provider::Stripe => Some(|account, headers, body, now| {
            stripe::verify_notification(
                &stripe::StripeAccount::from_provider(account),
                headers,
                body,
                now,
            )
        }),
        Provider::Adyen => Some(|account, headers, body, now| {
            adyen::verify_notification(
                &adyen::AdyenAccount::from_provider(account),
                headers,
                body,
                now,
            )
        }),
        Provider::Paypal | Provider::Klarna => None,
    }
}

/// The adapter for a built-in gateway's name, or `None` when it is not one.
pub fn for_name(
    name: &str,
    clock: Arc<dyn Clock>,
    simulator_settle_ms: i64,
) -> Option<Box<dyn Gateway>> {
    match name {
        "simulator" => Some(Box::new(simulator::Simulator::new(
            clock,
            simulator_settle_ms,
        ))),
        "manual" => Some(Box::new(manual::Manual)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reso_domain::{Currency, LineDecision, ReturnReason};

    fn line(sku: &str, qty: i64, unit: i64, accepted: Option<i64>) -> ReturnLine {
        ReturnLine {
            order_line_id: 1,
            sku: sku.into(),
            title: format!("{sku} title"),
            quantity: qty,
            unit_price: Money::new(unit, Currency::parse("EUR").unwrap()),
            reason: ReturnReason::ChangedMind,
            inspection: accepted.map(|q| LineDecision {
                accepted_quantity: q,
                condition: String::new(),
            }),
        }
    }

    #[test]
    fn refund_lines_add_up_to_the_refund() {
        let returned = [
            line("TENT", 1, 18_900, None),
            line("MUG", 2, 2_450, Some(2)),
            line("SOCK", 3, 999, Some(0)),
        ];
        let full = RefundLine::for_refund(&returned, 23_800);
        assert_eq!(full.len(), 2, "a line accepted 0 times is not refunded");
        assert_eq!(full[0].total_minor, 18_900);
        assert_eq!(full[1].quantity, 2);
        assert_eq!(full[1].total_minor, 4_900);
        // 10 % restocking and 4.95 shipping: 2,875 deducted over both lines.
        let less = RefundLine::for_refund(&returned, 20_925);
        assert_eq!(less.iter().map(|l| l.total_minor).sum::<i64>(), 20_925);
        assert!(less
            .iter()
            .all(|l| l.total_minor <= l.quantity * l.unit_price_minor));
        for amount in [1, 7, 333, 23_799] {
            let lines = RefundLine::for_refund(&returned, amount);
            assert_eq!(lines.iter().map(|l| l.total_minor).sum::<i64>(), amount);
            assert!(lines.iter().all(|l| l.total_minor >= 0));
        }
        assert!(RefundLine::for_refund(&returned, 23_801).is_empty());
        assert!(RefundLine::for_refund(&[], 100).is_empty());
    }

    #[test]
    fn a_refund_reference_names_its_refund() {
        assert_eq!(
            RefundRequest::refund_id_from(&RefundRequest::key_for(42)),
            Some(42)
        );
        assert_eq!(RefundRequest::refund_id_from("re_123"), None);
    }
}
