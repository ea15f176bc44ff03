//! The rules of Reso: returns, refunds, policies and the decision matrix.
//!
//! Everything here is plain data and pure functions. Nothing reads a clock, a
//! database or the network: callers pass `now` and the state in, and get a
//! decision out. `Cargo.toml` has no async runtime, SQL or HTTP crate, so the
//! compiler keeps it that way.

pub mod calendar;
pub mod claim;
pub mod decision;
pub mod dispute;
pub mod document;
pub mod email;
pub mod insights;
pub mod money;
pub mod order;
pub mod photo;
pub mod policy;
pub mod quality;
pub mod reason;
pub mod refund;
pub mod returns;
pub mod rma;
pub mod time;
pub mod what_if;

pub use decision::{Decision, DecisionMatrix, DecisionRule, RuleFacts};
pub use email::Email;
pub use money::{Currency, Money, MoneyError};
pub use order::{NewOrder, Order, OrderLine, Payment, PaymentMethod, Shipment};
pub use policy::{RefundMethod, RestockingFee, ReturnPolicy, ReturnShipping};
pub use reason::ReturnReason;
pub use refund::{RefundError, RefundQuote};
pub use returns::{LineDecision, ReturnError, ReturnLine, ReturnStatus};
pub use rma::RmaNumber;
pub use time::Timestamp;
