//! /api/v1 message threads on returns and claims, the unanswered count, and
//! the evidence pack of an order.

use super::auth::{idempotency_key, ApiCaller};
use super::orders::request_hash;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{
    self, claims::Upload, idempotency::Idempotency, messages::Author, messages::Subject,
};
use crate::store::messages::MessageRecord;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use reso_domain::document::{MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Ten attachments of 10 MB each, plus the text.
pub const BODY_LIMIT: usize = MAX_DOCUMENTS * MAX_DOCUMENT_BYTES + 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Where to download it (same API key).
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub id: i64,
    /// `claim` or `return`.
    pub subject: String,
    pub subject_id: i64,
    /// `buyer`, `merchant` or `mediator`.
    pub author_role: String,
    pub author: String,
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
    /// When the shop answered or read it; null for a buyer message still waiting.
    pub handled_at: Option<String>,
    pub attachments: Vec<AttachmentOut>,
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn base(subject: Subject) -> String {
    match subject {
        Subject::Claim(id) => format!("/api/v1/claims/{id}/messages"),
        Subject::Return(id) => format!("/api/v1/returns/{id}/messages"),
    }
}

impl MessageOut {
    pub fn new(m: &MessageRecord) -> MessageOut {
        MessageOut {
            id: m.id,
            subject: m.subject.code().into(),
            subject_id: m.subject.id(),
            author_role: m.author_role.clone(),
            author: m.author.clone(),
            body: m.body.clone(),
            created_at: rfc3339(m.created_at),
            handled_at: m.handled_at.map(rfc3339),
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentOut {
                    id: a.id,
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    url: format!("{}/attachments/{}", base(m.subject), a.id),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnansweredOut {
    /// Buyer messages the shop has not answered or read.
    pub count: i64,
}

fn subject_of(kind: &str, raw: &str) -> ApiResult<Subject> {
    match (kind, raw.parse::<i64>()) {
        ("claim", Ok(id)) => Ok(Subject::Claim(id)),
        ("return", Ok(id)) => Ok(Subject::Return(id)),
        ("claim", Err(_)) => Err(ApiError::not_found("claim")),
        _ => Err(ApiError::not_found("return")),
    }
}

/// The `body` text field and the `attachment` file fields of a multipart body;
/// a file over 10 MB is refused while it streams in.
pub(crate) async fn read_message(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(String, Vec<Upload>)> {
    let mut multipart = multipart.map_err(|e| {
        ApiError::bad_request(format!("send multipart/form-data: {}", e.body_text()))
    })?;
    let too_large =
        |detail: String| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", detail);
    let mut body = String::new();
    let mut uploads = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(ApiError::from)? {
        match field.name() {
            Some("body") => {
                body = field.text().await.map_err(ApiError::from)?;
            }
            Some("attachment") => {
                if uploads.len() == MAX_DOCUMENTS {
                    return Err(ApiError::unprocessable(format!(
                        "at most {MAX_DOCUMENTS} documents at a time"
                    )));
                }
                let filename = field.file_name().unwrap_or("attachment").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(ApiError::from)? {
                    if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(too_large(format!("'{filename}' is larger than 10 MB")));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                uploads.push(Upload { filename, bytes });
            }
            _ => {}
        }
    }
    Ok((body, uploads))
}

async fn list(
    state: &AppState,
    caller: &ApiCaller,
    subject: Subject,
) -> ApiResult<Json<Vec<MessageOut>>> {
    let thread = app::messages::thread(state, caller.merchant.id, subject).await?;
    Ok(Json(thread.iter().map(MessageOut::new).collect()))
}

async fn post(
    state: &AppState,
    caller: &ApiCaller,
    subject: Subject,
    headers: &HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    let key = idempotency_key(headers)?;
    let (body, uploads) = read_message(multipart).await?;
    let idem = key.as_deref().map(|k| Idempotency {
        key: k,
        request_hash: message_hash(subject, &body, &uploads),
    });
    let author = Author::Staff(caller.actor.clone());
    let done = app::messages::post_with_key(
        state,
        &caller.merchant,
        subject,
        &author,
        &body,
        uploads,
        idem.as_ref(),
    )
    .await?;
    let status = if done.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(MessageOut::new(&done.value))))
}

/// The message as the key's digest sees it: the thread, the text, and each
/// attachment's name and content.
fn message_hash(subject: Subject, body: &str, uploads: &[Upload]) -> String {
    let files: Vec<serde_json::Value> = uploads
        .iter()
        .map(|u| serde_json::json!([u.filename, format!("{:x}", Sha256::digest(&u.bytes))]))
        .collect();
    let fields = serde_json::json!([subject.code(), subject.id(), body, files]);
    request_hash(&["message", &fields.to_string()])
}

/// A file as a download: never rendered inline, never sniffed into HTML.
pub fn download(filename: &str, content_type: &str, body: Vec<u8>) -> Response {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
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
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response()
}

async fn attachment(
    state: &AppState,
    caller: &ApiCaller,
    subject: Subject,
    raw_id: &str,
) -> ApiResult<Response> {
    let id: i64 = raw_id
        .parse()
        .map_err(|_| ApiError::not_found("attachment"))?;
    let (filename, content_type, body) =
        app::messages::attachment(state, caller.merchant.id, subject, id).await?;
    Ok(download(&filename, &content_type, body))
}

/// The conversation on a return, oldest message first.
#[utoipa::path(get, path = "/api/v1/returns/{id}/messages", tag = "messages", params(("id" = i64, Path)),
    responses((status = 200, body = [MessageOut]), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn return_thread(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MessageOut>>> {
    list(&state, &caller, subject_of("return", &id)?).await
}

/// The shop writes on a return's thread (multipart/form-data: a `body` text field of 1–5000 characters and up to 10 `attachment` files, PDF or images, 10 MB each). The buyer is mailed; earlier buyer messages count as answered.
/// With an `Idempotency-Key` header a retry with the same key and content gets the first message (200) instead of posting it twice.
#[utoipa::path(post, path = "/api/v1/returns/{id}/messages", tag = "messages",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    request_body(content_type = "multipart/form-data", content = String, description = "`body` text field, `attachment` file fields"),
    responses((status = 201, body = MessageOut), (status = 200, body = MessageOut, description = "replay of an earlier request"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "a request with this key is still being processed"),
        (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn post_on_return(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    post(
        &state,
        &caller,
        subject_of("return", &id)?,
        &headers,
        multipart,
    )
    .await
}

/// The conversation on a claim, oldest message first (buyer, shop and mediators).
#[utoipa::path(get, path = "/api/v1/claims/{id}/messages", tag = "messages", params(("id" = i64, Path)),
    responses((status = 200, body = [MessageOut]), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn claim_thread(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MessageOut>>> {
    list(&state, &caller, subject_of("claim", &id)?).await
}

/// The shop writes on a claim's thread (same body and Idempotency-Key as for returns).
#[utoipa::path(post, path = "/api/v1/claims/{id}/messages", tag = "messages",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    request_body(content_type = "multipart/form-data", content = String, description = "`body` text field, `attachment` file fields"),
    responses((status = 201, body = MessageOut), (status = 200, body = MessageOut, description = "replay of an earlier request"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "a request with this key is still being processed"),
        (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn post_on_claim(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<MessageOut>)> {
    post(
        &state,
        &caller,
        subject_of("claim", &id)?,
        &headers,
        multipart,
    )
    .await
}

/// Downloads an attachment of a return's thread.
#[utoipa::path(get, path = "/api/v1/returns/{id}/messages/attachments/{attachment_id}", tag = "messages",
    params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    responses((status = 200, description = "the file, as an attachment"), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn return_attachment(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    attachment(&state, &caller, subject_of("return", &id)?, &attachment_id).await
}

/// Downloads an attachment of a claim's thread.
#[utoipa::path(get, path = "/api/v1/claims/{id}/messages/attachments/{attachment_id}", tag = "messages",
    params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    responses((status = 200, description = "the file, as an attachment"), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn claim_attachment(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    attachment(&state, &caller, subject_of("claim", &id)?, &attachment_id).await
}

/// How many buyer messages wait for the shop's answer.
#[utoipa::path(get, path = "/api/v1/messages/unanswered", tag = "messages",
    responses((status = 200, body = UnansweredOut)), security(("api_key" = [])))]
pub async fn unanswered(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<UnansweredOut>> {
    let count = app::messages::unanswered_count(&state, caller.merchant.id).await?;
    Ok(Json(UnansweredOut { count }))
}

/// The evidence pack of an order: one ZIP with `order.json` (lines, payments with refunded amounts, shipments with tracking and delivery dates), `returns.json`, `refunds.json` (credit notes), `claims.json`, `timeline.json`, `messages.json`, `summary.txt` and every document, photo and attachment under `documents/`.
#[utoipa::path(get, path = "/api/v1/orders/{number}/evidence", tag = "orders", params(("number" = String, Path)),
    responses((status = 200, content_type = "application/zip", description = "the ZIP archive"), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn evidence(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let order_id = app::evidence::order_id_by_number(&state, caller.merchant.id, &number).await?;
    let zip = app::evidence::pack(&state, &caller.merchant, order_id).await?;
    Ok(zip_response(&number, zip))
}

/// The ZIP as a download named after the order.
pub fn zip_response(order_number: &str, zip: Vec<u8>) -> Response {
    let safe: String = order_number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut res = download(&format!("evidence-{safe}.zip"), "application/zip", zip);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}
