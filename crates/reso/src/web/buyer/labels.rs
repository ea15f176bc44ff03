//! Localized names for the domain's codes: reasons, statuses, refund methods,
//! timeline events.

use crate::i18n::Tr;
use reso_domain::{ReturnReason, ReturnStatus};

pub fn reason(tr: Tr<'_>, r: ReturnReason) -> String {
    tr.t(&format!("reason-{}", r.code()))
}

pub fn status(tr: Tr<'_>, s: ReturnStatus) -> String {
    tr.t(&format!("status-{}", s.code()))
}

/// A CSS class for the status badge.
pub fn status_class(s: ReturnStatus) -> &'static str {
    match s {
        ReturnStatus::Refunded => "ok",
        ReturnStatus::Rejected | ReturnStatus::Closed => "bad",
        ReturnStatus::PhotosRequested => "warn",
        _ => "",
    }
}

/// "original_payment", "store_credit", "manual".
pub fn refund_method(tr: Tr<'_>, code: &str) -> String {
    match code {
        "original_payment" | "store_credit" | "manual" => tr.t(&format!("refund-method-{code}")),
        other => other.to_string(),
    }
}

/// The timeline label of an event kind the buyer may see; `None` hides it
/// (internal events, e.g. notifications to staff).
pub fn event(tr: Tr<'_>, kind: &str) -> Option<String> {
    const SHOWN: &[&str] = &[
        "return.requested",
        "return.photos_requested",
        "return.photos_added",
        "return.authorized",
        "return.rejected",
        "return.in_transit",
        "return.received",
        "return.inspected",
        "return.closed",
        "return.withdrawn",
        "return.refunded",
        "refund.created",
        "refund.succeeded",
        "refund.failed",
    ];
    if SHOWN.contains(&kind) {
        Some(tr.t(&format!("event-{}", kind.replace('.', "-"))))
    } else if kind.starts_with("return.") || kind.starts_with("refund.") {
        Some(tr.t("event-other"))
    } else {
        None
    }
}

/// Basis points as a percentage without needless decimals: 1000 → "10", 1250 → "12.5".
pub fn percent(basis_points: u32) -> String {
    let whole = basis_points / 100;
    let frac = basis_points % 100;
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages_read_naturally() {
        assert_eq!(super::percent(1000), "10");
        assert_eq!(super::percent(1250), "12.5");
        assert_eq!(super::percent(1205), "12.05");
    }
}
