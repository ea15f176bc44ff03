//! Instants as milliseconds since the Unix epoch (UTC). The domain never reads
//! a clock: whoever calls it passes `now`.

use serde::{Deserialize, Serialize};

pub const MS_PER_DAY: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_days(self, days: i64) -> Self {
        Timestamp(self.0.saturating_add(days.saturating_mul(MS_PER_DAY)))
    }

    /// Whole days elapsed from `earlier` to `self` (rounded down; negative if
    /// `earlier` is in the future).
    pub fn days_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).div_euclid(MS_PER_DAY)
    }
}
