//! Deadlines in calendar days (the default) or business days, skipping
//! weekends and a merchant's holidays. Dates are UTC days.

use crate::time::{Timestamp, MS_PER_DAY};
use serde::{Deserialize, Serialize};

/// A day as its number since 1970-01-01 (UTC).
pub type DayNumber = i64;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Count only Monday to Friday, minus `holidays`.
    #[serde(default)]
    pub business_days: bool,
    /// Holidays as "YYYY-MM-DD".
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// Days since the epoch of a "YYYY-MM-DD" date, if it is one.
pub fn parse_day(s: &str) -> Option<DayNumber> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1970..=9999).contains(&y) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Howard Hinnant's days-from-civil algorithm.
fn days_from_civil(y: i64, m: u32, d: u32) -> DayNumber {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 1970-01-01 was a Thursday; 0 = Monday … 6 = Sunday.
fn weekday(day: DayNumber) -> i64 {
    (day + 3).rem_euclid(7)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a date like 2026-12-25")]
pub struct BadHoliday(pub String);

impl Calendar {
    pub fn validate(&self) -> Result<(), BadHoliday> {
        if self.holidays.len() > 500 {
            return Err(BadHoliday("more than 500 holidays".into()));
        }
        for h in &self.holidays {
            parse_day(h).ok_or_else(|| BadHoliday(h.clone()))?;
        }
        Ok(())
    }

    fn is_working_day(&self, day: DayNumber, holidays: &[DayNumber]) -> bool {
        weekday(day) < 5 && !holidays.contains(&day)
    }

    /// The instant `days` after `start`. In calendar days that is exactly
    /// `days` × 24 h. In business days the deadline is the same time of day
    /// on the `days`-th working day after `start`'s day.
    pub fn add_days(&self, start: Timestamp, days: u32) -> Timestamp {
        if !self.business_days {
            return start.plus_days(i64::from(days));
        }
        let holidays: Vec<DayNumber> = self.holidays.iter().filter_map(|h| parse_day(h)).collect();
        let mut day = start.millis().div_euclid(MS_PER_DAY);
        let time_of_day = start.millis().rem_euclid(MS_PER_DAY);
        let mut left = days;
        while left > 0 {
            day += 1;
            if self.is_working_day(day, &holidays) {
                left -= 1;
            }
        }
        Timestamp(day * MS_PER_DAY + time_of_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, hour: i64) -> Timestamp {
        Timestamp(parse_day(date).unwrap() * MS_PER_DAY + hour * 3_600_000)
    }

    #[test]
    fn dates_parse_and_know_their_weekday() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2026-11-24").map(weekday), Some(1)); // a Tuesday
        assert!(parse_day("2024-02-29").is_some());
        assert_eq!(parse_day("2026-02-29"), None);
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day("soon"), None);
    }

    #[test]
    fn calendar_days_are_exact() {
        let c = Calendar::default();
        assert_eq!(c.add_days(at("2026-11-27", 10), 5), at("2026-12-02", 10));
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let c = Calendar {
            business_days: true,
            holidays: vec!["2026-12-08".into()],
        };
        // Friday + 5 business days, with Tuesday the 8th a holiday: Monday 7, Wed 9, Thu 10, Fri 11, Mon 14.
        assert_eq!(c.add_days(at("2026-12-04", 10), 5), at("2026-12-14", 10));
        assert!(Calendar {
            business_days: true,
            holidays: vec!["2026-02-30".into()]
        }
        .validate()
        .is_err());
    }
}
