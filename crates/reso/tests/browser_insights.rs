//! The insights dashboard in real headless Chromium on a phone: the charts
//! render as SVG with a bar per figure, fit the screen, and sit beside
//! tables showing the same numbers. Run with
//! `RESO_CHROMEDRIVER=/usr/bin/chromedriver cargo test -p reso --test browser_insights -- --ignored`.

mod support;

use fantoccini::{Client, Locator};
use reso_domain::claim::ClaimKind;
use serde_json::{json, Value};
use std::time::Duration;
use support::browser::{sign_in, Browser};
use support::{iso, TestApp, DAY, START};

const SHOTS: &str = "/tmp/reso-shots";

fn order(number: &str, lines: &[(&str, i64, i64)], protected: bool) -> Value {
    let total: i64 = lines.iter().map(|(_, q, p)| q * p).sum();
    json!({
        "number": number,
        "buyer": { "email": format!("buyer{number}@example.com"), "name": "Ada Lovelace", "locale": "en" },
        "currency": "EUR",
        "placed_at": iso(START - DAY),
        "protected": protected,
        "lines": lines.iter().map(|(sku, q, p)| json!({ "sku": sku, "title": format!("Item {sku}"), "quantity": q, "unit_price_minor": p })).collect::<Vec<_>>(),
        "payments": [{ "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": total }],
        "shipments": [{ "carrier": "DHL", "tracking_number": format!("JD{number}"), "shipped_at": iso(START - DAY / 2), "delivered_at": iso(START - DAY / 4) }]
    })
}

async fn request_return(app: &TestApp, number: &str, lines: &[(&str, i64, &str)]) {
    let body = json!({ "lines": lines.iter().map(|(sku, q, reason)| json!({ "sku": sku, "quantity": q, "reason": reason })).collect::<Vec<_>>() });
    let res = app
        .api_post(&format!("/api/v1/orders/{number}/returns"), &body)
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
}

/// Sold: A 3 + 2, B 1, C 4, E 1 = 11; returned: A 2, B 1, C 2 = 5 (45.45 %).
async fn fixture(app: &TestApp) {
    app.create_order(&order("O1", &[("A", 3, 1_000), ("B", 1, 5_000)], false))
        .await;
    app.create_order(&order("O2", &[("A", 2, 1_000), ("C", 4, 500)], false))
        .await;
    let p1 = app
        .create_order(&order("P1", &[("E", 1, 2_000)], true))
        .await;
    request_return(app, "O1", &[("A", 2, "damaged"), ("B", 1, "too_small")]).await;
    request_return(app, "O2", &[("C", 2, "too_large")]).await;
    reso::app::claims::open(
        &app.state,
        &app.merchant,
        p1["id"].as_i64().unwrap(),
        ClaimKind::NotReceived,
        "The parcel never came.",
        vec![],
        "buyerP1@example.com",
    )
    .await
    .expect("claim");
}

async fn sign_in_as_staff(c: &Client, app: &TestApp) {
    sign_in(
        c,
        &app.url("/admin/login"),
        &app.staff_email,
        &app.staff_password,
    )
    .await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//h1[contains(., 'Returns')]"))
        .await
        .expect("signed in");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn the_dashboard_charts_and_tables_show_the_data_on_a_phone() {
    let Some(browser) = Browser::start_phone().await else {
        panic!("set RESO_CHROMEDRIVER")
    };
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let c = browser.client();
    sign_in_as_staff(c, &app).await;

    // From the navigation, then a period chosen in the form.
    c.find(Locator::LinkText("Insights"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//h1[contains(., 'Insights')]"))
        .await
        .expect("the dashboard");
    c.goto(&app.url("/admin/insights?from=2026-03-01&to=2026-03-31&currency=EUR"))
        .await
        .unwrap();
    assert_eq!(text_of(c, "[data-figure=sold-units]").await, "11");
    assert_eq!(text_of(c, "[data-figure=returned-units]").await, "5");
    assert_eq!(text_of(c, "[data-figure=return-rate]").await, "45.45 %");

    // Four charts, each an image with a name that the browser laid out.
    let charts = c
        .execute(
            "return Array.from(document.querySelectorAll('svg[role=img]')).map(s => ({
               label: s.getAttribute('aria-label'),
               title: s.querySelector('title').textContent,
               width: s.getBoundingClientRect().width,
               bars: Array.from(s.querySelectorAll('rect[fill=\"#1F5FBF\"]')).map(r => r.getBBox().width),
             }));",
            vec![],
        )
        .await
        .unwrap();
    let charts = charts.as_array().unwrap();
    let labels: Vec<&str> = charts
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Return rate by SKU",
            "Units returned by reason",
            "Claims by kind",
            "Claims by outcome"
        ]
    );
    let inner_width = c
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    for chart in charts {
        assert_eq!(chart["title"], chart["label"]);
        let width = chart["width"].as_f64().unwrap();
        assert!(
            width > 200.0 && width <= inner_width,
            "{chart}: fits the phone ({inner_width} px)"
        );
    }
    // By SKU, most returned first: A 2/5 = 40 %, C 2/4 = 50 %, B 1/1 = 100 %, E 0/1.
    let widths: Vec<f64> = charts[0]["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_f64().unwrap())
        .collect();
    assert_eq!(widths.len(), 4, "{widths:?}");
    assert!(
        widths[2] > widths[1] && widths[1] > widths[0] && widths[0] > 0.0 && widths[3] == 0.0,
        "bar lengths follow the rates: {widths:?}"
    );
    assert!(
        (widths[2] / widths[0] - 2.5).abs() < 0.05,
        "100 % is 2.5 × 40 %: {widths:?}"
    );
    // A bar for every reason of the taxonomy; one claim, open.
    assert_eq!(charts[1]["bars"].as_array().unwrap().len(), 9);
    let claim_bars = charts[3]["bars"].as_array().unwrap();
    assert!(claim_bars[0].as_f64().unwrap() > 0.0, "the open claim");

    // The tables behind the charts.
    assert_eq!(
        text_of(c, "#sku-table tbody tr:first-child").await,
        "A 5 2 40.00 %"
    );
    assert_eq!(
        text_of(c, "#reason-table tbody tr:first-child").await,
        "Damaged 2 40.00 % 18.18 %"
    );
    assert!(text_of(c, "#claims-table tbody tr:first-child")
        .await
        .starts_with("Not received 1 1"));

    // Nothing but the wide tables' own boxes scrolls sideways.
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, Value::Bool(true), "the dashboard scrolls sideways");
    std::fs::create_dir_all(SHOTS).ok();
    for section in ["summary", "by-sku", "by-reason", "claims"] {
        c.execute(
            "document.getElementById(arguments[0]).scrollIntoView();",
            vec![json!(section)],
        )
        .await
        .unwrap();
        browser
            .screenshot(format!("{SHOTS}/phone-insights-{section}.png"))
            .await
            .unwrap();
    }
}
