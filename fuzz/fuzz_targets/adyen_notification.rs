//! Adyen notification batches. Each item is also re-signed with the
//! account's HMAC key, so the fuzzer reaches what lies behind the signature
//! check (amounts, event codes, dates, dispute and refund news).
#![no_main]

use http::HeaderMap;
use libfuzzer_sys::fuzz_target;
use reso::gateways::adyen::{sign_item, verify_notification, AdyenAccount};
use reso::gateways::notification::Rejection;
use reso_domain::Timestamp;
use serde_json::{json, Value};

const KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

fuzz_target!(|data: &[u8]| {
    let account = AdyenAccount {
        base_url: String::new(),
        api_key: String::new(),
        merchant_account: "ResoShop".into(),
        hmac_key: KEY.into(),
    };
    let now = Timestamp::from_millis(1_700_000_000_000);
    let headers = HeaderMap::new();
    let _ = verify_notification(&account, &headers, data, now);

    let Ok(mut batch) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let mut all_signed = true;
    let items = batch
        .get_mut("notificationItems")
        .and_then(Value::as_array_mut);
    for wrapper in items.into_iter().flatten() {
        let Some(item) = wrapper.get_mut("NotificationRequestItem") else {
            all_signed = false;
            continue;
        };
        let Ok(signature) = sign_item(KEY, item) else {
            all_signed = false;
            continue;
        };
        match item.as_object_mut() {
            Some(fields) => {
                let extra = fields.entry("additionalData").or_insert_with(|| json!({}));
                match extra.as_object_mut() {
                    Some(extra) => {
                        extra.insert("hmacSignature".into(), signature.into());
                    }
                    None => all_signed = false,
                }
            }
            None => all_signed = false,
        }
    }
    let body = serde_json::to_vec(&batch).unwrap();
    let answer = verify_notification(&account, &headers, &body, now);
    if all_signed {
        assert!(
            !matches!(
                answer,
                Err(Rejection::BadSignature | Rejection::MissingSignature)
            ),
            "a correctly signed batch was refused for its signature: {answer:?}"
        );
    }
    if let Ok(notifications) = answer {
        for n in notifications {
            // `eventDate` is not signed: it never lies in the future.
            assert!(n.occurred_at <= now);
        }
    }
});
