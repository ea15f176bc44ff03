//! The staff control center: the returns queue, a return and its actions,
//! an order with goodwill refunds, and the merchant's settings. Every lookup
//! goes through the merchant of the signed-in staff user, so one shop never
//! sees another's data; every form carries the session's CSRF token.

mod claim_actions;
mod claims;
mod dashboard;
mod evidence;
mod exports;
mod login;
mod messages;
pub(crate) mod money;
mod orders;
mod protection_settings;
pub(crate) mod quality_alerts;
mod queue;
mod return_actions;
mod return_page;
pub mod session;
mod settings;
mod settings_form;
mod timeline;
mod what_if;

use crate::AppState;
use axum::http::{header, HeaderValue};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(|| async { Redirect::to("/admin/returns") }))
        .route("/admin/login", get(login::show).post(login::submit))
        .route("/admin/logout", post(login::logout))
        .route("/admin/returns", get(queue::show))
        .route("/admin/insights", get(dashboard::show))
        .route("/admin/returns/{id}", get(return_page::show))
        .route(
            "/admin/returns/{id}/photos/{photo_id}",
            get(return_page::photo),
        )
        .route(
            "/admin/returns/{id}/authorize",
            post(return_actions::authorize),
        )
        .route("/admin/returns/{id}/reject", post(return_actions::reject))
        .route(
            "/admin/returns/{id}/request-photos",
            post(return_actions::request_photos),
        )
        .route(
            "/admin/returns/{id}/tracking",
            post(return_actions::tracking),
        )
        .route("/admin/returns/{id}/receive", post(return_actions::receive))
        .route("/admin/returns/{id}/inspect", post(return_actions::inspect))
        .route("/admin/returns/{id}/refund", post(return_actions::refund))
        .merge(claims::router())
        .merge(messages::router())
        .merge(evidence::router())
        .merge(quality_alerts::router())
        .merge(exports::router())
        .route("/admin/orders/{id}", get(orders::show))
        .route("/admin/orders/{id}/goodwill", post(orders::goodwill))
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route(
            "/admin/settings/protection",
            get(protection_settings::show).post(protection_settings::save),
        )
        .route("/admin/settings/webhooks", post(settings::add_webhook))
        .route(
            "/admin/settings/webhooks/{id}/disable",
            post(settings::disable_webhook),
        )
        .route("/admin/settings/api-keys", post(settings::create_api_key))
        .route(
            "/admin/settings/decision-matrix/what-if",
            post(what_if::try_rules),
        )
        // Staff pages hold a shop's data and the session's CSRF token: no
        // shared or back-button cache keeps them (the photo sets its own).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Who is signed in, shown on every staff page (and the CSRF token for the
/// sign-out form in the header).
pub struct Nav {
    pub merchant: String,
    pub user: String,
    pub role: String,
    pub csrf: String,
    /// Buyer messages waiting for the shop, shown as "Messages (3)".
    pub unanswered: i64,
    /// Claims waiting for the shop's answer, shown as "Claims (2)".
    pub claims_waiting: i64,
    /// The quality alert banner, while an alert waits to be acknowledged.
    pub quality: Option<quality_alerts::QualityBanner>,
}

/// A storage or database failure as an error page.
fn db_error<E: Into<crate::app::AppError>>(e: E) -> crate::web::shared::PageError {
    crate::web::shared::PageError::from(e.into())
}
