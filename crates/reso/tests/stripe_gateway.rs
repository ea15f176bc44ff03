//! The Stripe adapter against a fake Stripe on loopback: every request it
//! makes is checked against Stripe's official OpenAPI spec, and the fake
//! drops connections, answers 500s and late, and keeps Stripe's idempotency
//! rule (the same `Idempotency-Key` returns the same refund). Webhooks are
//! signed as Stripe signs them and built from Stripe's own fixture objects.

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;
#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

use fake_provider::{FakeProvider, Fault, Recorded, Reply};
use hmac::{Hmac, Mac};
use provider_spec::ProviderSpec;
use reqwest::header::{HeaderMap, HeaderValue};
use reso::gateways::notification::{
    DisputeStage, DisputeState, ProviderNotification, RefundState, Rejection, Subject,
};
use reso::gateways::stripe::{verify_notification, Stripe, StripeAccount};
use reso::gateways::{Gateway, GatewayAnswer, GatewayError, RefundRequest};
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET_KEY: &str = "sk_test_reso_123";
const WEBHOOK_SECRET: &str = "whsec_test_reso_456";
/// 2026-03-02T10:00:00Z in seconds.
const NOW_SECS: i64 = 1_772_445_600;

// ---- a fake Stripe: refunds on known payments, idempotency keys honoured ----

#[derive(Default)]
struct StripeBook {
    /// Payment reference → (captured amount, charge id).
    payments: HashMap<String, (i64, String)>,
    refunds: Vec<Value>,
    /// Idempotency key → (the request body it was first used with, the reply).
    keys: HashMap<String, (Vec<u8>, Reply)>,
    /// The status new refunds get.
    new_status: String,
}

impl StripeBook {
    fn refunded(&self, payment: &str) -> i64 {
        self.refunds
            .iter()
            .filter(|r| r["payment_intent"] == payment || r["charge"] == payment)
            .filter(|r| r["status"] != "failed" && r["status"] != "canceled")
            .map(|r| r["amount"].as_i64().unwrap_or(0))
            .sum()
    }

    fn answer(&mut self, request: &Recorded) -> Reply {
        match (request.method.as_str(), request.path()) {
            ("POST", "/v1/refunds") => {
                let key = request
                    .header("idempotency-key")
                    .unwrap_or_default()
                    .to_string();
                if let Some((body, reply)) = self.keys.get(&key) {
                    return if *body == request.body {
                        reply.clone()
                    } else {
                        stripe_error(400, "idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters they were first used with.")
                    };
                }
                let reply = self.create(request);
                // Stripe stores the first answer, errors included, under the key.
                if reply.status < 500 {
                    self.keys.insert(key, (request.body.clone(), reply.clone()));
                }
                reply
            }
            ("GET", path) => {
                let id = path.trim_start_matches("/v1/refunds/");
                match self.refunds.iter().find(|r| r["id"] == id) {
                    Some(refund) => Reply::json(200, refund.clone()),
                    None => stripe_error(
                        404,
                        "invalid_request_error",
                        "resource_missing",
                        &format!("No such refund: '{id}'"),
                    ),
                }
            }
            _ => stripe_error(404, "invalid_request_error", "", "Unrecognized request URL"),
        }
    }

    fn create(&mut self, request: &Recorded) -> Reply {
        let payment = request
            .form_value("payment_intent")
            .or_else(|| request.form_value("charge"))
            .unwrap_or_default();
        let Some((captured, charge)) = self.payments.get(&payment).cloned() else {
            return stripe_error(
                404,
                "invalid_request_error",
                "resource_missing",
                &format!("No such payment: '{payment}'"),
            );
        };
        let left = captured - self.refunded(&payment);
        let amount: i64 = request
            .form_value("amount")
            .and_then(|a| a.parse().ok())
            .unwrap_or(left);
        if left == 0 {
            return stripe_error(
                400,
                "invalid_request_error",
                "charge_already_refunded",
                &format!("Charge {charge} has already been refunded."),
            );
        }
        if amount > left {
            return stripe_error(
                400,
                "invalid_request_error",
                "amount_too_large",
                &format!(
                    "Refund amount (€{:.2}) is greater than unrefunded amount on charge (€{:.2})",
                    amount as f64 / 100.0,
                    left as f64 / 100.0
                ),
            );
        }
        let id = format!("re_fake{}", self.refunds.len() + 1);
        let refund = json!({
            "id": id,
            "object": "refund",
            "amount": amount,
            "currency": "eur",
            "charge": charge,
            "payment_intent": payment.starts_with("pi_").then_some(payment.clone()),
            "metadata": {"reso_refund_id": request.form_value("metadata[reso_refund_id]")},
            "reason": request.form_value("reason"),
            "status": self.new_status,
            "created": NOW_SECS,
        });
        self.refunds.push(refund.clone());
        Reply::json(200, refund)
    }
}

fn stripe_error(status: u16, kind: &str, code: &str, message: &str) -> Reply {
    let mut error = json!({"type": kind, "message": message});
    if !code.is_empty() {
        error["code"] = json!(code);
    }
    Reply::json(status, json!({ "error": error }))
}

struct Harness {
    fake: FakeProvider,
    book: Arc<Mutex<StripeBook>>,
    stripe: Stripe,
}

async fn harness() -> Harness {
    let book = Arc::new(Mutex::new(StripeBook {
        new_status: "pending".into(),
        ..StripeBook::default()
    }));
    {
        let mut b = book.lock().unwrap();
        b.payments
            .insert("pi_3Paid".into(), (5_000, "ch_3Paid".into()));
        b.payments
            .insert("ch_1Card".into(), (2_000, "ch_1Card".into()));
    }
    let shared = book.clone();
    let fake = FakeProvider::start(ProviderSpec::load("stripe-spec3-2022-04.json"), move |r| {
        shared.lock().unwrap().answer(r)
    })
    .await;
    let stripe =
        Stripe::new(account(&fake.base_url), http()).with_timeout(Duration::from_millis(500));
    Harness { fake, book, stripe }
}

fn account(base_url: &str) -> StripeAccount {
    StripeAccount {
        base_url: base_url.to_string(),
        secret_key: SECRET_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap())
}

fn refund_request(refund_id: i64, payment: &str, minor: i64) -> RefundRequest {
    RefundRequest {
        refund_id,
        payment_reference: payment.into(),
        amount: eur(minor),
        idempotency_key: RefundRequest::key_for(refund_id),
        requested_at: NOW_SECS * 1000,
        lines: Vec::new(),
    }
}

fn pending(id: &str) -> GatewayAnswer {
    GatewayAnswer::Pending {
        gateway_refund_id: id.into(),
    }
}

// ---- refunds ----

#[tokio::test]
async fn refunds_are_sent_as_the_stripe_spec_describes() {
    let h = harness().await;
    let answer = h
        .stripe
        .refund(&refund_request(41, "pi_3Paid", 1_250))
        .await;
    assert_eq!(answer, Ok(pending("re_fake1")));
    let answer = h.stripe.refund(&refund_request(42, "ch_1Card", 700)).await;
    assert_eq!(answer, Ok(pending("re_fake2")));
    assert_eq!(h.stripe.status("re_fake1").await, Ok(pending("re_fake1")));

    h.fake.assert_requests_match_spec();
    let requests = h.fake.requests();
    let first = &requests[0];
    assert_eq!(
        first.header("authorization"),
        Some("Bearer sk_test_reso_123")
    );
    assert_eq!(first.header("idempotency-key"), Some("reso-refund-41"));
    assert_eq!(
        first.form_value("payment_intent").as_deref(),
        Some("pi_3Paid")
    );
    assert_eq!(first.form_value("amount").as_deref(), Some("1250"));
    assert_eq!(
        first.form_value("metadata[reso_refund_id]").as_deref(),
        Some("reso-refund-41")
    );
    assert_eq!(
        first.form_value("reason").as_deref(),
        Some("requested_by_customer")
    );
    assert_eq!(first.form_value("charge"), None);
    assert_eq!(
        requests[1].form_value("charge").as_deref(),
        Some("ch_1Card")
    );
    assert_eq!(requests[1].form_value("payment_intent"), None);
    assert_eq!(requests[2].method, "GET");
    assert_eq!(requests[2].path(), "/v1/refunds/re_fake1");
    assert!(requests[2].body.is_empty());
}

#[tokio::test]
async fn the_fake_refuses_a_request_the_spec_does_not_allow() {
    let h = harness().await;
    let response = http()
        .post(format!("{}/v1/refunds", h.fake.base_url))
        .bearer_auth(SECRET_KEY)
        .form(&[
            ("payment_intent", "pi_3Paid"),
            ("amount", "ten"),
            ("currency", "eur"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let violations = body["spec_violations"].to_string();
    assert!(
        violations.contains("/amount") && violations.contains("currency"),
        "{violations}"
    );
    assert_eq!(h.fake.spec_violations().len(), 2);
    assert!(
        h.book.lock().unwrap().refunds.is_empty(),
        "a wrong request changes nothing"
    );
}

#[tokio::test]
async fn a_connection_dropped_after_stripe_accepted_is_retried_into_the_same_refund() {
    let h = harness().await;
    h.fake.script(Fault::DropAfterAccept);
    let request = refund_request(7, "pi_3Paid", 2_000);
    let first = h.stripe.refund(&request).await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    assert_eq!(
        h.book.lock().unwrap().refunds.len(),
        1,
        "Stripe made the refund"
    );

    let retry = h.stripe.refund(&request).await;
    assert_eq!(retry, Ok(pending("re_fake1")));
    assert_eq!(
        h.book.lock().unwrap().refunds.len(),
        1,
        "the retry made no second refund"
    );
    let keys: Vec<_> = h
        .fake
        .requests()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_string))
        .collect();
    assert_eq!(keys, vec![Some("reso-refund-7".into()); 2]);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_500_then_success_on_retry_with_the_same_key() {
    let h = harness().await;
    h.fake.script(Fault::Answer(stripe_error(
        500,
        "api_error",
        "",
        "Something went wrong on Stripe's end.",
    )));
    let request = refund_request(8, "pi_3Paid", 900);
    let first = h.stripe.refund(&request).await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    assert!(h.book.lock().unwrap().refunds.is_empty());
    assert_eq!(h.stripe.refund(&request).await, Ok(pending("re_fake1")));
    assert_eq!(h.book.lock().unwrap().refunds.len(), 1);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_retry_gets_the_same_refund() {
    let h = harness().await;
    h.fake
        .script(Fault::DelayAfterAccept(Duration::from_secs(3)));
    let request = refund_request(9, "pi_3Paid", 1_000);
    let started = std::time::Instant::now();
    let first = h.stripe.refund(&request).await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(ref m)) if m.contains("timed out")),
        "{first:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the time-out held"
    );
    assert_eq!(h.stripe.refund(&request).await, Ok(pending("re_fake1")));
    assert_eq!(h.book.lock().unwrap().refunds.len(), 1);
}

#[tokio::test]
async fn rate_limits_and_connection_failures_are_unavailable() {
    let h = harness().await;
    h.fake.script(Fault::Answer(stripe_error(
        429,
        "invalid_request_error",
        "rate_limit",
        "Too many requests",
    )));
    let answer = h.stripe.refund(&refund_request(10, "pi_3Paid", 100)).await;
    assert!(
        matches!(answer, Err(GatewayError::Unavailable(_))),
        "{answer:?}"
    );
    h.fake.script(Fault::DropBeforeAccept);
    let answer = h.stripe.status("re_fake1").await;
    assert!(
        matches!(answer, Err(GatewayError::Unavailable(_))),
        "{answer:?}"
    );

    // Nothing listens on a port just freed.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let nowhere = Stripe::new(account(&base), http());
    let answer = nowhere.refund(&refund_request(11, "pi_3Paid", 100)).await;
    assert!(
        matches!(answer, Err(GatewayError::Unavailable(_))),
        "{answer:?}"
    );
}

#[tokio::test]
async fn stripe_refusals_are_final_failures_with_stripes_message() {
    let h = harness().await;
    let too_large = h
        .stripe
        .refund(&refund_request(12, "pi_3Paid", 5_001))
        .await;
    match too_large {
        Ok(GatewayAnswer::Failed { reason }) => {
            assert!(
                reason.starts_with("amount_too_large: Refund amount (€50.01)"),
                "{reason}"
            )
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    h.book.lock().unwrap().new_status = "succeeded".into();
    assert!(matches!(
        h.stripe
            .refund(&refund_request(13, "ch_1Card", 2_000))
            .await,
        Ok(GatewayAnswer::Succeeded { .. })
    ));
    let again = h.stripe.refund(&refund_request(14, "ch_1Card", 100)).await;
    assert!(
        matches!(again, Ok(GatewayAnswer::Failed { ref reason }) if reason.contains("charge_already_refunded")),
        "{again:?}"
    );
    let unknown = h
        .stripe
        .refund(&refund_request(15, "pi_3Nobody", 100))
        .await;
    assert!(
        matches!(unknown, Ok(GatewayAnswer::Failed { ref reason }) if reason.contains("resource_missing")),
        "{unknown:?}"
    );
    // Not a Stripe payment at all: refused without asking Stripe.
    let foreign = h.stripe.refund(&refund_request(16, "order-17", 100)).await;
    assert!(
        matches!(foreign, Ok(GatewayAnswer::Failed { .. })),
        "{foreign:?}"
    );
    assert_eq!(h.fake.requests().len(), 4);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_key_reused_with_other_parameters_is_not_a_refund_failure() {
    let h = harness().await;
    assert_eq!(
        h.stripe.refund(&refund_request(20, "pi_3Paid", 100)).await,
        Ok(pending("re_fake1"))
    );
    // Same refund id, so the same key, but another amount: Stripe refuses
    // the key. The first refund may have paid, so this must not say "failed".
    let changed = h.stripe.refund(&refund_request(20, "pi_3Paid", 200)).await;
    assert!(
        matches!(changed, Err(GatewayError::Unavailable(ref m)) if m.contains("idempotency")),
        "{changed:?}"
    );
    assert_eq!(h.book.lock().unwrap().refunds.len(), 1);
}

#[tokio::test]
async fn refund_statuses_map_to_gateway_answers() {
    let h = harness().await;
    assert_eq!(
        h.stripe.refund(&refund_request(30, "pi_3Paid", 100)).await,
        Ok(pending("re_fake1"))
    );
    let set = |status: &str, failure: Option<&str>| {
        let mut book = h.book.lock().unwrap();
        book.refunds[0]["status"] = json!(status);
        book.refunds[0]["failure_reason"] = json!(failure);
    };
    set("requires_action", None);
    assert_eq!(h.stripe.status("re_fake1").await, Ok(pending("re_fake1")));
    set("succeeded", None);
    assert_eq!(
        h.stripe.status("re_fake1").await,
        Ok(GatewayAnswer::Succeeded {
            gateway_refund_id: "re_fake1".into()
        })
    );
    set("failed", Some("expired_or_canceled_card"));
    assert_eq!(
        h.stripe.status("re_fake1").await,
        Ok(GatewayAnswer::Failed {
            reason: "expired_or_canceled_card".into()
        })
    );
    set("canceled", None);
    assert!(matches!(
        h.stripe.status("re_fake1").await,
        Ok(GatewayAnswer::Failed { .. })
    ));
    let missing = h.stripe.status("re_nothing").await;
    assert!(
        matches!(missing, Ok(GatewayAnswer::Failed { ref reason }) if reason.contains("resource_missing")),
        "{missing:?}"
    );
    h.fake.assert_requests_match_spec();
}

// ---- webhooks ----

fn fixture(name: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/stripe-fixtures3.json"
    );
    let fixtures: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    fixtures["resources"][name].clone()
}

fn event(id: &str, kind: &str, object: Value) -> Vec<u8> {
    json!({
        "id": id,
        "object": "event",
        "api_version": "2022-11-15",
        "created": NOW_SECS - 5,
        "livemode": false,
        "type": kind,
        "data": {"object": object},
    })
    .to_string()
    .into_bytes()
}

fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn signed(header: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("stripe-signature", HeaderValue::from_str(header).unwrap());
    headers
}

fn deliver(body: &[u8], t: i64) -> Result<Vec<ProviderNotification>, Rejection> {
    let header = format!("t={t},v1={}", sign(WEBHOOK_SECRET, t, body));
    verify_notification(
        &account("http://unused"),
        &signed(&header),
        body,
        Timestamp(NOW_SECS * 1000),
    )
}

#[test]
fn webhook_signatures_are_checked() {
    let body = event("evt_1", "refund.updated", fixture("refund"));
    let account = account("http://unused");
    let now = Timestamp(NOW_SECS * 1000);
    assert_eq!(deliver(&body, NOW_SECS).map(|n| n.len()), Ok(1));
    // Within the tolerance either way.
    assert!(deliver(&body, NOW_SECS - 300).is_ok());
    assert!(deliver(&body, NOW_SECS + 300).is_ok());

    // Several v1 signatures (a secret being rolled): one matching is enough.
    let good = sign(WEBHOOK_SECRET, NOW_SECS, &body);
    let rolled = format!(
        "t={NOW_SECS},v1={},v1={good}",
        sign("whsec_old", NOW_SECS, &body)
    );
    assert!(verify_notification(&account, &signed(&rolled), &body, now).is_ok());

    let wrong_secret = format!("t={NOW_SECS},v1={}", sign("whsec_other", NOW_SECS, &body));
    assert_eq!(
        verify_notification(&account, &signed(&wrong_secret), &body, now),
        Err(Rejection::BadSignature)
    );
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let header = format!("t={NOW_SECS},v1={good}");
    assert_eq!(
        verify_notification(&account, &signed(&header), &tampered, now),
        Err(Rejection::BadSignature)
    );
    // The signed time is part of what is signed.
    let moved = format!("t={},v1={good}", NOW_SECS + 1);
    assert_eq!(
        verify_notification(&account, &signed(&moved), &body, now),
        Err(Rejection::BadSignature)
    );

    assert_eq!(
        verify_notification(&account, &HeaderMap::new(), &body, now),
        Err(Rejection::MissingSignature)
    );
    let v0_only = format!("t={NOW_SECS},v0={good}");
    assert_eq!(
        verify_notification(&account, &signed(&v0_only), &body, now),
        Err(Rejection::MissingSignature)
    );

    // A replay of a genuine delivery an hour old, and one from the future.
    assert_eq!(deliver(&body, NOW_SECS - 3_600), Err(Rejection::Stale));
    assert_eq!(deliver(&body, NOW_SECS - 301), Err(Rejection::Stale));
    assert_eq!(deliver(&body, NOW_SECS + 301), Err(Rejection::Stale));

    // Correctly signed, but not an event.
    assert!(matches!(
        deliver(b"{\"id\": ", NOW_SECS),
        Err(Rejection::Unparseable(_))
    ));
    assert!(matches!(
        deliver(b"[1, 2]", NOW_SECS),
        Err(Rejection::Unparseable(_))
    ));
}

#[test]
fn refund_events_become_refund_news() {
    let mut refund = fixture("refund");
    refund["payment_intent"] = json!("pi_3Paid");
    refund["metadata"] = json!({"reso_refund_id": "reso-refund-41"});
    let news = deliver(&event("evt_r1", "refund.updated", refund.clone()), NOW_SECS).unwrap();
    assert_eq!(news.len(), 1);
    assert_eq!(news[0].notification_id, "evt_r1");
    assert_eq!(news[0].occurred_at, Timestamp((NOW_SECS - 5) * 1000));
    let Subject::Refund(r) = &news[0].subject else {
        panic!("{news:?}")
    };
    assert_eq!(r.gateway_refund_id, "re_1Pgc72B7WZ01zgkWqPvrRrPE");
    assert_eq!(r.payment_reference, "pi_3Paid");
    assert_eq!(r.reso_reference.as_deref(), Some("reso-refund-41"));
    assert_eq!(r.amount, Money::new(100, Currency::parse("USD").unwrap()));
    assert_eq!(r.state, RefundState::Succeeded);

    // A refund made in Stripe's dashboard: no Reso reference, the charge
    // as its payment.
    let dashboard = deliver(
        &event("evt_r2", "refund.created", fixture("refund")),
        NOW_SECS,
    )
    .unwrap();
    let Subject::Refund(r) = &dashboard[0].subject else {
        panic!()
    };
    assert_eq!(r.reso_reference, None);
    assert_eq!(r.payment_reference, "ch_1PgafuB7WZ01zgkWXYmPNZs8");

    // Failed after it had succeeded: reported as failed; the ledger, which
    // knew it as succeeded, calls it reversed.
    refund["status"] = json!("failed");
    refund["failure_reason"] = json!("lost_or_stolen_card");
    let failed = deliver(&event("evt_r3", "refund.failed", refund.clone()), NOW_SECS).unwrap();
    let Subject::Refund(r) = &failed[0].subject else {
        panic!()
    };
    assert_eq!(
        r.state,
        RefundState::Failed {
            reason: "lost_or_stolen_card".into()
        }
    );

    refund["status"] = json!("pending");
    let updated = deliver(
        &event("evt_r4", "charge.refund.updated", refund.clone()),
        NOW_SECS,
    )
    .unwrap();
    let Subject::Refund(r) = &updated[0].subject else {
        panic!()
    };
    assert_eq!(r.state, RefundState::Pending);

    // charge.refunded carries the charge with its refunds: one news each.
    let mut second = refund.clone();
    second["id"] = json!("re_second");
    second["status"] = json!("succeeded");
    let charge = json!({
        "id": "ch_1PgafuB7WZ01zgkWXYmPNZs8", "object": "charge", "amount": 1000,
        "currency": "usd", "payment_intent": "pi_3Paid", "refunded": false,
        "refunds": {"object": "list", "data": [refund, second]},
    });
    let both = deliver(&event("evt_c1", "charge.refunded", charge), NOW_SECS).unwrap();
    let ids: Vec<&str> = both.iter().map(|n| n.notification_id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["evt_c1/re_1Pgc72B7WZ01zgkWqPvrRrPE", "evt_c1/re_second"]
    );
}

#[test]
fn dispute_events_become_dispute_news() {
    let dispute = fixture("dispute");
    let created = deliver(
        &event("evt_d1", "charge.dispute.created", dispute.clone()),
        NOW_SECS,
    )
    .unwrap();
    assert_eq!(created.len(), 1);
    let Subject::Dispute(d) = &created[0].subject else {
        panic!("{created:?}")
    };
    assert_eq!(d.dispute_id, "dp_1Pgc71B7WZ01zgkWMevJiAUx");
    assert_eq!(d.payment_reference, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
    assert_eq!(d.amount, Money::new(1000, Currency::parse("USD").unwrap()));
    assert_eq!(d.reason_code, "general (visa 10.4)");
    assert_eq!(d.stage, DisputeStage::Inquiry, "warning_* is an inquiry");
    assert_eq!(d.state, DisputeState::NeedsResponse);
    assert_eq!(d.respond_by, Some(Timestamp(1_723_679_999_000)));

    let mut chargeback = dispute.clone();
    chargeback["payment_method_details"]["card"]["case_type"] = json!("chargeback");
    chargeback["payment_intent"] = json!("pi_3Paid");
    chargeback["reason"] = json!("fraudulent");
    chargeback["status"] = json!("needs_response");
    let expect = |kind: &str, status: &str, state: DisputeState| {
        let mut object = chargeback.clone();
        object["status"] = json!(status);
        let news = deliver(&event("evt_d", kind, object), NOW_SECS).unwrap();
        let Subject::Dispute(d) = &news[0].subject else {
            panic!()
        };
        assert_eq!(d.stage, DisputeStage::Chargeback, "{kind}");
        assert_eq!(d.payment_reference, "pi_3Paid");
        assert!(d.reason_code.starts_with("fraudulent"));
        assert_eq!(d.state, state, "{kind} {status}");
    };
    expect(
        "charge.dispute.funds_withdrawn",
        "needs_response",
        DisputeState::NeedsResponse,
    );
    expect(
        "charge.dispute.updated",
        "under_review",
        DisputeState::UnderReview,
    );
    expect("charge.dispute.closed", "won", DisputeState::Won);
    expect("charge.dispute.funds_reinstated", "won", DisputeState::Won);
    expect("charge.dispute.closed", "lost", DisputeState::Lost);
}

#[test]
fn other_events_are_acknowledged_and_ignored() {
    let plan = fixture("event");
    assert_eq!(plan["type"], "plan.created");
    assert_eq!(deliver(plan.to_string().as_bytes(), NOW_SECS), Ok(vec![]));
    // A known type whose object is not what it should be does not parse.
    let broken = event("evt_x", "charge.dispute.created", json!({"id": "dp_1"}));
    assert!(matches!(
        deliver(&broken, NOW_SECS),
        Err(Rejection::Unparseable(_))
    ));
}
