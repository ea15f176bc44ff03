//! A merchant's webhook endpoints as staff manage them (adding one is
//! `merchants::add_webhook`, which hands out the signing secret).

use super::{AppError, AppResult};
use crate::store::{self, webhooks::Endpoint};
use crate::AppState;

/// The merchant's active endpoints.
pub async fn list(state: &AppState, merchant_id: i64) -> AppResult<Vec<Endpoint>> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(store::webhooks::for_merchant(&mut conn, merchant_id).await?)
}

/// Stops deliveries to an endpoint of this merchant.
pub async fn disable(state: &AppState, merchant_id: i64, endpoint_id: i64) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    if !store::webhooks::disable(&mut tx, merchant_id, endpoint_id, state.now()).await? {
        return Err(AppError::NotFound("webhook endpoint"));
    }
    tx.commit().await?;
    Ok(())
}
