//! The evidence pack of an order as a download for staff.

use super::session::Staff;
use crate::app::{self, AppError};
use crate::web::shared::PageResult;
use crate::AppState;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/orders/{id}/evidence.zip", get(download))
}

/// Only an order of the signed-in user's shop; any other id is "not found".
pub async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let order_id: i64 = id.parse().map_err(|_| AppError::NotFound("order"))?;
    let order = app::orders::by_id(&state, staff.merchant.id, order_id).await?;
    let zip = app::evidence::pack(&state, &staff.merchant, order.id).await?;
    Ok(crate::api::messages::zip_response(&order.number, zip))
}
