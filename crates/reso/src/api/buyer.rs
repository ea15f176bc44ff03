//! /api/v1/buyer: the buyer's side of buyer protection, authenticated by the
//! magic link's signed token (`Authorization: Bearer <token>`), which opens
//! exactly one order of one shop.

use super::claim_dto::*;
use super::claims::{claim_id, claim_out, read_documents};
use super::dto::OrderOut;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{self, auth::LinkError, AppError};
use crate::store::{self, merchants::Merchant};
use crate::AppState;
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::Json;
use axum_extra::extract::WithRejection;
use reso_domain::claim::{ClaimKind, Reaction};
use reso_domain::Order;

type JsonBody<T> = WithRejection<Json<T>, ApiError>;

/// The buyer of one order, as the token names them.
pub struct BuyerCaller {
    pub merchant: Merchant,
    pub order: Order,
    pub email: String,
}

impl FromRequestParts<AppState> for BuyerCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "send the token of your order link as 'Authorization: Bearer <token>'",
                )
            })?;
        let access = app::auth::verify_buyer_link(state, token).map_err(|e| match e {
            LinkError::Tampered => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", e.to_string())
            }
            LinkError::Expired => ApiError::new(StatusCode::GONE, "link-expired", e.to_string()),
        })?;
        let merchant = app::merchants::by_id(state, access.merchant_id).await?;
        let order = app::orders::by_id(state, merchant.id, access.order_id).await?;
        if order.buyer_email.as_str() != access.email {
            // The shop changed the buyer's address since the link was sent.
            return Err(AppError::Forbidden(
                "this link was sent to another e-mail address; ask for a new one".into(),
            )
            .into());
        }
        Ok(BuyerCaller {
            merchant,
            order,
            email: access.email,
        })
    }
}

async fn buyer_order(state: &AppState, b: &BuyerCaller) -> ApiResult<BuyerOrderOut> {
    let order = app::orders::by_id(state, b.merchant.id, b.order.id).await?;
    let p = app::claims::protection(state, &b.merchant, order.id).await?;
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let records = store::claims::for_order(&mut conn, order.id)
        .await
        .map_err(AppError::from)?;
    drop(conn);
    let mut claims = Vec::with_capacity(records.len());
    for c in &records {
        claims.push(claim_out(state, c).await?);
    }
    Ok(BuyerOrderOut {
        protection: ProtectionOut::new(&order.number, p),
        order: OrderOut::from(&order),
        claims,
    })
}

/// The order the token opens, its protection and its claims.
#[utoipa::path(get, path = "/api/v1/buyer/order", tag = "buyer",
    responses((status = 200, body = BuyerOrderOut), (status = 401, body = Problem, description = "no token, or one that does not verify"), (status = 403, body = Problem, description = "the order's buyer address changed since the link was sent"),
        (status = 410, body = Problem, description = "expired token")),
    security(("buyer_link" = [])))]
pub async fn order(
    State(state): State<AppState>,
    b: BuyerCaller,
) -> ApiResult<Json<BuyerOrderOut>> {
    Ok(Json(buyer_order(&state, &b).await?))
}

/// "All fine": ends the protection early; no claim can be opened afterwards.
#[utoipa::path(post, path = "/api/v1/buyer/protection/conclude", tag = "buyer",
    responses((status = 200, body = ProtectionOut), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 410, body = Problem), (status = 422, body = Problem)),
    security(("buyer_link" = [])))]
pub async fn conclude(
    State(state): State<AppState>,
    b: BuyerCaller,
) -> ApiResult<Json<ProtectionOut>> {
    app::claims::conclude_protection(&state, &b.merchant, b.order.id, &b.email).await?;
    let p = app::claims::protection(&state, &b.merchant, b.order.id).await?;
    Ok(Json(ProtectionOut::new(&b.order.number, p)))
}

/// Opens a claim: not_received and refund_not_received go to the merchant
/// (who has 5 days to answer), other_problem straight to the mediators.
#[utoipa::path(post, path = "/api/v1/buyer/claims", tag = "buyer", request_body = ClaimIn,
    responses((status = 201, body = ClaimOut), (status = 409, body = Problem, description = "an open claim already exists"),
        (status = 410, body = Problem), (status = 422, body = Problem, description = "not protected, protection over, or bad text")),
    security(("buyer_link" = [])))]
pub async fn open_claim(
    State(state): State<AppState>,
    b: BuyerCaller,
    WithRejection(Json(body), _): JsonBody<ClaimIn>,
) -> ApiResult<(StatusCode, Json<ClaimOut>)> {
    let kind = ClaimKind::parse(&body.kind).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "kind: '{}' is not one of not_received, refund_not_received, other_problem",
            body.kind
        ))
    })?;
    let c = app::claims::open(
        &state,
        &b.merchant,
        b.order.id,
        kind,
        &body.text,
        Vec::new(),
        &b.email,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(claim_out(&state, &c).await?)))
}

/// The buyer's reaction to the merchant's answer, as the offer allows:
/// full refund → received / not_received; partial → received / not_received /
/// disagree; none → conclude / disagree.
#[utoipa::path(post, path = "/api/v1/buyer/claims/{id}/reaction", tag = "buyer", request_body = ReactionIn, params(("id" = i64, Path)),
    responses((status = 200, body = ClaimOut), (status = 404, body = Problem, description = "not a claim of this order"),
        (status = 409, body = Problem, description = "the claim does not wait for the buyer"), (status = 422, body = Problem)),
    security(("buyer_link" = [])))]
pub async fn react(
    State(state): State<AppState>,
    b: BuyerCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<ReactionIn>,
) -> ApiResult<Json<ClaimOut>> {
    let id = claim_id(&id)?;
    let reaction = Reaction::parse(&body.reaction).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "reaction: '{}' is not one of received, not_received, disagree, conclude",
            body.reaction
        ))
    })?;
    // A token opens one order: another order's claim does not exist for it.
    let c = app::claims::load(&state, b.merchant.id, id).await?;
    if c.order_id != b.order.id {
        return Err(ApiError::not_found("claim"));
    }
    let c = app::claims::react(&state, &b.merchant, id, reaction, &body.message, &b.email).await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Adds documents to an open claim of this order (multipart/form-data:
/// `document` file fields, PDF or images, 10 MB each).
#[utoipa::path(post, path = "/api/v1/buyer/claims/{id}/documents", tag = "buyer", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "one or more `document` file fields"),
    responses((status = 200, body = ClaimOut), (status = 404, body = Problem), (status = 409, body = Problem, description = "the claim is closed"),
        (status = 413, body = Problem), (status = 422, body = Problem, description = "not a PDF or an image")),
    security(("buyer_link" = [])))]
pub async fn add_documents(
    State(state): State<AppState>,
    b: BuyerCaller,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<ClaimOut>> {
    let id = claim_id(&id)?;
    let (uploads, _message) = read_documents(multipart).await?;
    let c = app::claims::load(&state, b.merchant.id, id).await?;
    if c.order_id != b.order.id {
        return Err(ApiError::not_found("claim"));
    }
    let c = app::claims::add_buyer_documents(&state, &b.merchant, id, uploads, &b.email).await?;
    Ok(Json(claim_out(&state, &c).await?))
}
