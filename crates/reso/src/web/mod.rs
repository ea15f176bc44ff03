//! HTML pages: the buyer portal and public policy page (`buyer/`), and the
//! staff control center (`admin/`). Plain forms that work without JavaScript.

pub mod admin;
pub mod buyer;
pub mod charts;
pub mod csrf_form;
pub mod mediator;
pub mod shared;
pub mod sign_in;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(shared::router())
        .merge(buyer::router())
        .merge(admin::router())
        .merge(mediator::router())
}
