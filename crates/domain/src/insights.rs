//! The merchant's dashboard figures: return rates by SKU and by reason, how
//! fast refunds follow return requests, and how claims went. The database
//! counts; this module turns the counts into figures. Rates are exact
//! integers in basis points (1 % = 100 bp), durations whole milliseconds,
//! money integer minor units of one currency.

use crate::calendar::{parse_day, DayNumber};
use crate::claim::{ClaimKind, Escalation};
use crate::money::{Currency, Money};
use crate::reason::ReturnReason;
use crate::time::{Timestamp, MS_PER_DAY};

/// Without dates, the dashboard shows the last 30 days, today included.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;
/// The longest period asked for at once: two years, a leap day included.
pub const MAX_PERIOD_DAYS: i64 = 731;
/// The SKUs shown: the most returned ones.
pub const TOP_SKUS: usize = 20;

/// Whole UTC days from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DayNumber,
    pub to: DayNumber,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("{0}: '{1}' is not a date like 2026-11-25")]
    BadDate(&'static str, String),
    #[error("from ({0}) is after to ({1})")]
    FromAfterTo(String, String),
    #[error("the period has {0} days; at most {MAX_PERIOD_DAYS} (two years) at a time")]
    TooLong(i64),
}

/// "YYYY-MM-DD" exactly (the calendar's parser is more lenient).
fn parse_date(field: &'static str, text: &str) -> Result<DayNumber, PeriodError> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shaped
        .then(|| parse_day(text))
        .flatten()
        .ok_or_else(|| PeriodError::BadDate(field, text.to_string()))
}

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Howard Hinnant's civil-from-days: the "YYYY-MM-DD" of a day number.
pub fn format_day(day: DayNumber) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Period {
    /// The period asked for; a missing `to` is today, a missing `from` the
    /// 30 days up to `to`.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        now: Timestamp,
    ) -> Result<Period, PeriodError> {
        let to = match blank(to) {
            Some(t) => parse_date("to", t)?,
            None => now.millis().div_euclid(MS_PER_DAY),
        };
        let from = match blank(from) {
            Some(f) => parse_date("from", f)?,
            None => to - (DEFAULT_PERIOD_DAYS - 1),
        };
        let period = Period { from, to };
        if from > to {
            return Err(PeriodError::FromAfterTo(format_day(from), format_day(to)));
        }
        if period.days() > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong(period.days()));
        }
        Ok(period)
    }

    pub fn days(&self) -> i64 {
        self.to - self.from + 1
    }

    /// The first instant of the period.
    pub fn starts_at(&self) -> Timestamp {
        Timestamp(self.from * MS_PER_DAY)
    }

    /// The first instant after the period (the end is exclusive).
    pub fn ends_before(&self) -> Timestamp {
        Timestamp((self.to + 1) * MS_PER_DAY)
    }

    pub fn from_date(&self) -> String {
        format_day(self.from)
    }

    pub fn to_date(&self) -> String {
        format_day(self.to)
    }
}

/// `part` of `whole` in basis points, rounded half up; none of nothing.
pub fn rate_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 || part < 0 {
        return None;
    }
    let bp = (i128::from(part) * 10_000 + i128::from(whole) / 2) / i128::from(whole);
    Some(i64::try_from(bp).unwrap_or(i64::MAX))
}

/// The nearest-rank percentile of sorted values: the smallest value with at
/// least `percent` % of the values at or below it. Always one of the values,
/// so no interpolation and no floats.
pub fn percentile(sorted: &[i64], percent: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (n * percent.min(100) as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// How long buyers waited from the return request to the refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waits {
    pub count: usize,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

impl Waits {
    pub fn of(mut durations_ms: Vec<i64>) -> Waits {
        durations_ms.sort_unstable();
        Waits {
            count: durations_ms.len(),
            median_ms: percentile(&durations_ms, 50),
            p90_ms: percentile(&durations_ms, 90),
        }
    }
}

/// How a claim stands: open, or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClaimResult {
    Open,
    RefundReceived,
    Concluded,
    ClosedAsAnswered,
    Decided,
    DisputeWon,
    DisputeLost,
}

impl ClaimResult {
    pub const ALL: [ClaimResult; 7] = [
        ClaimResult::Open,
        ClaimResult::RefundReceived,
        ClaimResult::Concluded,
        ClaimResult::ClosedAsAnswered,
        ClaimResult::Decided,
        ClaimResult::DisputeWon,
        ClaimResult::DisputeLost,
    ];

    /// The codes are those of `claim::Outcome`'s `kind`, plus `open`.
    pub fn code(self) -> &'static str {
        match self {
            ClaimResult::Open => "open",
            ClaimResult::RefundReceived => "refund_received",
            ClaimResult::Concluded => "concluded",
            ClaimResult::ClosedAsAnswered => "closed_as_answered",
            ClaimResult::Decided => "decided",
            ClaimResult::DisputeWon => "dispute_won",
            ClaimResult::DisputeLost => "dispute_lost",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

const ESCALATIONS: [Escalation; 5] = [
    Escalation::OtherProblem,
    Escalation::MerchantSilent,
    Escalation::BuyerNotReceived,
    Escalation::BuyerDisagrees,
    Escalation::MerchantInsolvent,
];

pub fn parse_escalation(code: &str) -> Option<Escalation> {
    ESCALATIONS.into_iter().find(|e| e.code() == code)
}

/// Claims of one kind that stand (or ended) one way, and why they went to
/// the mediators, if they did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimTally {
    pub kind: ClaimKind,
    pub result: ClaimResult,
    pub escalation: Option<Escalation>,
    pub count: i64,
}

/// The merchant's answers that had a deadline: the buyer-protection answer
/// and the answer to a dispute at the payment provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnswerTally {
    pub in_time: i64,
    pub late: i64,
    /// The deadline passed without an answer.
    pub missed: i64,
    /// Not answered yet, and the deadline has not passed.
    pub pending: i64,
}

/// What the database counted for a merchant in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Return requests made in the period.
    pub returns: i64,
    /// Units of order lines of orders placed in the period, by SKU.
    pub sold: Vec<(String, i64)>,
    /// Units of return lines requested in the period, by SKU and reason.
    pub returned: Vec<(String, ReturnReason, i64)>,
    /// Refunds in the currency that succeeded in the period, and their sum.
    pub refunds_paid: i64,
    pub refunded_minor: i64,
    /// For each return refunded in the period: request to (last) refund, in ms.
    pub waits_ms: Vec<i64>,
    /// Claims opened in the period, as they stand now.
    pub claims: Vec<ClaimTally>,
    pub answers: AnswerTally,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuFigure {
    pub sku: String,
    pub sold_units: i64,
    pub returned_units: i64,
    /// Returned units per sold unit; none when none were sold in the period.
    pub return_rate_bp: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonFigure {
    pub reason: ReturnReason,
    pub returned_units: i64,
    /// Units returned for this reason per unit sold (of every SKU).
    pub return_rate_bp: Option<i64>,
    /// This reason's part of all returned units.
    pub share_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindFigure {
    pub kind: ClaimKind,
    pub total: i64,
    /// Every result, in `ClaimResult::ALL` order, zeros included.
    pub results: Vec<(ClaimResult, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFigures {
    pub total: i64,
    /// Every kind, in `ClaimKind::ALL` order, zeros included.
    pub by_kind: Vec<KindFigure>,
    /// Claims that went to the mediators, by why; only reasons that occurred.
    pub escalations: Vec<(Escalation, i64)>,
    pub escalated: i64,
    pub answers: AnswerTally,
    /// Answers in time per answer due (in time, late or missed).
    pub answered_in_time_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insights {
    pub period: Period,
    pub currency: Currency,
    pub returns: i64,
    pub sold_units: i64,
    pub returned_units: i64,
    pub return_rate_bp: Option<i64>,
    /// The `TOP_SKUS` most returned SKUs (then the best sellers).
    pub skus: Vec<SkuFigure>,
    /// SKUs sold or returned in the period that are not in `skus`.
    pub other_skus: usize,
    /// Every reason of the taxonomy, in its order.
    pub reasons: Vec<ReasonFigure>,
    pub refunds_paid: i64,
    pub refunded: Money,
    pub waits: Waits,
    pub claims: ClaimFigures,
}

impl Insights {
    pub fn of(period: Period, currency: Currency, facts: Facts) -> Insights {
        let sold_units: i64 = facts.sold.iter().map(|(_, u)| u).sum();
        let returned_units: i64 = facts.returned.iter().map(|(_, _, u)| u).sum();
        let (skus, other_skus) = sku_figures(&facts.sold, &facts.returned);
        let reasons = ReturnReason::ALL
            .into_iter()
            .map(|reason| {
                let units = facts
                    .returned
                    .iter()
                    .filter(|(_, r, _)| *r == reason)
                    .map(|(_, _, u)| u)
                    .sum();
                ReasonFigure {
                    reason,
                    returned_units: units,
                    return_rate_bp: rate_bp(units, sold_units),
                    share_bp: rate_bp(units, returned_units),
                }
            })
            .collect();
        Insights {
            period,
            currency,
            returns: facts.returns,
            sold_units,
            returned_units,
            return_rate_bp: rate_bp(returned_units, sold_units),
            skus,
            other_skus,
            reasons,
            refunds_paid: facts.refunds_paid,
            refunded: Money::new(facts.refunded_minor, currency),
            waits: Waits::of(facts.waits_ms),
            claims: claim_figures(&facts.claims, facts.answers),
        }
    }
}

fn sku_figures(
    sold: &[(String, i64)],
    returned: &[(String, ReturnReason, i64)],
) -> (Vec<SkuFigure>, usize) {
    let mut figures: Vec<SkuFigure> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut entry = |sku: &str| -> usize {
        *index.entry(sku.to_string()).or_insert_with(|| {
            figures.push(SkuFigure {
                sku: sku.to_string(),
                sold_units: 0,
                returned_units: 0,
                return_rate_bp: None,
            });
            figures.len() - 1
        })
    };
    let mut sold_at = Vec::new();
    for (sku, units) in sold {
        sold_at.push((entry(sku), *units));
    }
    let mut returned_at = Vec::new();
    for (sku, _, units) in returned {
        returned_at.push((entry(sku), *units));
    }
    for (i, units) in sold_at {
        figures[i].sold_units += units;
    }
    for (i, units) in returned_at {
        figures[i].returned_units += units;
    }
    for f in &mut figures {
        f.return_rate_bp = rate_bp(f.returned_units, f.sold_units);
    }
    figures.sort_by(|a, b| {
        b.returned_units
            .cmp(&a.returned_units)
            .then(b.sold_units.cmp(&a.sold_units))
            .then(a.sku.cmp(&b.sku))
    });
    let others = figures.len().saturating_sub(TOP_SKUS);
    figures.truncate(TOP_SKUS);
    (figures, others)
}

fn claim_figures(tallies: &[ClaimTally], answers: AnswerTally) -> ClaimFigures {
    let by_kind = ClaimKind::ALL
        .into_iter()
        .map(|kind| {
            let of_kind = tallies.iter().filter(|t| t.kind == kind);
            let results = ClaimResult::ALL
                .into_iter()
                .map(|result| {
                    let n = of_kind
                        .clone()
                        .filter(|t| t.result == result)
                        .map(|t| t.count)
                        .sum();
                    (result, n)
                })
                .collect();
            KindFigure {
                kind,
                total: of_kind.map(|t| t.count).sum(),
                results,
            }
        })
        .collect();
    let escalations: Vec<(Escalation, i64)> = ESCALATIONS
        .into_iter()
        .map(|e| {
            let n = tallies
                .iter()
                .filter(|t| t.escalation == Some(e))
                .map(|t| t.count)
                .sum();
            (e, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let due = answers.in_time + answers.late + answers.missed;
    ClaimFigures {
        total: tallies.iter().map(|t| t.count).sum(),
        escalated: escalations.iter().map(|(_, n)| n).sum(),
        escalations,
        by_kind,
        answers,
        answered_in_time_bp: rate_bp(answers.in_time, due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        // 2026-11-25 14:00 UTC
        Timestamp(parse_day("2026-11-25").unwrap() * MS_PER_DAY + 14 * 3_600_000)
    }

    #[test]
    fn days_format_back_to_their_dates() {
        for date in [
            "1970-01-01",
            "2024-02-29",
            "2026-11-25",
            "2000-12-31",
            "2100-03-01",
        ] {
            assert_eq!(format_day(parse_day(date).unwrap()), date);
        }
    }

    #[test]
    fn the_default_period_is_the_last_thirty_days() {
        let p = Period::parse(None, None, now()).unwrap();
        assert_eq!(
            (p.from_date().as_str(), p.to_date().as_str()),
            ("2026-10-27", "2026-11-25")
        );
        assert_eq!(p.days(), 30);
        assert_eq!(
            p.ends_before().millis() - p.starts_at().millis(),
            30 * MS_PER_DAY
        );
        let p = Period::parse(Some(""), Some("2026-01-31"), now()).unwrap();
        assert_eq!(p.from_date(), "2026-01-02");
    }

    #[test]
    fn bad_periods_are_refused_with_the_reason() {
        let bad = |f: &str, t: &str| Period::parse(Some(f), Some(t), now()).unwrap_err();
        assert_eq!(
            bad("2026-1-05", "2026-02-01"),
            PeriodError::BadDate("from", "2026-1-05".into())
        );
        assert_eq!(
            bad("2026-01-05", "2026-02-30"),
            PeriodError::BadDate("to", "2026-02-30".into())
        );
        assert_eq!(
            bad("2026-01-05", "yesterday"),
            PeriodError::BadDate("to", "yesterday".into())
        );
        assert!(matches!(
            bad("2026-02-02", "2026-02-01"),
            PeriodError::FromAfterTo(..)
        ));
        assert_eq!(bad("2024-01-01", "2026-01-01"), PeriodError::TooLong(732));
        // Exactly two years with a leap day is allowed; one day is too.
        assert_eq!(
            Period::parse(Some("2024-01-01"), Some("2025-12-31"), now())
                .unwrap()
                .days(),
            731
        );
        assert_eq!(
            Period::parse(Some("2026-03-01"), Some("2026-03-01"), now())
                .unwrap()
                .days(),
            1
        );
    }

    #[test]
    fn rates_are_rounded_basis_points() {
        assert_eq!(rate_bp(1, 3), Some(3_333));
        assert_eq!(rate_bp(2, 3), Some(6_667));
        assert_eq!(
            rate_bp(5, 4),
            Some(12_500),
            "returns of older orders can exceed sales"
        );
        assert_eq!(rate_bp(0, 7), Some(0));
        assert_eq!(rate_bp(3, 0), None);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
        let w = Waits::of(vec![30, 10, 20]);
        assert_eq!((w.count, w.median_ms, w.p90_ms), (3, Some(20), Some(30)));
    }

    #[test]
    fn figures_combine_sales_returns_and_claims() {
        let period = Period::parse(Some("2026-11-01"), Some("2026-11-30"), now()).unwrap();
        let eur = Currency::parse("EUR").unwrap();
        let facts = Facts {
            returns: 2,
            sold: vec![("A".into(), 10), ("B".into(), 4)],
            returned: vec![
                ("A".into(), ReturnReason::Damaged, 2),
                ("A".into(), ReturnReason::TooSmall, 1),
                ("C".into(), ReturnReason::Damaged, 1),
            ],
            refunds_paid: 2,
            refunded_minor: 4_500,
            waits_ms: vec![5, 1],
            claims: vec![
                ClaimTally {
                    kind: ClaimKind::NotReceived,
                    result: ClaimResult::Open,
                    escalation: Some(Escalation::MerchantSilent),
                    count: 2,
                },
                ClaimTally {
                    kind: ClaimKind::NotReceived,
                    result: ClaimResult::Concluded,
                    escalation: None,
                    count: 1,
                },
            ],
            answers: AnswerTally {
                in_time: 1,
                late: 0,
                missed: 2,
                pending: 4,
            },
        };
        let i = Insights::of(period, eur, facts);
        assert_eq!(
            (i.sold_units, i.returned_units, i.return_rate_bp),
            (14, 4, Some(2_857))
        );
        let skus: Vec<_> = i
            .skus
            .iter()
            .map(|s| {
                (
                    s.sku.as_str(),
                    s.sold_units,
                    s.returned_units,
                    s.return_rate_bp,
                )
            })
            .collect();
        assert_eq!(
            skus,
            [
                ("A", 10, 3, Some(3_000)),
                ("C", 0, 1, None),
                ("B", 4, 0, Some(0))
            ]
        );
        let damaged = i.reasons[0];
        assert_eq!(
            (
                damaged.reason,
                damaged.returned_units,
                damaged.return_rate_bp,
                damaged.share_bp
            ),
            (ReturnReason::Damaged, 3, Some(2_143), Some(7_500))
        );
        assert_eq!(i.reasons.len(), ReturnReason::ALL.len());
        assert_eq!(i.refunded, Money::new(4_500, eur));
        assert_eq!((i.waits.median_ms, i.waits.p90_ms), (Some(1), Some(5)));
        assert_eq!(i.claims.total, 3);
        assert_eq!(i.claims.by_kind[0].total, 3);
        assert_eq!(i.claims.by_kind[0].results[0], (ClaimResult::Open, 2));
        assert_eq!(i.claims.escalations, [(Escalation::MerchantSilent, 2)]);
        assert_eq!(i.claims.answered_in_time_bp, Some(3_333));
    }

    #[test]
    fn only_the_most_returned_skus_are_listed() {
        let sold: Vec<(String, i64)> = (0..30).map(|i| (format!("S{i:02}"), 100)).collect();
        let returned: Vec<_> = (0..30)
            .map(|i| (format!("S{i:02}"), ReturnReason::Other, i))
            .collect();
        let (skus, others) = sku_figures(&sold, &returned);
        assert_eq!((skus.len(), others), (TOP_SKUS, 10));
        assert_eq!(skus[0].sku, "S29");
    }
}
