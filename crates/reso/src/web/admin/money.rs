//! Amounts typed by staff ("12.50") read exactly into minor units, and back.
//! No floats: "0.1 + 0.2" must never become 0.30000000000000004 euros.

use reso_domain::Currency;

/// Why a typed amount was refused (shown next to the form).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("enter an amount like 12.50")]
    NotANumber,
    #[error("at most {0} digits after the decimal point")]
    TooPrecise(u32),
    #[error("the amount is too large")]
    TooLarge,
}

/// Reads "12.50", "12,50", "12" or ".5" as a non-negative count of units
/// with `decimals` digits after the point (`decimals` 2: "12.5" → 1250).
pub fn parse_decimal(input: &str, decimals: u32) -> Result<i64, AmountError> {
    let s = input.trim();
    let (whole, frac) = match s.find(['.', ',']) {
        Some(at) => (&s[..at], &s[at + 1..]),
        None => (s, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(AmountError::NotANumber);
    }
    // Trailing zeros carry no precision: "12.500" is 12.50.
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return Err(AmountError::TooPrecise(decimals));
    }
    let scale = 10i64.checked_pow(decimals).ok_or(AmountError::TooLarge)?;
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| AmountError::TooLarge)?
    };
    let frac_units: i64 = if frac.is_empty() {
        0
    } else {
        let padded = format!("{frac:0<width$}", width = decimals as usize);
        padded.parse().map_err(|_| AmountError::TooLarge)?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_units))
        .ok_or(AmountError::TooLarge)
}

/// An amount in a currency's major units, into minor units.
pub fn parse_major(input: &str, currency: Currency) -> Result<i64, AmountError> {
    parse_decimal(input, currency.exponent())
}

/// Minor units as the major-unit text a form field shows ("1250" → "12.50").
pub fn format_decimal(units: i64, decimals: u32) -> String {
    if decimals == 0 {
        return units.to_string();
    }
    let div = 10u64.pow(decimals);
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / div,
        abs % div,
        width = decimals as usize
    )
}

pub fn format_major(minor: i64, currency: Currency) -> String {
    format_decimal(minor, currency.exponent())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(parse_major("12.50", eur()), Ok(1250));
        assert_eq!(parse_major("12,5", eur()), Ok(1250));
        assert_eq!(parse_major(" 12 ", eur()), Ok(1200));
        assert_eq!(parse_major(".07", eur()), Ok(7));
        assert_eq!(parse_major("0.10", eur()), Ok(10));
        assert_eq!(parse_major("12.500", eur()), Ok(1250));
        assert_eq!(
            parse_major("1250", Currency::parse("JPY").unwrap()),
            Ok(1250)
        );
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(parse_major("", eur()), Err(AmountError::NotANumber));
        assert_eq!(parse_major("-1", eur()), Err(AmountError::NotANumber));
        assert_eq!(parse_major("1.2.3", eur()), Err(AmountError::NotANumber));
        assert_eq!(parse_major("1e3", eur()), Err(AmountError::NotANumber));
        assert_eq!(parse_major(".", eur()), Err(AmountError::NotANumber));
        assert_eq!(
            parse_major("12.505", eur()),
            Err(AmountError::TooPrecise(2))
        );
        assert_eq!(
            parse_major("99999999999999999999", eur()),
            Err(AmountError::TooLarge)
        );
        assert_eq!(
            parse_major("92233720368547758.08", eur()),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn amounts_round_trip_through_the_form() {
        for minor in [0, 5, 1250, 123_456_789] {
            assert_eq!(parse_major(&format_major(minor, eur()), eur()), Ok(minor));
        }
        assert_eq!(format_decimal(1250, 2), "12.50");
        assert_eq!(format_decimal(5, 2), "0.05");
    }
}
