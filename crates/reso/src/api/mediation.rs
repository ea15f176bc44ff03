//! /api/v1/mediation: the operator's mediators, across merchants. A mediator
//! logs in for a session token and sends it as `Authorization: Bearer <token>`.

use super::claim_dto::*;
use super::claims::{claim_id, claim_out, document_download};
use super::messages::{download, read_message, MessageOut};
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::messages::{Author, Subject};
use crate::app::rate_limits::Refusal;
use crate::app::{self, claims::Party, AppError};
use crate::store;
use crate::web::shared::ClientAddress;
use crate::AppState;
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;

type JsonBody<T> = WithRejection<Json<T>, ApiError>;

/// A logged-in mediator, as the party that acts on claims.
pub struct MediatorCaller(pub Party);

/// A logged-in mediator, as the author of messages.
pub struct MediatorAuthor(pub Author);

fn unauthorized() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "log in at /api/v1/mediation/login and send the token as 'Authorization: Bearer <token>'",
    )
}

/// The (id, e-mail) of the mediator whose session token the request carries.
async fn signed_in(parts: &Parts, state: &AppState) -> Result<(i64, String), ApiError> {
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(unauthorized)?;
    let (mediator, _csrf) = app::mediators::session(state, token)
        .await
        .map_err(|e| match e {
            AppError::Unauthorized => unauthorized(),
            other => other.into(),
        })?;
    Ok((mediator.id, mediator.email))
}

impl FromRequestParts<AppState> for MediatorCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (id, email) = signed_in(parts, state).await?;
        Ok(MediatorCaller(Party::Mediator { id, email }))
    }
}

impl FromRequestParts<AppState> for MediatorAuthor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (id, email) = signed_in(parts, state).await?;
        Ok(MediatorAuthor(Author::Mediator { id, email }))
    }
}

async fn load_any(state: &AppState, id: i64) -> ApiResult<store::claims::ClaimRecord> {
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    match store::claims::load_any(&mut conn, id).await {
        Err(store::StoreError::NotFound) => Err(ApiError::not_found("claim")),
        other => Ok(other.map_err(AppError::from)?),
    }
}

/// Opens a mediator session.
#[utoipa::path(post, path = "/api/v1/mediation/login", tag = "mediation", request_body = MediatorLoginIn,
    responses((status = 200, body = MediatorTokenOut), (status = 401, body = Problem),
        (status = 429, body = Problem, description = "Too many failed logins; see Retry-After")))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    WithRejection(Json(body), _): JsonBody<MediatorLoginIn>,
) -> Result<Json<MediatorTokenOut>, Response> {
    let session = app::mediators::sign_in(&state, &body.email, &body.password, &client, None)
        .await
        .map_err(|e| match e {
            Refusal::Limited { retry_after_secs } => {
                let mut response = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    "too many failed logins; try again after the seconds in Retry-After",
                )
                .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, retry_after_secs.max(1).into());
                response
            }
            Refusal::Failed(AppError::Unauthorized) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "wrong e-mail or password",
            )
            .into_response(),
            Refusal::Failed(other) => ApiError::from(other).into_response(),
        })?;
    Ok(Json(MediatorTokenOut {
        token: session.token,
    }))
}

/// The mediators' queue: escalated claims of every merchant, and those
/// waiting for the merchant's documents, longest waiting first.
#[utoipa::path(get, path = "/api/v1/mediation/claims", tag = "mediation",
    responses((status = 200, body = ClaimList), (status = 401, body = Problem)), security(("mediator" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    _m: MediatorCaller,
) -> ApiResult<Json<ClaimList>> {
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let claims = store::claims::escalated(&mut conn, 500)
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

/// The whole file: both sides' statements, documents, answer, reaction, timeline.
#[utoipa::path(get, path = "/api/v1/mediation/claims/{id}", tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimOut), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("mediator" = [])))]
pub async fn show(
    State(state): State<AppState>,
    _m: MediatorCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<ClaimOut>> {
    let c = load_any(&state, claim_id(&id)?).await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Downloads a document of any claim.
#[utoipa::path(get, path = "/api/v1/mediation/claims/{id}/documents/{doc_id}", tag = "mediation",
    params(("id" = i64, Path), ("doc_id" = i64, Path)),
    responses((status = 200, description = "the document", content_type = "application/octet-stream"), (status = 404, body = Problem)),
    security(("mediator" = [])))]
pub async fn document(
    State(state): State<AppState>,
    _m: MediatorCaller,
    Path((id, doc_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let c = load_any(&state, claim_id(&id)?).await?;
    document_download(&state, c.id, &doc_id).await
}

/// Asks the merchant for more documents, with its own deadline; silence sends
/// the claim back to the mediators.
#[utoipa::path(post, path = "/api/v1/mediation/claims/{id}/request-documents", tag = "mediation",
    request_body = DocumentsRequestIn, params(("id" = i64, Path)),
    responses((status = 200, body = ClaimOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("mediator" = [])))]
pub async fn request_documents(
    State(state): State<AppState>,
    MediatorCaller(party): MediatorCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<DocumentsRequestIn>,
) -> ApiResult<Json<ClaimOut>> {
    let c = app::claims::request_documents(&state, claim_id(&id)?, &body.message, &party).await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Decides the claim: a refund (from the merchant's payments, or from the
/// guarantee) or none, with a message to both sides.
#[utoipa::path(post, path = "/api/v1/mediation/claims/{id}/decide", tag = "mediation",
    request_body = DecisionIn, params(("id" = i64, Path)),
    responses((status = 200, body = ClaimOut), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "not with the mediators, or more than can be refunded"), (status = 422, body = Problem)),
    security(("mediator" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    MediatorCaller(party): MediatorCaller,
    Path(id): Path<String>,
    WithRejection(Json(body), _): JsonBody<DecisionIn>,
) -> ApiResult<Json<ClaimOut>> {
    let c = app::claims::decide(
        &state,
        claim_id(&id)?,
        body.amount_minor,
        body.from_guarantee,
        &body.message,
        &party,
    )
    .await?;
    Ok(Json(claim_out(&state, &c).await?))
}

/// Marks a merchant insolvent: every open claim of it goes to the mediators.
#[utoipa::path(post, path = "/api/v1/mediation/merchants/{slug}/insolvent", tag = "mediation",
    params(("slug" = String, Path)),
    responses((status = 200, body = InsolvencyOut), (status = 404, body = Problem), (status = 409, body = Problem, description = "already insolvent")),
    security(("mediator" = [])))]
pub async fn insolvent(
    State(state): State<AppState>,
    MediatorCaller(party): MediatorCaller,
    Path(slug): Path<String>,
) -> ApiResult<Json<InsolvencyOut>> {
    let merchant = app::merchants::by_slug(&state, &slug).await?;
    let escalated = app::claims::mark_insolvent(&state, merchant.id, &party).await?;
    Ok(Json(InsolvencyOut {
        merchant: merchant.slug,
        escalated_claims: escalated,
    }))
}

/// A message as a mediator sees it: attachments download through the mediation API.
fn message_out(m: &crate::store::messages::MessageRecord) -> MessageOut {
    let mut out = MessageOut::new(m);
    for a in &mut out.attachments {
        a.url = format!(
            "/api/v1/mediation/claims/{}/messages/attachments/{}",
            m.subject.id(),
            a.id
        );
    }
    out
}

/// The conversation on any claim between the buyer, the merchant and the mediators, oldest first.
#[utoipa::path(get, path = "/api/v1/mediation/claims/{id}/messages", tag = "mediation", params(("id" = i64, Path)),
    responses((status = 200, body = [MessageOut]), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("mediator" = [])))]
pub async fn thread(
    State(state): State<AppState>,
    _m: MediatorCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MessageOut>>> {
    let c = load_any(&state, claim_id(&id)?).await?;
    let thread = app::messages::thread(&state, c.merchant_id, Subject::Claim(c.id)).await?;
    Ok(Json(thread.iter().map(message_out).collect()))
}

/// A mediator writes on a claim's thread (multipart/form-data: a `body` text field of 1–5000 characters and up to 10 `attachment` files, PDF or images, 10 MB each). The buyer and the merchant's subscribed addresses are mailed; earlier buyer messages count as answered.
#[utoipa::path(post, path = "/api/v1/mediation/claims/{id}/messages", tag = "mediation", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "`body` text field, `attachment` file fields"),
    responses((status = 201, body = MessageOut), (status = 401, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("mediator" = [])))]
pub async fn post_message(
    State(state): State<AppState>,
    MediatorAuthor(author): MediatorAuthor,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    let c = load_any(&state, claim_id(&id)?).await?;
    let (body, uploads) = read_message(multipart).await?;
    let merchant = app::merchants::by_id(&state, c.merchant_id).await?;
    let m = app::messages::post(
        &state,
        &merchant,
        Subject::Claim(c.id),
        &author,
        &body,
        uploads,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(message_out(&m))))
}

/// Downloads an attachment of any claim's thread.
#[utoipa::path(get, path = "/api/v1/mediation/claims/{id}/messages/attachments/{attachment_id}", tag = "mediation",
    params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    responses((status = 200, description = "the file, as an attachment"), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("mediator" = [])))]
pub async fn message_attachment(
    State(state): State<AppState>,
    _m: MediatorCaller,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let c = load_any(&state, claim_id(&id)?).await?;
    let attachment_id: i64 = attachment_id
        .parse()
        .map_err(|_| ApiError::not_found("attachment"))?;
    let (filename, content_type, body) =
        app::messages::attachment(&state, c.merchant_id, Subject::Claim(c.id), attachment_id)
            .await?;
    Ok(download(&filename, &content_type, body))
}
