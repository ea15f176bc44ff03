//! The mediator console, driven over HTTP like a browser without JavaScript:
//! sign in, the escalated queue, a claim's file, a document request, decisions
//! paid by the merchant or the guarantee, marking a merchant insolvent, and
//! writing in a claim's conversation with both sides.
//! Orders and claims are set up through the use cases directly.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use reso::app::claims::Upload;
use reso::app::Actor;
use reso::store::claims::ClaimRecord;
use reso_domain::claim::{ClaimKind, ClaimStatus, Escalation, Outcome};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::{Currency, Email, NewOrder, Order, PaymentMethod, Timestamp};
use serde_json::Value;
use std::process::Command;
use support::{TestApp, DAY, START};

const MEDIATOR_EMAIL: &str = "maria@mediators.test";
const MEDIATOR_PASSWORD: &str = "fair and square";

/// A browser: keeps cookies, does not follow redirects (so tests see them).
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

async fn add_mediator(app: &TestApp) {
    reso::app::mediators::create(
        &app.state,
        MEDIATOR_EMAIL,
        "Maria Mediator",
        MEDIATOR_PASSWORD,
    )
    .await
    .expect("mediator");
}

async fn mediator_login(app: &TestApp) -> Client {
    add_mediator(app).await;
    sign_in(app).await
}

/// A mediator session (they last 12 hours, so a test that moves the clock
/// by days signs in again).
async fn sign_in(app: &TestApp) -> Client {
    let client = browser();
    let res = client
        .post(app.url("/mediator/login"))
        .form(&[("email", MEDIATOR_EMAIL), ("password", MEDIATOR_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "mediator login failed");
    assert_eq!(location(&res), "/mediator");
    client
}

/// The value of the first `<input name="{name}" value="…">` of a page.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn page(client: &Client, app: &TestApp, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.text().await.unwrap()
}

async fn post(client: &Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A protected order placed five days ago: a tent (189.00) and two mugs
/// (24.50 each), 238.00 captured by card, delivered.
async fn protected_order(app: &TestApp, number: &str) -> Order {
    let eur = Currency::parse("EUR").unwrap();
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse("ada@example.test").unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: eur,
        placed_at: Timestamp(START - 5 * DAY),
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
                title: "Titanium mug".into(),
                quantity: 2,
                unit_price_minor: 2_450,
                returnable: true,
            },
        ],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_{number}"),
            captured_minor: 23_800,
        }],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{number}"),
            shipped_at: Some(Timestamp(START - 4 * DAY)),
            delivered_at: Some(Timestamp(START - 2 * DAY)),
        }],
    };
    reso::app::orders::upsert_protected(
        &app.state,
        &app.merchant,
        &input,
        Some(true),
        &Actor::System,
    )
    .await
    .expect("order")
    .order
}

async fn open_claim(
    app: &TestApp,
    order: &Order,
    kind: ClaimKind,
    uploads: Vec<Upload>,
) -> ClaimRecord {
    reso::app::claims::open(
        &app.state,
        &app.merchant,
        order.id,
        kind,
        "The tent poles were missing and the shop stopped answering.",
        uploads,
        "ada@example.test",
    )
    .await
    .expect("claim opened")
}

/// An escalated claim: "another problem" goes straight to the mediators.
async fn escalated_claim(app: &TestApp, number: &str) -> ClaimRecord {
    let order = protected_order(app, number).await;
    let c = open_claim(app, &order, ClaimKind::OtherProblem, vec![]).await;
    assert_eq!(c.claim.status, ClaimStatus::Escalated);
    c
}

async fn claim(app: &TestApp, id: i64) -> ClaimRecord {
    reso::app::claims::load(&app.state, app.merchant.id, id)
        .await
        .expect("claim")
}

async fn refunds_of(app: &TestApp, order_id: i64) -> Vec<reso::store::refunds::RefundRecord> {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    reso::store::refunds::for_order(&mut conn, order_id)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_console_needs_a_mediator_session() {
    let app = TestApp::spawn().await;
    add_mediator(&app).await;
    let c = escalated_claim(&app, "1001").await;
    let anon = browser();

    let res = anon.get(app.url("/mediator")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/mediator/login");
    let res = anon
        .get(app.url(&format!("/mediator/claims/{}", c.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!("/mediator/login?next=/mediator/claims/{}", c.id)
    );
    let res = post(
        &anon,
        &app,
        &format!("/mediator/claims/{}/decide", c.id),
        &[("csrf", "x"), ("refund", "no"), ("message", "no")],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a post without a session signs in first"
    );

    // Wrong password and unknown address: the same 401, no cookie.
    for (email, password) in [
        (MEDIATOR_EMAIL, "wrong password"),
        ("nobody@mediators.test", MEDIATOR_PASSWORD),
    ] {
        let res = post(
            &anon,
            &app,
            "/mediator/login",
            &[("email", email), ("password", password)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers().get("set-cookie").is_none());
        let html = res.text().await.unwrap();
        assert!(html.contains("The e-mail or the password is not right"));
    }
    let res = anon.get(app.url("/mediator")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // A shop's staff session opens nothing here.
    let staff = browser();
    let res = post(
        &staff,
        &app,
        "/admin/login",
        &[
            ("email", &app.staff_email),
            ("password", &app.staff_password),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "staff login");
    page(&staff, &app, "/admin/returns").await;
    for path in [
        "/mediator".to_string(),
        format!("/mediator/claims/{}", c.id),
    ] {
        let res = staff.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "staff opened {path}");
        assert!(location(&res).starts_with("/mediator/login"));
    }
    // Nor can a mediator's password sign in to the control center.
    let res = post(
        &browser(),
        &app,
        "/admin/login",
        &[("email", MEDIATOR_EMAIL), ("password", MEDIATOR_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Signing in returns to the page asked for; signing out ends the session.
    let client = browser();
    let next = format!("/mediator/claims/{}", c.id);
    let res = post(
        &client,
        &app,
        "/mediator/login",
        &[
            ("email", MEDIATOR_EMAIL),
            ("password", MEDIATOR_PASSWORD),
            ("next", next.as_str()),
        ],
    )
    .await;
    assert_eq!(location(&res), next);
    let html = page(&client, &app, &next).await;
    let csrf = input_value(&html, "csrf");
    let res = post(&client, &app, "/mediator/logout", &[("csrf", "forged")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(&client, &app, "/mediator/logout", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/mediator/login");
    let res = client.get(app.url("/mediator")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn the_queue_lists_escalated_claims_and_the_file_shows_both_sides() {
    let app = TestApp::spawn().await;
    let pdf = b"%PDF-1.4\n% order confirmation\n".to_vec();
    let order = protected_order(&app, "2001").await;
    // A claim the merchant has not answered yet is not the mediators' business.
    let waiting = open_claim(
        &app,
        &order,
        ClaimKind::NotReceived,
        vec![Upload {
            filename: "confirmation.pdf".into(),
            bytes: pdf.clone(),
        }],
    )
    .await;
    assert_eq!(waiting.claim.status, ClaimStatus::AwaitingMerchant);
    let client = mediator_login(&app).await;
    let html = page(&client, &app, "/mediator").await;
    assert!(
        html.contains("No claim is waiting for a mediator"),
        "{html}"
    );
    assert!(!html.contains("2001"));

    // Five days of silence: the deadline escalates it to the queue.
    app.clock.advance_days(6);
    app.run_pending_jobs().await;
    let client = sign_in(&app).await;
    assert_eq!(
        claim(&app, waiting.id).await.claim.status,
        ClaimStatus::Escalated
    );
    let other = escalated_claim(&app, "2002").await;
    let html = page(&client, &app, "/mediator").await;
    for text in [
        "ACME Outdoor",
        "2001",
        "2002",
        "Order not received",
        "Another problem",
        "The merchant did not answer in time",
        "Another problem: straight to the mediators",
        "Escalated",
    ] {
        assert!(html.contains(text), "queue lacks {text}");
    }
    assert!(html.contains(&format!("href=\"/mediator/claims/{}\"", waiting.id)));
    assert!(html.contains(&format!("href=\"/mediator/claims/{}\"", other.id)));
    // The longest-waiting first; the silent claim escalated at the same
    // instant as the other was opened, and is the older claim.
    assert!(html.find("2001").unwrap() < html.find("2002").unwrap());

    let html = page(&client, &app, &format!("/mediator/claims/{}", waiting.id)).await;
    for text in [
        "Claim #",
        "ACME Outdoor",
        "help@acme.test",
        "+39 02 1234567",
        "Insolvent",
        "ada@example.test",
        "The tent poles were missing",
        "The merchant has not answered",
        "238.00 EUR",
        "Two-person tent",
        "pi_2001",
        "JD2001",
        "No returns for this order",
        "No refunds yet",
        "confirmation.pdf",
        "Buyer",
        "Claim opened",
        "Escalated to the mediators",
        "the merchant&#39;s time to answer ran out",
    ] {
        assert!(html.contains(text), "claim page lacks {text}");
    }
    // Only this claim's events: not the order's intake.
    assert!(!html.contains("order.created"));

    // The buyer's document downloads as an attachment, never rendered.
    let doc = reso::store::claims::documents(
        &mut app.state.db.reader().acquire().await.unwrap(),
        waiting.id,
    )
    .await
    .unwrap()
    .remove(0);
    let href = format!("/mediator/claims/{}/documents/{}", waiting.id, doc.id);
    assert!(html.contains(&href));
    let res = client.get(app.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"confirmation.pdf\""));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf);
    // A document of another claim is not reachable through this one.
    let res = client
        .get(app.url(&format!(
            "/mediator/claims/{}/documents/{}",
            other.id, doc.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = client
        .get(app.url("/mediator/claims/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let c = escalated_claim(&app, "3001").await;
    let client = mediator_login(&app).await;
    let html = page(&client, &app, &format!("/mediator/claims/{}", c.id)).await;
    let csrf = input_value(&html, "csrf");
    assert!(!csrf.is_empty());
    for token in ["", "forged-token"] {
        let decide = [
            ("csrf", token),
            ("refund", "yes"),
            ("amount", "50.00"),
            ("paid_by", "merchant"),
            ("message", "Half back."),
        ];
        let res = post(
            &client,
            &app,
            &format!("/mediator/claims/{}/decide", c.id),
            &decide,
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = post(
            &client,
            &app,
            &format!("/mediator/claims/{}/request-documents", c.id),
            &[("csrf", token), ("message", "Send the label")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = post(
            &client,
            &app,
            &format!("/mediator/claims/{}/insolvent", c.id),
            &[("csrf", token), ("confirm", "yes")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(claim(&app, c.id).await.claim.status, ClaimStatus::Escalated);
    assert!(refunds_of(&app, c.order_id).await.is_empty());
    let m = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    assert!(m.insolvent_at.is_none());
}

#[tokio::test]
async fn documents_requested_then_a_partial_refund_paid_by_the_merchant() {
    let app = TestApp::spawn().await;
    let c = escalated_claim(&app, "4001").await;
    let client = mediator_login(&app).await;
    let path = format!("/mediator/claims/{}", c.id);
    let csrf = input_value(&page(&client, &app, &path).await, "csrf");

    // No message: the page again with the reason, nothing changed.
    let res = post(
        &client,
        &app,
        &format!("{path}/request-documents"),
        &[("csrf", &csrf), ("message", "  ")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"request-error\""), "{html}");
    assert!(html.contains("A message explaining the decision is required"));
    assert_eq!(claim(&app, c.id).await.claim.status, ClaimStatus::Escalated);

    let res = post(
        &client,
        &app,
        &format!("{path}/request-documents"),
        &[
            ("csrf", &csrf),
            ("message", "Please send the carrier's proof of delivery."),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), path);
    let after = claim(&app, c.id).await;
    assert_eq!(after.claim.status, ClaimStatus::AwaitingDocuments);
    let due = after.claim.due_at.expect("documents deadline").millis();
    let due_text = reso::web::shared::filters::datetime_of(due);
    let html = page(&client, &app, &path).await;
    assert!(html.contains("Awaiting documents"));
    assert!(html.contains(&due_text), "the deadline shows");
    assert!(html.contains("Documents requested from the merchant"));
    assert!(html.contains("Please send the carrier&#39;s proof of delivery."));
    assert!(
        !html.contains("id=\"request-documents\""),
        "one request at a time"
    );
    let queue = page(&client, &app, "/mediator").await;
    assert!(queue.contains("Awaiting documents") && queue.contains(&due_text));
    // A second request while the first waits is a conflict, shown on the page.
    let res = post(
        &client,
        &app,
        &format!("{path}/request-documents"),
        &[("csrf", &csrf), ("message", "Again")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Bad decisions: each a 422 with the reason beside the form, what was
    // typed kept, nothing changed. (refund, amount, paid by, message, reason)
    let bad = [
        ("yes", "12.505", "merchant", "x", "at most 2 digits"),
        ("yes", "abc", "merchant", "x", "enter an amount like 12.50"),
        (
            "yes",
            "238.01",
            "merchant",
            "x",
            "between zero and the order value",
        ),
        ("yes", "0", "merchant", "x", "enter the refund amount"),
        ("yes", "50", "", "x", "choose who pays"),
        (
            "yes",
            "50",
            "merchant",
            " ",
            "message explaining the decision is required",
        ),
        (
            "maybe",
            "50",
            "merchant",
            "x",
            "choose a refund or no refund",
        ),
    ];
    for (refund, amount, paid_by, message, reason) in bad {
        let form = [
            ("csrf", csrf.as_str()),
            ("refund", refund),
            ("amount", amount),
            ("paid_by", paid_by),
            ("message", message),
        ];
        let res = post(&client, &app, &format!("{path}/decide"), &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("id=\"decide-error\"") && html.to_lowercase().contains(reason),
            "{reason}: {html}"
        );
        assert!(html.contains(&format!(
            "name=\"amount\" inputmode=\"decimal\" autocomplete=\"off\" value=\"{amount}\""
        )));
    }
    assert_eq!(
        claim(&app, c.id).await.claim.status,
        ClaimStatus::AwaitingDocuments
    );
    assert!(refunds_of(&app, c.order_id).await.is_empty());

    let decide = [
        ("csrf", csrf.as_str()),
        ("refund", "yes"),
        ("amount", "50,00"),
        ("paid_by", "merchant"),
        (
            "message",
            "The poles were missing: half the tent's price back.",
        ),
    ];
    let res = post(&client, &app, &format!("{path}/decide"), &decide).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = claim(&app, c.id).await;
    assert_eq!(done.claim.status, ClaimStatus::Closed);
    assert_eq!(
        done.claim.outcome,
        Some(Outcome::Decided {
            amount_minor: 5_000,
            from_guarantee: false
        })
    );
    let refunds = refunds_of(&app, c.order_id).await;
    assert_eq!(
        refunds.len(),
        1,
        "the merchant pays through its refund path"
    );
    assert_eq!(refunds[0].amount_minor, 5_000);
    let html = page(&client, &app, &path).await;
    assert!(html.contains("A mediator decided: a refund of 50.00 EUR, paid by the merchant."));
    assert!(html.contains("The poles were missing: half the tent&#39;s price back."));
    assert!(html.contains(&refunds[0].credit_note));
    assert!(
        !html.contains("id=\"decide\""),
        "a closed claim has no decision form"
    );
    // Decided claims leave the queue; a second decision is a conflict.
    assert!(!page(&client, &app, "/mediator").await.contains("4001"));
    let res = post(&client, &app, &format!("{path}/decide"), &decide).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(refunds_of(&app, c.order_id).await.len(), 1);
}

#[tokio::test]
async fn a_refund_from_the_guarantee_and_a_decision_without_refund() {
    let app = TestApp::spawn().await;
    let a = escalated_claim(&app, "5001").await;
    let b = escalated_claim(&app, "5002").await;
    let client = mediator_login(&app).await;
    let csrf = input_value(
        &page(&client, &app, &format!("/mediator/claims/{}", a.id)).await,
        "csrf",
    );

    let res = post(
        &client,
        &app,
        &format!("/mediator/claims/{}/decide", a.id),
        &[
            ("csrf", csrf.as_str()),
            ("refund", "yes"),
            ("amount", "238"),
            ("paid_by", "guarantee"),
            ("message", "The guarantee refunds the whole order."),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = claim(&app, a.id).await;
    assert_eq!(
        done.claim.outcome,
        Some(Outcome::Decided {
            amount_minor: 23_800,
            from_guarantee: true
        })
    );
    assert!(
        refunds_of(&app, a.order_id).await.is_empty(),
        "the guarantee pays outside the merchant's refunds"
    );
    let html = page(&client, &app, &format!("/mediator/claims/{}", a.id)).await;
    assert!(html.contains("a refund of 238.00 EUR, paid by the guarantee"));
    assert!(html.contains("The mediator decided"));

    // "No refund" ignores whatever amount was typed.
    let res = post(
        &client,
        &app,
        &format!("/mediator/claims/{}/decide", b.id),
        &[
            ("csrf", csrf.as_str()),
            ("refund", "no"),
            ("amount", "999"),
            ("paid_by", "merchant"),
            ("message", "The parcel was delivered; no refund."),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let done = claim(&app, b.id).await;
    assert_eq!(
        done.claim.outcome,
        Some(Outcome::Decided {
            amount_minor: 0,
            from_guarantee: false
        })
    );
    assert!(refunds_of(&app, b.order_id).await.is_empty());
    assert!(page(&client, &app, &format!("/mediator/claims/{}", b.id))
        .await
        .contains("A mediator decided: no refund."));
}

#[tokio::test]
async fn marking_the_merchant_insolvent_escalates_its_open_claims() {
    let app = TestApp::spawn().await;
    let escalated = escalated_claim(&app, "6001").await;
    let order = protected_order(&app, "6002").await;
    let waiting = open_claim(&app, &order, ClaimKind::NotReceived, vec![]).await;
    assert_eq!(waiting.claim.status, ClaimStatus::AwaitingMerchant);
    let client = mediator_login(&app).await;
    let path = format!("/mediator/claims/{}", escalated.id);
    let html = page(&client, &app, &path).await;
    let csrf = input_value(&html, "csrf");
    assert!(html.contains("Mark merchant insolvent"));

    // Without the confirmation box: the page again, nothing changed.
    let res = post(
        &client,
        &app,
        &format!("{path}/insolvent"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Tick the box to confirm"));
    let m = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    assert!(m.insolvent_at.is_none());
    assert_eq!(
        claim(&app, waiting.id).await.claim.status,
        ClaimStatus::AwaitingMerchant
    );

    let res = post(
        &client,
        &app,
        &format!("{path}/insolvent"),
        &[("csrf", csrf.as_str()), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}?escalated=1"));
    let moved = claim(&app, waiting.id).await;
    assert_eq!(moved.claim.status, ClaimStatus::Escalated);
    assert_eq!(moved.claim.escalation, Some(Escalation::MerchantInsolvent));
    let m = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    assert!(m.insolvent_at.is_some());

    let html = page(&client, &app, &format!("{path}?escalated=1")).await;
    assert!(html.contains("ACME Outdoor is marked insolvent; 1 open claim went to the mediators."));
    assert!(!html.contains("Mark merchant insolvent"), "done once");
    let queue = page(&client, &app, "/mediator").await;
    assert!(queue.contains("6002") && queue.contains("The merchant is insolvent"));
    // The guarantee is the default payer on an insolvent merchant's claim.
    let html = page(&client, &app, &format!("/mediator/claims/{}", waiting.id)).await;
    assert!(
        html.contains("name=\"paid_by\" value=\"guarantee\" checked"),
        "{html}"
    );
    // A second marking is a conflict.
    let res = post(
        &client,
        &app,
        &format!("{path}/insolvent"),
        &[("csrf", csrf.as_str()), ("confirm", "yes")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[test]
fn mediators_are_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], password: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_reso"));
        cmd.args(["mediator", "create"])
            .args(args)
            .arg("--data-dir")
            .arg(dir.path());
        for var in [
            "RESO_DATABASE_URL",
            "RESO_DATA_DIR",
            "RESO_PASSWORD",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        if let Some(p) = password {
            cmd.env("RESO_PASSWORD", p);
        }
        cmd.stdin(std::process::Stdio::null())
            .output()
            .expect("run reso")
    };
    let out = run(
        &["--email", "Maria@Mediators.test", "--name", "Maria"],
        Some("fair and square"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created mediator maria@mediators.test"));
    // The same address twice, a short password, no password without a terminal: usage errors.
    let again = run(
        &["--email", "maria@mediators.test", "--name", "Maria"],
        Some("fair and square"),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let short = run(
        &[
            "--email",
            "lu@mediators.test",
            "--name",
            "Lu",
            "--password",
            "short",
        ],
        None,
    );
    assert_eq!(short.status.code(), Some(2));
    let none = run(&["--email", "lu@mediators.test", "--name", "Lu"], None);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("RESO_PASSWORD"));
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// Subscribes the shop's desk to message notifications.
async fn notify_desk(app: &TestApp, address: &str) {
    let m = &app.merchant;
    let mut prefs = m.notifications.0.clone();
    prefs.insert("message.posted".into(), vec![address.into()]);
    let settings = reso::app::merchants::Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        matrix: m.matrix.clone(),
        notifications: reso::store::merchants::NotificationPrefs(prefs),
    };
    reso::app::merchants::update_settings(&app.state, m.id, settings, &Actor::System)
        .await
        .expect("settings");
}

/// (template, to) of the mail jobs about messages, oldest first.
async fn message_mails(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail' ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|p| p["template"] == "message.posted" || p["kind"] == "message.posted")
        .map(|p| {
            (
                p["template"].as_str().unwrap().to_string(),
                p["to"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn message_count(app: &TestApp) -> i64 {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// The console's message form, as a browser sends it.
async fn write(
    client: &Client,
    app: &TestApp,
    claim_id: i64,
    csrf: &str,
    body: &str,
    files: Vec<(&str, &[u8])>,
) -> Response {
    let mut form = Form::new()
        .text("csrf", csrf.to_string())
        .text("body", body.to_string());
    for (name, bytes) in files {
        form = form.part(
            "documents",
            Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    client
        .post(app.url(&format!("/mediator/claims/{claim_id}/messages")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_mediator_writes_to_both_sides_from_the_claim_page() {
    let app = TestApp::spawn().await;
    notify_desk(&app, "desk@acme.test").await;
    let c = escalated_claim(&app, "6001").await;
    let merchant = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    reso::app::messages::post(
        &app.state,
        &merchant,
        reso::app::messages::Subject::Claim(c.id),
        &reso::app::messages::Author::Buyer("ada@example.test".into()),
        "The shop stopped answering my e-mails.",
        Vec::new(),
    )
    .await
    .expect("buyer message");
    let client = mediator_login(&app).await;
    let claim_path = format!("/mediator/claims/{}", c.id);
    let html = page(&client, &app, &claim_path).await;
    assert!(html.contains("id=\"conversation\""));
    assert!(html.contains("The shop stopped answering my e-mails."));
    assert!(html.contains("Waiting for the merchant"));
    let csrf = input_value(&html, "csrf");
    let mails_before = message_mails(&app).await.len();

    let res = write(
        &client,
        &app,
        c.id,
        &csrf,
        "  Please both send the delivery proof you have.  ",
        vec![("checklist.pdf", PDF)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{claim_path}#conversation"));

    // The merchant reads it in its own thread, with the attachment.
    let res = app
        .api_get(&format!("/api/v1/claims/{}/messages", c.id))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let thread: Vec<Value> = res.json().await.unwrap();
    let roles: Vec<&str> = thread
        .iter()
        .map(|m| m["author_role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["buyer", "mediator"]);
    assert_eq!(thread[1]["author"], format!("mediator:{MEDIATOR_EMAIL}"));
    assert_eq!(
        thread[1]["body"],
        "Please both send the delivery proof you have."
    );
    assert_eq!(thread[1]["attachments"][0]["filename"], "checklist.pdf");
    assert!(
        thread[0]["handled_at"].is_string(),
        "a mediator's reply answers the buyer's message"
    );

    // Both sides are mailed: the buyer, and the shop's subscribed desk.
    let mails = message_mails(&app).await;
    let new = &mails[mails_before..];
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new.contains(&("message.posted".into(), "ada@example.test".into())));
    assert!(new.contains(&("staff.notification".into(), "desk@acme.test".into())));

    // The page lists it, with a download link that never renders inline.
    let html = page(&client, &app, &claim_path).await;
    assert!(html.contains("Please both send the delivery proof you have."));
    assert!(!html.contains("Waiting for the merchant"));
    let attachment_id = thread[1]["attachments"][0]["id"].as_i64().unwrap();
    let href = format!("{claim_path}/messages/attachments/{attachment_id}");
    assert!(html.contains(&href), "no attachment link");
    let res = client.get(app.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert!(header("content-disposition").starts_with("attachment;"));
    assert!(header("content-disposition").contains("checklist.pdf"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Another claim's id with this attachment, or no session: nothing.
    let other = escalated_claim(&app, "6002").await;
    let res = client
        .get(app.url(&format!(
            "/mediator/claims/{}/messages/attachments/{attachment_id}",
            other.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = browser().get(app.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The buyer's claim page leads to the thread, where the message is.
    let access = reso::app::auth::BuyerAccess {
        merchant_id: app.merchant.id,
        order_id: c.order_id,
        email: "ada@example.test".into(),
    };
    let token = reso::app::auth::sign_buyer_link(&app.state, &access, app.state.now() + DAY);
    let buyer = browser();
    let html = page(&buyer, &app, &format!("/s/acme/o/{token}/claims/{}", c.id)).await;
    let thread_href = format!("/s/acme/o/{token}/claims/{}/messages?lang=en", c.id);
    assert!(
        html.contains(&format!("href=\"{thread_href}\" id=\"claim-messages\"")),
        "no link to the thread"
    );
    let html = page(&buyer, &app, &thread_href).await;
    assert!(html.contains("Please both send the delivery proof you have."));
}

#[tokio::test]
async fn a_refused_message_keeps_the_text_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let c = escalated_claim(&app, "6101").await;
    let client = mediator_login(&app).await;
    let html = page(&client, &app, &format!("/mediator/claims/{}", c.id)).await;
    let csrf = input_value(&html, "csrf");
    let mails_before = message_mails(&app).await.len();

    // An empty message.
    let res = write(&client, &app, c.id, &csrf, "   \n ", vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"message-error\""));
    assert!(html.contains("Write a message"));

    // A file that is no PDF or image: the typed text stays in the form.
    let res = write(
        &client,
        &app,
        c.id,
        &csrf,
        "See the attached notes.",
        vec![("notes.html", b"<script>alert(1)</script>")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"message-error\""));
    assert!(html.contains(">See the attached notes.</textarea>"));

    // A missing or forged CSRF token.
    for token in ["", "forged-token"] {
        let res = write(&client, &app, c.id, token, "Hello both.", vec![]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    // An unknown claim.
    let res = write(&client, &app, c.id + 999, &csrf, "Hello both.", vec![]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    assert_eq!(message_count(&app).await, 0);
    assert_eq!(message_mails(&app).await.len(), mails_before);
}
