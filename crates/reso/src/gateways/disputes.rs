//! Answering a dispute at the provider: the merchant accepts it (the buyer
//! keeps the money) or fights it with evidence built from the order's
//! evidence pack. Each provider that sends disputes (Stripe, PayPal, Adyen)
//! has an adapter behind `AnswersDisputes`, so the worker never knows which
//! provider it talks to.

use super::providers::{Provider, ProviderAccount};
use super::GatewayError;
use reso_domain::{Money, Timestamp};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

/// What the merchant decided, as sent to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisputeAnswer {
    /// Give in: the provider closes the dispute in the buyer's favour.
    Accept {
        /// The merchant's note, where the provider takes one.
        note: String,
    },
    /// Fight it with evidence.
    Evidence(Box<DisputeEvidence>),
}

/// Evidence for one dispute, in the terms providers ask for. Built from the
/// order (the evidence pack) and the merchant's statement once, when the
/// merchant answers, and kept: every retry sends the same bytes under the
/// same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeEvidence {
    /// The merchant's own words: why the charge is right.
    pub statement: String,
    pub order_number: String,
    pub amount: Money,
    /// The provider's reason code of the dispute (`fraudulent`, `MERCHANDISE_OR_SERVICE_NOT_RECEIVED`, `10.4`…).
    pub reason_code: String,
    pub customer_name: String,
    pub customer_email: String,
    /// What was sold, one line per order line ("2 × Mug (MUG-1)").
    pub product_description: String,
    /// Shipments with their carrier and tracking number (proof of delivery).
    pub shipments: Vec<ShipmentEvidence>,
    /// The shop's published return policy, as text.
    pub refund_policy: String,
    /// Why no (further) refund is owed, when the merchant refused one.
    pub refund_refusal: Option<String>,
    /// Files for the provider: the evidence pack's summary and documents.
    pub files: Vec<EvidenceFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentEvidence {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub name: String,
    /// `application/pdf`, `image/jpeg`, `image/png`, `text/plain`…
    pub content_type: String,
    #[serde(with = "base64_bytes")]
    pub bytes: Vec<u8>,
}

/// Files kept as base64 text: a third larger, and JSON can hold them.
mod base64_bytes {
    use base64::{engine::general_purpose::STANDARD, Engine as _};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// What the provider made of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerReceipt {
    /// Taken: the provider (or the card issuer behind it) now decides; the
    /// outcome comes back by notification.
    Submitted,
    /// Refused for good (the deadline passed at the provider, the dispute is
    /// no longer open, the evidence is not acceptable); the reason is shown
    /// to the merchant. Sending it again would not help.
    Refused { reason: String },
}

pub type AnswerFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AnswerReceipt, GatewayError>> + Send + 'a>>;

/// A provider's API for answering disputes.
pub trait AnswersDisputes: Send + Sync {
    /// Sends the merchant's answer to the dispute the provider knows as
    /// `dispute_id`. `idempotency_key` is the same on every retry of one
    /// answer, so an answer repeated after a time-out is not sent twice
    /// where the provider honours keys. A `GatewayError` is retried.
    fn answer<'a>(
        &'a self,
        dispute_id: &'a str,
        answer: &'a DisputeAnswer,
        idempotency_key: &'a str,
    ) -> AnswerFuture<'a>;
}

/// The dispute adapter for a connected account; `None` for providers that
/// send Reso no disputes (Klarna).
pub fn for_account(
    account: &ProviderAccount,
    http: reqwest::Client,
) -> Option<Box<dyn AnswersDisputes>> {
    match account.provider {
        Provider::Paypal => Some(Box::new(super::paypal::disputes::PaypalDisputes::new(
            super::paypal::PaypalAccount::from_provider(account),
            http,
        ))),
        Provider::Adyen => Some(Box::new(super::adyen::disputes::AdyenDisputes::new(
            super::adyen::AdyenAccount::from_provider(account),
            http,
        ))),
        Provider::Stripe => Some(Box::new(super::stripe::disputes::StripeDisputes::new(
            super::stripe::StripeAccount::from_provider(account),
            http,
        ))),
        // Klarna sends Reso no disputes: its buyer disputes are settled in Klarna's portal.
        Provider::Klarna => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reso_domain::Currency;

    #[test]
    fn kept_evidence_reads_back_byte_for_byte() {
        let evidence = DisputeEvidence {
            statement: "Delivered.".into(),
            order_number: "1001".into(),
            amount: Money::new(2_500, Currency::parse("EUR").unwrap()),
            reason_code: "fraudulent".into(),
            customer_name: "Ada".into(),
            customer_email: "ada@example.com".into(),
            product_description: "1 × Tent (TENT-2P)".into(),
            shipments: vec![ShipmentEvidence {
                carrier: "DHL".into(),
                tracking_number: "00340434".into(),
                shipped_at: Some(Timestamp(1)),
                delivered_at: None,
            }],
            refund_policy: "30 days".into(),
            refund_refusal: None,
            files: vec![EvidenceFile {
                name: "evidence.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: (0..=255).collect(),
            }],
        };
        let kept = serde_json::to_string(&evidence).unwrap();
        assert_eq!(
            serde_json::from_str::<DisputeEvidence>(&kept).unwrap(),
            evidence
        );
    }
}
