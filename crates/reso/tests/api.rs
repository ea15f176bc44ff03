//! The JSON API end to end, on SQLite (and on PostgreSQL when
//! RESO_TEST_POSTGRES_URL is set): orders in, the return journey, refunds,
//! idempotency, concurrency and bad input.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{sample_order, TestApp, DAY, START};

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let body = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

async fn assert_problem(
    res: reqwest::Response,
    status: StatusCode,
    detail_contains: &str,
) -> Value {
    assert_eq!(res.status(), status, "unexpected status");
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(ct, "application/problem+json");
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["status"], status.as_u16());
    let detail = body["detail"].as_str().unwrap_or_default().to_lowercase();
    assert!(
        detail.contains(&detail_contains.to_lowercase()),
        "detail '{detail}' should mention '{detail_contains}'"
    );
    body
}

/// Counts rows, to prove a rejected request changed nothing.
async fn count(app: &TestApp, table: &str) -> i64 {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

async fn request_return(app: &TestApp, number: &str, body: Value) -> Value {
    let (status, json) = json_of(
        app.api_post(&format!("/api/v1/orders/{number}/returns"), &body)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    let app = TestApp::spawn().await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.text().await.unwrap(), "ok");
    let doc: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/orders",
        "/api/v1/returns/{id}/refund",
        "/api/v1/orders/{number}/returns",
        "/api/v1/webhooks",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}

#[tokio::test]
async fn orders_are_idempotent_on_their_number() {
    let app = TestApp::spawn().await;
    let body = sample_order("1001", "ada@example.com", START - 3 * DAY);
    let (status, first) = json_of(app.api_post("/api/v1/orders", &body).await).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first["goods_total_minor"], 18_900 + 2 * 2_450);
    assert_eq!(first["payments"][0]["refundable_minor"], 23_800);
    let (status, again) = json_of(app.api_post("/api/v1/orders", &body).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(count(&app, "orders").await, 1);
    assert_eq!(count(&app, "order_lines").await, 2);

    // An update adds a shipment and changes nothing else.
    let mut update = body.clone();
    update["shipments"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "carrier": "UPS", "tracking_number": "1Z999" }));
    let (status, updated) = json_of(app.api_post("/api/v1/orders", &update).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["shipments"].as_array().unwrap().len(), 2);
    assert_eq!(count(&app, "order_lines").await, 2);

    let (status, shown) = json_of(app.api_get("/api/v1/orders/1001").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["buyer"]["email"], "ada@example.com");
    let (_, page) = json_of(app.api_get("/api/v1/orders?limit=1").await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["next_cursor"].is_null());
}

#[tokio::test]
async fn bad_orders_get_precise_problems_and_change_nothing() {
    let app = TestApp::spawn().await;
    let before = count(&app, "orders").await;
    let res = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.api_key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "not valid json").await;

    let mut bad = sample_order("1002", "ada@example.com", START);
    bad["lines"][0]["quantity"] = json!(0);
    assert_problem(
        app.api_post("/api/v1/orders", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quantity",
    )
    .await;
    let mut bad = sample_order("1002", "ada@example.com", START);
    bad["currency"] = json!("EURO");
    assert_problem(
        app.api_post("/api/v1/orders", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "currency",
    )
    .await;
    let mut bad = sample_order("1002", "not-an-email", START);
    bad["placed_at"] = json!("yesterday");
    assert_problem(
        app.api_post("/api/v1/orders", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "e-mail",
    )
    .await;
    let mut bad = sample_order("1002", "ada@example.com", START);
    bad["payments"][0]["captured_minor"] = json!(-5);
    assert_problem(
        app.api_post("/api/v1/orders", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "negative",
    )
    .await;
    let mut bad = sample_order("1002", "ada@example.com", START);
    bad["surprise"] = json!(true);
    assert_problem(
        app.api_post("/api/v1/orders", &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "surprise",
    )
    .await;
    assert_eq!(count(&app, "orders").await, before);

    // No key, a wrong key.
    let res = app
        .http
        .get(app.url("/api/v1/orders"))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "api key").await;
    let res = app
        .http
        .get(app.url("/api/v1/orders"))
        .bearer_auth("reso_nope_nope")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "api key").await;
    assert_problem(
        app.api_get("/api/v1/orders/nope").await,
        StatusCode::NOT_FOUND,
        "order",
    )
    .await;
    assert_problem(
        app.api_get("/api/v1/returns/abc").await,
        StatusCode::NOT_FOUND,
        "return",
    )
    .await;
    assert_problem(
        app.api_get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "endpoint",
    )
    .await;
    assert_problem(
        app.api_get("/api/v1/returns?status=lost").await,
        StatusCode::BAD_REQUEST,
        "status",
    )
    .await;
}

#[tokio::test]
async fn the_return_journey_ends_refunded_with_a_credit_note() {
    let app = TestApp::spawn().await;
    app.delivered_order("2001", "bea@example.com").await;
    // The starter matrix authorizes small returns from regular buyers at once.
    let r = request_return(&app, "2001", json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "too_small" }], "comment": "wrong size" })).await;
    assert_eq!(r["status"], "authorized", "{r}");
    let rma = r["rma"].as_str().unwrap();
    assert!(rma.starts_with("RMA-") && rma.len() == 13, "{rma}");
    let id = r["id"].as_i64().unwrap();

    let (s, r) = json_of(
        app.api_post(
            &format!("/api/v1/returns/{id}/shipment"),
            &json!({ "carrier": "DHL", "tracking_number": "RT123" }),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, r["status"].as_str()),
        (StatusCode::OK, Some("in_transit"))
    );
    let (_, r) = json_of(
        app.api_post(&format!("/api/v1/returns/{id}/receive"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(r["status"], "received");
    let line_id = r["lines"][0]["order_line_id"].as_i64().unwrap();
    let inspection = json!({ "lines": [{ "order_line_id": line_id, "accepted_quantity": 1, "condition": "as new" }] });
    let (_, r) = json_of(
        app.api_post(&format!("/api/v1/returns/{id}/inspect"), &inspection)
            .await,
    )
    .await;
    assert_eq!(r["status"], "inspected");
    assert_eq!(r["quote"]["total_minor"], 2_450);

    let (s, refunds) = json_of(
        app.api_post(
            &format!("/api/v1/returns/{id}/refund"),
            &json!({ "method": "store_credit" }),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{refunds}");
    let refund = &refunds["items"][0];
    assert_eq!(refund["amount_minor"], 2_450);
    assert_eq!(refund["status"], "succeeded");
    assert_eq!(refund["credit_note"], "CN-000001");
    let (_, r) = json_of(app.api_get(&format!("/api/v1/returns/{id}")).await).await;
    assert_eq!(r["status"], "refunded");
    let (_, order) = json_of(app.api_get("/api/v1/orders/2001").await).await;
    assert_eq!(order["payments"][0]["refundable_minor"], 23_800 - 2_450);

    let (_, events) = json_of(app.api_get(&format!("/api/v1/returns/{id}/events")).await).await;
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for k in [
        "return.requested",
        "return.authorized",
        "return.in_transit",
        "return.received",
        "return.inspected",
        "refund.succeeded",
        "return.refunded",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    // Refunding again is a conflict and changes nothing.
    assert_problem(
        app.api_post(&format!("/api/v1/returns/{id}/refund"), &json!({}))
            .await,
        StatusCode::CONFLICT,
        "refund",
    )
    .await;
    assert_eq!(count(&app, "refunds").await, 1);
}

#[tokio::test]
async fn expensive_returns_wait_for_staff_who_can_reject_them() {
    let app = TestApp::spawn().await;
    app.delivered_order("2101", "cy@example.com").await;
    let r = request_return(
        &app,
        "2101",
        json!({ "lines": [{ "sku": "TENT-2P", "quantity": 1, "reason": "changed_mind" }] }),
    )
    .await;
    // 189.00 is under the 200.00 auto-authorize limit of the starter matrix.
    assert_eq!(r["status"], "authorized");

    let mut big = sample_order("2102", "cy@example.com", START - DAY);
    big["lines"][0]["unit_price_minor"] = json!(60_000);
    big["payments"][0]["captured_minor"] = json!(64_900);
    app.create_order(&big).await;
    let r = request_return(
        &app,
        "2102",
        json!({ "lines": [{ "sku": "TENT-2P", "quantity": 1, "reason": "defective" }] }),
    )
    .await;
    assert_eq!(r["status"], "photos_requested");
    assert_eq!(r["decision_rule"], "Expensive returns need photos");
    let id = r["id"].as_i64().unwrap();
    assert_problem(
        app.api_post(
            &format!("/api/v1/returns/{id}/reject"),
            &json!({ "reason": " " }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason",
    )
    .await;
    let (_, r) = json_of(
        app.api_post(
            &format!("/api/v1/returns/{id}/reject"),
            &json!({ "reason": "Used outdoors for weeks" }),
        )
        .await,
    )
    .await;
    assert_eq!(r["status"], "rejected");
    assert_eq!(r["rejection_reason"], "Used outdoors for weeks");
    assert_problem(
        app.api_post(&format!("/api/v1/returns/{id}/authorize"), &json!({}))
            .await,
        StatusCode::CONFLICT,
        "rejected",
    )
    .await;
}

#[tokio::test]
async fn bad_return_requests_are_refused_without_a_trace() {
    let app = TestApp::spawn().await;
    app.delivered_order("3001", "dan@example.com").await;
    let before = (
        count(&app, "returns").await,
        count(&app, "events").await,
        count(&app, "jobs").await,
    );
    let cases = [
        (
            json!({ "lines": [{ "sku": "MUG-TI", "quantity": 3, "reason": "too_small" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "only 2",
        ),
        (
            json!({ "lines": [{ "sku": "NOPE", "quantity": 1, "reason": "too_small" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not in order",
        ),
        (
            json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "bored" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not a return reason",
        ),
        (
            json!({ "lines": [] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least one",
        ),
        (
            json!({ "lines": [{ "order_line_id": 999_999, "quantity": 1, "reason": "damaged" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not part of this order",
        ),
    ];
    for (body, status, detail) in cases {
        assert_problem(
            app.api_post("/api/v1/orders/3001/returns", &body).await,
            status,
            detail,
        )
        .await;
    }
    assert_problem(
        app.api_post(
            "/api/v1/orders/9999/returns",
            &json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "damaged" }] }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "order",
    )
    .await;
    // Outside the 30-day window.
    app.clock.advance_days(40);
    assert_problem(
        app.api_post(
            "/api/v1/orders/3001/returns",
            &json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "damaged" }] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "window",
    )
    .await;
    assert_eq!(
        (
            count(&app, "returns").await,
            count(&app, "events").await,
            count(&app, "jobs").await
        ),
        before
    );
}

#[tokio::test]
async fn goodwill_refunds_never_exceed_the_captured_amount() {
    let app = TestApp::spawn().await;
    app.delivered_order("4001", "eve@example.com").await;
    let refund = |amount: i64| json!({ "amount_minor": amount, "method": "manual", "reason": "parcel arrived late" });
    let (s, first) = json_of(
        app.api_post("/api/v1/orders/4001/refunds", &refund(20_000))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let body = assert_problem(
        app.api_post("/api/v1/orders/4001/refunds", &refund(3_801))
            .await,
        StatusCode::CONFLICT,
        "exceeds",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("38.00 EUR"),
        "{body}"
    );
    assert_problem(
        app.api_post("/api/v1/orders/4001/refunds", &refund(0))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "more than zero",
    )
    .await;
    assert_problem(
        app.api_post("/api/v1/orders/4001/refunds", &refund(-1))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "more than zero",
    )
    .await;
    let (s, _) = json_of(
        app.api_post("/api/v1/orders/4001/refunds", &refund(3_800))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, order) = json_of(app.api_get("/api/v1/orders/4001").await).await;
    assert_eq!(order["refunded_total_minor"], 23_800);
    assert_eq!(order["payments"][0]["refundable_minor"], 0);
    assert_eq!(count(&app, "refunds").await, 2);
}

#[tokio::test]
async fn an_idempotency_key_makes_a_retry_return_the_first_refund() {
    let app = TestApp::spawn().await;
    app.delivered_order("5001", "fay@example.com").await;
    let body =
        json!({ "amount_minor": 1_000, "method": "store_credit", "reason": "scratch on the mug" });
    let send = |key: &'static str, body: Value| {
        let req = app
            .http
            .post(app.url("/api/v1/orders/5001/refunds"))
            .bearer_auth(&app.api_key)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { json_of(req.send().await.unwrap()).await }
    };
    let (s1, first) = send("retry-1", body.clone()).await;
    let (s2, second) = send("retry-1", body.clone()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(first, second);
    assert_eq!(count(&app, "refunds").await, 1);
    // The same key with another request is the client's mistake.
    let mut other = body.clone();
    other["amount_minor"] = json!(2_000);
    let (s3, problem) = send("retry-1", other).await;
    assert_eq!(s3, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(count(&app, "refunds").await, 1);
}

#[tokio::test]
async fn concurrent_refunds_cannot_both_take_the_last_money() {
    let app = TestApp::spawn().await;
    app.delivered_order("6001", "gus@example.com").await;
    // Twenty staff clicks at once, each for 60 % of the payment: exactly one can pass.
    let attempts = (0..20).map(|i| {
        let req = app
            .http
            .post(app.url("/api/v1/orders/6001/refunds"))
            .bearer_auth(&app.api_key)
            .json(&json!({ "amount_minor": 14_280, "method": "manual", "reason": format!("click {i}") }));
        async move { req.send().await.unwrap().status() }
    });
    let statuses = futures_join_all(attempts).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let (_, order) = json_of(app.api_get("/api/v1/orders/6001").await).await;
    assert_eq!(order["refunded_total_minor"], 14_280);
}

/// Runs the futures concurrently on the test's runtime.
async fn futures_join_all<F: std::future::Future<Output = StatusCode> + Send + 'static>(
    futs: impl Iterator<Item = F>,
) -> Vec<StatusCode> {
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn several_returns_on_one_order_keep_its_balance_right() {
    let app = TestApp::spawn().await;
    app.delivered_order("7001", "hal@example.com").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = request_return(
            &app,
            "7001",
            json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "defective" }] }),
        )
        .await;
        ids.push((
            r["id"].as_i64().unwrap(),
            r["lines"][0]["order_line_id"].as_i64().unwrap(),
        ));
    }
    // Both mugs are now held by returns: a third cannot be asked for.
    assert_problem(
        app.api_post(
            "/api/v1/orders/7001/returns",
            &json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "defective" }] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only 0",
    )
    .await;
    for (id, line) in &ids {
        app.api_post(&format!("/api/v1/returns/{id}/receive"), &json!({}))
            .await;
        let inspection = json!({ "lines": [{ "order_line_id": line, "accepted_quantity": 1, "condition": "broken handle" }] });
        app.api_post(&format!("/api/v1/returns/{id}/inspect"), &inspection)
            .await;
        let (s, _) = json_of(
            app.api_post(
                &format!("/api/v1/returns/{id}/refund"),
                &json!({ "method": "manual" }),
            )
            .await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let (_, order) = json_of(app.api_get("/api/v1/orders/7001").await).await;
    assert_eq!(order["refunded_total_minor"], 4_900);
    assert_eq!(order["payments"][0]["refundable_minor"], 23_800 - 4_900);
    let (_, refunds) = json_of(app.api_get("/api/v1/orders/7001/refunds").await).await;
    let notes: Vec<&str> = refunds["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["credit_note"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["CN-000001", "CN-000002"]);
}

#[tokio::test]
async fn a_merchant_never_sees_another_merchants_data() {
    let app = TestApp::spawn().await;
    app.delivered_order("8001", "ida@example.com").await;
    let r = request_return(
        &app,
        "8001",
        json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "too_large" }] }),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let other = reso::app::merchants::create(
        &app.state,
        reso::store::merchants::NewMerchant {
            slug: "other".into(),
            name: "Other Shop".into(),
            support: reso::store::merchants::SupportContact {
                email: "help@other.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: String::new(),
            default_locale: "en".into(),
            currency: reso_domain::Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .unwrap();
    let key = reso::app::auth::create_api_key(&app.state, other.id, "other")
        .await
        .unwrap();
    let get = |path: String| app.http.get(app.url(&path)).bearer_auth(&key).send();
    assert_eq!(
        get("/api/v1/orders/8001".into()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(format!("/api/v1/returns/{id}")).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let res = app
        .http
        .post(app.url(&format!("/api/v1/returns/{id}/receive")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let list: Value = get("/api/v1/returns".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn settings_change_the_decision_and_bad_settings_are_refused() {
    let app = TestApp::spawn().await;
    let (_, mut settings) = json_of(app.api_get("/api/v1/merchant").await).await;
    settings
        .as_object_mut()
        .unwrap()
        .retain(|k, _| !["id", "slug", "currency"].contains(&k.as_str()));
    settings["decision_matrix"] = json!({ "rules": [
        { "name": "Damaged and cheap: refund, keep it", "when": { "max_amount_minor": 3_000, "reasons": ["damaged"] }, "then": "refund_without_return" }
    ]});
    let res = app
        .http
        .put(app.url("/api/v1/merchant"))
        .bearer_auth(&app.api_key)
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.delivered_order("9001", "jo@example.com").await;
    let r = request_return(
        &app,
        "9001",
        json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "damaged" }] }),
    )
    .await;
    assert_eq!(r["keep_goods"], true);
    // Store credit and manual settle at once; the simulator settles later.
    assert_eq!(r["status"], "refunding");

    let mut bad = settings.clone();
    bad["policy"]["window_days"] = json!(5000);
    let res = app
        .http
        .put(app.url("/api/v1/merchant"))
        .bearer_auth(&app.api_key)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "window").await;
    let (_, now) = json_of(app.api_get("/api/v1/merchant").await).await;
    assert_eq!(now["policy"]["window_days"], 30);
}
