//! HTML pages: the buyer portal and public policy page (`buyer/`), and the
//! staff control center (`admin/`). Plain forms that work without JavaScript.

pub mod admin;
pub mod buyer;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().merge(buyer::router()).merge(admin::router())
}
