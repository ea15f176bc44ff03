//! HTML pages: the buyer portal, the public policy page and the control center.

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
