//! What a payment provider tells Reso on its own: webhooks and notifications
//! about refunds and disputes, in one provider-neutral shape. Each adapter
//! checks its provider's signature and turns the provider's format into these;
//! everything after that (deduplication, the ledger, claims) never knows which
//! provider spoke.

pub use reso_domain::dispute::{DisputeStage, DisputeState};
use reso_domain::{Money, Timestamp};

/// One thing a provider reports, with the provider's own id for it, so a
/// repeated delivery of the same notification is recognised and changes
/// nothing twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderNotification {
    /// The provider's id of this notification (Stripe event id, PayPal event
    /// id, Adyen `pspReference` + `eventCode` + `success`).
    pub notification_id: String,
    /// When the provider says it happened; orders late and out-of-order news.
    pub occurred_at: Timestamp,
    pub subject: Subject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Refund(RefundNews),
    Dispute(DisputeNews),
}

/// A refund's state at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundNews {
    /// The provider's refund id (Stripe `re_…`, PayPal refund id, Adyen
    /// modification `pspReference`).
    pub gateway_refund_id: String,
    /// The payment it draws on (charge / PaymentIntent, capture, PSP reference).
    pub payment_reference: String,
    /// Reso's own reference when the provider echoes it (metadata,
    /// `invoice_id`, `merchantReference`); absent for a refund made in the
    /// provider's dashboard.
    pub reso_reference: Option<String>,
    pub amount: Money,
    pub state: RefundState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundState {
    Pending,
    Succeeded,
    /// Final: the money did not go back.
    Failed {
        reason: String,
    },
    /// It had succeeded, and the provider took it back later (Stripe
    /// `refund.failed` after success, Adyen REFUNDED_REVERSED): the money is
    /// owed to the buyer again.
    Reversed {
        reason: String,
    },
}

/// A chargeback, inquiry or provider-guarantee claim on a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeNews {
    /// The provider's dispute id (Stripe `dp_…`, PayPal `PP-D-…`, Adyen the
    /// dispute's PSP reference).
    pub dispute_id: String,
    pub payment_reference: String,
    pub amount: Money,
    /// The provider's or card scheme's reason code, as given.
    pub reason_code: String,
    pub stage: DisputeStage,
    /// When the provider stops accepting the merchant's answer.
    pub respond_by: Option<Timestamp>,
    pub state: DisputeState,
}

/// Why a notification was refused; always the sender's fault, so a 4xx.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the notification carries no signature")]
    MissingSignature,
    #[error("the notification's signature does not match")]
    BadSignature,
    #[error("the notification's timestamp is outside the accepted tolerance")]
    Stale,
    #[error("the notification does not parse: {0}")]
    Unparseable(String),
}
