//! Rows shared by the return and order pages: timeline events and refunds.

use crate::store::events::EventRecord;
use crate::store::refunds::RefundRecord;
use crate::web::shared::filters::datetime_of;
use reso_domain::{Currency, Money};
use serde_json::Value;

pub struct EventView {
    pub at: String,
    /// The event kind ("return.authorized"); the template names it.
    pub kind: String,
    pub actor: String,
    /// The facts worth a glance (tracking number, amount, reason), as data.
    pub details: Vec<(&'static str, String)>,
}

fn text(data: &Value, key: &str) -> Option<String> {
    match data.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn amount(data: &Value) -> Option<String> {
    let minor = data.get("amount_minor")?.as_i64()?;
    let currency = Currency::parse(data.get("currency")?.as_str()?).ok()?;
    Some(Money::new(minor, currency).to_string())
}

impl EventView {
    pub fn from_record(e: &EventRecord) -> EventView {
        let mut details = Vec::new();
        if let Some(a) = amount(&e.data) {
            details.push(("amount", a));
        }
        for key in [
            "rma",
            "rule",
            "reason",
            "message",
            "carrier",
            "tracking_number",
            "method",
            "credit_note",
            "failure",
            "why",
        ] {
            if let Some(v) = text(&e.data, key) {
                details.push((key, v));
            }
        }
        if let Some(changes) = e.data.get("changes").and_then(Value::as_array) {
            let list: Vec<&str> = changes.iter().filter_map(Value::as_str).collect();
            if !list.is_empty() {
                details.push(("changes", list.join(", ")));
            }
        }
        EventView {
            at: datetime_of(e.at),
            kind: e.kind.clone(),
            actor: e.actor.clone(),
            details,
        }
    }
}

pub struct RefundView {
    pub credit_note: String,
    pub amount: String,
    pub method: String,
    pub status: String,
    pub gateway: String,
    pub reason: String,
    pub failure: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub return_id: Option<i64>,
}

impl RefundView {
    pub fn from_record(r: &RefundRecord) -> RefundView {
        let amount = match Currency::parse(&r.currency) {
            Ok(c) => Money::new(r.amount_minor, c).to_string(),
            Err(_) => format!("{} {}", r.amount_minor, r.currency),
        };
        RefundView {
            credit_note: r.credit_note.clone(),
            amount,
            method: r.method.clone(),
            status: r.status.clone(),
            gateway: r.gateway.clone(),
            reason: r.reason.clone(),
            failure: r.failure.clone(),
            created_at: datetime_of(r.created_at),
            created_by: r.created_by.clone(),
            return_id: r.return_id,
        }
    }
}
