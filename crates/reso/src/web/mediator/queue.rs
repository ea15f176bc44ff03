//! The mediators' queue: escalated claims of every merchant (and those
//! waiting for the merchant's documents), the longest-waiting first.

use super::db_error;
use super::session::{Mediator, Nav};
use crate::store;
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use reso_domain::claim::ClaimStatus;
use std::collections::hash_map::{Entry, HashMap};

/// More than a team can work in a day; the oldest come first, so nothing starves.
const QUEUE_LIMIT: i64 = 500;
const HOUR: i64 = 3_600_000;

pub struct QueueRow {
    pub id: i64,
    pub merchant: String,
    pub insolvent: bool,
    pub order_number: String,
    pub kind: &'static str,
    pub escalation: &'static str,
    pub status: &'static str,
    pub waiting_since: String,
    pub waiting: String,
    /// For "awaiting documents": when the merchant's time runs out.
    pub documents_due: Option<String>,
}

#[derive(Template)]
#[template(path = "mediator/queue.html")]
struct QueuePage {
    lang: &'static str,
    nav: Nav,
    rows: Vec<QueueRow>,
    truncated: bool,
}

/// "3 d" or "5 h": how long the claim has waited for a mediator.
fn age(from: i64, now: i64) -> String {
    let hours = (now - from).max(0) / HOUR;
    if hours >= 24 {
        format!("{} d", hours / 24)
    } else {
        format!("{hours} h")
    }
}

pub async fn show(State(state): State<AppState>, mediator: Mediator) -> PageResult {
    let now = state.now();
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let claims = store::claims::escalated(&mut conn, QUEUE_LIMIT)
        .await
        .map_err(db_error)?;
    let mut merchants = HashMap::new();
    let mut rows = Vec::with_capacity(claims.len());
    for c in &claims {
        if let Entry::Vacant(slot) = merchants.entry(c.merchant_id) {
            let m = store::merchants::by_id(&mut conn, c.merchant_id)
                .await
                .map_err(db_error)?;
            slot.insert(m);
        }
        let m = &merchants[&c.merchant_id];
        rows.push(QueueRow {
            id: c.id,
            merchant: m.name.clone(),
            insolvent: m.insolvent_at.is_some(),
            order_number: c.order_number.clone(),
            kind: c.claim.kind.code(),
            escalation: c.claim.escalation.map_or("", |e| e.code()),
            status: c.claim.status.code(),
            waiting_since: datetime_of(c.updated_at),
            waiting: age(c.updated_at, now),
            documents_due: (c.claim.status == ClaimStatus::AwaitingDocuments)
                .then_some(c.claim.due_at)
                .flatten()
                .map(|t| datetime_of(t.millis())),
        });
    }
    let truncated = rows.len() as i64 >= QUEUE_LIMIT;
    Ok(render(&QueuePage {
        lang: "en",
        nav: mediator.nav(),
        rows,
        truncated,
    }))
}
