//! The staff control center, driven over HTTP like a browser without
//! JavaScript: sign in, work the queue, move a return to refunded, settings.
//! Orders and returns are set up through the use cases directly.

mod support;

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso::store::returns::ReturnRecord;
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::returns::RequestedLine;
use reso_domain::{
    Currency, Email, NewOrder, Order, PaymentMethod, RestockingFee, ReturnReason, ReturnStatus,
    Timestamp,
};
use support::{TestApp, DAY, START};

/// A browser: keeps cookies, does not follow redirects (so tests see them).
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

async fn login_as(app: &TestApp, email: &str, password: &str) -> Client {
    let client = browser();
    let res = client
        .post(app.url("/admin/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "login of {email} failed"
    );
    client
}

async fn login(app: &TestApp) -> Client {
    login_as(app, &app.staff_email, &app.staff_password).await
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

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

/// A delivered order: a tent (189.00) and two mugs (24.50 each), paid by card.
async fn order(app: &TestApp, number: &str, email: &str) -> Order {
    let delivered = START - 3 * DAY;
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse(email).unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: eur(),
        placed_at: Timestamp(delivered - 7 * DAY),
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
                quantity: 30,
                unit_price_minor: 2_450,
                returnable: true,
            },
        ],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_{number}"),
            captured_minor: 18_900 + 30 * 2_450,
        }],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{number}"),
            shipped_at: Some(Timestamp(delivered - 2 * DAY)),
            delivered_at: Some(Timestamp(delivered)),
        }],
    };
    reso::app::orders::upsert(&app.state, &app.merchant, &input, &Actor::System)
        .await
        .expect("order")
        .order
}

async fn ask_return(
    app: &TestApp,
    order: &Order,
    lines: &[(&str, i64)],
    photos: Vec<Photo>,
) -> ReturnRecord {
    let merchant = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    let lines = lines
        .iter()
        .map(|(sku, quantity)| RequestedLine {
            order_line_id: order.lines.iter().find(|l| l.sku == *sku).unwrap().id,
            quantity: *quantity,
            reason: ReturnReason::TooSmall,
        })
        .collect();
    let req = ReturnRequest {
        lines,
        comment: "Does not fit".into(),
        refund_method: None,
        photos,
    };
    reso::app::returns::request(
        &app.state,
        &merchant,
        order.id,
        req,
        &Actor::Buyer(order.buyer_email.as_str().into()),
    )
    .await
    .expect("return")
}

/// 213.50 EUR: above the starter matrix's auto-authorize limit, so staff decide.
async fn requested_return(app: &TestApp, number: &str, email: &str) -> (Order, ReturnRecord) {
    let o = order(app, number, email).await;
    let r = ask_return(app, &o, &[("TENT-2P", 1), ("MUG-TI", 1)], Vec::new()).await;
    assert_eq!(r.status, ReturnStatus::Requested);
    (o, r)
}

async fn status_of(app: &TestApp, return_id: i64) -> ReturnStatus {
    reso::app::returns::load(&app.state, app.merchant.id, return_id)
        .await
        .unwrap()
        .status
}

async fn refunds_of(app: &TestApp, order_id: i64) -> Vec<reso::store::refunds::RefundRecord> {
    reso::app::refunds::for_order(&app.state, order_id)
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_credentials_get_401_and_one_generic_message() {
    let app = TestApp::spawn().await;
    let client = browser();
    for (email, password) in [
        (app.staff_email.as_str(), "wrong password"),
        ("nobody@acme.test", "correct horse battery"),
    ] {
        let res = post(
            &client,
            &app,
            "/admin/login",
            &[("email", email), ("password", password)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers().get("set-cookie").is_none());
        let html = res.text().await.unwrap();
        assert!(
            html.contains("The e-mail or the password is not right"),
            "{html}"
        );
    }
    let res = client.get(app.url("/admin/returns")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_lasts_twelve_hours() {
    let app = TestApp::spawn().await;
    let res = browser()
        .post(app.url("/admin/login"))
        .form(&[
            ("email", app.staff_email.as_str()),
            ("password", app.staff_password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/returns");
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("reso_session="), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(part), "{part} missing in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-HTTP test server: {cookie}"
    );
}

#[tokio::test]
async fn pages_without_a_session_send_to_the_login_page() {
    let app = TestApp::spawn().await;
    let (o, r) = requested_return(&app, "1001", "ada@example.com").await;
    let client = browser();
    for path in [
        "/admin",
        "/admin/returns",
        &format!("/admin/returns/{}", r.id),
        &format!("/admin/orders/{}", o.id),
        "/admin/settings",
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        let to = location(&res);
        let to = if path == "/admin" {
            // /admin first goes to the queue, which then asks for a login.
            location(&client.get(app.url(&to)).send().await.unwrap())
        } else {
            to
        };
        assert!(to.starts_with("/admin/login"), "{path} → {to}");
    }
    // After signing in, the user lands where they were going.
    let res = client
        .get(app.url(&format!("/admin/returns/{}", r.id)))
        .send()
        .await
        .unwrap();
    let to = location(&res);
    assert_eq!(to, format!("/admin/login?next=/admin/returns/{}", r.id));
    let res = post(
        &client,
        &app,
        "/admin/login",
        &[
            ("email", &app.staff_email),
            ("password", &app.staff_password),
            ("next", &format!("/admin/returns/{}", r.id)),
        ],
    )
    .await;
    assert_eq!(location(&res), format!("/admin/returns/{}", r.id));
    // …but never outside the control center.
    let res = post(
        &browser(),
        &app,
        "/admin/login",
        &[
            ("email", &app.staff_email),
            ("password", &app.staff_password),
            ("next", "//evil.test/"),
        ],
    )
    .await;
    assert_eq!(location(&res), "/admin/returns");

    let res = post(
        &browser(),
        &app,
        &format!("/admin/returns/{}/authorize", r.id),
        &[("csrf", "x")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Requested);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (_, r) = requested_return(&app, "1001", "ada@example.com").await;
    let client = login(&app).await;
    let path = format!("/admin/returns/{}/authorize", r.id);
    let res = post(&client, &app, &path, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(&client, &app, &path, &[("csrf", "not-the-token")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(
        &client,
        &app,
        &format!("/admin/returns/{}/reject", r.id),
        &[("reason", "no")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Requested);

    // Settings too: nothing saved without the token.
    let res = post(
        &client,
        &app,
        "/admin/settings",
        &[("name", "Hijacked"), ("window_days", "1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        reso::app::merchants::by_id(&app.state, app.merchant.id)
            .await
            .unwrap()
            .name,
        "ACME Outdoor"
    );

    let html = page(&client, &app, &format!("/admin/returns/{}", r.id)).await;
    let csrf = input_value(&html, "csrf");
    let res = post(&client, &app, &path, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Authorized);
}

#[tokio::test]
async fn staff_take_a_return_from_request_to_refund() {
    let app = TestApp::spawn().await;
    let (o, r) = requested_return(&app, "1001", "ada@example.com").await;
    let client = login(&app).await;
    let return_path = format!("/admin/returns/{}", r.id);

    let html = page(&client, &app, &return_path).await;
    assert!(
        html.contains("ACME Outdoor") && html.contains("ops@acme.test"),
        "who is signed in is shown"
    );
    assert!(
        html.contains("Two-person tent")
            && html.contains("Titanium mug")
            && html.contains("Does not fit")
    );
    assert!(html.contains("Authorize return") && html.contains("Reject return"));
    assert!(
        !html.contains("Mark as received"),
        "not before authorization"
    );
    let csrf = input_value(&html, "csrf");

    let res = post(
        &client,
        &app,
        &format!("{return_path}/authorize"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(
        (res.status(), location(&res)),
        (StatusCode::SEE_OTHER, return_path.clone())
    );
    let rma = reso::app::returns::load(&app.state, app.merchant.id, r.id)
        .await
        .unwrap()
        .rma
        .expect("an RMA");
    let html = page(&client, &app, &return_path).await;
    assert!(html.contains(&rma) && html.contains("Return authorized"));

    // Authorizing twice is refused with the reason, and the page again.
    let res = post(
        &client,
        &app,
        &format!("{return_path}/authorize"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("cannot authorize when it is authorized"),
        "{html}"
    );

    let res = post(
        &client,
        &app,
        &format!("{return_path}/tracking"),
        &[
            ("csrf", &csrf),
            ("carrier", "DHL"),
            ("tracking", "RT123456"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post(
        &client,
        &app,
        &format!("{return_path}/receive"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Received);

    // Inspection: every line in one form; the mug is refused.
    let html = page(&client, &app, &return_path).await;
    assert!(html.contains("RT123456"));
    let tent = o
        .lines
        .iter()
        .find(|l| l.sku == "TENT-2P")
        .unwrap()
        .id
        .to_string();
    let mug = o
        .lines
        .iter()
        .find(|l| l.sku == "MUG-TI")
        .unwrap()
        .id
        .to_string();
    let too_many = [
        ("csrf", csrf.as_str()),
        ("line", &tent),
        ("accepted", "2"),
        ("condition", ""),
        ("line", &mug),
        ("accepted", "0"),
        ("condition", ""),
    ];
    let res = post(&client, &app, &format!("{return_path}/inspect"), &too_many).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let inspection = [
        ("csrf", csrf.as_str()),
        ("line", &tent),
        ("accepted", "1"),
        ("condition", "as new"),
        ("line", &mug),
        ("accepted", "0"),
        ("condition", "scratched"),
    ];
    let res = post(
        &client,
        &app,
        &format!("{return_path}/inspect"),
        &inspection,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Inspected);

    // The quote comes first: only the tent was accepted.
    let html = page(&client, &app, &return_path).await;
    assert!(
        html.contains("Accepted goods") && html.contains("189.00 EUR"),
        "{html}"
    );
    assert!(html.contains("scratched"));
    let token = input_value(&html, "token");
    let res = post(
        &client,
        &app,
        &format!("{return_path}/refund"),
        &[
            ("csrf", &csrf),
            ("token", &token),
            ("method", "store_credit"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Refunded);
    let refunds = refunds_of(&app, o.id).await;
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        (
            refunds[0].amount_minor,
            refunds[0].method.as_str(),
            refunds[0].status.as_str()
        ),
        (18_900, "store_credit", "succeeded")
    );
    let html = page(&client, &app, &return_path).await;
    assert!(
        html.contains(&refunds[0].credit_note)
            && html.contains("Refunded")
            && html.contains("staff:ops@acme.test")
    );
    assert!(
        !html.contains("name=\"token\""),
        "no refund form once refunded"
    );

    // The order page shows the same refund and what is left.
    let html = page(&client, &app, &format!("/admin/orders/{}", o.id)).await;
    assert!(
        html.contains(&refunds[0].credit_note) && html.contains(&rma) && html.contains("JD1001")
    );
    assert!(
        html.contains(&format!("{}.00 EUR", (18_900 + 30 * 2_450 - 18_900) / 100)),
        "refundable after the refund"
    );
}

#[tokio::test]
async fn a_refund_form_sent_twice_refunds_once() {
    let app = TestApp::spawn().await;
    let (o, r) = requested_return(&app, "1001", "ada@example.com").await;
    let merchant = app.merchant.clone();
    let staff = Actor::Staff {
        id: 1,
        email: app.staff_email.clone(),
    };
    reso::app::returns::authorize(&app.state, &merchant, r.id, &staff)
        .await
        .unwrap();
    reso::app::returns::mark_received(&app.state, &merchant, r.id, &staff)
        .await
        .unwrap();
    let decisions = r
        .lines
        .iter()
        .map(|l| {
            (
                l.order_line_id,
                reso_domain::LineDecision {
                    accepted_quantity: 1,
                    condition: String::new(),
                },
            )
        })
        .collect();
    reso::app::returns::inspect(&app.state, &merchant, r.id, decisions, &staff)
        .await
        .unwrap();

    let client = login(&app).await;
    let path = format!("/admin/returns/{}", r.id);
    let html = page(&client, &app, &path).await;
    assert!(html.contains("213.50 EUR"), "quote total");
    let (csrf, token) = (input_value(&html, "csrf"), input_value(&html, "token"));
    let form = [
        ("csrf", csrf.as_str()),
        ("token", token.as_str()),
        ("method", "manual"),
    ];
    // A double click: both at once, then a browser resubmit.
    let refund = format!("{path}/refund");
    let (a, b) = tokio::join!(
        post(&client, &app, &refund, &form),
        post(&client, &app, &refund, &form)
    );
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    let again = post(&client, &app, &refund, &form).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);

    let refunds = refunds_of(&app, o.id).await;
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0].amount_minor, 21_350);
    assert_eq!(status_of(&app, r.id).await, ReturnStatus::Refunded);

    // A fresh form on a refunded return is refused with a message, not a second refund.
    let res = post(
        &client,
        &app,
        &refund,
        &[
            ("csrf", csrf.as_str()),
            ("token", "a-brand-new-token-123"),
            ("method", "manual"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(refunds_of(&app, o.id).await.len(), 1);
}

#[tokio::test]
async fn goodwill_refunds_read_amounts_exactly_and_only_once() {
    let app = TestApp::spawn().await;
    let o = order(&app, "1001", "ada@example.com").await;
    let client = login(&app).await;
    let path = format!("/admin/orders/{}", o.id);
    let html = page(&client, &app, &path).await;
    assert!(
        html.contains("Two-person tent")
            && html.contains("pi_1001")
            && html.contains("Ada Lovelace")
    );
    let (csrf, token) = (input_value(&html, "csrf"), input_value(&html, "token"));

    let bad = post(
        &client,
        &app,
        &format!("{path}/goodwill"),
        &[
            ("csrf", &csrf),
            ("token", &token),
            ("amount", "12.345"),
            ("method", "manual"),
            ("reason", "late"),
        ],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("at most 2 digits"));
    let too_much = post(
        &client,
        &app,
        &format!("{path}/goodwill"),
        &[
            ("csrf", &csrf),
            ("token", &token),
            ("amount", "10000"),
            ("method", "manual"),
            ("reason", "late"),
        ],
    )
    .await;
    assert_eq!(too_much.status(), StatusCode::CONFLICT);
    assert!(too_much
        .text()
        .await
        .unwrap()
        .contains("exceeds what can still be refunded"));

    let form = [
        ("csrf", csrf.as_str()),
        ("token", token.as_str()),
        ("amount", "12.50"),
        ("method", "store_credit"),
        ("reason", "parcel was late"),
    ];
    for _ in 0..2 {
        let res = post(&client, &app, &format!("{path}/goodwill"), &form).await;
        assert_eq!(
            (res.status(), location(&res)),
            (StatusCode::SEE_OTHER, path.clone())
        );
    }
    let refunds = refunds_of(&app, o.id).await;
    assert_eq!(refunds.len(), 1);
    assert_eq!(
        (refunds[0].amount_minor, refunds[0].reason.as_str()),
        (1250, "parcel was late")
    );
    let html = page(&client, &app, &path).await;
    assert!(html.contains(&refunds[0].credit_note) && html.contains("12.50 EUR"));
}

#[tokio::test]
async fn the_queue_filters_by_status_age_and_search() {
    let app = TestApp::spawn().await;
    let (_, old) = requested_return(&app, "1001", "ada@example.com").await;
    app.clock.advance_days(10);
    let (_, fresh) = requested_return(&app, "2002", "grace@example.com").await;
    let staff = Actor::Staff {
        id: 1,
        email: app.staff_email.clone(),
    };
    let authorized = reso::app::returns::authorize(&app.state, &app.merchant, fresh.id, &staff)
        .await
        .unwrap();
    let rma = authorized.rma.clone().unwrap();
    let client = login(&app).await;

    let all = page(&client, &app, "/admin/returns").await;
    assert!(all.contains("1001") && all.contains("2002") && all.contains("213.50 EUR"));
    assert!(
        all.contains("Requested <span class=\"small\">(1)</span>")
            && all.contains("Authorized <span class=\"small\">(1)</span>")
    );
    let only_authorized = page(&client, &app, "/admin/returns?status=authorized").await;
    assert!(only_authorized.contains("2002") && !only_authorized.contains(">1001<"));
    let older = page(&client, &app, "/admin/returns?age=7").await;
    assert!(older.contains(">1001<") && !older.contains(">2002<"));
    let by_rma = page(
        &client,
        &app,
        &format!("/admin/returns?q={}", rma.to_lowercase()),
    )
    .await;
    assert!(by_rma.contains(">2002<") && !by_rma.contains(">1001<"));
    let by_order = page(&client, &app, "/admin/returns?q=1001").await;
    assert!(
        by_order.contains(&format!("/admin/returns/{}", old.id)) && !by_order.contains(">2002<")
    );
    let by_email = page(&client, &app, "/admin/returns?q=grace%40example.com").await;
    assert!(by_email.contains(">2002<") && !by_email.contains(">1001<"));
    let none = page(&client, &app, "/admin/returns?q=nobody").await;
    assert!(none.contains("No returns match"));
}

#[tokio::test]
async fn the_queue_pages_back_with_an_older_link() {
    let app = TestApp::spawn().await;
    let o = order(&app, "1001", "ada@example.com").await;
    for _ in 0..27 {
        ask_return(&app, &o, &[("MUG-TI", 1)], Vec::new()).await;
    }
    let client = login(&app).await;
    let first = page(&client, &app, "/admin/returns").await;
    assert_eq!(
        first.matches("<tr>").count() - 1,
        25,
        "a header row and 25 returns"
    );
    let start = first
        .find("href=\"/admin/returns?before=")
        .expect("an older link")
        + "href=\"".len();
    let older = first[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let second = page(&client, &app, &older).await;
    assert_eq!(second.matches("<tr>").count() - 1, 2);
    assert!(!second.contains("Older returns"));
}

#[tokio::test]
async fn another_shops_staff_see_nothing_of_this_shop() {
    let app = TestApp::spawn().await;
    let png = b"\x89PNG\r\n\x1a\n-not-really-a-picture".to_vec();
    let o = order(&app, "1001", "ada@example.com").await;
    let r = ask_return(
        &app,
        &o,
        &[("TENT-2P", 1)],
        vec![Photo { bytes: png.clone() }],
    )
    .await;
    let photo = format!("/admin/returns/{}/photos/{}", r.id, r.photo_ids[0]);

    // This shop's staff see the photo, inline, with its type and nosniff.
    let own = login(&app).await;
    let res = own.get(app.url(&photo)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["content-disposition"], "inline");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().to_vec(), png);
    assert!(page(&own, &app, &format!("/admin/returns/{}", r.id))
        .await
        .contains(&photo));

    let other = reso::app::merchants::create(
        &app.state,
        reso::store::merchants::NewMerchant {
            slug: "globex".into(),
            name: "Globex".into(),
            support: reso::store::merchants::SupportContact {
                email: "help@globex.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: String::new(),
            default_locale: "en".into(),
            currency: eur(),
        },
    )
    .await
    .unwrap();
    reso::app::merchants::create_staff(
        &app.state,
        other.id,
        "boss@globex.test",
        "Boss",
        "admin",
        "globex password",
    )
    .await
    .unwrap();
    let client = login_as(&app, "boss@globex.test", "globex password").await;
    for path in [
        format!("/admin/returns/{}", r.id),
        photo.clone(),
        format!("/admin/orders/{}", o.id),
    ] {
        let res = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let queue = page(&client, &app, "/admin/returns").await;
    assert!(queue.contains("Globex") && !queue.contains("1001"));
    let csrf = input_value(&queue, "csrf");
    let res = post(
        &client,
        &app,
        &format!("/admin/returns/{}/reject", r.id),
        &[("csrf", &csrf), ("reason", "not ours")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post(
        &client,
        &app,
        &format!("/admin/orders/{}/goodwill", o.id),
        &[
            ("csrf", &csrf),
            ("token", "abcdefghijklmnopqrstuv"),
            ("amount", "1"),
            ("method", "manual"),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(status_of(&app, r.id).await, r.status);
    assert!(refunds_of(&app, o.id).await.is_empty());
}

/// The settings form as the page would post it, with some fields changed.
fn settings_form<'a>(csrf: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("name", "ACME Outdoor"),
        ("support_email", "help@acme.test"),
        ("support_phone", "+39 02 1234567"),
        ("support_hours", "Mon–Fri 9–18"),
        ("support_url", "https://acme.test/help"),
        ("return_address", "ACME Returns, Via Roma 1, 20100 Milano"),
        ("default_locale", "en"),
        ("window_days", "30"),
        ("restocking", "none"),
        ("restocking_percent", ""),
        ("restocking_fixed", ""),
        ("shipping_paid_by", "merchant"),
        ("label_cost", ""),
        ("refund_method", "original_payment"),
        ("non_returnable_skus", ""),
        ("rule_index", "0"),
        ("rule_position", "1"),
        ("rule_name", "Damaged and cheap: keep it"),
        ("rule_min_amount", ""),
        ("rule_max_amount", "30"),
        ("rule_max_days", ""),
        ("rule_max_prior", "2"),
        ("rule_outcome", "refund_without_return"),
        ("rule_reasons", "0:damaged"),
        ("rule_reasons", "0:defective"),
        ("rule_index", "1"),
        ("rule_position", "2"),
        ("rule_name", ""),
        ("rule_min_amount", ""),
        ("rule_max_amount", ""),
        ("rule_max_days", ""),
        ("rule_max_prior", ""),
        ("rule_outcome", "manual_review"),
        ("notify_kind", "return.requested"),
        ("notify_to", "ops@acme.test, Returns@acme.test"),
        ("notify_kind", "refund.failed"),
        ("notify_to", ""),
    ];
    for (key, value) in changes {
        let at = form
            .iter()
            .position(|(k, _)| k == key)
            .expect("known field");
        form[at].1 = value;
    }
    form
}

#[tokio::test]
async fn settings_are_saved_whole_or_not_at_all() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    let html = page(&client, &app, "/admin/settings").await;
    assert!(
        html.contains("Small returns from regular buyers go through"),
        "the starter matrix is shown"
    );
    let csrf = input_value(&html, "csrf");

    let res = post(
        &client,
        &app,
        "/admin/settings",
        &settings_form(
            &csrf,
            &[
                ("window_days", "45"),
                ("restocking", "percent"),
                ("restocking_percent", "12.5"),
            ],
        ),
    )
    .await;
    assert_eq!(
        (res.status(), location(&res)),
        (StatusCode::SEE_OTHER, "/admin/settings?saved=1".to_string())
    );
    let m = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    assert_eq!(m.policy.window_days, 45);
    assert_eq!(
        m.policy.restocking_fee,
        RestockingFee::Percent { basis_points: 1250 }
    );
    assert_eq!(
        m.matrix.rules.len(),
        1,
        "the starter rules were replaced, the blank row ignored"
    );
    assert_eq!(m.matrix.rules[0].name, "Damaged and cheap: keep it");
    assert_eq!(m.matrix.rules[0].when.max_amount_minor, Some(3000));
    assert_eq!(
        m.matrix.rules[0].when.reasons,
        vec![ReturnReason::Damaged, ReturnReason::Defective]
    );
    assert_eq!(
        m.notifications.recipients("return.requested"),
        ["ops@acme.test".to_string(), "returns@acme.test".to_string()]
    );
    let html = page(&client, &app, "/admin/settings?saved=1").await;
    assert!(
        html.contains("Settings saved.")
            && html.contains("value=\"12.50\"")
            && html.contains("value=\"30.00\"")
    );

    for (field, value, message) in [
        ("window_days", "5000", "between 0 and 3650 days"),
        ("restocking_percent", "150", "between 0 and 100"),
        ("support_email", "not an address", "not an address"),
        (
            "rule_max_amount",
            "lots",
            "Rule 1, maximum amount: enter an amount like 12.50",
        ),
    ] {
        let res = post(
            &client,
            &app,
            "/admin/settings",
            &settings_form(
                &csrf,
                &[
                    ("name", "Renamed"),
                    ("restocking", "percent"),
                    ("restocking_percent", "10"),
                    (field, value),
                ],
            ),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Nothing was saved") && html.contains(message),
            "{field}: {html}"
        );
        assert!(
            html.contains("value=\"Renamed\""),
            "the form comes back as typed"
        );
        let unchanged = reso::app::merchants::by_id(&app.state, app.merchant.id)
            .await
            .unwrap();
        assert_eq!(
            (unchanged.name.as_str(), unchanged.policy.window_days),
            ("ACME Outdoor", 45)
        );
    }

    // Deleting the rule leaves an empty matrix: every request goes to staff.
    let mut form = settings_form(&csrf, &[]);
    form.push(("rule_delete", "0"));
    let res = post(&client, &app, "/admin/settings", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap()
        .matrix
        .rules
        .is_empty());
}

#[tokio::test]
async fn agents_work_the_queue_but_cannot_open_settings() {
    let app = TestApp::spawn().await;
    reso::app::merchants::create_staff(
        &app.state,
        app.merchant.id,
        "agent@acme.test",
        "Agnes",
        "agent",
        "agent password",
    )
    .await
    .unwrap();
    let client = login_as(&app, "agent@acme.test", "agent password").await;
    let queue = page(&client, &app, "/admin/returns").await;
    assert!(!queue.contains("href=\"/admin/settings\""));
    let csrf = input_value(&queue, "csrf");
    assert_eq!(
        client
            .get(app.url("/admin/settings"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let res = post(
        &client,
        &app,
        "/admin/settings",
        &settings_form(&csrf, &[("name", "Agent was here")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(
        &client,
        &app,
        "/admin/settings/api-keys",
        &[("csrf", &csrf), ("name", "mine")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        reso::app::merchants::by_id(&app.state, app.merchant.id)
            .await
            .unwrap()
            .name,
        "ACME Outdoor"
    );
}

#[tokio::test]
async fn webhook_secrets_and_api_keys_are_shown_once() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    let csrf = input_value(&page(&client, &app, "/admin/settings").await, "csrf");

    let res = post(
        &client,
        &app,
        "/admin/settings/webhooks",
        &[("csrf", &csrf), ("url", "https://shop.test/hooks")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let endpoints = reso::app::webhooks::list(&app.state, app.merchant.id)
        .await
        .unwrap();
    assert_eq!(endpoints.len(), 1);
    assert!(html.contains(&endpoints[0].secret));
    let later = page(&client, &app, "/admin/settings").await;
    assert!(later.contains("https://shop.test/hooks") && !later.contains(&endpoints[0].secret));
    let bad = post(
        &client,
        &app,
        "/admin/settings/webhooks",
        &[("csrf", &csrf), ("url", "ftp://nope")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = post(
        &client,
        &app,
        &format!("/admin/settings/webhooks/{}/disable", endpoints[0].id),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(reso::app::webhooks::list(&app.state, app.merchant.id)
        .await
        .unwrap()
        .is_empty());

    let res = post(
        &client,
        &app,
        "/admin/settings/api-keys",
        &[("csrf", &csrf), ("name", "Shop sync")],
    )
    .await;
    let html = res.text().await.unwrap();
    let start =
        html.find("<p class=\"secret\">").expect("the key is shown") + "<p class=\"secret\">".len();
    let key = html[start..].split('<').next().unwrap();
    let (_, merchant_id) = reso::app::auth::api_key(&app.state, key)
        .await
        .expect("a working key");
    assert_eq!(merchant_id, app.merchant.id);
    assert!(!page(&client, &app, "/admin/settings").await.contains(key));
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    let res = client.get(app.url("/admin/returns")).send().await.unwrap();
    assert_eq!(
        res.headers()["cache-control"],
        "no-store",
        "no cached copy of staff pages"
    );
    let csrf = input_value(&res.text().await.unwrap(), "csrf");
    let res = post(&client, &app, "/admin/logout", &[("csrf", &csrf)]).await;
    assert_eq!(
        (res.status(), location(&res)),
        (StatusCode::SEE_OTHER, "/admin/login".to_string())
    );
    assert_eq!(
        client
            .get(app.url("/admin/returns"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sessions_expire_after_twelve_hours() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    // Used every 50 minutes (an idle hour ends a session sooner: tests/security.rs).
    for _ in 0..13 {
        app.clock.advance_ms(50 * 60_000);
        assert_eq!(
            client
                .get(app.url("/admin/returns"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    }
    app.clock.advance_ms(2 * 3_600_000);
    assert_eq!(
        client
            .get(app.url("/admin/returns"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
}
