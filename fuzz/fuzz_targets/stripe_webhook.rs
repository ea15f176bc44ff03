//! Stripe webhooks: the `Stripe-Signature` header and the event body. The
//! body is also signed with the endpoint's secret, so the fuzzer reaches the
//! event parsing behind the signature check.
#![no_main]

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use reso::gateways::notification::Rejection;
use reso::gateways::stripe::{verify_notification, StripeAccount};
use reso_domain::Timestamp;
use sha2::Sha256;

const SECRET: &str = "whsec_fuzz";

fuzz_target!(|data: &[u8]| {
    let account = StripeAccount {
        base_url: String::new(),
        secret_key: String::new(),
        webhook_secret: SECRET.into(),
    };
    // First line: the header as sent (hostile); the rest: the body.
    let (header, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let now = Timestamp::from_millis(1_700_000_000_000);
    if let Ok(value) = HeaderValue::from_bytes(header) {
        let mut headers = HeaderMap::new();
        headers.insert("stripe-signature", value);
        let _ = verify_notification(&account, &headers, body, now);
    }

    // The same body correctly signed, at a time the header line may name.
    let t: i64 = std::str::from_utf8(header)
        .ok()
        .and_then(|h| h.trim().parse().ok())
        .unwrap_or(now.millis() / 1000);
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut headers = HeaderMap::new();
    let signed = HeaderValue::from_str(&format!("t={t},v1={hex}")).unwrap();
    headers.insert("stripe-signature", signed);
    match verify_notification(&account, &headers, body, now) {
        Err(Rejection::BadSignature | Rejection::MissingSignature) => {
            panic!("a correctly signed body was refused for its signature")
        }
        Ok(notifications) => {
            for n in notifications {
                assert!(!n.notification_id.is_empty());
            }
        }
        Err(_) => {}
    }
});
