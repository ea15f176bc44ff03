//! Amounts as providers and shops write them: the CSV import's decimals,
//! PayPal's decimal strings, Adyen's minor units in Adyen's own exponents.
//! Each parse either refuses or round-trips exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reso::app::import::parse_amount;
use reso::gateways::adyen::amount::{from_adyen, to_adyen_value};
use reso::gateways::paypal::{from_paypal, to_paypal_value};
use reso_domain::{Currency, Money};

fuzz_target!(|data: &[u8]| {
    // Three bytes of currency code, eight of an integer, the rest as text.
    if data.len() < 11 {
        return;
    }
    let code = String::from_utf8_lossy(&data[..3]).into_owned();
    let value = i64::from_le_bytes(data[3..11].try_into().unwrap());
    let text = String::from_utf8_lossy(&data[11..]).into_owned();

    if let Ok(currency) = Currency::parse(&code) {
        if let Ok(minor) = parse_amount("unit_price", &text, currency) {
            assert!(minor >= 0, "{text} -> {minor}");
            // "12.50 EUR" back to 1250.
            let shown = Money::new(minor, currency).to_string();
            let major = shown.split(' ').next().unwrap();
            assert_eq!(parse_amount("unit_price", major, currency), Ok(minor));
        }
        let money = Money::new(value, currency);
        if let Ok(sent) = to_adyen_value(&money) {
            assert_eq!(from_adyen(sent, currency.as_str()), Ok(money));
        }
        if let Ok(sent) = to_paypal_value(&money) {
            assert_eq!(from_paypal(&sent, currency.as_str()), Ok(money), "{sent}");
        }
        let _ = money.percent_bp(value as u32);
        let _ = money.checked_mul(value);
        let _ = money.checked_sub(Money::new(value.rotate_left(7), currency));
    }

    if let Ok(money) = from_adyen(value, &code) {
        assert_eq!(to_adyen_value(&money), Ok(value));
    }
    if let Ok(money) = from_paypal(&text, &code) {
        if let Ok(sent) = to_paypal_value(&money) {
            assert_eq!(from_paypal(&sent, &code), Ok(money), "{text} -> {sent}");
        }
    }
});
