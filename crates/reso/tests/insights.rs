//! The insights dashboard on a fixed data set, on SQLite (and on PostgreSQL
//! when RESO_TEST_POSTGRES_URL is set): orders, returns, refunds and claims
//! made through the API and the use cases at known instants of the test
//! clock, and every figure of `GET /api/v1/insights` (and of the page)
//! checked against the arithmetic written beside it. Another merchant's data
//! is in the same database and never counted; bad queries are 400s.

mod support;

use reqwest::redirect::Policy;
use reqwest::StatusCode;
use reso::app::claims::{Answer, Party};
use reso::app::Actor;
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::claim::{ClaimKind, Reaction, RefundDecision};
use reso_domain::Currency;
use serde_json::{json, Value};
use support::{iso, TestApp, DAY, START};

const HOUR: i64 = 3_600_000;

/// A claim kind, its total and its non-zero outcome counts.
type KindCounts = (String, i64, Vec<(String, i64)>);

/// An order placed at `placed_at`, delivered an hour before START, paid in
/// full by card; `lines` are (sku, quantity, unit price).
fn order(
    number: &str,
    currency: &str,
    placed_at: i64,
    lines: &[(&str, i64, i64)],
    protected: bool,
) -> Value {
    let total: i64 = lines.iter().map(|(_, q, p)| q * p).sum();
    json!({
        "number": number,
        "buyer": { "email": format!("buyer{number}@example.com"), "name": "Ada Lovelace", "locale": "en" },
        "currency": currency,
        "placed_at": iso(placed_at),
        "protected": protected,
        "lines": lines.iter().map(|(sku, q, p)| json!({ "sku": sku, "title": format!("Item {sku}"), "quantity": q, "unit_price_minor": p })).collect::<Vec<_>>(),
        "payments": [{ "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": total }],
        "shipments": [{ "carrier": "DHL", "tracking_number": format!("JD{number}"), "shipped_at": iso(placed_at + HOUR), "delivered_at": iso(START - HOUR) }]
    })
}

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let body = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

/// Requests a return of `lines` (sku, quantity, reason); its id.
async fn request_return(
    app: &TestApp,
    key: &str,
    number: &str,
    lines: &[(&str, i64, &str)],
) -> i64 {
    let body = json!({ "lines": lines.iter().map(|(sku, q, reason)| json!({ "sku": sku, "quantity": q, "reason": reason })).collect::<Vec<_>>() });
    let res = app
        .http
        .post(app.url(&format!("/api/v1/orders/{number}/returns")))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, r) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    r["id"].as_i64().unwrap()
}

/// Receives, inspects (everything accepted) and refunds a return as store
/// credit, which succeeds at once: now is the refund's instant.
async fn refund_return(app: &TestApp, id: i64) -> i64 {
    let (s, r) = json_of(
        app.api_post(&format!("/api/v1/returns/{id}/receive"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let lines: Vec<Value> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({ "order_line_id": l["order_line_id"], "accepted_quantity": l["quantity"], "condition": "as new" }))
        .collect();
    let (s, r) = json_of(
        app.api_post(
            &format!("/api/v1/returns/{id}/inspect"),
            &json!({ "lines": lines }),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = json_of(
        app.api_post(
            &format!("/api/v1/returns/{id}/refund"),
            &json!({ "method": "store_credit" }),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["items"][0]["status"], "succeeded", "{r}");
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount_minor"].as_i64().unwrap())
        .sum()
}

async fn order_id(app: &TestApp, number: &str) -> i64 {
    let (_, o) = json_of(app.api_get(&format!("/api/v1/orders/{number}")).await).await;
    o["id"].as_i64().unwrap()
}

async fn open_claim(app: &TestApp, number: &str, kind: ClaimKind) -> i64 {
    let c = reso::app::claims::open(
        &app.state,
        &app.merchant,
        order_id(app, number).await,
        kind,
        "Nothing arrived and nobody answers my mails.",
        vec![],
        &format!("buyer{number}@example.com"),
    )
    .await
    .expect("claim opened");
    c.id
}

fn no_refund() -> Answer {
    Answer {
        decision: RefundDecision::No,
        amount_minor: 0,
        message: "The parcel was delivered; see the tracking.".into(),
        return_id: None,
        uploads: vec![],
    }
}

fn staff(app: &TestApp) -> Actor {
    Actor::Staff {
        id: 1,
        email: app.staff_email.clone(),
    }
}

/// Another shop in the same database, with sales and returns of the same
/// SKU in the same period: none of it may reach ACME's figures.
async fn other_merchant(app: &TestApp) {
    let other = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "globex".into(),
            name: "Globex".into(),
            support: SupportContact {
                email: "help@globex.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Globex Returns, 1 Main St".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .unwrap();
    let key = reso::app::auth::create_api_key(&app.state, other.id, "tests")
        .await
        .unwrap();
    let res = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&key)
        .json(&order("G1", "EUR", START - DAY, &[("A", 100, 100)], false))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    request_return(app, &key, "G1", &[("A", 50, "damaged")]).await;
}

/// The fixed data set; the clock ends at START + 6 days (2026-03-08 10:00 UTC).
async fn fixture(app: &TestApp) {
    let t0 = START; // 2026-03-02 10:00 UTC
                    // Placed in March: sold units A 3+2, B 1, C 4, D 1 (in USD), E 5 (one per claim order).
    app.create_order(&order(
        "O1",
        "EUR",
        t0 - DAY,
        &[("A", 3, 1_000), ("B", 1, 5_000)],
        false,
    ))
    .await;
    app.create_order(&order(
        "O2",
        "EUR",
        t0 - DAY + HOUR,
        &[("A", 2, 1_000), ("C", 4, 500)],
        false,
    ))
    .await;
    app.create_order(&order("O4", "USD", t0 - DAY, &[("D", 1, 3_000)], false))
        .await;
    for n in 1..=5 {
        app.create_order(&order(
            &format!("P{n}"),
            "EUR",
            t0 - DAY,
            &[("E", 1, 2_000)],
            true,
        ))
        .await;
    }
    // Placed in February: its 5 units are not sold in the period, its return is.
    app.create_order(&order(
        "O3",
        "EUR",
        START - 10 * DAY,
        &[("A", 5, 1_000)],
        false,
    ))
    .await;
    other_merchant(app).await;

    let key = app.api_key.clone();
    // t0: R1 and R4 requested; four claims opened (answer due t0 + 5 d).
    let r1 = request_return(
        app,
        &key,
        "O1",
        &[("A", 2, "damaged"), ("B", 1, "too_small")],
    )
    .await;
    let r4 = request_return(app, &key, "O4", &[("D", 1, "changed_mind")]).await;
    let cl1 = open_claim(app, "P1", ClaimKind::NotReceived).await;
    let cl2 = open_claim(app, "P2", ClaimKind::NotReceived).await;
    let cl3 = open_claim(app, "P3", ClaimKind::OtherProblem).await;
    let cl4 = open_claim(app, "P4", ClaimKind::RefundNotReceived).await;

    app.clock.advance_ms(HOUR); // t0 + 1 h
    let r2 = request_return(
        app,
        &key,
        "O2",
        &[("A", 1, "defective"), ("C", 2, "too_large")],
    )
    .await;

    app.clock.advance_ms(HOUR); // t0 + 2 h
    let r3 = request_return(app, &key, "O3", &[("A", 4, "damaged")]).await;
    request_return(app, &key, "O1", &[("A", 1, "other")]).await; // R5, never refunded
    assert_eq!(refund_return(app, r1).await, 2 * 1_000 + 5_000); // waited 2 h

    app.clock.advance_ms(3 * HOUR); // t0 + 5 h
    assert_eq!(refund_return(app, r4).await, 3_000); // USD, waited 5 h

    app.clock.advance_ms(19 * HOUR); // t0 + 1 d
    let m = &app.merchant;
    reso::app::claims::answer(&app.state, m, cl1, no_refund(), &staff(app))
        .await
        .unwrap();
    reso::app::claims::react(
        &app.state,
        m,
        cl1,
        Reaction::Conclude,
        "",
        "buyerP1@example.com",
    )
    .await
    .unwrap();
    reso::app::claims::answer(&app.state, m, cl4, no_refund(), &staff(app))
        .await
        .unwrap();
    reso::app::claims::react(
        &app.state,
        m,
        cl4,
        Reaction::Disagree,
        "I want my money",
        "buyerP4@example.com",
    )
    .await
    .unwrap();
    let mediator = Party::Mediator {
        id: 1,
        email: "mia@mediators.test".into(),
    };
    reso::app::claims::decide(&app.state, cl3, 0, false, "Nothing is owed.", &mediator)
        .await
        .unwrap();

    app.clock.advance_ms(HOUR); // t0 + 1 d 1 h
    assert_eq!(refund_return(app, r2).await, 1_000 + 2 * 500); // waited 1 d

    app.clock.advance_ms(2 * DAY + HOUR); // t0 + 3 d 2 h
    assert_eq!(refund_return(app, r3).await, 4 * 1_000); // waited 3 d
    let goodwill =
        json!({ "amount_minor": 500, "method": "manual", "reason": "scratch on the box" });
    let (s, r) = json_of(app.api_post("/api/v1/orders/O2/refunds", &goodwill).await).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");

    app.clock.advance_ms(2 * DAY + 22 * HOUR); // t0 + 6 d: CL2's answer deadline (t0 + 5 d) has passed
    app.run_pending_jobs().await;
    // Too late now: the domain refuses an answer after the deadline, so it stays missed.
    assert!(
        reso::app::claims::answer(&app.state, m, cl2, no_refund(), &staff(app))
            .await
            .is_err()
    );
    open_claim(app, "P5", ClaimKind::NotReceived).await; // answer due t0 + 11 d: pending
}

async fn insights(app: &TestApp, query: &str) -> Value {
    let (status, body) = json_of(app.api_get(&format!("/api/v1/insights{query}")).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn every_figure_matches_the_hand_computed_one() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let i = insights(&app, "?from=2026-03-01&to=2026-03-31&currency=EUR").await;
    assert_eq!(
        (i["from"].as_str(), i["to"].as_str(), i["currency"].as_str()),
        (Some("2026-03-01"), Some("2026-03-31"), Some("EUR"))
    );
    // R1..R5 (Globex's return is not ACME's).
    assert_eq!(i["returns"], 5);
    // Sold in March: A 5, B 1, C 4, D 1, E 5 = 16 (O3 was placed in February).
    assert_eq!(i["sold_units"], 16);
    // Returned: R1 A2 + B1, R2 A1 + C2, R3 A4, R4 D1, R5 A1 = 12.
    assert_eq!(i["returned_units"], 12);
    // 12 / 16 = 75.00 %.
    assert_eq!(i["return_rate_bp"], 7_500);

    // Most returned first; B and D tie at 1 and go by name; E sold 5, none back.
    // A 8/5 = 160 %, C 2/4 = 50 %, B 1/1 = 100 %, D 1/1 = 100 %, E 0/5 = 0 %.
    let skus: Vec<(String, i64, i64, i64)> = i["skus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["sku"].as_str().unwrap().to_string(),
                s["sold_units"].as_i64().unwrap(),
                s["returned_units"].as_i64().unwrap(),
                s["return_rate_bp"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("A", 5, 8, 16_000),
        ("C", 4, 2, 5_000),
        ("B", 1, 1, 10_000),
        ("D", 1, 1, 10_000),
        ("E", 5, 0, 0),
    ];
    assert_eq!(skus, expected.map(|(s, a, b, c)| (s.to_string(), a, b, c)));
    assert_eq!(i["other_skus"], 0);

    // By reason, of 12 returned and 16 sold units:
    // damaged 2 + 4 = 6 → 50.00 % of returns, 37.50 % per unit sold;
    // too_large 2 → 16.67 %, 12.50 %; defective, too_small, changed_mind, other 1 each → 8.33 %, 6.25 %.
    let reasons: Vec<(String, i64, i64, i64)> = i["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reason"].as_str().unwrap().to_string(),
                r["returned_units"].as_i64().unwrap(),
                r["share_bp"].as_i64().unwrap(),
                r["return_rate_bp"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("damaged", 6, 5_000, 3_750),
        ("defective", 1, 833, 625),
        ("wrong_item", 0, 0, 0),
        ("not_as_described", 0, 0, 0),
        ("too_small", 1, 833, 625),
        ("too_large", 2, 1_667, 1_250),
        ("changed_mind", 1, 833, 625),
        ("arrived_late", 0, 0, 0),
        ("other", 1, 833, 625),
    ];
    assert_eq!(
        reasons,
        expected.map(|(r, a, b, c)| (r.to_string(), a, b, c))
    );

    // EUR refunds: R1 70.00 + R2 20.00 + R3 40.00 + goodwill 5.00 = 4 refunds, 135.00.
    assert_eq!(
        (i["refunds_paid"].as_i64(), i["refunded_minor"].as_i64()),
        (Some(4), Some(13_500))
    );
    // Waits of the three refunded EUR returns: 2 h, 1 d, 3 d. Nearest rank:
    // median = rank ⌈0.5 × 3⌉ = 2 → 1 d = 86 400 s; p90 = rank ⌈0.9 × 3⌉ = 3 → 3 d = 259 200 s.
    let w = &i["refund_wait"];
    assert_eq!(
        (
            w["returns_measured"].as_i64(),
            w["median_seconds"].as_i64(),
            w["p90_seconds"].as_i64()
        ),
        (Some(3), Some(86_400), Some(259_200))
    );

    // Claims: not_received CL1 concluded, CL2 open (escalated), CL5 open;
    // refund_not_received CL4 open (escalated); other_problem CL3 decided.
    let c = &i["claims"];
    assert_eq!(c["total"], 5);
    let kinds: Vec<KindCounts> = c["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let nonzero = k["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["count"].as_i64() != Some(0))
                .map(|o| {
                    (
                        o["outcome"].as_str().unwrap().to_string(),
                        o["count"].as_i64().unwrap(),
                    )
                })
                .collect();
            (
                k["kind"].as_str().unwrap().to_string(),
                k["total"].as_i64().unwrap(),
                nonzero,
            )
        })
        .collect();
    let s = |v: &str| v.to_string();
    assert_eq!(
        kinds,
        vec![
            (
                s("not_received"),
                3,
                vec![(s("open"), 2), (s("concluded"), 1)]
            ),
            (s("refund_not_received"), 1, vec![(s("open"), 1)]),
            (s("other_problem"), 1, vec![(s("decided"), 1)]),
            (s("chargeback"), 0, vec![]),
            (s("provider_claim"), 0, vec![]),
        ]
    );
    // Escalated: CL3 (another problem), CL2 (silent), CL4 (buyer disagrees).
    let escalations: Vec<(String, i64)> = c["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["escalation"].as_str().unwrap().to_string(),
                e["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        escalations,
        vec![
            (s("other_problem"), 1),
            (s("merchant_silent"), 1),
            (s("buyer_disagrees"), 1)
        ]
    );
    assert_eq!(c["escalated"], 3);
    // Answers owed: CL1 and CL4 answered at t0 + 1 d < due t0 + 5 d (in time),
    // CL2 missed, CL5 due t0 + 11 d (pending); 2 / (2 + 0 + 1) = 66.67 %.
    let a = &c["answers"];
    assert_eq!(
        (
            a["in_time"].as_i64(),
            a["late"].as_i64(),
            a["missed"].as_i64(),
            a["pending"].as_i64(),
            a["in_time_bp"].as_i64()
        ),
        (Some(2), Some(0), Some(1), Some(1), Some(6_667))
    );

    // In USD: R4 only, 30.00 after 5 h; counts of units and claims are the same.
    let usd = insights(&app, "?from=2026-03-01&to=2026-03-31&currency=usd").await;
    assert_eq!(
        (
            usd["currency"].as_str(),
            usd["refunds_paid"].as_i64(),
            usd["refunded_minor"].as_i64()
        ),
        (Some("USD"), Some(1), Some(3_000))
    );
    assert_eq!(usd["refund_wait"]["median_seconds"], 5 * 3_600);
    assert_eq!(usd["sold_units"], 16);

    // Without parameters: the 30 days up to today (2026-03-08) in the most
    // used currency (EUR: 8 of the 9 orders placed then).
    let default = insights(&app, "").await;
    assert_eq!(
        (
            default["from"].as_str(),
            default["to"].as_str(),
            default["currency"].as_str()
        ),
        (Some("2026-02-07"), Some("2026-03-08"), Some("EUR"))
    );
    // O3 (2026-02-20) is in this period: 16 + 5 sold.
    assert_eq!(default["sold_units"], 21);

    // February alone: O3's 5 units sold, nothing returned or refunded then.
    let feb = insights(&app, "?from=2026-02-01&to=2026-02-28").await;
    assert_eq!(
        (
            feb["sold_units"].as_i64(),
            feb["returned_units"].as_i64(),
            feb["refunds_paid"].as_i64(),
            feb["claims"]["total"].as_i64()
        ),
        (Some(5), Some(0), Some(0), Some(0))
    );

    the_page_shows_the_same_figures(&app).await;
}

/// The control center's page: the same figures in its tables, a chart each.
async fn the_page_shows_the_same_figures(app: &TestApp) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", app.staff_email.as_str()),
            ("password", app.staff_password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = client
        .get(app.url("/admin/insights?from=2026-03-01&to=2026-03-31&currency=EUR"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for figure in [
        "data-figure=\"returns\">5<",
        "data-figure=\"sold-units\">16<",
        "data-figure=\"returned-units\">12<",
        "data-figure=\"return-rate\">75.00 %<",
        "data-figure=\"refunds-paid\">4<",
        "data-figure=\"refunded\">135.00 EUR<",
        "data-figure=\"median-wait\">1 d 0 h<",
        "data-figure=\"p90-wait\">3 d 0 h<",
        "data-figure=\"answered-in-time\">66.67 %<",
        "data-figure=\"escalated\">3<",
        "<td>A</td><td class=\"num\">5</td><td class=\"num\">8</td><td class=\"num\">160.00 %</td>",
        "<td>Damaged</td><td class=\"num\">6</td><td class=\"num\">50.00 %</td><td class=\"num\">37.50 %</td>",
    ] {
        assert!(html.contains(figure), "page lacks {figure}");
    }
    assert_eq!(html.matches("<svg ").count(), 4, "four charts");
    assert_eq!(html.matches("role=\"img\"").count(), 4);
    assert!(!html.contains("style="), "the CSP allows no inline styles");
    let bad = client
        .get(app.url("/admin/insights?from=2026-04-01&to=2026-03-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Agents, not only admins, may look.
    reso::app::merchants::create_staff(
        &app.state,
        app.merchant.id,
        "agent@acme.test",
        "Ann Agent",
        "agent",
        "agent horse battery",
    )
    .await
    .unwrap();
    let agent = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = agent
        .post(app.url("/admin/login"))
        .form(&[
            ("email", "agent@acme.test"),
            ("password", "agent horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = agent
        .get(app.url("/admin/insights?from=2026-03-01&to=2026-03-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("data-figure=\"returns\">5<"));
}

#[tokio::test]
async fn bad_queries_are_problems() {
    let app = TestApp::spawn().await;
    for (query, detail) in [
        (
            "?from=2026-3-01&to=2026-03-31",
            "from: '2026-3-01' is not a date",
        ),
        (
            "?from=2026-03-01&to=2026-02-30",
            "to: '2026-02-30' is not a date",
        ),
        ("?from=yesterday", "from: 'yesterday'"),
        ("?from=2026-03-02&to=2026-03-01", "is after to"),
        ("?from=2024-01-01&to=2026-01-01", "732 days; at most 731"),
        ("?currency=EURO", "currency"),
        ("?currency=E1R", "currency"),
    ] {
        let res = app.api_get(&format!("/api/v1/insights{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
        let body: Value = res.json().await.unwrap();
        assert!(
            body["detail"].as_str().unwrap().contains(detail),
            "{query}: {body}"
        );
    }
    let res = app
        .http
        .get(app.url("/api/v1/insights"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
