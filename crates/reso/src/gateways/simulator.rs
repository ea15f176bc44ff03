//! A pretend payment provider for demos and tests. Like a real one it answers
//! "pending" first and settles later: a refund settles once `settle_after_ms`
//! of (simulated) time has passed since Reso created it. It refuses refunds on
//! payments whose reference contains "fail", so failures can be shown too.
//!
//! It keeps no state: everything it needs is in the refund id it hands out
//! (start time, outcome, a digest of the idempotency key), so the same key
//! always gets the same refund back, across retries and restarts.

use super::{Gateway, GatewayAnswer, GatewayFuture, RefundRequest};
use crate::clock::Clock;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Five minutes: long enough to see "pending" in a demo.
pub const DEFAULT_SETTLE_AFTER_MS: i64 = 5 * 60_000;

const PREFIX: &str = "simre";

pub const DECLINED: &str = "the card issuer declined the refund";

pub struct Simulator {
    clock: Arc<dyn Clock>,
    settle_after_ms: i64,
}

/// What a simulator refund id says about its refund.
#[derive(Debug, PartialEq, Eq)]
struct Ticket {
    started_at: i64,
    fails: bool,
}

impl Simulator {
    pub fn new(clock: Arc<dyn Clock>, settle_after_ms: i64) -> Self {
        Simulator {
            clock,
            settle_after_ms: settle_after_ms.max(0),
        }
    }

    fn refund_id(request: &RefundRequest) -> String {
        let fails = request
            .payment_reference
            .to_ascii_lowercase()
            .contains("fail");
        let digest = Sha256::digest(request.idempotency_key.as_bytes());
        let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!(
            "{PREFIX}_{}_{}_{short}",
            request.requested_at,
            if fails { "f" } else { "s" }
        )
    }

    fn ticket(gateway_refund_id: &str) -> Option<Ticket> {
        let mut parts = gateway_refund_id.split('_');
        if parts.next()? != PREFIX {
            return None;
        }
        let started_at = parts.next()?.parse().ok()?;
        let fails = match parts.next()? {
            "f" => true,
            "s" => false,
            _ => return None,
        };
        parts.next()?;
        Some(Ticket { started_at, fails })
    }

    fn answer(&self, gateway_refund_id: &str) -> GatewayAnswer {
        let Some(ticket) = Self::ticket(gateway_refund_id) else {
            return GatewayAnswer::Failed {
                reason: format!("the simulator issued no refund '{gateway_refund_id}'"),
            };
        };
        let gateway_refund_id = gateway_refund_id.to_string();
        if self.clock.now().millis() < ticket.started_at.saturating_add(self.settle_after_ms) {
            GatewayAnswer::Pending { gateway_refund_id }
        } else if ticket.fails {
            GatewayAnswer::Failed {
                reason: DECLINED.to_string(),
            }
        } else {
            GatewayAnswer::Succeeded { gateway_refund_id }
        }
    }
}

impl Gateway for Simulator {
    /// Asks first when the refund should have settled (at most a minute),
    /// then backs off like any provider.
    fn poll_after_ms(&self, polls: u32) -> i64 {
        if polls == 0 {
            self.settle_after_ms.clamp(1_000, 60_000)
        } else {
            (60_000i64 << polls.min(6)).min(3_600_000)
        }
    }

    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a> {
        let id = Self::refund_id(request);
        Box::pin(async move { Ok(self.answer(&id)) })
    }

    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a> {
        Box::pin(async move { Ok(self.answer(gateway_refund_id)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use reso_domain::{Currency, Money, Timestamp};

    const T0: i64 = 1_772_445_600_000;

    fn request(refund_id: i64, reference: &str) -> RefundRequest {
        RefundRequest {
            refund_id,
            payment_reference: reference.to_string(),
            amount: Money::new(2_450, Currency::parse("EUR").unwrap()),
            idempotency_key: RefundRequest::key_for(refund_id),
            requested_at: T0,
            lines: Vec::new(),
        }
    }

    fn simulator() -> (ManualClock, Simulator) {
        let clock = ManualClock::frozen(Timestamp(T0));
        let sim = Simulator::new(Arc::new(clock.clone()), DEFAULT_SETTLE_AFTER_MS);
        (clock, sim)
    }

    #[tokio::test]
    async fn a_refund_is_pending_until_the_delay_has_passed_then_succeeds() {
        let (clock, sim) = simulator();
        let GatewayAnswer::Pending {
            gateway_refund_id: id,
        } = sim.refund(&request(7, "pi_1")).await.unwrap()
        else {
            panic!("a new refund should be pending");
        };
        clock.advance_ms(DEFAULT_SETTLE_AFTER_MS - 1);
        assert_eq!(
            sim.status(&id).await.unwrap(),
            GatewayAnswer::Pending {
                gateway_refund_id: id.clone()
            }
        );
        clock.advance_ms(1);
        assert_eq!(
            sim.status(&id).await.unwrap(),
            GatewayAnswer::Succeeded {
                gateway_refund_id: id.clone()
            }
        );
    }

    #[tokio::test]
    async fn the_same_idempotency_key_gets_the_same_refund_even_later() {
        let (clock, sim) = simulator();
        let first = sim.refund(&request(7, "pi_1")).await.unwrap();
        clock.advance_ms(60_000);
        let again = sim.refund(&request(7, "pi_1")).await.unwrap();
        assert_eq!(first, again);
        let other = sim.refund(&request(8, "pi_1")).await.unwrap();
        assert_ne!(first, other, "another refund gets another id");
    }

    #[tokio::test]
    async fn a_payment_reference_with_fail_in_it_is_declined_after_the_delay() {
        let (clock, sim) = simulator();
        assert!(matches!(
            sim.refund(&request(9, "pi_FAIL_1")).await.unwrap(),
            GatewayAnswer::Pending { .. }
        ));
        clock.advance_ms(DEFAULT_SETTLE_AFTER_MS);
        assert_eq!(
            sim.refund(&request(9, "pi_FAIL_1")).await.unwrap(),
            GatewayAnswer::Failed {
                reason: DECLINED.into()
            }
        );
    }

    #[tokio::test]
    async fn an_unknown_refund_id_is_a_failure_not_a_panic() {
        let (_, sim) = simulator();
        assert!(matches!(
            sim.status("re_123").await.unwrap(),
            GatewayAnswer::Failed { .. }
        ));
        assert!(matches!(
            sim.status("simre_x_s_ab").await.unwrap(),
            GatewayAnswer::Failed { .. }
        ));
    }
}
