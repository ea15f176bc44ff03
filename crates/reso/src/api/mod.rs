//! The versioned JSON API (`/api/v1`) for the shop's systems, authenticated by
//! API keys and documented by the OpenAPI 3.1 document at `/api/openapi.json`.
//! Handlers extract, call a use case in `app/`, and respond.

pub mod auth;
pub mod buyer;
pub mod claim_dto;
pub mod claims;
pub mod dev_clock;
mod doc_problems;
pub mod dto;
pub mod events;
pub mod exports;
pub mod insights;
pub mod mediation;
pub mod merchant;
pub mod messages;
pub mod orders;
pub mod payment_providers;
pub mod problem;
pub mod quality_alerts;
pub mod returns;
pub mod what_if;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use doc_problems::CommonProblems;
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
        merchant::show, merchant::update, what_if::replay,
        payment_providers::list, payment_providers::connect, payment_providers::disconnect,
        payment_providers::ingress,
        messages::return_thread, messages::post_on_return, messages::return_attachment,
        messages::claim_thread, messages::post_on_claim, messages::claim_attachment,
        messages::unanswered, messages::evidence,
        claims::list, claims::show, claims::answer, claims::answer_dispute, claims::send_documents, claims::document,
        claims::protect, claims::protection, claims::terms, claims::update_terms,
        buyer::order, buyer::conclude, buyer::open_claim, buyer::react, buyer::add_documents,
        mediation::login, mediation::queue, mediation::show, mediation::document,
        mediation::request_documents, mediation::decide, mediation::insolvent,
        mediation::thread, mediation::post_message, mediation::message_attachment,
        quality_alerts::list, quality_alerts::acknowledge,
        insights::show,
        exports::returns, exports::refunds, exports::claims,
    ),
    modifiers(&ApiKeyAuth, &CommonProblems),
    tags((name = "orders"), (name = "returns"), (name = "refunds"), (name = "events"), (name = "webhooks"), (name = "merchant"), (name = "payment providers"), (name = "messages"), (name = "claims"), (name = "buyer"), (name = "mediation"), (name = "quality"), (name = "insights"), (name = "exports"))
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
        // Buyers send their order link's token; mediators their session token.
        for (name, format) in [
            ("buyer_link", "order link token"),
            ("mediator", "mediator session token"),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format(format)
                        .build(),
                ),
            );
        }
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
        .route("/decision-matrix/what-if", post(what_if::replay))
        .route("/payment-providers", get(payment_providers::list))
        .route(
            "/payment-providers/{provider}",
            put(payment_providers::connect).delete(payment_providers::disconnect),
        )
        .route(
            "/returns/{id}/messages",
            get(messages::return_thread)
                .post(messages::post_on_return)
                .layer(DefaultBodyLimit::max(messages::BODY_LIMIT)),
        )
        .route(
            "/returns/{id}/messages/attachments/{attachment_id}",
            get(messages::return_attachment),
        )
        .route(
            "/claims/{id}/messages",
            get(messages::claim_thread)
                .post(messages::post_on_claim)
                .layer(DefaultBodyLimit::max(messages::BODY_LIMIT)),
        )
        .route(
            "/claims/{id}/messages/attachments/{attachment_id}",
            get(messages::claim_attachment),
        )
        .route("/messages/unanswered", get(messages::unanswered))
        .route("/orders/{number}/evidence", get(messages::evidence))
        .route("/claims", get(claims::list))
        .route("/claims/{id}", get(claims::show))
        .route("/claims/{id}/answer", post(claims::answer))
        .route("/claims/{id}/dispute-answer", post(claims::answer_dispute))
        .route(
            "/claims/{id}/documents",
            post(claims::send_documents).layer(DefaultBodyLimit::max(claims::DOCUMENTS_BODY_LIMIT)),
        )
        .route("/claims/{id}/documents/{doc_id}", get(claims::document))
        .route("/orders/{number}/protect", post(claims::protect))
        .route("/orders/{number}/protection", get(claims::protection))
        .route(
            "/merchant/protection",
            get(claims::terms).put(claims::update_terms),
        )
        .route("/buyer/order", get(buyer::order))
        .route("/buyer/protection/conclude", post(buyer::conclude))
        .route("/buyer/claims", post(buyer::open_claim))
        .route("/buyer/claims/{id}/reaction", post(buyer::react))
        .route(
            "/buyer/claims/{id}/documents",
            post(buyer::add_documents).layer(DefaultBodyLimit::max(claims::DOCUMENTS_BODY_LIMIT)),
        )
        .route("/mediation/login", post(mediation::login))
        .route("/mediation/claims", get(mediation::queue))
        .route("/mediation/claims/{id}", get(mediation::show))
        .route(
            "/mediation/claims/{id}/documents/{doc_id}",
            get(mediation::document),
        )
        .route(
            "/mediation/claims/{id}/request-documents",
            post(mediation::request_documents),
        )
        .route("/mediation/claims/{id}/decide", post(mediation::decide))
        .route(
            "/mediation/claims/{id}/messages",
            get(mediation::thread)
                .post(mediation::post_message)
                .layer(DefaultBodyLimit::max(messages::BODY_LIMIT)),
        )
        .route(
            "/mediation/claims/{id}/messages/attachments/{attachment_id}",
            get(mediation::message_attachment),
        )
        .route(
            "/mediation/merchants/{slug}/insolvent",
            post(mediation::insolvent),
        )
        .route("/exports/returns", get(exports::returns))
        .route("/exports/refunds", get(exports::refunds))
        .route("/exports/claims", get(exports::claims))
        .route("/insights", get(insights::show))
        .route("/quality-alerts", get(quality_alerts::list))
        .route(
            "/quality-alerts/{id}/acknowledge",
            post(quality_alerts::acknowledge),
        )
        .fallback(no_such_endpoint);
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        // Outside /api/v1 and without an API key: providers sign what they send.
        .route(
            "/webhooks/payments/{account_id}",
            post(payment_providers::ingress),
        )
        .nest("/api/v1", v1)
}
