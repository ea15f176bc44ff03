//! /api/v1/payment-providers: the merchant's accounts at Stripe, PayPal,
//! Adyen and Klarna (secrets go in, never come out), and
//! /webhooks/payments/{account_id}, where those providers post their news.

use super::auth::ApiCaller;
use super::dto::rfc3339;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::payment_providers::{self as providers, AccountView, Connection};
use crate::app::provider_notifications::{self, IngressError};
use crate::gateways::notification::Rejection;
use crate::gateways::providers::Mode;
use crate::secrets::Secret;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// An account to connect, replacing any the merchant had at this provider.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mode": "test", "settings": {"merchant_account": "AcmeOutdoorECOM"},
    "secrets": {"api_key": "AQE…", "hmac_key": "44782DEF…"}}))]
pub struct ProviderAccountIn {
    /// The provider's API root; by default its live (or, with `mode: test`,
    /// test) root. HTTPS, or plain HTTP to a loopback address only.
    #[serde(default)]
    pub base_url: Option<String>,
    /// `live` (default) or `test`: which root `base_url` defaults to.
    #[serde(default)]
    pub mode: Option<String>,
    /// Public settings: PayPal `client_id` and `webhook_id`, Adyen
    /// `merchant_account`, Klarna `username`; Stripe none.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// Stripe `secret_key` and `webhook_secret`; PayPal `client_secret`;
    /// Adyen `api_key` and `hmac_key`; Klarna `password`. Stored encrypted,
    /// never returned.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub secrets: BTreeMap<String, String>,
}

/// Whether a secret is stored, and its last four characters (for secrets of
/// 12 characters or more), to tell keys apart.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretState {
    pub configured: bool,
    pub last4: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderAccountOut {
    pub id: i64,
    pub provider: String,
    pub base_url: String,
    pub settings: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, SecretState>,
    /// Where the provider is to send its notifications.
    pub webhook_url: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderAccountList {
    pub items: Vec<ProviderAccountOut>,
}

fn out(state: &AppState, a: AccountView) -> ProviderAccountOut {
    ProviderAccountOut {
        id: a.id,
        provider: a.provider.code().to_string(),
        base_url: a.base_url,
        settings: a.settings,
        secrets: a
            .secrets
            .into_iter()
            .map(|(name, last4)| {
                (
                    name,
                    SecretState {
                        configured: true,
                        last4,
                    },
                )
            })
            .collect(),
        webhook_url: format!(
            "{}/webhooks/payments/{}",
            state.config.public_url.trim_end_matches('/'),
            a.id
        ),
        created_at: rfc3339(a.created_at),
        updated_at: rfc3339(a.updated_at),
    }
}

/// The merchant's connected payment-provider accounts, without secrets.
#[utoipa::path(get, path = "/api/v1/payment-providers", tag = "payment providers",
    responses((status = 200, body = ProviderAccountList), (status = 401, body = Problem)), security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<ProviderAccountList>> {
    let items = providers::list(&state, caller.merchant.id).await?;
    Ok(Json(ProviderAccountList {
        items: items.into_iter().map(|a| out(&state, a)).collect(),
    }))
}

/// Connects an account at `provider` (stripe, paypal, adyen, klarna), or
/// replaces it as a whole; its id and webhook URL stay. Invalid input
/// changes nothing. Refused (409) when the server has no `RESO_SECRET_KEY`.
#[utoipa::path(put, path = "/api/v1/payment-providers/{provider}", tag = "payment providers",
    params(("provider" = String, Path, description = "stripe, paypal, adyen or klarna")),
    request_body = ProviderAccountIn,
    responses((status = 200, body = ProviderAccountOut), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("api_key" = [])))]
pub async fn connect(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(provider): Path<String>,
    WithRejection(Json(body), _): WithRejection<Json<ProviderAccountIn>, ApiError>,
) -> ApiResult<Json<ProviderAccountOut>> {
    let provider = providers::provider(&provider)?;
    let mode = match body.mode.as_deref() {
        None | Some("live") => Mode::Live,
        Some("test") => Mode::Test,
        Some(other) => {
            return Err(ApiError::unprocessable(format!(
                "mode '{other}' is neither 'live' nor 'test'"
            )))
        }
    };
    let connection = Connection {
        base_url: body.base_url,
        mode,
        settings: body.settings,
        secrets: body
            .secrets
            .into_iter()
            .map(|(k, v)| (k, Secret::new(v)))
            .collect(),
    };
    let account = providers::connect_by(
        &state,
        caller.merchant.id,
        provider,
        connection,
        &caller.actor,
    )
    .await?;
    Ok(Json(out(&state, account)))
}

/// Disconnects the account; refunds through this provider then wait until
/// it is connected again.
#[utoipa::path(delete, path = "/api/v1/payment-providers/{provider}", tag = "payment providers",
    params(("provider" = String, Path, description = "stripe, paypal, adyen or klarna")),
    responses((status = 204), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "a dispute through this account is undecided"),
        (status = 422, body = Problem)), security(("api_key" = [])))]
pub async fn disconnect(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(provider): Path<String>,
) -> ApiResult<StatusCode> {
    let provider = providers::provider(&provider)?;
    providers::disconnect(&state, caller.merchant.id, provider, &caller.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What Reso answers a provider's delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Acknowledged {
    pub applied: usize,
    pub repeated: usize,
}

/// `POST /webhooks/payments/{account_id}`: a provider's notifications,
/// authenticated by the provider's signature, not an API key. A repeated
/// delivery is acknowledged (200) and changes nothing.
#[utoipa::path(post, path = "/webhooks/payments/{account_id}", tag = "payment providers",
    params(("account_id" = i64, Path, description = "the account's id, as in its webhook_url")),
    request_body(content = String, description = "the provider's notification, as the provider sends it"),
    responses((status = 200, body = Acknowledged),
        (status = 400, description = "the body does not parse", body = Problem),
        (status = 401, description = "missing, wrong or stale signature", body = Problem),
        (status = 404, description = "no such account, or a provider that sends no notifications", body = Problem),
        (status = 503, description = "the provider could not confirm the signature now", body = Problem)))]
pub async fn ingress(
    State(state): State<AppState>,
    WithRejection(Path(account_id), _): WithRejection<Path<i64>, ApiError>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Acknowledged>> {
    let received = provider_notifications::receive(&state, account_id, &headers, &body)
        .await
        .map_err(|e| match e {
            IngressError::UnknownAccount => ApiError::not_found("payment provider account"),
            IngressError::Unreadable(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not-found", e.to_string())
            }
            IngressError::Rejected(why @ Rejection::Unparseable(_)) => {
                ApiError::bad_request(why.to_string())
            }
            IngressError::Rejected(why) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "bad-signature", why.to_string())
            }
            IngressError::Unavailable(why) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "provider-unavailable", why)
            }
            IngressError::App(e) => e.into(),
        })?;
    Ok(Json(Acknowledged {
        applied: received.applied,
        repeated: received.repeated,
    }))
}
