//! The claim's own timeline: the order's `claim.*` events of this claim,
//! with the facts a mediator weighs (amounts, decisions, reactions, messages).

use crate::store::events::EventRecord;
use crate::web::shared::filters::datetime_of;
use reso_domain::{Currency, Money};
use serde_json::Value;

pub struct EventView {
    pub at: String,
    /// The event kind ("claim.answered"); the template names it.
    pub kind: String,
    pub actor: String,
    pub details: Vec<(&'static str, String)>,
}

/// Whether an order event belongs to this claim's file.
pub fn of_claim(e: &EventRecord, claim_id: i64) -> bool {
    e.kind.starts_with("claim.") && e.data.get("claim_id").and_then(Value::as_i64) == Some(claim_id)
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

pub fn decision_label(code: &str) -> &'static str {
    match code {
        "yes" => "Refund",
        "yes_after_return" => "Refund after the goods are returned",
        "no" => "No refund",
        _ => "Other",
    }
}

pub fn reaction_label(code: &str) -> &'static str {
    match code {
        "received" => "Received the refund",
        "not_received" => "Did not receive the refund",
        "disagree" => "Disagrees",
        "conclude" => "Accepted, concluded",
        _ => "Other",
    }
}

pub fn escalation_label(code: &str) -> &'static str {
    match code {
        "other_problem" => "Another problem: straight to the mediators",
        "merchant_silent" => "The merchant did not answer in time",
        "buyer_not_received" => "The buyer did not receive the refund",
        "buyer_disagrees" => "The buyer disagrees with the answer",
        "merchant_insolvent" => "The merchant is insolvent",
        _ => "Other",
    }
}

impl EventView {
    pub fn from_record(e: &EventRecord) -> EventView {
        let d = &e.data;
        let mut details = Vec::new();
        if let Some(a) = amount(d) {
            details.push(("amount", a));
        }
        if let Some(code) = d.get("decision").and_then(Value::as_str) {
            details.push(("decision", decision_label(code).to_string()));
        }
        if let Some(g) = d.get("from_guarantee").and_then(Value::as_bool) {
            let by = if g { "the guarantee" } else { "the merchant" };
            details.push(("paid_by", by.to_string()));
        }
        if let Some(code) = d.get("reaction").and_then(Value::as_str) {
            details.push(("reaction", reaction_label(code).to_string()));
        }
        if let Some(code) = d.get("escalation").and_then(Value::as_str) {
            details.push(("escalation", escalation_label(code).to_string()));
        }
        if e.kind == "claim.documents_requested" {
            if let Some(due) = d.get("due_at").and_then(Value::as_i64) {
                details.push(("due", datetime_of(due)));
            }
        }
        if let Some(n) = d
            .get("documents")
            .and_then(Value::as_i64)
            .filter(|n| *n > 0)
        {
            details.push(("documents", n.to_string()));
        }
        if let Some(v) = text(d, "message") {
            details.push(("message", v));
        }
        if let Some(why) = text(d, "why") {
            // Deadline escalations name the deadline kind; say what it means.
            let why = match why.as_str() {
                "claim_answer" => "the merchant's time to answer ran out".to_string(),
                "claim_documents" => "the merchant's time to send documents ran out".to_string(),
                "claim_reaction" => "the buyer's time to react ran out".to_string(),
                _ => why,
            };
            details.push(("why", why));
        }
        EventView {
            at: datetime_of(e.at),
            kind: e.kind.clone(),
            actor: e.actor.clone(),
            details,
        }
    }
}
