//! A Stripe chargeback end to end, through the real parts: Stripe's own
//! `charge.dispute.*` events signed with the account's webhook secret and
//! delivered to Reso's ingress, the claim API, the worker's dispute job and
//! the Stripe adapter, against a fake Stripe on loopback that checks every
//! request against Stripe's official OpenAPI spec and keeps Stripe's rules
//! (idempotency keys replay the first answer, evidence only while a dispute
//! needs a response, files uploaded before the dispute names them). Runs on
//! PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use hmac::{Hmac, Mac};
use reso::app::payment_providers::{self, Connection};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso::clock::Clock;
use reso::gateways::providers::{Mode, Provider};
use reso::secrets::{Secret, SecretKey};
use reso::AppState;
use reso_domain::returns::RequestedLine;
use reso_domain::ReturnReason;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use support::fake_provider::{FakeProvider, Fault, Recorded, Reply};
use support::provider_spec::{decode_multipart, FormPart, ProviderSpec};
use support::{sample_order, TestApp, DAY, START};

const WEBHOOK_SECRET: &str = "whsec_dispute_flow_secret";
const SECRET_KEY: &str = "sk_test_dispute_flow_4242";
const DISPUTE: &str = "dp_1QResoFlow5001";
const PAYMENT: &str = "pi_5001";
const CAPTURED: i64 = 23_800;
/// The buyer disputes part of the order: the tent.
const DISPUTED: i64 = 18_900;
/// Seven days to answer, as Stripe gives for most card networks.
const ANSWER_SECS: i64 = 7 * 86_400;

// ---- a fake Stripe: disputes, uploaded files, idempotency keys ----

#[derive(Default)]
struct StripeBook {
    disputes: HashMap<String, Value>,
    /// Uploaded files: their object, and the bytes received.
    files: Vec<(Value, Vec<u8>)>,
    /// Idempotency key → (the parameters it was first used with, the reply).
    keys: HashMap<String, (String, Reply)>,
    /// Evidence submissions per dispute (Stripe's `submission_count`).
    submissions: HashMap<String, u32>,
    /// Dispute updates Stripe fails with a 500 before doing anything.
    outages: u32,
}

impl StripeBook {
    fn answer(&mut self, request: &Recorded) -> Reply {
        if request.method == "GET" {
            let id = request.path().trim_start_matches("/v1/disputes/");
            return match self.disputes.get(id) {
                Some(dispute) => Reply::json(200, dispute.clone()),
                None => no_such_dispute(id),
            };
        }
        if self.outages > 0 && request.path().starts_with("/v1/disputes/") {
            self.outages -= 1;
            return stripe_error(500, "api_error", "Something went wrong on Stripe's end.");
        }
        let key = request
            .header("idempotency-key")
            .unwrap_or_default()
            .to_string();
        // Stripe compares parameters, not bytes: a multipart boundary differs
        // on every attempt.
        let params = if request.path() == "/v1/files" {
            format!("{:?}", multipart(request))
        } else {
            String::from_utf8_lossy(&request.body).into_owned()
        };
        if let Some((first, reply)) = self.keys.get(&key) {
            return if *first == params {
                reply.clone()
            } else {
                stripe_error(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.")
            };
        }
        let reply = self.act(request);
        if reply.status < 500 && !key.is_empty() {
            self.keys.insert(key, (params, reply.clone()));
        }
        reply
    }

    fn act(&mut self, request: &Recorded) -> Reply {
        let path = request.path().to_string();
        if path == "/v1/files" {
            return self.upload(request);
        }
        let rest = path.trim_start_matches("/v1/disputes/");
        let (id, close) = match rest.strip_suffix("/close") {
            Some(id) => (id, true),
            None => (rest, false),
        };
        let Some(dispute) = self.disputes.get(id).cloned() else {
            return no_such_dispute(id);
        };
        let status = dispute["status"].as_str().unwrap_or_default().to_string();
        let open = status == "needs_response" || status == "warning_needs_response";
        if close {
            if !open {
                return stripe_error(
                    400,
                    "invalid_request_error",
                    &format!("This dispute is already {status} and cannot be closed."),
                );
            }
            return self.set(id, |d| d["status"] = json!("lost"));
        }
        if !open {
            return stripe_error(
                400,
                "invalid_request_error",
                &format!(
                    "This dispute is already {status}: its evidence can no longer be updated."
                ),
            );
        }
        let mut evidence = dispute["evidence"].clone();
        let mut metadata = dispute["metadata"].clone();
        for (key, value) in request.form() {
            if let Some(field) = key
                .strip_prefix("evidence[")
                .and_then(|k| k.strip_suffix(']'))
            {
                let names_a_file = field.ends_with("_file")
                    || matches!(
                        field,
                        "receipt"
                            | "shipping_documentation"
                            | "customer_communication"
                            | "refund_policy"
                    );
                let known = self
                    .files
                    .iter()
                    .any(|(f, _)| f["id"] == value.as_str() && f["purpose"] == "dispute_evidence");
                if names_a_file && !known {
                    return stripe_error(
                        400,
                        "invalid_request_error",
                        &format!("No such file upload: '{value}'"),
                    );
                }
                evidence[field] = json!(value);
            } else if let Some(name) = key
                .strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
            {
                metadata[name] = json!(value);
            }
        }
        let submit = request.form_value("submit").as_deref() != Some("false");
        if submit {
            *self.submissions.entry(id.to_string()).or_default() += 1;
        }
        let count = self.submissions.get(id).copied().unwrap_or(0);
        self.set(id, |d| {
            d["evidence"] = evidence;
            d["metadata"] = metadata;
            d["evidence_details"]["submission_count"] = json!(count);
            d["evidence_details"]["has_evidence"] = json!(true);
            if submit {
                d["status"] = json!("under_review");
            }
        })
    }

    fn upload(&mut self, request: &Recorded) -> Reply {
        let parts = multipart(request);
        let purpose = parts.iter().find(|p| p.name == "purpose");
        let file = parts.iter().find(|p| p.name == "file");
        let (Some(purpose), Some(file)) = (purpose, file) else {
            return stripe_error(
                400,
                "invalid_request_error",
                "Missing required param: file.",
            );
        };
        let kind = match file.content_type.as_deref() {
            Some("application/pdf") => "pdf",
            Some("image/jpeg") => "jpg",
            Some("image/png") => "png",
            _ => {
                return stripe_error(
                    400,
                    "invalid_request_error",
                    "Invalid file: must be one of pdf, jpg, or png.",
                )
            }
        };
        let object = json!({
            "id": format!("file_flow{}", self.files.len() + 1),
            "object": "file",
            "created": START / 1000,
            "filename": file.filename,
            "purpose": String::from_utf8_lossy(&purpose.body),
            "size": file.body.len(),
            "type": kind,
        });
        self.files.push((object.clone(), file.body.clone()));
        Reply::json(200, object)
    }

    fn set(&mut self, id: &str, change: impl FnOnce(&mut Value)) -> Reply {
        let dispute = self.disputes.get_mut(id).expect("a known dispute");
        change(dispute);
        Reply::json(200, dispute.clone())
    }

    fn status(&self, id: &str) -> String {
        self.disputes[id]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn no_such_dispute(id: &str) -> Reply {
    Reply::json(
        404,
        json!({ "error": { "type": "invalid_request_error", "code": "resource_missing",
            "message": format!("No such dispute: '{id}'") } }),
    )
}

fn stripe_error(status: u16, kind: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({ "error": { "type": kind, "message": message } }),
    )
}

fn multipart(request: &Recorded) -> Vec<FormPart> {
    decode_multipart(
        request.header("content-type").unwrap_or_default(),
        &request.body,
    )
    .unwrap_or_default()
}

/// One of Stripe's own example objects (tests/specs/stripe-fixtures3.json).
fn fixture(name: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/stripe-fixtures3.json"
    );
    let fixtures: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    fixtures["resources"][name].clone()
}

/// Stripe's dispute as it opens: a Visa chargeback (10.4, fraud) on order
/// 5001's PaymentIntent, to be answered within seven days.
fn opened_dispute(now_secs: i64) -> Value {
    let mut d = fixture("dispute");
    d["id"] = json!(DISPUTE);
    d["amount"] = json!(DISPUTED);
    d["currency"] = json!("eur");
    d["charge"] = json!("ch_3QResoFlow5001");
    d["payment_intent"] = json!(PAYMENT);
    d["created"] = json!(now_secs);
    d["status"] = json!("needs_response");
    d["reason"] = json!("fraudulent");
    d["is_charge_refundable"] = json!(false);
    d["payment_method_details"]["card"]["case_type"] = json!("chargeback");
    d["evidence_details"]["due_by"] = json!(now_secs + ANSWER_SECS);
    d
}

// ---- the shop: Reso with a connected Stripe account ----

struct Shop {
    app: TestApp,
    /// Reso's state with the sealing key the worker needs.
    state: AppState,
    fake: FakeProvider,
    stripe: Arc<Mutex<StripeBook>>,
    /// Reso with the sealing key, on a port of its own (the webhook URL).
    reso: String,
    account_id: i64,
}

/// Order 5001 (23,800 captured through Stripe as `pi_5001`, shipped with
/// DHL `JD5001`) and a fake Stripe that has just opened a chargeback on it.
async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let stripe = Arc::new(Mutex::new(StripeBook::default()));
    stripe
        .lock()
        .unwrap()
        .disputes
        .insert(DISPUTE.into(), opened_dispute(START / 1000));
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
                ("secret_key".to_string(), Secret::new(SECRET_KEY)),
                ("webhook_secret".to_string(), Secret::new(WEBHOOK_SECRET)),
            ]),
        },
    )
    .await
    .expect("connect");
    let mut order = sample_order("5001", "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("stripe");
    order["payments"][0]["reference"] = json!(PAYMENT);
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
    fn now_secs(&self) -> i64 {
        self.app.clock.now().millis() / 1000
    }

    /// Stripe's event of `kind` about the dispute as Stripe has it now.
    fn event(&self, id: &str, kind: &str) -> String {
        let dispute = self.stripe.lock().unwrap().disputes[DISPUTE].clone();
        let mut event = fixture("event");
        event["id"] = json!(id);
        event["type"] = json!(kind);
        event["api_version"] = json!("2024-06-20");
        event["created"] = json!(self.now_secs());
        event["pending_webhooks"] = json!(1);
        event["data"] = json!({ "object": dispute });
        event.to_string()
    }

    /// Delivers an event body as Stripe does: signed now with the endpoint's
    /// secret (a redelivery is signed afresh). Status and answer.
    async fn deliver(&self, body: &str) -> (u16, Value) {
        let t = self.now_secs();
        let signature = format!("t={t},v1={}", sign(WEBHOOK_SECRET, t, body.as_bytes()));
        self.deliver_signed(body, &signature).await
    }

    async fn deliver_signed(&self, body: &str, signature: &str) -> (u16, Value) {
        let res = self
            .app
            .http
            .post(format!(
                "{}/webhooks/payments/{}",
                self.reso, self.account_id
            ))
            .header("content-type", "application/json; charset=utf-8")
            .header("stripe-signature", signature)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Stripe decides the dispute and says so.
    async fn decide(&self, event_id: &str, outcome: &str) {
        self.stripe
            .lock()
            .unwrap()
            .disputes
            .get_mut(DISPUTE)
            .unwrap()["status"] = json!(outcome);
        let (status, ack) = self
            .deliver(&self.event(event_id, "charge.dispute.closed"))
            .await;
        assert_eq!((status, &ack["applied"]), (200, &json!(1)), "{ack}");
    }

    /// Runs the worker (with the sealing key) on what is due now.
    async fn work(&self) {
        reso::jobs::run_pending(&self.state)
            .await
            .expect("jobs run");
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

    async fn answer(&self, id: i64, body: Value) -> Value {
        let res = self
            .app
            .api_post(&format!("/api/v1/claims/{id}/dispute-answer"), &body)
            .await;
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn refund(&self, amount: i64) -> u16 {
        let body =
            json!({ "amount_minor": amount, "method": "original_payment", "reason": "goodwill" });
        self.app
            .api_post("/api/v1/orders/5001/refunds", &body)
            .await
            .status()
            .as_u16()
    }

    /// Stripe opens the chargeback (`created`, then `funds_withdrawn` as
    /// Stripe sends both); the claim it became.
    async fn chargeback_opened(&self) -> i64 {
        for (id, kind) in [
            ("evt_1QFlowCreated", "charge.dispute.created"),
            ("evt_1QFlowWithdrawn", "charge.dispute.funds_withdrawn"),
        ] {
            let (status, ack) = self.deliver(&self.event(id, kind)).await;
            assert_eq!(status, 200, "{ack}");
        }
        let claims = self.claims().await;
        assert_eq!(claims.len(), 1, "{claims:?}");
        claims[0]["id"].as_i64().unwrap()
    }

    fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.path() == path)
            .collect()
    }
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

fn event_kinds(claim: &Value) -> Vec<String> {
    claim["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {claim}"))
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

fn count(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

/// The buyer asked to return a mug, with a photo of it.
async fn return_with_photo(app: &TestApp) {
    let order = reso::app::orders::by_number(&app.state, app.merchant.id, "5001")
        .await
        .expect("order 5001");
    let mug = order.lines.iter().find(|l| l.sku == "MUG-TI").unwrap();
    let request = ReturnRequest {
        lines: vec![RequestedLine {
            order_line_id: mug.id,
            quantity: 1,
            reason: ReturnReason::Damaged,
        }],
        comment: "Dented on arrival".into(),
        refund_method: None,
        photos: vec![Photo {
            bytes: b"\x89PNG\r\n\x1a\n-a-photo-of-a-dented-mug".to_vec(),
        }],
    };
    reso::app::returns::request(
        &app.state,
        &app.merchant,
        order.id,
        request,
        &Actor::Buyer("ada@example.com".into()),
    )
    .await
    .expect("return");
}

#[tokio::test]
async fn evidence_sent_to_stripe_through_an_outage_wins_the_chargeback() {
    let shop = shop().await;
    return_with_photo(&shop.app).await;

    // A forged event is refused and opens nothing.
    let forged = shop.event("evt_1QFlowForged", "charge.dispute.created");
    let t = shop.now_secs();
    let wrong = format!("t={t},v1={}", sign("whsec_not_ours", t, forged.as_bytes()));
    let (status, _) = shop.deliver_signed(&forged, &wrong).await;
    assert_eq!(status, 401);
    assert!(shop.claims().await.is_empty());

    // Stripe opens the chargeback: a claim with Stripe's reason, amount and deadline.
    let created = shop.event("evt_1QFlowCreated", "charge.dispute.created");
    let (status, ack) = shop.deliver(&created).await;
    assert_eq!((status, &ack["applied"]), (200, &json!(1)), "{ack}");
    let claims = shop.claims().await;
    assert_eq!(claims.len(), 1, "{claims:?}");
    let id = claims[0]["id"].as_i64().unwrap();
    let claim = shop.claim(id).await;
    assert_eq!(claim["kind"], "chargeback");
    assert_eq!(claim["status"], "awaiting_merchant");
    assert_eq!(claim["order_number"], "5001");
    assert_eq!(claim["seconds_left"], json!(ANSWER_SECS), "{claim}");
    let dispute = &claim["dispute"];
    assert_eq!(dispute["provider"], "stripe");
    assert_eq!(dispute["dispute_id"], DISPUTE);
    assert_eq!(dispute["stage"], "chargeback");
    assert_eq!(dispute["state"], "needs_response");
    assert_eq!(dispute["reason_code"], "fraudulent (visa 10.4)");
    assert_eq!(dispute["amount_minor"], DISPUTED);
    assert_eq!(dispute["currency"], "EUR");
    assert_eq!(dispute["seconds_left"], json!(ANSWER_SECS));
    assert_eq!(dispute["respond_by"], support::iso(START + 7 * DAY));
    let events = event_kinds(&claim);
    assert_eq!(count(&events, "claim.dispute_opened"), 1, "{events:?}");

    // Stripe delivers the same event again, and the funds withdrawal that
    // comes with a chargeback: nothing changes.
    let (status, ack) = shop.deliver(&created).await;
    assert_eq!((status, &ack["repeated"]), (200, &json!(1)), "{ack}");
    let (status, _) = shop
        .deliver(&shop.event("evt_1QFlowWithdrawn", "charge.dispute.funds_withdrawn"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(shop.claims().await.len(), 1);
    let again = shop.claim(id).await;
    assert_eq!(
        again["events"], claim["events"],
        "the same claim, unchanged"
    );
    assert_eq!(again["status"], "awaiting_merchant");

    // The merchant answers with evidence.
    let statement = "The tent was delivered to the buyer's address; DHL JD5001 was signed for.";
    let answered = shop
        .answer(
            id,
            json!({ "answer": "evidence", "statement": statement,
                    "refund_refusal": "The goods were delivered as ordered." }),
        )
        .await;
    assert_eq!(answered["status"], "awaiting_provider");
    assert!(
        shop.fake.requests().is_empty(),
        "nothing sent from a request"
    );

    // Stripe fails the submission once: the worker tries again later with
    // the same keys, and nothing reaches Stripe twice.
    shop.stripe.lock().unwrap().outages = 1;
    shop.work().await;
    let path = format!("/v1/disputes/{DISPUTE}");
    assert_eq!(shop.requests_to(&path).len(), 1, "the failed submission");
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert!(!event_kinds(&claim).contains(&"claim.dispute_submitted".to_string()));
    assert_eq!(
        shop.stripe.lock().unwrap().status(DISPUTE),
        "needs_response"
    );
    let uploads_before = shop.stripe.lock().unwrap().files.len();
    assert!(uploads_before >= 1, "the evidence PDF was uploaded first");

    shop.work().await;
    assert_eq!(
        shop.requests_to(&path).len(),
        1,
        "not before the retry delay"
    );
    shop.app.clock.advance_ms(reso::jobs::backoff_ms(1) + 1_000);
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    let submissions = shop.requests_to(&path);
    assert_eq!(submissions.len(), 2, "the failed one and its retry");
    let key = submissions[0]
        .header("idempotency-key")
        .unwrap()
        .to_string();
    assert_eq!(submissions[1].header("idempotency-key"), Some(key.as_str()));
    assert_eq!(
        submissions[0].form(),
        submissions[1].form(),
        "the same evidence"
    );
    let uploads = shop.requests_to("/v1/files");
    assert_eq!(
        uploads.len(),
        2 * uploads_before,
        "each upload retried once"
    );
    for (first, retry) in uploads[..uploads_before]
        .iter()
        .zip(&uploads[uploads_before..])
    {
        assert_eq!(
            first.header("idempotency-key"),
            retry.header("idempotency-key")
        );
    }
    {
        let book = shop.stripe.lock().unwrap();
        assert_eq!(book.files.len(), uploads_before, "no file uploaded twice");
        assert_eq!(book.submissions[DISPUTE], 1, "submitted once");
        assert_eq!(book.status(DISPUTE), "under_review");
    }

    // What Stripe got: the statement, the shipment, and the PDF.
    let sent = &submissions[1];
    let field = |k: &str| sent.form_value(&format!("evidence[{k}]"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {SECRET_KEY}").as_str())
    );
    assert_eq!(sent.form_value("submit").as_deref(), Some("true"));
    let text = field("uncategorized_text").unwrap();
    assert!(text.contains(statement), "{text}");
    assert!(text.contains("-photo-1.png"), "the photo is named: {text}");
    assert_eq!(field("shipping_carrier").as_deref(), Some("DHL"));
    assert_eq!(field("shipping_tracking_number").as_deref(), Some("JD5001"));
    assert_eq!(
        field("customer_email_address").as_deref(),
        Some("ada@example.com")
    );
    assert_eq!(
        field("refund_refusal_explanation").as_deref(),
        Some("The goods were delivered as ordered.")
    );
    let pdf_id = field("uncategorized_file").expect("the evidence PDF");
    {
        let book = shop.stripe.lock().unwrap();
        let (object, bytes) = book
            .files
            .iter()
            .find(|(f, _)| f["id"] == pdf_id.as_str())
            .expect("the uploaded PDF");
        assert_eq!(object["purpose"], "dispute_evidence");
        assert_eq!(object["type"], "pdf");
        assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    }
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert_eq!(claim["dispute"]["response"], "evidence");
    assert_eq!(claim["dispute"]["statement"], statement);
    assert_eq!(
        claim["seconds_left"],
        Value::Null,
        "no countdown once answered"
    );
    let events = event_kinds(&claim);
    assert_eq!(count(&events, "claim.dispute_submitted"), 1, "{events:?}");

    // The job is done: the worker sends nothing more.
    let sent_so_far = shop.fake.requests().len();
    shop.app.clock.advance_ms(DAY);
    shop.work().await;
    assert_eq!(shop.fake.requests().len(), sent_so_far);

    // Stripe reports the review, then the issuer's decision: won.
    let (status, _) = shop
        .deliver(&shop.event("evt_1QFlowReview", "charge.dispute.updated"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(shop.claim(id).await["status"], "awaiting_provider");
    shop.app.clock.advance_ms(20 * DAY);
    shop.decide("evt_1QFlowWon", "won").await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "closed", "{claim}");
    assert_eq!(claim["outcome"], "dispute_won");
    assert_eq!(claim["dispute"]["state"], "won");
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_decided"), 1);
    // The money stayed with the merchant: all of it can be refunded again.
    assert_eq!(shop.refund(CAPTURED + 1).await, 409);
    assert_eq!(shop.refund(CAPTURED).await, 201);
}

#[tokio::test]
async fn accepting_closes_the_dispute_at_stripe_and_the_lost_money_leaves_the_balance() {
    let shop = shop().await;
    let id = shop.chargeback_opened().await;
    assert_eq!(
        shop.refund(1_000).await,
        409,
        "no refund during a chargeback"
    );

    let answered = shop
        .answer(
            id,
            json!({ "answer": "accept", "statement": "We will not contest this." }),
        )
        .await;
    assert_eq!(answered["status"], "awaiting_provider");
    assert_eq!(answered["dispute"]["response"], "accepted");
    // Stripe closes the dispute, then the connection drops before its answer.
    shop.fake.script(Fault::DropAfterAccept);
    shop.work().await;
    assert_eq!(shop.stripe.lock().unwrap().status(DISPUTE), "lost");
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_submitted"), 0);
    // The retry gets Stripe's first answer back under the same key.
    shop.app.clock.advance_ms(reso::jobs::backoff_ms(1) + 1_000);
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    let closes = shop.requests_to(&format!("/v1/disputes/{DISPUTE}/close"));
    assert_eq!(closes.len(), 2, "{:#?}", shop.fake.requests());
    let key = closes[0].header("idempotency-key");
    assert!(key.is_some());
    assert_eq!(closes[1].header("idempotency-key"), key);
    assert_eq!(shop.fake.requests().len(), 2, "closing uploads nothing");
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_submitted"), 1);

    // Stripe closes the dispute as lost, and says so twice.
    shop.decide("evt_1QFlowLost", "lost").await;
    let (status, ack) = shop
        .deliver(&shop.event("evt_1QFlowLost", "charge.dispute.closed"))
        .await;
    assert_eq!((status, &ack["repeated"]), (200, &json!(1)), "{ack}");
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "closed", "{claim}");
    assert_eq!(claim["outcome"], "dispute_lost");
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_decided"), 1);

    // The buyer got the disputed amount back through the chargeback: only
    // the rest can still be refunded.
    let left = CAPTURED - DISPUTED;
    assert_eq!(shop.refund(left + 1).await, 409);
    assert_eq!(shop.refund(left).await, 201);
    assert_eq!(shop.refund(1).await, 409);
}

#[tokio::test]
async fn stripes_final_no_puts_the_claim_back_to_the_merchant() {
    let shop = shop().await;
    let id = shop.chargeback_opened().await;
    // Someone submitted evidence in Stripe's dashboard; Stripe's news of it
    // has not arrived yet.
    shop.stripe
        .lock()
        .unwrap()
        .disputes
        .get_mut(DISPUTE)
        .unwrap()["status"] = json!("under_review");

    shop.answer(
        id,
        json!({ "answer": "evidence", "statement": "Delivered and signed for." }),
    )
    .await;
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    assert_eq!(
        shop.stripe.lock().unwrap().submissions.get(DISPUTE),
        None,
        "Stripe took nothing"
    );
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_merchant", "{claim}");
    let refused: Vec<&Value> = claim["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "claim.dispute_answer_refused")
        .collect();
    assert_eq!(refused.len(), 1, "{claim}");
    let reason = refused[0]["data"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("This dispute is already under_review"),
        "Stripe's reason: {reason}"
    );
    assert!(!event_kinds(&claim).contains(&"claim.dispute_submitted".to_string()));
    // The deadline has not passed: the countdown is back.
    assert_eq!(claim["seconds_left"], json!(ANSWER_SECS), "{claim}");
    assert_eq!(claim["dispute"]["state"], "needs_response");
    assert_eq!(claim["dispute"]["response"], Value::Null);

    // A refusal is final: the worker does not send it again.
    let sent = shop.fake.requests().len();
    shop.app.clock.advance_ms(reso::jobs::backoff_ms(1) + 1_000);
    shop.work().await;
    assert_eq!(shop.fake.requests().len(), sent);
    // The merchant may answer again: accepting is refused too, as Stripe
    // reviews the dashboard's evidence.
    let again = shop.answer(id, json!({ "answer": "accept" })).await;
    assert_eq!(again["status"], "awaiting_provider");
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_merchant", "{claim}");
    let events = event_kinds(&claim);
    assert_eq!(
        count(&events, "claim.dispute_answer_refused"),
        2,
        "{events:?}"
    );
    let last = claim["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "claim.dispute_answer_refused");
    let reason = last["data"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("cannot be closed"), "{reason}");
    let key_of = |path: String| {
        shop.requests_to(&path)[0]
            .header("idempotency-key")
            .map(str::to_string)
    };
    assert_ne!(
        key_of(format!("/v1/disputes/{DISPUTE}")),
        key_of(format!("/v1/disputes/{DISPUTE}/close")),
        "each answer has its own key"
    );

    // Stripe's deadline passes unanswered: the deadline fires once.
    shop.app.clock.advance_ms(7 * DAY);
    shop.work().await;
    shop.work().await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider", "{claim}");
    let events = event_kinds(&claim);
    assert_eq!(count(&events, "claim.dispute_unanswered"), 1, "{events:?}");
    let res = shop
        .app
        .api_post(
            &format!("/api/v1/claims/{id}/dispute-answer"),
            &json!({ "answer": "accept" }),
        )
        .await;
    assert_eq!(res.status(), 409, "too late at Stripe");
}
