//! One return as staff see it: what was asked, what the matrix decided, the
//! photos, the parcel, the timeline, the refunds, and the actions the
//! return's state allows right now.

use super::money::format_major;
use super::session::Staff;
use super::timeline::{EventView, RefundView};
use super::{db_error, Nav};
use crate::app::{self, refunds::Method, AppError};
use crate::store::returns::ReturnRecord;
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render_status, PageError, PageResult};
use crate::{store, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use reso_domain::returns::{next_status, ReturnAction};
use reso_domain::{RefundMethod, ReturnStatus};

pub struct LineView {
    pub order_line_id: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: String,
    pub reason: &'static str,
    /// Accepted units and condition note, once inspected.
    pub accepted: Option<i64>,
    pub condition: String,
}

pub struct QuoteView {
    pub accepted_goods: String,
    pub restocking_fee: String,
    pub return_shipping: String,
    pub total: String,
    pub total_is_positive: bool,
}

/// Which actions the state allows (each shown as its own small form).
pub struct Actions {
    pub authorize: bool,
    pub reject: bool,
    pub request_photos: bool,
    pub tracking: bool,
    pub receive: bool,
    pub inspect: bool,
    pub refund: bool,
}

impl Actions {
    fn for_return(r: &ReturnRecord) -> Actions {
        let can = |a: ReturnAction| next_status(r.status, a).is_ok();
        Actions {
            authorize: can(ReturnAction::Authorize),
            reject: can(ReturnAction::Reject),
            request_photos: can(ReturnAction::RequestPhotos),
            tracking: can(ReturnAction::ShipBack),
            receive: can(ReturnAction::MarkReceived),
            inspect: can(ReturnAction::Inspect),
            // The use case refunds inspected returns, and those whose goods the buyer keeps.
            refund: can(ReturnAction::IssueRefund)
                && (r.status == ReturnStatus::Inspected || r.keep_goods),
        }
    }

    pub fn any(&self) -> bool {
        self.authorize
            || self.reject
            || self.request_photos
            || self.tracking
            || self.receive
            || self.inspect
            || self.refund
    }
}

#[derive(Template)]
#[template(path = "admin/return.html")]
pub struct ReturnPage {
    lang: &'static str,
    nav: Nav,
    r: ReturnRecord,
    status: &'static str,
    created_at: String,
    updated_at: String,
    lines: Vec<LineView>,
    total_requested: String,
    events: Vec<EventView>,
    refunds: Vec<RefundView>,
    quote: Option<QuoteView>,
    actions: Actions,
    /// The refund methods to choose from, with the return's own preselected.
    methods: Vec<(&'static str, bool)>,
    /// One-time token that makes the refund form idempotent.
    refund_token: String,
    error: Option<String>,
}

async fn build(
    state: &AppState,
    staff: &Staff,
    return_id: i64,
    error: Option<String>,
) -> Result<ReturnPage, PageError> {
    let r = app::returns::load(state, staff.merchant.id, return_id).await?;
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    // The return was loaded through the merchant: its events and refunds are this merchant's.
    let events = store::events::for_return(&mut conn, r.id)
        .await
        .map_err(db_error)?;
    let refunds = store::refunds::for_return(&mut conn, r.id)
        .await
        .map_err(db_error)?;
    drop(conn);
    let currency = r.currency;
    let lines: Vec<LineView> = r
        .lines
        .iter()
        .map(|l| LineView {
            order_line_id: l.order_line_id,
            sku: l.sku.clone(),
            title: l.title.clone(),
            quantity: l.quantity,
            unit_price: l.unit_price.to_string(),
            reason: l.reason.code(),
            accepted: l.inspection.as_ref().map(|d| d.accepted_quantity),
            condition: l
                .inspection
                .as_ref()
                .map(|d| d.condition.clone())
                .unwrap_or_default(),
        })
        .collect();
    let requested_minor = r
        .lines
        .iter()
        .map(|l| l.unit_price.minor.saturating_mul(l.quantity))
        .fold(0i64, i64::saturating_add);
    let actions = Actions::for_return(&r);
    let quote = if actions.refund {
        let q = app::returns::quote(&staff.merchant, &r)?;
        Some(QuoteView {
            accepted_goods: q.accepted_goods.to_string(),
            restocking_fee: q.restocking_fee.to_string(),
            return_shipping: q.return_shipping.to_string(),
            total: q.total.to_string(),
            total_is_positive: q.total.minor > 0,
        })
    } else {
        None
    };
    let default_method = match RefundMethod::parse(&r.refund_method) {
        Some(RefundMethod::StoreCredit) => Method::StoreCredit.code(),
        _ => Method::OriginalPayment.code(),
    };
    Ok(ReturnPage {
        lang: "en",
        nav: staff.nav(),
        status: r.status.code(),
        created_at: datetime_of(r.created_at),
        updated_at: datetime_of(r.updated_at),
        total_requested: format!("{} {}", format_major(requested_minor, currency), currency),
        lines,
        events: events.iter().map(EventView::from_record).collect(),
        refunds: refunds.iter().map(RefundView::from_record).collect(),
        quote,
        actions,
        methods: [Method::OriginalPayment, Method::StoreCredit, Method::Manual]
            .into_iter()
            .map(|m| (m.code(), m.code() == default_method))
            .collect(),
        refund_token: app::auth::random_token(18),
        error,
        r,
    })
}

pub async fn show(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> PageResult {
    let page = build(&state, &staff, id, None).await?;
    Ok(render_status(StatusCode::OK, &page))
}

/// The page again after a refused action, with why and the error's status.
pub async fn with_error(
    state: &AppState,
    staff: &Staff,
    return_id: i64,
    err: AppError,
) -> Response {
    let fallback = PageError::from(err);
    if fallback.status == StatusCode::NOT_FOUND || fallback.status.is_server_error() {
        return fallback.into_response();
    }
    match build(state, staff, return_id, Some(fallback.message.clone())).await {
        Ok(page) => render_status(fallback.status, &page),
        Err(e) => e.into_response(),
    }
}

/// A buyer's photo, only for staff of the return's merchant.
pub async fn photo(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> PageResult {
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let (content_type, body) =
        match store::returns::photo(&mut conn, staff.merchant.id, id, photo_id).await {
            Ok(found) => found,
            Err(store::StoreError::NotFound) => return Err(AppError::NotFound("photo").into()),
            Err(e) => return Err(db_error(e)),
        };
    // Stored types are checked images; anything else is never rendered by the browser.
    let content_type = if matches!(
        content_type.as_str(),
        "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/heic"
    ) {
        content_type
    } else {
        "application/octet-stream".to_string()
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, "inline".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        body,
    )
        .into_response())
}
