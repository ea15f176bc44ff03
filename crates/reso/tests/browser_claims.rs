//! The buyer-protection path a person clicks through, in real headless
//! Chromium against the real server: the buyer opens a "not received" claim,
//! the shop offers a partial refund, the buyer disagrees, a mediator decides,
//! and the buyer sees the decision. Run with
//! `RESO_CHROMEDRIVER=/usr/bin/chromedriver cargo test -p reso --test browser_claims -- --ignored --test-threads=1`.

mod support;

use fantoccini::{Client, Locator};
use reso::app::auth::BuyerAccess;
use reso::app::Actor;
use reso_domain::claim::{ClaimStatus, Escalation, Outcome};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::{Currency, Email, NewOrder, Order, PaymentMethod, Timestamp};
use std::time::Duration;
use support::browser::Browser;
use support::{TestApp, DAY, START};

/// Where screenshots go, to look at a layout or a failing journey.
const SHOTS: &str = "/tmp/reso-shots";
const MEDIATOR_EMAIL: &str = "maria@mediators.test";
const MEDIATOR_PASSWORD: &str = "fair and square";

/// A protected order placed four days ago and shipped, never delivered:
/// a tent (189.00) and two mugs (24.50 each), 238.00 captured by card.
async fn protected_order(app: &TestApp, number: &str) -> Order {
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse("ada@example.com").unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: Currency::parse("EUR").unwrap(),
        placed_at: Timestamp(START - 4 * DAY),
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
            shipped_at: Some(Timestamp(START - 3 * DAY)),
            delivered_at: None,
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

/// The buyer's order page, as the link in the shop's mails opens it.
fn order_page(app: &TestApp, order: &Order) -> String {
    let access = BuyerAccess {
        merchant_id: app.merchant.id,
        order_id: order.id,
        email: order.buyer_email.as_str().to_string(),
    };
    let token = reso::app::auth::sign_buyer_link(&app.state, &access, START + 30 * DAY);
    app.url(&format!("/s/acme/o/{token}"))
}

/// Waits for the next page: an element of `tag` whose text contains `text`
/// (finding by CSS alone could match the page being left).
async fn wait_for_text(c: &Client, tag: &str, text: &str) {
    let xpath = format!("//{tag}[contains(normalize-space(.), \"{text}\")]");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no {tag} with '{text}': {e}"));
}

async fn fill(c: &Client, css: &str, text: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn sign_in(c: &Client, email: &str, password: &str) {
    fill(c, "#email", email).await;
    fill(c, "#password", password).await;
    click(c, "form button[type=submit]").await;
}

async fn claim(app: &TestApp, id: i64) -> reso::store::claims::ClaimRecord {
    reso::app::claims::load(&app.state, app.merchant.id, id)
        .await
        .expect("claim")
}

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn a_claim_goes_from_a_partial_offer_to_a_mediator_decision() {
    let Some(browser) = Browser::start().await else {
        panic!("set RESO_CHROMEDRIVER")
    };
    let app = TestApp::spawn().await;
    reso::app::mediators::create(
        &app.state,
        MEDIATOR_EMAIL,
        "Maria Mediator",
        MEDIATOR_PASSWORD,
    )
    .await
    .expect("mediator");
    let order = protected_order(&app, "7001").await;
    let c = browser.client();

    // The buyer: the order page's protection section, "My order did not arrive".
    c.goto(&order_page(&app, &order)).await.unwrap();
    wait_for_text(c, "h2", "Buyer protection").await;
    c.find(Locator::LinkText("My order did not arrive"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", "Order not received").await;
    fill(
        c,
        "#text",
        "The parcel never arrived; DHL tracking has not moved for three days.",
    )
    .await;
    click(c, "form[enctype='multipart/form-data'] button[type=submit]").await;
    wait_for_text(c, "h1", "Claim about order 7001").await;
    let buyer_claim_url = c.current_url().await.unwrap().to_string();
    let claim_id: i64 = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        let claims = reso::store::claims::for_order(&mut conn, order.id)
            .await
            .unwrap();
        assert_eq!(claims.len(), 1, "one claim opened");
        claims[0].id
    };
    assert_eq!(
        claim(&app, claim_id).await.claim.status,
        ClaimStatus::AwaitingMerchant
    );

    // The shop: sign in, open the claim, offer a partial refund of 100.00.
    c.goto(&app.url(&format!("/admin/claims/{claim_id}")))
        .await
        .unwrap();
    wait_for_text(c, "h1", "Sign in").await;
    sign_in(c, &app.staff_email, &app.staff_password).await;
    wait_for_text(c, "h1", &format!("Claim #{claim_id}")).await;
    click(c, "input[name=decision][value=yes]").await;
    fill(c, "#amount", "100.00").await;
    fill(
        c,
        "#message",
        "We offer 100.00 EUR now; DHL is still searching for the parcel.",
    )
    .await;
    click(c, "#answer button[type=submit]").await;
    wait_for_text(c, "h2", "Your answer").await;
    let answered = claim(&app, claim_id).await;
    assert_eq!(answered.claim.status, ClaimStatus::AwaitingBuyer);
    assert_eq!(answered.answer_amount_minor, Some(10_000));

    // The buyer disagrees with the partial refund.
    c.goto(&buyer_claim_url).await.unwrap();
    wait_for_text(c, "h2", "The shop's answer").await;
    click(c, "input[name=reaction][value=disagree]").await;
    fill(
        c,
        "#message",
        "The whole order never arrived, I want all my money back.",
    )
    .await;
    click(c, "form[action*='/react'] button[type=submit]").await;
    wait_for_text(c, "*", "Thank you, your reply was recorded.").await;
    let disagreed = claim(&app, claim_id).await;
    assert_eq!(disagreed.claim.status, ClaimStatus::Escalated);
    assert_eq!(disagreed.claim.escalation, Some(Escalation::BuyerDisagrees));

    // The mediator: sign in, open the claim from the queue, read the file, decide.
    c.goto(&app.url("/mediator")).await.unwrap();
    wait_for_text(c, "h1", "Sign in as a mediator").await;
    sign_in(c, MEDIATOR_EMAIL, MEDIATOR_PASSWORD).await;
    wait_for_text(c, "h1", "Escalated claims").await;
    let row = format!("//tr[td[contains(., '7001')]]//a[contains(., 'Claim #{claim_id}')]");
    c.find(Locator::XPath(&row))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "h1", &format!("Claim #{claim_id}")).await;
    let file = c.source().await.unwrap();
    for text in [
        "The parcel never arrived",
        "We offer 100.00 EUR now",
        "Disagrees",
        "I want all my money back",
        "The buyer disagrees with the answer",
        "JD7001",
        "Not delivered",
        "100.00 EUR",
        "help@acme.test",
    ] {
        assert!(file.contains(text), "the mediator's file lacks {text}");
    }
    browser
        .screenshot(format!("{SHOTS}/mediator-claim.png"))
        .await
        .unwrap();
    // The whole file in one tall picture, to look at the layout.
    c.set_window_size(1280, 3600).await.unwrap();
    browser
        .screenshot(format!("{SHOTS}/mediator-claim-full.png"))
        .await
        .unwrap();
    c.set_window_size(1280, 800).await.unwrap();
    c.execute(
        "document.getElementById('decide').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .screenshot(format!("{SHOTS}/mediator-claim-decide.png"))
        .await
        .unwrap();
    // The shop already refunded 100.00; the mediator has it pay 80.00 more.
    fill(c, "#decide-amount", "80.00").await;
    click(c, "input[name=paid_by][value=merchant]").await;
    fill(
        c,
        "#decide-message",
        "DHL confirms the parcel is lost: the shop refunds 80.00 EUR more.",
    )
    .await;
    click(c, "#decide button[type=submit]").await;
    wait_for_text(
        c,
        "p",
        "A mediator decided: a refund of 80.00 EUR, paid by the merchant.",
    )
    .await;
    let decided = claim(&app, claim_id).await;
    assert_eq!(decided.claim.status, ClaimStatus::Closed);
    assert_eq!(
        decided.claim.outcome,
        Some(Outcome::Decided {
            amount_minor: 8_000,
            from_guarantee: false
        })
    );
    let refunds = {
        let mut conn = app.state.db.reader().acquire().await.unwrap();
        reso::store::refunds::for_order(&mut conn, order.id)
            .await
            .unwrap()
    };
    let amounts: Vec<i64> = refunds.iter().map(|r| r.amount_minor).collect();
    assert_eq!(
        amounts,
        vec![10_000, 8_000],
        "the offer and the decision, both through the refund path"
    );
    browser
        .screenshot(format!("{SHOTS}/mediator-claim-decided.png"))
        .await
        .unwrap();

    // The buyer's claim page shows the decision and the mediator's message.
    c.goto(&buyer_claim_url).await.unwrap();
    wait_for_text(c, "*", "Our mediation team decided: a refund of 80.00 EUR.").await;
    let page = c.source().await.unwrap();
    assert!(page.contains("DHL confirms the parcel is lost"));
    browser
        .screenshot(format!("{SHOTS}/buyer-claim-decided.png"))
        .await
        .unwrap();
    browser.close().await;
}
