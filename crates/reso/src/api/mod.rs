//! The versioned JSON API (`/api/v1`) for the shop's systems, authenticated by
//! API keys and documented by the OpenAPI 3.1 document at `/api/openapi.json`.
//! Handlers extract, call a use case in `app/`, and respond.

pub mod auth;
pub mod dto;
pub mod events;
pub mod merchant;
pub mod orders;
pub mod problem;
pub mod returns;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Reso API", version = "1.0.0",
        description = "Returns, refunds and buyer protection for online shops. Amounts are integers in minor units of the order's ISO 4217 currency. Errors are application/problem+json."),
    paths(
        orders::upsert, orders::list, orders::show, orders::refunds, orders::goodwill,
        returns::create, returns::list, returns::show, returns::events, returns::authorize, returns::reject,
        returns::request_photos, returns::add_photos, returns::ship_back, returns::receive, returns::inspect,
        returns::withdraw, returns::refund,
        events::feed, events::add_webhook, events::list_webhooks, events::delete_webhook,
        merchant::show, merchant::update,
    ),
    modifiers(&ApiKeyAuth),
    tags((name = "orders"), (name = "returns"), (name = "refunds"), (name = "events"), (name = "webhooks"), (name = "merchant"))
)]
pub struct ApiDoc;

struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("reso_…")
                    .build(),
            ),
        );
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

async fn no_such_endpoint() -> problem::ApiError {
    problem::ApiError::not_found("API endpoint")
}

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .route("/orders", post(orders::upsert).get(orders::list))
        .route("/orders/{number}", get(orders::show))
        .route(
            "/orders/{number}/refunds",
            get(orders::refunds).post(orders::goodwill),
        )
        .route("/orders/{number}/returns", post(returns::create))
        .route("/returns", get(returns::list))
        .route("/returns/{id}", get(returns::show))
        .route("/returns/{id}/events", get(returns::events))
        .route("/returns/{id}/authorize", post(returns::authorize))
        .route("/returns/{id}/reject", post(returns::reject))
        .route(
            "/returns/{id}/request-photos",
            post(returns::request_photos),
        )
        .route(
            "/returns/{id}/photos",
            post(returns::add_photos).layer(DefaultBodyLimit::max(27 * 1024 * 1024)),
        )
        .route("/returns/{id}/shipment", post(returns::ship_back))
        .route("/returns/{id}/receive", post(returns::receive))
        .route("/returns/{id}/inspect", post(returns::inspect))
        .route("/returns/{id}/withdraw", post(returns::withdraw))
        .route("/returns/{id}/refund", post(returns::refund))
        .route("/events", get(events::feed))
        .route(
            "/webhooks",
            post(events::add_webhook).get(events::list_webhooks),
        )
        .route("/webhooks/{id}", delete(events::delete_webhook))
        .route("/merchant", get(merchant::show).put(merchant::update))
        .fallback(no_such_endpoint);
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .nest("/api/v1", v1)
}
