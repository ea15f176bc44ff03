//! Authentication and security headers, over HTTP like a browser: the
//! sign-in and magic-link rate limits, sessions (rotation, idle and absolute
//! expiry, sign-out, change of role), the headers of every page and
//! download, CSRF fields on every staff and mediator form, and hostile
//! uploads (a dangerous file name, a file lying about its type, an image
//! decompression bomb).
//!
//! The test server is served without connection info, so it takes the
//! client's address from `X-Forwarded-For`: each test plays several
//! clients that way.

mod support;

use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER};
use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use reso::app::claims::Upload;
use reso::app::messages::{Author, Subject};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso_domain::claim::ClaimKind;
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::returns::RequestedLine;
use reso_domain::{Currency, Email, NewOrder, Order, PaymentMethod, ReturnReason, Timestamp};
use serde_json::json;
use support::{TestApp, DAY, START};

const MINUTE: i64 = 60_000;
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const MEDIATOR_EMAIL: &str = "mia@mediation.test";
const MEDIATOR_PASSWORD: &str = "a fair hearing";

/// A browser: keeps cookies, does not follow redirects (so tests see them).
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// A client that sends only the cookies a test gives it.
fn bare() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

async fn sign_in(
    client: &Client,
    app: &TestApp,
    console: &str,
    email: &str,
    password: &str,
    from: &str,
) -> Response {
    client
        .post(app.url(&format!("/{console}/login")))
        .header("x-forwarded-for", from)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// The session token a sign-in set.
fn session_token(res: &Response, cookie: &str) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{cookie}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {cookie} cookie set"))
        .to_string()
}

/// The status of a staff page opened with exactly this session token.
async fn with_token(app: &TestApp, path: &str, cookie: &str, token: &str) -> StatusCode {
    bare()
        .get(app.url(path))
        .header("cookie", format!("{cookie}={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

fn retry_after(res: &Response) -> i64 {
    res.headers()
        .get(RETRY_AFTER)
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn mediator(app: &TestApp) {
    reso::app::mediators::create(
        &app.state,
        MEDIATOR_EMAIL,
        "Mia Mediator",
        MEDIATOR_PASSWORD,
    )
    .await
    .expect("mediator");
}

#[tokio::test]
async fn staff_sign_in_is_limited_per_account_and_a_success_resets_it() {
    let app = TestApp::spawn().await;
    let client = browser();
    // Ten wrong passwords, each from another address: the account counts them all.
    for i in 0..10 {
        let res = sign_in(
            &client,
            &app,
            "admin",
            &app.staff_email,
            "wrong",
            &format!("10.0.0.{i}"),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    // The eleventh is refused before the password is looked at, even the right one.
    let res = sign_in(
        &client,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.0.1.1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&res), 15 * 60);
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many failed sign-ins. Wait 15 minutes"));
    // Another account is not affected.
    reso::app::merchants::create_staff(
        &app.state,
        app.merchant.id,
        "agent@acme.test",
        "Al",
        "agent",
        "agent password",
    )
    .await
    .unwrap();
    let res = sign_in(
        &client,
        &app,
        "admin",
        "agent@acme.test",
        "agent password",
        "10.0.1.1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Once the oldest failure is 15 minutes old, the right password works again …
    app.clock.advance_ms(15 * MINUTE);
    let res = sign_in(
        &client,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.0.1.1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // … and the success cleared the account's failures: nine more are nine, not nineteen.
    for i in 0..9 {
        let res = sign_in(
            &client,
            &app,
            "admin",
            &app.staff_email,
            "wrong",
            &format!("10.0.2.{i}"),
        )
        .await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {i} after the reset"
        );
    }
    let res = sign_in(
        &client,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.0.1.1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_sign_in_is_limited_per_client_address() {
    let app = TestApp::spawn().await;
    let client = browser();
    // One address guessing many accounts (none of which exist).
    for i in 0..30 {
        let res = sign_in(
            &client,
            &app,
            "admin",
            &format!("guess{i}@acme.test"),
            "password1",
            "192.0.2.66",
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let res = sign_in(
        &client,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "192.0.2.66",
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) > 0);
    // Another address signs in: the account itself had no failures.
    let res = sign_in(
        &client,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "192.0.2.7",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn mediator_sign_in_is_limited_on_the_api_and_the_console_alike() {
    let app = TestApp::spawn().await;
    mediator(&app).await;
    let api_login = |password: &'static str| {
        app.http
            .post(app.url("/api/v1/mediation/login"))
            .header("x-forwarded-for", "203.0.113.5")
            .json(&json!({ "email": MEDIATOR_EMAIL, "password": password }))
            .send()
    };
    for i in 0..10 {
        assert_eq!(
            api_login("wrong").await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "attempt {i}"
        );
    }
    let res = api_login(MEDIATOR_PASSWORD).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&res), 15 * 60);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["status"], 429);
    // The console's door counts the same account.
    let res = sign_in(
        &browser(),
        &app,
        "mediator",
        MEDIATOR_EMAIL,
        MEDIATOR_PASSWORD,
        "198.51.100.1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // A staff account of the same address is another door.
    let res = sign_in(
        &browser(),
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "203.0.113.5",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn magic_link_requests_are_limited_per_client_address() {
    let app = TestApp::spawn().await;
    let ask = |number: String, from: &'static str| {
        app.http
            .post(app.url("/s/acme/returns"))
            .header("x-forwarded-for", from)
            .form(&[
                ("order_number", number.as_str()),
                ("email", "ada@example.com"),
            ])
            .send()
    };
    // Guessing order numbers: each is unknown, each is counted.
    for i in 0..20 {
        let res = ask(format!("G-{i}"), "198.51.100.23").await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "request {i}");
    }
    let res = ask("G-20".into(), "198.51.100.23").await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&res), 3600);
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // Another address is not limited; an hour later neither is this one.
    assert_eq!(
        ask("G-21".into(), "198.51.100.24").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    app.clock.advance_ms(60 * MINUTE);
    assert_eq!(
        ask("G-22".into(), "198.51.100.23").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_sign_in_starts_a_new_session_and_ends_the_one_presented() {
    let app = TestApp::spawn().await;
    let first = sign_in(
        &bare(),
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.1.1.1",
    )
    .await;
    let old = session_token(&first, "reso_session");
    assert_eq!(
        with_token(&app, "/admin/returns", "reso_session", &old).await,
        StatusCode::OK
    );

    // Signing in again with the old cookie: a new token, and the old one is dead.
    let again = bare()
        .post(app.url("/admin/login"))
        .header("cookie", format!("reso_session={old}"))
        .form(&[
            ("email", app.staff_email.as_str()),
            ("password", app.staff_password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let new = session_token(&again, "reso_session");
    assert_ne!(new, old);
    assert_eq!(
        with_token(&app, "/admin/returns", "reso_session", &old).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        with_token(&app, "/admin/returns", "reso_session", &new).await,
        StatusCode::OK
    );

    // The same for mediators.
    mediator(&app).await;
    let first = sign_in(
        &bare(),
        &app,
        "mediator",
        MEDIATOR_EMAIL,
        MEDIATOR_PASSWORD,
        "10.1.1.2",
    )
    .await;
    let old = session_token(&first, "reso_mediator");
    let again = bare()
        .post(app.url("/mediator/login"))
        .header("cookie", format!("reso_mediator={old}"))
        .form(&[("email", MEDIATOR_EMAIL), ("password", MEDIATOR_PASSWORD)])
        .send()
        .await
        .unwrap();
    let new = session_token(&again, "reso_mediator");
    assert_ne!(new, old);
    assert_eq!(
        with_token(&app, "/mediator", "reso_mediator", &old).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        with_token(&app, "/mediator", "reso_mediator", &new).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let res = sign_in(
        &bare(),
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.1.2.1",
    )
    .await;
    let token = session_token(&res, "reso_session");
    let page = bare()
        .get(app.url("/admin/returns"))
        .header("cookie", format!("reso_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = input_value(&page, "csrf");
    let out = bare()
        .post(app.url("/admin/logout"))
        .header("cookie", format!("reso_session={token}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    // A copy of the cookie kept by an attacker opens nothing any more.
    assert_eq!(
        with_token(&app, "/admin/returns", "reso_session", &token).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sessions_end_after_an_idle_hour_and_after_twelve_hours_in_all() {
    let app = TestApp::spawn().await;
    mediator(&app).await;
    for (console, cookie, home, email, password) in [
        (
            "admin",
            "reso_session",
            "/admin/returns",
            app.staff_email.as_str(),
            app.staff_password.as_str(),
        ),
        (
            "mediator",
            "reso_mediator",
            "/mediator",
            MEDIATOR_EMAIL,
            MEDIATOR_PASSWORD,
        ),
    ] {
        // Used every 50 minutes, a session lives until its twelfth hour …
        let res = sign_in(&bare(), &app, console, email, password, "10.1.3.1").await;
        let token = session_token(&res, cookie);
        let signed_in_at = app.state.now();
        while app.state.now() + 50 * MINUTE < signed_in_at + 12 * 60 * MINUTE {
            app.clock.advance_ms(50 * MINUTE);
            assert_eq!(
                with_token(&app, home, cookie, &token).await,
                StatusCode::OK,
                "{console}"
            );
        }
        // … and not beyond, however busy.
        app.clock
            .advance_ms(signed_in_at + 12 * 60 * MINUTE - app.state.now());
        assert_eq!(
            with_token(&app, home, cookie, &token).await,
            StatusCode::SEE_OTHER,
            "{console}"
        );

        // Left alone for an hour, a session ends.
        let res = sign_in(&bare(), &app, console, email, password, "10.1.3.1").await;
        let token = session_token(&res, cookie);
        app.clock.advance_ms(59 * MINUTE);
        assert_eq!(
            with_token(&app, home, cookie, &token).await,
            StatusCode::OK,
            "{console}"
        );
        app.clock.advance_ms(60 * MINUTE + 1);
        assert_eq!(
            with_token(&app, home, cookie, &token).await,
            StatusCode::SEE_OTHER,
            "{console}"
        );
    }
}

#[tokio::test]
async fn a_change_of_role_ends_the_users_sessions() {
    let app = TestApp::spawn().await;
    let res = sign_in(
        &bare(),
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.1.4.1",
    )
    .await;
    let token = session_token(&res, "reso_session");
    assert_eq!(
        with_token(&app, "/admin/settings", "reso_session", &token).await,
        StatusCode::OK
    );
    reso::app::auth::change_role(&app.state, app.merchant.id, &app.staff_email, "agent")
        .await
        .unwrap();
    assert_eq!(
        with_token(&app, "/admin/settings", "reso_session", &token).await,
        StatusCode::SEE_OTHER
    );
    // Signed in again, the new session carries the new role.
    let res = sign_in(
        &bare(),
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.1.4.1",
    )
    .await;
    let token = session_token(&res, "reso_session");
    assert_eq!(
        with_token(&app, "/admin/settings", "reso_session", &token).await,
        StatusCode::FORBIDDEN
    );
    // Another shop's user cannot be changed through this shop.
    assert!(reso::app::auth::change_role(
        &app.state,
        app.merchant.id + 1,
        &app.staff_email,
        "admin"
    )
    .await
    .is_err());
}

#[tokio::test]
async fn a_login_form_posted_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let post = |header: (&'static str, String)| {
        bare()
            .post(app.url("/admin/login"))
            .header(header.0, header.1)
            .form(&[
                ("email", app.staff_email.as_str()),
                ("password", app.staff_password.as_str()),
            ])
            .send()
    };
    let status = |r: reqwest::Result<Response>| r.unwrap().status();
    assert_eq!(
        status(post(("origin", "https://evil.example".into())).await),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(post(("sec-fetch-site", "cross-site".into())).await),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(post(("origin", app.base.clone())).await),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        status(post(("sec-fetch-site", "same-origin".into())).await),
        StatusCode::SEE_OTHER
    );
}

/// Everything a page may show: an order with a return (with a photo) and
/// an escalated claim (with a document), each with a message and attachment.
struct Scene {
    order: Order,
    return_id: i64,
    photo_id: i64,
    claim_id: i64,
    document_id: i64,
    return_attachment: i64,
    claim_attachment: i64,
    buyer: String,
    /// The buyer's page of another order, without a claim yet.
    unclaimed: String,
}

async fn scene(app: &TestApp) -> Scene {
    let order = protected_order(app, "5001").await;
    let merchant = reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap();
    let ret = reso::app::returns::request(
        &app.state,
        &merchant,
        order.id,
        ReturnRequest {
            lines: vec![RequestedLine {
                order_line_id: order.lines[0].id,
                quantity: 1,
                reason: ReturnReason::Damaged,
            }],
            comment: "Dented".into(),
            refund_method: None,
            photos: vec![Photo {
                bytes: b"\x89PNG\r\n\x1a\n-a-dent".to_vec(),
            }],
        },
        &Actor::Buyer("ada@example.test".into()),
    )
    .await
    .expect("return");
    let claim = reso::app::claims::open(
        &app.state,
        &merchant,
        order.id,
        ClaimKind::OtherProblem,
        "The shop stopped answering.",
        vec![Upload {
            filename: "receipt.pdf".into(),
            bytes: PDF.to_vec(),
        }],
        "ada@example.test",
    )
    .await
    .expect("claim");
    let buyer = Author::Buyer("ada@example.test".into());
    let mut attachments = vec![];
    for subject in [Subject::Return(ret.id), Subject::Claim(claim.id)] {
        let message = reso::app::messages::post(
            &app.state,
            &merchant,
            subject,
            &buyer,
            "See the attachment.",
            vec![Upload {
                filename: "note.pdf".into(),
                bytes: PDF.to_vec(),
            }],
        )
        .await
        .expect("message");
        attachments.push(message.attachments[0].id);
    }
    let unclaimed = protected_order(app, "5002").await;
    Scene {
        unclaimed: buyer_link(app, unclaimed.id),
        return_id: ret.id,
        photo_id: ret.photo_ids[0],
        claim_id: claim.id,
        document_id: documents(app, claim.id).await[0].id,
        return_attachment: attachments[0],
        claim_attachment: attachments[1],
        buyer: buyer_link(app, order.id),
        order,
    }
}

/// Security headers every answer carries.
fn assert_common_headers(path: &str, h: &HeaderMap) {
    assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(h["x-frame-options"], "DENY", "{path}");
    assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{path}");
    assert!(
        h["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=()"),
        "{path}"
    );
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe"), "{path}: {csp}");
}

/// Checks a page's headers and body: nothing inline the policy would block,
/// and (for pages behind a session) a CSRF field in every POST form.
async fn check_page(client: &Client, app: &TestApp, path: &str, needs_csrf: bool) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    assert!(
        res.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{path}"
    );
    assert_common_headers(path, res.headers());
    let html = res.text().await.unwrap();
    for inline in [
        "<script",
        "<style",
        " style=",
        " onload=",
        " onclick=",
        " onsubmit=",
        "javascript:",
    ] {
        assert!(!html.contains(inline), "{path} has {inline}");
    }
    if needs_csrf {
        let mut forms = 0;
        for form in html.split("<form").skip(1) {
            let form = form.split("</form>").next().unwrap();
            if form.split('>').next().unwrap().contains("method=\"post\"") {
                forms += 1;
                assert!(
                    form.contains("name=\"csrf\""),
                    "{path}: a POST form without CSRF token: <form{form}"
                );
            }
        }
        assert!(forms > 0, "{path} has its sign-out form at least");
    }
    html
}

#[tokio::test]
async fn every_page_carries_the_security_headers_and_every_staff_form_a_csrf_token() {
    let app = TestApp::spawn().await;
    mediator(&app).await;
    let s = scene(&app).await;
    let anyone = browser();
    for path in ["/admin/login", "/mediator/login"] {
        check_page(&anyone, &app, path, false).await;
    }
    let buyer_pages = [
        "/s/acme/help".to_string(),
        "/s/acme/returns".to_string(),
        s.buyer.clone(),
        format!("{}/r/{}", s.buyer, s.return_id),
        format!("{}/r/{}/messages", s.buyer, s.return_id),
        format!("{}/claims/new?kind=not_received", s.unclaimed),
        format!("{}/claims/{}", s.buyer, s.claim_id),
        format!("{}/claims/{}/messages", s.buyer, s.claim_id),
    ];
    // Buyer pages have no session: the signed link in the address is the
    // credential, which another site cannot know, so their forms need no token.
    for path in &buyer_pages {
        check_page(&anyone, &app, path, false).await;
    }

    let staff = browser();
    let res = sign_in(
        &staff,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.2.0.1",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let staff_pages = [
        "/admin/returns".to_string(),
        format!("/admin/returns/{}", s.return_id),
        format!("/admin/returns/{}/messages", s.return_id),
        format!("/admin/orders/{}", s.order.id),
        "/admin/claims".to_string(),
        format!("/admin/claims/{}", s.claim_id),
        format!("/admin/claims/{}/messages", s.claim_id),
        "/admin/messages".to_string(),
        "/admin/settings".to_string(),
        "/admin/settings/protection".to_string(),
    ];
    for path in &staff_pages {
        check_page(&staff, &app, path, true).await;
    }

    let mediator = browser();
    let res = sign_in(
        &mediator,
        &app,
        "mediator",
        MEDIATOR_EMAIL,
        MEDIATOR_PASSWORD,
        "10.2.0.2",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for path in [
        "/mediator".to_string(),
        format!("/mediator/claims/{}", s.claim_id),
    ] {
        check_page(&mediator, &app, &path, true).await;
    }

    // Error pages and the API carry them too.
    let res = anyone
        .get(app.url("/s/acme/o/not-a-link"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    assert_common_headers("an error page", res.headers());
    let res = app.api_get("/api/v1/orders/5001").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_common_headers("the API", res.headers());
}

#[tokio::test]
async fn downloads_are_attachments_in_a_sandbox() {
    let app = TestApp::spawn().await;
    mediator(&app).await;
    let s = scene(&app).await;
    let staff = browser();
    sign_in(
        &staff,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.3.0.1",
    )
    .await;
    let mediator = browser();
    sign_in(
        &mediator,
        &app,
        "mediator",
        MEDIATOR_EMAIL,
        MEDIATOR_PASSWORD,
        "10.3.0.2",
    )
    .await;
    let downloads = [
        (
            &staff,
            format!("/admin/claims/{}/documents/{}", s.claim_id, s.document_id),
            true,
        ),
        (
            &staff,
            format!(
                "/admin/returns/{}/messages/attachments/{}",
                s.return_id, s.return_attachment
            ),
            true,
        ),
        (
            &staff,
            format!(
                "/admin/claims/{}/messages/attachments/{}",
                s.claim_id, s.claim_attachment
            ),
            true,
        ),
        (
            &staff,
            format!("/admin/orders/{}/evidence.zip", s.order.id),
            true,
        ),
        // Photos are shown in the return page's <img>: inline, but sandboxed all the same.
        (
            &staff,
            format!("/admin/returns/{}/photos/{}", s.return_id, s.photo_id),
            false,
        ),
        (
            &mediator,
            format!(
                "/mediator/claims/{}/documents/{}",
                s.claim_id, s.document_id
            ),
            true,
        ),
        (
            &mediator,
            format!(
                "/mediator/claims/{}/messages/attachments/{}",
                s.claim_id, s.claim_attachment
            ),
            true,
        ),
        (
            &anyone_with_link(),
            format!(
                "{}/r/{}/messages/attachments/{}",
                s.buyer, s.return_id, s.return_attachment
            ),
            true,
        ),
        (
            &anyone_with_link(),
            format!(
                "{}/claims/{}/messages/attachments/{}",
                s.buyer, s.claim_id, s.claim_attachment
            ),
            true,
        ),
    ];
    for (client, path, attachment) in downloads {
        let res = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{path}: {csp}"
        );
        let disposition = h["content-disposition"].to_str().unwrap();
        assert_eq!(
            disposition.starts_with("attachment"),
            attachment,
            "{path}: {disposition}"
        );
    }
}

fn anyone_with_link() -> Client {
    browser()
}

/// A multipart claim form from the buyer with one document.
async fn claim_with(
    app: &TestApp,
    buyer: &str,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> Response {
    let form = Form::new().text("text", "The parcel never came.").part(
        "documents",
        Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str(mime)
            .unwrap(),
    );
    browser()
        .post(app.url(&format!("{buyer}/claims/new?kind=not_received&lang=en")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A PNG header declaring `w` × `h` pixels (and nothing else: no pixel data).
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

#[tokio::test]
async fn hostile_uploads_are_refused_or_defused() {
    let app = TestApp::spawn().await;
    let order = protected_order(&app, "6001").await;
    let buyer = buyer_link(&app, order.id);
    // A web page claiming to be a PDF, and a decompression bomb claiming to be a photo.
    let res = claim_with(
        &app,
        &buyer,
        "receipt.pdf",
        "application/pdf",
        b"<html><script>alert(1)</script>".to_vec(),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a file lying about its type"
    );
    let res = claim_with(
        &app,
        &buyer,
        "photo.png",
        "image/png",
        png_declaring(100_000, 100_000),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a decompression bomb"
    );

    // A hostile file name: stored cleaned, offered under a harmless name.
    let res = claim_with(
        &app,
        &buyer,
        "../../etc/\"x\";evil\\.pdf",
        "application/pdf",
        PDF.to_vec(),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a real PDF with a bad name is taken"
    );
    let claim_path = res.headers()["location"].to_str().unwrap().to_string();
    let claim_id: i64 = claim_path
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let docs = documents(&app, claim_id).await;
    let stored = &docs[0].filename;
    assert!(!stored.contains(['/', '\\', '"']), "stored as {stored}");
    let staff = browser();
    sign_in(
        &staff,
        &app,
        "admin",
        &app.staff_email,
        &app.staff_password,
        "10.4.0.1",
    )
    .await;
    let res = staff
        .get(app.url(&format!(
            "/admin/claims/{claim_id}/documents/{}",
            docs[0].id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_TYPE], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    let plain = disposition
        .split("filename=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a quoted file name");
    assert!(!plain.contains(['/', '\\', ';']), "{disposition}");
    assert!(!disposition.contains(['\r', '\n']), "{disposition}");
}

async fn protected_order(app: &TestApp, number: &str) -> Order {
    let eur = Currency::parse("EUR").unwrap();
    let input = NewOrder {
        number: number.into(),
        buyer_email: Email::parse("ada@example.test").unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: eur,
        placed_at: Timestamp(START - 5 * DAY),
        lines: vec![NewLine {
            sku: "TENT-2P".into(),
            title: "Two-person tent".into(),
            quantity: 1,
            unit_price_minor: 18_900,
            returnable: true,
        }],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_{number}"),
            captured_minor: 18_900,
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

/// The buyer's order page, from a signed magic link.
fn buyer_link(app: &TestApp, order_id: i64) -> String {
    let token = reso::app::auth::sign_buyer_link(
        &app.state,
        &reso::app::auth::BuyerAccess {
            merchant_id: app.merchant.id,
            order_id,
            email: "ada@example.test".into(),
        },
        app.state.now() + reso::app::auth::MAGIC_LINK_MS,
    );
    format!("/s/acme/o/{token}")
}

async fn documents(app: &TestApp, claim_id: i64) -> Vec<reso::store::claims::DocumentInfo> {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    reso::store::claims::documents(&mut conn, claim_id)
        .await
        .unwrap()
}

fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}
