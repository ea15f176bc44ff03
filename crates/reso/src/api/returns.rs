//! /api/v1/returns: the return journey for the shop's systems.

use super::auth::{idempotency_key, ApiCaller};
use super::dto::*;
use super::orders::{page_limit, parse_cursor, parse_method, request_hash};
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{self, idempotency::Idempotency, returns::Photo, AppError};
use crate::store::{self, returns::QueueFilter};
use crate::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use axum_extra::extract::WithRejection;
use reso_domain::returns::{LineDecision, RequestedLine};
use reso_domain::{RefundMethod, ReturnStatus};
use serde::Deserialize;
use utoipa::IntoParams;

type JsonBody<T> = WithRejection<Json<T>, ApiError>;

fn return_id(raw: &str) -> ApiResult<i64> {
    raw.parse().map_err(|_| ApiError::not_found("return"))
}

async fn answer(
    state: &AppState,
    merchant: &store::merchants::Merchant,
    id: i64,
) -> ApiResult<Json<ReturnOut>> {
    let r = app::returns::load(state, merchant.id, id).await?;
    let quote = app::returns::quote(merchant, &r).ok();
    Ok(Json(ReturnOut::new(&r, quote.as_ref())))
}

/// Asks for a return on behalf of the buyer. The decision matrix decides at once.
/// Send an `Idempotency-Key` header: a retry with the same key and body gets
/// the return the first request created (200) instead of a second one.
#[utoipa::path(post, path = "/api/v1/orders/{number}/returns", tag = "returns", request_body = ReturnIn,
    params(("number" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = ReturnOut), (status = 200, body = ReturnOut, description = "replay of an earlier request"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "a request with this key is still being processed"),
        (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
    headers: HeaderMap,
    WithRejection(Json(body), _): JsonBody<ReturnIn>,
) -> ApiResult<(StatusCode, Json<ReturnOut>)> {
    let key = idempotency_key(&headers)?;
    let idem = key.as_deref().map(|k| Idempotency {
        key: k,
        request_hash: return_request_hash(&number, &body),
    });
    let order = app::orders::lines_by_number(&state, caller.merchant.id, &number).await?;
    let mut lines = Vec::with_capacity(body.lines.len());
    for (i, l) in body.lines.iter().enumerate() {
        let line_id = match (&l.order_line_id, &l.sku) {
            (Some(id), _) => *id,
            (None, Some(sku)) => order
                .lines
                .iter()
                .find(|(_, line_sku)| line_sku == sku)
                .map(|(id, _)| *id)
                .ok_or_else(|| {
                    ApiError::unprocessable(format!(
                        "lines[{i}].sku: '{sku}' is not in order {number}"
                    ))
                })?,
            (None, None) => {
                return Err(ApiError::unprocessable(format!(
                    "lines[{i}]: give order_line_id or sku"
                )))
            }
        };
        lines.push(RequestedLine {
            order_line_id: line_id,
            quantity: l.quantity,
            reason: parse_reason(&format!("lines[{i}].reason"), &l.reason)?,
        });
    }
    let refund_method = match body.refund_method.as_deref() {
        None => None,
        Some(code) => Some(
            RefundMethod::parse(code)
                .filter(|m| *m != RefundMethod::BuyerChooses)
                .ok_or_else(|| {
                    ApiError::unprocessable("refund_method: use original_payment or store_credit")
                })?,
        ),
    };
    let request = app::returns::ReturnRequest {
        lines,
        comment: body.comment,
        refund_method,
        photos: Vec::new(),
    };
    let buyer = app::Actor::Buyer(order.buyer_email.to_string());
    let actor = if matches!(caller.actor, app::Actor::ApiKey(_)) {
        caller.actor.clone()
    } else {
        buyer
    };
    let done = app::returns::request_with_key(
        &state,
        &caller.merchant,
        order.id,
        request,
        idem.as_ref(),
        &actor,
    )
    .await?;
    let status = if done.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let quote = app::returns::quote(&caller.merchant, &done.value).ok();
    Ok((status, Json(ReturnOut::new(&done.value, quote.as_ref()))))
}

/// The request as the key's digest sees it: the order and every field sent,
/// JSON-encoded so that no text can pass for another field.
fn return_request_hash(number: &str, body: &ReturnIn) -> String {
    let lines: Vec<serde_json::Value> = body
        .lines
        .iter()
        .map(|l| serde_json::json!([l.order_line_id, l.sku, l.quantity, l.reason]))
        .collect();
    let fields = serde_json::json!([lines, body.comment, body.refund_method]);
    request_hash(&["return-request", number, &fields.to_string()])
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// Only returns in this status.
    pub status: Option<String>,
    /// Only returns at least this many days old.
    pub older_than_days: Option<i64>,
    /// RMA, order number or buyer e-mail (prefix).
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// The returns queue, newest first.
#[utoipa::path(get, path = "/api/v1/returns", tag = "returns", params(QueueQuery),
    responses((status = 200, body = ReturnPage), (status = 400, body = Problem)), security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Query(q), _): WithRejection<Query<QueueQuery>, ApiError>,
) -> ApiResult<Json<ReturnPage>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ReturnStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("status: '{s}' is not a return status"))
        })?),
    };
    let limit = page_limit(q.limit)?;
    let created_before = match q.older_than_days {
        None => None,
        Some(d) if (0..=3650).contains(&d) => Some(state.now() - d * reso_domain::time::MS_PER_DAY),
        Some(_) => {
            return Err(ApiError::bad_request(
                "older_than_days must be between 0 and 3650",
            ))
        }
    };
    let filter = QueueFilter {
        status,
        created_before,
        search: q.q,
        before_id: parse_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let rows = store::returns::queue(&mut conn, caller.merchant.id, &filter)
        .await
        .map_err(AppError::from)?;
    let more = rows.len() as i64 > limit;
    let items: Vec<ReturnOut> = rows
        .iter()
        .take(limit as usize)
        .map(|r| ReturnOut::new(r, None))
        .collect();
    let next_cursor = if more {
        items.last().map(|r| r.id.to_string())
    } else {
        None
    };
    Ok(Json(ReturnPage { items, next_cursor }))
}

/// One return with its lines, inspection results and refund quote.
#[utoipa::path(get, path = "/api/v1/returns/{id}", tag = "returns", params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReturnOut>> {
    answer(&state, &caller.merchant, return_id(&id)?).await
}

/// The return's events, oldest first: its timeline.
#[utoipa::path(get, path = "/api/v1/returns/{id}/events", tag = "returns", params(("id" = i64, Path)),
    responses((status = 200, body = EventPage), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn events(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<EventPage>> {
    let r = app::returns::load(&state, caller.merchant.id, return_id(&id)?).await?;
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let events = store::events::for_return(&mut conn, r.id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(EventPage {
        items: events.iter().map(EventOut::from).collect(),
        next_cursor: None,
    }))
}

/// Authorizes the return: it gets its RMA number and the buyer the instructions.
#[utoipa::path(post, path = "/api/v1/returns/{id}/authorize", tag = "returns", params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem)), security(("api_key" = [])))]
pub async fn authorize(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReturnOut>> {
    let r =
        app::returns::authorize(&state, &caller.merchant, return_id(&id)?, &caller.actor).await?;
    answer(&state, &caller.merchant, r.id).await
}

/// Rejects the return with a reason the buyer reads.
#[utoipa::path(post, path = "/api/v1/returns/{id}/reject", tag = "returns", request_body = RejectIn, params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<RejectIn>,
) -> ApiResult<Json<ReturnOut>> {
    let r = app::returns::reject(
        &state,
        &caller.merchant,
        return_id(&id)?,
        &body.reason,
        &caller.actor,
    )
    .await?;
    answer(&state, &caller.merchant, r.id).await
}

/// Asks the buyer for photos before deciding.
#[utoipa::path(post, path = "/api/v1/returns/{id}/request-photos", tag = "returns", request_body = PhotosRequestIn, params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem)), security(("api_key" = [])))]
pub async fn request_photos(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<PhotosRequestIn>,
) -> ApiResult<Json<ReturnOut>> {
    let r = app::returns::request_photos(
        &state,
        &caller.merchant,
        return_id(&id)?,
        &body.message,
        &caller.actor,
    )
    .await?;
    answer(&state, &caller.merchant, r.id).await
}

/// Attaches photos (multipart/form-data, fields named `photo`; JPEG, PNG, GIF or WebP, 5 MB each, 5 per return).
#[utoipa::path(post, path = "/api/v1/returns/{id}/photos", tag = "returns", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "one or more `photo` file fields"),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn add_photos(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ReturnOut>> {
    let id = return_id(&id)?;
    let mut multipart = multipart.map_err(|e| {
        ApiError::bad_request(format!("send multipart/form-data: {}", e.body_text()))
    })?;
    let mut photos = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(ApiError::from)? {
        if field.name() != Some("photo") {
            continue;
        }
        let bytes = field.bytes().await.map_err(ApiError::from)?;
        photos.push(Photo {
            bytes: bytes.to_vec(),
        });
        if photos.len() > reso_domain::photo::MAX_PHOTOS {
            break;
        }
    }
    let r = app::returns::add_photos(&state, &caller.merchant, id, photos, &caller.actor).await?;
    answer(&state, &caller.merchant, r.id).await
}

/// Records the return parcel's carrier and tracking number.
#[utoipa::path(post, path = "/api/v1/returns/{id}/shipment", tag = "returns", request_body = ShipmentBackIn, params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn ship_back(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<ShipmentBackIn>,
) -> ApiResult<Json<ReturnOut>> {
    let r = app::returns::ship_back(
        &state,
        &caller.merchant,
        return_id(&id)?,
        &body.carrier,
        &body.tracking_number,
        &caller.actor,
    )
    .await?;
    answer(&state, &caller.merchant, r.id).await
}

/// The parcel arrived at the shop.
#[utoipa::path(post, path = "/api/v1/returns/{id}/receive", tag = "returns", params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem)), security(("api_key" = [])))]
pub async fn receive(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReturnOut>> {
    let r = app::returns::mark_received(&state, &caller.merchant, return_id(&id)?, &caller.actor)
        .await?;
    answer(&state, &caller.merchant, r.id).await
}

/// Inspection: every line of the return with the accepted quantity and a condition note.
#[utoipa::path(post, path = "/api/v1/returns/{id}/inspect", tag = "returns", request_body = InspectionIn, params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn inspect(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<InspectionIn>,
) -> ApiResult<Json<ReturnOut>> {
    let decisions = body
        .lines
        .into_iter()
        .map(|l| {
            (
                l.order_line_id,
                LineDecision {
                    accepted_quantity: l.accepted_quantity,
                    condition: l.condition,
                },
            )
        })
        .collect();
    let r = app::returns::inspect(
        &state,
        &caller.merchant,
        return_id(&id)?,
        decisions,
        &caller.actor,
    )
    .await?;
    answer(&state, &caller.merchant, r.id).await
}

/// The buyer withdraws the return before sending anything.
#[utoipa::path(post, path = "/api/v1/returns/{id}/withdraw", tag = "returns", params(("id" = i64, Path)),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem), (status = 409, body = Problem)), security(("api_key" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReturnOut>> {
    let r =
        app::returns::withdraw(&state, &caller.merchant, return_id(&id)?, &caller.actor).await?;
    answer(&state, &caller.merchant, r.id).await
}

/// Refunds the inspected return: the quoted amount, split over the order's
/// payments, never more than they have left. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/returns/{id}/refund", tag = "refunds", request_body = ReturnRefundIn,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = RefundList), (status = 200, body = RefundList, description = "replay of an earlier request"),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn refund(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<RefundList>)> {
    let id = return_id(&id)?;
    // The body is optional: an empty one means "as the return asked".
    let body: ReturnRefundIn = if body.iter().all(u8::is_ascii_whitespace) {
        ReturnRefundIn::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::unprocessable(format!("the body is not a valid refund request: {e}"))
        })?
    };
    let method = body.method.as_deref().map(parse_method).transpose()?;
    let key = idempotency_key(&headers)?;
    let hash = request_hash(&[
        "return-refund",
        &id.to_string(),
        body.method.as_deref().unwrap_or(""),
    ]);
    let idem = key.as_deref().map(|k| Idempotency {
        key: k,
        request_hash: hash.clone(),
    });
    let issued =
        app::refunds::refund_return(&state, &caller.merchant, id, method, idem, &caller.actor)
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
