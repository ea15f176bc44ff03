//! The mediator console: the operator's mediators work escalated claims of
//! every merchant. Its own sign-in and cookie (`reso_mediator`): a shop's
//! staff session opens nothing here. Every form carries the session's CSRF token.

mod claim_actions;
mod claim_page;
mod login;
mod messages;
mod queue;
pub mod session;
mod timeline;

use crate::web::buyer::documents::BODY_LIMIT;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mediator", get(queue::show))
        .route("/mediator/login", get(login::show).post(login::submit))
        .route("/mediator/logout", post(login::logout))
        .route("/mediator/claims/{id}", get(claim_page::show))
        .route(
            "/mediator/claims/{id}/documents/{doc_id}",
            get(claim_page::document),
        )
        .route(
            "/mediator/claims/{id}/messages",
            post(messages::post).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route(
            "/mediator/claims/{id}/messages/attachments/{attachment_id}",
            get(messages::attachment),
        )
        .route(
            "/mediator/claims/{id}/request-documents",
            post(claim_actions::request_documents),
        )
        .route("/mediator/claims/{id}/decide", post(claim_actions::decide))
        .route(
            "/mediator/claims/{id}/insolvent",
            post(claim_actions::mark_insolvent),
        )
        // Claim files hold both sides' data and the session's CSRF token:
        // no shared or back-button cache keeps them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// A storage or database failure as an error page.
fn db_error<E: Into<crate::app::AppError>>(e: E) -> crate::web::shared::PageError {
    crate::web::shared::PageError::from(e.into())
}
