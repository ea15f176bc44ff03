//! What-if for the decision matrix: a draft rule set replayed on the shop's
//! past return requests of a period and compared with what the live rules
//! did. It only reads: nothing is saved, no event is written.

use super::{AppError, AppResult};
use crate::store::merchants::Merchant;
use crate::store::what_if::{self as past, PastClaimRow, PastRequest};
use crate::AppState;
use reso_domain::what_if::{self, WhatIf};
use reso_domain::{DecisionMatrix, Timestamp};
use std::collections::HashMap;

/// At most this many requests are replayed: the most recent of the period.
pub const MAX_REQUESTS: i64 = 10_000;
/// The period when none is given: the last 90 days.
pub const DEFAULT_DAYS: i64 = 90;

/// The period replayed: requests asked for at `from` or later and before `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
}

impl Period {
    /// Fills in the defaults (up to now, 90 days back) and checks the order.
    /// The end never lies past `now`: nothing was asked for later.
    pub fn resolve(from: Option<i64>, to: Option<i64>, now: i64) -> AppResult<Period> {
        let to = to.unwrap_or(now).min(now);
        let from = from.unwrap_or_else(|| Timestamp(to).plus_days(-DEFAULT_DAYS).millis());
        if from >= to {
            return Err(AppError::Invalid(
                "the period must start before it ends (and before now)".into(),
            ));
        }
        Ok(Period { from, to })
    }
}

/// The replay and what the pages need to name the requests and claims.
pub struct Replay {
    pub period: Period,
    pub draft: DecisionMatrix,
    pub result: WhatIf,
    pub requests: Vec<PastRequest>,
    pub claims: Vec<PastClaimRow>,
    /// True when the period held more requests than were replayed.
    pub limit_reached: bool,
    by_return: HashMap<i64, usize>,
}

impl Replay {
    pub fn request(&self, return_id: i64) -> Option<&PastRequest> {
        self.by_return
            .get(&return_id)
            .and_then(|&i| self.requests.get(i))
    }

    pub fn claim(&self, claim_id: i64) -> Option<&PastClaimRow> {
        self.claims.iter().find(|c| c.claim.claim_id == claim_id)
    }
}

/// Replays `draft` (checked first) on the merchant's requests of `period`.
pub async fn replay(
    state: &AppState,
    merchant: &Merchant,
    draft: DecisionMatrix,
    period: Period,
) -> AppResult<Replay> {
    draft.validate()?;
    let mut conn = state.db.reader().acquire().await?;
    // One more than replayed tells whether the period held more.
    let mut requests = past::past_requests(
        &mut conn,
        merchant.id,
        period.from,
        period.to,
        MAX_REQUESTS + 1,
    )
    .await?;
    let limit_reached = requests.len() as i64 > MAX_REQUESTS;
    requests.truncate(MAX_REQUESTS as usize);
    let claims =
        past::past_claims(&mut conn, merchant.id, period.from, period.to, MAX_REQUESTS).await?;
    drop(conn);
    let returns: Vec<_> = requests.iter().map(|r| r.past.clone()).collect();
    let past_claims: Vec<_> = claims.iter().map(|c| c.claim.clone()).collect();
    let result = what_if::replay(&draft, &returns, &past_claims)?;
    let by_return = requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.past.return_id, i))
        .collect();
    Ok(Replay {
        period,
        draft,
        result,
        requests,
        claims,
        limit_reached,
        by_return,
    })
}
