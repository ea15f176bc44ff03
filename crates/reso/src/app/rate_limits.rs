//! Rate limits at the doors: failed sign-ins per account and per client
//! address, and magic-link requests per client address.
//!
//! Attempts are rows in the database (`rate_limit_hits`), not counters in
//! one process's memory: several instances behind one address share the
//! limit, and a restart hands an attacker no fresh allowance. Time is the
//! injected clock's.

use super::{AppError, AppResult};
use crate::store::{self, StoreError};
use crate::AppState;
use std::future::Future;

/// At most `attempts` in any `window_ms`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub attempts: i64,
    pub window_ms: i64,
}

const MINUTE_MS: i64 = 60_000;

/// Failed sign-ins to one account: enough for typos, too few for guessing.
pub const ACCOUNT_FAILURES: Limit = Limit {
    attempts: 10,
    window_ms: 15 * MINUTE_MS,
};

/// Failed sign-ins from one client address, whatever the account: higher
/// than one account's, as a shop's staff may share an office's address.
pub const ADDRESS_FAILURES: Limit = Limit {
    attempts: 30,
    window_ms: 15 * MINUTE_MS,
};

/// Magic-link requests from one client address (each order also has its own
/// limit of five an hour, `app::buyer`): this one stops a single client
/// trying order numbers and e-mail addresses or flooding buyers with mail.
pub const ADDRESS_LINK_REQUESTS: Limit = Limit {
    attempts: 20,
    window_ms: 60 * MINUTE_MS,
};

/// Attempts are kept a day at most: longer than any window.
const KEEP_MS: i64 = 24 * 60 * MINUTE_MS;

/// Which sign-in a limit counts: each console has its own accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Staff,
    Mediator,
}

impl Door {
    fn name(self) -> &'static str {
        match self {
            Door::Staff => "staff-login",
            Door::Mediator => "mediator-login",
        }
    }
}

/// Why a limited request did not go through.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Too many attempts: nothing was checked; try again after this many seconds.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    Limited { retry_after_secs: i64 },
    /// The attempt ran and failed (wrong password, unknown order, …).
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Failed(e.into())
    }
}

/// Runs a sign-in `attempt` for `email` from `client` unless its account or
/// its address has had too many recent failures. A wrong password
/// (`Unauthorized`) counts against both; a success clears the account's
/// failures (not the address's: one valid account must not let an attacker
/// reset the count while guessing others); a refused attempt counts nothing.
pub async fn sign_in<T>(
    state: &AppState,
    door: Door,
    email: &str,
    client: &str,
    attempt: impl Future<Output = AppResult<T>>,
) -> Result<T, Refusal> {
    let account = format!("{}:account:{}", door.name(), email.trim().to_lowercase());
    let address = format!("{}:address:{client}", door.name());
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::auth::prune_hits(&mut tx, now - KEEP_MS).await?;
    let by_account = hit(&mut tx, &account, now, ACCOUNT_FAILURES).await?;
    let by_address = hit(&mut tx, &address, now, ADDRESS_FAILURES).await?;
    let wait = [by_account, by_address]
        .iter()
        .filter_map(|(_, wait)| *wait)
        .max();
    if let Some(retry_after_secs) = wait {
        store::auth::forget_hit(&mut tx, by_account.0).await?;
        store::auth::forget_hit(&mut tx, by_address.0).await?;
        tx.commit().await?;
        return Err(Refusal::Limited { retry_after_secs });
    }
    // Committed before the password is checked, so parallel guesses count each other.
    tx.commit().await?;

    let outcome = attempt.await;
    let mut tx = state.db.begin().await?;
    match &outcome {
        Ok(_) => {
            store::auth::forget_bucket(&mut tx, &account).await?;
            store::auth::forget_hit(&mut tx, by_address.0).await?;
        }
        Err(AppError::Unauthorized) => {}
        Err(_) => {
            // Not a wrong password (e.g. the database failed): no failure to count.
            store::auth::forget_hit(&mut tx, by_account.0).await?;
            store::auth::forget_hit(&mut tx, by_address.0).await?;
        }
    }
    tx.commit().await?;
    Ok(outcome?)
}

/// Counts one magic-link request from `client`; `Limited` once the address
/// has asked too often (a refused request is not counted).
pub async fn link_request(state: &AppState, client: &str) -> Result<(), Refusal> {
    let bucket = format!("magic-link:address:{client}");
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::auth::prune_hits(&mut tx, now - KEEP_MS).await?;
    let (id, wait) = hit(&mut tx, &bucket, now, ADDRESS_LINK_REQUESTS).await?;
    if let Some(retry_after_secs) = wait {
        store::auth::forget_hit(&mut tx, id).await?;
        tx.commit().await?;
        return Err(Refusal::Limited { retry_after_secs });
    }
    tx.commit().await?;
    Ok(())
}

/// Counts an attempt in `bucket`: its id, and the seconds to wait if the
/// bucket is over `limit` with it.
async fn hit(
    conn: &mut sqlx::AnyConnection,
    bucket: &str,
    now: i64,
    limit: Limit,
) -> Result<(i64, Option<i64>), StoreError> {
    let hits = store::auth::count_hit(conn, bucket, now, now - limit.window_ms).await?;
    let wait = (hits.count > limit.attempts).then(|| retry_after_secs(hits.oldest, now, limit));
    Ok((hits.id, wait))
}

/// Seconds until the oldest attempt leaves the window (at least one).
fn retry_after_secs(oldest: i64, now: i64, limit: Limit) -> i64 {
    let ms = (oldest + limit.window_ms - now).max(0);
    (ms + 999) / 1000 + i64::from(ms == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_lasts_until_the_oldest_attempt_leaves_the_window() {
        let limit = ACCOUNT_FAILURES;
        assert_eq!(retry_after_secs(0, 0, limit), 900);
        assert_eq!(retry_after_secs(0, 60_000, limit), 840);
        assert_eq!(retry_after_secs(0, 899_001, limit), 1);
        // Never "retry after 0 seconds".
        assert_eq!(retry_after_secs(0, 900_000, limit), 1);
    }
}
