//! A merchant's return policy and decision matrix as the settings API takes
//! them (JSON), then used as a return request would use them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reso_domain::{Currency, DecisionMatrix, Money, ReturnPolicy, ReturnReason, RuleFacts};
use serde::Deserialize;

#[derive(Deserialize)]
struct Settings {
    policy: ReturnPolicy,
    decision_matrix: DecisionMatrix,
}

fuzz_target!(|data: &[u8]| {
    // The JSON, then after a NUL byte the facts of one request.
    let (json, facts) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[..0]),
    };
    let Ok(settings) = serde_json::from_slice::<Settings>(json) else {
        return;
    };
    let mut bytes = facts.iter().copied().chain(std::iter::repeat(0));
    let mut number = || i64::from_le_bytes(std::array::from_fn(|_| bytes.next().unwrap()));
    let amount = Money::new(
        number().rem_euclid(1 << 40),
        Currency::parse("EUR").unwrap(),
    );
    let reasons: Vec<ReturnReason> = facts
        .iter()
        .skip(24)
        .take(4)
        .map(|b| ReturnReason::ALL[usize::from(*b) % ReturnReason::ALL.len()])
        .collect();
    let days = number();
    let prior = number();

    if settings.decision_matrix.validate().is_ok() {
        let verdict = settings.decision_matrix.decide(&RuleFacts {
            amount,
            reasons: reasons.clone(),
            days_since_delivery: (days >= 0).then_some(days),
            prior_returns: prior,
            has_photos: prior % 2 == 0,
        });
        if let Some(name) = verdict.rule {
            assert!(settings
                .decision_matrix
                .rules
                .iter()
                .any(|r| r.name == name));
        }
    }
    if settings.policy.validate().is_ok() {
        // A valid policy never deducts more than the goods are worth, nor
        // less than nothing.
        let d = settings
            .policy
            .deductions(amount, &reasons)
            .expect("deductions of a valid policy");
        let total = d.restocking_fee.minor + d.return_shipping.minor;
        assert!(
            d.restocking_fee.minor >= 0 && d.return_shipping.minor >= 0,
            "{d:?}"
        );
        assert!(total <= amount.minor, "{d:?} on {amount}");
    }
});
