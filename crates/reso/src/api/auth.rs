//! API keys: every API call acts for exactly one merchant, the key's.

use super::problem::ApiError;
use crate::app::{self, Actor, AppError};
use crate::store::merchants::Merchant;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

pub struct ApiCaller {
    pub merchant: Merchant,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let (key_id, merchant_id) = app::auth::api_key(state, key).await?;
        let merchant = app::merchants::by_id(state, merchant_id).await?;
        Ok(ApiCaller {
            merchant,
            actor: Actor::ApiKey(key_id),
        })
    }
}

/// The optional `Idempotency-Key` header: 1 to 255 visible characters.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::bad_request("Idempotency-Key must be visible ASCII"))?
        .trim();
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::bad_request(
            "Idempotency-Key must be 1 to 255 characters",
        ));
    }
    Ok(Some(key.to_string()))
}
