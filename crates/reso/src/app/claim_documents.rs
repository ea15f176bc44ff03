//! The buyer adds documents (order confirmation, photos) to an open claim.

use super::claims::{claim_event, load_for_change, save_documents, Party, Upload};
use super::{AppError, AppResult};
use crate::store::{claims::ClaimRecord, merchants::Merchant};
use crate::AppState;
use serde_json::json;

/// Adds the buyer's documents to one of their open claims, checked by content.
pub async fn add_buyer_documents(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    uploads: Vec<Upload>,
    buyer: &str,
) -> AppResult<ClaimRecord> {
    if uploads.is_empty() {
        return Err(AppError::Invalid("attach at least one document".into()));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let c = load_for_change(&mut tx, merchant.id, claim_id, now).await?;
    if !c.buyer_email.eq_ignore_ascii_case(buyer) {
        return Err(AppError::Forbidden(
            "only the buyer of this order can add documents to the claim".into(),
        ));
    }
    if !c.claim.status.is_open() {
        return Err(AppError::Conflict(
            "the claim is closed; it takes no more documents".into(),
        ));
    }
    let party = Party::Buyer(buyer.to_string());
    let count = save_documents(&mut tx, c.id, &party, &uploads, now).await?;
    claim_event(
        &mut tx,
        merchant,
        &c,
        "claim.documents_added",
        &format!("buyer:{buyer}"),
        json!({ "documents": count }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}
