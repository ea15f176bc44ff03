//! Quality alerts end to end, on SQLite (and on PostgreSQL when
//! RESO_TEST_POSTGRES_URL is set): orders and return requests through the API,
//! the worker's sweep moved by the test clock, the staff mail through the SMTP
//! sink, the banner and the acknowledge button in the control center, the API
//! listing, and another merchant who never sees any of it.

mod support;

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use reso::app::quality_alerts::SWEEP_EVERY_MS;
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::Currency;
use serde_json::{json, Value};
use support::smtp::{ReceivedMail, SmtpSink};
use support::{iso, Options, TestApp, DAY};

const SKU: &str = "LAMP-9";
const SUPPORT: &str = "help@acme.test";

async fn app_with_sink() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(Options {
        smtp_port: Some(sink.port()),
    })
    .await;
    (app, sink)
}

/// An order of `units` lamps (and a mug, which never comes back), placed a
/// week ago and delivered yesterday by the test clock.
async fn lamp_order(app: &TestApp, number: &str, units: i64) {
    lamp_order_of(app, &app.api_key, number, units).await;
}

/// The same, for the shop whose API key is `key`.
async fn lamp_order_of(app: &TestApp, key: &str, number: &str, units: i64) {
    let now = app.state.now();
    let order = json!({
        "number": number,
        "buyer": { "email": format!("{}@buyer.test", number.to_lowercase()), "name": "Ada Lovelace", "locale": "en" },
        "currency": "EUR",
        "placed_at": iso(now - 8 * DAY),
        "lines": [
            { "sku": SKU, "title": "Brass desk lamp", "quantity": units, "unit_price_minor": 4_900 },
            { "sku": "MUG-TI", "title": "Titanium mug", "quantity": 1, "unit_price_minor": 2_450 }
        ],
        "payments": [
            { "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": units * 4_900 + 2_450 }
        ],
        "shipments": [
            { "carrier": "DHL", "tracking_number": format!("JD{number}"), "shipped_at": iso(now - 3 * DAY), "delivered_at": iso(now - DAY) }
        ]
    });
    let res = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(key)
        .json(&order)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
}

async fn lamp_return(app: &TestApp, number: &str, units: i64, reason: &str, comment: &str) {
    let res = app
        .api_post(
            &format!("/api/v1/orders/{number}/returns"),
            &json!({ "lines": [{ "sku": SKU, "quantity": units, "reason": reason }], "comment": comment }),
        )
        .await;
    let status = res.status();
    assert_eq!(status, StatusCode::CREATED, "{}", res.text().await.unwrap());
}

/// Moves the clock to the next sweep and runs the worker as it would.
async fn sweep(app: &TestApp) {
    app.clock.advance_ms(SWEEP_EVERY_MS);
    app.run_pending_jobs().await;
}

fn alert_mails(sink: &SmtpSink) -> Vec<ReceivedMail> {
    sink.messages()
        .into_iter()
        .filter(|m| m.recipients.iter().any(|r| r == SUPPORT))
        .filter(|m| m.subject().is_some_and(|s| s.contains(SKU)))
        .collect()
}

async fn alerts(app: &TestApp, key: &str) -> Vec<Value> {
    let res = app
        .http
        .get(app.url("/api/v1/quality-alerts"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn staff(app: &TestApp) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", &app.staff_email),
            ("password", &app.staff_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login failed");
    client
}

async fn page(client: &Client, app: &TestApp, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.text().await.unwrap()
}

fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("input") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The banner paragraph of a control-center page, if it shows one.
fn banner(html: &str) -> Option<String> {
    let start = html.find("id=\"quality-banner\"")?;
    let end = html[start..].find("</p>")? + start;
    Some(html[start..end].to_string())
}

async fn other_merchant_key(app: &TestApp) -> String {
    let other = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "beta-bikes".into(),
            name: "Betabikes".into(),
            support: SupportContact {
                email: "help@beta-bikes.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Via Appia 9, Roma".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .unwrap();
    reso::app::auth::create_api_key(&app.state, other.id, "beta")
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sku_crossing_the_threshold_alerts_once_until_it_re_arms() {
    let (app, sink) = app_with_sink().await;
    let client = staff(&app).await;
    let beta_key = other_merchant_key(&app).await;

    // 20 lamps sold, 5 back for quality reasons: 25 %, but too few sales.
    lamp_order(&app, "Q1", 10).await;
    lamp_order(&app, "Q2", 10).await;
    lamp_return(&app, "Q1", 3, "defective", "The switch broke after a day").await;
    lamp_return(&app, "Q2", 2, "damaged", "Glass shade arrived cracked").await;
    // Taste is not quality: never counted.
    lamp_return(&app, "Q2", 4, "changed_mind", "Prefer a floor lamp").await;
    sweep(&app).await;
    assert!(alerts(&app, &app.api_key).await.is_empty());
    assert!(alert_mails(&sink).is_empty());

    // 50 sold, 7 back for quality reasons: 14 %, at or above 10 % with 30 sold.
    for n in ["Q3", "Q4", "Q5"] {
        lamp_order(&app, n, 10).await;
    }
    lamp_return(
        &app,
        "Q4",
        2,
        "not_as_described",
        "Colour is much darker than the photo",
    )
    .await;
    sweep(&app).await;
    let listed = alerts(&app, &app.api_key).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let alert = &listed[0];
    assert_eq!(alert["sku"], SKU);
    assert_eq!(alert["title"], "Brass desk lamp");
    assert_eq!(alert["rate_bp"], 1_400);
    assert_eq!(alert["sold"], 50);
    assert_eq!(alert["returned"], 7);
    assert_eq!(
        alert["by_reason"],
        json!({"damaged": 2, "defective": 3, "not_as_described": 2})
    );
    assert_eq!(
        alert["comments"][0]["text"],
        "Colour is much darker than the photo"
    );
    assert_eq!(alert["comments"].as_array().unwrap().len(), 3);
    assert!(alert["acknowledged_at"].is_null());

    let mails = alert_mails(&sink);
    assert_eq!(mails.len(), 1, "one mail to the shop's contact");
    let subject = mails[0].subject().unwrap();
    assert!(subject.contains("14 %"), "{subject}");
    let text = mails[0].text();
    for expected in [
        "7 of 50 sold",
        "Colour is much darker than the photo",
        "The switch broke after a day",
        "/admin/quality-alerts#alert-",
    ] {
        assert!(text.contains(expected), "mail lacks '{expected}':\n{text}");
    }

    // The banner on any staff page names the SKU, the rate and a comment.
    let queue = page(&client, &app, "/admin/returns").await;
    let shown = banner(&queue).expect("banner on the queue");
    for expected in [
        SKU,
        "14 %",
        "7 of 50 sold",
        "Colour is much darker",
        "/admin/quality-alerts",
    ] {
        assert!(
            shown.contains(expected),
            "banner lacks '{expected}': {shown}"
        );
    }
    let alerts_page = page(&client, &app, "/admin/quality-alerts").await;
    for comment in [
        "The switch broke after a day",
        "Glass shade arrived cracked",
        "Colour is much darker than the photo",
    ] {
        assert!(
            alerts_page.contains(comment),
            "alert page lacks '{comment}'"
        );
    }
    assert!(!alerts_page.contains("Prefer a floor lamp"));

    // Another merchant sees nothing and cannot acknowledge it.
    assert!(alerts(&app, &beta_key).await.is_empty());
    let id = alert["id"].as_i64().unwrap();
    let res = app
        .http
        .post(app.url(&format!("/api/v1/quality-alerts/{id}/acknowledge")))
        .bearer_auth(&beta_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The rate stays above: the next sweeps mail nobody.
    sweep(&app).await;
    sweep(&app).await;
    assert_eq!(alert_mails(&sink).len(), 1);
    assert_eq!(alerts(&app, &app.api_key).await.len(), 1);

    // Acknowledged from the control center: the banner goes.
    let csrf = input_value(&alerts_page, "csrf");
    let res = client
        .post(app.url(&format!("/admin/quality-alerts/{id}/acknowledge")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(banner(&page(&client, &app, "/admin/returns").await).is_none());
    let listed = alerts(&app, &app.api_key).await;
    assert_eq!(listed[0]["acknowledged_by"], "staff:ops@acme.test");

    // 30 more sold: 7 of 80 is 8.75 %, below: the alert re-arms, no mail.
    for n in ["Q6", "Q7", "Q8"] {
        lamp_order(&app, n, 10).await;
    }
    sweep(&app).await;
    let listed = alerts(&app, &app.api_key).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0]["rearmed_at"].is_string(), "{:?}", listed[0]);
    assert_eq!(alert_mails(&sink).len(), 1);

    // 3 more defective: 10 of 80 is 12.5 %, a new alert and a new mail.
    lamp_return(&app, "Q6", 3, "defective", "Flickers constantly").await;
    sweep(&app).await;
    let listed = alerts(&app, &app.api_key).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["rate_bp"], 1_250);
    assert_eq!(listed[0]["comments"][0]["text"], "Flickers constantly");
    let mails = alert_mails(&sink);
    assert_eq!(mails.len(), 2);
    assert!(mails[1].subject().unwrap().contains("12.5 %"));
    let shown = banner(&page(&client, &app, "/admin/quality-alerts").await).expect("banner");
    assert!(
        shown.contains("12.5 %") && shown.contains("Flickers constantly"),
        "{shown}"
    );
    assert!(alerts(&app, &beta_key).await.is_empty());
}

#[tokio::test]
async fn the_sweep_runs_every_quarter_hour_by_the_clock() {
    let (app, sink) = app_with_sink().await;
    // The first pass sweeps at once: none ran before (or Reso was down).
    app.run_pending_jobs().await;
    lamp_order(&app, "S1", 30).await;
    lamp_return(&app, "S1", 3, "defective", "Dead on arrival").await;
    app.clock.advance_ms(SWEEP_EVERY_MS - 60_000);
    app.run_pending_jobs().await;
    assert_eq!(alerts(&app, &app.api_key).await.len(), 0, "not due yet");
    app.clock.advance_ms(60_000);
    app.run_pending_jobs().await;
    assert_eq!(alerts(&app, &app.api_key).await.len(), 1, "3 of 30 is 10 %");
    assert_eq!(alert_mails(&sink).len(), 1);
}

#[tokio::test]
async fn admins_set_the_threshold_and_bad_values_are_refused() {
    let app = TestApp::spawn().await;
    let client = staff(&app).await;
    let html = page(&client, &app, "/admin/quality-alerts").await;
    assert_eq!(input_value(&html, "threshold_percent"), "10");
    assert_eq!(input_value(&html, "min_units_sold"), "30");
    assert_eq!(input_value(&html, "window_days"), "90");
    let csrf = input_value(&html, "csrf");
    let post = |t: &'static str, m: &'static str, w: &'static str| {
        let client = client.clone();
        let url = app.url("/admin/quality-alerts/rule");
        let csrf = csrf.clone();
        async move {
            client
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("threshold_percent", t),
                    ("min_units_sold", m),
                    ("window_days", w),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for (t, m, w, says) in [
        ("0", "30", "90", "threshold"),
        ("101", "30", "90", "threshold"),
        ("ten", "30", "90", "percentage"),
        ("10", "0", "90", "units sold"),
        ("10", "30", "3", "window"),
    ] {
        let res = post(t, m, w).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{t} {m} {w}"
        );
        let body = res.text().await.unwrap();
        assert!(
            body.contains("rule-error") && body.contains(says),
            "{says}: {body}"
        );
    }
    let res = post("5,5", "10", "30").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = page(&client, &app, "/admin/quality-alerts?done=rule").await;
    assert_eq!(input_value(&html, "threshold_percent"), "5.5");
    assert_eq!(input_value(&html, "min_units_sold"), "10");
    assert_eq!(input_value(&html, "window_days"), "30");

    // 1 of 11 is 9.09 %: above the shop's own 5.5 % with 10 sold.
    lamp_order(&app, "R1", 11).await;
    lamp_return(&app, "R1", 1, "damaged", "").await;
    sweep(&app).await;
    let listed = alerts(&app, &app.api_key).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["threshold_bp"], 550);
    assert_eq!(listed[0]["rate_bp"], 909);
    let html = page(&client, &app, "/admin/quality-alerts").await;
    assert!(html.contains("No buyer left a comment."));
}

#[tokio::test]
async fn the_alert_mail_reads_in_every_language_with_no_missing_message() {
    let app = TestApp::spawn().await;
    let i18n = reso::i18n::Translations::load().expect("translations");
    let payload = |locale: &str| {
        json!({
            "template": "staff.notification", "kind": "quality.alert_raised", "locale": locale,
            "to": SUPPORT, "merchant_id": app.merchant.id, "event_id": 1,
            "data": {
                "alert_id": 9, "sku": SKU, "title": "Brass desk lamp", "rate_bp": 1400, "rate": "14 %",
                "threshold_bp": 1000, "threshold": "10 %", "sold": 50, "returned": 7, "window_days": 90,
                "by_reason": { "damaged": 2, "defective": 3, "not_as_described": 2 },
                "comments": [{ "return_id": 3, "at": 0, "reason": "defective", "text": "Switch  broke\nafter a day" }]
            }
        })
    };
    let english =
        reso::jobs::mail::render(&i18n, &app.merchant, &app.base, &payload("en")).unwrap();
    for locale in reso::i18n::LOCALES {
        let mail =
            reso::jobs::mail::render(&i18n, &app.merchant, &app.base, &payload(locale)).unwrap();
        for part in [&mail.subject, &mail.text, &mail.html] {
            assert!(
                !part.contains("mail-"),
                "{locale}: a message id leaked:\n{part}"
            );
            assert!(!part.contains("{ $"), "{locale}: {part}");
        }
        assert!(
            mail.subject.contains(SKU) && mail.subject.contains("14 %"),
            "{}",
            mail.subject
        );
        for expected in [
            "7",
            "50",
            "“Switch broke after a day”",
            "/admin/quality-alerts#alert-9",
        ] {
            assert!(
                mail.text.contains(expected),
                "{locale} lacks {expected}:\n{}",
                mail.text
            );
        }
        if *locale != "en" {
            assert_ne!(mail.subject, english.subject, "{locale}: not translated");
        }
    }
}

#[tokio::test]
async fn another_shop_selling_the_same_sku_changes_nothing() {
    let (app, sink) = app_with_sink().await;
    let beta_key = other_merchant_key(&app).await;
    app.run_pending_jobs().await;
    // ACME: 3 of 30 back defective (10 %). Betabikes sells 100 of the same
    // SKU: they must not dilute ACME's rate, nor alert Betabikes.
    lamp_order(&app, "A1", 30).await;
    lamp_return(&app, "A1", 3, "defective", "Hums loudly").await;
    lamp_order_of(&app, &beta_key, "B1", 100).await;
    sweep(&app).await;
    let listed = alerts(&app, &app.api_key).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["sold"], 30);
    assert_eq!(listed[0]["rate_bp"], 1_000);
    assert!(alerts(&app, &beta_key).await.is_empty());
    let mails = alert_mails(&sink);
    assert_eq!(mails.len(), 1);
    assert!(sink
        .messages()
        .iter()
        .all(|m| !m.recipients.iter().any(|r| r == "help@beta-bikes.test")));
}
