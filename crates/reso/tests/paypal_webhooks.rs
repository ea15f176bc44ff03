//! PayPal notifications through the real ingress: PayPal's signature is
//! checked by asking PayPal (`verify-webhook-signature`, here a fake PayPal
//! on loopback), so a verdict of SUCCESS moves the refund, FAILURE or missing
//! transmission headers are refused with nothing recorded, and PayPal being
//! unreachable answers 503 so PayPal delivers again. Runs on PostgreSQL too
//! with RESO_TEST_POSTGRES_URL.

mod support;

use axum::routing::post;
use axum::{Json, Router};
use reso::app::payment_providers::{self, Connection};
use reso::gateways::providers::{Mode, Provider};
use reso::secrets::{Secret, SecretKey};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::{sample_order, TestApp, DAY, START};

const CAPTURE: &str = "2GG279541U471931P";

/// What the fake PayPal says about a signature: a verdict, or 503.
type Verdict = Arc<Mutex<Option<&'static str>>>;

async fn fake_paypal(verdict: Verdict) -> String {
    let router = Router::new()
        .route(
            "/v1/oauth2/token",
            post(|| async {
                Json(json!({ "access_token": "A21AAFake", "token_type": "Bearer", "expires_in": 32400 }))
            }),
        )
        .route(
            "/v1/notifications/verify-webhook-signature",
            post(move |Json(asked): Json<Value>| {
                let verdict = *verdict.lock().unwrap();
                async move {
                    assert_eq!(asked["webhook_id"], "WH-RESO-1");
                    assert!(asked["webhook_event"]["id"].is_string());
                    match verdict {
                        Some(v) => (
                            axum::http::StatusCode::OK,
                            Json(json!({ "verification_status": v })),
                        ),
                        None => (
                            axum::http::StatusCode::SERVICE_UNAVAILABLE,
                            Json(json!({ "name": "SERVICE_UNAVAILABLE" })),
                        ),
                    }
                }
            }),
        );
    support::serve(router).await
}

struct Shop {
    app: TestApp,
    /// Reso itself, with a sealing key, on a port of its own.
    reso: String,
    account_id: i64,
    verdict: Verdict,
}

async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let mut state = app.state.clone();
    state.sealing_key = Some(Arc::new(SecretKey::generate().0));
    let verdict: Verdict = Arc::new(Mutex::new(Some("SUCCESS")));
    let paypal = fake_paypal(verdict.clone()).await;
    let account = payment_providers::connect(
        &state,
        app.merchant.id,
        Provider::Paypal,
        Connection {
            base_url: Some(paypal),
            mode: Mode::Test,
            settings: BTreeMap::from([
                ("client_id".to_string(), "AYfake-client".to_string()),
                ("webhook_id".to_string(), "WH-RESO-1".to_string()),
            ]),
            secrets: BTreeMap::from([(
                "client_secret".to_string(),
                Secret::new("EFfake-client-secret"),
            )]),
        },
    )
    .await
    .expect("connect");
    let mut order = sample_order("4002", "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("paypal");
    order["payments"][0]["reference"] = json!(CAPTURE);
    app.create_order(&order).await;
    let reso = support::serve(reso::server::router(state)).await;
    Shop {
        app,
        reso,
        account_id: account.id,
        verdict,
    }
}

impl Shop {
    async fn refund(&self) -> i64 {
        let res = self
            .app
            .api_post(
                "/api/v1/orders/4002/refunds",
                &json!({ "amount_minor": 1_250, "method": "original_payment", "reason": "late parcel" }),
            )
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["items"][0]["status"], "pending", "{body}");
        body["items"][0]["id"].as_i64().unwrap()
    }

    async fn deliver(&self, event: &Value, signed: bool) -> reqwest::Response {
        let mut req = self
            .app
            .http
            .post(format!(
                "{}/webhooks/payments/{}",
                self.reso, self.account_id
            ))
            .header("content-type", "application/json")
            .body(event.to_string());
        if signed {
            req = req
                .header(
                    "paypal-transmission-id",
                    "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
                )
                .header("paypal-transmission-time", "2026-11-24T10:15:00Z")
                .header("paypal-transmission-sig", "c2lnbmF0dXJl")
                .header(
                    "paypal-cert-url",
                    "https://api.paypal.com/v1/notifications/certs/CERT-1",
                )
                .header("paypal-auth-algo", "SHA256withRSA");
        }
        req.send().await.unwrap()
    }

    async fn scalar(&self, sql: &str) -> String {
        let mut conn = self.app.state.db.reader().acquire().await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
    }
}

fn refunded_event(refund_id: i64) -> Value {
    json!({
        "id": "WH-2WR32451HC0233532-67976317FL4543714",
        "event_version": "1.0",
        "create_time": "2026-11-24T10:15:00.123Z",
        "resource_type": "refund",
        "event_type": "PAYMENT.CAPTURE.REFUNDED",
        "summary": "A EUR 12.50 EUR capture payment was refunded",
        "resource": {
            "id": "1JU08902781691411",
            "amount": { "value": "12.50", "currency_code": "EUR" },
            "status": "COMPLETED",
            "custom_id": format!("reso-refund-{refund_id}"),
            "links": [
                { "href": format!("https://api-m.paypal.com/v2/payments/captures/{CAPTURE}"), "rel": "up", "method": "GET" }
            ]
        },
        "links": []
    })
}

#[tokio::test]
async fn a_refund_paypal_confirms_is_settled_once() {
    let shop = shop().await;
    let refund = shop.refund().await;
    let event = refunded_event(refund);
    let res = shop.deliver(&event, true).await;
    assert_eq!(res.status(), 200);
    let status = format!("SELECT status FROM refunds WHERE id = {refund}");
    assert_eq!(shop.scalar(&status).await, "succeeded");
    // PayPal delivers again: acknowledged, nothing changes twice.
    let res = shop.deliver(&event, true).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["repeated"], 1, "{body}");
}

#[tokio::test]
async fn what_paypal_does_not_vouch_for_changes_nothing() {
    let shop = shop().await;
    let refund = shop.refund().await;
    let event = refunded_event(refund);
    let status = format!("SELECT status FROM refunds WHERE id = {refund}");
    let recorded = "SELECT CAST(COUNT(*) AS TEXT) FROM provider_notifications";

    let res = shop.deliver(&event, false).await;
    assert_eq!(res.status(), 401, "no transmission headers");
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    *shop.verdict.lock().unwrap() = Some("FAILURE");
    let res = shop.deliver(&event, true).await;
    assert_eq!(res.status(), 401, "PayPal says FAILURE");

    // PayPal cannot answer: not the sender's fault, so PayPal is asked to come again.
    *shop.verdict.lock().unwrap() = None;
    let res = shop.deliver(&event, true).await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    assert_eq!(shop.scalar(&status).await, "pending");
    assert_eq!(shop.scalar(recorded).await, "0");

    // Once PayPal vouches for it, the same delivery is applied.
    *shop.verdict.lock().unwrap() = Some("SUCCESS");
    assert_eq!(shop.deliver(&event, true).await.status(), 200);
    assert_eq!(shop.scalar(&status).await, "succeeded");
}
