//! The buyer-protection terms in the control center: an admin saves them
//! through the form; bad input, a wrong CSRF token or an agent change nothing.

mod support;

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use reso_domain::claim::ProtectionTerms;
use support::TestApp;

const PATH: &str = "/admin/settings/protection";

/// A browser: keeps cookies, does not follow redirects (so tests see them).
async fn login_as(app: &TestApp, email: &str, password: &str) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    let res = client
        .post(app.url("/admin/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {email}");
    client
}

async fn login(app: &TestApp) -> Client {
    login_as(app, "ops@acme.test", "correct horse battery").await
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

async fn get(client: &Client, app: &TestApp, path: &str) -> Response {
    client.get(app.url(path)).send().await.unwrap()
}

async fn csrf_of(client: &Client, app: &TestApp) -> String {
    let res = get(client, app, PATH).await;
    assert_eq!(res.status(), StatusCode::OK);
    input_value(&res.text().await.unwrap(), "csrf")
}

async fn post(client: &Client, app: &TestApp, form: &[(&str, &str)]) -> Response {
    client.post(app.url(PATH)).form(form).send().await.unwrap()
}

async fn terms(app: &TestApp) -> ProtectionTerms {
    reso::app::merchants::by_id(&app.state, app.merchant.id)
        .await
        .unwrap()
        .protection
}

/// A complete valid form, with some fields changed or (value "-") left out.
fn form<'a>(csrf: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", csrf),
        ("protect_all_orders", "on"),
        ("protection_days", "45"),
        ("reminder_day", "40"),
        ("answer_days", "7"),
        ("reaction_days", "14"),
        ("documents_days", "3"),
        ("business_days", "on"),
        ("holidays", "2026-12-25\r\n\r\n 2026-12-26 \r\n"),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        if *value != "-" {
            fields.push((name, value));
        }
    }
    fields
}

#[tokio::test]
async fn an_admin_saves_the_terms_and_sees_them_again() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    let settings = get(&client, &app, "/admin/settings").await;
    assert!(settings
        .text()
        .await
        .unwrap()
        .contains("href=\"/admin/settings/protection\""));
    let csrf = csrf_of(&client, &app).await;

    let res = post(&client, &app, &form(&csrf, &[])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/admin/settings/protection?saved=1"
    );
    let t = terms(&app).await;
    assert!(t.protect_all_orders);
    assert_eq!(
        (
            t.protection_days,
            t.reminder_day,
            t.answer_days,
            t.reaction_days,
            t.documents_days
        ),
        (45, 40, 7, 14, 3)
    );
    assert!(t.calendar.business_days);
    assert_eq!(t.calendar.holidays, ["2026-12-25", "2026-12-26"]);

    let html = get(&client, &app, "/admin/settings/protection?saved=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Buyer-protection terms saved."));
    assert_eq!(input_value(&html, "protection_days"), "45");
    assert!(html.contains("2026-12-25\n2026-12-26</textarea>"));

    // Unticked checkboxes are not sent at all: they turn the options off.
    let res = post(
        &client,
        &app,
        &form(
            &csrf,
            &[("protect_all_orders", "-"), ("business_days", "-")],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let t = terms(&app).await;
    assert!(!t.protect_all_orders);
    assert!(!t.calendar.business_days);
}

#[tokio::test]
async fn invalid_terms_come_back_as_typed_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    let csrf = csrf_of(&client, &app).await;
    let before = terms(&app).await;
    let cases: [(&str, &str, &str); 6] = [
        (
            "answer_days",
            "five",
            "Answer days: &#39;five&#39; is not a whole number",
        ),
        (
            "reminder_day",
            "45",
            "The reminder day (45) must come before",
        ),
        (
            "reminder_day",
            "50",
            "The reminder day (50) must come before",
        ),
        ("documents_days", "0", "Documents days must be at least 1"),
        (
            "holidays",
            "2026-12-25\nChristmas",
            "line 2: &#39;Christmas&#39; is not a date",
        ),
        (
            "protection_days",
            "400",
            "Protection must last 1 to 365 days",
        ),
    ];
    for (field, value, message) in cases {
        let res = post(&client, &app, &form(&csrf, &[(field, value)])).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        let html = res.text().await.unwrap();
        assert!(html.contains(message), "{field}={value}: {html}");
        assert!(html.contains("Nothing was saved."));
        // What was typed is kept, the bad value and the good ones alike.
        if field == "holidays" {
            assert!(html.contains("2026-12-25\nChristmas</textarea>"));
        } else {
            assert_eq!(input_value(&html, field), value);
        }
        assert!(!input_value(&html, "answer_days").is_empty());
        assert!(html.contains("name=\"protect_all_orders\" value=\"on\" checked"));
        assert_eq!(
            terms(&app).await,
            before,
            "{field}={value} changed the terms"
        );
    }
}

#[tokio::test]
async fn a_wrong_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let client = login(&app).await;
    let before = terms(&app).await;
    let res = post(&client, &app, &form("not-the-token", &[])).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(&client, &app, &form("-", &[("csrf", "-")])).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(terms(&app).await, before);
}

#[tokio::test]
async fn agents_cannot_see_or_change_the_terms() {
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
    assert_eq!(
        get(&client, &app, PATH).await.status(),
        StatusCode::FORBIDDEN
    );
    // A real token from a page the agent may open.
    let queue = get(&client, &app, "/admin/returns")
        .await
        .text()
        .await
        .unwrap();
    let csrf = input_value(&queue, "csrf");
    let before = terms(&app).await;
    let res = post(&client, &app, &form(&csrf, &[])).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(terms(&app).await, before);
}
