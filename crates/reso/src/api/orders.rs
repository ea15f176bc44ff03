//! /api/v1/orders: orders in, and refunds without a return.

use super::auth::{idempotency_key, ApiCaller};
use super::dto::*;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{self, refunds::Idempotency};
use crate::store;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

/// Creates an order, or updates the order with the same number.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderIn,
    responses((status = 201, body = OrderOut, description = "created"), (status = 200, body = OrderOut, description = "updated or unchanged"),
        (status = 401, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn upsert(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Json(body), _): WithRejection<Json<OrderIn>, ApiError>,
) -> ApiResult<(StatusCode, Json<OrderOut>)> {
    let protected = body.protected;
    let order = body.into_domain(&caller.merchant.default_locale)?;
    let done =
        app::orders::upsert_protected(&state, &caller.merchant, &order, protected, &caller.actor)
            .await?;
    let status = if done.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(OrderOut::from(&done.order))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}

pub fn parse_cursor(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::bad_request("cursor: use the next_cursor of the previous page")
            })
        })
        .transpose()
}

pub fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(n),
        Some(_) => Err(ApiError::bad_request("limit must be between 1 and 200")),
    }
}

/// Orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(PageQuery),
    responses((status = 200, body = OrderPage), (status = 400, body = Problem), (status = 401, body = Problem)), security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Query(q), _): WithRejection<Query<PageQuery>, ApiError>,
) -> ApiResult<Json<OrderPage>> {
    let limit = page_limit(q.limit)?;
    let mut conn = state
        .db
        .reader()
        .acquire()
        .await
        .map_err(app::AppError::from)?;
    let rows = store::orders::list(
        &mut conn,
        caller.merchant.id,
        parse_cursor(q.cursor.as_deref())?,
        limit + 1,
    )
    .await
    .map_err(app::AppError::from)?;
    let more = rows.len() as i64 > limit;
    let items: Vec<OrderSummaryOut> = rows
        .into_iter()
        .take(limit as usize)
        .map(|o| OrderSummaryOut {
            id: o.id,
            number: o.number,
            buyer_email: o.buyer_email,
            currency: o.currency,
            placed_at: rfc3339(o.placed_at),
        })
        .collect();
    let next_cursor = if more {
        items.last().map(|o| o.id.to_string())
    } else {
        None
    };
    Ok(Json(OrderPage { items, next_cursor }))
}

/// One order with its lines, payments (captured, refunded, refundable) and shipments.
#[utoipa::path(get, path = "/api/v1/orders/{number}", tag = "orders", params(("number" = String, Path, description = "the shop's order number")),
    responses((status = 200, body = OrderOut), (status = 401, body = Problem), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
) -> ApiResult<Json<OrderOut>> {
    let order = app::orders::by_number(&state, caller.merchant.id, &number).await?;
    Ok(Json(OrderOut::from(&order)))
}

/// The refunds of an order.
#[utoipa::path(get, path = "/api/v1/orders/{number}/refunds", tag = "refunds", params(("number" = String, Path)),
    responses((status = 200, body = RefundList), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn refunds(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
) -> ApiResult<Json<RefundList>> {
    let order = app::orders::by_number(&state, caller.merchant.id, &number).await?;
    let refunds = app::refunds::for_order(&state, order.id).await?;
    Ok(Json(RefundList {
        items: refunds.iter().map(RefundOut::from).collect(),
    }))
}

pub fn request_hash(parts: &[&str]) -> String {
    let digest = Sha256::digest(parts.join("\n").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn parse_method(code: &str) -> ApiResult<app::refunds::Method> {
    app::refunds::Method::parse(code).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "method: '{code}' is not one of original_payment, store_credit, manual"
        ))
    })
}

/// A refund without a return (goodwill, price adjustment). Send an
/// `Idempotency-Key` header: a retry with the same key returns the first result.
#[utoipa::path(post, path = "/api/v1/orders/{number}/refunds", tag = "refunds", request_body = GoodwillRefundIn,
    params(("number" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = RefundList), (status = 200, body = RefundList, description = "replay of an earlier request"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "exceeds what can still be refunded"), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn goodwill(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<GoodwillRefundIn>, ApiError>,
) -> ApiResult<(StatusCode, Json<RefundList>)> {
    let method = parse_method(&body.method)?;
    let key = idempotency_key(&headers)?;
    let hash = request_hash(&[
        "goodwill",
        &number,
        &body.amount_minor.to_string(),
        &body.method,
        &body.reason,
    ]);
    let order = app::orders::by_number(&state, caller.merchant.id, &number).await?;
    let idem = key.as_deref().map(|k| Idempotency {
        key: k,
        request_hash: hash.clone(),
    });
    let issued = app::refunds::refund_goodwill(
        &state,
        &caller.merchant,
        order.id,
        body.amount_minor,
        method,
        &body.reason,
        idem,
        &caller.actor,
    )
    .await?;
    let status = if issued.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(RefundList {
            items: issued.refunds.iter().map(RefundOut::from).collect(),
        }),
    ))
}
