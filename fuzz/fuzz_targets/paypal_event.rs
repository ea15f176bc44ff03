//! PayPal webhook events (after their verification): refunds and disputes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reso::gateways::notification::Subject;
use reso::gateways::paypal::parse_notification;

fuzz_target!(|data: &[u8]| {
    let Ok(notifications) = parse_notification(data) else {
        return;
    };
    assert!(notifications.len() <= 1);
    for n in notifications {
        assert!(!n.notification_id.is_empty() || data.windows(4).any(|w| w == b"\"id\""));
        if let Subject::Refund(news) = &n.subject {
            // Reversals may come negative; Reso keeps the amount taken back.
            assert!(news.amount.minor >= 0, "{news:?}");
        }
    }
});
