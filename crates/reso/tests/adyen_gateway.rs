//! The Adyen adapter against a fake Adyen on a loopback port that checks
//! every request against Adyen's official Checkout API specification
//! (tests/specs/adyen-CheckoutService-v72.json) and injects faults; and its
//! notification check against notifications shaped and validated by Adyen's
//! Webhooks specification (tests/specs/adyen-Webhooks-v1.json).

#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;

use base64::Engine;
use fake_provider::{FakeProvider, Fault, Recorded, Reply};
use hmac::{Hmac, Mac};
use provider_spec::ProviderSpec;
use reqwest::header::{HeaderMap, HeaderValue};
use reso::gateways::adyen::{verify_notification, Adyen, AdyenAccount};
use reso::gateways::notification::{
    DisputeStage, DisputeState, ProviderNotification, RefundState, Rejection, Subject,
};
use reso::gateways::{Gateway, GatewayAnswer, GatewayError, RefundLine, RefundRequest};
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CHECKOUT_SPEC: &str = "adyen-CheckoutService-v72.json";
const WEBHOOKS_SPEC: &str = "adyen-Webhooks-v1.json";
const HMAC_KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const MERCHANT: &str = "ResoShopNL";
const PAYMENT: &str = "NC6HT9CRT65ZGN82";
/// 2026-03-02T10:00:00Z
const NOW: i64 = 1_772_445_600_000;

/// What the fake Adyen keeps: refunds by idempotency key, as Adyen does
/// (the same key gets the first answer back and creates nothing new).
#[derive(Default)]
struct Ledger {
    by_key: HashMap<String, Value>,
}

fn fake_adyen_behaviour(ledger: Arc<Mutex<Ledger>>) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |request: &Recorded| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let payment = request
            .path()
            .trim_end_matches("/refunds")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let key = request
            .header("idempotency-key")
            .unwrap_or_default()
            .to_string();
        let mut ledger = ledger.lock().unwrap();
        let count = ledger.by_key.len();
        let answer = ledger.by_key.entry(key).or_insert_with(|| {
            json!({
                "merchantAccount": body["merchantAccount"],
                "paymentPspReference": payment,
                "pspReference": format!("RF{:014}", count + 1),
                "reference": body["reference"],
                "status": "received",
                "amount": body["amount"],
            })
        });
        Reply::json(201, answer.clone())
    }
}

struct Setup {
    fake: FakeProvider,
    ledger: Arc<Mutex<Ledger>>,
    adyen: Adyen,
}

async fn setup() -> Setup {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let fake = FakeProvider::start(
        ProviderSpec::load(CHECKOUT_SPEC),
        fake_adyen_behaviour(ledger.clone()),
    )
    .await;
    let adyen = Adyen::new(
        account(&format!("{}/v72", fake.base_url)),
        reqwest::Client::new(),
    )
    .with_timeout(Duration::from_millis(500));
    Setup {
        fake,
        ledger,
        adyen,
    }
}

fn account(base_url: &str) -> AdyenAccount {
    AdyenAccount {
        base_url: base_url.into(),
        api_key: "AQEyhmfxK4-test-key".into(),
        merchant_account: MERCHANT.into(),
        hmac_key: HMAC_KEY.into(),
    }
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap())
}

fn refund(refund_id: i64, amount: Money, lines: Vec<RefundLine>) -> RefundRequest {
    RefundRequest {
        refund_id,
        payment_reference: PAYMENT.into(),
        amount,
        idempotency_key: RefundRequest::key_for(refund_id),
        requested_at: NOW,
        lines,
    }
}

fn klarna_lines() -> Vec<RefundLine> {
    vec![
        RefundLine {
            sku: "TENT-2P".into(),
            name: "Two-person tent".into(),
            quantity: 1,
            unit_price_minor: 18_900,
            total_minor: 17_010,
        },
        RefundLine {
            sku: "MUG-ENAMEL".into(),
            name: "Enamel mug".into(),
            quantity: 3,
            unit_price_minor: 2_450,
            total_minor: 6_615,
        },
    ]
}

fn pending_id(answer: Result<GatewayAnswer, GatewayError>) -> String {
    match answer {
        Ok(GatewayAnswer::Pending { gateway_refund_id }) => gateway_refund_id,
        other => panic!("expected a pending refund, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refund_with_lines_is_what_adyens_spec_describes() {
    let s = setup().await;
    let request = refund(41, eur(23_625), klarna_lines());
    let id = pending_id(s.adyen.refund(&request).await);
    assert_eq!(id, "RF00000000000001");

    s.fake.assert_requests_match_spec();
    let sent = &s.fake.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path(), format!("/v72/payments/{PAYMENT}/refunds"));
    assert_eq!(sent.header("x-api-key"), Some("AQEyhmfxK4-test-key"));
    assert_eq!(sent.header("idempotency-key"), Some("reso-refund-41"));
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["merchantAccount"], MERCHANT);
    assert_eq!(body["amount"], json!({"currency": "EUR", "value": 23_625}));
    assert_eq!(body["reference"], "reso-refund-41");
    // Klarna checks that the items add up to the refund.
    let items = body["lineItems"]
        .as_array()
        .expect("lineItems for the lines");
    assert!(items
        .iter()
        .any(|i| i["sku"] == "TENT-2P" && i["description"] == "Two-person tent"));
    let total: i64 = items
        .iter()
        .map(|i| i["quantity"].as_i64().unwrap() * i["amountIncludingTax"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 23_625);
    let mugs: i64 = items
        .iter()
        .filter(|i| i["sku"] == "MUG-ENAMEL")
        .map(|i| i["quantity"].as_i64().unwrap())
        .sum();
    assert_eq!(mugs, 3);
}

#[tokio::test]
async fn a_refund_without_lines_sends_no_line_items() {
    let s = setup().await;
    pending_id(s.adyen.refund(&refund(42, eur(495), vec![])).await);
    s.fake.assert_requests_match_spec();
    let body: Value = serde_json::from_slice(&s.fake.requests()[0].body).unwrap();
    assert!(body.get("lineItems").is_none());
}

#[tokio::test]
async fn the_spec_check_rejects_a_wrong_refund_request() {
    let spec = ProviderSpec::load(CHECKOUT_SPEC);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("x-api-key", HeaderValue::from_static("k"));
    let path = format!("/v72/payments/{PAYMENT}/refunds");
    let good = json!({"merchantAccount": MERCHANT, "amount": {"currency": "EUR", "value": 100}});
    assert_eq!(
        spec.check("POST", &path, &headers, good.to_string().as_bytes()),
        Ok(())
    );

    // The amount in major units as a string, an unknown field, no merchant account.
    let wrong = json!({"amount": {"currency": "EUR", "value": "1.00"}, "refundReason": "return"});
    let errors = spec
        .check("POST", &path, &headers, wrong.to_string().as_bytes())
        .unwrap_err();
    assert!(errors.len() >= 3, "{errors:#?}");
    // Line items with a field Adyen does not know.
    let bad_items = json!({"merchantAccount": MERCHANT, "amount": {"currency": "EUR", "value": 100},
        "lineItems": [{"id": "X", "quantity": 1, "amountIncludingTax": 100, "price": 100}]});
    assert!(spec
        .check("POST", &path, &headers, bad_items.to_string().as_bytes())
        .is_err());
    // No API key.
    let mut anonymous = headers.clone();
    anonymous.remove("x-api-key");
    assert!(spec
        .check("POST", &path, &anonymous, good.to_string().as_bytes())
        .is_err());

    // And the fake refuses such a request on the wire.
    let s = setup().await;
    let response = reqwest::Client::new()
        .post(format!("{}{path}", s.fake.base_url))
        .header("x-api-key", "k")
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(!s.fake.spec_violations().is_empty());
    assert!(s.ledger.lock().unwrap().by_key.is_empty());
}

#[tokio::test]
async fn a_dropped_connection_is_retried_with_the_same_key_and_refunds_once() {
    let s = setup().await;
    s.fake.script(Fault::DropAfterAccept);
    let request = refund(43, eur(2_500), vec![]);
    assert!(matches!(
        s.adyen.refund(&request).await,
        Err(GatewayError::Unavailable(_))
    ));
    // Adyen did make the refund; the retry gets that one back.
    assert_eq!(s.ledger.lock().unwrap().by_key.len(), 1);
    let id = pending_id(s.adyen.refund(&request).await);
    assert_eq!(id, "RF00000000000001");
    assert_eq!(s.ledger.lock().unwrap().by_key.len(), 1);
    let keys: Vec<_> = s
        .fake
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_string())
        .collect();
    assert_eq!(keys, ["reso-refund-43", "reso-refund-43"]);
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_server_error_or_throttling_is_unavailable_and_retried_with_the_same_key() {
    let s = setup().await;
    s.fake.script(Fault::Answer(Reply::json(
        500,
        json!({"status": 500, "errorCode": "905", "message": "Internal error", "errorType": "internal"}),
    )));
    s.fake.script(Fault::Answer(Reply::json(429, json!({}))));
    let request = refund(44, eur(1_000), vec![]);
    for _ in 0..2 {
        assert!(matches!(
            s.adyen.refund(&request).await,
            Err(GatewayError::Unavailable(_))
        ));
    }
    pending_id(s.adyen.refund(&request).await);
    assert_eq!(s.ledger.lock().unwrap().by_key.len(), 1);
    assert!(s
        .fake
        .requests()
        .iter()
        .all(|r| r.header("idempotency-key") == Some("reso-refund-44")));
}

#[tokio::test]
async fn a_refusal_fails_with_adyens_message() {
    let s = setup().await;
    s.fake.script(Fault::Answer(Reply::json(
        422,
        json!({"status": 422, "errorCode": "137", "message": "Invalid amount specified", "errorType": "validation"}),
    )));
    let answer = s.adyen.refund(&refund(45, eur(1_000), vec![])).await;
    assert_eq!(
        answer,
        Ok(GatewayAnswer::Failed {
            reason: "Adyen refused the refund: Invalid amount specified (error 137)".into()
        })
    );
}

#[tokio::test]
async fn a_slow_adyen_times_out_as_unavailable_and_the_retry_gets_the_same_refund() {
    let s = setup().await;
    let impatient = Adyen::new(
        account(&format!("{}/v72", s.fake.base_url)),
        reqwest::Client::new(),
    )
    .with_timeout(Duration::from_millis(300));
    s.fake
        .script(Fault::DelayAfterAccept(Duration::from_secs(5)));
    let request = refund(46, eur(1_000), vec![]);
    let started = std::time::Instant::now();
    assert!(matches!(
        impatient.refund(&request).await,
        Err(GatewayError::Unavailable(m)) if m.contains("timed out")
    ));
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        pending_id(s.adyen.refund(&request).await),
        "RF00000000000001"
    );
    assert_eq!(s.ledger.lock().unwrap().by_key.len(), 1);
}

#[tokio::test]
async fn an_unreachable_adyen_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let adyen = Adyen::new(
        account(&format!("http://{addr}/v72")),
        reqwest::Client::new(),
    );
    assert!(matches!(
        adyen.refund(&refund(47, eur(1_000), vec![])).await,
        Err(GatewayError::Unavailable(_))
    ));
}

// ---- notifications ----

/// The signature Adyen puts on an item, computed here independently of the
/// adapter: HMAC-SHA256 over the eight fields joined by colons.
fn adyen_signature(item: &Value) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let data = [
        text(&item["pspReference"]),
        text(&item["originalReference"]),
        text(&item["merchantAccountCode"]),
        text(&item["merchantReference"]),
        text(&item["amount"]["value"]),
        text(&item["amount"]["currency"]),
        text(&item["eventCode"]),
        text(&item["success"]),
    ]
    .join(":");
    let key: Vec<u8> = (0..HMAC_KEY.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&HMAC_KEY[i..i + 2], 16).unwrap())
        .collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn signed_batch(mut items: Vec<Value>) -> Value {
    for item in &mut items {
        let signature = adyen_signature(item);
        item["additionalData"]["hmacSignature"] = Value::String(signature);
    }
    json!({
        "live": "false",
        "notificationItems": items.into_iter().map(|i| json!({"NotificationRequestItem": i})).collect::<Vec<_>>(),
    })
}

/// What the Webhooks spec finds wrong with `body` as the `event` webhook.
fn webhook_spec_errors(event: &str, body: &Value) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(WEBHOOKS_SPEC);
    let spec: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let schema = &spec["webhooks"][format!("/{event}")]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "the Webhooks spec has no {event} webhook"
    );
    // The spec's components ride along, so its `#/components/...` references resolve.
    let root = json!({"$ref": schema["$ref"], "components": spec["components"]});
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .expect("the Webhooks spec's schema compiles");
    validator
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn verify(body: &Value) -> Result<Vec<ProviderNotification>, Rejection> {
    verify_notification(
        &account("https://checkout-test.adyen.com/v72"),
        &axum::http::HeaderMap::new(),
        body.to_string().as_bytes(),
        Timestamp::from_millis(NOW),
    )
}

fn refund_item(event: &str, psp: &str, success: &str, reason: &str) -> Value {
    json!({
        "additionalData": {"paymentMethodVariant": "klarna"},
        "amount": {"currency": "EUR", "value": 23_625},
        "eventCode": event,
        "eventDate": "2026-03-02T10:04:00+01:00",
        "merchantAccountCode": MERCHANT,
        "merchantReference": "reso-refund-41",
        "originalReference": PAYMENT,
        "paymentMethod": "klarna",
        "pspReference": psp,
        "reason": reason,
        "success": success,
    })
}

#[tokio::test]
async fn the_refund_notification_settles_the_refund_adyen_accepted() {
    let s = setup().await;
    let psp = pending_id(
        s.adyen
            .refund(&refund(41, eur(23_625), klarna_lines()))
            .await,
    );

    let body = signed_batch(vec![refund_item("REFUND", &psp, "true", "")]);
    assert_eq!(webhook_spec_errors("REFUND", &body), Vec::<String>::new());
    let news = verify(&body).unwrap();
    assert_eq!(news.len(), 1);
    assert_eq!(news[0].notification_id, format!("{psp}:REFUND:true"));
    let Subject::Refund(refund_news) = &news[0].subject else {
        panic!("{news:?}")
    };
    assert_eq!(refund_news.gateway_refund_id, psp);
    assert_eq!(refund_news.payment_reference, PAYMENT);
    assert_eq!(
        refund_news.reso_reference.as_deref(),
        Some("reso-refund-41")
    );
    assert_eq!(refund_news.amount, eur(23_625));
    assert_eq!(refund_news.state, RefundState::Succeeded);

    // The same delivery again reads the same, so the ingress recognises it.
    assert_eq!(verify(&body).unwrap(), news);
}

#[test]
fn refund_outcomes_in_the_specs_shapes() {
    let cases = [
        ("REFUND", "false", "Insufficient balance on payment"),
        ("REFUND_FAILED", "true", "Refund Failed"),
        ("REFUNDED_REVERSED", "true", "Refund returned by the bank"),
    ];
    for (event, success, reason) in cases {
        let body = signed_batch(vec![refund_item(
            event,
            "RF00000000000001",
            success,
            reason,
        )]);
        assert_eq!(
            webhook_spec_errors(event, &body),
            Vec::<String>::new(),
            "{event}"
        );
        let news = verify(&body).unwrap();
        let Subject::Refund(refund_news) = &news[0].subject else {
            panic!("{news:?}")
        };
        let expected = match event {
            "REFUNDED_REVERSED" => RefundState::Reversed {
                reason: reason.into(),
            },
            _ => RefundState::Failed {
                reason: reason.into(),
            },
        };
        assert_eq!(refund_news.state, expected, "{event}");
    }
}

#[test]
fn the_specs_chargeback_example_becomes_a_dispute_needing_an_answer() {
    let spec: Value = serde_json::from_slice(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/specs")
                .join(WEBHOOKS_SPEC),
        )
        .unwrap(),
    )
    .unwrap();
    let example = &spec["components"]["examples"]["post-CHARGEBACK-chargeback"]["value"];
    let mut item = example["notificationItems"][0]["NotificationRequestItem"].clone();
    item["merchantAccountCode"] = json!(MERCHANT);
    let body = signed_batch(vec![item]);
    assert_eq!(
        webhook_spec_errors("CHARGEBACK", &body),
        Vec::<String>::new()
    );

    let news = verify(&body).unwrap();
    let Subject::Dispute(dispute) = &news[0].subject else {
        panic!("{news:?}")
    };
    assert_eq!(dispute.dispute_id, "QFQTPCQ8HXSKGK82");
    assert_eq!(dispute.payment_reference, "9913140798220028");
    assert_eq!(dispute.reason_code, "4853");
    assert_eq!(dispute.stage, DisputeStage::Chargeback);
    assert_eq!(dispute.state, DisputeState::NeedsResponse);
    assert_eq!(dispute.amount, eur(1000));
    // defensePeriodEndsAt 2021-07-31T03:03:07+02:00
    assert_eq!(
        dispute.respond_by,
        Some(Timestamp::from_millis(1_627_693_387_000))
    );
}

#[test]
fn a_notification_the_spec_rejects_is_rejected_by_the_adapter_too() {
    let mut item = refund_item("REFUND", "RF00000000000001", "true", "");
    item["amount"]["value"] = json!("236.25");
    let body = signed_batch(vec![item]);
    assert!(!webhook_spec_errors("REFUND", &body).is_empty());
    assert!(matches!(verify(&body), Err(Rejection::Unparseable(_))));
}

#[test]
fn forged_unsigned_and_foreign_notifications_are_refused() {
    let genuine = signed_batch(vec![refund_item("REFUND", "RF00000000000001", "true", "")]);

    let mut forged = genuine.clone();
    forged["notificationItems"][0]["NotificationRequestItem"]["amount"]["value"] = json!(99_999);
    assert_eq!(verify(&forged), Err(Rejection::BadSignature));

    let mut unsigned = genuine.clone();
    unsigned["notificationItems"][0]["NotificationRequestItem"]["additionalData"] = json!({});
    assert_eq!(verify(&unsigned), Err(Rejection::MissingSignature));

    let mut foreign = refund_item("REFUND", "RF00000000000001", "true", "");
    foreign["merchantAccountCode"] = json!("SomeoneElse");
    assert!(matches!(
        verify(&signed_batch(vec![foreign])),
        Err(Rejection::Unparseable(_))
    ));
}
