//! What each e-mail says: a template (the event kind) and its data become a
//! `Letter` of translated paragraphs, facts and links. The layout turns it into
//! plain text and HTML, so both parts always say the same thing.

use crate::i18n::Translations;
use crate::store::merchants::Merchant;
use fluent_bundle::FluentValue;
use reso_domain::{Currency, Money};
use serde_json::Value;

/// An e-mail before layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub lang: &'static str,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub steps_heading: Option<String>,
    pub steps: Vec<String>,
    pub facts: Vec<Fact>,
    pub action: Option<Action>,
    /// Paragraphs after the facts and the button.
    pub closing: Vec<String>,
    pub signoff: String,
    pub signature: String,
    /// The shop's contact details: in every buyer e-mail, not in staff ones.
    pub support: Option<Support>,
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    /// May hold several lines (an address, a list of items).
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Support {
    pub heading: String,
    pub lines: Vec<Fact>,
    /// The help page, when the shop has one (linked in HTML).
    pub url: Option<Fact>,
}

/// Templates this module can write.
pub const TEMPLATES: &[&str] = &[
    "return.requested",
    "return.photos_requested",
    "return.authorized",
    "return.rejected",
    "return.received",
    "refund.succeeded",
    "buyer.link_requested",
    "protection.reminder",
    "claim.opened",
    "claim.answered",
    "claim.escalated",
    "claim.decided",
    "claim.closed",
    "message.posted",
    "staff.notification",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no e-mail template '{0}'")]
pub struct UnknownTemplate(pub String);

/// The job payload's values, read leniently: a field the event did not carry
/// shows as empty rather than failing the e-mail.
pub(super) struct Data<'a>(pub(super) &'a Value);

impl<'a> Data<'a> {
    pub(super) fn str(&self, key: &str) -> &'a str {
        self.0.get(key).and_then(Value::as_str).unwrap_or("")
    }

    pub(super) fn int(&self, key: &str) -> Option<i64> {
        self.0.get(key).and_then(Value::as_i64)
    }
}

/// Translates with every variable an e-mail may use.
pub(super) struct Tr<'a> {
    i18n: &'a Translations,
    lang: &'static str,
    args: Vec<(&'static str, FluentValue<'static>)>,
}

impl Tr<'_> {
    pub(super) fn t(&self, id: &str) -> String {
        self.i18n.text(self.lang, id, &self.args)
    }

    /// The same translator with a template's own variables added.
    pub(super) fn with(&self, extra: &[(&'static str, String)]) -> Self {
        let mut args = self.args.clone();
        args.extend(
            extra
                .iter()
                .map(|(name, value)| (*name, FluentValue::from(value.clone()))),
        );
        Tr {
            i18n: self.i18n,
            lang: self.lang,
            args,
        }
    }

    /// The value of one variable, as the messages show it.
    pub(super) fn arg(&self, name: &str) -> String {
        match self.args.iter().find(|(n, _)| *n == name) {
            Some((_, FluentValue::String(s))) => s.to_string(),
            _ => String::new(),
        }
    }
}

pub(super) fn money(minor: Option<i64>, currency: Currency) -> String {
    minor
        .map(|m| Money::new(m, currency).to_string())
        .unwrap_or_default()
}

/// "2026-03-02 10:15 UTC": unambiguous in every language.
pub(super) fn date_time(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// "1 × Two-person tent", one line per returned line.
fn items(data: &Data<'_>) -> String {
    data.0
        .get("lines")
        .and_then(Value::as_array)
        .map(|lines| {
            lines
                .iter()
                .map(|l| {
                    let qty = l.get("quantity").and_then(Value::as_i64).unwrap_or(1);
                    let title = l
                        .get("title")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty());
                    let name = title
                        .or_else(|| l.get("sku").and_then(Value::as_str))
                        .unwrap_or("");
                    format!("{qty} × {name}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Only web links become buttons: data could otherwise smuggle in `javascript:`.
pub(super) fn web_link(url: &str) -> Option<String> {
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.to_string())
}

/// Writes the e-mail a mail job's payload asks for
/// (`{template, locale, data, kind?, order_id?, return_id?}`).
pub fn compose(
    i18n: &Translations,
    merchant: &Merchant,
    public_url: &str,
    payload: &Value,
) -> Result<Letter, UnknownTemplate> {
    let template = payload
        .get("template")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !TEMPLATES.contains(&template) {
        return Err(UnknownTemplate(template.to_string()));
    }
    let lang = Translations::pick(
        payload
            .get("locale")
            .and_then(Value::as_str)
            .unwrap_or(&merchant.default_locale),
    );
    let empty = Value::Null;
    let data = Data(payload.get("data").unwrap_or(&empty));
    let currency = Currency::parse(data.str("currency")).unwrap_or(merchant.currency);
    let shipping_cost = data
        .0
        .pointer("/return_shipping/label_cost_minor")
        .and_then(Value::as_i64)
        .filter(|c| *c > 0);
    let kind = payload.get("kind").and_then(Value::as_str).unwrap_or("");
    let order = data.str("order_number");
    let text = |s: &str| FluentValue::from(s.to_string());
    let tr = Tr {
        i18n,
        lang,
        args: vec![
            ("shop", text(&merchant.name)),
            ("order", text(order)),
            ("rma", text(data.str("rma"))),
            ("amount", text(&money(data.int("amount_minor"), currency))),
            ("cost", text(&money(shipping_cost, currency))),
            (
                "days",
                text(
                    &data
                        .int("window_days")
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ),
            ),
            ("message", text(data.str("message").trim())),
            (
                "expires",
                text(&data.int("expires_at").map(date_time).unwrap_or_default()),
            ),
            ("kind", text(kind)),
            (
                "deadline",
                text(&data.int("due_at").map(date_time).unwrap_or_default()),
            ),
            (
                "ends",
                text(&data.int("ends_at").map(date_time).unwrap_or_default()),
            ),
            (
                "rdays",
                text(&merchant.protection.reaction_days.to_string()),
            ),
        ],
    };
    let base = public_url.trim_end_matches('/');
    let mut letter = Letter {
        lang,
        subject: String::new(),
        greeting: tr.t("mail-greeting"),
        paragraphs: Vec::new(),
        steps_heading: None,
        steps: Vec::new(),
        facts: Vec::new(),
        action: None,
        closing: Vec::new(),
        signoff: tr.t("mail-signoff"),
        signature: tr.t("mail-signature"),
        support: Some(support(&tr, merchant)),
        footer: tr.t(if order.is_empty() {
            "mail-footer-buyer-shop"
        } else {
            "mail-footer-buyer"
        }),
    };
    let fact = |id: &str, value: &str| Fact {
        label: tr.t(id),
        value: value.to_string(),
    };
    let return_page = || Action {
        label: tr.t("mail-action-return-page"),
        url: format!("{base}/s/{}/returns", merchant.slug),
    };
    let l = &mut letter;
    match template {
        "return.requested" => {
            l.subject = tr.t("mail-return-requested-subject");
            l.paragraphs = vec![
                tr.t("mail-return-requested-intro"),
                tr.t("mail-return-requested-next"),
            ];
            l.facts = vec![
                fact("mail-fact-order", order),
                fact("mail-fact-items", &items(&data)),
            ];
            l.action = Some(return_page());
        }
        "return.photos_requested" => {
            l.subject = tr.t("mail-return-photos-requested-subject");
            l.paragraphs = vec![
                tr.t("mail-return-photos-requested-intro"),
                tr.t("mail-return-photos-requested-how"),
            ];
            if !data.str("message").trim().is_empty() {
                l.paragraphs
                    .push(tr.t("mail-return-photos-requested-message"));
            }
            l.facts = vec![fact("mail-fact-order", order)];
            l.action = Some(return_page());
        }
        "return.authorized" => {
            l.subject = tr.t("mail-return-authorized-subject");
            l.paragraphs = vec![tr.t("mail-return-authorized-intro")];
            l.steps_heading = Some(tr.t("mail-return-authorized-steps"));
            l.steps = ["pack", "mark", "send", "track"]
                .iter()
                .map(|s| tr.t(&format!("mail-return-authorized-step-{s}")))
                .collect();
            let address = Some(data.str("return_address"))
                .filter(|a| !a.trim().is_empty())
                .unwrap_or(&merchant.return_address);
            let shipping = match data
                .0
                .pointer("/return_shipping/paid_by")
                .and_then(Value::as_str)
            {
                Some("buyer") if shipping_cost.is_some() => tr.t("mail-return-shipping-buyer-cost"),
                Some("buyer") => tr.t("mail-return-shipping-buyer"),
                _ => tr.t("mail-return-shipping-free"),
            };
            l.facts = vec![
                fact("mail-fact-rma", data.str("rma")),
                fact("mail-fact-order", order),
                fact("mail-fact-address", address),
                fact("mail-fact-shipping", &shipping),
            ];
            if data.int("window_days").is_some() {
                l.closing.push(tr.t("mail-return-authorized-window"));
            }
            l.action = Some(return_page());
        }
        "return.rejected" => {
            l.subject = tr.t("mail-return-rejected-subject");
            l.paragraphs = vec![tr.t("mail-return-rejected-intro")];
            l.facts = vec![
                fact("mail-fact-order", order),
                fact("mail-fact-reason", data.str("reason")),
            ];
            l.closing = vec![tr.t("mail-return-rejected-help")];
        }
        "return.received" => {
            l.subject = tr.t("mail-return-received-subject");
            l.paragraphs = vec![
                tr.t("mail-return-received-intro"),
                tr.t("mail-return-received-next"),
            ];
            l.facts = vec![
                fact("mail-fact-rma", data.str("rma")),
                fact("mail-fact-order", order),
            ];
            l.action = Some(return_page());
        }
        "refund.succeeded" => {
            l.subject = tr.t("mail-refund-succeeded-subject");
            l.paragraphs = vec![tr.t("mail-refund-succeeded-intro")];
            let way = refund_way(data.str("method"), data.str("payment_method"));
            l.facts = vec![
                fact(
                    "mail-fact-amount",
                    &money(data.int("amount_minor"), currency),
                ),
                fact(
                    "mail-fact-method",
                    &tr.t(&format!("mail-refund-method-{way}")),
                ),
                fact(
                    "mail-fact-timing",
                    &tr.t(&format!("mail-refund-timing-{way}")),
                ),
                fact("mail-fact-order", order),
            ];
            if !data.str("rma").is_empty() {
                l.facts.push(fact("mail-fact-rma", data.str("rma")));
            }
            if !data.str("credit_note").is_empty() {
                l.facts
                    .push(fact("mail-fact-credit-note", data.str("credit_note")));
            }
        }
        "buyer.link_requested" => {
            l.subject = tr.t("mail-buyer-link-subject");
            l.paragraphs = vec![tr.t("mail-buyer-link-intro")];
            l.action = web_link(data.str("link")).map(|url| Action {
                label: tr.t("mail-buyer-link-action"),
                url,
            });
            l.closing = vec![
                tr.t("mail-buyer-link-private"),
                tr.t("mail-buyer-link-ignore"),
            ];
        }
        t if super::claims::BUYER_TEMPLATES.contains(&t) => {
            super::claims::buyer(l, &tr, &data, template, base, merchant);
        }
        _ => staff(l, &tr, &data, kind, currency, base, payload),
    }
    l.facts.retain(|f| !f.value.trim().is_empty());
    Ok(letter)
}

/// Which refund wording applies: "card", "paypal", … or "store-credit", "manual".
fn refund_way(method: &str, payment_method: &str) -> &'static str {
    match (method, payment_method) {
        ("store_credit", _) | (_, "store_credit") => "store-credit",
        ("manual", _) => "manual",
        (_, "card") => "card",
        (_, "paypal") => "paypal",
        (_, "buy_now_pay_later") => "bnpl",
        (_, "bank_transfer") => "bank",
        _ => "original",
    }
}

fn support(tr: &Tr<'_>, merchant: &Merchant) -> Support {
    let s = &merchant.support;
    let lines = [
        ("mail-support-email", &s.email),
        ("mail-support-phone", &s.phone),
        ("mail-support-hours", &s.hours),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(id, v)| Fact {
        label: tr.t(id),
        value: v.clone(),
    })
    .collect();
    let url = web_link(&s.url).map(|u| Fact {
        label: tr.t("mail-support-web"),
        value: u,
    });
    Support {
        heading: tr.t("mail-support-heading"),
        lines,
        url,
    }
}

/// A notification to the shop's staff, in the shop's language, with a link
/// to the return (or order) in the control center.
fn staff(
    l: &mut Letter,
    tr: &Tr<'_>,
    data: &Data<'_>,
    kind: &str,
    currency: Currency,
    base: &str,
    payload: &Value,
) {
    let key = match kind {
        "return.requested" => "return-requested",
        "return.in_transit" => "return-in-transit",
        "refund.failed" => "refund-failed",
        "refund.reversed" => "refund-reversed",
        "refund.imported" => "refund-imported",
        _ => "other",
    };
    let fact = |id: &str, value: String| Fact {
        label: tr.t(id),
        value,
    };
    l.greeting = tr.t("mail-staff-greeting");
    l.closing.clear();
    // From the platform to the shop, not from the shop to a buyer.
    l.signature = "Reso".to_string();
    l.support = None;
    l.footer = tr.t("mail-staff-footer");
    if super::claims::staff(l, tr, data, kind, base, payload) {
        return;
    }
    if super::quality::staff(l, tr, data, kind, base) {
        return;
    }
    l.subject = tr.t(&format!("mail-staff-subject-{key}"));
    l.paragraphs = vec![tr.t(&format!("mail-staff-intro-{key}"))];
    l.facts = vec![
        fact("mail-fact-order", data.str("order_number").to_string()),
        fact("mail-fact-rma", data.str("rma").to_string()),
        fact(
            "mail-fact-amount",
            money(data.int("amount_minor"), currency),
        ),
        fact("mail-fact-items", items(data)),
        fact("mail-fact-carrier", data.str("carrier").to_string()),
        fact(
            "mail-fact-tracking",
            data.str("tracking_number").to_string(),
        ),
        fact("mail-fact-failure", data.str("failure").to_string()),
    ];
    if key == "other" {
        l.facts.push(fact("mail-fact-event", kind.to_string()));
    }
    let id = |k: &str| payload.get(k).and_then(Value::as_i64);
    let path = match (id("return_id"), id("order_id")) {
        (Some(r), _) => format!("/admin/returns/{r}"),
        (None, Some(o)) => format!("/admin/orders/{o}"),
        (None, None) => "/admin".to_string(),
    };
    l.action = Some(Action {
        label: tr.t("mail-staff-action"),
        url: format!("{base}{path}"),
    });
}
