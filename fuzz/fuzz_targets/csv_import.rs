//! The CSV order import, read and checked without the store: any file is
//! read to the end or refused with a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reso::app::import::check_orders;

fuzz_target!(|data: &[u8]| {
    let Ok((orders, rejected)) = check_orders(data, "en") else {
        return;
    };
    for order in &orders {
        // What would be stored passed the domain's own intake checks.
        assert!(order.validate().is_ok(), "{order:?}");
        assert!(!order.lines.is_empty());
    }
    for row in &rejected {
        assert!(!row.reason.is_empty(), "{row:?}");
    }
});
