//! Money stays exact end to end: refunds asked for at once on one Stripe
//! payment, sent by the worker to a fake Stripe that drops the connection
//! after accepting and answers 500, then confirmed, echoed, repeated and
//! finally reversed by signed webhooks through the real ingress. Afterwards
//! Stripe holds one refund per Reso refund, and Reso's ledger matches it.
//! Runs on PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use hmac::{Hmac, Mac};
use reso::app::payment_providers::{self, Connection};
use reso::clock::Clock;
use reso::gateways::providers::{Mode, Provider};
use reso::secrets::{Secret, SecretKey};
use reso::AppState;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use support::fake_provider::{FakeProvider, Fault, Recorded, Reply};
use support::provider_spec::ProviderSpec;
use support::{sample_order, TestApp, DAY, START};

const WEBHOOK_SECRET: &str = "whsec_ledger_test_secret";
const PAYMENT: &str = "pi_5001";
const CAPTURED: i64 = 23_800;

/// Stripe's side: refunds by id, and the refund each idempotency key made.
#[derive(Default)]
struct Stripe {
    refunds: Vec<Value>,
    keys: HashMap<String, usize>,
}

impl Stripe {
    fn answer(&mut self, r: &Recorded) -> Reply {
        if r.method == "POST" && r.path() == "/v1/refunds" {
            let key = r.header("idempotency-key").unwrap_or_default().to_string();
            if let Some(&i) = self.keys.get(&key) {
                return Reply::json(200, self.refunds[i].clone());
            }
            let amount: i64 = r.form_value("amount").unwrap().parse().unwrap();
            let taken: i64 = self
                .refunds
                .iter()
                .map(|r| r["amount"].as_i64().unwrap())
                .sum();
            if taken + amount > CAPTURED {
                return Reply::json(
                    400,
                    json!({ "error": { "type": "invalid_request_error",
                    "code": "amount_too_large", "message": "Refund amount is greater than unrefunded amount" } }),
                );
            }
            let refund = json!({
                "id": format!("re_{}", self.refunds.len() + 1), "object": "refund",
                "amount": amount, "currency": "eur", "status": "pending",
                "payment_intent": r.form_value("payment_intent"),
                "metadata": { "reso_refund_id": r.form_value("metadata[reso_refund_id]") },
            });
            self.keys.insert(key, self.refunds.len());
            self.refunds.push(refund.clone());
            return Reply::json(200, refund);
        }
        let id = r.path().trim_start_matches("/v1/refunds/");
        match self.refunds.iter().find(|x| x["id"] == id) {
            Some(refund) => Reply::json(200, refund.clone()),
            None => Reply::json(
                404,
                json!({ "error": { "type": "invalid_request_error", "code": "resource_missing", "message": "No such refund" } }),
            ),
        }
    }
}

struct Shop {
    app: TestApp,
    state: AppState,
    fake: FakeProvider,
    stripe: Arc<Mutex<Stripe>>,
    /// Reso with a sealing key, on a port of its own (the webhook URL).
    reso: String,
    account_id: i64,
}

async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let stripe = Arc::new(Mutex::new(Stripe::default()));
    let book = stripe.clone();
    let fake = FakeProvider::start(ProviderSpec::load("stripe-spec3-2022-04.json"), move |r| {
        book.lock().unwrap().answer(r)
    })
    .await;
    let mut state = app.state.clone();
    state.sealing_key = Some(Arc::new(SecretKey::generate().0));
    let account = payment_providers::connect(
        &state,
        app.merchant.id,
        Provider::Stripe,
        Connection {
            base_url: Some(fake.base_url.clone()),
            mode: Mode::Test,
            settings: BTreeMap::new(),
            secrets: BTreeMap::from([
                (
                    "secret_key".to_string(),
                    Secret::new("sk_test_ledger_key_1234"),
                ),
                ("webhook_secret".to_string(), Secret::new(WEBHOOK_SECRET)),
            ]),
        },
    )
    .await
    .expect("connect");
    let mut order = sample_order("5001", "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("stripe");
    app.create_order(&order).await;
    let reso = support::serve(reso::server::router(state.clone())).await;
    Shop {
        app,
        state,
        fake,
        stripe,
        reso,
        account_id: account.id,
    }
}

impl Shop {
    /// Runs the worker (with the sealing key) until nothing is due, moving
    /// the clock past each retry.
    async fn work(&self) {
        for _ in 0..12 {
            reso::jobs::run_pending(&self.state)
                .await
                .expect("jobs run");
            self.app.clock.advance_ms(3_600_000);
        }
    }

    async fn webhook(&self, event_id: &str, kind: &str, refund: &Value) -> u16 {
        let now = self.app.clock.now().millis() / 1000;
        let body = json!({ "id": event_id, "object": "event", "type": kind, "created": now,
            "data": { "object": refund } })
        .to_string();
        let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
        mac.update(format!("{now}.{body}").as_bytes());
        let signature: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.app
            .http
            .post(format!(
                "{}/webhooks/payments/{}",
                self.reso, self.account_id
            ))
            .header("stripe-signature", format!("t={now},v1={signature}"))
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// (id, status, amount) of Reso's refunds, and the payment's drawn total.
    async fn ledger(&self) -> (Vec<(i64, String, i64)>, i64) {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT id, status, amount_minor FROM refunds ORDER BY id")
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        let drawn: i64 =
            sqlx::query_scalar("SELECT refunded_minor FROM payments WHERE reference = $1")
                .bind(PAYMENT)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        (rows, drawn)
    }
}

#[tokio::test]
async fn refunds_stay_exact_through_faults_echoes_and_a_reversal() {
    let shop = shop().await;
    // Three refunds of 10,000 at once on 23,800 captured: two fit.
    let body =
        json!({ "amount_minor": 10_000, "method": "original_payment", "reason": "goodwill" });
    let ask = || shop.app.api_post("/api/v1/orders/5001/refunds", &body);
    let answers = futures_like_join(ask(), ask(), ask()).await;
    let accepted = answers.iter().filter(|s| (200..300).contains(*s)).count();
    assert_eq!(accepted, 2, "{answers:?}");
    assert!(
        answers.iter().any(|s| (400..500).contains(s)),
        "{answers:?}"
    );

    // Stripe accepts the first and the line drops; then it answers 500.
    shop.fake.script(Fault::DropAfterAccept);
    shop.fake.script(Fault::Answer(Reply::json(
        500,
        json!({ "error": { "type": "api_error", "message": "boom" } }),
    )));
    shop.work().await;

    let at_stripe = shop.stripe.lock().unwrap().refunds.clone();
    assert_eq!(
        at_stripe.len(),
        2,
        "one refund at Stripe per Reso refund: {at_stripe:#?}"
    );
    shop.fake.assert_requests_match_spec();
    // Retried after the drop and the 500, always with the refund's own key.
    let keys: Vec<String> = shop
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.header("idempotency-key").unwrap().to_string())
        .collect();
    assert!(keys.len() >= 4, "{keys:?}");
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 2, "{keys:?}");
    let (refunds, drawn) = shop.ledger().await;
    assert_eq!(drawn, 20_000);
    assert!(
        refunds.iter().all(|(_, status, _)| status == "pending"),
        "{refunds:?}"
    );

    // Stripe settles both; each news arrives twice, one as charge.refunded too.
    for (i, refund) in at_stripe.iter().enumerate() {
        let mut done = refund.clone();
        done["status"] = json!("succeeded");
        assert_eq!(
            shop.webhook(&format!("evt_ok_{i}"), "refund.updated", &done)
                .await,
            200
        );
        assert_eq!(
            shop.webhook(&format!("evt_ok_{i}"), "refund.updated", &done)
                .await,
            200
        );
        // A late "pending" changes nothing.
        assert_eq!(
            shop.webhook(&format!("evt_late_{i}"), "refund.created", refund)
                .await,
            200
        );
    }
    let (refunds, drawn) = shop.ledger().await;
    assert_eq!(refunds.len(), 2, "an echo is not a second refund");
    assert!(
        refunds.iter().all(|(_, status, _)| status == "succeeded"),
        "{refunds:?}"
    );
    assert_eq!(drawn, 20_000);

    // The bank sends the first one back days later: the money is owed again.
    let mut failed = at_stripe[0].clone();
    failed["status"] = json!("failed");
    failed["failure_reason"] = json!("expired_or_canceled_card");
    assert_eq!(
        shop.webhook("evt_back", "refund.failed", &failed).await,
        200
    );
    assert_eq!(
        shop.webhook("evt_back", "refund.failed", &failed).await,
        200
    );
    let (refunds, drawn) = shop.ledger().await;
    assert_eq!(refunds[0].1, "reversed");
    assert_eq!(refunds[1].1, "succeeded");
    assert_eq!(
        drawn, 10_000,
        "the reversed refund's money is refundable again"
    );
    let live: i64 = refunds
        .iter()
        .filter(|(_, status, _)| status == "pending" || status == "succeeded")
        .map(|r| r.2)
        .sum();
    assert_eq!(live, drawn);
    assert!(drawn <= CAPTURED);
}

/// Three requests in flight at once.
async fn futures_like_join(
    a: impl std::future::Future<Output = reqwest::Response>,
    b: impl std::future::Future<Output = reqwest::Response>,
    c: impl std::future::Future<Output = reqwest::Response>,
) -> Vec<u16> {
    let (a, b, c) = tokio::join!(a, b, c);
    vec![
        a.status().as_u16(),
        b.status().as_u16(),
        c.status().as_u16(),
    ]
}

#[tokio::test]
async fn no_refund_goes_out_while_a_chargeback_is_undecided() {
    let shop = shop().await;
    let body = json!({ "amount_minor": 5_000, "method": "original_payment", "reason": "goodwill" });
    // Asked for before the chargeback, not yet sent.
    let res = shop
        .app
        .api_post("/api/v1/orders/5001/refunds", &body)
        .await;
    assert_eq!(res.status(), 201);

    let now = shop.app.clock.now().millis() / 1000;
    let dispute = |status: &str| {
        json!({ "id": "dp_5001", "object": "dispute", "amount": CAPTURED, "currency": "eur",
            "status": status, "reason": "fraudulent", "payment_intent": PAYMENT,
            "evidence_details": { "due_by": now + 7 * 86_400 } })
    };
    let opened = dispute("needs_response");
    assert_eq!(
        shop.webhook("evt_dp_1", "charge.dispute.created", &opened)
            .await,
        200
    );
    assert_eq!(
        shop.webhook("evt_dp_1", "charge.dispute.created", &opened)
            .await,
        200
    );

    // A new refund is refused; the one asked for earlier waits, unsent.
    let res = shop
        .app
        .api_post("/api/v1/orders/5001/refunds", &body)
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    shop.work().await;
    assert!(shop.fake.requests().is_empty(), "nothing sent to Stripe");
    let (refunds, drawn) = shop.ledger().await;
    assert_eq!((refunds.len(), drawn), (1, 5_000));

    // The merchant wins: the waiting refund goes out, new ones are allowed.
    let mut conn = shop.state.db.reader().acquire().await.unwrap();
    let events: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE kind = 'dispute.reported'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert_eq!(events, 1, "a repeated report changes nothing");
    assert_eq!(
        shop.webhook("evt_dp_2", "charge.dispute.closed", &dispute("won"))
            .await,
        200
    );
    let res = shop
        .app
        .api_post("/api/v1/orders/5001/refunds", &body)
        .await;
    assert_eq!(res.status(), 201);
    shop.work().await;
    assert_eq!(shop.stripe.lock().unwrap().refunds.len(), 2);
    shop.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_lost_chargeback_is_money_already_back_with_the_buyer() {
    let shop = shop().await;
    let shop = &shop;
    let refund = |amount: i64| {
        let body =
            json!({ "amount_minor": amount, "method": "original_payment", "reason": "goodwill" });
        async move {
            shop.app
                .api_post("/api/v1/orders/5001/refunds", &body)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(refund(5_000).await, 201, "asked for, not yet sent");
    let now = shop.app.clock.now().millis() / 1000;
    let dispute = |status: &str| {
        json!({ "id": "dp_5002", "object": "dispute", "amount": 10_000, "currency": "eur",
            "status": status, "reason": "product_not_received", "payment_intent": PAYMENT,
            "evidence_details": { "due_by": now + 7 * 86_400 } })
    };
    assert_eq!(
        shop.webhook(
            "evt_l1",
            "charge.dispute.created",
            &dispute("needs_response")
        )
        .await,
        200
    );
    assert_eq!(
        shop.webhook("evt_l2", "charge.dispute.closed", &dispute("lost"))
            .await,
        200
    );
    assert_eq!(
        shop.webhook("evt_l2", "charge.dispute.closed", &dispute("lost"))
            .await,
        200
    );

    // The waiting refund would have paid the buyer a second time: it failed.
    let (refunds, drawn) = shop.ledger().await;
    assert_eq!(refunds[0].1, "failed");
    assert_eq!(
        drawn, 10_000,
        "the chargeback's amount left the refundable balance"
    );
    shop.work().await;
    assert!(shop.fake.requests().is_empty(), "nothing sent to Stripe");

    // What is left can still be refunded, not more.
    assert_eq!(refund(CAPTURED - 10_000 + 1).await, 409);
    assert_eq!(refund(CAPTURED - 10_000).await, 201);
    let (_, drawn) = shop.ledger().await;
    assert_eq!(drawn, CAPTURED);
}
