//! Disputes in as claims: a chargeback a provider reports on a known order
//! becomes a claim with the provider's reason code and deadline (in the
//! deadlines engine, counted down on the claim); the merchant answers it
//! once, before the deadline; a deadline missed leaves the provider to
//! decide; the provider's decision closes the claim. The provider's
//! signature check is a fake one (the adapters test theirs). Runs on
//! PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use axum::http::HeaderMap;
use reso::app::payment_providers::{self, Connection};
use reso::app::provider_notifications::receive_with;
use reso::gateways::notification::{
    DisputeNews, DisputeStage, DisputeState, ProviderNotification, Rejection, Subject,
};
use reso::gateways::providers::{Mode, Provider, ProviderAccount};
use reso::secrets::{Secret, SecretKey};
use reso::AppState;
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use support::{sample_order, TestApp, DAY, START};

const WEBHOOK_SECRET: &str = "whsec_fake_signing_secret";

/// Stands in for a provider's check: the body is a list of plain JSON
/// dispute reports.
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
    Ok(items
        .iter()
        .map(|n| ProviderNotification {
            notification_id: n["id"].as_str().unwrap().into(),
            occurred_at: Timestamp(n["at"].as_i64().unwrap()),
            subject: Subject::Dispute(DisputeNews {
                dispute_id: n["dispute"].as_str().unwrap().into(),
                payment_reference: n["payment"].as_str().unwrap().into(),
                amount: Money::new(
                    n["amount_minor"].as_i64().unwrap(),
                    Currency::parse("EUR").unwrap(),
                ),
                reason_code: n["reason"].as_str().unwrap_or("fraudulent").into(),
                stage: DisputeStage::parse(n["stage"].as_str().unwrap()).unwrap(),
                respond_by: n["respond_by"].as_i64().map(Timestamp),
                state: DisputeState::parse(n["state"].as_str().unwrap()).unwrap(),
            }),
        })
        .collect())
}

struct Shop {
    app: TestApp,
    state: AppState,
    account_id: i64,
}

/// A shop with a connected Stripe account and orders 5001 and 5002 paid through it.
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
                ("secret_key".to_string(), Secret::new("sk_test_fake_key_1")),
                ("webhook_secret".to_string(), Secret::new(WEBHOOK_SECRET)),
            ]),
        },
    )
    .await
    .expect("connect");
    for number in ["5001", "5002"] {
        let mut order = sample_order(number, "ada@example.com", START - 3 * DAY);
        order["payments"][0]["gateway"] = json!("stripe");
        order["payments"][0]["reference"] = json!(format!("pi_{number}"));
        app.create_order(&order).await;
    }
    Shop {
        app,
        state,
        account_id: account.id,
    }
}

impl Shop {
    async fn report(
        &self,
        id: &str,
        dispute: &str,
        payment: &str,
        stage: &str,
        state: &str,
        at: i64,
    ) {
        let item = json!({
            "id": id, "at": at, "dispute": dispute, "payment": payment, "amount_minor": 2_500,
            "stage": stage, "state": state,
            "respond_by": (state == "needs_response").then_some(at + 7 * DAY),
        });
        let mut headers = HeaderMap::new();
        headers.insert("x-fake-signature", WEBHOOK_SECRET.parse().unwrap());
        let body = json!([item]).to_string();
        receive_with(
            &self.state,
            self.account_id,
            fake_verify,
            &headers,
            body.as_bytes(),
        )
        .await
        .expect("delivered");
    }

    async fn claims(&self) -> Vec<Value> {
        let res = self.app.api_get("/api/v1/claims").await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        body["items"].as_array().cloned().unwrap_or_default()
    }

    async fn claim(&self, id: i64) -> Value {
        let res = self.app.api_get(&format!("/api/v1/claims/{id}")).await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn answer(&self, id: i64, body: Value) -> (u16, Value) {
        let res = self
            .app
            .api_post(&format!("/api/v1/claims/{id}/dispute-answer"), &body)
            .await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

fn event_kinds(claim: &Value) -> Vec<String> {
    claim["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {claim}"))
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_chargeback_becomes_a_claim_answered_once_and_closed_by_the_provider() {
    let shop = shop().await;
    shop.report(
        "evt_1",
        "dp_1",
        "pi_5001",
        "chargeback",
        "needs_response",
        START,
    )
    .await;
    // The same news again opens nothing twice.
    shop.report(
        "evt_1",
        "dp_1",
        "pi_5001",
        "chargeback",
        "needs_response",
        START,
    )
    .await;
    let claims = shop.claims().await;
    assert_eq!(claims.len(), 1, "{claims:?}");
    let id = claims[0]["id"].as_i64().unwrap();
    let claim = shop.claim(id).await;
    assert_eq!(claim["kind"], "chargeback");
    assert_eq!(claim["status"], "awaiting_merchant");
    assert_eq!(claim["order_number"], "5001");
    assert_eq!(claim["seconds_left"], json!(7 * 86_400), "{claim}");
    let dispute = &claim["dispute"];
    assert_eq!(dispute["provider"], "stripe");
    assert_eq!(dispute["dispute_id"], "dp_1");
    assert_eq!(dispute["reason_code"], "fraudulent");
    assert_eq!(dispute["amount_minor"], 2_500);
    assert_eq!(dispute["seconds_left"], json!(7 * 86_400));
    assert!(event_kinds(&claim).contains(&"claim.dispute_opened".to_string()));

    // Bad answers change nothing.
    let (status, problem) = shop.answer(id, json!({ "answer": "maybe" })).await;
    assert_eq!(status, 422, "{problem}");
    let (status, problem) = shop
        .answer(id, json!({ "answer": "evidence", "statement": "  " }))
        .await;
    assert_eq!(status, 422, "evidence needs a statement: {problem}");
    let (status, _) = shop
        .answer(
            id,
            json!({ "answer": "evidence", "statement": "x".repeat(20_001) }),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = shop
        .answer(id, json!({ "answer": "accept", "bogus": 1 }))
        .await;
    assert!(status == 400 || status == 422, "{status}");
    let (status, _) = shop.answer(9_999_999, json!({ "answer": "accept" })).await;
    assert_eq!(status, 404);
    assert_eq!(shop.claim(id).await["status"], "awaiting_merchant");

    // The buyer-protection answer is not how a dispute is answered.
    let res = shop
        .app
        .api_post(
            &format!("/api/v1/claims/{id}/answer"),
            &json!({ "refund": "no", "message": "no" }),
        )
        .await;
    assert_eq!(res.status(), 409);

    let (status, answered) = shop
        .answer(
            id,
            json!({ "answer": "evidence", "statement": "Delivered with tracking 1Z999; signed for.",
                    "refund_refusal": "The goods were delivered as ordered." }),
        )
        .await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["status"], "awaiting_provider");
    assert_eq!(answered["dispute"]["response"], "evidence");
    assert_eq!(answered["dispute"]["state"], "under_review");
    assert_eq!(
        answered["seconds_left"],
        Value::Null,
        "no countdown once answered"
    );
    let (status, _) = shop.answer(id, json!({ "answer": "accept" })).await;
    assert_eq!(status, 409, "answered once");

    // The account the dispute came through stays connected until it is decided.
    let disconnect = || async {
        shop.app
            .http
            .delete(shop.app.url("/api/v1/payment-providers/stripe"))
            .bearer_auth(&shop.app.api_key)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(disconnect().await, 409);

    // The provider decides: won closes the claim.
    shop.report(
        "evt_2",
        "dp_1",
        "pi_5001",
        "chargeback",
        "won",
        START + 20 * DAY,
    )
    .await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "closed");
    assert_eq!(claim["outcome"], "dispute_won");
    assert!(event_kinds(&claim).contains(&"claim.dispute_decided".to_string()));
    // Late news of the earlier state changes nothing.
    shop.report(
        "evt_0",
        "dp_1",
        "pi_5001",
        "chargeback",
        "needs_response",
        START + DAY,
    )
    .await;
    assert_eq!(shop.claim(id).await["status"], "closed");
    assert_eq!(disconnect().await, 204, "decided: it may go");
}

#[tokio::test]
async fn a_missed_deadline_leaves_the_provider_to_decide_and_a_later_stage_reopens() {
    let shop = shop().await;
    shop.report(
        "evt_1",
        "dp_2",
        "pi_5002",
        "inquiry",
        "needs_response",
        START,
    )
    .await;
    let id = shop.claims().await[0]["id"].as_i64().unwrap();
    assert_eq!(shop.claim(id).await["kind"], "provider_claim");

    // The deadline is in the deadlines engine: it fires once the clock passes it.
    shop.app.clock.advance_days(7);
    reso::app::deadlines::fire_due(&shop.state, 100)
        .await
        .unwrap();
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider", "{claim}");
    assert!(event_kinds(&claim).contains(&"claim.dispute_unanswered".to_string()));
    let (status, _) = shop.answer(id, json!({ "answer": "accept" })).await;
    assert_eq!(status, 409, "too late at the provider");

    // The provider escalates the inquiry to a chargeback: a new round.
    shop.report(
        "evt_2",
        "dp_2",
        "pi_5002",
        "chargeback",
        "needs_response",
        START + 8 * DAY,
    )
    .await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["kind"], "chargeback");
    assert_eq!(claim["status"], "awaiting_merchant");
    let (status, accepted) = shop
        .answer(
            id,
            json!({ "answer": "accept", "statement": "Sorry for the trouble." }),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["dispute"]["response"], "accepted");
    shop.report(
        "evt_3",
        "dp_2",
        "pi_5002",
        "chargeback",
        "lost",
        START + 9 * DAY,
    )
    .await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["outcome"], "dispute_lost");
}

#[tokio::test]
async fn a_dispute_on_an_unknown_payment_opens_no_claim() {
    let shop = shop().await;
    shop.report(
        "evt_1",
        "dp_9",
        "pi_unknown",
        "chargeback",
        "needs_response",
        START,
    )
    .await;
    assert!(shop.claims().await.is_empty());
}

fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_claim_page_shows_the_dispute_with_its_countdown_and_takes_the_answer() {
    let shop = shop().await;
    shop.report(
        "evt_1",
        "dp_7",
        "pi_5001",
        "chargeback",
        "needs_response",
        START,
    )
    .await;
    let id = shop.claims().await[0]["id"].as_i64().unwrap();
    let staff = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = staff
        .post(shop.app.url("/admin/login"))
        .form(&[
            ("email", shop.app.staff_email.as_str()),
            ("password", shop.app.staff_password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let list = staff
        .get(shop.app.url("/admin/claims"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Chargeback"), "{list}");
    assert!(list.contains("7 days left"), "the countdown: {list}");
    let url = shop.app.url(&format!("/admin/claims/{id}"));
    let page = staff.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("The dispute at Stripe"), "{page}");
    assert!(page.contains("fraudulent") && page.contains("dp_7"));
    assert!(page.contains("7 days left"));
    assert!(page.contains("id=\"dispute-answer\""), "the answer form");
    assert!(
        !page.contains("Answer the claim"),
        "no buyer-protection answer form"
    );

    let post = |fields: Vec<(&'static str, String)>| {
        let staff = staff.clone();
        let url = shop.app.url(&format!("/admin/claims/{id}/dispute-answer"));
        async move { staff.post(url).form(&fields).send().await.unwrap() }
    };
    let csrf = input_value(&page, "csrf");
    // Without the CSRF token nothing happens.
    let res = post(vec![("answer", "accept".into())]).await;
    assert_eq!(res.status(), 403);
    // Evidence without a statement: the page again, with the error and the input kept.
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("answer", "evidence".into()),
        ("refund_refusal", "Kept this text".into()),
    ])
    .await;
    assert_eq!(res.status(), 422);
    let again = res.text().await.unwrap();
    assert!(
        again.contains("statement must not be empty") && again.contains("Kept this text"),
        "{again}"
    );
    assert_eq!(shop.claim(id).await["status"], "awaiting_merchant");

    let res = post(vec![
        ("csrf", csrf.clone()),
        ("answer", "evidence".into()),
        ("statement", "Delivered and signed for.".into()),
    ])
    .await;
    assert_eq!(res.status(), 303);
    let page = staff.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("You sent evidence") && page.contains("Delivered and signed for."));
    assert!(page.contains("With the payment provider"));
    assert!(!page.contains("id=\"dispute-answer\""), "answered once");
}
