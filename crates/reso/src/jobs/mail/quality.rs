//! The staff mail of a quality alert: which SKU, its rate for quality
//! reasons, the reasons behind it and the buyers' latest comments, with a
//! link to the alert in the control center.

use super::compose::{Action, Data, Fact, Letter, Tr};
use crate::app::quality_alerts::RAISED;
use serde_json::Value;

/// A comment longer than this is cut in the mail; the alert page has it all.
const COMMENT_CHARS: usize = 300;

/// Writes the quality alert notification; false for other event kinds.
pub(super) fn staff(l: &mut Letter, tr: &Tr<'_>, data: &Data<'_>, kind: &str, base: &str) -> bool {
    if kind != RAISED {
        return false;
    }
    let number = |key: &str| data.int(key).map(|n| n.to_string()).unwrap_or_default();
    let tr = tr.with(&[
        ("sku", data.str("sku").to_string()),
        ("rate", data.str("rate").to_string()),
        ("returned", number("returned")),
        ("sold", number("sold")),
        ("threshold", data.str("threshold").to_string()),
        ("window", number("window_days")),
    ]);
    let fact = |id: &str, value: String| Fact {
        label: tr.t(id),
        value,
    };
    l.subject = tr.t("mail-staff-subject-quality-alert");
    l.paragraphs = vec![
        tr.t("mail-staff-intro-quality-alert"),
        tr.t("mail-staff-quality-alert-next"),
    ];
    l.facts = vec![
        fact("mail-fact-sku", data.str("sku").to_string()),
        fact("mail-fact-product", data.str("title").to_string()),
        fact("mail-fact-return-rate", tr.t("mail-quality-alert-rate")),
        fact("mail-fact-quality-reasons", reasons(&tr, data)),
        fact("mail-fact-buyer-comments", comments(data)),
    ];
    let anchor = data
        .int("alert_id")
        .map(|id| format!("#alert-{id}"))
        .unwrap_or_default();
    l.action = Some(Action {
        label: tr.t("mail-staff-action-quality-alert"),
        url: format!("{base}/admin/quality-alerts{anchor}"),
    });
    true
}

/// "Defective: 4", one line per quality reason with returns.
fn reasons(tr: &Tr<'_>, data: &Data<'_>) -> String {
    let Some(by_reason) = data.0.get("by_reason").and_then(Value::as_object) else {
        return String::new();
    };
    by_reason
        .iter()
        .filter_map(|(code, n)| {
            let label = match code.as_str() {
                "damaged" | "defective" | "not_as_described" => {
                    tr.t(&format!("mail-quality-reason-{}", code.replace('_', "-")))
                }
                _ => return None,
            };
            Some(format!("{label}: {}", n.as_i64().unwrap_or(0)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The buyers' words, newest first, one quoted line each.
fn comments(data: &Data<'_>) -> String {
    data.0
        .get("comments")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.get("text").and_then(Value::as_str))
                .map(|t| {
                    let one_line = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    let mut cut: String = one_line.chars().take(COMMENT_CHARS).collect();
                    if cut.len() < one_line.len() {
                        cut.push('…');
                    }
                    format!("“{cut}”")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}
