//! /api/v1/exports: a period's returns (one item per returned line), refunds
//! and claims, the same rows as the control center's CSV downloads, a page
//! at a time with a cursor; or, with `Accept: text/csv`, the whole CSV
//! streamed.

use super::auth::ApiCaller;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::exports::{
    self, claim_outcome, closed_at, csv_stream, instant, next_cursor, Dataset, Filter, FilterInput,
};
use crate::store::exports::{ClaimRow, Cursor, RefundRow, ReturnLineRow};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The filters of the returns export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnsExportQuery {
    /// First day of the period, `YYYY-MM-DD` (UTC); by default the first day of `to`'s month.
    pub from: Option<String>,
    /// Last day of the period, included, `YYYY-MM-DD` (UTC); by default today.
    pub to: Option<String>,
    /// Only returns in this status.
    pub status: Option<String>,
    /// Only returns of orders in this ISO 4217 currency.
    pub currency: Option<String>,
    /// RMA, order number or buyer e-mail (prefix).
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

/// The filters of the refunds and claims exports.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// First day of the period, `YYYY-MM-DD` (UTC); by default the first day of `to`'s month.
    pub from: Option<String>,
    /// Last day of the period, included, `YYYY-MM-DD` (UTC); by default today.
    pub to: Option<String>,
    /// Refunds: pending, succeeded, failed, reversed. Claims: a claim status, or `open` (all but closed).
    pub status: Option<String>,
    /// Only amounts in this ISO 4217 currency.
    pub currency: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

/// One returned line of a return.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportReturnLine {
    pub return_id: i64,
    pub rma: Option<String>,
    pub order_number: String,
    pub status: String,
    pub requested_at: String,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    /// Set once inspected.
    pub accepted_quantity: Option<i64>,
    pub reason: String,
    /// Quantity × unit price, in minor units.
    pub amount_minor: i64,
    pub currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportRefund {
    pub refund_id: i64,
    pub credit_note: String,
    pub order_number: String,
    pub rma: Option<String>,
    pub status: String,
    pub method: String,
    pub reason: String,
    pub gateway: String,
    pub amount_minor: i64,
    pub currency: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportClaim {
    pub claim_id: i64,
    pub order_number: String,
    pub kind: String,
    pub status: String,
    pub escalation: Option<String>,
    /// How it ended, once closed: refund_received, concluded, closed_as_answered,
    /// decided, dispute_won, dispute_lost.
    pub outcome: Option<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub order_value_minor: i64,
    /// The refund the mediators decided, if they decided.
    pub decided_refund_minor: Option<i64>,
    pub currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportReturnLinePage {
    pub items: Vec<ExportReturnLine>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportRefundPage {
    pub items: Vec<ExportRefund>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportClaimPage {
    pub items: Vec<ExportClaim>,
    pub next_cursor: Option<String>,
}

impl From<&ReturnLineRow> for ExportReturnLine {
    fn from(r: &ReturnLineRow) -> Self {
        ExportReturnLine {
            return_id: r.return_id,
            rma: r.rma.clone(),
            order_number: r.order_number.clone(),
            status: r.status.clone(),
            requested_at: instant(r.requested_at),
            sku: r.sku.clone(),
            title: r.title.clone(),
            quantity: r.quantity,
            accepted_quantity: r.accepted_quantity,
            reason: r.reason.clone(),
            amount_minor: r.quantity * r.unit_price_minor,
            currency: r.currency.clone(),
        }
    }
}

impl From<&RefundRow> for ExportRefund {
    fn from(f: &RefundRow) -> Self {
        ExportRefund {
            refund_id: f.id,
            credit_note: f.credit_note.clone(),
            order_number: f.order_number.clone(),
            rma: f.rma.clone(),
            status: f.status.clone(),
            method: f.method.clone(),
            reason: f.reason.clone(),
            gateway: f.gateway.clone(),
            amount_minor: f.amount_minor,
            currency: f.currency.clone(),
            created_at: instant(f.created_at),
            updated_at: instant(f.updated_at),
        }
    }
}

fn claim_item(c: &ClaimRow) -> ApiResult<ExportClaim> {
    let (outcome, decided) = claim_outcome(c)?;
    Ok(ExportClaim {
        claim_id: c.id,
        order_number: c.order_number.clone(),
        kind: c.kind.clone(),
        status: c.status.clone(),
        escalation: c.escalation.clone(),
        outcome: outcome.map(str::to_string),
        opened_at: instant(c.created_at),
        closed_at: closed_at(c).map(instant),
        order_value_minor: c.order_value_minor,
        decided_refund_minor: decided,
        currency: c.currency.clone(),
    })
}

fn bad(e: exports::FilterError) -> ApiError {
    ApiError::bad_request(e.0)
}

/// The cursor is "at.id.line" of the last item sent; clients pass it back as is.
fn parse_cursor(raw: Option<&str>) -> ApiResult<Option<Cursor>> {
    let Some(raw) = raw.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let parts: Vec<i64> = raw
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| ApiError::bad_request("cursor: use the next_cursor of the previous page"))?;
    match parts[..] {
        [at, id, line] => Ok(Some(Cursor { at, id, line })),
        _ => Err(ApiError::bad_request(
            "cursor: use the next_cursor of the previous page",
        )),
    }
}

fn cursor_text(c: Cursor) -> String {
    format!("{}.{}.{}", c.at, c.id, c.line)
}

fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    match limit {
        None => Ok(100),
        Some(n @ 1..=1000) => Ok(n),
        Some(_) => Err(ApiError::bad_request("limit must be between 1 and 1000")),
    }
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

/// The whole export as a streamed CSV download.
fn csv(state: AppState, merchant_id: i64, dataset: Dataset, filter: &Filter) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", filter.filename(dataset));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(csv_stream(state, merchant_id, dataset, filter)),
    )
        .into_response()
}

/// A period's returns, one item per returned line, oldest return first.
#[utoipa::path(get, path = "/api/v1/exports/returns", operation_id = "export_returns", tag = "exports", params(ReturnsExportQuery),
    responses((status = 200, description = "a page of return lines; with `Accept: text/csv` the whole export as CSV",
            content((ExportReturnLinePage = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn returns(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    WithRejection(Query(q), _): WithRejection<Query<ReturnsExportQuery>, ApiError>,
) -> ApiResult<Response> {
    let input = FilterInput {
        from: q.from,
        to: q.to,
        status: q.status,
        currency: q.currency,
        q: q.q,
    };
    let filter = Filter::parse(Dataset::Returns, &input, state.now()).map_err(bad)?;
    if wants_csv(&headers) {
        return Ok(csv(state, caller.merchant.id, Dataset::Returns, &filter));
    }
    let limit = page_limit(q.limit)?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let rows =
        exports::return_lines(&state, &filter.scope(caller.merchant.id), cursor, limit).await?;
    Ok(Json(ExportReturnLinePage {
        items: rows.iter().map(ExportReturnLine::from).collect(),
        next_cursor: next_cursor(&rows, limit, ReturnLineRow::cursor).map(cursor_text),
    })
    .into_response())
}

fn filter_of(dataset: Dataset, q: &ExportQuery, now: i64) -> ApiResult<Filter> {
    let input = FilterInput {
        from: q.from.clone(),
        to: q.to.clone(),
        status: q.status.clone(),
        currency: q.currency.clone(),
        q: None,
    };
    Filter::parse(dataset, &input, now).map_err(bad)
}

/// A period's refunds, oldest first.
#[utoipa::path(get, path = "/api/v1/exports/refunds", operation_id = "export_refunds", tag = "exports", params(ExportQuery),
    responses((status = 200, description = "a page of refunds; with `Accept: text/csv` the whole export as CSV",
            content((ExportRefundPage = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn refunds(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    WithRejection(Query(q), _): WithRejection<Query<ExportQuery>, ApiError>,
) -> ApiResult<Response> {
    let filter = filter_of(Dataset::Refunds, &q, state.now())?;
    if wants_csv(&headers) {
        return Ok(csv(state, caller.merchant.id, Dataset::Refunds, &filter));
    }
    let limit = page_limit(q.limit)?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let rows = exports::refunds(&state, &filter.scope(caller.merchant.id), cursor, limit).await?;
    Ok(Json(ExportRefundPage {
        items: rows.iter().map(ExportRefund::from).collect(),
        next_cursor: next_cursor(&rows, limit, RefundRow::cursor).map(cursor_text),
    })
    .into_response())
}

/// A period's claims, oldest first.
#[utoipa::path(get, path = "/api/v1/exports/claims", operation_id = "export_claims", tag = "exports", params(ExportQuery),
    responses((status = 200, description = "a page of claims; with `Accept: text/csv` the whole export as CSV",
            content((ExportClaimPage = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn claims(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    WithRejection(Query(q), _): WithRejection<Query<ExportQuery>, ApiError>,
) -> ApiResult<Response> {
    let filter = filter_of(Dataset::Claims, &q, state.now())?;
    if wants_csv(&headers) {
        return Ok(csv(state, caller.merchant.id, Dataset::Claims, &filter));
    }
    let limit = page_limit(q.limit)?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let rows = exports::claims(&state, &filter.scope(caller.merchant.id), cursor, limit).await?;
    Ok(Json(ExportClaimPage {
        items: rows.iter().map(claim_item).collect::<ApiResult<_>>()?,
        next_cursor: next_cursor(&rows, limit, ClaimRow::cursor).map(cursor_text),
    })
    .into_response())
}
