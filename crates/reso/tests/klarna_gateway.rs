//! The Klarna adapter against a fake Klarna order-management API on
//! loopback: every request is checked against the refund operations as
//! Klarna documents them (tests/specs/klarna-ordermanagement-refunds.json),
//! and the fake keeps Klarna's rules: the refunded amount at most what was
//! captured, order lines that add up, one refund per idempotency key.

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;
#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

use fake_provider::{FakeProvider, Fault, Recorded, Reply};
use provider_spec::ProviderSpec;
use reqwest::header::{HeaderMap, HeaderValue};
use reso::gateways::klarna::{Klarna, KlarnaAccount};
use reso::gateways::{Gateway, GatewayAnswer, GatewayError, RefundLine, RefundRequest};
use reso_domain::{Currency, Money};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ORDER: &str = "f3392f8b-6116-4073-ab96-e330819e2c07";
const SPEC: &str = "klarna-ordermanagement-refunds.json";

/// A fake Klarna: captured amounts per order, refunds, idempotency keys.
#[derive(Default)]
struct KlarnaBook {
    captured: HashMap<String, i64>,
    /// (order, refund id, amount)
    refunds: Vec<(String, String, i64)>,
    keys: HashMap<String, String>,
}

impl KlarnaBook {
    fn answer(&mut self, r: &Recorded) -> Reply {
        let parts: Vec<&str> = r.path().trim_start_matches('/').split('/').collect();
        match (r.method.as_str(), parts.as_slice()) {
            ("POST", ["ordermanagement", "v1", "orders", order, "refunds"]) => {
                self.refund(order, r)
            }
            ("GET", ["ordermanagement", "v1", "orders", order, "refunds", id]) => {
                match self.refunds.iter().find(|(o, i, _)| o == order && i == id) {
                    Some((_, id, amount)) => Reply::json(
                        200,
                        json!({ "refund_id": id, "refunded_amount": amount, "refunded_at": "2026-11-24T10:00:00Z" }),
                    ),
                    None => klarna_error(404, "NO_SUCH_REFUND", "no such refund"),
                }
            }
            _ => klarna_error(404, "NOT_FOUND", "not found"),
        }
    }

    fn refund(&mut self, order: &str, r: &Recorded) -> Reply {
        let key = r
            .header("Klarna-Idempotency-Key")
            .unwrap_or_default()
            .to_string();
        if let Some(id) = self.keys.get(&key) {
            return created(order, id);
        }
        let Some(captured) = self.captured.get(order).copied() else {
            return klarna_error(404, "NO_SUCH_ORDER", "the order does not exist");
        };
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        let amount = body["refunded_amount"].as_i64().unwrap();
        let lines: i64 = body["order_lines"]
            .as_array()
            .map(|l| l.iter().map(|l| l["total_amount"].as_i64().unwrap()).sum())
            .unwrap_or(amount);
        if lines != amount {
            return klarna_error(
                400,
                "BAD_VALUE",
                "order lines do not add up to the refunded amount",
            );
        }
        let refunded: i64 = self
            .refunds
            .iter()
            .filter(|(o, ..)| o == order)
            .map(|r| r.2)
            .sum();
        if refunded + amount > captured {
            return klarna_error(
                403,
                "REFUND_NOT_ALLOWED",
                "refunded amount exceeds the captured amount",
            );
        }
        let id = format!("b2cb4f3e-0000-4000-8000-{:012}", self.refunds.len() + 1);
        self.refunds.push((order.to_string(), id.clone(), amount));
        self.keys.insert(key, id.clone());
        created(order, &id)
    }
}

fn created(order: &str, id: &str) -> Reply {
    let location = format!("/ordermanagement/v1/orders/{order}/refunds/{id}");
    Reply::empty(201, &[("Refund-Id", id), ("Location", &location)])
}

fn klarna_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({ "error_code": code, "error_messages": [message], "correlation_id": "c-1" }),
    )
}

struct Harness {
    fake: FakeProvider,
    book: Arc<Mutex<KlarnaBook>>,
    klarna: Klarna,
}

async fn harness() -> Harness {
    let book = Arc::new(Mutex::new(KlarnaBook::default()));
    book.lock().unwrap().captured.insert(ORDER.into(), 10_000);
    let shared = book.clone();
    let fake = FakeProvider::start(ProviderSpec::load(SPEC), move |r| {
        shared.lock().unwrap().answer(r)
    })
    .await;
    let klarna = Klarna::new(
        KlarnaAccount {
            base_url: fake.base_url.clone(),
            username: "PK1234_reso".into(),
            password: "klarna-test-password".into(),
        },
        reqwest::Client::new(),
    )
    .with_timeout(Duration::from_millis(500));
    Harness { fake, book, klarna }
}

fn request(refund_id: i64, amount: i64, lines: Vec<RefundLine>) -> RefundRequest {
    RefundRequest {
        refund_id,
        payment_reference: ORDER.into(),
        amount: Money::new(amount, Currency::parse("EUR").unwrap()),
        idempotency_key: RefundRequest::key_for(refund_id),
        requested_at: 1_764_000_000_000,
        lines,
    }
}

fn shoes() -> Vec<RefundLine> {
    vec![RefundLine {
        sku: "SHOE-42".into(),
        name: "Trail shoe, 42".into(),
        quantity: 2,
        unit_price_minor: 3_000,
        total_minor: 6_000,
    }]
}

fn refund_id_of(answer: &GatewayAnswer) -> String {
    match answer {
        GatewayAnswer::Succeeded { gateway_refund_id } => gateway_refund_id.clone(),
        other => panic!("expected a succeeded refund, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refund_goes_out_with_its_order_lines_as_klarna_documents_it() {
    let h = harness().await;
    // A 5.00 restocking fee kept: the lines still add up to the refund.
    let answer = h.klarna.refund(&request(7, 5_500, shoes())).await.unwrap();
    let id = refund_id_of(&answer);
    assert!(id.starts_with(&format!("{ORDER}/")), "{id}");
    h.fake.assert_requests_match_spec();

    let sent = &h.fake.requests()[0];
    assert_eq!(sent.header("Klarna-Idempotency-Key"), Some("reso-refund-7"));
    assert!(sent.header("authorization").unwrap().starts_with("Basic "));
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["refunded_amount"], 5_500);
    assert_eq!(body["reference"], "reso-refund-7");
    let lines = body["order_lines"].as_array().unwrap();
    assert_eq!(lines[0]["reference"], "SHOE-42");
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(lines[1]["type"], "discount");
    assert_eq!(lines[1]["total_amount"], -500);

    // Its status: Klarna keeps registered refunds.
    let status = h.klarna.status(&id).await.unwrap();
    assert_eq!(refund_id_of(&status), id);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn the_validator_rejects_what_klarna_would_not_take() {
    let spec = ProviderSpec::load(SPEC);
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_static("Basic UEsxMjM0OnB3"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let path = format!("/ordermanagement/v1/orders/{ORDER}/refunds");
    let good = json!({ "refunded_amount": 100, "order_lines": [
        { "type": "physical", "name": "x", "quantity": 1, "unit_price": 100, "total_amount": 100 }] });
    assert_eq!(
        spec.check("POST", &path, &headers, good.to_string().as_bytes()),
        Ok(())
    );
    for wrong in [
        json!({ "refunded_amount": "100" }),
        json!({ "amount": 100 }),
        json!({ "refunded_amount": 100, "order_lines": [{ "name": "x", "quantity": 1 }] }),
        json!({ "refunded_amount": 100, "order_lines": [
            { "type": "gift", "name": "x", "quantity": 1, "unit_price": 100, "total_amount": 100 }] }),
    ] {
        assert!(
            spec.check("POST", &path, &headers, wrong.to_string().as_bytes())
                .is_err(),
            "{wrong} must be rejected"
        );
    }
    let mut anonymous = headers.clone();
    anonymous.remove("authorization");
    assert!(spec
        .check("POST", &path, &anonymous, good.to_string().as_bytes())
        .is_err());
}

#[tokio::test]
async fn a_retry_after_a_dropped_connection_gets_the_same_refund() {
    let h = harness().await;
    h.fake.script(Fault::DropAfterAccept);
    let first = h.klarna.refund(&request(8, 6_000, shoes())).await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    h.fake.script(Fault::Answer(klarna_error(
        503,
        "SERVICE_UNAVAILABLE",
        "try later",
    )));
    let second = h.klarna.refund(&request(8, 6_000, shoes())).await;
    assert!(
        matches!(second, Err(GatewayError::Unavailable(_))),
        "{second:?}"
    );
    h.fake
        .script(Fault::DelayAfterAccept(Duration::from_secs(2)));
    let third = h.klarna.refund(&request(8, 6_000, shoes())).await;
    assert!(
        matches!(third, Err(GatewayError::Unavailable(_))),
        "time-out: {third:?}"
    );
    let fourth = h.klarna.refund(&request(8, 6_000, shoes())).await.unwrap();
    refund_id_of(&fourth);
    assert_eq!(
        h.book.lock().unwrap().refunds.len(),
        1,
        "one refund at Klarna"
    );
    let keys: Vec<_> = h
        .fake
        .requests()
        .iter()
        .map(|r| r.header("Klarna-Idempotency-Key").unwrap().to_string())
        .collect();
    assert_eq!(keys, vec!["reso-refund-8"; 4]);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn klarnas_refusals_are_final_and_say_why() {
    let h = harness().await;
    refund_id_of(&h.klarna.refund(&request(1, 9_000, vec![])).await.unwrap());
    let too_much = h.klarna.refund(&request(2, 2_000, vec![])).await.unwrap();
    match too_much {
        GatewayAnswer::Failed { reason } => {
            assert!(reason.contains("REFUND_NOT_ALLOWED"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let mut unknown = request(3, 100, vec![]);
    unknown.payment_reference = "0b1d9815-165e-42e2-8867-35bc03789e00".into();
    assert!(matches!(
        h.klarna.refund(&unknown).await.unwrap(),
        GatewayAnswer::Failed { .. }
    ));
    // An id that would change the path never leaves Reso.
    let mut hostile = request(4, 100, vec![]);
    hostile.payment_reference = "../../admin".into();
    assert!(matches!(
        h.klarna.refund(&hostile).await.unwrap(),
        GatewayAnswer::Failed { .. }
    ));
    assert_eq!(h.fake.requests().len(), 3);
    assert_eq!(h.book.lock().unwrap().refunds.len(), 1);
    h.fake.assert_requests_match_spec();
}
