//! Idempotency-Key on the API's creating requests: a client that retries
//! (after a time-out, a lost connection, a crash) gets the first answer and
//! nothing is done twice; the same key on another request is refused; keys
//! belong to one merchant. On SQLite, and on PostgreSQL when
//! RESO_TEST_POSTGRES_URL is set.

mod support;

use reqwest::StatusCode;
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::claim::ClaimKind;
use reso_domain::Currency;
use serde_json::{json, Value};
use support::{sample_order, TestApp, DAY, START};

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body: Value = res.json().await.expect("json body");
    if status.is_client_error() {
        assert_eq!(ct, "application/problem+json", "{body}");
    }
    (status, body)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

/// POSTs `body` with the given API key and Idempotency-Key.
async fn post(
    app: &TestApp,
    api_key: &str,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let mut req = app.http.post(app.url(path)).bearer_auth(api_key).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    json_of(req.send().await.expect("request")).await
}

fn one_mug() -> Value {
    json!({
        "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "changed_mind" }],
        "comment": "One was enough."
    })
}

#[tokio::test]
async fn a_retried_return_request_gets_the_first_return_and_creates_no_second() {
    let app = TestApp::spawn().await;
    app.delivered_order("R-1", "ada@buyer.test").await;
    let path = "/api/v1/orders/R-1/returns";
    let (s1, first) = post(&app, &app.api_key, path, Some("ret-1"), &one_mug()).await;
    assert_eq!(s1, StatusCode::CREATED, "{first}");
    let (s2, again) = post(&app, &app.api_key, path, Some("ret-1"), &one_mug()).await;
    assert_eq!(s2, StatusCode::OK, "{again}");
    assert_eq!(first, again, "the replay answers the first return");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM returns").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM events WHERE kind = 'return.requested'"
        )
        .await,
        1
    );

    // The same key on another body, or on another order, is the client's mistake.
    let mut two = one_mug();
    two["lines"][0]["quantity"] = json!(2);
    let (s3, problem) = post(&app, &app.api_key, path, Some("ret-1"), &two).await;
    assert_eq!(s3, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key"),
        "{problem}"
    );
    let mut other_comment = one_mug();
    other_comment["comment"] = json!("One was enough!");
    let (s4, _) = post(&app, &app.api_key, path, Some("ret-1"), &other_comment).await;
    assert_eq!(s4, StatusCode::UNPROCESSABLE_ENTITY);
    app.delivered_order("R-2", "bob@buyer.test").await;
    let (s5, _) = post(
        &app,
        &app.api_key,
        "/api/v1/orders/R-2/returns",
        Some("ret-1"),
        &one_mug(),
    )
    .await;
    assert_eq!(s5, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM returns").await, 1);

    // Without a key a second request is a second return (the other mug).
    let (s6, second) = post(&app, &app.api_key, path, None, &one_mug()).await;
    assert_eq!(s6, StatusCode::CREATED, "{second}");
    assert_ne!(second["id"], first["id"]);
    // A fresh key on an order with nothing left to return is refused, and
    // the refusal is not remembered: it stores no answer.
    let (s7, _) = post(&app, &app.api_key, path, Some("ret-2"), &one_mug()).await;
    assert_eq!(s7, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'ret-2'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn an_empty_or_overlong_key_is_refused() {
    let app = TestApp::spawn().await;
    app.delivered_order("R-3", "cy@buyer.test").await;
    let path = "/api/v1/orders/R-3/returns";
    for key in [" ", &"k".repeat(256)] {
        let (status, _) = post(&app, &app.api_key, path, Some(key), &one_mug()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM returns").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_requests_with_one_key_create_one_return() {
    let app = TestApp::spawn().await;
    app.delivered_order("R-4", "di@buyer.test").await;
    let url = app.url("/api/v1/orders/R-4/returns");
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let req = app
                .http
                .post(&url)
                .bearer_auth(&app.api_key)
                .header("Idempotency-Key", "same-click")
                .json(&one_mug());
            tokio::spawn(async move { json_of(req.send().await.unwrap()).await })
        })
        .collect();
    let mut answers = Vec::new();
    for a in attempts {
        answers.push(a.await.unwrap());
    }
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    // The others waited for the order's lock and found the first answer.
    assert!(
        answers
            .iter()
            .all(|(s, b)| (*s == StatusCode::CREATED || *s == StatusCode::OK)
                && b["id"] == answers[0].1["id"]),
        "{answers:?}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM returns").await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM idempotency_keys").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_goodwill_refunds_with_one_key_issue_one_refund() {
    let app = TestApp::spawn().await;
    app.delivered_order("R-5", "ed@buyer.test").await;
    let url = app.url("/api/v1/orders/R-5/refunds");
    let body = json!({ "amount_minor": 1_500, "method": "manual", "reason": "late parcel" });
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let req = app
                .http
                .post(&url)
                .bearer_auth(&app.api_key)
                .header("Idempotency-Key", "goodwill-1")
                .json(&body);
            tokio::spawn(async move { json_of(req.send().await.unwrap()).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        let (status, body) = a.await.unwrap();
        assert_eq!(body["items"].as_array().map(Vec::len), Some(1), "{body}");
        statuses.push(status);
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM refunds").await, 1);
}

#[tokio::test]
async fn another_merchants_same_key_is_independent() {
    let app = TestApp::spawn().await;
    let other = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "other".into(),
            name: "Other Shop".into(),
            support: SupportContact {
                email: "help@other.test".into(),
                phone: "+39 02 7654321".into(),
                hours: "Mon–Fri 9–18".into(),
                url: "https://other.test/help".into(),
            },
            return_address: "Other Returns, Via Po 2, 10100 Torino".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant");
    let other_key = reso::app::auth::create_api_key(&app.state, other.id, "tests")
        .await
        .expect("api key");
    app.delivered_order("R-6", "fay@buyer.test").await;
    let (s, _) = post(
        &app,
        &other_key,
        "/api/v1/orders",
        None,
        &sample_order("R-6", "gil@buyer.test", START - 3 * DAY),
    )
    .await;
    assert!(s.is_success());

    let path = "/api/v1/orders/R-6/returns";
    let (s1, mine) = post(&app, &app.api_key, path, Some("shared-key"), &one_mug()).await;
    let (s2, theirs) = post(&app, &other_key, path, Some("shared-key"), &one_mug()).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_ne!(mine["id"], theirs["id"]);
    assert_ne!(mine["order_number"], Value::Null);
    // Each merchant's retry finds its own return, never the other's.
    let (s3, mine_again) = post(&app, &app.api_key, path, Some("shared-key"), &one_mug()).await;
    let (s4, theirs_again) = post(&app, &other_key, path, Some("shared-key"), &one_mug()).await;
    assert_eq!((s3, s4), (StatusCode::OK, StatusCode::OK));
    assert_eq!((mine_again, theirs_again), (mine, theirs));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM returns").await, 2);
}

/// A protected order placed now, with a "not received" claim the buyer opened.
async fn open_claim(app: &TestApp, number: &str) -> (i64, i64) {
    let email = format!("{}@buyer.test", number.to_lowercase());
    let mut body = sample_order(number, &email, START + 2 * DAY);
    body["placed_at"] = json!(support::iso(app.state.now()));
    body["protected"] = json!(true);
    let order = app.create_order(&body).await;
    let order_id = order["id"].as_i64().unwrap();
    let claim = reso::app::claims::open(
        &app.state,
        &app.merchant,
        order_id,
        ClaimKind::NotReceived,
        "The parcel never arrived.",
        Vec::new(),
        &email,
    )
    .await
    .expect("claim");
    (claim.id, order_id)
}

#[tokio::test]
async fn a_retried_claim_answer_gets_the_answered_claim_and_refunds_once() {
    let app = TestApp::spawn().await;
    let (claim, order_id) = open_claim(&app, "K-1").await;
    let path = format!("/api/v1/claims/{claim}/answer");
    let yes = json!({ "refund": "yes", "amount_minor": 5_000, "message": "Sorry, here is half." });
    let (s1, first) = post(&app, &app.api_key, &path, Some("answer-1"), &yes).await;
    assert_eq!(s1, StatusCode::OK, "{first}");
    assert_eq!(first["status"], "awaiting_buyer", "{first}");
    let (s2, again) = post(&app, &app.api_key, &path, Some("answer-1"), &yes).await;
    assert_eq!(s2, StatusCode::OK, "{again}");
    assert_eq!(again, first, "the replay answers the answered claim");
    let refunds = format!("SELECT COUNT(*) FROM refunds WHERE order_id = {order_id}");
    assert_eq!(count(&app, &refunds).await, 1);
    let answered = format!(
        "SELECT COUNT(*) FROM events WHERE kind = 'claim.answered' AND order_id = {order_id}"
    );
    assert_eq!(count(&app, &answered).await, 1);

    // Without the key the retry is "already answered"; with the key on
    // another answer it is refused as a different request.
    let (s3, _) = post(&app, &app.api_key, &path, None, &yes).await;
    assert_eq!(s3, StatusCode::CONFLICT);
    let no = json!({ "refund": "no", "message": "It was delivered." });
    let (s4, _) = post(&app, &app.api_key, &path, Some("answer-1"), &no).await;
    assert_eq!(s4, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, &refunds).await, 1);
    assert_eq!(count(&app, &answered).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claim_answers_with_one_key_answer_once() {
    let app = TestApp::spawn().await;
    let (claim, order_id) = open_claim(&app, "K-2").await;
    let url = app.url(&format!("/api/v1/claims/{claim}/answer"));
    let body = json!({ "refund": "yes", "message": "Full refund." });
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let req = app
                .http
                .post(&url)
                .bearer_auth(&app.api_key)
                .header("Idempotency-Key", "answer-2")
                .json(&body);
            tokio::spawn(async move { json_of(req.send().await.unwrap()).await })
        })
        .collect();
    for a in attempts {
        let (status, c) = a.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "awaiting_buyer", "{c}");
    }
    let refunds = format!("SELECT COUNT(*) FROM refunds WHERE order_id = {order_id}");
    assert_eq!(count(&app, &refunds).await, 1);
    // One answer, and one reaction deadline for it.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM deadlines WHERE claim_id = {claim} AND kind = 'claim_reaction'"
            )
        )
        .await,
        1
    );
}

async fn post_message(app: &TestApp, path: &str, key: &str, text: &str) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new()
        .text("body", text.to_string())
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(b"%PDF-1.7\n%%EOF\n".to_vec())
                .file_name("label.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = app
        .http
        .post(app.url(path))
        .bearer_auth(&app.api_key)
        .header("Idempotency-Key", key)
        .multipart(form)
        .send()
        .await
        .expect("request");
    json_of(res).await
}

#[tokio::test]
async fn a_retried_message_is_posted_and_mailed_once() {
    let app = TestApp::spawn().await;
    app.delivered_order("M-1", "hal@buyer.test").await;
    let (_, r) = post(
        &app,
        &app.api_key,
        "/api/v1/orders/M-1/returns",
        None,
        &one_mug(),
    )
    .await;
    let path = format!("/api/v1/returns/{}/messages", r["id"]);
    let text = "Your label is attached.";
    let (s1, first) = post_message(&app, &path, "msg-1", text).await;
    assert_eq!(s1, StatusCode::CREATED, "{first}");
    let (s2, again) = post_message(&app, &path, "msg-1", text).await;
    assert_eq!(s2, StatusCode::OK, "{again}");
    assert_eq!(again, first);
    let posted = "SELECT COUNT(*) FROM events WHERE kind = 'message.posted'";
    assert_eq!(count(&app, posted).await, 1);
    let (s3, problem) = post_message(&app, &path, "msg-1", "Another text.").await;
    assert_eq!(s3, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (_, thread) = json_of(app.api_get(&path).await).await;
    assert_eq!(thread.as_array().map(Vec::len), Some(1), "{thread}");
    assert_eq!(count(&app, posted).await, 1);
}
