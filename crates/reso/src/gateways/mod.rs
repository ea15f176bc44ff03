//! Payment gateways: where a refund to the original payment method is sent.
//! Each adapter (the simulator today, Stripe, PayPal or Adyen later) answers
//! the same two questions — "refund this" and "how is that refund doing?" —
//! so the outbox worker never knows which provider it talks to.

pub mod manual;
pub mod simulator;

use crate::clock::Clock;
use reso_domain::Money;
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
}

impl RefundRequest {
    /// The idempotency key of a refund: one per refund, whatever the attempt.
    pub fn key_for(refund_id: i64) -> String {
        format!("reso-refund-{refund_id}")
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

/// The adapter for a payment's gateway name, or `None` when Reso has none.
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
