//! PayPal's amounts: decimal strings (`"12.50"`, `"1500"` for yen, `"1.250"`
//! for dinars), converted from and to Reso's integer minor units without
//! floats. PayPal takes no decimals for HUF, JPY and TWD
//! (developer.paypal.com/api/rest/reference/currency-codes); everything else
//! with the currency's ISO 4217 exponent. An amount PayPal cannot express
//! exactly is refused, never rounded.

use reso_domain::{Currency, Money};

/// Decimals PayPal accepts for a currency.
fn paypal_exponent(currency: &Currency) -> u32 {
    match currency.as_str() {
        "HUF" | "JPY" | "TWD" => 0,
        _ => currency.exponent(),
    }
}

/// Reso's amount as PayPal's `value`, or why PayPal cannot be asked for it.
pub fn to_paypal_value(money: &Money) -> Result<String, String> {
    let reso = money.currency.exponent();
    let paypal = paypal_exponent(&money.currency);
    let unsupported = || {
        format!(
            "{money} cannot be sent to PayPal, which takes {} with {paypal} decimals",
            money.currency
        )
    };
    // Minor units at PayPal's precision: scaled up, or down only when exact.
    let units = if paypal >= reso {
        10i64
            .checked_pow(paypal - reso)
            .and_then(|f| money.minor.checked_mul(f))
    } else {
        let div = 10i64.pow(reso - paypal);
        (money.minor % div == 0).then_some(money.minor / div)
    }
    .ok_or_else(unsupported)?;
    let sign = if units < 0 { "-" } else { "" };
    let abs = units.unsigned_abs();
    if paypal == 0 {
        return Ok(format!("{sign}{abs}"));
    }
    let div = 10u64.pow(paypal);
    Ok(format!(
        "{sign}{}.{:0width$}",
        abs / div,
        abs % div,
        width = paypal as usize
    ))
}

/// PayPal's `{value, currency_code}` as Reso money. Fewer decimals than the
/// currency has are fine (`"10.5"`); more are accepted only when they are
/// zeros, as a fraction of a minor unit cannot be owed.
pub fn from_paypal(value: &str, currency_code: &str) -> Result<Money, String> {
    let currency = Currency::parse(currency_code).map_err(|e| e.to_string())?;
    let bad = || format!("'{value}' is not a {currency} amount");
    let text = value.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    if digits.ends_with('.') {
        return Err(bad());
    }
    let exp = currency.exponent() as usize;
    let (kept, dropped) = fraction.split_at(fraction.len().min(exp));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(format!(
            "'{value}' has more decimals than {currency} has ({exp})"
        ));
    }
    let scaled = format!(
        "{}{kept:0<exp$}",
        if whole.is_empty() { "0" } else { whole }
    );
    // The sign is parsed with the digits: the most negative amount has no
    // positive counterpart to negate.
    let sign = if negative { "-" } else { "" };
    let minor: i64 = format!("{sign}{scaled}").parse().map_err(|_| bad())?;
    Ok(Money::new(minor, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap())
    }

    #[test]
    fn minor_units_become_paypal_decimal_strings() {
        assert_eq!(to_paypal_value(&money(1_250, "EUR")).unwrap(), "12.50");
        assert_eq!(to_paypal_value(&money(5, "USD")).unwrap(), "0.05");
        assert_eq!(to_paypal_value(&money(100_000, "GBP")).unwrap(), "1000.00");
        assert_eq!(to_paypal_value(&money(1_500, "JPY")).unwrap(), "1500");
        // Three decimals: a dinar amount keeps its thousandths.
        assert_eq!(to_paypal_value(&money(12_345, "KWD")).unwrap(), "12.345");
        assert_eq!(to_paypal_value(&money(7, "TND")).unwrap(), "0.007");
    }

    #[test]
    fn an_amount_paypal_cannot_express_is_refused_not_rounded() {
        // Reso counts TWD in cents; PayPal takes whole dollars only.
        assert_eq!(to_paypal_value(&money(10_000, "TWD")).unwrap(), "100");
        assert!(to_paypal_value(&money(10_050, "TWD")).is_err());
    }

    #[test]
    fn paypal_decimal_strings_become_minor_units() {
        assert_eq!(from_paypal("12.50", "EUR").unwrap(), money(1_250, "EUR"));
        assert_eq!(from_paypal("10", "USD").unwrap(), money(1_000, "USD"));
        assert_eq!(from_paypal("10.5", "USD").unwrap(), money(1_050, "USD"));
        assert_eq!(from_paypal(".99", "USD").unwrap(), money(99, "USD"));
        assert_eq!(from_paypal("1500", "JPY").unwrap(), money(1_500, "JPY"));
        assert_eq!(from_paypal("1500.00", "JPY").unwrap(), money(1_500, "JPY"));
        assert_eq!(from_paypal("12.345", "BHD").unwrap(), money(12_345, "BHD"));
        assert_eq!(from_paypal("-5.00", "usd").unwrap(), money(-500, "USD"));
    }

    #[test]
    fn malformed_or_too_precise_amounts_are_errors() {
        for (value, code) in [
            ("12.345", "EUR"),
            ("1500.5", "JPY"),
            ("", "EUR"),
            ("1,50", "EUR"),
            ("1e3", "EUR"),
            ("12.", "EUR"),
            ("--1", "EUR"),
            ("99999999999999999999", "EUR"),
            ("1.00", "EURO"),
        ] {
            assert!(from_paypal(value, code).is_err(), "{value} {code}");
        }
    }

    #[test]
    fn conversion_round_trips() {
        for (minor, code) in [
            (0, "EUR"),
            (1, "EUR"),
            (123_456, "USD"),
            (9, "JPY"),
            (1_001, "OMR"),
        ] {
            let m = money(minor, code);
            assert_eq!(from_paypal(&to_paypal_value(&m).unwrap(), code).unwrap(), m);
        }
    }

    /// Found by fuzzing (fuzz/ amounts): the most negative amount was
    /// written but could not be read back.
    #[test]
    fn the_extreme_amounts_round_trip() {
        for minor in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let m = money(minor, "EUR");
            let text = to_paypal_value(&m).unwrap();
            assert_eq!(from_paypal(&text, "EUR"), Ok(m), "{text}");
        }
        assert!(from_paypal("-92233720368547758.09", "EUR").is_err());
        assert!(from_paypal("92233720368547758.08", "EUR").is_err());
    }
}
