//! Buyer-protection e-mails: the day-23 "did everything go well?" mail and
//! every step of a claim, to the buyer (with a link to the order page) and to
//! the shop's staff (with a link to the claim in the control center).

use super::compose::{money, web_link, Action, Data, Fact, Letter, Tr};
use crate::store::merchants::Merchant;
use reso_domain::Currency;

/// The data key where the mail job puts the buyer's signed link to the order.
pub const ORDER_LINK: &str = "order_link";

/// Buyer e-mails written here.
pub const BUYER_TEMPLATES: &[&str] = &[
    "protection.reminder",
    "claim.opened",
    "claim.answered",
    "claim.escalated",
    "claim.decided",
    "claim.closed",
    "message.posted",
];

/// Event kinds whose staff notification is written here.
pub const STAFF_KINDS: &[&str] = &[
    "claim.opened",
    "claim.escalated",
    "claim.documents_requested",
    "claim.decided",
    "claim.closed",
    "claim.dispute_opened",
    "claim.dispute_answer_refused",
    "claim.dispute_unanswered",
    "claim.dispute_decided",
    "message.posted",
];

/// Buyer e-mails that carry a signed link to the order page.
pub fn needs_order_link(template: &str) -> bool {
    BUYER_TEMPLATES.contains(&template)
}

/// Fluent ids use dashes: `buyer_disagrees` → `buyer-disagrees`.
fn key(code: &str) -> String {
    code.replace('_', "-")
}

fn fact(tr: &Tr<'_>, id: &str, value: String) -> Fact {
    Fact {
        label: tr.t(id),
        value,
    }
}

/// The claim's type ("Order not received"), or nothing for an unknown code.
fn claim_kind(tr: &Tr<'_>, data: &Data<'_>) -> String {
    match data.str("kind") {
        k @ ("not_received"
        | "refund_not_received"
        | "other_problem"
        | "chargeback"
        | "provider_claim") => tr.t(&format!("mail-claim-kind-{}", key(k))),
        _ => String::new(),
    }
}

fn escalation(tr: &Tr<'_>, data: &Data<'_>) -> String {
    // A missed document request sends the claim back to the mediators as it was.
    if data.str("why") == "claim_documents" {
        return tr.t("mail-claim-escalation-documents-missed");
    }
    match data.str("escalation") {
        e @ ("merchant_silent" | "buyer_not_received" | "buyer_disagrees"
        | "merchant_insolvent" | "other_problem") => {
            tr.t(&format!("mail-claim-escalation-{}", key(e)))
        }
        _ => String::new(),
    }
}

/// The mediator's decision: the refunded amount and who pays it, or none.
fn decision(tr: &Tr<'_>, data: &Data<'_>) -> String {
    let guarantee = data
        .0
        .get("from_guarantee")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    match (data.int("amount_minor").unwrap_or(0), guarantee) {
        (0, _) => tr.t("mail-claim-decided-none"),
        (_, true) => tr.t("mail-claim-decided-guarantee"),
        (_, false) => tr.t("mail-claim-decided-merchant"),
    }
}

/// A buyer's e-mail about the protection or a claim of their order.
pub(super) fn buyer(
    l: &mut Letter,
    tr: &Tr<'_>,
    data: &Data<'_>,
    template: &str,
    base: &str,
    merchant: &Merchant,
) {
    let currency = Currency::parse(data.str("currency")).unwrap_or(merchant.currency);
    let amount = money(data.int("amount_minor"), currency);
    let order = data.str("order_number").to_string();
    // The signed link opens the order without logging in; without one (a
    // mail rendered outside the job) the buyer portal asks for the order.
    let url = web_link(data.str(ORDER_LINK))
        .unwrap_or_else(|| format!("{base}/s/{}/returns", merchant.slug));
    l.action = Some(Action {
        label: tr.t("mail-claim-action-order"),
        url,
    });
    match template {
        "protection.reminder" => {
            l.subject = tr.t("mail-protection-reminder-subject");
            l.paragraphs = vec![
                tr.t("mail-protection-reminder-intro"),
                tr.t("mail-protection-reminder-fine"),
                tr.t("mail-protection-reminder-problem"),
            ];
            l.facts = vec![
                fact(tr, "mail-fact-order", order),
                fact(tr, "mail-fact-protection-until", tr.arg("ends")),
            ];
        }
        "claim.opened" => {
            l.subject = tr.t("mail-claim-opened-subject");
            if data.str("kind") == "other_problem" {
                l.paragraphs = vec![
                    tr.t("mail-claim-opened-intro"),
                    tr.t("mail-claim-opened-mediation"),
                ];
            } else {
                l.paragraphs = vec![
                    tr.t("mail-claim-opened-intro"),
                    tr.t("mail-claim-opened-next"),
                ];
            }
            l.facts = vec![
                fact(tr, "mail-fact-order", order),
                fact(tr, "mail-fact-claim-kind", claim_kind(tr, data)),
                fact(tr, "mail-fact-answer-by", tr.arg("deadline")),
            ];
        }
        "claim.answered" => {
            let decision = match data.str("decision") {
                d @ ("yes" | "yes_after_return" | "no") => key(d),
                _ => "no".to_string(),
            };
            let variant = match data.str("variant") {
                v @ ("full_refund" | "partial_refund" | "no_refund") => key(v),
                _ => "no-refund".to_string(),
            };
            l.subject = tr.t("mail-claim-answered-subject");
            l.paragraphs = vec![tr.t(&format!("mail-claim-answered-{decision}"))];
            if !data.str("message").trim().is_empty() {
                l.paragraphs.push(tr.t("mail-claim-answered-message"));
            }
            l.paragraphs
                .push(tr.t(&format!("mail-claim-react-{variant}")));
            l.facts = vec![fact(tr, "mail-fact-order", order)];
            if decision != "no" {
                l.facts.push(fact(tr, "mail-fact-amount", amount));
            }
            l.facts
                .push(fact(tr, "mail-fact-react-by", tr.arg("deadline")));
            l.closing = vec![tr.t("mail-claim-answered-silence")];
        }
        "claim.escalated" => {
            l.subject = tr.t("mail-claim-escalated-subject");
            l.paragraphs = vec![escalation(tr, data), tr.t("mail-claim-escalated-next")];
            l.paragraphs.retain(|p| !p.is_empty());
            l.facts = vec![fact(tr, "mail-fact-order", order)];
        }
        "claim.decided" => {
            l.subject = tr.t("mail-claim-decided-subject");
            l.paragraphs = vec![decision(tr, data)];
            if !data.str("message").trim().is_empty() {
                l.paragraphs.push(tr.t("mail-claim-decided-message"));
            }
            l.facts = vec![
                fact(tr, "mail-fact-order", order),
                fact(tr, "mail-fact-amount", amount),
            ];
            l.closing = vec![tr.t("mail-claim-closed-final")];
        }
        "claim.closed" => {
            let why = match data.str("reaction") {
                "received" => "received",
                "conclude" => "concluded",
                _ => "silence",
            };
            l.subject = tr.t("mail-claim-closed-subject");
            l.paragraphs = vec![
                tr.t(&format!("mail-claim-closed-{why}")),
                tr.t("mail-claim-closed-final"),
            ];
            l.facts = vec![fact(tr, "mail-fact-order", order)];
        }
        "message.posted" => {
            let from = if data.str("author_role") == "mediator" {
                "mediator"
            } else {
                "shop"
            };
            l.subject = tr.t("mail-message-posted-subject");
            l.paragraphs = vec![
                tr.t(&format!("mail-message-posted-from-{from}")),
                tr.t("mail-message-posted-body"),
                tr.t("mail-message-posted-reply"),
            ];
            l.facts = vec![fact(tr, "mail-fact-order", order)];
        }
        // `compose` only calls this for the templates above.
        _ => {}
    }
}

/// A claim notification to the shop's staff; false for other event kinds.
pub(super) fn staff(
    l: &mut Letter,
    tr: &Tr<'_>,
    data: &Data<'_>,
    kind: &str,
    base: &str,
    payload: &serde_json::Value,
) -> bool {
    if !STAFF_KINDS.contains(&kind) {
        return false;
    }
    let k = key(kind.trim_start_matches("claim."));
    if kind == "message.posted" {
        let from = match data.str("author_role") {
            "mediator" => "mediator",
            _ => "buyer",
        };
        l.subject = tr.t("mail-staff-subject-message-posted");
        l.paragraphs = vec![
            tr.t(&format!("mail-staff-intro-message-posted-{from}")),
            tr.t("mail-message-posted-body"),
        ];
        l.facts = vec![fact(
            tr,
            "mail-fact-order",
            data.str("order_number").to_string(),
        )];
        l.action = Some(Action {
            label: tr.t("mail-staff-action"),
            url: format!("{base}{}", staff_path(data, payload)),
        });
        return true;
    }
    let order = data.str("order_number").to_string();
    l.subject = tr.t(&format!("mail-staff-subject-claim-{k}"));
    l.paragraphs = match kind {
        "claim.opened" if data.str("kind") == "other_problem" => {
            vec![tr.t("mail-staff-intro-claim-opened-mediation")]
        }
        "claim.escalated" => vec![
            tr.t("mail-staff-intro-claim-escalated"),
            escalation(tr, data),
        ],
        "claim.decided" => vec![tr.t("mail-staff-intro-claim-decided"), decision(tr, data)],
        "claim.dispute_decided" => {
            let won = data.str("dispute_state") == "won";
            let outcome = if won { "won" } else { "lost" };
            vec![tr.t(&format!("mail-staff-intro-claim-dispute-decided-{outcome}"))]
        }
        _ => vec![tr.t(&format!("mail-staff-intro-claim-{k}"))],
    };
    l.paragraphs.retain(|p| !p.is_empty());
    l.facts = vec![
        fact(tr, "mail-fact-order", order),
        fact(tr, "mail-fact-claim-kind", claim_kind(tr, data)),
        fact(tr, "mail-fact-amount", tr.arg("amount")),
        fact(
            tr,
            "mail-fact-buyer-text",
            data.str("text").trim().to_string(),
        ),
        fact(
            tr,
            "mail-fact-message",
            data.str("message").trim().to_string(),
        ),
    ];
    match kind {
        "claim.opened" if data.str("kind") != "other_problem" => {
            l.facts
                .push(fact(tr, "mail-fact-answer-by", tr.arg("deadline")));
        }
        "claim.documents_requested" => {
            l.facts
                .push(fact(tr, "mail-fact-send-by", tr.arg("deadline")));
        }
        "claim.dispute_opened" => {
            l.facts
                .push(fact(tr, "mail-fact-answer-by", tr.arg("deadline")));
        }
        "claim.dispute_answer_refused" => {
            l.facts.push(fact(
                tr,
                "mail-fact-failure",
                data.str("reason").trim().to_string(),
            ));
        }
        _ => {}
    }
    l.action = Some(Action {
        label: tr.t("mail-staff-action-claim"),
        url: format!("{base}{}", staff_path(data, payload)),
    });
    true
}

/// The claim in the control center; for a payload without one (a message on
/// a return, an older event) the return or order it names.
fn staff_path(data: &Data<'_>, payload: &serde_json::Value) -> String {
    let id = |k: &str| payload.get(k).and_then(serde_json::Value::as_i64);
    match (data.int("claim_id"), id("return_id"), id("order_id")) {
        (Some(c), _, _) => format!("/admin/claims/{c}"),
        (None, Some(r), _) => format!("/admin/returns/{r}"),
        (None, None, Some(o)) => format!("/admin/orders/{o}"),
        (None, None, None) => "/admin".to_string(),
    }
}
