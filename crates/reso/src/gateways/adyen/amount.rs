//! Adyen's minor units. Adyen counts some currencies with other decimals than
//! ISO 4217 (and than `Currency::exponent`): CLP, HUF and ISK with two, IDR and
//! CVE with none (docs.adyen.com/development-resources/currency-codes). An
//! amount is converted only when it stays exact: a fraction Adyen cannot
//! express is refused, never rounded.

use reso_domain::{Currency, Money};

/// Decimals Adyen uses for a currency.
fn adyen_exponent(currency: &Currency) -> u32 {
    match currency.as_str() {
        "CVE" | "DJF" | "GNF" | "IDR" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Scales `value` from `from` decimals to `to` decimals, only if exact.
fn rescale(value: i64, from: u32, to: u32) -> Option<i64> {
    if to >= from {
        value.checked_mul(10i64.checked_pow(to - from)?)
    } else {
        let div = 10i64.checked_pow(from - to)?;
        (value % div == 0).then_some(value / div)
    }
}

/// Reso's amount as Adyen's `value`, or why Adyen cannot be asked for it.
pub fn to_adyen_value(money: &Money) -> Result<i64, String> {
    rescale(
        money.minor,
        money.currency.exponent(),
        adyen_exponent(&money.currency),
    )
    .ok_or_else(|| {
        format!(
            "{money} cannot be sent to Adyen, which counts {} with {} decimals",
            money.currency,
            adyen_exponent(&money.currency)
        )
    })
}

/// Reso minor units in `currency` for Adyen's `value`, if they are whole.
pub fn minor_from_adyen(value: i64, currency: &Currency) -> Option<i64> {
    rescale(value, adyen_exponent(currency), currency.exponent())
}

/// Adyen's amount `{currency, value}` as Reso money.
pub fn from_adyen(value: i64, currency: &str) -> Result<Money, String> {
    let currency = Currency::parse(currency).map_err(|e| e.to_string())?;
    minor_from_adyen(value, &currency)
        .map(|minor| Money::new(minor, currency))
        .ok_or_else(|| format!("{value} minor units of {currency} at Adyen is not a whole amount"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::parse(code).unwrap())
    }

    #[test]
    fn most_currencies_pass_unchanged() {
        assert_eq!(to_adyen_value(&money(1250, "EUR")), Ok(1250));
        assert_eq!(to_adyen_value(&money(1500, "JPY")), Ok(1500));
        assert_eq!(to_adyen_value(&money(1500, "KWD")), Ok(1500));
        assert_eq!(from_adyen(1250, "EUR"), Ok(money(1250, "EUR")));
    }

    #[test]
    fn currencies_where_adyen_differs_are_rescaled_both_ways() {
        // Reso counts CLP, HUF and ISK in whole units; Adyen in hundredths.
        assert_eq!(to_adyen_value(&money(5000, "CLP")), Ok(500_000));
        assert_eq!(to_adyen_value(&money(990, "ISK")), Ok(99_000));
        assert_eq!(from_adyen(500_000, "CLP"), Ok(money(5000, "CLP")));
        // Reso counts IDR in hundredths; Adyen in whole rupiah.
        assert_eq!(to_adyen_value(&money(1_500_000, "IDR")), Ok(15_000));
        assert_eq!(from_adyen(15_000, "IDR"), Ok(money(1_500_000, "IDR")));
        // LYD: Reso two decimals, Adyen three.
        assert_eq!(to_adyen_value(&money(125, "LYD")), Ok(1250));
    }

    #[test]
    fn fractions_adyen_cannot_express_are_refused_not_rounded() {
        let err = to_adyen_value(&money(1_500_050, "IDR")).unwrap_err();
        assert!(err.contains("IDR"), "{err}");
        assert!(from_adyen(500_050, "CLP").is_err());
        assert!(from_adyen(100, "EURO").is_err());
    }
}
