//! Buyer-protection claims in the control center: the merchant's open claims
//! with the time left to answer, a claim's whole file (order, shipments,
//! returns, documents, timeline), and its documents as downloads. The answer
//! and document forms are in `claim_actions.rs`.

use super::claim_actions::{AnswerInput, DisputeInput, DocumentsInput, Typed};
use super::money::format_major;
use super::session::Staff;
use super::timeline::EventView;
use super::{db_error, Nav};
use crate::app::{self, AppError};
use crate::store::claims::{ClaimRecord, DocumentInfo};
use crate::store::disputes::StoredDispute;
use crate::web::shared::filters::{self, datetime_of};
use crate::web::shared::{render_status, PageError, PageResult};
use crate::{store, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use reso_domain::claim::{ClaimStatus, Outcome};
use reso_domain::dispute::{DisputeStage, DisputeState, MerchantResponse};
use reso_domain::Money;
use serde::Deserialize;

/// More than a shop works through at once; the oldest deadlines come first.
const LIST_LIMIT: i64 = 500;

pub struct ClaimRow {
    pub id: i64,
    pub order_number: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub opened: String,
    pub due: Option<String>,
    pub time_left: Option<String>,
    pub overdue: bool,
    pub amount: String,
}

/// "2 days 4 hours left", "5 hours left", "overdue by 1 day".
pub fn time_left(due_ms: i64, now_ms: i64) -> (String, bool) {
    let overdue = due_ms <= now_ms;
    let minutes = (due_ms - now_ms).abs() / 60_000;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let plural = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let span = match (days, hours) {
        (0, 0) => plural(mins, "minute"),
        (0, h) => plural(h, "hour"),
        (d, 0) => plural(d, "day"),
        (d, h) => format!("{} {}", plural(d, "day"), plural(h, "hour")),
    };
    if overdue {
        (format!("overdue by {span}"), true)
    } else {
        (format!("{span} left"), false)
    }
}

impl ClaimRow {
    fn of(c: &ClaimRecord, now: i64) -> ClaimRow {
        let left = c.claim.due_at.map(|d| time_left(d.millis(), now));
        ClaimRow {
            id: c.id,
            order_number: c.order_number.clone(),
            kind: c.claim.kind.code(),
            status: c.claim.status.code(),
            opened: datetime_of(c.created_at),
            due: c.claim.due_at.map(|d| datetime_of(d.millis())),
            overdue: left.as_ref().is_some_and(|l| l.1),
            time_left: left.map(|l| l.0),
            amount: c.claim.order_value.to_string(),
        }
    }
}

pub struct StatusTab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin/claims.html")]
struct ListPage {
    lang: &'static str,
    nav: Nav,
    tabs: Vec<StatusTab>,
    rows: Vec<ClaimRow>,
    /// The CSV form: the tab's status ("open" for the default tab) and a period.
    export_status: &'static str,
    export: super::exports::Period,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let status = match q.status.as_str() {
        "" => None,
        code => Some(ClaimStatus::parse(code).ok_or_else(|| {
            PageError::from(AppError::Invalid(format!("unknown claim status '{code}'")))
        })?),
    };
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let claims = store::claims::for_merchant(&mut conn, staff.merchant.id, status, LIST_LIMIT)
        .await
        .map_err(db_error)?;
    drop(conn);
    let now = state.now();
    let mut tabs = vec![StatusTab {
        href: "/admin/claims".into(),
        label: "Open",
        current: status.is_none(),
    }];
    tabs.extend(ClaimStatus::ALL.iter().map(|s| StatusTab {
        href: format!("/admin/claims?status={}", s.code()),
        label: status_label(*s),
        current: status == Some(*s),
    }));
    let page = ListPage {
        lang: "en",
        nav: staff.nav(),
        tabs,
        rows: claims.iter().map(|c| ClaimRow::of(c, now)).collect(),
        export_status: status.map_or("open", ClaimStatus::code),
        export: super::exports::Period::this_month(now),
    };
    Ok(render_status(StatusCode::OK, &page))
}

pub fn status_label(s: ClaimStatus) -> &'static str {
    match s {
        ClaimStatus::AwaitingMerchant => "Awaiting your answer",
        ClaimStatus::AwaitingBuyer => "Awaiting the buyer",
        ClaimStatus::Escalated => "With the mediators",
        ClaimStatus::AwaitingDocuments => "Documents requested",
        ClaimStatus::AwaitingProvider => "With the payment provider",
        ClaimStatus::Closed => "Closed",
    }
}

pub struct ShipmentView {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
}

pub struct ReturnView {
    pub id: i64,
    pub label: String,
    pub status: &'static str,
    pub created_at: String,
}

pub struct DocumentView {
    pub href: String,
    pub filename: String,
    pub uploaded_by: String,
    pub size: String,
    pub at: String,
}

impl DocumentView {
    fn of(claim_id: i64, d: &DocumentInfo) -> DocumentView {
        DocumentView {
            href: format!("/admin/claims/{claim_id}/documents/{}", d.id),
            filename: d.filename.clone(),
            uploaded_by: d.uploaded_by.clone(),
            size: if d.size >= 1024 * 1024 {
                format!("{:.1} MB", d.size as f64 / (1024.0 * 1024.0))
            } else {
                format!("{} KB", (d.size + 1023) / 1024)
            },
            at: datetime_of(d.created_at),
        }
    }
}

/// The merchant's answer as recorded.
pub struct AnswerView {
    pub decision: &'static str,
    pub amount: String,
    pub message: String,
    pub at: String,
    pub return_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/claim.html")]
pub struct ClaimPage {
    lang: &'static str,
    nav: Nav,
    c: ClaimRecord,
    kind: &'static str,
    status: &'static str,
    order_placed: String,
    order_value: String,
    due: Option<String>,
    time_left: Option<String>,
    overdue: bool,
    escalation: Option<&'static str>,
    outcome: Option<String>,
    answer: Option<AnswerView>,
    documents: Vec<DocumentView>,
    shipments: Vec<ShipmentView>,
    returns: Vec<ReturnView>,
    events: Vec<EventView>,
    can_answer: bool,
    can_send_documents: bool,
    currency: String,
    form: AnswerInput,
    docs_form: DocumentsInput,
    /// For a chargeback or provider claim: the dispute and its answer form.
    dispute: Option<DisputeView>,
    can_answer_dispute: bool,
    dispute_form: DisputeInput,
    error: Option<String>,
}

/// A dispute at the payment provider, as the claim page shows it.
pub struct DisputeView {
    pub provider: &'static str,
    pub dispute_id: String,
    pub stage: &'static str,
    pub state: &'static str,
    pub reason_code: String,
    pub amount: String,
    pub response: Option<&'static str>,
    pub statement: Option<String>,
}

impl DisputeView {
    fn of(stored: &StoredDispute) -> DisputeView {
        let d = &stored.dispute;
        DisputeView {
            provider: match stored.provider.as_str() {
                "stripe" => "Stripe",
                "paypal" => "PayPal",
                "adyen" => "Adyen",
                "klarna" => "Klarna",
                _ => "the payment provider",
            },
            dispute_id: stored.dispute_id.clone(),
            stage: match d.stage {
                DisputeStage::Inquiry => "Inquiry (no money moved yet)",
                DisputeStage::Chargeback => "Chargeback",
                DisputeStage::SecondChargeback => "Second chargeback",
                DisputeStage::PreArbitration => "Pre-arbitration",
                DisputeStage::Arbitration => "Arbitration",
            },
            state: match d.state {
                DisputeState::NeedsResponse => "Waiting for your answer",
                DisputeState::UnderReview => "Under review by the provider",
                DisputeState::Won => "Won",
                DisputeState::Lost => "Lost",
            },
            reason_code: d.reason_code.clone(),
            amount: d.amount.to_string(),
            response: d.response.map(|r| match r {
                MerchantResponse::Accepted => "You accepted the dispute",
                MerchantResponse::Evidence => "You sent evidence",
            }),
            statement: stored.statement.clone().filter(|s| !s.is_empty()),
        }
    }
}

fn outcome_text(c: &ClaimRecord) -> Option<String> {
    let money = |m: i64| Money::new(m, c.claim.order_value.currency).to_string();
    Some(match c.claim.outcome? {
        Outcome::RefundReceived => "The buyer confirmed receiving the refund.".into(),
        Outcome::Concluded => "The buyer accepted your answer.".into(),
        Outcome::ClosedAsAnswered => "The buyer did not react in time: closed as answered.".into(),
        Outcome::Decided {
            amount_minor: 0, ..
        } => "The mediators decided: no refund.".into(),
        Outcome::Decided {
            amount_minor,
            from_guarantee: true,
        } => format!(
            "The mediators decided: {} refunded from the guarantee.",
            money(amount_minor)
        ),
        Outcome::Decided { amount_minor, .. } => {
            format!("The mediators decided: you refund {}.", money(amount_minor))
        }
        Outcome::DisputeWon => "The payment provider decided the dispute for you.".into(),
        Outcome::DisputeLost => {
            "The payment provider decided the dispute for the buyer: the buyer keeps the money."
                .into()
        }
    })
}

/// The claim page; `typed` holds what was typed after a mistake.
pub async fn build(
    state: &AppState,
    staff: &Staff,
    claim_id: i64,
    typed: Typed,
    error: Option<String>,
) -> Result<ClaimPage, PageError> {
    let Typed {
        answer: form,
        documents: docs_form,
        dispute: dispute_form,
    } = typed;
    let merchant_id = staff.merchant.id;
    let c = app::claims::load(state, merchant_id, claim_id).await?;
    let order = app::orders::by_id(state, merchant_id, c.order_id).await?;
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let mut returns = Vec::new();
    for id in store::returns::ids_for_order(&mut conn, order.id)
        .await
        .map_err(db_error)?
    {
        let r = store::returns::load(&mut conn, merchant_id, id)
            .await
            .map_err(db_error)?;
        returns.push(ReturnView {
            id: r.id,
            label: r.rma.clone().unwrap_or_else(|| format!("Return #{}", r.id)),
            status: r.status.code(),
            created_at: datetime_of(r.created_at),
        });
    }
    let documents = store::claims::documents(&mut conn, c.id)
        .await
        .map_err(db_error)?;
    let events = store::events::for_order(&mut conn, order.id)
        .await
        .map_err(db_error)?;
    let dispute = match c.claim.kind.is_dispute() {
        true => store::disputes::of_claim(&mut conn, merchant_id, c.id)
            .await
            .map_err(db_error)?,
        false => None,
    };
    drop(conn);
    let currency = c.claim.order_value.currency;
    let now = state.now();
    let left = c.claim.due_at.map(|d| time_left(d.millis(), now));
    let overdue = left.as_ref().is_some_and(|l| l.1);
    let answer = c.answer_decision.as_deref().map(|d| AnswerView {
        decision: match d {
            "yes" => "Yes, refund",
            "yes_after_return" => "Yes, after the goods are returned",
            "no" => "No refund",
            _ => "Unknown",
        },
        amount: Money::new(c.answer_amount_minor.unwrap_or(0), currency).to_string(),
        message: c.answer_message.clone().unwrap_or_default(),
        at: c.answered_at.map(datetime_of).unwrap_or_default(),
        return_id: c.return_id,
    });
    let form = form.unwrap_or_else(|| AnswerInput {
        amount: format_major(c.claim.order_value.minor, currency),
        ..AnswerInput::default()
    });
    Ok(ClaimPage {
        lang: "en",
        nav: staff.nav(),
        kind: c.claim.kind.code(),
        status: c.claim.status.code(),
        order_placed: datetime_of(order.placed_at.millis()),
        order_value: c.claim.order_value.to_string(),
        due: c.claim.due_at.map(|d| datetime_of(d.millis())),
        overdue,
        time_left: left.map(|l| l.0),
        escalation: c.claim.escalation.map(|e| e.code()),
        outcome: outcome_text(&c),
        answer,
        documents: documents
            .iter()
            .map(|d| DocumentView::of(c.id, d))
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
        events: events
            .iter()
            .filter(|e| e.kind.starts_with("claim."))
            .map(EventView::from_record)
            .collect(),
        can_answer: c.claim.status == ClaimStatus::AwaitingMerchant
            && !overdue
            && !c.claim.kind.is_dispute(),
        can_answer_dispute: dispute.as_ref().is_some_and(|d| {
            d.dispute.state == DisputeState::NeedsResponse
                && d.dispute.response.is_none()
                && d.dispute.time_left_ms(reso_domain::Timestamp(now)) != Some(0)
        }),
        dispute: dispute.as_ref().map(DisputeView::of),
        dispute_form,
        can_send_documents: c.claim.status == ClaimStatus::AwaitingDocuments,
        currency: currency.to_string(),
        form,
        docs_form,
        error,
        c,
    })
}

pub async fn show(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> PageResult {
    let page = build(&state, &staff, id, Typed::default(), None).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// A claim's document as a download, only for the claim's merchant.
pub async fn document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, doc_id)): Path<(i64, i64)>,
) -> PageResult {
    // The claim lookup is scoped to the staff's merchant: another shop's claim is a 404.
    let c = app::claims::load(&state, staff.merchant.id, id).await?;
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let (filename, content_type, body) =
        match store::claims::document(&mut conn, c.id, doc_id).await {
            Ok(found) => found,
            Err(store::StoreError::NotFound) => return Err(AppError::NotFound("document").into()),
            Err(e) => return Err(db_error(e)),
        };
    // Stored types were checked by content; anything else is never interpreted.
    let content_type = match content_type.as_str() {
        "application/pdf" | "image/jpeg" | "image/png" | "image/webp" | "image/gif"
        | "image/heic" => content_type,
        _ => "application/octet-stream".to_string(),
    };
    let ascii: String = filename
        .chars()
        .map(|ch| {
            if ch.is_ascii_graphic() || ch == ' ' {
                ch
            } else {
                '_'
            }
        })
        .filter(|ch| !matches!(ch, '"' | '\\' | ';'))
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent(&filename)
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// RFC 5987 encoding of a file name (unreserved characters stay).
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `/admin/claims…`: the list, a claim, its documents and the merchant's steps.
pub fn router() -> axum::Router<AppState> {
    use super::claim_actions;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    let upload = DefaultBodyLimit::max(crate::web::buyer::documents::BODY_LIMIT);
    axum::Router::new()
        .route("/admin/claims", get(list))
        .route("/admin/claims/{id}", get(show))
        .route("/admin/claims/{id}/documents/{doc_id}", get(document))
        .route(
            "/admin/claims/{id}/answer",
            post(claim_actions::answer).layer(upload),
        )
        .route(
            "/admin/claims/{id}/documents",
            post(claim_actions::send_documents).layer(upload),
        )
        .route(
            "/admin/claims/{id}/dispute-answer",
            post(claim_actions::answer_dispute),
        )
}

/// Claims waiting for the merchant's answer, for the navigation of every staff page.
pub async fn waiting_count(state: &AppState, merchant_id: i64) -> Result<i64, PageError> {
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    store::claims::count_awaiting_merchant(&mut conn, merchant_id)
        .await
        .map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::time_left;

    #[test]
    fn time_left_reads_plainly() {
        let h = 3_600_000;
        assert_eq!(time_left(50 * h, 0), ("2 days 2 hours left".into(), false));
        assert_eq!(time_left(5 * h, 0), ("5 hours left".into(), false));
        assert_eq!(time_left(0, 24 * h), ("overdue by 1 day".into(), true));
        assert_eq!(time_left(60_000, 0), ("1 minute left".into(), false));
    }
}
