//! Buyer-protection pages: the buyer's four options on the order page, the
//! claim form and the claim page with its reply, and the staff's claim list,
//! claim page, answer form and document downloads — over HTTP like a browser
//! without JavaScript.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use reso::app::auth::{sign_buyer_link, BuyerAccess, MAGIC_LINK_MS};
use reso::app::Actor;
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::claim::{ClaimStatus, Escalation, Variant};
use reso_domain::order::{NewLine, NewOrder, NewPayment, NewShipment};
use reso_domain::{Currency, Email, PaymentMethod, Timestamp};
use support::browser::Browser;
use support::{TestApp, DAY, START};

/// A tiny but real PDF header: documents are checked by content.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn no_redirects() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// An order placed three days ago: a tent (189.00) and two mugs (24.50
/// each), 238.00 in all, paid by card and delivered yesterday.
async fn order(app: &TestApp, number: &str, protected: bool) -> i64 {
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse("ada@example.com").unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: eur(),
        placed_at: Timestamp(START - 3 * DAY),
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
            shipped_at: Some(Timestamp(START - 2 * DAY)),
            delivered_at: Some(Timestamp(START - DAY)),
        }],
    };
    reso::app::orders::upsert_protected(
        &app.state,
        &app.merchant,
        &input,
        Some(protected),
        &Actor::System,
    )
    .await
    .expect("order")
    .order
    .id
}

/// The order page's path, from a signed magic link.
fn order_path(app: &TestApp, order_id: i64) -> String {
    let access = BuyerAccess {
        merchant_id: app.merchant.id,
        order_id,
        email: "ada@example.com".into(),
    };
    let token = sign_buyer_link(&app.state, &access, app.state.now() + MAGIC_LINK_MS);
    format!("/s/acme/o/{token}")
}

async fn get(client: &Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Opens a claim through the buyer's form; returns the claim's id.
async fn open_claim(app: &TestApp, path: &str, kind: &str, text: &str) -> i64 {
    let form = Form::new().text("text", text.to_string()).part(
        "documents",
        Part::bytes(PDF.to_vec())
            .file_name("confirmation.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let res = no_redirects()
        .post(app.url(&format!("{path}/claims/new?kind={kind}&lang=en")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "claim not opened");
    let to = location(&res);
    assert!(to.starts_with(&format!("{path}/claims/")), "{to}");
    to[format!("{path}/claims/").len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn login_as(app: &TestApp, email: &str, password: &str) -> Client {
    let client = no_redirects();
    let res = client
        .post(app.url("/admin/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {email}");
    client
}

fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Posts the staff's answer form (multipart, with the page's CSRF token).
async fn answer(
    staff: &Client,
    app: &TestApp,
    claim_id: i64,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (_, page) = get(staff, app, &format!("/admin/claims/{claim_id}")).await;
    let mut form = Form::new().text("csrf", input_value(&page, "csrf"));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let res = staff
        .post(app.url(&format!("/admin/claims/{claim_id}/answer")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

async fn claim_status(app: &TestApp, id: i64) -> reso::store::claims::ClaimRecord {
    reso::app::claims::load(&app.state, app.merchant.id, id)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_four_options_show_only_while_an_order_is_protected() {
    let app = TestApp::spawn().await;
    let protected = order(&app, "P-1", true).await;
    let plain = order(&app, "P-2", false).await;
    let client = no_redirects();

    let (status, html) = get(&client, &app, &order_path(&app, protected)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Buyer protection"), "{html}");
    assert!(html.contains("Your purchase is protected until 2026-03-29"));
    assert!(html.contains("All fine, conclude the protection"));
    for kind in ["not_received", "refund_not_received", "other_problem"] {
        assert!(html.contains(&format!("/claims/new?kind={kind}")), "{kind}");
    }

    let (status, html) = get(&client, &app, &order_path(&app, plain)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("This order is not covered by buyer protection."));
    assert!(!html.contains("All fine, conclude the protection"));
    assert!(!html.contains("/claims/new"));
    // The form itself refuses too.
    let path = format!("{}/claims/new?kind=not_received", order_path(&app, plain));
    assert_eq!(get(&client, &app, &path).await.0, StatusCode::CONFLICT);
    // An unknown kind is a bad request, not a claim.
    let path = format!("{}/claims/new?kind=bored", order_path(&app, protected));
    assert_eq!(get(&client, &app, &path).await.0, StatusCode::BAD_REQUEST);

    // After 30 days the protection has ended: explained, no options.
    app.clock.advance_days(28);
    let (_, html) = get(&client, &app, &order_path(&app, protected)).await;
    assert!(html.contains("The buyer protection of this order has ended."));
    assert!(!html.contains("All fine, conclude the protection"));
}

#[tokio::test]
async fn concluding_ends_the_protection_without_a_claim() {
    let app = TestApp::spawn().await;
    let id = order(&app, "C-1", true).await;
    let path = order_path(&app, id);
    let client = no_redirects();
    let res = client
        .post(app.url(&format!("{path}/protection/conclude?lang=en")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.contains("done=concluded"), "{to}");

    let (_, html) = get(&client, &app, &to).await;
    assert!(html.contains("The buyer protection of this order is now concluded."));
    assert!(html.contains("You confirmed that everything went well"));
    assert!(!html.contains("All fine, conclude the protection"));
    // No claim afterwards, and no second conclusion.
    let new = format!("{path}/claims/new?kind=not_received");
    assert_eq!(get(&client, &app, &new).await.0, StatusCode::CONFLICT);
    let again = client
        .post(app.url(&format!("{path}/protection/conclude")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_claim_goes_from_the_buyer_to_the_shop_and_back_to_mediation() {
    let app = TestApp::spawn().await;
    let id = order(&app, "B-1", true).await;
    let path = order_path(&app, id);
    let buyer = no_redirects();

    // A "not received" claim without a text is refused and nothing is saved.
    let res = buyer
        .post(app.url(&format!("{path}/claims/new?kind=not_received")))
        .multipart(Form::new().text("text", "  "))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Please tell us what happened."));
    // A document that is not a PDF or an image is refused by its content.
    let fake = Form::new().text("text", "Nothing came").part(
        "documents",
        Part::bytes(b"MZ\x90\x00 not a pdf".to_vec()).file_name("invoice.pdf"),
    );
    let res = buyer
        .post(app.url(&format!("{path}/claims/new?kind=not_received")))
        .multipart(fake)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("is not a PDF or an image"));
    let (_, html) = get(&buyer, &app, &path).await;
    assert!(
        html.contains("All fine, conclude the protection"),
        "no claim yet"
    );

    let claim = open_claim(&app, &path, "not_received", "The parcel never came.").await;
    let claim_path = format!("{path}/claims/{claim}");
    let (status, html) = get(&buyer, &app, &format!("{claim_path}?done=opened")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Your claim was sent."));
    assert!(html.contains("Waiting for the shop"));
    assert!(html.contains("ACME Outdoor must answer by 2026-03-07 10:00 UTC."));
    assert!(html.contains("The parcel never came."));
    assert!(html.contains("confirmation.pdf"));
    assert!(!html.contains("name=\"reaction\""));
    // One open claim per order; another order's link does not open this claim.
    let second = no_redirects()
        .post(app.url(&format!("{path}/claims/new?kind=other_problem")))
        .multipart(Form::new().text("text", "Again"))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let other_order = order_path(&app, order(&app, "B-2", true).await);
    let foreign = format!("{other_order}/claims/{claim}");
    assert_eq!(get(&buyer, &app, &foreign).await.0, StatusCode::NOT_FOUND);
    // The order page now links the claim instead of offering the options.
    let (_, html) = get(&buyer, &app, &path).await;
    assert!(html.contains(&format!("/claims/{claim}")));
    assert!(!html.contains("All fine, conclude the protection"));

    // The shop sees it in its list with the time left to answer.
    let staff = login_as(&app, &app.staff_email, &app.staff_password).await;
    let (status, list) = get(&staff, &app, "/admin/claims").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&format!("/admin/claims/{claim}")));
    assert!(list.contains("5 days left"), "{list}");
    assert!(list.contains("B-1"));
    let (_, closed) = get(&staff, &app, "/admin/claims?status=closed").await;
    assert!(!closed.contains(&format!("/admin/claims/{claim}\"")));
    // The nav counts the claims waiting for the shop.
    assert!(list.contains("Claims (1)"), "{list}");

    let (status, page) = get(&staff, &app, &format!("/admin/claims/{claim}")).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        &format!("/admin/orders/{id}") as &str,
        "B-1",
        "ada@example.com",
        "238.00 EUR",
        "The parcel never came.",
        "confirmation.pdf",
        "JDB-1",
        "Claim opened",
        "name=\"amount\" inputmode=\"decimal\" autocomplete=\"off\" value=\"238.00\"",
    ] {
        assert!(page.contains(expected), "claim page lacks {expected}");
    }

    // Mistakes: the form again with a 4xx, and the claim unchanged.
    let (status, html) = answer(
        &staff,
        &app,
        claim,
        &[("decision", "yes"), ("amount", "100.00"), ("message", " ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("A message explaining the decision is required"),
        "{html}"
    );
    assert!(
        html.contains("value=\"100.00\""),
        "the typed amount is kept"
    );
    let (status, html) = answer(
        &staff,
        &app,
        claim,
        &[
            ("decision", "yes"),
            ("amount", "238.01"),
            ("message", "Sorry"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("at most the order value"), "{html}");
    let (status, _) = answer(
        &staff,
        &app,
        claim,
        &[
            ("decision", "yes"),
            ("amount", "1.005"),
            ("message", "Sorry"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        claim_status(&app, claim).await.claim.status,
        ClaimStatus::AwaitingMerchant
    );

    // A partial refund with a message.
    let (status, _) = answer(
        &staff,
        &app,
        claim,
        &[
            ("decision", "yes"),
            ("amount", "100.00"),
            (
                "message",
                "The tent was sent; we refund the mugs and a part.",
            ),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let c = claim_status(&app, claim).await;
    assert_eq!(c.claim.status, ClaimStatus::AwaitingBuyer);
    assert_eq!(c.claim.variant, Some(Variant::PartialRefund));
    assert_eq!(c.answer_amount_minor, Some(10_000));
    // A second answer is refused.
    let again = staff
        .post(app.url(&format!("/admin/claims/{claim}/answer")))
        .multipart(Form::new().text("csrf", "wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::FORBIDDEN, "CSRF is checked");

    // The buyer sees the answer and exactly the three options of a partial refund.
    let (_, html) = get(&buyer, &app, &claim_path).await;
    assert!(html.contains("Refund of 100.00 EUR"), "{html}");
    assert!(html.contains("The tent was sent; we refund the mugs and a part."));
    assert!(html.contains("Please reply by 2026-03-22 10:00 UTC"));
    assert_eq!(html.matches("name=\"reaction\"").count(), 3);
    for value in ["received", "not_received", "disagree"] {
        assert!(html.contains(&format!("value=\"{value}\"")), "{value}");
    }
    assert!(html.contains("agree with the partial refund"));
    assert!(!html.contains("value=\"conclude\""));
    // A reply that is not one of the options is refused.
    let res = buyer
        .post(app.url(&format!("{claim_path}/react")))
        .form(&[("reaction", "conclude")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Disagreeing escalates to the mediators.
    let res = buyer
        .post(app.url(&format!("{claim_path}/react?lang=en")))
        .form(&[("reaction", "disagree"), ("message", "Half is not enough.")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let c = claim_status(&app, claim).await;
    assert_eq!(c.claim.status, ClaimStatus::Escalated);
    assert_eq!(c.claim.escalation, Some(Escalation::BuyerDisagrees));
    let (_, html) = get(&buyer, &app, &location(&res)).await;
    assert!(html.contains("Thank you, your reply was recorded."));
    assert!(html.contains("Our mediation team is looking at it."));
    assert!(!html.contains("name=\"reaction\""));
    // The shop's page shows the escalation; no answer form any more.
    let (_, page) = get(&staff, &app, &format!("/admin/claims/{claim}")).await;
    assert!(page.contains("The buyer disagrees with your answer"));
    assert!(!page.contains("Send the answer"));
    assert!(page.contains("Escalated to the mediators"));
}

#[tokio::test]
async fn documents_download_as_attachments_and_only_for_their_shop() {
    let app = TestApp::spawn().await;
    let id = order(&app, "D-1", true).await;
    let path = order_path(&app, id);
    let claim = open_claim(&app, &path, "other_problem", "").await;
    // "Another problem" goes straight to the mediators.
    let (_, html) = get(&no_redirects(), &app, &format!("{path}/claims/{claim}")).await;
    assert!(html.contains("Our mediation team is looking at it."));
    let staff = login_as(&app, &app.staff_email, &app.staff_password).await;
    let (_, page) = get(&staff, &app, &format!("/admin/claims/{claim}")).await;
    let marker = format!("/admin/claims/{claim}/documents/");
    let at = page.find(&marker).expect("document link");
    let doc: String = page[at..].split('"').next().unwrap().to_string();

    let res = staff.get(app.url(&doc)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(header("content-disposition").starts_with("attachment; filename=\"confirmation.pdf\""));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Staff of another shop see neither the claim nor its documents.
    let other = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "other".into(),
            name: "Other Shop".into(),
            support: SupportContact {
                email: "help@other.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Other Returns, 1 Main St".into(),
            default_locale: "en".into(),
            currency: eur(),
        },
    )
    .await
    .unwrap();
    reso::app::merchants::create_staff(
        &app.state,
        other.id,
        "ops@other.test",
        "Otto",
        "admin",
        "another horse battery",
    )
    .await
    .unwrap();
    let intruder = login_as(&app, "ops@other.test", "another horse battery").await;
    let claim_page = format!("/admin/claims/{claim}");
    assert_eq!(
        get(&intruder, &app, &claim_page).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&intruder, &app, &doc).await.0, StatusCode::NOT_FOUND);
    let (_, list) = get(&intruder, &app, "/admin/claims").await;
    assert!(!list.contains(&claim_page));
    // Without a session: to the login page.
    let res = no_redirects().get(app.url(&doc)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn the_claim_page_fits_a_phone() {
    let Some(browser) = Browser::start_phone().await else {
        eprintln!("RESO_CHROMEDRIVER is not set: skipped");
        return;
    };
    let app = TestApp::spawn().await;
    let id = order(&app, "M-1", true).await;
    let path = order_path(&app, id);
    let b = browser.client();
    // The order page's section with the four options, as a phone shows it.
    b.goto(&app.url(&format!("{path}?lang=en#protection")))
        .await
        .unwrap();
    browser
        .screenshot("/tmp/reso-shots/phone-order-options.png")
        .await
        .unwrap();
    let claim = open_claim(
        &app,
        &path,
        "not_received",
        "The parcel never arrived; the tracking stops in Milano.",
    )
    .await;
    let c = claim_status(&app, claim).await;
    let answer = reso::app::claims::Answer {
        decision: reso_domain::claim::RefundDecision::Yes,
        amount_minor: 10_000,
        message: "We refund the mugs and part of the tent.".into(),
        return_id: None,
        uploads: Vec::new(),
    };
    reso::app::claims::answer(&app.state, &app.merchant, c.id, answer, &Actor::System)
        .await
        .unwrap();

    b.goto(&app.url(&format!("{path}/claims/{claim}?lang=en")))
        .await
        .unwrap();
    let fits = b
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        serde_json::Value::Bool(true),
        "the claim page scrolls sideways"
    );
    browser
        .screenshot("/tmp/reso-shots/phone-claim.png")
        .await
        .unwrap();
    b.execute(
        "document.getElementById('reply-title').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap();
    browser
        .screenshot("/tmp/reso-shots/phone-claim-reply.png")
        .await
        .unwrap();
    b.goto(&app.url(&format!("{path}?lang=en#protection")))
        .await
        .unwrap();
    browser
        .screenshot("/tmp/reso-shots/phone-order-protection.png")
        .await
        .unwrap();
    browser.close().await;
}

#[test]
fn every_locale_has_every_protection_text() {
    use reso::i18n::{Translations, LOCALES};
    let i18n = Translations::load().expect("translations");
    let ours = |id: &String| id.starts_with("protection-") || id.starts_with("claim-");
    let mut english: Vec<String> = i18n.ids("en").into_iter().filter(ours).collect();
    english.sort();
    // The ids the pages build from codes.
    let mut built = Vec::new();
    for kind in ["not_received", "refund_not_received", "other_problem"] {
        built.push(format!("claim-kind-{kind}"));
        built.push(format!("claim-new-intro-{kind}"));
        built.push(format!("protection-option-{kind}"));
        built.push(format!("protection-option-{kind}-hint"));
    }
    for status in ClaimStatus::ALL {
        built.push(format!("claim-status-{}", status.code()));
    }
    for code in ["yes", "yes_after_return", "no"] {
        built.push(format!("claim-decision-{code}"));
    }
    for code in ["received", "not_received", "disagree", "conclude"] {
        built.push(format!("claim-react-{code}"));
    }
    for id in built {
        assert!(english.contains(&id), "en lacks {id}");
    }
    for locale in LOCALES {
        let mut ids: Vec<String> = i18n.ids(locale).into_iter().filter(ours).collect();
        ids.sort();
        assert_eq!(
            ids, english,
            "{locale} must translate every protection text"
        );
    }
}
