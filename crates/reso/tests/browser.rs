//! Journeys a person clicks through, in real headless Chromium against the
//! real server. Run with
//! `RESO_CHROMEDRIVER=/usr/bin/chromedriver cargo test -p reso --test browser -- --ignored --test-threads=1`.

mod support;

use fantoccini::{Client, Locator};
use reso::app::Actor;
use reso_domain::order::{NewLine, NewOrder, NewPayment, NewShipment};
use reso_domain::{Currency, Email, PaymentMethod, Timestamp};
use serde_json::Value;
use std::time::Duration;
use support::browser::{sign_in, Browser};
use support::{TestApp, DAY, START};

/// Where screenshots go, to look at a layout or a failing journey.
const SHOTS: &str = "/tmp/reso-shots";

async fn delivered_order(app: &TestApp, number: &str, email: &str) -> reso_domain::Order {
    let eur = Currency::parse("EUR").unwrap();
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse(email).unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: eur,
        placed_at: Timestamp(START - 10 * DAY),
        lines: vec![
            NewLine {
                sku: "TENT-2P".into(),
                title: "Two-person tent, ultralight".into(),
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
            NewLine {
                sku: "GIFT-CARD".into(),
                title: "Gift card".into(),
                quantity: 1,
                unit_price_minor: 5_000,
                returnable: false,
            },
        ],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_{number}"),
            captured_minor: 28_800,
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

/// The magic link the last link mail carries, read from the outbox.
async fn mailed_link(app: &TestApp) -> String {
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail' ORDER BY id DESC")
            .fetch_all(app.state.db.reader())
            .await
            .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .find(|p| p["template"] == "buyer.link_requested")
        .and_then(|p| p["data"]["link"].as_str().map(str::to_string))
        .expect("a link mail was queued")
}

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Waits for the next page: an element of `tag` whose text contains `text`
/// (finding by CSS alone could match the page being left).
async fn wait_for_text(c: &Client, tag: &str, text: &str) {
    let xpath = format!("//{tag}[contains(normalize-space(.), '{text}')]");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no {tag} with '{text}': {e}"));
}

/// The page fits the screen: nothing scrolls sideways.
async fn assert_no_sideways_scroll(c: &Client, what: &str) {
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        Value::Bool(true),
        "{what} scrolls sideways on a phone"
    );
}

// ---------------------------------------------------------------------------
// Journey 1: a buyer returns a damaged mug from a phone.
// ---------------------------------------------------------------------------

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn a_buyer_returns_an_item_from_a_phone() {
    let Some(browser) = Browser::start_phone().await else {
        panic!("set RESO_CHROMEDRIVER")
    };
    let app = TestApp::spawn().await;
    let order = delivered_order(&app, "1001", "ada@example.com").await;
    let mug = order.lines.iter().find(|l| l.sku == "MUG-TI").unwrap().id;
    let c = browser.client();

    // From the shop's return policy to the start page.
    c.goto(&app.url("/s/acme/help")).await.unwrap();
    assert_no_sideways_scroll(c, "the help page").await;
    browser
        .screenshot(format!("{SHOTS}/phone-help.png"))
        .await
        .unwrap();
    c.find(Locator::LinkText("Start a return"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Return an item").await;

    // Ask for the link.
    assert_no_sideways_scroll(c, "the start page").await;
    c.find(Locator::Id("order_number"))
        .await
        .unwrap()
        .send_keys("1001")
        .await
        .unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("Ada@Example.com")
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Check your e-mail").await;

    // Open it, as from the mail.
    c.goto(&mailed_link(&app).await).await.unwrap();
    wait_for_text(c, "h1", "Order 1001").await;
    assert_no_sideways_scroll(c, "the order page").await;
    browser
        .screenshot(format!("{SHOTS}/phone-order.png"))
        .await
        .unwrap();
    // Scroll to the form, to see the selects and the upload field as a buyer does.
    c.execute(
        "document.getElementById('comment').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .screenshot(format!("{SHOTS}/phone-order-form.png"))
        .await
        .unwrap();

    // Pick the mug, a reason and a quantity; submit.
    c.find(Locator::Id(&format!("qty-{mug}")))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    c.find(Locator::Id(&format!("reason-{mug}")))
        .await
        .unwrap()
        .select_by_value("damaged")
        .await
        .unwrap();
    c.find(Locator::Id("comment"))
        .await
        .unwrap()
        .send_keys("The handle came off.")
        .await
        .unwrap();
    c.find(Locator::Css(
        "form[enctype='multipart/form-data'] button[type=submit]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();

    // The status page shows the RMA the shop authorized at once.
    let rma = text_of(c, ".rma").await;
    let saved = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        let id = reso::store::returns::ids_for_order(&mut conn, order.id)
            .await
            .unwrap()[0];
        reso::store::returns::load(&mut conn, app.merchant.id, id)
            .await
            .unwrap()
    };
    assert_eq!(Some(rma.clone()), saved.rma);
    let page = c.source().await.unwrap();
    assert!(page.contains("ACME Returns, Via Roma 1"));
    assert_no_sideways_scroll(c, "the status page").await;
    browser
        .screenshot(format!("{SHOTS}/phone-status.png"))
        .await
        .unwrap();

    // Enter the parcel's tracking.
    c.find(Locator::Id("carrier"))
        .await
        .unwrap()
        .send_keys("DHL")
        .await
        .unwrap();
    c.find(Locator::Id("tracking_number"))
        .await
        .unwrap()
        .send_keys("JD0099")
        .await
        .unwrap();
    c.find(Locator::Css("form[action*='/tracking'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "p", "we have saved your tracking number").await;
    let status = text_of(c, ".badge").await;
    assert_eq!(status, "On its way back");
    browser
        .screenshot(format!("{SHOTS}/phone-tracking.png"))
        .await
        .unwrap();

    browser.close().await;
}

// ---------------------------------------------------------------------------
// Journey 2: staff (the control center) — added by the admin pages' author.
// ---------------------------------------------------------------------------

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn staff_take_a_return_from_the_queue_to_refunded() {
    let Some(browser) = Browser::start().await else {
        panic!("set RESO_CHROMEDRIVER")
    };
    let app = TestApp::spawn().await;
    let order = delivered_order(&app, "1001", "ada@example.com").await;
    let line = |sku: &str| order.lines.iter().find(|l| l.sku == sku).unwrap().id;
    // 213.50 EUR: above the starter matrix's limit, so it waits for staff.
    let request = reso::app::returns::ReturnRequest {
        lines: ["TENT-2P", "MUG-TI"]
            .into_iter()
            .map(|sku| reso_domain::returns::RequestedLine {
                order_line_id: line(sku),
                quantity: 1,
                reason: reso_domain::ReturnReason::TooSmall,
            })
            .collect(),
        comment: "Both too small.".into(),
        refund_method: None,
        photos: Vec::new(),
    };
    let buyer = Actor::Buyer("ada@example.com".into());
    let r = reso::app::returns::request(&app.state, &app.merchant, order.id, request, &buyer)
        .await
        .expect("return");
    assert_eq!(r.status, reso_domain::ReturnStatus::Requested);
    let c = browser.client();

    // Sign in.
    sign_in(
        c,
        &app.url("/admin/login"),
        &app.staff_email,
        &app.staff_password,
    )
    .await;
    wait_for_text(c, "h1", "Returns").await;
    assert!(c.source().await.unwrap().contains("ops@acme.test"));

    // Open the return from the queue; authorize it.
    c.find(Locator::Css(&format!(
        "table a[href='/admin/returns/{}']",
        r.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(c, "h1", "Requested").await;
    c.find(Locator::Css("form[action$='/authorize'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Authorized").await;
    let rma = text_of(c, "h1 .rma").await;

    // The parcel arrives; inspect: the tent is fine, the mug is not.
    c.find(Locator::Css("form[action$='/receive'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Received").await;
    c.find(Locator::Id(&format!("condition-{}", line("TENT-2P"))))
        .await
        .unwrap()
        .send_keys("As new")
        .await
        .unwrap();
    let mug_accepted = c
        .find(Locator::Id(&format!("accepted-{}", line("MUG-TI"))))
        .await
        .unwrap();
    mug_accepted.clear().await.unwrap();
    mug_accepted.send_keys("0").await.unwrap();
    c.find(Locator::Id(&format!("condition-{}", line("MUG-TI"))))
        .await
        .unwrap()
        .send_keys("Dented")
        .await
        .unwrap();
    c.find(Locator::Css("form[action$='/inspect'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Inspected").await;

    // The quote comes before the refund.
    assert_eq!(text_of(c, "#refund-total").await, "189.00 EUR");
    c.execute(
        "document.getElementById('refund').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .screenshot(format!("{SHOTS}/staff-return-quote.png"))
        .await
        .unwrap();
    c.find(Locator::Css("input[name=method][value=store_credit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("form[action$='/refund'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Refunded").await;
    let page = c.source().await.unwrap();
    assert!(page.contains("CN-000001") && page.contains(&rma));
    browser
        .screenshot(format!("{SHOTS}/staff-return-refunded.png"))
        .await
        .unwrap();

    // The buyer's status page says so too.
    let access = reso::app::auth::BuyerAccess {
        merchant_id: app.merchant.id,
        order_id: order.id,
        email: "ada@example.com".into(),
    };
    let token = reso::app::auth::sign_buyer_link(&app.state, &access, START + DAY);
    c.goto(&app.url(&format!("/s/acme/o/{token}/r/{}?lang=en", r.id)))
        .await
        .unwrap();
    assert_eq!(text_of(c, ".badge").await, "Refunded");

    browser.close().await;
}

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn the_control_center_fits_a_phone() {
    let Some(browser) = Browser::start_phone().await else {
        panic!("set RESO_CHROMEDRIVER")
    };
    let app = TestApp::spawn().await;
    let order = delivered_order(&app, "1001", "ada@example.com").await;
    let mug = order.lines.iter().find(|l| l.sku == "MUG-TI").unwrap().id;
    let request = reso::app::returns::ReturnRequest {
        lines: vec![reso_domain::returns::RequestedLine {
            order_line_id: mug,
            quantity: 1,
            reason: reso_domain::ReturnReason::Damaged,
        }],
        comment: String::new(),
        refund_method: None,
        photos: Vec::new(),
    };
    let buyer = Actor::Buyer("ada@example.com".into());
    let r = reso::app::returns::request(&app.state, &app.merchant, order.id, request, &buyer)
        .await
        .expect("return");
    let c = browser.client();
    sign_in(
        c,
        &app.url("/admin/login"),
        &app.staff_email,
        &app.staff_password,
    )
    .await;
    wait_for_text(c, "h1", "Returns").await;
    assert_no_sideways_scroll(c, "the returns queue").await;
    browser
        .screenshot(format!("{SHOTS}/phone-staff-queue.png"))
        .await
        .unwrap();
    for (path, heading, shot) in [
        (
            format!("/admin/returns/{}", r.id),
            "Return",
            "phone-staff-return",
        ),
        (
            format!("/admin/orders/{}", order.id),
            "Order 1001",
            "phone-staff-order",
        ),
        (
            "/admin/settings".to_string(),
            "Settings",
            "phone-staff-settings",
        ),
    ] {
        c.goto(&app.url(&path)).await.unwrap();
        wait_for_text(c, "h1", heading).await;
        assert_no_sideways_scroll(c, &path).await;
        browser
            .screenshot(format!("{SHOTS}/{shot}.png"))
            .await
            .unwrap();
    }
    browser.close().await;
}
