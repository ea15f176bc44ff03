//! What-if for the decision matrix, on SQLite (and on PostgreSQL when
//! RESO_TEST_POSTGRES_URL is set): a fixed history of return requests made
//! through the API with the test clock, a draft replayed on it through the
//! API and the control center, every figure worked out by hand below, and
//! nothing changed by it.
//!
//! The live rules are the starter matrix: 500.00 or more asks for photos
//! (staff review when photos came along), up to 200.00 from a buyer with at
//! most 3 returns in the year goes through at once, the rest is reviewed.
//! The draft: damaged goods up to 60.00 are refunded without return; up to
//! 300.00, within 10 days of delivery, from a buyer with at most 1 prior
//! return goes through at once; 400.00 or more asks for photos.
//!
//! | # | buyer | goods  | reason           | delivered | prior | live          | draft                 | afterwards               |
//! |---|-------|--------|------------------|-----------|-------|---------------|-----------------------|--------------------------|
//! | 1 | ada   |  24.50 | damaged          | 3 days    | 0     | authorize     | refund without return | inspected, 0 accepted    |
//! | 2 | ada   | 189.00 | too small        | 5 days    | 1     | authorize     | authorize             | refunded 189.00          |
//! | 3 | bob   | 238.00 | changed mind     | 20 days   | 0     | review        | review                | rejected                 |
//! | 4 | cy    | 550.00 | defective+photos | 2 days    | 0     | review        | review (photos sent)  |                          |
//! | 5 | dee   | 450.00 | not as described | 4 days    | 0     | review        | ask for photos        | claim (draft stricter)   |
//! | 6 | eve   | 250.00 | wrong item       | 6 days    | 0     | review        | authorize             | claim (draft sooner)     |
//! | 7 | ada   |  24.50 | too small        | 2 days    | 2     | authorize     | review                |                          |

mod support;

use reqwest::{Client, StatusCode};
use reso::app::auth::{sign_buyer_link, BuyerAccess};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso_domain::returns::RequestedLine;
use reso_domain::ReturnReason;
use serde_json::{json, Value};
use support::{iso, TestApp, DAY, START};

/// The smallest valid PNG: a 1×1 transparent pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn draft() -> Value {
    json!({ "rules": [
        { "name": "Small damaged goods", "when": { "max_amount_minor": 6_000, "reasons": ["damaged"] },
          "then": "refund_without_return" },
        { "name": "Recent, regular buyers", "when": { "max_amount_minor": 30_000, "max_days_since_delivery": 10,
          "max_prior_returns": 1 }, "then": "auto_authorize" },
        { "name": "Expensive needs photos", "when": { "min_amount_minor": 40_000 }, "then": "request_photos" }
    ]})
}

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let body = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// A protected order of one line, paid and delivered `delivered_days` ago.
async fn order(
    app: &TestApp,
    number: &str,
    email: &str,
    sku: &str,
    price: i64,
    delivered_days: i64,
) -> Value {
    let now = app.state.now();
    app.create_order(&json!({
        "number": number,
        "buyer": { "email": email, "name": "Buyer", "locale": "en" },
        "currency": "EUR",
        "placed_at": iso(now - (delivered_days + 3) * DAY),
        "lines": [{ "sku": sku, "title": sku, "quantity": 1, "unit_price_minor": price }],
        "payments": [{ "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": price }],
        "shipments": [{ "carrier": "DHL", "tracking_number": format!("JD{number}"),
            "shipped_at": iso(now - (delivered_days + 1) * DAY), "delivered_at": iso(now - delivered_days * DAY) }],
        "protected": true
    }))
    .await
}

/// A return of the order's one line through the API; checks the live decision.
async fn request(app: &TestApp, number: &str, sku: &str, reason: &str, live: &str) -> i64 {
    let (status, r) = json_of(
        app.api_post(
            &format!("/api/v1/orders/{number}/returns"),
            &json!({ "lines": [{ "sku": sku, "quantity": 1, "reason": reason }] }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["decision"], live, "{r}");
    r["id"].as_i64().unwrap()
}

async fn post_ok(app: &TestApp, path: &str, body: Value) -> Value {
    let (status, v) = json_of(app.api_post(path, &body).await).await;
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

/// The buyer of `order` opens a claim with the link's token.
async fn claim(app: &TestApp, order: &Value) -> i64 {
    let access = BuyerAccess {
        merchant_id: app.merchant.id,
        order_id: order["id"].as_i64().unwrap(),
        email: order["buyer"]["email"].as_str().unwrap().to_string(),
    };
    let token = sign_buyer_link(&app.state, &access, app.state.now() + DAY);
    let res = app
        .http
        .post(app.url("/api/v1/buyer/claims"))
        .bearer_auth(token)
        .json(&json!({ "kind": "refund_not_received", "text": "Still waiting for my money." }))
        .send()
        .await
        .unwrap();
    let (status, c) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_i64().unwrap()
}

struct History {
    returns: [i64; 7],
    avoidable_claim: i64,
}

async fn history(app: &TestApp) -> History {
    order(app, "1001", "ada@buyer.test", "MUG", 2_450, 3).await;
    let r1 = request(app, "1001", "MUG", "damaged", "auto_authorize").await;
    let line = |r: &Value| r["lines"][0]["order_line_id"].as_i64().unwrap();
    let received = post_ok(app, &format!("/api/v1/returns/{r1}/receive"), json!({})).await;
    // Staff found nothing wrong with the "damaged" mug: refused at inspection.
    post_ok(
        app,
        &format!("/api/v1/returns/{r1}/inspect"),
        json!({ "lines": [{ "order_line_id": line(&received), "accepted_quantity": 0, "condition": "as new, used" }] }),
    )
    .await;
    app.clock.advance_days(1);

    order(app, "1002", "ada@buyer.test", "TENT", 18_900, 5).await;
    let r2 = request(app, "1002", "TENT", "too_small", "auto_authorize").await;
    let received = post_ok(app, &format!("/api/v1/returns/{r2}/receive"), json!({})).await;
    post_ok(
        app,
        &format!("/api/v1/returns/{r2}/inspect"),
        json!({ "lines": [{ "order_line_id": line(&received), "accepted_quantity": 1 }] }),
    )
    .await;
    post_ok(
        app,
        &format!("/api/v1/returns/{r2}/refund"),
        json!({ "method": "store_credit" }),
    )
    .await;
    app.clock.advance_days(1);

    order(app, "1003", "bob@buyer.test", "KIT", 23_800, 20).await;
    let r3 = request(app, "1003", "KIT", "changed_mind", "manual_review").await;
    post_ok(
        app,
        &format!("/api/v1/returns/{r3}/reject"),
        json!({ "reason": "Used." }),
    )
    .await;
    app.clock.advance_days(1);

    // Photos come with the request only through the buyer's form: the use case directly.
    let boots = order(app, "1004", "cy@buyer.test", "BOOTS", 55_000, 2).await;
    let r4 = reso::app::returns::request(
        &app.state,
        &app.merchant,
        boots["id"].as_i64().unwrap(),
        ReturnRequest {
            lines: vec![RequestedLine {
                order_line_id: boots["lines"][0]["id"].as_i64().unwrap(),
                quantity: 1,
                reason: ReturnReason::Defective,
            }],
            comment: String::new(),
            refund_method: None,
            photos: vec![Photo {
                bytes: PNG.to_vec(),
            }],
        },
        &Actor::Buyer("cy@buyer.test".into()),
    )
    .await
    .expect("return with photos");
    assert_eq!(r4.decision, "manual_review");
    app.clock.advance_days(1);

    let jacket = order(app, "1005", "dee@buyer.test", "JACKET", 45_000, 4).await;
    let r5 = request(app, "1005", "JACKET", "not_as_described", "manual_review").await;
    claim(app, &jacket).await;
    app.clock.advance_days(1);

    let stove = order(app, "1006", "eve@buyer.test", "STOVE", 25_000, 6).await;
    let r6 = request(app, "1006", "STOVE", "wrong_item", "manual_review").await;
    let avoidable_claim = claim(app, &stove).await;
    app.clock.advance_days(1);

    order(app, "1007", "ada@buyer.test", "MUG", 2_450, 2).await;
    let r7 = request(app, "1007", "MUG", "too_small", "auto_authorize").await;
    app.clock.advance_ms(3_600_000);
    History {
        returns: [r1, r2, r3, r4.id, r5, r6, r7],
        avoidable_claim,
    }
}

/// What a what-if must leave exactly as it was.
async fn state_of(app: &TestApp) -> (Value, Value, i64) {
    let (_, merchant) = json_of(app.api_get("/api/v1/merchant").await).await;
    let (_, returns) = json_of(app.api_get("/api/v1/returns").await).await;
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    (merchant, returns, events)
}

fn figures(rows: &Value) -> Vec<(String, i64, i64)> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["decision"].as_str().unwrap().to_string(),
                r["count"].as_i64().unwrap(),
                r["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn f(decision: &str, count: i64, amount: i64) -> (String, i64, i64) {
    (decision.to_string(), count, amount)
}

async fn what_if(app: &TestApp, body: Value) -> (StatusCode, Value) {
    json_of(app.api_post("/api/v1/decision-matrix/what-if", &body).await).await
}

#[tokio::test]
async fn the_draft_is_replayed_on_the_history_with_every_figure() {
    let app = TestApp::spawn().await;
    let h = history(&app).await;
    let before = state_of(&app).await;

    let (status, w) = what_if(&app, json!({ "decision_matrix": draft() })).await;
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["replayed"], 7);
    assert_eq!(w["limit"], 10_000);
    assert_eq!(w["limit_reached"], false);
    // The default period: the 90 days up to now.
    let now = app.state.now();
    assert_eq!(w["to"], iso(now));
    assert_eq!(w["from"], iso(now - 90 * DAY));
    let summaries = w["summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 1);
    let s = &summaries[0];
    assert_eq!(s["currency"], "EUR");
    assert_eq!(s["returns"], 7);
    // Live: authorized 1, 2, 7 (24.50 + 189.00 + 24.50); reviewed 3, 4, 5, 6
    // (238.00 + 550.00 + 450.00 + 250.00).
    assert_eq!(
        figures(&s["live"]),
        vec![
            f("auto_authorize", 3, 23_800),
            f("refund_without_return", 0, 0),
            f("request_photos", 0, 0),
            f("manual_review", 4, 148_800),
        ]
    );
    // Draft: authorized 2, 6 (189.00 + 250.00); refunded without return 1;
    // photos asked for 5; reviewed 3, 4, 7 (238.00 + 550.00 + 24.50).
    assert_eq!(
        figures(&s["draft"]),
        vec![
            f("auto_authorize", 2, 43_900),
            f("refund_without_return", 1, 2_450),
            f("request_photos", 1, 45_000),
            f("manual_review", 3, 81_250),
        ]
    );
    assert_eq!(s["refunded_minor"], 18_900);
    // Changed: 1, 5, 6, 7 (24.50 + 450.00 + 250.00 + 24.50).
    assert_eq!(s["changed"], 4);
    assert_eq!(s["changed_amount_minor"], 74_900);
    // Return 1 would have been refunded unseen; staff refused its 24.50.
    assert_eq!(s["at_risk_minor"], 2_450);
    assert_eq!(s["at_risk_returns"], 1);

    let changed: Vec<(i64, &str, &str, i64, i64)> = w["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["return_id"].as_i64().unwrap(),
                c["live"].as_str().unwrap(),
                c["draft"].as_str().unwrap(),
                c["amount_minor"].as_i64().unwrap(),
                c["refused_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    let r = h.returns;
    assert_eq!(
        changed,
        vec![
            (r[6], "auto_authorize", "manual_review", 2_450, 0),
            (r[5], "manual_review", "auto_authorize", 25_000, 0),
            (r[4], "manual_review", "request_photos", 45_000, 0),
            (
                r[0],
                "auto_authorize",
                "refund_without_return",
                2_450,
                2_450
            ),
        ]
    );
    assert_eq!(w["changed"][0]["draft_rule"], Value::Null);
    assert_eq!(w["changed"][1]["draft_rule"], "Recent, regular buyers");
    assert_eq!(w["changed"][1]["order_number"], "1006");
    assert_eq!(w["changed"][3]["status"], "closed");

    // Only the claim on order 1006 is on a return the draft lets through
    // sooner; the one on 1005 is on a return it would have held longer.
    let claims = w["claims_maybe_avoided"].as_array().unwrap();
    assert_eq!(claims.len(), 1, "{claims:?}");
    assert_eq!(claims[0]["claim_id"], h.avoidable_claim);
    assert_eq!(claims[0]["order_number"], "1006");
    assert_eq!(claims[0]["amount_minor"], 25_000);
    assert_eq!(claims[0]["return_id"], r[5]);
    assert_eq!(claims[0]["live"], "manual_review");
    assert_eq!(claims[0]["draft"], "auto_authorize");

    // A shorter period: only requests 5, 6 and 7 (asked for on days 4 to 6).
    let (status, w) = what_if(
        &app,
        json!({ "decision_matrix": draft(), "from": iso(START + 4 * DAY - 1), "to": iso(now) }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["replayed"], 3);
    assert_eq!(w["summaries"][0]["changed_amount_minor"], 72_450);
    assert_eq!(w["claims_maybe_avoided"].as_array().unwrap().len(), 1);

    // The live rules replayed on themselves change nothing.
    let (_, merchant) = json_of(app.api_get("/api/v1/merchant").await).await;
    let (status, w) = what_if(
        &app,
        json!({ "decision_matrix": merchant["decision_matrix"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{w}");
    assert_eq!(w["summaries"][0]["changed"], 0);
    assert_eq!(w["summaries"][0]["live"], w["summaries"][0]["draft"]);

    assert_eq!(
        state_of(&app).await,
        before,
        "the what-if changed something"
    );
}

async fn assert_bad_request(app: &TestApp, body: Value, detail: &str) {
    let res = app.api_post("/api/v1/decision-matrix/what-if", &body).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let p: Value = res.json().await.unwrap();
    let got = p["detail"].as_str().unwrap_or_default().to_string();
    assert!(got.contains(detail), "'{got}' should mention '{detail}'");
}

#[tokio::test]
async fn a_bad_draft_or_period_is_a_400_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let before = state_of(&app).await;
    let mut unnamed = draft();
    unnamed["rules"][0]["name"] = json!(" ");
    assert_bad_request(&app, json!({ "decision_matrix": unnamed }), "rule 1").await;
    let mut empty_range = draft();
    empty_range["rules"][2]["when"]["max_amount_minor"] = json!(100);
    assert_bad_request(&app, json!({ "decision_matrix": empty_range }), "rule 3").await;
    let mut unknown = draft();
    unknown["rules"][0]["then"] = json!("shrug");
    assert_bad_request(&app, json!({ "decision_matrix": unknown }), "shrug").await;
    assert_bad_request(
        &app,
        json!({ "decision_matrix": draft(), "from": "last spring" }),
        "from",
    )
    .await;
    assert_bad_request(
        &app,
        json!({ "decision_matrix": draft(), "from": iso(START), "to": iso(START - DAY) }),
        "period",
    )
    .await;
    assert_bad_request(&app, json!({ "rules": [] }), "decision_matrix").await;
    assert_eq!(state_of(&app).await, before);
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn login(app: &TestApp) -> (Client, String) {
    let client = browser();
    let res = client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", &app.staff_email),
            ("password", &app.staff_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = client
        .get(app.url("/admin/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("formaction=\"/admin/settings/decision-matrix/what-if\""),
        "the settings page offers the what-if"
    );
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).expect("csrf") + marker.len();
    let csrf = html[at..].split('"').next().unwrap().to_string();
    (client, csrf)
}

/// The settings form as the page posts it, with the draft's rules typed in
/// major units.
fn settings_form(csrf: &str, max_amount_first: &str) -> Vec<(String, String)> {
    let pairs: Vec<(&str, &str)> = vec![
        ("csrf", csrf),
        ("name", "ACME Outdoor"),
        ("support_email", "help@acme.test"),
        ("support_url", "https://acme.test/help"),
        ("return_address", "ACME Returns"),
        ("default_locale", "en"),
        ("window_days", "30"),
        ("restocking", "none"),
        ("shipping_paid_by", "merchant"),
        ("refund_method", "original_payment"),
        ("rule_index", "0"),
        ("rule_position", "1"),
        ("rule_name", "Small damaged goods"),
        ("rule_min_amount", ""),
        ("rule_max_amount", max_amount_first),
        ("rule_max_days", ""),
        ("rule_max_prior", ""),
        ("rule_outcome", "refund_without_return"),
        ("rule_reasons", "0:damaged"),
        ("rule_index", "1"),
        ("rule_position", "2"),
        ("rule_name", "Recent, regular buyers"),
        ("rule_min_amount", ""),
        ("rule_max_amount", "300"),
        ("rule_max_days", "10"),
        ("rule_max_prior", "1"),
        ("rule_outcome", "auto_authorize"),
        ("rule_index", "2"),
        ("rule_position", "3"),
        ("rule_name", "Expensive needs photos"),
        ("rule_min_amount", "400"),
        ("rule_max_amount", ""),
        ("rule_max_days", ""),
        ("rule_max_prior", ""),
        ("rule_outcome", "request_photos"),
    ];
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The markup from the element with this id to the first `end` tag after it.
fn element<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the page"));
    let rest = &html[start..];
    &rest[..rest.find(end).expect("the element's end")]
}

/// The hidden fields of the page's form, as a browser would send them.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let form = html
        .split("<form method=\"post\" action=\"/admin/settings/decision-matrix/what-if\"")
        .nth(1)
        .expect("the page's form");
    let form = form.split("</form>").next().unwrap();
    let mut out = Vec::new();
    for piece in form.split("<input type=\"hidden\" name=\"").skip(1) {
        let name = piece.split('"').next().unwrap();
        let value = piece
            .split("value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        out.push((
            name.to_string(),
            value.replace("&#38;", "&").replace("&amp;", "&"),
        ));
    }
    out
}

#[tokio::test]
async fn the_page_shows_the_figures_and_saves_the_draft_only_when_asked() {
    let app = TestApp::spawn().await;
    let h = history(&app).await;
    let (client, csrf) = login(&app).await;
    let before = state_of(&app).await;

    let res = client
        .post(app.url("/admin/settings/decision-matrix/what-if"))
        .form(&settings_form(&csrf, "60"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<strong>7</strong> most recent return requests"),
        "{html}"
    );
    assert!(html.contains("At most 10,000 requests are replayed"));
    let row = element(&html, "row-EUR-auto_authorize", "</tr>");
    assert!(row.contains("<td class=\"num\">3</td><td class=\"num\">238.00 EUR</td><td class=\"num\">2</td><td class=\"num\">439.00 EUR</td>"), "{row}");
    let row = element(&html, "row-EUR-refund_without_return", "</tr>");
    assert!(row.contains("<td class=\"num\">0</td><td class=\"num\">0.00 EUR</td><td class=\"num\">1</td><td class=\"num\">24.50 EUR</td>"), "{row}");
    let row = element(&html, "row-EUR-request_photos", "</tr>");
    assert!(row.contains("<td class=\"num\">0</td><td class=\"num\">0.00 EUR</td><td class=\"num\">1</td><td class=\"num\">450.00 EUR</td>"), "{row}");
    let row = element(&html, "row-EUR-manual_review", "</tr>");
    assert!(row.contains("<td class=\"num\">4</td><td class=\"num\">1488.00 EUR</td><td class=\"num\">3</td><td class=\"num\">812.50 EUR</td>"), "{row}");
    assert!(element(&html, "changed-EUR", "</dd>").contains("4 requests, goods 749.00 EUR"));
    assert!(element(&html, "refunded-EUR", "</dd>").contains("189.00 EUR"));
    assert!(element(&html, "risk-EUR", "</dd>").ends_with("24.50 EUR over 1 request"));
    assert!(element(&html, "changed-count", "</span>").contains(">4"));
    let r6 = element(&html, &format!("changed-{}", h.returns[5]), "</tr>");
    assert!(
        r6.contains("1006") && r6.contains("250.00 EUR") && r6.contains("Recent, regular buyers"),
        "{r6}"
    );
    assert!(element(&html, "claims-count", "</span>").contains(">1"));
    let c = element(&html, &format!("claim-{}", h.avoidable_claim), "</tr>");
    assert!(c.contains("1006") && c.contains("250.00 EUR"), "{c}");
    assert_eq!(state_of(&app).await, before, "the page saved something");

    // A bad draft: the settings form again with the error, nothing saved.
    let res = client
        .post(app.url("/admin/settings/decision-matrix/what-if"))
        .form(&settings_form(&csrf, "sixty"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"settings-error\""), "{page}");
    assert!(
        page.contains("Rule 1, maximum amount: enter an amount"),
        "{page}"
    );
    assert!(
        page.contains("value=\"sixty\""),
        "the form comes back as typed"
    );
    assert_eq!(state_of(&app).await, before);

    // Another period from the result page's own form, carrying the draft on.
    let mut again = hidden_fields(&html);
    again.push(("what_if_from".into(), "2026-03-06".into()));
    again.push(("what_if_to".into(), "2026-03-08".into()));
    let res = client
        .post(app.url("/admin/settings/decision-matrix/what-if"))
        .form(&again)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let later = res.text().await.unwrap();
    assert!(
        later.contains("<strong>3</strong> most recent return requests"),
        "{later}"
    );
    assert!(later.contains("from 2026-03-06 to 2026-03-08"));
    assert_eq!(state_of(&app).await, before);

    // "Save these rules as the live rules" posts the carried form to the settings save.
    let res = client
        .post(app.url("/admin/settings"))
        .form(&hidden_fields(&later))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, merchant) = json_of(app.api_get("/api/v1/merchant").await).await;
    assert_eq!(merchant["decision_matrix"], draft());
}

/// 12,000 past requests written in bulk: the replay takes the 10,000 most
/// recent, says the period held more, and stays quick (the time is printed).
#[tokio::test]
async fn at_most_ten_thousand_requests_are_replayed() {
    use std::time::Instant;
    let app = TestApp::spawn().await;
    let m = app.merchant.id;
    let day_ago = START - DAY;
    let mut tx = app.state.db.begin().await.unwrap();
    let numbers =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) ";
    for sql in [
        format!("{numbers}INSERT INTO orders (merchant_id, number, buyer_email, buyer_name, locale, currency, placed_at, created_at, updated_at) \
                 SELECT $1, 'B' || CAST(i AS TEXT), 'buyer' || CAST(i % 3000 AS TEXT) || '@bulk.test', 'B', 'en', 'EUR', $2, $2, $2 FROM n"),
        "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor) \
         SELECT id, 'SKU', 'Thing', 1, 1000 + (id % 50) * 500 FROM orders WHERE merchant_id = $1 AND placed_at = $2".into(),
        "INSERT INTO shipments (order_id, carrier, tracking_number, delivered_at) \
         SELECT id, 'DHL', 'T' || number, $2 - (id % 20) * 86400000 FROM orders WHERE merchant_id = $1 AND placed_at = $2".into(),
        "INSERT INTO returns (merchant_id, order_id, status, decision, refund_method, created_at, updated_at) \
         SELECT $1, id, 'requested', 'manual_review', 'original_payment', $2 + id * 1000, $2 FROM orders WHERE merchant_id = $1 AND placed_at = $2".into(),
        "INSERT INTO return_lines (return_id, order_line_id, quantity, reason) \
         SELECT r.id, l.id, 1, 'damaged' FROM returns r JOIN order_lines l ON l.order_id = r.order_id WHERE r.merchant_id = $1 AND r.updated_at = $2".into(),
        "INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) \
         SELECT $1, order_id, id, 'return.requested', 'system', '{\"photos\": 0}', created_at FROM returns WHERE merchant_id = $1 AND updated_at = $2".into(),
    ] {
        sqlx::query(&sql).bind(m).bind(day_ago).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    app.clock.advance_days(30);

    let draft: reso_domain::DecisionMatrix = serde_json::from_value(draft()).unwrap();
    let period = reso::app::what_if::Period::resolve(None, None, app.state.now()).unwrap();
    let started = Instant::now();
    let r = reso::app::what_if::replay(&app.state, &app.merchant, draft, period)
        .await
        .unwrap();
    let took = started.elapsed();
    println!("what-if over 10,000 of 12,000 requests: {took:?}");
    assert_eq!(r.requests.len(), 10_000);
    assert!(r.limit_reached);
    // The most recent were kept: the 2,000 oldest orders' requests are out.
    assert!(r.requests.iter().all(|q| q.order_number != "B2000"));
    assert!(r.requests.iter().any(|q| q.order_number == "B2001"));
    assert_eq!(r.result.summaries[0].returns, 10_000);
}
