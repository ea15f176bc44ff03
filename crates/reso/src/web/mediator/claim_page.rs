//! A claim's whole file for the mediator: both sides' statements and
//! documents, the order as evidence (payments, shipments, returns, refunds),
//! the claim's timeline, the conversation with both sides, and the forms a
//! mediator acts with.

use super::claim_actions::{DecideForm, RequestForm};
use super::db_error;
use super::session::{Mediator, Nav};
use super::timeline::{self, EventView};
use crate::app::AppError;
use crate::store::claims::ClaimRecord;
use crate::store::merchants::Merchant;
use crate::store::messages::{MessageRecord, Subject};
use crate::web::admin::money::format_major;
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render_status, PageError, PageResult};
use crate::{store, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use reso_domain::claim::{ClaimStatus, Outcome};
use reso_domain::{Money, Order};
use serde::Deserialize;
use serde_json::Value;

pub struct PaymentView {
    pub method: &'static str,
    pub gateway: String,
    pub reference: String,
    pub captured: String,
    pub refunded: String,
    pub refundable: String,
}

pub struct ShipmentView {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
}

pub struct ReturnView {
    pub id: i64,
    pub rma: Option<String>,
    pub status: &'static str,
    pub created_at: String,
    pub comment: String,
    pub rejection_reason: Option<String>,
}

pub struct RefundView {
    pub credit_note: String,
    pub amount: String,
    pub method: String,
    pub status: String,
    pub reason: String,
    pub created_at: String,
    pub created_by: String,
}

pub struct DocumentView {
    pub id: i64,
    pub uploaded_by: String,
    pub filename: String,
    pub content_type: String,
    pub size_kb: i64,
    pub at: String,
}

pub struct AttachmentView {
    pub href: String,
    pub filename: String,
    pub size_kb: i64,
}

pub struct MessageView {
    /// `buyer`, `merchant` or `mediator`.
    pub author_role: String,
    pub author: String,
    pub body: String,
    pub at: String,
    /// A buyer message the merchant has not answered or read yet.
    pub waiting: bool,
    pub attachments: Vec<AttachmentView>,
}

impl MessageView {
    fn of(m: &MessageRecord, base: &str) -> MessageView {
        MessageView {
            author_role: m.author_role.clone(),
            author: m.author.clone(),
            body: m.body.clone(),
            at: datetime_of(m.created_at),
            waiting: m.author_role == "buyer" && m.handled_at.is_none(),
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    href: format!("{base}/attachments/{}", a.id),
                    filename: a.filename.clone(),
                    size_kb: (a.size + 1023) / 1024,
                })
                .collect(),
        }
    }
}

pub struct AnswerView {
    pub decision: String,
    pub amount: Option<String>,
    pub message: String,
    pub at: String,
    pub return_id: Option<i64>,
}

pub struct ReactionView {
    pub reaction: String,
    pub message: Option<String>,
    pub at: String,
}

pub struct OutcomeView {
    /// What ended the claim, in words.
    pub summary: String,
    pub message: Option<String>,
    pub at: Option<String>,
}

/// Which form an error belongs to, so it shows next to it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Request,
    Decide,
    Insolvent,
    Message,
}

#[derive(Template)]
#[template(path = "mediator/claim.html")]
pub struct ClaimPage {
    lang: &'static str,
    nav: Nav,
    id: i64,
    kind: &'static str,
    status: &'static str,
    escalation: &'static str,
    opened_at: String,
    documents_due: Option<String>,
    buyer_email: String,
    buyer_name: String,
    buyer_text: String,
    order_value: String,
    merchant: Merchant,
    insolvent_since: Option<String>,
    order: Order,
    placed_at: String,
    captured_total: String,
    refunded_total: String,
    refundable_total: String,
    payments: Vec<PaymentView>,
    shipments: Vec<ShipmentView>,
    returns: Vec<ReturnView>,
    refunds: Vec<RefundView>,
    documents: Vec<DocumentView>,
    answer: Option<AnswerView>,
    reaction: Option<ReactionView>,
    outcome: Option<OutcomeView>,
    events: Vec<EventView>,
    /// The claim's thread between the buyer, the merchant and the mediators.
    messages: Vec<MessageView>,
    /// The message being written (kept after an error).
    message_body: String,
    can_request: bool,
    can_decide: bool,
    example_amount: String,
    request: RequestForm,
    decide: DecideForm,
    error: Option<(Which, String)>,
    /// After "mark insolvent": how many open claims went to the mediators.
    escalated_now: Option<usize>,
}

impl ClaimPage {
    fn error_for(&self, which: Which) -> Option<&str> {
        match &self.error {
            Some((w, message)) if *w == which => Some(message),
            _ => None,
        }
    }

    fn request_error(&self) -> Option<&str> {
        self.error_for(Which::Request)
    }

    fn decide_error(&self) -> Option<&str> {
        self.error_for(Which::Decide)
    }

    fn insolvent_error(&self) -> Option<&str> {
        self.error_for(Which::Insolvent)
    }

    fn message_error(&self) -> Option<&str> {
        self.error_for(Which::Message)
    }

    /// Keeps the text of a refused message in the form.
    pub fn keep_message(&mut self, body: String) {
        self.message_body = body;
    }
}

/// Claim `id`'s thread in the console: messages are posted here, attachments lie below it.
pub fn messages_path(id: i64) -> String {
    format!("/mediator/claims/{id}/messages")
}

fn money(minor: i64, c: &ClaimRecord) -> String {
    Money::new(minor, c.claim.order_value.currency).to_string()
}

/// The buyer's last reaction message, which only the claim's events keep.
fn reaction_message(events: &[store::events::EventRecord]) -> Option<String> {
    events
        .iter()
        .rev()
        .find(|e| e.data.get("reaction").is_some())
        .and_then(|e| e.data.get("message").and_then(Value::as_str))
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
}

fn outcome_view(c: &ClaimRecord) -> Option<OutcomeView> {
    let summary = match c.claim.outcome? {
        Outcome::RefundReceived => "The buyer confirmed receiving the refund.".to_string(),
        Outcome::Concluded => "The buyer accepted the answer.".to_string(),
        Outcome::ClosedAsAnswered => {
            "The buyer did not react in time: closed as the merchant answered.".to_string()
        }
        Outcome::Decided {
            amount_minor: 0, ..
        } => "A mediator decided: no refund.".to_string(),
        Outcome::Decided {
            amount_minor,
            from_guarantee,
        } => format!(
            "A mediator decided: a refund of {}, paid by {}.",
            money(amount_minor, c),
            if from_guarantee {
                "the guarantee"
            } else {
                "the merchant"
            }
        ),
        Outcome::DisputeWon => {
            "The payment provider decided the dispute for the merchant.".to_string()
        }
        Outcome::DisputeLost => {
            "The payment provider decided the dispute for the buyer.".to_string()
        }
    };
    Some(OutcomeView {
        summary,
        message: c.decision_message.clone(),
        at: c.decided_at.map(datetime_of),
    })
}

/// Builds the page of claim `id` with the forms as given (empty, or as typed
/// before an error).
pub async fn build(
    state: &AppState,
    mediator: &Mediator,
    id: i64,
    request: RequestForm,
    decide: DecideForm,
    error: Option<(Which, String)>,
) -> Result<ClaimPage, PageError> {
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let c = match store::claims::load_any(&mut conn, id).await {
        Ok(c) => c,
        Err(store::StoreError::NotFound) => return Err(AppError::NotFound("claim").into()),
        Err(e) => return Err(db_error(e)),
    };
    let merchant = store::merchants::by_id(&mut conn, c.merchant_id)
        .await
        .map_err(db_error)?;
    let order = store::orders::load(&mut conn, c.merchant_id, c.order_id)
        .await
        .map_err(db_error)?;
    let mut returns = Vec::new();
    for rid in store::returns::ids_for_order(&mut conn, c.order_id)
        .await
        .map_err(db_error)?
    {
        let r = store::returns::load(&mut conn, c.merchant_id, rid)
            .await
            .map_err(db_error)?;
        returns.push(ReturnView {
            id: r.id,
            rma: r.rma,
            status: r.status.code(),
            created_at: datetime_of(r.created_at),
            comment: r.comment,
            rejection_reason: r.rejection_reason,
        });
    }
    let refunds = store::refunds::for_order(&mut conn, c.order_id)
        .await
        .map_err(db_error)?;
    let documents = store::claims::documents(&mut conn, c.id)
        .await
        .map_err(db_error)?;
    let events: Vec<_> = store::events::for_order(&mut conn, c.order_id)
        .await
        .map_err(db_error)?
        .into_iter()
        .filter(|e| timeline::of_claim(e, c.id))
        .collect();
    let thread = store::messages::thread(&mut conn, c.merchant_id, Subject::Claim(c.id))
        .await
        .map_err(db_error)?;
    drop(conn);
    let thread_base = messages_path(c.id);

    let currency = order.currency;
    let refundable_minor: i64 = order.payments.iter().map(|p| p.refundable().minor).sum();
    let answer = c.answer_decision.as_deref().map(|code| AnswerView {
        decision: timeline::decision_label(code).to_string(),
        amount: c
            .answer_amount_minor
            .filter(|_| code != "no")
            .map(|m| money(m, &c)),
        message: c.answer_message.clone().unwrap_or_default(),
        at: c.answered_at.map(datetime_of).unwrap_or_default(),
        return_id: c.return_id,
    });
    let reaction = c.reaction.as_deref().map(|code| ReactionView {
        reaction: timeline::reaction_label(code).to_string(),
        message: reaction_message(&events),
        at: c.reacted_at.map(datetime_of).unwrap_or_default(),
    });
    let status = c.claim.status;
    Ok(ClaimPage {
        lang: "en",
        nav: mediator.nav(),
        id: c.id,
        kind: c.claim.kind.code(),
        status: status.code(),
        escalation: c.claim.escalation.map_or("", |e| e.code()),
        opened_at: datetime_of(c.created_at),
        documents_due: (status == ClaimStatus::AwaitingDocuments)
            .then_some(c.claim.due_at)
            .flatten()
            .map(|t| datetime_of(t.millis())),
        buyer_email: c.buyer_email.clone(),
        buyer_name: order.buyer_name.clone(),
        buyer_text: c.buyer_text.clone(),
        order_value: c.claim.order_value.to_string(),
        insolvent_since: merchant.insolvent_at.map(datetime_of),
        merchant,
        placed_at: datetime_of(order.placed_at.millis()),
        captured_total: order.captured_total().to_string(),
        refunded_total: order.refunded_total().to_string(),
        refundable_total: Money::new(refundable_minor, currency).to_string(),
        payments: order
            .payments
            .iter()
            .map(|p| PaymentView {
                method: p.method.code(),
                gateway: p.gateway.clone(),
                reference: p.reference.clone(),
                captured: p.captured.to_string(),
                refunded: p.refunded.to_string(),
                refundable: p.refundable().to_string(),
            })
            .collect(),
        shipments: order
            .shipments
            .iter()
            .map(|s| ShipmentView {
                carrier: s.carrier.clone(),
                tracking_number: s.tracking_number.clone(),
                shipped_at: s.shipped_at.map(|t| datetime_of(t.millis())),
                delivered_at: s.delivered_at.map(|t| datetime_of(t.millis())),
            })
            .collect(),
        returns,
        refunds: refunds
            .iter()
            .map(|r| RefundView {
                credit_note: r.credit_note.clone(),
                amount: match reso_domain::Currency::parse(&r.currency) {
                    Ok(cur) => Money::new(r.amount_minor, cur).to_string(),
                    Err(_) => format!("{} {}", r.amount_minor, r.currency),
                },
                method: r.method.clone(),
                status: r.status.clone(),
                reason: r.reason.clone(),
                created_at: datetime_of(r.created_at),
                created_by: r.created_by.clone(),
            })
            .collect(),
        documents: documents
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                uploaded_by: d.uploaded_by,
                filename: d.filename,
                content_type: d.content_type,
                size_kb: (d.size + 1023) / 1024,
                at: datetime_of(d.created_at),
            })
            .collect(),
        answer,
        reaction,
        outcome: outcome_view(&c),
        events: events.iter().map(EventView::from_record).collect(),
        messages: thread
            .iter()
            .map(|m| MessageView::of(m, &thread_base))
            .collect(),
        message_body: String::new(),
        can_request: status == ClaimStatus::Escalated,
        can_decide: matches!(
            status,
            ClaimStatus::Escalated | ClaimStatus::AwaitingDocuments
        ),
        example_amount: format_major(1250, currency),
        request,
        decide,
        error,
        escalated_now: None,
        order,
    })
}

#[derive(Deserialize)]
pub struct ShowQuery {
    /// Set by the "mark insolvent" redirect.
    escalated: Option<usize>,
}

pub async fn show(
    State(state): State<AppState>,
    mediator: Mediator,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let mut page = build(
        &state,
        &mediator,
        id,
        RequestForm::default(),
        DecideForm::default(),
        None,
    )
    .await?;
    page.escalated_now = q.escalated;
    Ok(render_status(StatusCode::OK, &page))
}

/// Only checked types are served with their own type; as an attachment with
/// `nosniff`, a document never renders inside the console.
pub fn served_type(stored: &str) -> &str {
    match stored {
        "application/pdf" | "image/jpeg" | "image/png" | "image/gif" | "image/webp" => stored,
        _ => "application/octet-stream",
    }
}

/// `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266).
pub fn disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn document(
    State(state): State<AppState>,
    _mediator: Mediator,
    Path((id, doc_id)): Path<(i64, i64)>,
) -> PageResult {
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let (filename, content_type, body) = match store::claims::document(&mut conn, id, doc_id).await
    {
        Ok(found) => found,
        Err(store::StoreError::NotFound) => return Err(AppError::NotFound("document").into()),
        Err(e) => return Err(db_error(e)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, served_type(&content_type).to_string()),
            (header::CONTENT_DISPOSITION, disposition(&filename)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// Shows the page again after a failed action: the message beside the form,
/// what was typed kept, and the error's 4xx status.
pub async fn again(
    state: &AppState,
    mediator: &Mediator,
    id: i64,
    request: RequestForm,
    decide: DecideForm,
    which: Which,
    err: AppError,
) -> Response {
    let shown = PageError::from(err);
    if shown.status == StatusCode::NOT_FOUND || shown.status.is_server_error() {
        return shown.into_response();
    }
    match build(
        state,
        mediator,
        id,
        request,
        decide,
        Some((which, shown.message.clone())),
    )
    .await
    {
        Ok(page) => render_status(shown.status, &page),
        Err(e) => e.into_response(),
    }
}
