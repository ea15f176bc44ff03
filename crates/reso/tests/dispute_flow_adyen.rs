//! An Adyen chargeback end to end, through the real parts: Adyen's own
//! notification items (CHARGEBACK, CHARGEBACK_REVERSED…) signed with the
//! account's HMAC key and delivered to Reso's ingress, the claim API, the
//! worker's dispute job and the Adyen adapter, against a fake Adyen
//! DisputeService on loopback that checks every request against Adyen's
//! official spec (tests/specs/adyen-DisputeService-v30.json) and keeps
//! Adyen's rules (an idempotency key replays the first answer). Runs on
//! PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use base64::Engine;
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
use support::fake_provider::{FakeProvider, Recorded, Reply};
use support::provider_spec::ProviderSpec;
use support::{sample_order, TestApp, DAY, START};

const SPEC: &str = "adyen-DisputeService-v30.json";
const SERVICE: &str = "/ca/services/DisputeService/v30";
const HMAC_KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const API_KEY: &str = "AQEyhmfxK4-dispute-flow-secret";
const MERCHANT: &str = "ResoShopNL";
/// The chargeback's PSP reference, which Adyen keeps through its stages.
const DISPUTE: &str = "DZ4DPSHB4WD2WN82";
/// The payment's PSP reference.
const PAYMENT: &str = "V4HZ4RBFJGXXGN82";
const CAPTURED: i64 = 23_800;
/// The buyer disputes part of the order: the tent.
const DISPUTED: i64 = 18_900;
/// Mastercard 4853, "cardholder dispute", with twenty days to defend.
const REASON_CODE: &str = "4853";
const ANSWER_SECS: i64 = 20 * 86_400;

// ---- a fake Adyen DisputeService ----

#[derive(Default)]
struct AdyenBook {
    /// Idempotency key → the first answer.
    by_key: HashMap<String, (u16, Value)>,
    documents: Vec<Value>,
    defended: Vec<String>,
    accepted: u32,
    /// `defendDispute` calls Adyen fails with a 500 before doing anything.
    outages: u32,
    /// A final no to every change: status and Adyen's error body.
    refusal: Option<(u16, Value)>,
}

impl AdyenBook {
    fn answer(&mut self, request: &Recorded) -> Reply {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let operation = request.path().rsplit('/').next().unwrap_or_default();
        if operation == "retrieveApplicableDefenseReasons" {
            return Reply::json(200, specs_example_reasons());
        }
        if operation == "defendDispute" && self.outages > 0 {
            self.outages -= 1;
            return Reply::json(
                500,
                json!({"status": 500, "errorCode": "905", "message": "Internal error", "errorType": "internal"}),
            );
        }
        let key = request.header("idempotency-key").map(str::to_string);
        if let Some((status, answer)) = key.as_ref().and_then(|k| self.by_key.get(k)) {
            return Reply::json(*status, answer.clone());
        }
        let (status, answer) = match &self.refusal {
            Some(refusal) => refusal.clone(),
            None => {
                match operation {
                    "acceptDispute" => self.accepted += 1,
                    "supplyDefenseDocument" => self.documents.extend(
                        body["defenseDocuments"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    "defendDispute" => self
                        .defended
                        .push(body["defenseReasonCode"].as_str().unwrap().to_string()),
                    other => panic!("the fake does not know {other}"),
                }
                (200, json!({"disputeServiceResult": {"success": true}}))
            }
        };
        if let Some(key) = key {
            self.by_key.insert(key, (status, answer.clone()));
        }
        Reply::json(status, answer)
    }
}

/// The example answer of `retrieveApplicableDefenseReasons` in Adyen's spec.
fn specs_example_reasons() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(SPEC);
    let spec: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    spec["components"]["examples"]
        ["post-retrieveApplicableDefenseReasons-retrieve-defense-reasons-200"]["value"]
        .clone()
}

// ---- Adyen's notifications ----

/// Adyen's `hmacSignature` of one notification item.
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

// ---- the shop: Reso with a connected Adyen account ----

struct Shop {
    app: TestApp,
    /// Reso's state with the sealing key the worker needs.
    state: AppState,
    fake: FakeProvider,
    adyen: Arc<Mutex<AdyenBook>>,
    /// Reso with the sealing key, on a port of its own (the webhook URL).
    reso: String,
    account_id: i64,
}

/// Order 5001 (23,800 captured through Adyen as `PAYMENT`, shipped with
/// DHL tracking) and a fake Adyen.
async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let adyen = Arc::new(Mutex::new(AdyenBook::default()));
    let book = adyen.clone();
    let fake = FakeProvider::start(ProviderSpec::load(SPEC), move |r| {
        book.lock().unwrap().answer(r)
    })
    .await;
    let mut state = app.state.clone();
    state.sealing_key = Some(Arc::new(SecretKey::generate().0));
    let account = payment_providers::connect(
        &state,
        app.merchant.id,
        Provider::Adyen,
        Connection {
            // The Checkout base URL, as a merchant connects it.
            base_url: Some(format!("{}/v72", fake.base_url)),
            mode: Mode::Test,
            settings: BTreeMap::from([("merchant_account".to_string(), MERCHANT.to_string())]),
            secrets: BTreeMap::from([
                ("api_key".to_string(), Secret::new(API_KEY)),
                ("hmac_key".to_string(), Secret::new(HMAC_KEY)),
            ]),
        },
    )
    .await
    .expect("connect");
    let mut order = sample_order("5001", "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("adyen");
    order["payments"][0]["reference"] = json!(PAYMENT);
    app.create_order(&order).await;
    let reso = support::serve(reso::server::router(state.clone())).await;
    Shop {
        app,
        state,
        fake,
        adyen,
        reso,
        account_id: account.id,
    }
}

impl Shop {
    /// Adyen's notification item of `event_code` about the chargeback, as
    /// Adyen sends it now.
    fn item(&self, event_code: &str, extra: Value) -> Value {
        let mut additional = json!({
            "chargebackReasonCode": REASON_CODE,
            "chargebackSchemeCode": "mastercard",
            "defensePeriodEndsAt": support::iso(START + ANSWER_SECS * 1000),
            "defendable": "true",
            "autoDefended": "false",
        });
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            additional[k] = v;
        }
        json!({
            "additionalData": additional,
            "amount": {"currency": "EUR", "value": DISPUTED},
            "eventCode": event_code,
            "eventDate": support::iso(self.app.clock.now().millis()),
            "merchantAccountCode": MERCHANT,
            "merchantReference": "5001",
            "originalReference": PAYMENT,
            "paymentMethod": "mc",
            "pspReference": DISPUTE,
            "reason": "Cardholder dispute",
            "success": "true",
        })
    }

    /// Delivers a batch to Reso's webhook URL; status and body.
    async fn deliver(&self, batch: &Value) -> (u16, String) {
        let res = self
            .app
            .http
            .post(format!(
                "{}/webhooks/payments/{}",
                self.reso, self.account_id
            ))
            .header("content-type", "application/json")
            .body(batch.to_string())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap_or_default())
    }

    async fn notify(&self, event_code: &str, extra: Value) {
        let (status, body) = self
            .deliver(&signed_batch(vec![self.item(event_code, extra)]))
            .await;
        assert_eq!(status, 200, "{event_code}: {body}");
    }

    /// Adyen opens the chargeback; the claim it became.
    async fn chargeback_opened(&self) -> i64 {
        self.notify("CHARGEBACK", json!({"disputeStatus": "Unresponded"}))
            .await;
        let claims = self.claims().await;
        assert_eq!(claims.len(), 1, "{claims:?}");
        claims[0]["id"].as_i64().unwrap()
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

    fn requests_to(&self, operation: &str) -> Vec<Recorded> {
        let path = format!("{SERVICE}/{operation}");
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.path() == path)
            .collect()
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

fn count(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

fn decoded(document: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(document["content"].as_str().unwrap())
        .unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn evidence_sent_to_adyen_through_an_outage_wins_the_chargeback() {
    let shop = shop().await;

    // A batch signed with another key is refused and opens nothing.
    let mut forged = signed_batch(vec![shop.item("CHARGEBACK", json!({}))]);
    forged["notificationItems"][0]["NotificationRequestItem"]["additionalData"]["hmacSignature"] =
        json!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    let (status, _) = shop.deliver(&forged).await;
    assert!((400..500).contains(&status), "{status}");
    assert!(shop.claims().await.is_empty());

    // Adyen's chargeback: a claim with Adyen's reason, amount and deadline.
    let opened = signed_batch(vec![
        shop.item("CHARGEBACK", json!({"disputeStatus": "Unresponded"}))
    ]);
    let (status, body) = shop.deliver(&opened).await;
    assert_eq!(status, 200, "{body}");
    let claims = shop.claims().await;
    assert_eq!(claims.len(), 1, "{claims:?}");
    let id = claims[0]["id"].as_i64().unwrap();
    let claim = shop.claim(id).await;
    assert_eq!(claim["kind"], "chargeback");
    assert_eq!(claim["status"], "awaiting_merchant");
    assert_eq!(claim["order_number"], "5001");
    assert_eq!(claim["seconds_left"], json!(ANSWER_SECS), "{claim}");
    let dispute = &claim["dispute"];
    assert_eq!(dispute["provider"], "adyen");
    assert_eq!(dispute["dispute_id"], DISPUTE);
    assert_eq!(dispute["stage"], "chargeback");
    assert_eq!(dispute["state"], "needs_response");
    assert!(
        dispute["reason_code"]
            .as_str()
            .unwrap_or_default()
            .contains(REASON_CODE),
        "{dispute}"
    );
    assert_eq!(dispute["amount_minor"], DISPUTED);
    assert_eq!(dispute["currency"], "EUR");
    assert_eq!(dispute["seconds_left"], json!(ANSWER_SECS));
    assert_eq!(
        count(&event_kinds(&claim), "claim.dispute_opened"),
        1,
        "{claim}"
    );

    // Adyen delivers the same notification again: nothing changes.
    let (status, _) = shop.deliver(&opened).await;
    assert_eq!(status, 200);
    assert_eq!(shop.claims().await.len(), 1);
    let again = shop.claim(id).await;
    assert_eq!(
        again["events"], claim["events"],
        "the same claim, unchanged"
    );

    // The merchant answers with evidence.
    let statement = "The tent was delivered to the buyer's address and signed for.";
    let answered = shop
        .answer(id, json!({ "answer": "evidence", "statement": statement }))
        .await;
    assert_eq!(answered["status"], "awaiting_provider");
    assert!(
        shop.fake.requests().is_empty(),
        "nothing sent from a request"
    );

    // Adyen fails the defense once: the worker tries again later with the
    // same keys, and nothing reaches Adyen twice.
    shop.adyen.lock().unwrap().outages = 1;
    shop.work().await;
    assert_eq!(
        shop.requests_to("defendDispute").len(),
        1,
        "the failed defense"
    );
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_submitted"), 0);
    assert!(shop.adyen.lock().unwrap().defended.is_empty());

    shop.work().await;
    assert_eq!(
        shop.requests_to("defendDispute").len(),
        1,
        "not before the retry delay"
    );
    shop.app.clock.advance_ms(reso::jobs::backoff_ms(1) + 1_000);
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    for operation in ["supplyDefenseDocument", "defendDispute"] {
        let sent = shop.requests_to(operation);
        assert_eq!(sent.len(), 2, "{operation}: the first and its retry");
        let key = sent[0].header("idempotency-key");
        assert!(key.is_some(), "{operation} has a key");
        assert_eq!(sent[1].header("idempotency-key"), key, "{operation}");
        assert_eq!(sent[0].body, sent[1].body, "{operation}: the same request");
    }
    for request in shop.fake.requests() {
        assert_eq!(request.header("x-api-key"), Some(API_KEY));
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["merchantAccountCode"], MERCHANT);
        assert_eq!(body["disputePspReference"], DISPUTE);
    }
    {
        let book = shop.adyen.lock().unwrap();
        assert_eq!(book.defended, ["SupplyDefenseMaterial"], "defended once");
        // The evidence summary PDF under the generic type and for the invoice.
        let types: Vec<(&str, &str)> = book
            .documents
            .iter()
            .map(|d| {
                (
                    d["defenseDocumentTypeCode"].as_str().unwrap(),
                    d["contentType"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            types,
            [
                ("DefenseMaterial", "application/pdf"),
                ("TIDorInvoice", "application/pdf"),
            ],
            "supplied once"
        );
        let summary = decoded(&book.documents[0]);
        assert!(summary.starts_with(b"%PDF-"), "a PDF");
        assert!(summary.len() <= 2_000_000, "within Adyen's limit");
        assert_eq!(decoded(&book.documents[1]), summary);
        // The summary carries the merchant's statement and the tracking.
        for fact in ["5001", "JD5001", "signed for"] {
            assert!(contains(&summary, fact), "the summary lacks {fact:?}");
        }
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

    // The issuer accepts the defense: Adyen reverses the chargeback.
    shop.app.clock.advance_ms(20 * DAY);
    shop.notify("CHARGEBACK_REVERSED", json!({"disputeStatus": "Won"}))
        .await;
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
async fn accepting_at_adyen_loses_the_chargeback_and_the_money_leaves_the_balance() {
    let shop = shop().await;
    let id = shop.chargeback_opened().await;

    let answered = shop
        .answer(
            id,
            json!({ "answer": "accept", "statement": "We will not contest this." }),
        )
        .await;
    assert_eq!(answered["status"], "awaiting_provider");
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    assert_eq!(shop.requests_to("acceptDispute").len(), 1);
    assert_eq!(
        shop.fake.requests().len(),
        1,
        "accepting sends no documents"
    );
    assert_eq!(shop.adyen.lock().unwrap().accepted, 1);
    let claim = shop.claim(id).await;
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_submitted"), 1);

    // Adyen ends the defense period with the dispute accepted: lost, and
    // the same news twice changes nothing.
    for _ in 0..2 {
        shop.notify(
            "DISPUTE_DEFENSE_PERIOD_ENDED",
            json!({"disputeStatus": "Accepted"}),
        )
        .await;
    }
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
async fn adyens_final_no_puts_the_claim_back_to_the_merchant() {
    let shop = shop().await;
    let id = shop.chargeback_opened().await;
    shop.adyen.lock().unwrap().refusal = Some((
        422,
        json!({"status": 422, "errorCode": "000", "message": "Dispute is not open any more",
               "errorType": "validation"}),
    ));

    shop.answer(
        id,
        json!({ "answer": "evidence", "statement": "Delivered and signed for." }),
    )
    .await;
    shop.work().await;
    shop.fake.assert_requests_match_spec();
    assert!(
        shop.adyen.lock().unwrap().documents.is_empty(),
        "Adyen took nothing"
    );
    assert!(shop.requests_to("defendDispute").is_empty());
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
        reason.contains("Dispute is not open any more"),
        "Adyen's reason: {reason}"
    );
    assert_eq!(count(&event_kinds(&claim), "claim.dispute_submitted"), 0);
    // The deadline has not passed: the countdown is back.
    assert_eq!(claim["seconds_left"], json!(ANSWER_SECS), "{claim}");

    // A refusal is final: the worker does not send it again.
    let sent = shop.fake.requests().len();
    shop.app.clock.advance_ms(reso::jobs::backoff_ms(1) + 1_000);
    shop.work().await;
    assert_eq!(shop.fake.requests().len(), sent);
}
