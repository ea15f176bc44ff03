//! The buyer portal over real HTTP: the policy page, magic links, the order
//! page and its return form, and the return's status page.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::{redirect, StatusCode};
use reso::app::auth::{sign_buyer_link, BuyerAccess, MAGIC_LINK_MS};
use reso::app::Actor;
use reso_domain::order::{NewLine, NewOrder, NewPayment, NewShipment};
use reso_domain::{Currency, Email, PaymentMethod, Timestamp};
use serde_json::Value;
use support::{TestApp, DAY, START};

/// The smallest valid PNG: a 1×1 transparent pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// Order `number` for `email`, delivered three days ago: a tent and two mugs.
async fn order(app: &TestApp, number: &str, email: &str) -> i64 {
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
    let done = reso::app::orders::upsert(&app.state, &app.merchant, &input, &Actor::System)
        .await
        .expect("order");
    done.order.id
}

fn line_id(app_order: &reso_domain::Order, sku: &str) -> i64 {
    app_order.lines.iter().find(|l| l.sku == sku).unwrap().id
}

async fn load_order(app: &TestApp, id: i64) -> reso_domain::Order {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    reso::store::orders::load(&mut conn, app.merchant.id, id)
        .await
        .unwrap()
}

fn token(app: &TestApp, order_id: i64, email: &str) -> String {
    let access = BuyerAccess {
        merchant_id: app.merchant.id,
        order_id,
        email: email.into(),
    };
    sign_buyer_link(&app.state, &access, START + MAGIC_LINK_MS)
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = no_redirects().get(app.url(path)).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

/// Mail jobs the outbox holds, as (payload) values.
async fn mail_jobs(app: &TestApp) -> Vec<Value> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail' ORDER BY id")
            .fetch_all(app.state.db.reader())
            .await
            .unwrap();
    rows.iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect()
}

async fn link_mails(app: &TestApp) -> Vec<Value> {
    mail_jobs(app)
        .await
        .into_iter()
        .filter(|j| j["template"] == "buyer.link_requested")
        .collect()
}

async fn return_ids(app: &TestApp, order_id: i64) -> Vec<i64> {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    reso::store::returns::ids_for_order(&mut conn, order_id)
        .await
        .unwrap()
}

#[tokio::test]
async fn help_page_shows_the_policy_and_support_contact_in_english_and_italian() {
    let app = TestApp::spawn().await;
    let (status, en) = get(&app, "/s/acme/help").await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#));
    assert!(en.contains("within 30 days of delivery"), "{en}");
    assert!(en.contains("There is no restocking fee."));
    assert!(en.contains("Return shipping is free for you."));
    assert!(en.contains("payment method you used"));
    for contact in [
        "help@acme.test",
        "+39 02 1234567",
        "Mon–Fri 9–18",
        "https://acme.test/help",
    ] {
        assert!(en.contains(contact), "support contact {contact} missing");
    }

    let (status, it) = get(&app, "/s/acme/help?lang=it").await;
    assert_eq!(status, StatusCode::OK);
    assert!(it.contains(r#"<html lang="it">"#));
    assert!(it.contains("entro 30 giorni dalla consegna"), "{it}");
    assert!(it.contains("help@acme.test"));

    // Without ?lang the browser's language decides.
    let res = app
        .http
        .get(app.url("/s/acme/help"))
        .header("Accept-Language", "de-CH,de;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains(r#"<html lang="de">"#));

    let (status, _) = get(&app, "/s/nobody/help").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_link_request_for_an_unknown_order_or_wrong_email_is_refused_alike() {
    let app = TestApp::spawn().await;
    order(&app, "1001", "ada@example.com").await;
    let before = mail_jobs(&app).await.len();
    let ask = |number: &'static str, email: &'static str| {
        let url = app.url("/s/acme/returns");
        async move {
            no_redirects()
                .post(url)
                .form(&[("order_number", number), ("email", email)])
                .send()
                .await
                .unwrap()
        }
    };
    let unknown = ask("9999", "ada@example.com").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown = unknown.text().await.unwrap();
    let wrong = ask("1001", "eve@example.com").await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let wrong = wrong.text().await.unwrap();
    let message = "We could not find an order with this number and e-mail address";
    assert!(unknown.contains(message) && wrong.contains(message));
    assert_eq!(mail_jobs(&app).await.len(), before, "nothing may be queued");
}

#[tokio::test]
async fn a_link_request_mails_a_working_link() {
    let app = TestApp::spawn().await;
    order(&app, "1001", "ada@example.com").await;
    // E-mail addresses match whatever their case.
    let res = no_redirects()
        .post(app.url("/s/acme/returns"))
        .form(&[("order_number", " 1001 "), ("email", "Ada@Example.COM")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Check your e-mail"));
    assert!(
        page.contains("help@acme.test"),
        "the success page shows the support contact"
    );

    let mails = link_mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["to"], "ada@example.com");
    assert_eq!(mails[0]["data"]["order_number"], "1001");
    assert_eq!(mails[0]["data"]["expires_at"], START + MAGIC_LINK_MS);
    let link = mails[0]["data"]["link"].as_str().unwrap();
    assert!(link.starts_with(&app.url("/s/acme/o/")), "{link}");

    let res = no_redirects().get(link).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Order 1001"));
    assert!(page.contains("Titanium mug"));
    // Lines the shop flagged cannot be chosen, and the page says why.
    assert!(page.contains("This item cannot be returned under the shop"));
}

#[tokio::test]
async fn tampered_links_are_forbidden_and_old_links_expired() {
    let app = TestApp::spawn().await;
    let id = order(&app, "1001", "ada@example.com").await;
    let good = token(&app, id, "ada@example.com");
    assert_eq!(
        get(&app, &format!("/s/acme/o/{good}")).await.0,
        StatusCode::OK
    );

    // Another order id under the same signature.
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    parts[1] = (id + 1).to_string();
    let (status, page) = get(&app, &format!("/s/acme/o/{}", parts.join("."))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("/s/acme/returns"), "offers a new link");
    assert_eq!(
        get(&app, "/s/acme/o/garbage").await.0,
        StatusCode::FORBIDDEN
    );

    app.clock.advance_days(2);
    let (status, page) = get(&app, &format!("/s/acme/o/{good}")).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("/s/acme/returns"), "offers a new link");
}

#[tokio::test]
async fn a_link_opens_only_its_own_order_and_returns() {
    let app = TestApp::spawn().await;
    let a = order(&app, "1001", "ada@example.com").await;
    let b = order(&app, "1002", "bob@example.com").await;
    let b_order = load_order(&app, b).await;
    let request = reso::app::returns::ReturnRequest {
        lines: vec![reso_domain::returns::RequestedLine {
            order_line_id: line_id(&b_order, "MUG-TI"),
            quantity: 1,
            reason: reso_domain::ReturnReason::TooSmall,
        }],
        comment: String::new(),
        refund_method: None,
        photos: Vec::new(),
    };
    let b_return = reso::app::returns::request(
        &app.state,
        &app.merchant,
        b,
        request,
        &Actor::Buyer("bob@example.com".into()),
    )
    .await
    .unwrap();

    let token_a = token(&app, a, "ada@example.com");
    let (status, page) = get(&app, &format!("/s/acme/o/{token_a}/r/{}", b_return.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("1002"));
    assert_eq!(
        get(&app, &format!("/s/acme/o/{token_a}/r/not-a-number"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Nor can it act on that return.
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{token_a}/r/{}/withdraw", b_return.id)))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A link of this shop opens nothing under another shop's address.
    let other = reso::app::merchants::create(
        &app.state,
        reso::store::merchants::NewMerchant {
            slug: "other".into(),
            name: "Other".into(),
            support: reso::store::merchants::SupportContact {
                email: "help@other.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Elsewhere".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .unwrap();
    assert_ne!(other.id, app.merchant.id);
    assert_eq!(
        get(&app, &format!("/s/other/o/{token_a}")).await.0,
        StatusCode::NOT_FOUND
    );
}

fn return_form(fields: &[(&str, String)]) -> Form {
    fields
        .iter()
        .fold(Form::new(), |f, (k, v)| f.text(k.to_string(), v.clone()))
}

#[tokio::test]
async fn the_return_form_creates_a_return_with_its_photo_and_shows_the_rma() {
    let app = TestApp::spawn().await;
    let id = order(&app, "1001", "ada@example.com").await;
    let mug = line_id(&load_order(&app, id).await, "MUG-TI");
    let t = token(&app, id, "ada@example.com");
    let form = return_form(&[
        (&format!("qty_{mug}"), "2".into()),
        (&format!("reason_{mug}"), "damaged".into()),
        ("comment", "Both dented".into()),
    ])
    .part(
        "photos",
        Part::bytes(PNG.to_vec())
            .file_name("dent.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{t}/returns")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();

    let ids = return_ids(&app, id).await;
    assert_eq!(ids.len(), 1);
    let saved = reso::app::returns::load(&app.state, app.merchant.id, ids[0])
        .await
        .unwrap();
    assert_eq!(saved.photo_ids.len(), 1);
    assert_eq!(saved.lines[0].quantity, 2);
    assert_eq!(saved.comment, "Both dented");
    assert!(
        location.starts_with(&format!("/s/acme/o/{t}/r/{}", saved.id)),
        "{location}"
    );
    // 49 EUR: the starter matrix authorizes it at once.
    let rma = saved.rma.clone().expect("authorized with an RMA");

    let (status, page) = get(&app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&rma), "the status page shows the RMA");
    assert!(
        page.contains("ACME Returns, Via Roma 1"),
        "and where to send the parcel"
    );
    assert!(page.contains("Return shipping is free for you"));
    assert!(
        page.contains("Return authorized"),
        "the timeline names the step"
    );
    assert!(
        !page.contains("Small returns from regular buyers"),
        "the matrix rule stays internal"
    );

    // The buyer enters the parcel's tracking.
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{t}/r/{}/tracking", saved.id)))
        .form(&[("carrier", "DHL"), ("tracking_number", "JD0001")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&app, &format!("/s/acme/o/{t}/r/{}", saved.id)).await;
    assert!(page.contains("On its way back"));
    assert!(page.contains("JD0001"));

    // An empty tracking number is the buyer's to fix.
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{t}/r/{}/tracking", saved.id)))
        .form(&[("carrier", "DHL"), ("tracking_number", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The order page lists the return and no longer offers the mugs.
    let (_, page) = get(&app, &format!("/s/acme/o/{t}")).await;
    assert!(page.contains(&rma));
    assert!(page.contains("Every unit of this item is already in a return"));
}

#[tokio::test]
async fn bad_return_requests_show_the_form_again_and_save_nothing() {
    let app = TestApp::spawn().await;
    let id = order(&app, "1001", "ada@example.com").await;
    let o = load_order(&app, id).await;
    let (mug, gift) = (line_id(&o, "MUG-TI"), line_id(&o, "GIFT-CARD"));
    let t = token(&app, id, "ada@example.com");
    let post = |form: Form| {
        let url = app.url(&format!("/s/acme/o/{t}/returns"));
        async move {
            let res = no_redirects()
                .post(url)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.text().await.unwrap())
        }
    };

    let (status, page) = post(return_form(&[
        (&format!("qty_{mug}"), "3".into()),
        (&format!("reason_{mug}"), "too_small".into()),
    ]))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("You asked to return 3 of “Titanium mug”, but only 2 can still be returned."),
        "{page}"
    );

    let (status, page) = post(return_form(&[(&format!("qty_{mug}"), "0".into())])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose at least one item"));

    let (status, page) = post(return_form(&[(&format!("qty_{mug}"), "1".into())])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose a reason for “Titanium mug”"));

    let (status, _) = post(return_form(&[
        (&format!("qty_{gift}"), "1".into()),
        (&format!("reason_{gift}"), "other".into()),
    ]))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let valid = || {
        return_form(&[
            (&format!("qty_{mug}"), "1".into()),
            (&format!("reason_{mug}"), "damaged".into()),
            ("comment", "kept".into()),
        ])
    };
    let svg = valid().part(
        "photos",
        Part::bytes(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec())
            .file_name("x.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let (status, page) = post(svg).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Only photos can be attached"));
    assert!(
        page.contains(">kept</textarea>"),
        "what the buyer typed is kept"
    );

    let text = valid().part(
        "photos",
        Part::bytes(b"just text".to_vec())
            .file_name("notes.txt")
            .mime_str("text/plain")
            .unwrap(),
    );
    assert_eq!(post(text).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let six = (0..6).fold(valid(), |f, i| {
        f.part(
            "photos",
            Part::bytes(PNG.to_vec())
                .file_name(format!("{i}.png"))
                .mime_str("image/png")
                .unwrap(),
        )
    });
    assert_eq!(post(six).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // Out of the 30-day window.
    app.clock.advance_days(28);
    let t = {
        let access = BuyerAccess {
            merchant_id: app.merchant.id,
            order_id: id,
            email: "ada@example.com".into(),
        };
        sign_buyer_link(&app.state, &access, app.state.now() + MAGIC_LINK_MS)
    };
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{t}/returns")))
        .multipart(valid())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("The return window of 30 days"));

    assert!(return_ids(&app, id).await.is_empty(), "nothing was saved");
}

#[tokio::test]
async fn a_buyer_can_withdraw_a_return_before_sending_it() {
    let app = TestApp::spawn().await;
    let id = order(&app, "1001", "ada@example.com").await;
    let mug = line_id(&load_order(&app, id).await, "MUG-TI");
    let t = token(&app, id, "ada@example.com");
    let form = return_form(&[
        (&format!("qty_{mug}"), "1".into()),
        (&format!("reason_{mug}"), "changed_mind".into()),
    ]);
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{t}/returns")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rid = return_ids(&app, id).await[0];

    let url = app.url(&format!("/s/acme/o/{t}/r/{rid}/withdraw"));
    let unconfirmed = no_redirects()
        .post(&url)
        .form(&[("confirm", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = no_redirects()
        .post(&url)
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&app, &format!("/s/acme/o/{t}/r/{rid}")).await;
    assert!(page.contains("Return withdrawn"));
    // Withdrawing twice is a clash with the state, not a server error.
    let again = no_redirects()
        .post(&url)
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn order_pages_speak_the_order_language_unless_asked_otherwise() {
    let app = TestApp::spawn().await;
    let id = order(&app, "1001", "ada@example.com").await;
    let t = token(&app, id, "ada@example.com");
    let (_, en) = get(&app, &format!("/s/acme/o/{t}")).await;
    assert!(en.contains(r#"<html lang="en">"#));
    for lang in ["it", "fr", "es", "de"] {
        let (status, page) = get(&app, &format!("/s/acme/o/{t}?lang={lang}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!(r#"<html lang="{lang}">"#)));
        assert!(
            !page.contains("Ask for the return"),
            "{lang} page still has English"
        );
    }
}

#[tokio::test]
async fn the_pages_follow_a_stricter_policy() {
    let app = TestApp::spawn().await;
    let m = &app.merchant;
    let settings = reso::app::merchants::Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: "de".into(),
        policy: reso_domain::ReturnPolicy {
            window_days: 14,
            restocking_fee: reso_domain::RestockingFee::Percent { basis_points: 1250 },
            return_shipping: reso_domain::ReturnShipping::Buyer {
                label_cost_minor: 495,
            },
            refund_method: reso_domain::RefundMethod::BuyerChooses,
            non_returnable_skus: vec!["TENT-2P".into()],
        },
        matrix: m.matrix.clone(),
        notifications: m.notifications.clone(),
    };
    reso::app::merchants::update_settings(&app.state, m.id, settings, &Actor::System)
        .await
        .unwrap();

    // The shop's default language now answers when neither link nor browser asks.
    let (_, de) = get(&app, "/s/acme/help").await;
    assert!(de.contains(r#"<html lang="de">"#));
    assert!(
        de.contains("innerhalb von 14 Tagen nach der Lieferung"),
        "{de}"
    );
    assert!(de.contains("Wiedereinlagerungsgebühr von 12.5 %"));
    assert!(de.contains("4.95 EUR werden von Ihrer Erstattung abgezogen"));
    assert!(de.contains("<code>TENT-2P</code>"));
    assert!(de.contains("Sie wählen bei der Anfrage"));

    let id = order(&app, "1001", "ada@example.com").await;
    let o = load_order(&app, id).await;
    let (tent, mug) = (line_id(&o, "TENT-2P"), line_id(&o, "MUG-TI"));
    let t = token(&app, id, "ada@example.com");
    // The order's own language (English) wins over the shop's default.
    let (_, page) = get(&app, &format!("/s/acme/o/{t}")).await;
    assert!(page.contains("How do you want your refund?"));
    assert!(
        !page.contains(&format!(r#"name="qty_{tent}""#)),
        "an excluded SKU cannot be chosen"
    );

    let form = return_form(&[
        (&format!("qty_{mug}"), "1".into()),
        (&format!("reason_{mug}"), "changed_mind".into()),
        ("refund_method", "store_credit".into()),
    ]);
    let res = no_redirects()
        .post(app.url(&format!("/s/acme/o/{t}/returns")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rid = return_ids(&app, id).await[0];
    let saved = reso::app::returns::load(&app.state, m.id, rid)
        .await
        .unwrap();
    assert_eq!(saved.refund_method, "store_credit");
    let (_, page) = get(&app, &format!("/s/acme/o/{t}/r/{rid}")).await;
    assert!(
        page.contains("You pay for return shipping; 4.95 EUR is deducted from your refund."),
        "{page}"
    );
}
