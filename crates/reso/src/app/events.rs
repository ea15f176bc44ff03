//! Recording an event, and everything that follows from it in the same
//! transaction: the buyer's e-mail, the merchant's notifications, webhooks.

use super::AppResult;
use crate::store::{self, events::NewEvent, jobs::QueuedJob, merchants::Merchant};
use serde_json::{json, Value};
use sqlx::AnyConnection;

/// Events the buyer is told about by e-mail.
pub const BUYER_MAILS: &[&str] = &[
    "return.requested",
    "return.photos_requested",
    "return.authorized",
    "return.rejected",
    "return.received",
    "refund.succeeded",
    "buyer.link_requested",
    "protection.reminder",
    "claim.opened",
    "claim.answered",
    "claim.escalated",
    "claim.decided",
    "claim.closed",
    "message.posted",
];

/// Event kinds merchants can subscribe their addresses to.
pub const STAFF_NOTIFICATIONS: &[&str] = &[
    "return.requested",
    "return.in_transit",
    "refund.failed",
    "refund.reversed",
    "refund.imported",
    "claim.opened",
    "claim.escalated",
    "claim.documents_requested",
    "claim.decided",
    "claim.closed",
    "claim.dispute_opened",
    "claim.dispute_answer_refused",
    "claim.dispute_unanswered",
    "claim.dispute_decided",
    "message.posted",
    "quality.alert_raised",
];

/// Events that wait for the shop to act, against a deadline: mailed to the
/// shop's support address when no address is subscribed, so none goes unnoticed.
pub const STAFF_MUST_KNOW: &[&str] = &[
    "claim.opened",
    "claim.documents_requested",
    // A payment provider's deadline runs: without an answer the buyer wins.
    "claim.dispute_opened",
    "claim.dispute_answer_refused",
    // Money the shop thought paid back is owed to the buyer again.
    "refund.reversed",
    // A product keeps coming back broken: the next batch should not ship as is.
    "quality.alert_raised",
];

/// The merchant addresses to notify of an event.
pub fn staff_recipients<'m>(merchant: &'m Merchant, kind: &str) -> Vec<&'m str> {
    let subscribed = merchant.notifications.recipients(kind);
    if subscribed.is_empty() && STAFF_MUST_KNOW.contains(&kind) {
        let support = merchant.support.email.trim();
        return if support.is_empty() {
            Vec::new()
        } else {
            vec![support]
        };
    }
    subscribed.iter().map(String::as_str).collect()
}

pub struct EventInput<'a> {
    pub order_id: Option<i64>,
    pub return_id: Option<i64>,
    pub kind: &'a str,
    pub actor: &'a str,
    pub data: Value,
    /// The buyer to mail, with their locale, when the kind is a buyer mail.
    pub buyer: Option<(&'a str, &'a str)>,
}

/// Records an event and the jobs it causes; returns the event's id.
pub async fn record(
    conn: &mut AnyConnection,
    merchant: &Merchant,
    e: EventInput<'_>,
    now: i64,
) -> AppResult<i64> {
    let ids = record_many(conn, vec![(merchant, e)], now).await?;
    Ok(ids[0])
}

/// Records many events (each with its merchant) and the jobs they cause, in
/// a few statements; returns the events' ids in the order given.
pub async fn record_many(
    conn: &mut AnyConnection,
    events: Vec<(&Merchant, EventInput<'_>)>,
    now: i64,
) -> AppResult<Vec<i64>> {
    let rows: Vec<NewEvent> = events
        .iter()
        .map(|(merchant, e)| NewEvent {
            merchant_id: merchant.id,
            order_id: e.order_id,
            return_id: e.return_id,
            kind: e.kind,
            actor: e.actor,
            data: &e.data,
        })
        .collect();
    let ids = store::events::append_many(conn, &rows, now).await?;
    let mut jobs = Vec::new();
    for ((merchant, e), event_id) in events.iter().zip(&ids) {
        jobs.extend(consequences(merchant, e, *event_id, now));
    }
    store::jobs::enqueue_fanned_out(conn, &jobs, now, now).await?;
    Ok(ids)
}

/// The jobs an event causes, in order: the buyer's mail, the staff
/// notifications, one delivery per active webhook endpoint (looked up as the
/// jobs are written).
fn consequences(
    merchant: &Merchant,
    e: &EventInput<'_>,
    event_id: i64,
    now: i64,
) -> Vec<QueuedJob> {
    let mut jobs = Vec::new();
    if let Some((email, locale)) = e.buyer {
        if BUYER_MAILS.contains(&e.kind) {
            let payload = json!({
                "template": e.kind, "to": email, "locale": locale, "merchant_id": merchant.id,
                "event_id": event_id, "data": e.data, "order_id": e.order_id, "return_id": e.return_id,
            });
            jobs.push(QueuedJob {
                kind: "mail",
                payload,
                per_endpoint_of: None,
            });
        }
    }
    for to in staff_recipients(merchant, e.kind) {
        let payload = json!({
            "template": "staff.notification", "to": to, "locale": merchant.default_locale,
            "merchant_id": merchant.id, "event_id": event_id, "kind": e.kind, "data": e.data,
            "order_id": e.order_id, "return_id": e.return_id,
        });
        jobs.push(QueuedJob {
            kind: "mail",
            payload,
            per_endpoint_of: None,
        });
    }
    let payload = json!({
        "event_id": event_id, "type": e.kind, "timestamp": now,
        "data": e.data, "merchant_id": merchant.id, "order_id": e.order_id, "return_id": e.return_id,
    });
    jobs.push(QueuedJob {
        kind: "webhook",
        payload,
        per_endpoint_of: Some(merchant.id),
    });
    jobs
}
