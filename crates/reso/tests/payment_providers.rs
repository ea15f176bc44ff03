//! Payment-provider accounts through the API: connected, listed, replaced and
//! disconnected; secrets stored only sealed and never answered; bad input
//! refused with nothing stored; refunds through a provider only once its
//! account is connected. Runs on PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use reso::app::payment_providers::{self, OpenError};
use reso::gateways::providers::Provider;
use reso::secrets::{SecretError, SecretKey};
use reso::AppState;
use serde_json::{json, Value};
use sqlx::Row;
use std::sync::Arc;
use support::{sample_order, TestApp, DAY, START};

const STRIPE_KEY: &str = "sk_test_51HxFAKEfakeFAKEfake4242";
const STRIPE_WHSEC: &str = "whsec_FAKEfakeFAKEfake9876";

/// The test app's state with a sealing key, served on a port of its own.
struct Keyed {
    state: AppState,
    base: String,
}

async fn keyed(app: &TestApp) -> Keyed {
    let (key, _) = SecretKey::generate();
    serve_with(app, Some(key)).await
}

async fn serve_with(app: &TestApp, key: Option<SecretKey>) -> Keyed {
    let mut state = app.state.clone();
    state.sealing_key = key.map(Arc::new);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = reso::server::router(state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    Keyed { state, base }
}

async fn put(app: &TestApp, k: &Keyed, provider: &str, body: &Value) -> (u16, String) {
    let res = app
        .http
        .put(format!("{}/api/v1/payment-providers/{provider}", k.base))
        .bearer_auth(&app.api_key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

async fn list(app: &TestApp, k: &Keyed) -> (u16, String) {
    let res = app
        .http
        .get(format!("{}/api/v1/payment-providers", k.base))
        .bearer_auth(&app.api_key)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

async fn delete(app: &TestApp, k: &Keyed, provider: &str) -> u16 {
    app.http
        .delete(format!("{}/api/v1/payment-providers/{provider}", k.base))
        .bearer_auth(&app.api_key)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

fn stripe_body() -> Value {
    json!({ "base_url": "http://127.0.0.1:9/", "secrets": { "secret_key": STRIPE_KEY, "webhook_secret": STRIPE_WHSEC } })
}

async fn stored_rows(state: &AppState) -> Vec<String> {
    let mut conn = state.db.reader().acquire().await.expect("conn");
    sqlx::query("SELECT base_url, settings, secrets, secret_hints FROM provider_accounts")
        .fetch_all(&mut *conn)
        .await
        .expect("rows")
        .iter()
        .map(|r| {
            (0..4)
                .map(|i| r.get::<String, _>(i))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[tokio::test]
async fn an_account_round_trips_without_ever_showing_its_secrets() {
    let app = TestApp::spawn().await;
    let k = keyed(&app).await;

    let (status, body) = put(&app, &k, "stripe", &stripe_body()).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains(STRIPE_KEY) && !body.contains(STRIPE_WHSEC),
        "{body}"
    );
    let account: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(account["provider"], "stripe");
    assert_eq!(account["base_url"], "http://127.0.0.1:9");
    assert_eq!(account["secrets"]["secret_key"]["configured"], true);
    assert_eq!(account["secrets"]["secret_key"]["last4"], "4242");
    assert_eq!(account["secrets"]["webhook_secret"]["last4"], "9876");
    let id = account["id"].as_i64().unwrap();
    assert_eq!(
        account["webhook_url"],
        format!("{}/webhooks/payments/{id}", app.base)
    );

    let (status, listed) = list(&app, &k).await;
    assert_eq!(status, 200);
    assert!(!listed.contains(STRIPE_KEY) && !listed.contains(STRIPE_WHSEC));
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], id);

    // Stored sealed: no plaintext anywhere in the row.
    let rows = stored_rows(&k.state).await;
    assert_eq!(rows.len(), 1);
    assert!(
        !rows[0].contains("sk_test") && !rows[0].contains("whsec_"),
        "{}",
        rows[0]
    );

    // The worker's view opens them with the key…
    let opened = payment_providers::account_for(&k.state, app.merchant.id, Provider::Stripe)
        .await
        .expect("opens")
        .expect("connected");
    assert_eq!(opened.secret("secret_key"), STRIPE_KEY);
    assert!(!format!("{opened:?}").contains(STRIPE_KEY), "Debug redacts");
    // …and nothing opens them with another key, or without one.
    let mut conn = k.state.db.reader().acquire().await.unwrap();
    let stored = reso::store::provider_accounts::by_id(&mut conn, id)
        .await
        .unwrap();
    let (other, _) = SecretKey::generate();
    assert!(matches!(
        payment_providers::open(Some(&other), &stored),
        Err(OpenError::Secret(SecretError::CannotOpen))
    ));
    assert!(matches!(
        payment_providers::open(None, &stored),
        Err(OpenError::NoKey)
    ));

    // Replaced as a whole, same id (the provider's webhook URL stays).
    let (status, body) = put(
        &app,
        &k,
        "stripe",
        &json!({ "mode": "test", "secrets": { "secret_key": "sk_test_other_key_0000", "webhook_secret": STRIPE_WHSEC } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let replaced: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(replaced["id"], id);
    assert_eq!(replaced["base_url"], "https://api.stripe.com");
    assert_eq!(replaced["secrets"]["secret_key"]["last4"], "0000");

    assert_eq!(delete(&app, &k, "stripe").await, 204);
    assert_eq!(delete(&app, &k, "stripe").await, 404);

    // Connecting and disconnecting are on the shop's timeline, by whom,
    // naming the secrets set but never their values.
    let mut conn = k.state.db.reader().acquire().await.unwrap();
    let events: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT kind, actor, data FROM events WHERE kind LIKE 'payment_provider.%' ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "payment_provider.connected",
            "payment_provider.connected",
            "payment_provider.disconnected"
        ]
    );
    for (_, actor, data) in &events {
        assert!(actor.starts_with("api_key:"), "{actor}");
        assert!(
            !data.contains(STRIPE_KEY) && !data.contains("sk_test") && !data.contains(STRIPE_WHSEC),
            "{data}"
        );
    }
    assert!(events[0].2.contains("secret_key"), "{}", events[0].2);
    let (_, listed) = list(&app, &k).await;
    assert_eq!(
        serde_json::from_str::<Value>(&listed).unwrap()["items"],
        json!([])
    );
}

#[tokio::test]
async fn each_provider_gets_what_it_needs() {
    let app = TestApp::spawn().await;
    let k = keyed(&app).await;
    let (status, body) = put(
        &app,
        &k,
        "adyen",
        &json!({ "mode": "test", "settings": { "merchant_account": "AcmeECOM" },
            "secrets": { "api_key": "AQEyhmfxK4-fake-key-abcd", "hmac_key": "44782DEF547AAA06C910C43932B1EB0C" } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let adyen: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(adyen["base_url"], "https://checkout-test.adyen.com");
    assert_eq!(adyen["settings"]["merchant_account"], "AcmeECOM");
    let (status, body) = put(
        &app,
        &k,
        "paypal",
        &json!({ "mode": "test", "settings": { "client_id": "AcmeClient", "webhook_id": "WH-1" },
            "secrets": { "client_secret": "EFakePayPalSecretValue" } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("https://api-m.sandbox.paypal.com"));
    let (status, body) = put(
        &app,
        &k,
        "klarna",
        &json!({ "settings": { "username": "PK123_abc" }, "secrets": { "password": "klarna-fake-password" } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("https://api.klarna.com"));
    let (_, listed) = list(&app, &k).await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let providers: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["adyen", "klarna", "paypal"]);
}

#[tokio::test]
async fn bad_input_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let k = keyed(&app).await;
    let secrets = json!({ "secret_key": STRIPE_KEY, "webhook_secret": STRIPE_WHSEC });
    let cases = [
        ("bitcoin", stripe_body(), 422, "unknown payment provider"),
        ("simulator", stripe_body(), 422, "needs no account"),
        (
            "stripe",
            json!({ "base_url": "http://api.stripe.example", "secrets": secrets }),
            422,
            "https",
        ),
        (
            "stripe",
            json!({ "base_url": "ftp://127.0.0.1", "secrets": secrets }),
            422,
            "https",
        ),
        (
            "stripe",
            json!({ "base_url": "https://u:p@api.stripe.com", "secrets": secrets }),
            422,
            "credentials",
        ),
        (
            "stripe",
            json!({ "base_url": "not a url", "secrets": secrets }),
            422,
            "not a URL",
        ),
        (
            "stripe",
            json!({ "secrets": { "secret_key": STRIPE_KEY } }),
            422,
            "webhook_secret",
        ),
        (
            "stripe",
            json!({ "secrets": { "secret_key": STRIPE_KEY, "webhook_secret": "  " } }),
            422,
            "webhook_secret",
        ),
        (
            "stripe",
            json!({ "secrets": secrets, "settings": { "colour": "red" } }),
            422,
            "no setting 'colour'",
        ),
        (
            "stripe",
            json!({ "secrets": { "secret_key": STRIPE_KEY, "webhook_secret": STRIPE_WHSEC, "pin": "1" } }),
            422,
            "no secret 'pin'",
        ),
        (
            "stripe",
            json!({ "secrets": secrets, "mode": "sandbox" }),
            422,
            "mode",
        ),
        (
            "stripe",
            json!({ "secrets": secrets, "colour": "red" }),
            422,
            "colour",
        ),
        (
            "adyen",
            json!({ "settings": { "merchant_account": "A" }, "secrets": { "api_key": "k", "hmac_key": "h" } }),
            422,
            "base_url",
        ),
        (
            "paypal",
            json!({ "secrets": { "client_secret": "s" } }),
            422,
            "client_id",
        ),
    ];
    for (provider, body, want, says) in cases {
        let (status, text) = put(&app, &k, provider, &body).await;
        assert_eq!(status, want, "{provider} {body}: {text}");
        assert!(text.contains(says), "{provider} {body}: {text}");
        assert!(
            !text.contains(STRIPE_KEY),
            "a refusal does not echo secrets"
        );
    }
    let res = app
        .http
        .put(format!("{}/api/v1/payment-providers/stripe", k.base))
        .bearer_auth(&app.api_key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = app
        .http
        .put(format!("{}/api/v1/payment-providers/stripe", k.base))
        .json(&stripe_body())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "an API key is needed");
    assert!(stored_rows(&k.state).await.is_empty());
}

#[tokio::test]
async fn without_a_key_no_secret_is_stored() {
    let app = TestApp::spawn().await;
    let unkeyed = serve_with(&app, None).await;
    let (status, body) = put(&app, &unkeyed, "stripe", &stripe_body()).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("RESO_SECRET_KEY"), "{body}");
    assert!(stored_rows(&unkeyed.state).await.is_empty());
    // Listing works without the key.
    assert_eq!(list(&app, &unkeyed).await.0, 200);
}

/// An order paid through Stripe, delivered three days ago.
async fn stripe_order(app: &TestApp, number: &str) {
    let mut order = sample_order(number, "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("stripe");
    app.create_order(&order).await;
}

async fn goodwill(app: &TestApp, k: &Keyed, number: &str) -> (u16, Value) {
    let res = app
        .http
        .post(format!("{}/api/v1/orders/{number}/refunds", k.base))
        .bearer_auth(&app.api_key)
        .json(&json!({ "amount_minor": 1_000, "method": "original_payment", "reason": "late parcel" }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_refund_goes_through_a_provider_only_once_its_account_is_connected() {
    let app = TestApp::spawn().await;
    let k = keyed(&app).await;
    stripe_order(&app, "3001").await;

    let (status, body) = goodwill(&app, &k, "3001").await;
    assert_eq!(status, 409, "{body}");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("payment-providers/stripe"));

    assert_eq!(put(&app, &k, "stripe", &stripe_body()).await.0, 200);
    let (status, body) = goodwill(&app, &k, "3001").await;
    assert_eq!(status, 201, "{body}");
    let refund_id = body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(body["items"][0]["status"], "pending");

    // The worker resolves the merchant's account; whatever the provider's
    // adapter makes of the unreachable loopback URL, the refund stays pending
    // and in view, and nothing is refunded twice.
    reso::jobs::run_pending(&k.state).await.expect("jobs");
    let mut conn = k.state.db.reader().acquire().await.unwrap();
    let refund = reso::store::refunds::load(&mut conn, refund_id)
        .await
        .unwrap();
    assert_eq!(refund.status, "pending");
    let refunds = reso::store::refunds::for_order(&mut conn, refund.order_id)
        .await
        .unwrap();
    assert_eq!(refunds.len(), 1);

    // Disconnected meanwhile: the next try fails for good, saying what to
    // do, and the refund still waits, pending, for staff to see.
    assert_eq!(delete(&app, &k, "stripe").await, 204);
    let mut tx = k.state.db.begin().await.unwrap();
    let job_id = reso::store::jobs::enqueue(
        &mut tx,
        "gateway_refund",
        &json!({ "refund_id": refund_id }),
        START,
        START,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    reso::jobs::run_pending(&k.state).await.expect("jobs");
    let row = sqlx::query("SELECT last_error, done_at FROM jobs WHERE id = $1")
        .bind(job_id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let error: Option<String> = row.get("last_error");
    assert!(
        error
            .as_deref()
            .unwrap_or("")
            .contains("has not connected a stripe account"),
        "{error:?}"
    );
    let given_up: Option<i64> = row.get("done_at");
    assert!(
        given_up.is_some(),
        "not retried: it cannot work until connected"
    );
    let refund = reso::store::refunds::load(&mut conn, refund_id)
        .await
        .unwrap();
    assert_eq!(refund.status, "pending");
}

#[tokio::test]
async fn the_provider_endpoints_are_documented() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, method) in [
        ("/api/v1/payment-providers", "get"),
        ("/api/v1/payment-providers/{provider}", "put"),
        ("/api/v1/payment-providers/{provider}", "delete"),
        ("/webhooks/payments/{account_id}", "post"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
}
