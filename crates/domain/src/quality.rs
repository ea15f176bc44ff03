//! Quality alerts: when too many of a SKU's units come back because they were
//! damaged, defective or not as described, the shop should hear of it before
//! the next batch ships.
//!
//! The rate is taken over a cohort: the units of the SKU sold in orders placed
//! inside the rolling window, and how many of those very units buyers sent
//! back for a quality reason. A rate is therefore never above 100 %.
//!
//! An alert is raised once when the rate reaches the threshold with enough
//! sales behind it, and not again while it stays there; it re-arms only after
//! the rate has dropped below the threshold (hysteresis), so a SKU hovering
//! around the line does not mail the shop every quarter of an hour.

use crate::reason::ReturnReason;
use std::fmt;

/// Reasons that say something about the product, not about the buyer's taste
/// or the courier's speed.
pub const QUALITY_REASONS: [ReturnReason; 3] = [
    ReturnReason::Damaged,
    ReturnReason::Defective,
    ReturnReason::NotAsDescribed,
];

pub fn is_quality_reason(reason: ReturnReason) -> bool {
    QUALITY_REASONS.contains(&reason)
}

/// 100 % in basis points.
pub const FULL_RATE_BP: u32 = 10_000;

/// When a merchant wants to hear of a SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualityRule {
    /// Alert at this rate or above, in basis points (1000 = 10 %).
    pub threshold_bp: u32,
    /// Fewer units sold in the window say nothing: one bad parcel of three
    /// would read as 33 %.
    pub min_units_sold: u32,
    pub window_days: u32,
}

impl Default for QualityRule {
    /// 10 %: quality reasons usually account for a few percent of units sold,
    /// so one unit in ten coming back broken or wrong is well past noise.
    /// 30 units: the smallest sample where that takes three separate
    /// complaints, so a single damaged delivery (often several units of one
    /// order) cannot trip it alone. 90 days: longer than the usual return
    /// windows (14–30 days) plus shipping, so most returns of the units sold
    /// have arrived, and short enough that a fixed product re-arms in a quarter.
    fn default() -> Self {
        QualityRule {
            threshold_bp: 1_000,
            min_units_sold: 30,
            window_days: 90,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QualityRuleError {
    #[error("the threshold must be above 0 % and at most 100 %")]
    Threshold,
    #[error("the minimum of units sold must be between 1 and 1000000")]
    MinUnitsSold,
    #[error("the window must be between 7 and 365 days")]
    Window,
}

impl QualityRule {
    pub fn new(
        threshold_bp: u32,
        min_units_sold: u32,
        window_days: u32,
    ) -> Result<Self, QualityRuleError> {
        if threshold_bp == 0 || threshold_bp > FULL_RATE_BP {
            return Err(QualityRuleError::Threshold);
        }
        if !(1..=1_000_000).contains(&min_units_sold) {
            return Err(QualityRuleError::MinUnitsSold);
        }
        // Under a week is mostly returns not yet arrived; over a year is history.
        if !(7..=365).contains(&window_days) {
            return Err(QualityRuleError::Window);
        }
        Ok(QualityRule {
            threshold_bp,
            min_units_sold,
            window_days,
        })
    }

    /// The first instant (Unix ms) of the window that ends at `now`.
    pub fn window_start(&self, now: i64) -> i64 {
        now - i64::from(self.window_days) * crate::time::MS_PER_DAY
    }

    pub fn threshold(&self) -> Rate {
        Rate(self.threshold_bp)
    }
}

/// A SKU's figures over the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkuFigures {
    pub sold: u64,
    /// Units sent back, by quality reason (other reasons are not counted).
    pub returned: Vec<(ReturnReason, u64)>,
}

impl SkuFigures {
    pub fn quality_returned(&self) -> u64 {
        self.returned
            .iter()
            .filter(|(r, _)| is_quality_reason(*r))
            .map(|(_, n)| n)
            .sum()
    }

    /// The quality return rate, rounded down; none without sales.
    pub fn rate(&self) -> Option<Rate> {
        if self.sold == 0 {
            return None;
        }
        let bp =
            u128::from(self.quality_returned()) * u128::from(FULL_RATE_BP) / u128::from(self.sold);
        Some(Rate(u32::try_from(bp).unwrap_or(u32::MAX)))
    }

    /// At or above the threshold, compared exactly: returned / sold ≥ bp / 10000
    /// as returned × 10000 ≥ bp × sold, so rounding never decides.
    fn at_or_above(&self, rule: &QualityRule) -> bool {
        self.sold > 0
            && u128::from(self.quality_returned()) * u128::from(FULL_RATE_BP)
                >= u128::from(rule.threshold_bp) * u128::from(self.sold)
    }
}

/// Whether an alert for the SKU is still standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    /// No alert, or the last one re-armed: the next crossing raises one.
    Armed,
    /// An alert was raised and the rate has not dropped below since.
    Raised,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The rate reached the threshold with enough sales: tell the shop.
    Raise,
    /// The rate dropped below the threshold: the next crossing alerts again.
    Rearm,
    /// Nothing changes.
    Keep,
}

/// What the figures mean for a SKU in the given state.
pub fn assess(rule: &QualityRule, figures: &SkuFigures, state: AlertState) -> Verdict {
    let above = figures.at_or_above(rule);
    match state {
        AlertState::Armed if above && figures.sold >= u64::from(rule.min_units_sold) => {
            Verdict::Raise
        }
        // Falling under the minimum of sales alone does not re-arm: the rate
        // is what the shop was told about.
        AlertState::Raised if !above => Verdict::Rearm,
        _ => Verdict::Keep,
    }
}

/// A rate in basis points, shown as a percentage ("14 %", "12.5 %").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(pub u32);

impl Rate {
    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// Reads "12.5" or "12,5" (percent, at most two decimals) as basis points.
    pub fn parse_percent(text: &str) -> Option<Rate> {
        let text = text.trim().trim_end_matches('%').trim().replace(',', ".");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        if whole.is_empty() && frac.is_empty()
            || frac.len() > 2
            || !whole
                .chars()
                .chain(frac.chars())
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let whole: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let frac: u32 = format!("{frac:0<2}").parse().ok()?;
        whole.checked_mul(100)?.checked_add(frac).map(Rate)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole} %"),
            f2 if f2 % 10 == 0 => write!(f, "{whole}.{} %", f2 / 10),
            f2 => write!(f, "{whole}.{f2:02} %"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReturnReason::*;

    fn figures(sold: u64, returned: &[(ReturnReason, u64)]) -> SkuFigures {
        SkuFigures {
            sold,
            returned: returned.to_vec(),
        }
    }

    #[test]
    fn only_quality_reasons_count() {
        let f = figures(50, &[(Damaged, 3), (Defective, 2), (NotAsDescribed, 2)]);
        assert_eq!(f.quality_returned(), 7);
        assert_eq!(f.rate(), Some(Rate(1_400)));
        let f = figures(50, &[(ChangedMind, 20), (TooSmall, 5), (Damaged, 1)]);
        assert_eq!(f.quality_returned(), 1);
        assert!(!is_quality_reason(WrongItem));
        assert_eq!(figures(0, &[]).rate(), None);
    }

    #[test]
    fn an_alert_needs_the_threshold_and_enough_sales() {
        let rule = QualityRule::default();
        // 10 of 29: far above 10 %, but too few sales to mean something.
        assert_eq!(
            assess(&rule, &figures(29, &[(Defective, 10)]), AlertState::Armed),
            Verdict::Keep
        );
        // 3 of 30 is exactly 10 %: the threshold counts as crossed.
        assert_eq!(
            assess(&rule, &figures(30, &[(Defective, 3)]), AlertState::Armed),
            Verdict::Raise
        );
        // 3 of 31 is 9.67 %: below, even though it rounds to 10 %.
        assert_eq!(
            assess(&rule, &figures(31, &[(Defective, 3)]), AlertState::Armed),
            Verdict::Keep
        );
    }

    #[test]
    fn a_raised_alert_stays_quiet_until_the_rate_drops_below() {
        let rule = QualityRule::default();
        let high = figures(50, &[(Damaged, 7)]);
        let low = figures(80, &[(Damaged, 7)]);
        assert_eq!(assess(&rule, &high, AlertState::Raised), Verdict::Keep);
        assert_eq!(assess(&rule, &low, AlertState::Raised), Verdict::Rearm);
        assert_eq!(assess(&rule, &low, AlertState::Armed), Verdict::Keep);
        // Once re-armed, the next crossing raises again.
        assert_eq!(assess(&rule, &high, AlertState::Armed), Verdict::Raise);
        // Sales falling under the minimum do not re-arm a rate still above.
        let few = figures(10, &[(Damaged, 5)]);
        assert_eq!(assess(&rule, &few, AlertState::Raised), Verdict::Keep);
        assert_eq!(
            assess(&rule, &SkuFigures::default(), AlertState::Raised),
            Verdict::Rearm
        );
    }

    #[test]
    fn huge_figures_do_not_overflow() {
        let rule = QualityRule::new(FULL_RATE_BP, 1, 90).unwrap();
        let all_back = figures(u64::MAX, &[(Defective, u64::MAX)]);
        assert_eq!(assess(&rule, &all_back, AlertState::Armed), Verdict::Raise);
        assert_eq!(all_back.rate(), Some(Rate(FULL_RATE_BP)));
    }

    #[test]
    fn rules_outside_their_bounds_are_refused() {
        assert_eq!(
            QualityRule::new(0, 30, 90),
            Err(QualityRuleError::Threshold)
        );
        assert_eq!(
            QualityRule::new(10_001, 30, 90),
            Err(QualityRuleError::Threshold)
        );
        assert_eq!(
            QualityRule::new(1_000, 0, 90),
            Err(QualityRuleError::MinUnitsSold)
        );
        assert_eq!(
            QualityRule::new(1_000, 30, 6),
            Err(QualityRuleError::Window)
        );
        assert_eq!(
            QualityRule::new(1_000, 30, 366),
            Err(QualityRuleError::Window)
        );
        assert_eq!(QualityRule::new(1_000, 30, 90), Ok(QualityRule::default()));
        let rule = QualityRule::default();
        assert_eq!(rule.window_start(100 * 86_400_000), 10 * 86_400_000);
    }

    #[test]
    fn rates_read_and_show_as_percentages() {
        assert_eq!(Rate(1_400).to_string(), "14 %");
        assert_eq!(Rate(1_250).to_string(), "12.5 %");
        assert_eq!(Rate(967).to_string(), "9.67 %");
        assert_eq!(Rate(5).to_string(), "0.05 %");
        assert_eq!(Rate::parse_percent("10"), Some(Rate(1_000)));
        assert_eq!(Rate::parse_percent(" 12,5 % "), Some(Rate(1_250)));
        assert_eq!(Rate::parse_percent("0.05"), Some(Rate(5)));
        assert_eq!(Rate::parse_percent(".5"), Some(Rate(50)));
        for bad in ["", "%", "ten", "1.234", "-3", "1e3", "."] {
            assert_eq!(Rate::parse_percent(bad), None, "{bad}");
        }
    }
}
