//! Reading a signed-in user's form post: the CSRF token is checked before the
//! form is read, so a missing or wrong token is a 403 and nothing runs. Staff
//! and mediator forms share this; only the session they check against differs.

use crate::app::{self, AppError};
use crate::web::shared::PageError;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// Deserializes a form body, as `axum_extra`'s `Form` does (repeated keys
/// become `Vec`s).
async fn parse<T: DeserializeOwned>(headers: &HeaderMap, bytes: &Bytes) -> Result<T, Response> {
    let mut req = Request::builder().method(Method::POST);
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let req = req
        .body(Body::from(bytes.clone()))
        .map_err(|e| PageError::from(AppError::Internal(e.into())).into_response())?;
    match Form::<T>::from_request(req, &()).await {
        Ok(Form(value)) => Ok(value),
        Err(rejection) => Err(PageError::new(
            rejection.status(),
            "This form could not be read",
            rejection.body_text(),
        )
        .into_response()),
    }
}

/// Reads a form of at most `limit` bytes whose `csrf` field must match the
/// session's token; `too_large` tells the user what to shorten.
pub async fn read_checked<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    session_csrf: &str,
    limit: usize,
    too_large: &str,
) -> Result<T, Response> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        PageError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "This form is too large",
            too_large,
        )
        .into_response()
    })?;
    let sent: CsrfField = parse(headers, &bytes).await?;
    if sent.csrf.is_empty() || !app::auth::same_token(session_csrf, &sent.csrf) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "The page was open too long or came from elsewhere. Go back, reload the page and try again.",
        )
        .into_response());
    }
    parse(headers, &bytes).await
}
