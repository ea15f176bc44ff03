//! The outbox worker end to end: buyer and staff e-mails through a real SMTP
//! server, retries after back-off, simulator refunds settled on the moved
//! clock, and signed webhooks to a real HTTP receiver.

mod support;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use reso::app::merchants::Settings;
use reso::app::refunds::{refund_return, Issued};
use reso::app::returns::ReturnRequest;
use reso::app::Actor;
use reso::i18n::{Translations, LOCALES};
use reso::store;
use reso::store::merchants::{Merchant, NotificationPrefs, SupportContact};
use reso::store::returns::ReturnRecord;
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::returns::{LineDecision, RequestedLine};
use reso_domain::{
    Currency, DecisionMatrix, Email, NewOrder, Order, PaymentMethod, ReturnPolicy, ReturnReason,
    ReturnStatus, Timestamp,
};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::smtp::{ReceivedMail, SmtpSink};
use support::{Options, TestApp, DAY, START};

const WAIT: Duration = Duration::from_secs(5);
const MINUTE: i64 = 60_000;

async fn app_with_sink() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(Options {
        smtp_port: Some(sink.port()),
    })
    .await;
    (app, sink)
}

/// A delivered order of a tent and two mugs, paid by card at the simulator.
async fn place_order(
    app: &TestApp,
    number: &str,
    email: &str,
    locale: &str,
    reference: &str,
) -> Order {
    let eur = Currency::parse("EUR").unwrap();
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse(email).unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: locale.into(),
        currency: eur,
        placed_at: Timestamp(START - 10 * DAY),
        lines: vec![
            NewLine {
                sku: "TENT-2P".into(),
                title: "Two-person tent".into(),
                quantity: 1,
                unit_price_minor: 18_900,
                returnable: true,
            },
            NewLine {
                sku: "MUG-TI".into(),
                title: "Titanium mug <Ti> & lid".into(),
                quantity: 2,
                unit_price_minor: 2_450,
                returnable: true,
            },
        ],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: reference.into(),
            captured_minor: 23_800,
        }],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{number}"),
            shipped_at: Some(Timestamp(START - 5 * DAY)),
            delivered_at: Some(Timestamp(START - 3 * DAY)),
        }],
    };
    reso::app::orders::upsert(&app.state, &app.merchant, &input, &Actor::System)
        .await
        .expect("order")
        .order
}

/// One mug back: small enough for the starter matrix to authorize at once.
async fn authorized_return(app: &TestApp, order: &Order) -> ReturnRecord {
    let mug = order
        .lines
        .iter()
        .find(|l| l.sku == "MUG-TI")
        .expect("mug line");
    let request = ReturnRequest {
        lines: vec![RequestedLine {
            order_line_id: mug.id,
            quantity: 1,
            reason: ReturnReason::TooSmall,
        }],
        comment: String::new(),
        refund_method: None,
        photos: Vec::new(),
    };
    let actor = Actor::Buyer(order.buyer_email.as_str().to_string());
    let r = reso::app::returns::request(&app.state, &app.merchant, order.id, request, &actor)
        .await
        .expect("return");
    assert_eq!(
        r.status,
        ReturnStatus::Authorized,
        "the starter matrix authorizes a small return"
    );
    r
}

async fn inspected_return(app: &TestApp, order: &Order) -> ReturnRecord {
    let r = authorized_return(app, order).await;
    let staff = Actor::System;
    reso::app::returns::mark_received(&app.state, &app.merchant, r.id, &staff)
        .await
        .expect("received");
    let decisions = r
        .lines
        .iter()
        .map(|l| {
            (
                l.order_line_id,
                LineDecision {
                    accepted_quantity: l.quantity,
                    condition: "as new".into(),
                },
            )
        })
        .collect();
    let r = reso::app::returns::inspect(&app.state, &app.merchant, r.id, decisions, &staff)
        .await
        .expect("inspected");
    assert_eq!(r.status, ReturnStatus::Inspected);
    r
}

async fn refund(app: &TestApp, return_id: i64) -> Issued {
    refund_return(
        &app.state,
        &app.merchant,
        return_id,
        None,
        None,
        &Actor::System,
    )
    .await
    .expect("refund issued")
}

fn to<'a>(mails: &'a [ReceivedMail], address: &str) -> Vec<&'a ReceivedMail> {
    mails
        .iter()
        .filter(|m| m.recipients == [address.to_string()])
        .collect()
}

async fn refund_status(app: &TestApp, refund_id: i64) -> String {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    store::refunds::load(&mut conn, refund_id)
        .await
        .unwrap()
        .status
}

async fn return_status(app: &TestApp, return_id: i64) -> ReturnStatus {
    reso::app::returns::load(&app.state, app.merchant.id, return_id)
        .await
        .unwrap()
        .status
}

async fn events_of(app: &TestApp, order_id: i64, kind: &str) -> usize {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    store::events::for_order(&mut conn, order_id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == kind)
        .count()
}

async fn notify_staff_of(app: &TestApp, kind: &str, address: &str) -> Merchant {
    let m = &app.merchant;
    let mut prefs = m.notifications.0.clone();
    prefs.insert(kind.to_string(), vec![address.to_string()]);
    let settings = Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        matrix: m.matrix.clone(),
        notifications: NotificationPrefs(prefs),
    };
    reso::app::merchants::update_settings(&app.state, m.id, settings, &Actor::System)
        .await
        .expect("settings")
}

#[tokio::test]
async fn an_authorized_return_mails_the_buyer_the_rma_and_the_shops_support_contact() {
    let (app, sink) = app_with_sink().await;
    let order = place_order(&app, "1001", "ada@example.com", "en", "pi_1001").await;
    let r = authorized_return(&app, &order).await;
    let rma = r.rma.clone().expect("an RMA number");

    // Buyer: request received + authorized; staff: the new request.
    assert_eq!(app.run_pending_jobs().await, 3);
    let mails = sink.wait_for(3, WAIT).await;
    let buyer = to(&mails, "ada@example.com");
    assert_eq!(buyer.len(), 2);
    let mail = buyer
        .iter()
        .find(|m| m.subject().unwrap_or_default().contains(&rma))
        .expect("the authorization mail");
    assert_eq!(
        mail.subject().unwrap(),
        format!("Return {rma} authorized: how to send your items back")
    );
    let text = mail.text();
    for expected in [
        rma.as_str(),
        "ACME Outdoor",
        "ACME Returns, Via Roma 1, 20100 Milano",
        "help@acme.test",
        "+39 02 1234567",
        "Mon–Fri 9–18",
        "https://acme.test/help",
        "Free for you",
        "within 30 days of delivery",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let html = mail.html().expect("an HTML part");
    assert!(html.contains(&rma) && html.contains("help@acme.test"));
    assert!(mail
        .header("Reply-To")
        .is_none_or(|h| h.contains("help@acme.test")));
    assert!(
        mail.data.contains("help@acme.test"),
        "Reply-To goes to the shop's support"
    );
    assert_eq!(mail.from, "returns@reso.test");

    // Item titles are escaped in HTML, not interpreted.
    let requested = buyer
        .iter()
        .find(|m| !m.subject().unwrap_or_default().contains(&rma))
        .unwrap();
    let html = requested.html().unwrap();
    assert!(
        html.contains("Titanium mug &lt;Ti&gt; &amp; lid")
            || html.contains("Titanium mug &#60;Ti&#62; &#38; lid"),
        "{html}"
    );
    assert!(!html.contains("<Ti>"));
    assert!(requested.text().contains("1 × Titanium mug <Ti> & lid"));

    // Staff hear of the request, with a link to it in the control center.
    let staff = to(&mails, "help@acme.test");
    assert_eq!(staff.len(), 1);
    assert_eq!(
        staff[0].subject().unwrap(),
        "New return request for order 1001"
    );
    assert!(staff[0]
        .text()
        .contains(&format!("{}/admin/returns/{}", app.base, r.id)));

    assert_eq!(app.run_pending_jobs().await, 0, "nothing is sent twice");
}

#[tokio::test]
async fn buyers_get_their_mail_in_their_own_language() {
    let (app, sink) = app_with_sink().await;
    let it = place_order(&app, "2001", "giulia@example.it", "it", "pi_2001").await;
    let de = place_order(&app, "2002", "jonas@example.de", "de-AT", "pi_2002").await;
    let rma_it = authorized_return(&app, &it).await.rma.unwrap();
    let rma_de = authorized_return(&app, &de).await.rma.unwrap();
    app.run_pending_jobs().await;
    let mails = sink.wait_for(6, WAIT).await;

    let italian = to(&mails, "giulia@example.it")
        .into_iter()
        .find(|m| m.subject().unwrap().contains(&rma_it))
        .unwrap();
    assert_eq!(
        italian.subject().unwrap(),
        format!("Reso {rma_it} autorizzato: come rispedire gli articoli")
    );
    let text = italian.text();
    assert!(
        text.contains(&format!("Il tuo numero di reso (RMA) è {rma_it}")),
        "{text}"
    );
    assert!(
        text.contains("Il servizio clienti di ACME Outdoor") && text.contains("help@acme.test"),
        "{text}"
    );

    let german = to(&mails, "jonas@example.de")
        .into_iter()
        .find(|m| m.subject().unwrap().contains(&rma_de))
        .unwrap();
    assert_eq!(
        german.subject().unwrap(),
        format!("Retoure {rma_de} genehmigt: So senden Sie die Artikel zurück")
    );
    let text = german.text();
    assert!(
        text.contains(&format!("Ihre Retourennummer (RMA) lautet {rma_de}")),
        "{text}"
    );
    assert!(
        text.contains("Kundenservice von ACME Outdoor") && text.contains("+39 02 1234567"),
        "{text}"
    );
    assert_ne!(italian.text(), german.text());
}

#[tokio::test]
async fn a_mail_the_smtp_server_refuses_for_now_is_sent_again_after_the_back_off() {
    let (app, sink) = app_with_sink().await;
    let order = place_order(&app, "3001", "ada@example.com", "en", "pi_3001").await;
    authorized_return(&app, &order).await;

    sink.fail_next(1);
    assert_eq!(app.run_pending_jobs().await, 3);
    assert_eq!(
        sink.wait_for(2, WAIT).await.len(),
        2,
        "the other mails still go out"
    );
    let (attempts, error): (i64, Option<String>) = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        sqlx::query_as(
            "SELECT attempts, last_error FROM jobs WHERE done_at IS NULL AND kind = 'mail'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap()
    };
    assert_eq!(attempts, 1);
    assert!(
        error.unwrap_or_default().contains("451"),
        "the SMTP answer is kept for staff"
    );

    assert_eq!(app.run_pending_jobs().await, 0, "not before the back-off");
    app.clock.advance_ms(MINUTE);
    assert_eq!(app.run_pending_jobs().await, 1);
    let mails = sink.wait_for(3, WAIT).await;
    let mut seen: Vec<(String, String)> = mails
        .iter()
        .map(|m| (m.recipients.join(","), m.subject().unwrap()))
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "each mail arrived exactly once: {seen:?}");
    assert_eq!(sink.messages().len(), 3);
}

#[tokio::test]
async fn a_simulator_refund_stays_pending_until_the_gateway_settles_it_then_the_buyer_is_told() {
    let (app, sink) = app_with_sink().await;
    let order = place_order(&app, "4001", "ada@example.com", "en", "pi_4001").await;
    let r = inspected_return(&app, &order).await;
    let issued = refund(&app, r.id).await;
    let refund_id = issued.refunds[0].id;
    assert_eq!(issued.refunds[0].status, "pending");
    app.run_pending_jobs().await;
    let before = sink.messages().len();

    app.clock.advance_ms(4 * MINUTE);
    app.run_pending_jobs().await;
    assert_eq!(
        refund_status(&app, refund_id).await,
        "pending",
        "the simulator settles after five minutes"
    );
    assert_eq!(return_status(&app, r.id).await, ReturnStatus::Refunding);

    app.clock.advance_ms(2 * MINUTE);
    app.run_pending_jobs().await;
    assert_eq!(refund_status(&app, refund_id).await, "succeeded");
    assert_eq!(return_status(&app, r.id).await, ReturnStatus::Refunded);

    let mails = sink.wait_for(before + 1, WAIT).await;
    let mail = to(&mails, "ada@example.com")
        .into_iter()
        .find(|m| m.subject().unwrap().contains("refund"))
        .expect("the refund mail");
    assert_eq!(
        mail.subject().unwrap(),
        "Your refund of 24.50 EUR has been issued"
    );
    let text = mail.text();
    for expected in [
        "24.50 EUR",
        "The card you paid with",
        "5–10 business days",
        "CN-000001",
        "help@acme.test",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[tokio::test]
async fn a_declined_refund_releases_the_payment_reopens_the_return_and_tells_staff() {
    let (app, sink) = app_with_sink().await;
    notify_staff_of(&app, "refund.failed", "ops@acme.test").await;
    let order = place_order(&app, "5001", "ada@example.com", "en", "pi_fail_5001").await;
    let r = inspected_return(&app, &order).await;
    let refund_id = refund(&app, r.id).await.refunds[0].id;
    app.run_pending_jobs().await;

    app.clock.advance_ms(10 * MINUTE);
    app.run_pending_jobs().await;
    assert_eq!(refund_status(&app, refund_id).await, "failed");
    assert_eq!(return_status(&app, r.id).await, ReturnStatus::Inspected);
    let payment = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        store::orders::load(&mut conn, app.merchant.id, order.id)
            .await
            .unwrap()
            .payments
            .remove(0)
    };
    assert_eq!(
        payment.refunded.minor, 0,
        "the declined amount is owed again"
    );

    let mails = sink.wait_for(1, WAIT).await;
    let staff = to(&mails, "ops@acme.test");
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].subject().unwrap(), "Refund failed for order 5001");
    let text = staff[0].text();
    assert!(
        text.contains("the card issuer declined the refund") && text.contains("24.50 EUR"),
        "{text}"
    );
    assert!(text.contains(&format!("/admin/returns/{}", r.id)));
    assert!(
        to(&mails, "ada@example.com")
            .iter()
            .all(|m| !m.subject().unwrap().contains("refund")),
        "the buyer is not told of a refund"
    );

    let again = refund(&app, r.id).await;
    assert!(
        again.created && again.refunds[0].id != refund_id,
        "the return can be refunded again"
    );
}

#[tokio::test]
async fn running_the_worker_again_or_twice_at_once_never_settles_a_refund_twice() {
    let (app, sink) = app_with_sink().await;
    let order = place_order(&app, "6001", "ada@example.com", "en", "pi_6001").await;
    let r = inspected_return(&app, &order).await;
    let refund_id = refund(&app, r.id).await.refunds[0].id;
    app.run_pending_jobs().await;
    app.clock.advance_ms(10 * MINUTE);
    let (a, b) = tokio::join!(
        reso::jobs::run_pending(&app.state),
        reso::jobs::run_pending(&app.state)
    );
    assert!(a.unwrap() + b.unwrap() >= 1);
    assert_eq!(refund_status(&app, refund_id).await, "succeeded");

    // The same gateway jobs delivered again (a worker that died after the
    // gateway answered) change nothing.
    let gateway_refund_id = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        store::refunds::load(&mut conn, refund_id)
            .await
            .unwrap()
            .gateway_refund_id
            .expect("the gateway's id")
    };
    {
        let now = app.state.now();
        let mut tx = app.state.db.begin().await.unwrap();
        store::jobs::enqueue(
            &mut tx,
            "gateway_refund",
            &json!({ "refund_id": refund_id }),
            now,
            now,
        )
        .await
        .unwrap();
        let poll =
            json!({ "refund_id": refund_id, "gateway_refund_id": gateway_refund_id, "polls": 3 });
        store::jobs::enqueue(&mut tx, "gateway_poll", &poll, now, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(app.run_pending_jobs().await, 2);
    assert_eq!(app.run_pending_jobs().await, 0);
    assert_eq!(events_of(&app, order.id, "refund.succeeded").await, 1);
    assert_eq!(events_of(&app, order.id, "return.refunded").await, 1);
    let refund_mails = sink
        .messages()
        .iter()
        .filter(|m| m.subject().unwrap().starts_with("Your refund"))
        .count();
    assert_eq!(refund_mails, 1);
}

/// What the test receiver saw: headers and body of each POST.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
    status: Arc<AtomicU16>,
}

async fn start_receiver(first_status: u16) -> (String, Receiver) {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    let receiver = Receiver {
        status: Arc::new(AtomicU16::new(first_status)),
        ..Receiver::default()
    };
    let app = axum::Router::new()
        .route(
            "/hooks",
            axum::routing::post(
                |State(r): State<Receiver>, headers: HeaderMap, body: String| async move {
                    r.seen.lock().unwrap().push((headers, body));
                    StatusCode::from_u16(r.status.load(Ordering::SeqCst)).unwrap()
                },
            ),
        )
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

fn verify(secret: &str, headers: &axum::http::HeaderMap, body: &str) -> bool {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", h("webhook-id"), h("webhook-timestamp"), body).as_bytes());
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    h("webhook-signature").split(' ').any(|s| s == expected)
}

#[tokio::test]
async fn webhooks_are_signed_and_retried_when_the_receiver_fails() {
    let app = TestApp::spawn().await;
    let (url, receiver) = start_receiver(500).await;
    let endpoint = reso::app::merchants::add_webhook(&app.state, app.merchant.id, &url)
        .await
        .expect("endpoint");
    let order = place_order(&app, "7001", "ada@example.com", "en", "pi_7001").await;

    assert_eq!(
        app.run_pending_jobs().await,
        1,
        "order.created goes to the endpoint"
    );
    assert_eq!(receiver.seen.lock().unwrap().len(), 1);
    assert_eq!(
        app.run_pending_jobs().await,
        0,
        "a 500 is retried later, not at once"
    );

    receiver.status.store(204, Ordering::SeqCst);
    app.clock.advance_ms(MINUTE);
    assert_eq!(app.run_pending_jobs().await, 1);
    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for (headers, body) in &seen {
        assert!(
            verify(&endpoint.secret, headers, body),
            "bad signature on {body}"
        );
        assert_eq!(headers["content-type"], "application/json");
    }
    assert_eq!(
        seen[0].0["webhook-id"], seen[1].0["webhook-id"],
        "the id is stable across retries"
    );
    assert_eq!(
        seen[1].0["webhook-timestamp"].to_str().unwrap(),
        ((START + MINUTE) / 1000).to_string()
    );
    let body: Value = serde_json::from_str(&seen[1].1).unwrap();
    assert_eq!(body["type"], "order.created");
    assert_eq!(body["timestamp"], "2026-03-02T10:00:00Z");
    assert_eq!(body["data"]["order_number"], "7001");
    assert_eq!(body["data"]["order_id"], order.id);
    let event_id = body["data"]["event_id"].as_i64().unwrap();
    assert_eq!(
        seen[0].0["webhook-id"].to_str().unwrap(),
        format!("evt_{event_id}")
    );

    // A tampered body does not verify.
    assert!(!verify(
        &endpoint.secret,
        &seen[1].0,
        &seen[1].1.replace("7001", "7002")
    ));
}

#[tokio::test]
async fn without_smtp_mail_lands_in_the_mail_directory() {
    let app = TestApp::spawn().await;
    let order = place_order(&app, "8001", "ada@example.com", "fr", "pi_8001").await;
    let r = authorized_return(&app, &order).await;
    app.run_pending_jobs().await;
    let dir = app.state.config.mail_dir.clone().unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
    let authorized = files
        .iter()
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with("-return.authorized.eml")
        })
        .expect("<job id>-return.authorized.eml");
    let bytes = std::fs::read(authorized).unwrap();
    let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(
        message.subject().unwrap(),
        format!(
            "Retour {} accepté : comment nous renvoyer vos articles",
            r.rma.unwrap()
        )
    );
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("ACME Outdoor"), Some("returns@localhost"))
    );
}

fn sample_merchant(name: &str) -> Merchant {
    Merchant {
        id: 1,
        slug: "acme".into(),
        name: name.into(),
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

/// Every template with data as its event writes it.
fn sample_payloads() -> Vec<Value> {
    let lines =
        json!([{ "sku": "MUG-TI", "title": "Titanium mug", "quantity": 1, "reason": "too_small" }]);
    let mut out = vec![
        json!({ "template": "return.requested", "data": { "order_number": "1001", "amount_minor": 2450, "currency": "EUR", "lines": lines } }),
        json!({ "template": "return.photos_requested", "data": { "order_number": "1001", "message": "Show the scratch, please." } }),
        json!({ "template": "return.authorized", "data": { "order_number": "1001", "rma": "R-7K2M-9Q", "return_address": "ACME Returns, Via Roma 1",
            "return_shipping": { "paid_by": "buyer", "label_cost_minor": 590 }, "window_days": 30 } }),
        json!({ "template": "return.rejected", "data": { "order_number": "1001", "rma": null, "reason": "Worn items cannot be returned." } }),
        json!({ "template": "return.received", "data": { "order_number": "1001", "rma": "R-7K2M-9Q" } }),
        json!({ "template": "buyer.link_requested", "data": { "order_number": "1001", "link": "https://returns.test/s/acme/o/abc", "expires_at": START + 900_000 } }),
    ];
    for (method, payment_method) in [
        ("original_payment", "card"),
        ("original_payment", "paypal"),
        ("original_payment", "buy_now_pay_later"),
        ("original_payment", "bank_transfer"),
        ("original_payment", "other"),
        ("store_credit", "card"),
        ("manual", "card"),
    ] {
        out.push(json!({ "template": "refund.succeeded", "data": { "order_number": "1001", "amount_minor": 2450, "currency": "EUR",
            "method": method, "payment_method": payment_method, "credit_note": "CN-000001" } }));
    }
    for (kind, data) in [
        (
            "return.requested",
            json!({ "order_number": "1001", "amount_minor": 2450, "currency": "EUR", "lines": lines }),
        ),
        (
            "return.in_transit",
            json!({ "order_number": "1001", "rma": "R-7K2M-9Q", "carrier": "DHL", "tracking_number": "JD0001" }),
        ),
        (
            "refund.failed",
            json!({ "order_number": "1001", "amount_minor": 2450, "currency": "EUR", "failure": "the card issuer declined the refund" }),
        ),
        (
            "refund.reversed",
            json!({ "order_number": "1001", "amount_minor": 2450, "currency": "EUR", "failure": "the card was closed" }),
        ),
        (
            "refund.imported",
            json!({ "order_number": "1001", "amount_minor": 2450, "currency": "EUR", "gateway": "stripe" }),
        ),
        ("claim.opened", json!({ "order_number": "1001" })),
    ] {
        out.push(json!({ "template": "staff.notification", "kind": kind, "data": data, "order_id": 3, "return_id": 4 }));
    }
    out
}

#[test]
fn every_mail_renders_in_every_language_with_no_missing_message() {
    let i18n = Translations::load().expect("translations");
    let english: Vec<String> = i18n
        .ids("en")
        .into_iter()
        .filter(|id| id.starts_with("mail-"))
        .collect();
    assert!(english.len() > 50);
    let merchant = sample_merchant("Bob's <Camping> & Co");
    for payload in sample_payloads() {
        let template = payload["template"].as_str().unwrap();
        let english_mail =
            reso::jobs::mail::render(&i18n, &merchant, "https://returns.test/", &payload).unwrap();
        for locale in LOCALES {
            let mut ids: Vec<String> = i18n
                .ids(locale)
                .into_iter()
                .filter(|id| id.starts_with("mail-"))
                .collect();
            ids.sort();
            let mut expected = english.clone();
            expected.sort();
            assert_eq!(ids, expected, "{locale} must translate every mail message");

            let mut localized = payload.clone();
            localized["locale"] = json!(locale);
            let mail =
                reso::jobs::mail::render(&i18n, &merchant, "https://returns.test/", &localized)
                    .unwrap();
            let context = format!("{template} {} in {locale}", payload["kind"]);
            for part in [&mail.subject, &mail.text, &mail.html] {
                assert!(
                    !part.contains("mail-"),
                    "{context}: a message id leaked:\n{part}"
                );
                assert!(
                    !part.contains("{ $") && !part.contains("{$"),
                    "{context}: an unfilled variable:\n{part}"
                );
            }
            assert!(
                !mail.subject.trim().is_empty() && !mail.subject.contains('\n'),
                "{context}"
            );
            if *locale != "en" {
                assert_ne!(
                    mail.subject, english_mail.subject,
                    "{context}: the subject is not translated"
                );
            }
            assert!(
                mail.text.contains("Bob's <Camping> & Co"),
                "{context}: the shop name"
            );
            assert!(
                !mail.html.contains("<Camping>"),
                "{context}: HTML must be escaped"
            );
            assert!(
                mail.html.contains(&format!("<html lang=\"{locale}\">")),
                "{context}"
            );
            if template != "staff.notification" {
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
            } else {
                assert!(
                    mail.text.contains("https://returns.test/admin/returns/4"),
                    "{context}: link to the return"
                );
            }
            if template == "refund.succeeded" {
                assert!(mail.text.contains("24.50 EUR"), "{context}: the amount");
            }
        }
    }
    let unknown = json!({ "template": "return.exploded", "data": {} });
    assert!(reso::jobs::mail::render(&i18n, &merchant, "https://returns.test", &unknown).is_err());
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_given_up_after_ten_attempts_with_the_error_kept() {
    let app = TestApp::spawn().await;
    let (url, receiver) = start_receiver(503).await;
    reso::app::merchants::add_webhook(&app.state, app.merchant.id, &url)
        .await
        .expect("endpoint");
    place_order(&app, "7101", "ada@example.com", "en", "pi_7101").await;
    for attempt in 1..=12 {
        app.run_pending_jobs().await;
        assert_eq!(receiver.seen.lock().unwrap().len(), attempt.min(10));
        app.clock.advance_ms(6 * 60 * MINUTE);
    }
    let (done, error): (Option<i64>, Option<String>) = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        sqlx::query_as("SELECT done_at, last_error FROM jobs WHERE kind = 'webhook'")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert!(done.is_some(), "no longer retried");
    assert!(error.unwrap_or_default().contains("503"));
}

#[tokio::test]
async fn a_receiver_answering_410_gone_is_unsubscribed() {
    let app = TestApp::spawn().await;
    let (url, receiver) = start_receiver(410).await;
    reso::app::merchants::add_webhook(&app.state, app.merchant.id, &url)
        .await
        .expect("endpoint");
    let order = place_order(&app, "7201", "ada@example.com", "en", "pi_7201").await;
    assert_eq!(app.run_pending_jobs().await, 1);
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    assert!(store::webhooks::for_merchant(&mut conn, app.merchant.id)
        .await
        .unwrap()
        .is_empty());
    drop(conn);
    authorized_return(&app, &order).await;
    app.run_pending_jobs().await;
    assert_eq!(
        receiver.seen.lock().unwrap().len(),
        1,
        "no more events go to a disabled endpoint"
    );
}

#[tokio::test]
async fn the_background_worker_delivers_without_being_asked() {
    let (app, sink) = app_with_sink().await;
    let worker = tokio::spawn(reso::jobs::run_forever(app.state.clone()));
    let order = place_order(&app, "9001", "ada@example.com", "en", "pi_9001").await;
    let rma = authorized_return(&app, &order).await.rma.unwrap();
    let mails = sink.wait_for(3, WAIT).await;
    assert!(mails.iter().any(|m| m.subject().unwrap().contains(&rma)));
    worker.abort();
}
