//! The versioned JSON API (`/api/v1`), documented at `/api/openapi.json`.

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
