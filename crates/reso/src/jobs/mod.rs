//! The outbox worker: mail, webhooks and gateway calls, retried with back-off.

use crate::AppState;

/// Runs due jobs until the process ends.
pub async fn run_forever(state: AppState) {
    let _ = state;
}
