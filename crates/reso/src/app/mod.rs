//! Use cases: open a transaction, load, let the domain decide, save the new
//! state with its events and jobs, commit. JSON and HTML call the same ones.

pub mod audit;
pub mod auth;
pub mod buyer;
pub mod claim_documents;
pub mod claims;
pub mod deadlines;
pub mod dispute_evidence;
pub mod disputes;
pub mod error;
pub mod event_seal;
pub mod events;
pub mod evidence;
pub mod evidence_pdf;
pub mod evidence_summary;
pub mod exports;
pub mod idempotency;
pub mod import;
pub mod insights;
pub mod mediators;
pub mod merchants;
pub mod messages;
pub mod orders;
pub mod payment_providers;
pub mod provider_notifications;
pub mod quality_alerts;
pub mod rate_limits;
pub mod reconciliation;
pub mod refunds;
pub mod returns;
pub mod webhooks;
pub mod what_if;

pub use error::{AppError, AppResult};

/// Who did something, as written in the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Buyer(String),
    Staff { id: i64, email: String },
    ApiKey(i64),
    System,
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Actor::Buyer(email) => format!("buyer:{email}"),
            Actor::Staff { email, .. } => format!("staff:{email}"),
            Actor::ApiKey(id) => format!("api_key:{id}"),
            Actor::System => "system".to_string(),
        }
    }
}
