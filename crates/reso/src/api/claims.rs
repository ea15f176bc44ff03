//! /api/v1/claims and order protection: the merchant's side of buyer protection.

use super::auth::{idempotency_key, ApiCaller};
use super::claim_dto::*;
use super::orders::request_hash;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{self, claims::Upload, idempotency::Idempotency, AppError};
use crate::store::{self, claims::ClaimRecord};
use crate::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use reso_domain::claim::{ClaimStatus, RefundDecision};
use reso_domain::dispute::MerchantResponse;
use reso_domain::document::{clean_filename, MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use serde::Deserialize;
use utoipa::IntoParams;

type JsonBody<T> = WithRejection<Json<T>, ApiError>;

/// The largest document upload request: a few documents of 10 MB at a time.
pub const DOCUMENTS_BODY_LIMIT: usize = 3 * MAX_DOCUMENT_BYTES + 1024 * 1024;

pub(super) fn claim_id(raw: &str) -> ApiResult<i64> {
    raw.parse().map_err(|_| ApiError::not_found("claim"))
}

/// A claim with its documents, the order's shipments and returns, and its timeline.
pub(super) async fn claim_out(state: &AppState, c: &ClaimRecord) -> ApiResult<ClaimOut> {
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let documents = store::claims::documents(&mut conn, c.id)
        .await
        .map_err(AppError::from)?;
    let order = store::orders::load(&mut conn, c.merchant_id, c.order_id)
        .await
        .map_err(AppError::from)?;
    let mut returns = Vec::new();
    for id in store::returns::ids_for_order(&mut conn, c.order_id)
        .await
        .map_err(AppError::from)?
    {
        returns.push(
            store::returns::load(&mut conn, c.merchant_id, id)
                .await
                .map_err(AppError::from)?,
        );
    }
    let events = store::events::for_order(&mut conn, c.order_id)
        .await
        .map_err(AppError::from)?;
    let dispute = match c.claim.kind.is_dispute() {
        true => store::disputes::of_claim(&mut conn, c.merchant_id, c.id)
            .await
            .map_err(AppError::from)?,
        false => None,
    };
    let ctx = ClaimContext {
        documents: &documents,
        order: &order,
        returns: &returns,
        events: &events,
        dispute: dispute.as_ref(),
        now: state.now(),
    };
    Ok(ClaimOut::new(c, &ctx))
}

/// Reads the `document` file fields (and an optional `message` text field) of
/// a multipart body. A file over 10 MB is refused while it streams in.
pub(super) async fn read_documents(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(Vec<Upload>, String)> {
    let mut multipart = multipart.map_err(|e| {
        ApiError::bad_request(format!("send multipart/form-data: {}", e.body_text()))
    })?;
    let too_large =
        |detail: String| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", detail);
    let mut uploads = Vec::new();
    let mut message = String::new();
    // The rest of the body is still read after a refusal, so the client,
    // still sending, gets the answer instead of a reset connection.
    let mut refused: Option<ApiError> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(ApiError::from)? {
        match field.name() {
            Some("message") if refused.is_none() => {
                message = field.text().await.map_err(ApiError::from)?;
            }
            Some("document") if refused.is_none() => {
                if uploads.len() == MAX_DOCUMENTS {
                    refused = Some(ApiError::unprocessable(format!(
                        "at most {MAX_DOCUMENTS} documents at a time"
                    )));
                    continue;
                }
                let filename = clean_filename(field.file_name().unwrap_or("document"));
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(ApiError::from)? {
                    if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        refused = Some(too_large(format!("'{filename}' is larger than 10 MB")));
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if refused.is_none() {
                    uploads.push(Upload { filename, bytes });
                }
            }
            _ => {}
        }
        // Unread parts of a field are skipped by the next `next_field`.
    }
    if let Some(e) = refused {
        return Err(e);
    }
    Ok((uploads, message))
}

/// A document as a download: never rendered inline, never sniffed into HTML.
pub(super) async fn document_download(
    state: &AppState,
    claim_id: i64,
    document_id: &str,
) -> ApiResult<Response> {
    let document_id: i64 = document_id
        .parse()
        .map_err(|_| ApiError::not_found("document"))?;
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let (filename, content_type, body) =
        match store::claims::document(&mut conn, claim_id, document_id).await {
            Err(store::StoreError::NotFound) => return Err(ApiError::not_found("document")),
            other => other.map_err(AppError::from)?,
        };
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let disposition = HeaderValue::from_str(&disposition)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let content_type = HeaderValue::from_str(&content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ClaimQuery {
    /// Only claims in this status; without it, every open claim.
    pub status: Option<String>,
}

/// The merchant's claims, the closest deadline first, with the time left to act.
#[utoipa::path(get, path = "/api/v1/claims", tag = "claims", params(ClaimQuery),
    responses((status = 200, body = ClaimList), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Query(q), _): WithRejection<Query<ClaimQuery>, ApiError>,
) -> ApiResult<Json<ClaimList>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ClaimStatus::parse(s).ok_or_else(|| {
            let known: Vec<&str> = ClaimStatus::ALL.iter().map(|s| s.code()).collect();
            ApiError::bad_request(format!("status: '{s}' is not one of {}", known.join(", ")))
        })?),
    };
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let claims = store::claims::for_merchant(&mut conn, caller.merchant.id, status, 500)
        .await
        .map_err(AppError::from)?;
    let now = state.now();
    Ok(Json(ClaimList {
        items: claims
            .iter()
            .map(|c| ClaimSummaryOut::new(c, now))
            .collect(),
    }))
}

/// One claim: order, buyer, statement, documents, answer, reaction, decision,
/// the order's shipments and returns.
#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "claims", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimOut), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<ClaimOut>> {
    let c = app::claims::load(&state, caller.merchant.id, claim_id(&id)?).await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Answers the claim within the deadline. "yes" refunds at once through the
/// refund path (never more than captured); "yes_after_return" links a return;
/// the amount defaults to the order value; the message is required. With an
/// `Idempotency-Key` header a retry with the same key and body gets the
/// answered claim again instead of "already answered".
#[utoipa::path(post, path = "/api/v1/claims/{id}/answer", tag = "claims", request_body = AnswerIn,
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 200, body = ClaimOut), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "already answered, the deadline passed, or a request with this key is still being processed"),
        (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    WithRejection(Json(body), _): JsonBody<AnswerIn>,
) -> ApiResult<Json<ClaimOut>> {
    let id = claim_id(&id)?;
    let key = idempotency_key(&headers)?;
    let idem = key.as_deref().map(|k| Idempotency {
        key: k,
        request_hash: answer_hash(id, &body),
    });
    let decision = RefundDecision::parse(&body.refund).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "refund: '{}' is not one of yes, yes_after_return, no",
            body.refund
        ))
    })?;
    let c = app::claims::load(&state, caller.merchant.id, id).await?;
    let amount_minor = match (decision, body.amount_minor) {
        (RefundDecision::No, None | Some(0)) => 0,
        (RefundDecision::No, Some(_)) => {
            return Err(ApiError::unprocessable(
                "amount_minor: leave it out when refund is no",
            ))
        }
        (_, Some(amount)) => amount,
        (_, None) => c.claim.order_value.minor,
    };
    let a = app::claims::Answer {
        decision,
        amount_minor,
        message: body.message,
        return_id: body.return_id,
        uploads: Vec::new(),
    };
    let done = app::claims::answer_with_key(
        &state,
        &caller.merchant,
        id,
        a,
        idem.as_ref(),
        &caller.actor,
    )
    .await?;
    Ok(Json(claim_out(&state, &done.value).await?))
}

/// The answer as the key's digest sees it: the claim and every field sent.
fn answer_hash(id: i64, body: &AnswerIn) -> String {
    let fields = serde_json::json!([body.refund, body.amount_minor, body.message, body.return_id]);
    request_hash(&["claim-answer", &id.to_string(), &fields.to_string()])
}

/// Answers a chargeback or provider claim before the provider's deadline:
/// `accept`, or `evidence` with a statement. The claim waits for the provider
/// at once; Reso sends the answer (with the evidence pack's summary PDF and
/// the order's documents) through the provider's API, and the provider's
/// decision comes back by webhook.
#[utoipa::path(post, path = "/api/v1/claims/{id}/dispute-answer", tag = "claims", request_body = DisputeAnswerIn, params(("id" = i64, Path)),
    responses((status = 200, body = ClaimOut), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "not a dispute, already answered, or the provider's deadline passed"),
        (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn answer_dispute(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<DisputeAnswerIn>,
) -> ApiResult<Json<ClaimOut>> {
    let id = claim_id(&id)?;
    let response = match body.answer.as_str() {
        "accept" => MerchantResponse::Accepted,
        "evidence" => MerchantResponse::Evidence,
        other => {
            return Err(ApiError::unprocessable(format!(
                "answer: '{other}' is not one of accept, evidence"
            )))
        }
    };
    let reply = app::disputes::DisputeReply {
        response,
        statement: body.statement,
        refund_refusal: body.refund_refusal,
    };
    let c = app::disputes::answer(&state, &caller.merchant, id, reply, &caller.actor).await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Sends the documents a mediator asked for (multipart/form-data: `document`
/// file fields, PDF or images, 10 MB each; an optional `message`).
#[utoipa::path(post, path = "/api/v1/claims/{id}/documents", tag = "claims", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "one or more `document` file fields and an optional `message`"),
    responses((status = 200, body = ClaimOut), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn send_documents(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ClaimOut>> {
    let id = claim_id(&id)?;
    let (uploads, message) = read_documents(multipart).await?;
    let c = app::claims::send_documents(
        &state,
        &caller.merchant,
        id,
        &message,
        uploads,
        &caller.actor,
    )
    .await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Downloads one of the claim's documents (as an attachment).
#[utoipa::path(get, path = "/api/v1/claims/{id}/documents/{doc_id}", tag = "claims",
    params(("id" = i64, Path), ("doc_id" = i64, Path)),
    responses((status = 200, description = "the document", content_type = "application/octet-stream"), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn document(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, doc_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let c = app::claims::load(&state, caller.merchant.id, claim_id(&id)?).await?;
    document_download(&state, c.id, &doc_id).await
}

async fn order_id(state: &AppState, merchant_id: i64, number: &str) -> ApiResult<(i64, String)> {
    let order = app::orders::by_number(state, merchant_id, number).await?;
    Ok((order.id, order.number))
}

/// Protects an order after intake: 30 days from the order (by default), with the day-23 mail.
#[utoipa::path(post, path = "/api/v1/orders/{number}/protect", tag = "claims", params(("number" = String, Path)),
    responses((status = 200, body = ProtectionOut), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn protect(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
) -> ApiResult<Json<ProtectionOut>> {
    let (order_id, number) = order_id(&state, caller.merchant.id, &number).await?;
    app::claims::protect(&state, &caller.merchant, order_id, &caller.actor).await?;
    let p = app::claims::protection(&state, &caller.merchant, order_id).await?;
    Ok(Json(ProtectionOut::new(&number, p)))
}

/// Where the order's protection stands.
#[utoipa::path(get, path = "/api/v1/orders/{number}/protection", tag = "claims", params(("number" = String, Path)),
    responses((status = 200, body = ProtectionOut), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn protection(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
) -> ApiResult<Json<ProtectionOut>> {
    let (order_id, number) = order_id(&state, caller.merchant.id, &number).await?;
    let p = app::claims::protection(&state, &caller.merchant, order_id).await?;
    Ok(Json(ProtectionOut::new(&number, p)))
}

/// The merchant's protection terms.
#[utoipa::path(get, path = "/api/v1/merchant/protection", tag = "merchant",
    responses((status = 200, body = ProtectionTermsDto), (status = 401, body = Problem)), security(("api_key" = [])))]
pub async fn terms(caller: ApiCaller) -> Json<ProtectionTermsDto> {
    Json(ProtectionTermsDto::from(&caller.merchant.protection))
}

/// Replaces the merchant's protection terms (validated: the reminder inside
/// the protection, periods of 1 to 90 days, holidays as YYYY-MM-DD).
#[utoipa::path(put, path = "/api/v1/merchant/protection", tag = "merchant", request_body = ProtectionTermsDto,
    responses((status = 200, body = ProtectionTermsDto), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn update_terms(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Json(body), _): JsonBody<ProtectionTermsDto>,
) -> ApiResult<Json<ProtectionTermsDto>> {
    let terms = body.into_domain()?;
    let merchant = app::claims::set_terms(&state, caller.merchant.id, terms, &caller.actor).await?;
    Ok(Json(ProtectionTermsDto::from(&merchant.protection)))
}
