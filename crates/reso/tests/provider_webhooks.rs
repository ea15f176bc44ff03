//! Provider notifications in: a repeated delivery changes nothing twice, the
//! echo of a refund Reso made is not a second refund, late and out-of-order
//! news changes nothing, a reversal reopens the money and tells the shop, a
//! refused signature changes nothing. The provider's own signature check is
//! replaced by a fake one here (the adapters test theirs); everything after
//! it is the real ingress. Runs on PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use axum::http::HeaderMap;
use reso::app::payment_providers::{self, Connection};
use reso::app::provider_notifications::{receive_with, IngressError, Received};
use reso::gateways::notification::{
    DisputeNews, DisputeStage, DisputeState, ProviderNotification, RefundNews, RefundState,
    Rejection, Subject,
};
use reso::gateways::providers::{Mode, Provider, ProviderAccount};
use reso::secrets::{Secret, SecretKey};
use reso::AppState;
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;
use std::sync::Arc;
use support::{sample_order, TestApp, DAY, START};

const WEBHOOK_SECRET: &str = "whsec_fake_signing_secret";

/// Stands in for a provider's check: the header must carry the account's
/// webhook secret; the body is a list of plain JSON notifications.
fn fake_verify(
    account: &ProviderAccount,
    headers: &HeaderMap,
    body: &[u8],
    _now: Timestamp,
) -> Result<Vec<ProviderNotification>, Rejection> {
    let signature = headers
        .get("x-fake-signature")
        .ok_or(Rejection::MissingSignature)?;
    if signature.as_bytes() != account.secret("webhook_secret").as_bytes() {
        return Err(Rejection::BadSignature);
    }
    let items: Vec<Value> =
        serde_json::from_slice(body).map_err(|e| Rejection::Unparseable(e.to_string()))?;
    let eur =
        |minor: &Value| Money::new(minor.as_i64().unwrap_or(0), Currency::parse("EUR").unwrap());
    Ok(items
        .iter()
        .map(|n| {
            let subject = if let Some(r) = n.get("refund") {
                let reason = r["reason"].as_str().unwrap_or("").to_string();
                Subject::Refund(RefundNews {
                    gateway_refund_id: r["id"].as_str().unwrap().into(),
                    payment_reference: r["payment"].as_str().unwrap().into(),
                    reso_reference: r["reso"].as_str().map(String::from),
                    amount: eur(&r["amount_minor"]),
                    state: match r["state"].as_str().unwrap() {
                        "pending" => RefundState::Pending,
                        "succeeded" => RefundState::Succeeded,
                        "failed" => RefundState::Failed { reason },
                        _ => RefundState::Reversed { reason },
                    },
                })
            } else {
                let d = &n["dispute"];
                Subject::Dispute(DisputeNews {
                    dispute_id: d["id"].as_str().unwrap().into(),
                    payment_reference: d["payment"].as_str().unwrap().into(),
                    amount: eur(&d["amount_minor"]),
                    reason_code: d["reason_code"].as_str().unwrap().into(),
                    stage: DisputeStage::Chargeback,
                    respond_by: Some(Timestamp(START + 7 * DAY)),
                    state: DisputeState::NeedsResponse,
                })
            };
            ProviderNotification {
                notification_id: n["id"].as_str().unwrap().into(),
                occurred_at: Timestamp(n["at"].as_i64().unwrap_or(START)),
                subject,
            }
        })
        .collect())
}

struct Shop {
    app: TestApp,
    state: AppState,
    account_id: i64,
}

/// A shop with a connected Stripe account and order 4001 paid through it.
async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let mut state = app.state.clone();
    state.sealing_key = Some(Arc::new(SecretKey::generate().0));
    let account = payment_providers::connect(
        &state,
        app.merchant.id,
        Provider::Stripe,
        Connection {
            base_url: Some("http://127.0.0.1:9".into()),
            mode: Mode::Test,
            settings: BTreeMap::new(),
            secrets: BTreeMap::from([
                (
                    "secret_key".to_string(),
                    Secret::new("sk_test_fake_key_1234"),
                ),
                ("webhook_secret".to_string(), Secret::new(WEBHOOK_SECRET)),
            ]),
        },
    )
    .await
    .expect("connect");
    let mut order = sample_order("4001", "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("stripe");
    order["payments"][0]["reference"] = json!("pi_4001");
    app.create_order(&order).await;
    Shop {
        app,
        state,
        account_id: account.id,
    }
}

impl Shop {
    /// A pending goodwill refund through Stripe; its id.
    async fn refund(&self, amount_minor: i64) -> i64 {
        let res = self
            .app
            .api_post(
                "/api/v1/orders/4001/refunds",
                &json!({ "amount_minor": amount_minor, "method": "original_payment", "reason": "late parcel" }),
            )
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["items"][0]["status"], "pending", "{body}");
        body["items"][0]["id"].as_i64().unwrap()
    }

    async fn deliver(&self, items: Value) -> Result<Received, IngressError> {
        let mut headers = HeaderMap::new();
        headers.insert("x-fake-signature", WEBHOOK_SECRET.parse().unwrap());
        self.deliver_with(&headers, items.to_string().as_bytes())
            .await
    }

    async fn deliver_with(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Received, IngressError> {
        receive_with(&self.state, self.account_id, fake_verify, headers, body).await
    }

    async fn text(&self, sql: &str, id: i64) -> String {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }

    async fn status(&self, refund_id: i64) -> String {
        self.text("SELECT status FROM refunds WHERE id = $1", refund_id)
            .await
    }

    /// What the payment has promised back (pending and succeeded refunds).
    async fn refunded(&self) -> i64 {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query_scalar("SELECT refunded_minor FROM payments WHERE reference = 'pi_4001'")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }

    async fn events(&self, kind: &str) -> Vec<Value> {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query("SELECT data FROM events WHERE merchant_id = $1 AND kind = $2 ORDER BY id")
            .bind(self.app.merchant.id)
            .bind(kind)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| serde_json::from_str(&r.get::<String, _>("data")).unwrap())
            .collect()
    }

    async fn refund_count(&self) -> i64 {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM refunds")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }
}

fn news(id: &str, refund_id: i64, gateway_id: &str, state: &str) -> Value {
    json!({ "id": id, "at": START, "refund": { "id": gateway_id, "payment": "pi_4001",
        "reso": format!("reso-refund-{refund_id}"), "amount_minor": 1_000, "state": state, "reason": "card closed" } })
}

#[tokio::test]
async fn repeated_echoed_and_late_news_change_nothing_twice() {
    let shop = shop().await;
    let refund = shop.refund(1_000).await;
    assert_eq!(shop.refunded().await, 1_000);

    // The provider names its refund before it settles: Reso keeps the id.
    let got = shop
        .deliver(json!([news("evt_1", refund, "re_1", "pending")]))
        .await
        .unwrap();
    assert_eq!(
        got,
        Received {
            applied: 1,
            repeated: 0
        }
    );
    assert_eq!(shop.status(refund).await, "pending");
    assert_eq!(
        shop.text(
            "SELECT gateway_refund_id FROM refunds WHERE id = $1",
            refund
        )
        .await,
        "re_1"
    );

    let got = shop
        .deliver(json!([news("evt_2", refund, "re_1", "succeeded")]))
        .await
        .unwrap();
    assert_eq!(
        got,
        Received {
            applied: 1,
            repeated: 0
        }
    );
    assert_eq!(shop.status(refund).await, "succeeded");
    assert_eq!(shop.events("refund.succeeded").await.len(), 1);

    // The same delivery again: acknowledged, nothing changes.
    let got = shop
        .deliver(json!([news("evt_2", refund, "re_1", "succeeded")]))
        .await
        .unwrap();
    assert_eq!(
        got,
        Received {
            applied: 0,
            repeated: 1
        }
    );
    // The provider's echo under another id, without Reso's reference: the
    // same refund, not a second one.
    let mut echo = news("evt_3", refund, "re_1", "succeeded");
    echo["refund"]["reso"] = Value::Null;
    shop.deliver(json!([echo])).await.unwrap();
    // Out of order: "pending" after "succeeded".
    shop.deliver(json!([news("evt_0", refund, "re_1", "pending")]))
        .await
        .unwrap();

    assert_eq!(shop.status(refund).await, "succeeded");
    assert_eq!(shop.refund_count().await, 1);
    assert_eq!(shop.refunded().await, 1_000);
    assert_eq!(shop.events("refund.succeeded").await.len(), 1);
    assert!(shop.events("refund.unmatched").await.is_empty());
}

#[tokio::test]
async fn a_reversed_refund_reopens_the_money_and_tells_the_shop() {
    let shop = shop().await;
    let refund = shop.refund(1_000).await;
    shop.deliver(json!([news("evt_1", refund, "re_1", "succeeded")]))
        .await
        .unwrap();
    assert_eq!(shop.refunded().await, 1_000);

    let got = shop
        .deliver(json!([news("evt_2", refund, "re_1", "reversed")]))
        .await
        .unwrap();
    assert_eq!(got.applied, 1);
    assert_eq!(shop.status(refund).await, "reversed");
    assert_eq!(shop.refunded().await, 0, "the money is owed again");
    let reversed = shop.events("refund.reversed").await;
    assert_eq!(reversed.len(), 1);
    assert_eq!(reversed[0]["failure"], "card closed");
    // Mailed to the shop's support address, nobody having subscribed.
    let mut conn = shop.state.db.reader().acquire().await.unwrap();
    let mails: Vec<String> = sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail'")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let alert: Vec<Value> = mails
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|p| p["kind"] == "refund.reversed")
        .collect();
    assert_eq!(alert.len(), 1, "{mails:?}");
    assert_eq!(alert[0]["to"], "help@acme.test");

    // Reversed twice (another id) or "succeeded" late: nothing more.
    shop.deliver(json!([news("evt_3", refund, "re_1", "reversed")]))
        .await
        .unwrap();
    shop.deliver(json!([news("evt_4", refund, "re_1", "succeeded")]))
        .await
        .unwrap();
    assert_eq!(shop.status(refund).await, "reversed");
    assert_eq!(shop.refunded().await, 0);
    assert_eq!(shop.events("refund.reversed").await.len(), 1);
    // The reopened money can be refunded again.
    shop.refund(1_000).await;
    assert_eq!(shop.refunded().await, 1_000);
}

#[tokio::test]
async fn a_failed_refund_releases_its_reservation_once() {
    let shop = shop().await;
    let refund = shop.refund(2_500).await;
    assert_eq!(shop.refunded().await, 2_500);
    let got = shop
        .deliver(json!([
            news("evt_1", refund, "re_9", "failed"),
            news("evt_1", refund, "re_9", "failed")
        ]))
        .await
        .unwrap();
    assert_eq!(
        got,
        Received {
            applied: 1,
            repeated: 1
        },
        "a batch repeating itself"
    );
    assert_eq!(shop.status(refund).await, "failed");
    assert_eq!(shop.refunded().await, 0);
    assert_eq!(shop.events("refund.failed").await.len(), 1);
    // A late "succeeded" does not undo the failure nor draw the money again.
    shop.deliver(json!([news("evt_2", refund, "re_9", "succeeded")]))
        .await
        .unwrap();
    assert_eq!(shop.status(refund).await, "failed");
    assert_eq!(shop.refunded().await, 0);
}

#[tokio::test]
async fn a_reversal_before_success_is_a_failure() {
    let shop = shop().await;
    let refund = shop.refund(1_000).await;
    shop.deliver(json!([news("evt_2", refund, "re_1", "reversed")]))
        .await
        .unwrap();
    assert_eq!(shop.status(refund).await, "failed");
    assert_eq!(shop.refunded().await, 0);
    // Its "succeeded", arriving after: too late to matter.
    shop.deliver(json!([news("evt_1", refund, "re_1", "succeeded")]))
        .await
        .unwrap();
    assert_eq!(shop.status(refund).await, "failed");
    assert_eq!(shop.refunded().await, 0);
}

#[tokio::test]
async fn refunds_made_elsewhere_and_disputes_are_recorded_as_events() {
    let shop = shop().await;
    let dashboard = json!({ "id": "evt_d", "at": START, "refund": { "id": "re_dash", "payment": "pi_4001",
        "amount_minor": 700, "state": "succeeded" } });
    let dispute = json!({ "id": "evt_dp", "at": START, "dispute": { "id": "dp_1", "payment": "pi_4001",
        "amount_minor": 23_800, "reason_code": "fraudulent" } });
    let got = shop.deliver(json!([dashboard, dispute])).await.unwrap();
    assert_eq!(got.applied, 2);
    assert_eq!(
        shop.refund_count().await,
        0,
        "imported later by reconciliation"
    );
    assert_eq!(shop.refunded().await, 0);
    let unmatched = shop.events("refund.unmatched").await;
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0]["gateway_refund_id"], "re_dash");
    assert_eq!(unmatched[0]["order_number"], "4001");
    let disputes = shop.events("dispute.reported").await;
    assert_eq!(disputes.len(), 1);
    assert_eq!(disputes[0]["reason_code"], "fraudulent");
    assert_eq!(disputes[0]["respond_by"], START + 7 * DAY);
}

#[tokio::test]
async fn a_refused_notification_changes_nothing() {
    let shop = shop().await;
    let refund = shop.refund(1_000).await;
    let body = json!([news("evt_1", refund, "re_1", "succeeded")]).to_string();
    let no_signature = shop.deliver_with(&HeaderMap::new(), body.as_bytes()).await;
    assert!(matches!(
        no_signature,
        Err(IngressError::Rejected(Rejection::MissingSignature))
    ));
    let mut wrong = HeaderMap::new();
    wrong.insert("x-fake-signature", "whsec_guess".parse().unwrap());
    let bad = shop.deliver_with(&wrong, body.as_bytes()).await;
    assert!(matches!(
        bad,
        Err(IngressError::Rejected(Rejection::BadSignature))
    ));
    let mut right = HeaderMap::new();
    right.insert("x-fake-signature", WEBHOOK_SECRET.parse().unwrap());
    let garbled = shop.deliver_with(&right, b"{not json").await;
    assert!(matches!(
        garbled,
        Err(IngressError::Rejected(Rejection::Unparseable(_)))
    ));
    let unknown = receive_with(
        &shop.state,
        shop.account_id + 1_000,
        fake_verify,
        &right,
        body.as_bytes(),
    )
    .await;
    assert!(matches!(unknown, Err(IngressError::UnknownAccount)));

    assert_eq!(shop.status(refund).await, "pending");
    let mut conn = shop.state.db.reader().acquire().await.unwrap();
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM provider_notifications")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(recorded, 0);
    // Accepted afterwards, as the provider retries with a good signature.
    assert_eq!(
        shop.deliver_with(&right, body.as_bytes())
            .await
            .unwrap()
            .applied,
        1
    );
}

#[tokio::test]
async fn the_same_notification_delivered_twice_at_once_applies_once() {
    let shop = shop().await;
    let refund = shop.refund(1_000).await;
    let items = json!([news("evt_1", refund, "re_1", "failed")]);
    let (a, b) = tokio::join!(shop.deliver(items.clone()), shop.deliver(items));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.applied + b.applied, 1, "{a:?} {b:?}");
    assert_eq!(a.repeated + b.repeated, 1);
    assert_eq!(shop.refunded().await, 0);
    assert_eq!(shop.events("refund.failed").await.len(), 1);
}

#[tokio::test]
async fn the_webhook_url_answers_in_problems() {
    let shop = shop().await;
    let post = |path: String| {
        shop.app
            .http
            .post(shop.app.url(&path))
            .header("stripe-signature", "t=1,v1=00")
            .body("{}")
            .send()
    };
    let res = post("/webhooks/payments/999999".into()).await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = post("/webhooks/payments/not-a-number".into())
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // The server under test has no sealing key: a known account whose
    // secrets cannot be opened is the server's trouble (5xx, so the provider
    // delivers again later), never an acceptance.
    let res = post(format!("/webhooks/payments/{}", shop.account_id))
        .await
        .unwrap();
    assert!(res.status().is_server_error(), "{}", res.status());
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_bad_stripe_signature_is_refused_with_401() {
    let shop = shop().await;
    let refund = shop.refund(1_000).await;
    // The shop's keyed state behind a port of its own: the real Stripe check.
    let base = support::serve(reso::server::router(shop.state.clone())).await;
    let body = json!({ "id": "evt_1", "type": "refund.updated" }).to_string();
    for signature in [None, Some(format!("t={},v1=00ff", START / 1000))] {
        let mut req = shop
            .app
            .http
            .post(format!("{base}/webhooks/payments/{}", shop.account_id))
            .body(body.clone());
        if let Some(s) = &signature {
            req = req.header("stripe-signature", s);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{signature:?}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(shop.status(refund).await, "pending");
    let mut conn = shop.state.db.reader().acquire().await.unwrap();
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM provider_notifications")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(recorded, 0);
}
