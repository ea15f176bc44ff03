//! Buyer-protection e-mails, end to end through the SMTP sink: the day-23
//! reminder, the claim confirmation and the merchant's notification, the
//! merchant's answer; and every claim template in every language.

mod support;

use reso::app::claims::{self, Answer};
use reso::app::merchants::Settings;
use reso::app::Actor;
use reso::i18n::{Translations, LOCALES};
use reso::store::merchants::{Merchant, NotificationPrefs, SupportContact};
use reso_domain::claim::{ClaimKind, RefundDecision};
use reso_domain::{Currency, DecisionMatrix, ReturnPolicy};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use support::smtp::{ReceivedMail, SmtpSink};
use support::{sample_order, Options, TestApp, DAY, START};

const WAIT: Duration = Duration::from_secs(5);

async fn app_with_sink() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(Options {
        smtp_port: Some(sink.port()),
    })
    .await;
    (app, sink)
}

/// A protected order placed ten days before START; returns its id.
async fn protected_order(app: &TestApp, number: &str, email: &str, locale: &str) -> i64 {
    let mut body = sample_order(number, email, START - 3 * DAY);
    body["protected"] = json!(true);
    body["buyer"]["locale"] = json!(locale);
    let order = app.create_order(&body).await;
    order["id"].as_i64().expect("order id")
}

fn to(mails: &[ReceivedMail], address: &str) -> Vec<ReceivedMail> {
    mails
        .iter()
        .filter(|m| m.recipients.iter().any(|r| r == address))
        .cloned()
        .collect()
}

/// The first web link in a text that starts with `prefix`.
fn link(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

#[tokio::test]
async fn the_day_23_mail_reaches_the_buyer_in_their_language_with_a_link_to_the_order() {
    let (app, sink) = app_with_sink().await;
    protected_order(&app, "5001", "giulia@example.com", "it").await;

    // Placed on 20 February: day 23 is 15 March, 13 days after START.
    app.clock.advance_days(12);
    app.run_pending_jobs().await;
    assert!(
        to(&sink.messages(), "giulia@example.com").is_empty(),
        "nothing before day 23"
    );

    app.clock.advance_days(1);
    app.run_pending_jobs().await;
    let mails = to(&sink.wait_for(1, WAIT).await, "giulia@example.com");
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(
        mail.subject().as_deref(),
        Some("È andato tutto bene con il tuo ordine 5001?")
    );
    let text = mail.text();
    assert!(text.contains("protezione acquirenti"), "{text}");
    // Protection ends 30 days after the order: 22 March at 10:00.
    assert!(text.contains("2026-03-22 10:00 UTC"), "{text}");
    assert!(text.contains("help@acme.test"), "support contact: {text}");
    let order_link = link(&text, &format!("{}/s/acme/o/", app.base)).expect("a link to the order");
    let page = app.http.get(&order_link).send().await.expect("order page");
    assert_eq!(page.status(), 200, "the signed link opens the order page");

    // Once only.
    app.clock.advance_days(1);
    app.run_pending_jobs().await;
    assert_eq!(to(&sink.messages(), "giulia@example.com").len(), 1);
}

#[tokio::test]
async fn an_opened_claim_mails_the_buyer_and_the_merchant() {
    let (app, sink) = app_with_sink().await;
    let order_id = protected_order(&app, "5002", "ada@example.com", "en").await;
    let claim = claims::open(
        &app.state,
        &app.merchant,
        order_id,
        ClaimKind::NotReceived,
        "The parcel never arrived.",
        Vec::new(),
        "ada@example.com",
    )
    .await
    .expect("claim");
    app.run_pending_jobs().await;
    let mails = sink.wait_for(2, WAIT).await;

    let buyer = to(&mails, "ada@example.com");
    assert_eq!(buyer.len(), 1);
    assert_eq!(
        buyer[0].subject().as_deref(),
        Some("We have received your claim about order 5002")
    );
    // Five days to answer: 7 March, 10:00.
    assert!(buyer[0].text().contains("2026-03-07 10:00 UTC"));

    // No address is subscribed to claims: the shop's support address is mailed.
    let shop = to(&mails, "help@acme.test");
    assert_eq!(shop.len(), 1, "the merchant must hear of every claim");
    let text = shop[0].text();
    assert_eq!(
        shop[0].subject().as_deref(),
        Some("New buyer-protection claim for order 5002")
    );
    assert!(text.contains("The parcel never arrived."), "{text}");
    assert!(text.contains("238.00 EUR"), "the order value: {text}");
    assert!(
        text.contains(&format!("{}/admin/claims/{}", app.base, claim.id)),
        "{text}"
    );

    // With an address subscribed, that address is mailed instead.
    let m = &app.merchant;
    let settings = Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        matrix: m.matrix.clone(),
        notifications: NotificationPrefs(BTreeMap::from([(
            "claim.opened".to_string(),
            vec!["claims@acme.test".to_string()],
        )])),
    };
    let merchant =
        reso::app::merchants::update_settings(&app.state, m.id, settings, &Actor::System)
            .await
            .expect("settings");
    let order_id = protected_order(&app, "5003", "bob@example.com", "en").await;
    claims::open(
        &app.state,
        &merchant,
        order_id,
        ClaimKind::RefundNotReceived,
        "I sent it back a month ago.",
        Vec::new(),
        "bob@example.com",
    )
    .await
    .expect("claim");
    app.run_pending_jobs().await;
    let mails = sink.wait_for(4, WAIT).await;
    assert_eq!(to(&mails, "claims@acme.test").len(), 1);
    assert_eq!(to(&mails, "help@acme.test").len(), 1, "no second fallback");
}

#[tokio::test]
async fn the_answer_mails_the_buyer_the_amount_the_message_and_the_20_day_deadline() {
    let (app, sink) = app_with_sink().await;
    let order_id = protected_order(&app, "5004", "claire@example.com", "fr").await;
    let claim = claims::open(
        &app.state,
        &app.merchant,
        order_id,
        ClaimKind::NotReceived,
        "Le colis n'est jamais arrivé.",
        Vec::new(),
        "claire@example.com",
    )
    .await
    .expect("claim");
    app.clock.advance_days(1);
    let answer = Answer {
        decision: RefundDecision::Yes,
        amount_minor: 10_000,
        message: "Only the tent was lost: we refund it.".into(),
        return_id: None,
        uploads: Vec::new(),
    };
    claims::answer(&app.state, &app.merchant, claim.id, answer, &Actor::System)
        .await
        .expect("answer");
    app.run_pending_jobs().await;
    let mails = to(&sink.wait_for(3, WAIT).await, "claire@example.com");
    let answered: Vec<_> = mails
        .iter()
        .filter(|m| {
            m.subject().is_some_and(|s| {
                s == "ACME Outdoor a répondu à votre réclamation sur la commande 5004"
            })
        })
        .collect();
    assert_eq!(
        answered.len(),
        1,
        "{:?}",
        mails.iter().map(ReceivedMail::subject).collect::<Vec<_>>()
    );
    let text = answered[0].text();
    assert!(text.contains("100.00 EUR"), "{text}");
    assert!(
        text.contains("Only the tent was lost: we refund it."),
        "{text}"
    );
    assert!(text.contains("dans les 20 jours"), "{text}");
    // Answered on 3 March at 10:00: the buyer has until 23 March.
    assert!(text.contains("2026-03-23 10:00 UTC"), "{text}");
    assert!(
        text.contains("pas d'accord avec le montant"),
        "variant B: {text}"
    );
    assert!(
        link(&text, &format!("{}/s/acme/o/", app.base)).is_some(),
        "{text}"
    );
}

fn sample_merchant() -> Merchant {
    Merchant {
        id: 1,
        slug: "acme".into(),
        name: "Bob's <Camping> & Co".into(),
        support: SupportContact {
            email: "help@acme.test".into(),
            phone: "+39 02 1234567".into(),
            hours: "Mon–Fri 9–18".into(),
            url: "https://acme.test/help".into(),
        },
        return_address: "ACME Returns\nVia Roma 1\n20100 Milano".into(),
        default_locale: "en".into(),
        currency: Currency::parse("EUR").unwrap(),
        policy: ReturnPolicy::default(),
        matrix: DecisionMatrix::starter(),
        notifications: NotificationPrefs(BTreeMap::new()),
        protection: Default::default(),
        insolvent_at: None,
    }
}

const LINK: &str = "https://returns.test/s/acme/o/signed";

/// Every claim e-mail, with data as the claim use cases record it.
fn claim_payloads() -> Vec<Value> {
    let base = |extra: Value| {
        let mut data = json!({ "claim_id": 7, "order_number": "1001", "status": "awaiting_merchant",
            "due_at": START + 5 * DAY, "order_link": LINK });
        for (k, v) in extra.as_object().unwrap() {
            data[k] = v.clone();
        }
        data
    };
    let mut buyer = vec![json!({ "template": "protection.reminder",
        "data": { "order_number": "1001", "ends_at": START + 7 * DAY, "order_link": LINK } })];
    for kind in ["not_received", "refund_not_received", "other_problem"] {
        buyer.push(json!({ "template": "claim.opened", "data": base(json!({ "kind": kind, "text": "Nothing came.",
            "amount_minor": 23_800, "currency": "EUR" })) }));
    }
    for (decision, variant, amount) in [
        ("yes", "full_refund", 23_800),
        ("yes", "partial_refund", 10_000),
        ("yes_after_return", "full_refund", 23_800),
        ("no", "no_refund", 0),
    ] {
        buyer.push(json!({ "template": "claim.answered", "data": base(json!({ "decision": decision, "variant": variant,
            "amount_minor": amount, "currency": "EUR", "message": "Here is why." })) }));
    }
    for (escalation, why) in [
        ("merchant_silent", "claim_answer"),
        ("buyer_not_received", ""),
        ("buyer_disagrees", ""),
        ("merchant_insolvent", ""),
        ("buyer_disagrees", "claim_documents"),
    ] {
        buyer.push(json!({ "template": "claim.escalated", "data": base(json!({ "escalation": escalation, "why": why })) }));
    }
    for (amount, guarantee) in [(5_000, false), (5_000, true), (0, false)] {
        buyer.push(json!({ "template": "claim.decided", "data": base(json!({ "amount_minor": amount,
            "from_guarantee": guarantee, "currency": "EUR", "message": "Both sides were heard." })) }));
    }
    for reaction in ["received", "conclude", ""] {
        buyer.push(
            json!({ "template": "claim.closed", "data": base(json!({ "reaction": reaction })) }),
        );
    }
    for role in ["merchant", "mediator"] {
        buyer.push(
            json!({ "template": "message.posted", "data": base(json!({ "author_role": role,
            "message": "We shipped it again." })) }),
        );
    }
    let mut staff = Vec::new();
    for (kind, extra) in [
        (
            "claim.opened",
            json!({ "kind": "not_received", "text": "Nothing came.", "amount_minor": 23_800 }),
        ),
        (
            "claim.opened",
            json!({ "kind": "other_problem", "text": "Broken." }),
        ),
        (
            "claim.escalated",
            json!({ "escalation": "merchant_silent", "why": "claim_answer" }),
        ),
        (
            "claim.escalated",
            json!({ "escalation": "buyer_disagrees", "why": "claim_documents" }),
        ),
        (
            "claim.documents_requested",
            json!({ "message": "Send the proof of delivery." }),
        ),
        (
            "claim.decided",
            json!({ "amount_minor": 5_000, "from_guarantee": false }),
        ),
        ("claim.closed", json!({ "reaction": "received" })),
        (
            "claim.dispute_opened",
            json!({ "kind": "chargeback", "reason_code": "fraudulent", "dispute_state": "needs_response" }),
        ),
        (
            "claim.dispute_answer_refused",
            json!({ "kind": "chargeback", "reason": "the dispute is no longer open" }),
        ),
        (
            "claim.dispute_unanswered",
            json!({ "kind": "provider_claim" }),
        ),
        (
            "claim.dispute_decided",
            json!({ "kind": "chargeback", "dispute_state": "won" }),
        ),
        (
            "claim.dispute_decided",
            json!({ "kind": "chargeback", "dispute_state": "lost" }),
        ),
        (
            "message.posted",
            json!({ "author_role": "buyer", "message": "Any news?" }),
        ),
        (
            "message.posted",
            json!({ "author_role": "mediator", "message": "Please reply." }),
        ),
    ] {
        staff.push(json!({ "template": "staff.notification", "kind": kind, "data": base(extra), "order_id": 3 }));
    }
    buyer.extend(staff);
    buyer
}

#[test]
fn every_claim_mail_renders_in_every_language_with_no_missing_message() {
    let i18n = Translations::load().expect("translations");
    let merchant = sample_merchant();
    let ours = |id: &String| {
        id.starts_with("mail-claim")
            || id.starts_with("mail-protection")
            || id.contains("message-posted")
            || id.contains("-claim")
            || id.starts_with("mail-fact-")
    };
    let mut english: Vec<String> = i18n.ids("en").into_iter().filter(ours).collect();
    english.sort();
    assert!(english.len() > 60, "{}", english.len());
    for locale in LOCALES {
        let mut ids: Vec<String> = i18n.ids(locale).into_iter().filter(ours).collect();
        ids.sort();
        assert_eq!(ids, english, "{locale} must translate every claim message");
    }
    for payload in claim_payloads() {
        let template = payload["template"].as_str().unwrap();
        let english_mail =
            reso::jobs::mail::render(&i18n, &merchant, "https://returns.test/", &payload).unwrap();
        for locale in LOCALES {
            let mut localized = payload.clone();
            localized["locale"] = json!(locale);
            let mail =
                reso::jobs::mail::render(&i18n, &merchant, "https://returns.test/", &localized)
                    .unwrap();
            let context = format!(
                "{template} {} {} in {locale}",
                payload["kind"], payload["data"]
            );
            for part in [&mail.subject, &mail.text, &mail.html] {
                assert!(
                    !part.contains("mail-"),
                    "{context}: a message id leaked:\n{part}"
                );
                assert!(
                    !part.contains("{ $") && !part.contains("{$"),
                    "{context}: {part}"
                );
            }
            if *locale != "en" {
                assert_ne!(
                    mail.subject, english_mail.subject,
                    "{context}: not translated"
                );
                assert_ne!(mail.text, english_mail.text, "{context}: not translated");
            }
            assert!(mail.text.contains("1001"), "{context}: the order number");
            assert!(
                !mail.html.contains("<Camping>"),
                "{context}: HTML must be escaped"
            );
            if template == "staff.notification" {
                assert!(
                    mail.text.contains("https://returns.test/admin/claims/7"),
                    "{context}: link to the claim:\n{}",
                    mail.text
                );
                assert!(
                    !mail.text.contains("+39 02 1234567"),
                    "{context}: no buyer support block"
                );
            } else {
                assert!(
                    mail.text.contains(LINK) && mail.html.contains(LINK),
                    "{context}: order link"
                );
                for contact in [
                    "help@acme.test",
                    "+39 02 1234567",
                    "Mon–Fri 9–18",
                    "https://acme.test/help",
                ] {
                    assert!(
                        mail.text.contains(contact) && mail.html.contains(contact),
                        "{context}: support contact {contact}"
                    );
                }
            }
            if template == "claim.answered" && payload["data"]["decision"] != "no" {
                assert!(mail.text.contains(" EUR"), "{context}: the amount");
                assert!(
                    mail.text.contains("2026-03-07 10:00 UTC"),
                    "{context}: the deadline"
                );
                assert!(mail.text.contains("20"), "{context}: the reaction days");
            }
        }
    }
}
