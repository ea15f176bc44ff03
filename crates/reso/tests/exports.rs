//! Exports of returns, refunds and claims: a fixed data set written with bare
//! SQL (so every instant and amount is known), the CSV downloads compared
//! byte for byte, the filters (period, status, currency, search), streaming
//! across several pages, another shop's rows never included, formula
//! injection neutralized, and the JSON API with its cursor. Runs on
//! PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::Currency;
use serde_json::Value;
use support::TestApp;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn ms(rfc3339: &str) -> i64 {
    let t = OffsetDateTime::parse(rfc3339, &Rfc3339).expect("instant");
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Runs one statement with these integer/text parameters; returns the new id.
async fn insert(app: &TestApp, sql: &str, params: &[P<'_>]) -> i64 {
    let mut tx = app.state.db.begin().await.expect("begin");
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for p in params {
        query = match p {
            P::I(v) => query.bind(*v),
            P::T(v) => query.bind(*v),
            P::N => query.bind(None::<String>),
            P::NoInt => query.bind(None::<i64>),
        };
    }
    let id = query.fetch_one(&mut *tx).await.expect(sql);
    tx.commit().await.expect("commit");
    id
}

enum P<'a> {
    I(i64),
    T(&'a str),
    /// A text NULL.
    N,
    /// An integer NULL.
    NoInt,
}
use P::{NoInt, I, N, T};

async fn order(app: &TestApp, merchant_id: i64, number: &str, currency: &str) -> i64 {
    let at = ms("2026-10-20T10:00:00Z");
    insert(
        app,
        "INSERT INTO orders (merchant_id, number, buyer_email, buyer_name, locale, currency, placed_at, created_at, updated_at) \
         VALUES ($1, $2, $3, 'Ada Lovelace', 'en', $4, $5, $5, $5) RETURNING id",
        &[I(merchant_id), T(number), T(&format!("buyer-{number}@example.test")), T(currency), I(at)],
    )
    .await
}

async fn line(app: &TestApp, order_id: i64, sku: &str, title: &str, qty: i64, price: i64) -> i64 {
    insert(
        app,
        "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[I(order_id), T(sku), T(title), I(qty), I(price)],
    )
    .await
}

async fn payment(app: &TestApp, order_id: i64, currency: &str, captured: i64) -> i64 {
    insert(
        app,
        "INSERT INTO payments (order_id, method, gateway, reference, currency, captured_minor) \
         VALUES ($1, 'card', 'simulator', $2, $3, $4) RETURNING id",
        &[
            I(order_id),
            T(&format!("pi_{order_id}")),
            T(currency),
            I(captured),
        ],
    )
    .await
}

struct NewReturn<'a> {
    merchant_id: i64,
    order_id: i64,
    rma: Option<&'a str>,
    status: &'a str,
    at: &'a str,
}

async fn return_of(app: &TestApp, r: NewReturn<'_>) -> i64 {
    let at = ms(r.at);
    insert(
        app,
        "INSERT INTO returns (merchant_id, order_id, rma, status, decision, refund_method, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'review', 'original_payment', $5, $5) RETURNING id",
        &[
            I(r.merchant_id),
            I(r.order_id),
            r.rma.map_or(N, T),
            T(r.status),
            I(at),
        ],
    )
    .await
}

async fn return_line(
    app: &TestApp,
    return_id: i64,
    line_id: i64,
    qty: i64,
    reason: &str,
    accepted: Option<i64>,
) {
    insert(
        app,
        "INSERT INTO return_lines (return_id, order_line_id, quantity, reason, accepted_quantity) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            I(return_id),
            I(line_id),
            I(qty),
            T(reason),
            accepted.map_or(NoInt, I),
        ],
    )
    .await;
}

struct NewRefund<'a> {
    merchant_id: i64,
    order_id: i64,
    payment_id: i64,
    return_id: Option<i64>,
    amount: i64,
    currency: &'a str,
    reason: &'a str,
    status: &'a str,
    credit_note: &'a str,
    at: &'a str,
    updated: &'a str,
}

async fn refund(app: &TestApp, f: NewRefund<'_>) {
    insert(
        app,
        "INSERT INTO refunds (merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, reason, \
           status, gateway, credit_note, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'original_payment', $7, $8, 'simulator', $9, 'staff:ops@acme.test', $10, $11) RETURNING id",
        &[
            I(f.merchant_id),
            I(f.order_id),
            I(f.payment_id),
            f.return_id.map_or(NoInt, I),
            I(f.amount),
            T(f.currency),
            T(f.reason),
            T(f.status),
            T(f.credit_note),
            I(ms(f.at)),
            I(ms(f.updated)),
        ],
    )
    .await;
}

struct NewClaim<'a> {
    merchant_id: i64,
    order_id: i64,
    kind: &'a str,
    status: &'a str,
    outcome: Option<&'a str>,
    escalation: Option<&'a str>,
    at: &'a str,
    updated: &'a str,
}

async fn claim(app: &TestApp, c: NewClaim<'_>) -> i64 {
    insert(
        app,
        "INSERT INTO claims (merchant_id, order_id, kind, status, buyer_text, escalation, outcome, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'Where is my parcel?', $5, $6, $7, $8) RETURNING id",
        &[
            I(c.merchant_id),
            I(c.order_id),
            T(c.kind),
            T(c.status),
            c.escalation.map_or(N, T),
            c.outcome.map_or(N, T),
            I(ms(c.at)),
            I(ms(c.updated)),
        ],
    )
    .await
}

/// The ids the expected CSV names.
struct Fixture {
    r1: i64,
    r2: i64,
    r5: i64,
    c1: i64,
    c2: i64,
}

/// Shop A (the test app's "acme") and shop B ("beta"), with returns, refunds
/// and claims inside November 2026, on its edges and outside it.
async fn fixture(app: &TestApp) -> Fixture {
    let a = app.merchant.id;
    let o1 = order(app, a, "1001", "EUR").await;
    let tent = line(app, o1, "TENT-2P", "Two-person tent", 1, 18_900).await;
    let mug = line(app, o1, "MUG-TI", "Titanium mug", 2, 2_450).await;
    let p1 = payment(app, o1, "EUR", 23_800).await;
    let o2 = order(app, a, "1002", "USD").await;
    // A buyer-supplied title and a SKU a spreadsheet would run as formulas.
    let lamp = line(app, o2, "=2+5", "-Lamp, \"deluxe\"", 1, 1_000).await;
    let p2 = payment(app, o2, "USD", 1_000).await;
    let o3 = order(app, a, "1003", "EUR").await;
    line(app, o3, "STOVE", "Camping stove", 1, 5_000).await;

    let r1 = return_of(
        app,
        NewReturn {
            merchant_id: a,
            order_id: o1,
            rma: Some("R-0001"),
            status: "requested",
            at: "2026-11-03T10:00:00Z",
        },
    )
    .await;
    return_line(app, r1, tent, 1, "damaged", None).await;
    return_line(app, r1, mug, 2, "too_small", None).await;
    let r2 = return_of(
        app,
        NewReturn {
            merchant_id: a,
            order_id: o2,
            rma: Some("R-0002"),
            status: "refunded",
            at: "2026-11-10T08:30:00Z",
        },
    )
    .await;
    return_line(app, r2, lamp, 1, "defective", Some(1)).await;
    // Just outside the period on both sides.
    let r3 = return_of(
        app,
        NewReturn {
            merchant_id: a,
            order_id: o1,
            rma: Some("R-0003"),
            status: "requested",
            at: "2026-10-31T23:59:59Z",
        },
    )
    .await;
    return_line(app, r3, tent, 1, "other", None).await;
    let r4 = return_of(
        app,
        NewReturn {
            merchant_id: a,
            order_id: o1,
            rma: Some("R-0004"),
            status: "requested",
            at: "2026-12-01T00:00:00Z",
        },
    )
    .await;
    return_line(app, r4, tent, 1, "other", None).await;
    // The period's last millisecond, not yet given an RMA.
    let r5 = return_of(
        app,
        NewReturn {
            merchant_id: a,
            order_id: o1,
            rma: None,
            status: "authorized",
            at: "2026-11-30T23:59:59.999Z",
        },
    )
    .await;
    return_line(app, r5, mug, 1, "changed_mind", None).await;

    refund(
        app,
        NewRefund {
            merchant_id: a,
            order_id: o2,
            payment_id: p2,
            return_id: Some(r2),
            amount: 1_000,
            currency: "USD",
            reason: "return",
            status: "succeeded",
            credit_note: "CN-0001",
            at: "2026-11-12T09:00:00Z",
            updated: "2026-11-12T09:05:00Z",
        },
    )
    .await;
    refund(
        app,
        NewRefund {
            merchant_id: a,
            order_id: o1,
            payment_id: p1,
            return_id: None,
            amount: 1_250,
            currency: "EUR",
            reason: "-10% goodwill",
            status: "pending",
            credit_note: "CN-0002",
            at: "2026-11-20T12:00:00Z",
            updated: "2026-11-20T12:00:00Z",
        },
    )
    .await;
    refund(
        app,
        NewRefund {
            merchant_id: a,
            order_id: o1,
            payment_id: p1,
            return_id: None,
            amount: 500,
            currency: "EUR",
            reason: "goodwill",
            status: "succeeded",
            credit_note: "CN-0000",
            at: "2026-10-15T12:00:00Z",
            updated: "2026-10-15T12:00:00Z",
        },
    )
    .await;

    let c1 = claim(
        app,
        NewClaim {
            merchant_id: a,
            order_id: o3,
            kind: "not_received",
            status: "closed",
            outcome: Some(r#"{"kind":"decided","amount_minor":5000,"from_guarantee":false}"#),
            escalation: Some("merchant_silent"),
            at: "2026-11-05T10:00:00Z",
            updated: "2026-11-19T10:00:00Z",
        },
    )
    .await;
    let c2 = claim(
        app,
        NewClaim {
            merchant_id: a,
            order_id: o1,
            kind: "other_problem",
            status: "awaiting_merchant",
            outcome: None,
            escalation: None,
            at: "2026-11-06T10:00:00Z",
            updated: "2026-11-06T10:00:00Z",
        },
    )
    .await;
    claim(
        app,
        NewClaim {
            merchant_id: a,
            order_id: o3,
            kind: "not_received",
            status: "awaiting_merchant",
            outcome: None,
            escalation: None,
            at: "2026-12-02T10:00:00Z",
            updated: "2026-12-02T10:00:00Z",
        },
    )
    .await;

    // Shop B: the same order number and RMA inside the same period.
    let b = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "beta".into(),
            name: "Beta Bikes".into(),
            support: SupportContact {
                email: "help@beta.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Beta, Berlin".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant B")
    .id;
    let ob = order(app, b, "1001", "EUR").await;
    let bike = line(app, ob, "BETA-BIKE", "Beta bike", 1, 99_900).await;
    let pb = payment(app, ob, "EUR", 99_900).await;
    let rb = return_of(
        app,
        NewReturn {
            merchant_id: b,
            order_id: ob,
            rma: Some("R-0001"),
            status: "requested",
            at: "2026-11-04T10:00:00Z",
        },
    )
    .await;
    return_line(app, rb, bike, 1, "damaged", None).await;
    refund(
        app,
        NewRefund {
            merchant_id: b,
            order_id: ob,
            payment_id: pb,
            return_id: Some(rb),
            amount: 99_900,
            currency: "EUR",
            reason: "BETA-REFUND",
            status: "succeeded",
            credit_note: "CN-0001",
            at: "2026-11-13T09:00:00Z",
            updated: "2026-11-13T09:00:00Z",
        },
    )
    .await;
    claim(
        app,
        NewClaim {
            merchant_id: b,
            order_id: ob,
            kind: "not_received",
            status: "awaiting_merchant",
            outcome: None,
            escalation: None,
            at: "2026-11-07T10:00:00Z",
            updated: "2026-11-07T10:00:00Z",
        },
    )
    .await;

    Fixture { r1, r2, r5, c1, c2 }
}

/// A browser that keeps cookies and shows redirects.
async fn staff(app: &TestApp) -> Client {
    let client = Client::builder()
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
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login");
    client
}

/// A download's status, content type, disposition and body.
async fn download(
    client: &Client,
    app: &TestApp,
    path: &str,
) -> (StatusCode, String, String, String) {
    let res = client.get(app.url(path)).send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    (res.status(), ct, cd, res.text().await.unwrap())
}

const NOVEMBER: &str = "from=2026-11-01&to=2026-11-30";

#[tokio::test]
async fn the_returns_csv_has_one_row_per_returned_line_of_the_period() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let client = staff(&app).await;
    let (status, ct, cd, body) = download(
        &client,
        &app,
        &format!("/admin/exports/returns.csv?{NOVEMBER}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ct, "text/csv; charset=utf-8");
    assert_eq!(
        cd,
        "attachment; filename=\"reso-returns-2026-11-01-2026-11-30.csv\""
    );
    let expected = format!(
        "return_id,rma,order_number,status,requested_at,sku,title,quantity,accepted_quantity,reason,amount_minor,amount,currency\n\
         {r1},R-0001,1001,requested,2026-11-03T10:00:00Z,TENT-2P,Two-person tent,1,,damaged,18900,189.00,EUR\n\
         {r1},R-0001,1001,requested,2026-11-03T10:00:00Z,MUG-TI,Titanium mug,2,,too_small,4900,49.00,EUR\n\
         {r2},R-0002,1002,refunded,2026-11-10T08:30:00Z,'=2+5,\"'-Lamp, \"\"deluxe\"\"\",1,1,defective,1000,10.00,USD\n\
         {r5},,1001,authorized,2026-11-30T23:59:59.999Z,MUG-TI,Titanium mug,1,,changed_mind,2450,24.50,EUR\n",
        r1 = f.r1,
        r2 = f.r2,
        r5 = f.r5
    );
    assert_eq!(body, expected);
    assert!(!body.contains("BETA"), "another shop's return leaked");
}

#[tokio::test]
async fn the_returns_csv_applies_status_currency_and_search() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let client = staff(&app).await;
    let ids = |body: &str| -> Vec<String> {
        body.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    let get = |query: &str| {
        let path = format!("/admin/exports/returns.csv?{NOVEMBER}&{query}");
        let client = client.clone();
        let app = &app;
        async move { download(&client, app, &path).await.3 }
    };
    let r1 = f.r1.to_string();
    assert_eq!(
        ids(&get("status=requested").await),
        [r1.clone(), r1.clone()]
    );
    assert_eq!(ids(&get("currency=usd").await), [f.r2.to_string()]);
    assert_eq!(ids(&get("q=r-0002").await), [f.r2.to_string()]);
    assert_eq!(
        ids(&get("q=1001&status=authorized").await),
        [f.r5.to_string()]
    );
    // One day: only the return of 3 November.
    let (_, _, cd, body) = download(
        &client,
        &app,
        "/admin/exports/returns.csv?from=2026-11-03&to=2026-11-03",
    )
    .await;
    assert_eq!(ids(&body), [r1.clone(), r1]);
    assert!(
        cd.contains("reso-returns-2026-11-03-2026-11-03.csv"),
        "{cd}"
    );
}

#[tokio::test]
async fn the_refunds_csv_has_minor_units_and_a_decimal_column() {
    let app = TestApp::spawn().await;
    fixture(&app).await;
    let client = staff(&app).await;
    let (status, ct, cd, body) = download(
        &client,
        &app,
        &format!("/admin/exports/refunds.csv?{NOVEMBER}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ct, "text/csv; charset=utf-8");
    assert_eq!(
        cd,
        "attachment; filename=\"reso-refunds-2026-11-01-2026-11-30.csv\""
    );
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "refund_id,credit_note,order_number,rma,status,method,reason,gateway,amount_minor,amount,currency,created_at,updated_at"
    );
    let rows: Vec<String> = lines[1..]
        .iter()
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect();
    assert_eq!(
        rows,
        [
            "CN-0001,1002,R-0002,succeeded,original_payment,return,simulator,1000,10.00,USD,2026-11-12T09:00:00Z,2026-11-12T09:05:00Z",
            "CN-0002,1001,,pending,original_payment,'-10% goodwill,simulator,1250,12.50,EUR,2026-11-20T12:00:00Z,2026-11-20T12:00:00Z",
        ]
    );
    let only = |query: &str| {
        let path = format!("/admin/exports/refunds.csv?{NOVEMBER}&{query}");
        let client = client.clone();
        let app = &app;
        async move { download(&client, app, &path).await.3.lines().count() - 1 }
    };
    assert_eq!(only("status=pending").await, 1);
    assert_eq!(only("currency=EUR").await, 1);
    assert_eq!(only("currency=GBP").await, 0);
}

#[tokio::test]
async fn the_claims_csv_has_kind_status_outcome_and_dates() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let client = staff(&app).await;
    let (status, _, cd, body) = download(
        &client,
        &app,
        &format!("/admin/exports/claims.csv?{NOVEMBER}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        cd,
        "attachment; filename=\"reso-claims-2026-11-01-2026-11-30.csv\""
    );
    let expected = format!(
        "claim_id,order_number,kind,status,escalation,outcome,opened_at,closed_at,order_value_minor,order_value,decided_refund_minor,currency\n\
         {c1},1003,not_received,closed,merchant_silent,decided,2026-11-05T10:00:00Z,2026-11-19T10:00:00Z,5000,50.00,5000,EUR\n\
         {c2},1001,other_problem,awaiting_merchant,,,2026-11-06T10:00:00Z,,23800,238.00,,EUR\n",
        c1 = f.c1,
        c2 = f.c2
    );
    assert_eq!(body, expected);
    // "open" is what the claims list shows by default: every claim not closed.
    let (_, _, _, open) = download(
        &client,
        &app,
        &format!("/admin/exports/claims.csv?{NOVEMBER}&status=open"),
    )
    .await;
    assert_eq!(open.lines().count(), 2);
    assert!(open.contains(&format!("\n{},", f.c2)));
    let (_, _, _, closed) = download(
        &client,
        &app,
        &format!("/admin/exports/claims.csv?{NOVEMBER}&status=closed"),
    )
    .await;
    assert!(closed.contains(&format!("\n{},", f.c1)) && closed.lines().count() == 2);
}

#[tokio::test]
async fn bad_filters_are_400_and_no_session_goes_to_the_login() {
    let app = TestApp::spawn().await;
    let client = staff(&app).await;
    for path in [
        "/admin/exports/returns.csv?from=2026-11-31",
        "/admin/exports/returns.csv?from=2026-11-30&to=2026-11-01",
        "/admin/exports/returns.csv?status=open",
        "/admin/exports/refunds.csv?status=refunded",
        "/admin/exports/claims.csv?currency=EURO",
        "/admin/exports/claims.csv?q=1001",
    ] {
        let (status, ct, cd, _) = download(&client, &app, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(ct.starts_with("text/html"), "{path}: {ct}");
        assert!(cd.is_empty(), "{path}: an error is not a download");
    }
    let anonymous = Client::builder().redirect(Policy::none()).build().unwrap();
    for path in ["returns", "refunds", "claims"] {
        let res = anonymous
            .get(app.url(&format!("/admin/exports/{path}.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        let to = res.headers()["location"].to_str().unwrap();
        assert!(to.starts_with("/admin/login"), "{path} → {to}");
    }
}

#[tokio::test]
async fn a_large_export_streams_in_pages_and_keeps_every_row_once() {
    let app = TestApp::spawn().await;
    let a = app.merchant.id;
    let o = order(&app, a, "2001", "EUR").await;
    let l = line(&app, o, "SOCK", "Wool sock", 5, 900).await;
    let count = 2 * reso::app::exports::BATCH + 200;
    // Returns of one instant share their `created_at`: pages resume by id too.
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 0..count {
        let at = ms("2026-11-02T00:00:00Z") + (i / 7) * 60_000;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO returns (merchant_id, order_id, rma, status, decision, refund_method, created_at, updated_at) \
             VALUES ($1, $2, $3, 'requested', 'review', 'original_payment', $4, $4) RETURNING id",
        )
        .bind(a)
        .bind(o)
        .bind(format!("BULK-{i:05}"))
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query("INSERT INTO return_lines (return_id, order_line_id, quantity, reason) VALUES ($1, $2, 1, 'too_small')")
            .bind(id)
            .bind(l)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let client = staff(&app).await;
    let mut res = client
        .get(app.url(&format!("/admin/exports/returns.csv?{NOVEMBER}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Streamed: no length known up front, the body comes in chunks.
    assert_eq!(res.content_length(), None);
    assert_eq!(res.headers()["transfer-encoding"], "chunked");
    let mut body = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = res.chunk().await.unwrap() {
        chunks += 1;
        body.extend_from_slice(&chunk);
    }
    assert!(chunks >= 3, "{chunks} chunks");
    let text = String::from_utf8(body).unwrap();
    let rmas: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let expected: Vec<String> = (0..count).map(|i| format!("BULK-{i:05}")).collect();
    assert_eq!(rmas, expected, "every row once, in order");

    // The API pages through the same rows with its cursor.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let res = app
            .api_get(&format!(
                "/api/v1/exports/returns?{NOVEMBER}&limit=1000&cursor={cursor}"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page: Value = res.json().await.unwrap();
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["rma"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn the_api_pages_the_same_rows_and_refuses_bad_filters() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let res = app
        .api_get(&format!("/api/v1/exports/returns?{NOVEMBER}&limit=2"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["return_id"], f.r1);
    assert_eq!(items[0]["sku"], "TENT-2P");
    assert_eq!(items[0]["amount_minor"], 18_900);
    assert_eq!(items[0]["requested_at"], "2026-11-03T10:00:00Z");
    assert_eq!(items[1]["sku"], "MUG-TI");
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let res = app
        .api_get(&format!(
            "/api/v1/exports/returns?{NOVEMBER}&limit=2&cursor={cursor}"
        ))
        .await;
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    // Raw values in JSON: formulas are a spreadsheet's concern, not the API's.
    assert_eq!(items[0]["sku"], "=2+5");
    assert_eq!(items[1]["return_id"], f.r5);
    assert!(items[1]["rma"].is_null());
    let last = page["next_cursor"].as_str().expect("the page was full");
    let res = app
        .api_get(&format!(
            "/api/v1/exports/returns?{NOVEMBER}&limit=2&cursor={last}"
        ))
        .await;
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    assert!(page["next_cursor"].is_null());
    // A cursor from before the period does not reach outside it.
    let res = app
        .api_get(&format!("/api/v1/exports/returns?{NOVEMBER}&cursor=0.0.0"))
        .await;
    let page: Value = res.json().await.unwrap();
    let rmas: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["rma"])
        .collect();
    assert_eq!(
        rmas,
        [
            &Value::from("R-0001"),
            &Value::from("R-0001"),
            &Value::from("R-0002"),
            &Value::Null
        ]
    );

    let res = app
        .api_get(&format!("/api/v1/exports/refunds?{NOVEMBER}"))
        .await;
    let page: Value = res.json().await.unwrap();
    let notes: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["credit_note"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["CN-0001", "CN-0002"]);
    assert_eq!(page["items"][0]["rma"], "R-0002");
    assert_eq!(page["items"][1]["amount_minor"], 1_250);

    let res = app
        .api_get(&format!("/api/v1/exports/claims?{NOVEMBER}"))
        .await;
    let page: Value = res.json().await.unwrap();
    let claims = page["items"].as_array().unwrap();
    assert_eq!(claims.len(), 2);
    assert_eq!(claims[0]["claim_id"], f.c1);
    assert_eq!(claims[0]["outcome"], "decided");
    assert_eq!(claims[0]["decided_refund_minor"], 5_000);
    assert_eq!(claims[0]["closed_at"], "2026-11-19T10:00:00Z");
    assert_eq!(claims[1]["order_value_minor"], 23_800);
    assert!(claims[1]["closed_at"].is_null());
    assert!(!serde_json::to_string(&page).unwrap().contains("BETA"));

    // The whole CSV, streamed, for a client that asks for it.
    let res = app
        .http
        .get(app.url(&format!("/api/v1/exports/refunds?{NOVEMBER}")))
        .bearer_auth(&app.api_key)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains(",'-10% goodwill,"));

    for path in [
        "/api/v1/exports/returns?from=2026-02-30",
        "/api/v1/exports/returns?from=2026-11-02&to=2026-11-01",
        "/api/v1/exports/returns?status=nope",
        "/api/v1/exports/refunds?currency=12",
        "/api/v1/exports/claims?status=refunded",
        "/api/v1/exports/claims?cursor=abc",
        "/api/v1/exports/claims?cursor=1.2",
        "/api/v1/exports/returns?limit=0",
        "/api/v1/exports/refunds?limit=1001",
        "/api/v1/exports/refunds?limit=x",
    ] {
        let res = app.api_get(path).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["status"], 400, "{path}");
    }
    let res = app
        .http
        .get(app.url("/api/v1/exports/returns"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_queue_and_claims_pages_offer_the_download_with_their_filters() {
    let app = TestApp::spawn().await;
    let client = staff(&app).await;
    let html = client
        .get(app.url("/admin/returns?status=authorized&q=R-00"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"action="/admin/exports/returns.csv""#),
        "{html}"
    );
    assert!(html.contains(r#"<input type="hidden" name="status" value="authorized">"#));
    assert!(html.contains(r#"<input type="hidden" name="q" value="R-00">"#));
    // The test clock stands at 2026-03-02: the form starts with this month.
    assert!(html.contains(r#"name="from" value="2026-03-01""#));
    assert!(html.contains(r#"name="to" value="2026-03-02""#));
    let unescaped = html.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        unescaped.contains(r#"href="/admin/exports/refunds.csv?from=2026-03-01&to=2026-03-02""#)
    );
    let html = client
        .get(app.url("/admin/claims"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"action="/admin/exports/claims.csv""#));
    assert!(html.contains(r#"<input type="hidden" name="status" value="open">"#));
    let html = client
        .get(app.url("/admin/claims?status=closed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<input type="hidden" name="status" value="closed">"#));
    // Without a period the export is of this month so far.
    let (status, _, cd, body) = download(&client, &app, "/admin/exports/claims.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cd.contains("reso-claims-2026-03-01-2026-03-02.csv"), "{cd}");
    assert_eq!(body.lines().count(), 1, "only the header");
}

/// The document states the filters as optional query parameters and both
/// answers (a JSON page, or the CSV).
#[test]
fn the_exports_are_documented_with_query_filters_and_both_formats() {
    let doc = serde_json::to_value(<reso::api::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
    for (name, params) in [
        (
            "returns",
            vec!["from", "to", "status", "currency", "q", "cursor", "limit"],
        ),
        (
            "refunds",
            vec!["from", "to", "status", "currency", "cursor", "limit"],
        ),
        (
            "claims",
            vec!["from", "to", "status", "currency", "cursor", "limit"],
        ),
    ] {
        let op = &doc["paths"][format!("/api/v1/exports/{name}")]["get"];
        let documented: Vec<&str> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert_eq!(p["in"], "query", "{name}: {p}");
                assert_eq!(p["required"], false, "{name}: {p}");
                p["name"].as_str().unwrap()
            })
            .collect();
        assert_eq!(documented, params, "{name}");
        let content = op["responses"]["200"]["content"].as_object().unwrap();
        assert!(content.contains_key("application/json") && content.contains_key("text/csv"));
        assert_eq!(
            op["responses"]["400"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
    }
}

/// A row that cannot be read midway cuts the download short instead of
/// handing over a file that looks complete.
#[tokio::test]
async fn a_failure_midway_does_not_pass_for_a_complete_file() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let mut tx = app.state.db.begin().await.unwrap();
    sqlx::query("UPDATE claims SET outcome = 'not json' WHERE id = $1")
        .bind(f.c1)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let client = staff(&app).await;
    let complete = match client
        .get(app.url(&format!("/admin/exports/claims.csv?{NOVEMBER}")))
        .send()
        .await
    {
        Ok(res) => res.status().is_success() && res.text().await.is_ok(),
        Err(_) => false,
    };
    assert!(!complete, "a broken export arrived as a complete file");
    let res = app
        .api_get(&format!("/api/v1/exports/claims?{NOVEMBER}"))
        .await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // The returns, which do not touch the broken row, still export.
    let (status, _, _, body) = download(
        &client,
        &app,
        &format!("/admin/exports/returns.csv?{NOVEMBER}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.lines().count(), 5);
}
