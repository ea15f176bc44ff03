//! A PayPal dispute from end to end, through the real parts: PayPal's
//! `CUSTOMER.DISPUTE.*` webhook events delivered to Reso's ingress and
//! verified by asking PayPal (`verify-webhook-signature`), the claim API,
//! the worker's `dispute_answer` job and the PayPal dispute adapter, against
//! a fake PayPal on loopback. The Disputes API is the shared fake provider,
//! which checks every request against PayPal's official specification
//! (tests/specs/paypal-customer_disputes_v1.json, multipart bodies included);
//! the OAuth2 token and the webhook check, in no specification file here,
//! are served by a small front door that passes everything else on. Runs on
//! PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use reso::app::payment_providers::{self, Connection};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso::gateways::providers::{Mode, Provider};
use reso::secrets::{Secret, SecretKey};
use reso::AppState;
use reso_domain::returns::RequestedLine;
use reso_domain::ReturnReason;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use support::fake_provider::{FakeProvider, Fault, Recorded, Reply};
use support::provider_spec::{decode_multipart, FormPart, ProviderSpec};
use support::{iso, sample_order, TestApp, DAY, START};

const SPEC: &str = "paypal-customer_disputes_v1.json";
const CLIENT_ID: &str = "AZ-reso-e2e-client";
const CLIENT_SECRET: &str = "EL-reso-e2e-secret-0815";
const WEBHOOK_ID: &str = "8PT597110X687430LKGECATA";
const TOKEN: &str = "A21AA-e2e-dispute-token";
/// The order's PayPal capture: what PayPal names as the disputed transaction.
const CAPTURE: &str = "2GG279541U471931P";
const DISPUTE: &str = "PP-D-27803";
const ORDER: &str = "4101";
/// What sample_order captures (238.00 EUR), and what the buyer disputes.
const CAPTURED: i64 = 23_800;
const DISPUTED: i64 = 10_000;
/// The buyer's photo with the return request; sent on as evidence.
const PHOTO: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00-the-tent-at-the-door\xff\xd9";
const RETRY_DELAY_MS: i64 = 60_000;

/// The fake PayPal's state, shared by its two servers.
#[derive(Default)]
struct World {
    /// Disputes as PayPal's Disputes API shows them, by id.
    disputes: HashMap<String, Value>,
    /// Every answer PayPal acted on: (dispute, action, PayPal-Request-Id).
    acted_on: Vec<(String, String, String)>,
    /// Webhook events PayPal was asked to vouch for.
    verified: Vec<Value>,
}

type Shared = Arc<Mutex<World>>;

fn paypal_error(status: u16, name: &str, message: &str, issue: &str, description: &str) -> Reply {
    Reply::json(
        status,
        json!({
            "name": name,
            "message": message,
            "debug_id": "b4c2e1d0a9f8e",
            "details": [{"issue": issue, "description": description}],
        }),
    )
}

fn internal_error() -> Reply {
    paypal_error(
        500,
        "INTERNAL_SERVER_ERROR",
        "An internal server error has occurred.",
        "INTERNAL_SERVICE_ERROR",
        "An internal service error occurred.",
    )
}

/// PayPal's Disputes API as far as a merchant's answer goes: an answer only
/// while the dispute waits for the seller.
fn disputes_behaviour(world: Shared) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |request: &Recorded| {
        let mut world = world.lock().unwrap();
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Reply::json(
                401,
                json!({"name": "AUTHENTICATION_FAILURE", "message": "Authentication failed due to invalid authentication credentials or a missing Authorization header."}),
            );
        }
        let rest = request.path().trim_start_matches("/v1/customer/disputes/");
        let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
        let (id, action) = (id.to_string(), action.to_string());
        let Some(dispute) = world.disputes.get_mut(&id) else {
            return paypal_error(
                404,
                "RESOURCE_NOT_FOUND",
                "The specified resource does not exist.",
                "INVALID_RESOURCE_ID",
                "Requested resource ID was not found.",
            );
        };
        if request.method == "GET" {
            return Reply::json(200, dispute.clone());
        }
        if dispute["status"] != "WAITING_FOR_SELLER_RESPONSE" {
            return paypal_error(
                422,
                "UNPROCESSABLE_ENTITY",
                "The requested action could not be performed, semantically incorrect, or failed business validation.",
                "DISPUTE_STATE_NOT_ALLOWED",
                "The dispute is not waiting for the seller's response.",
            );
        }
        let parts = form_parts(request);
        let input: Value = serde_json::from_slice(&parts[0].body).expect("input is JSON");
        match action.as_str() {
            "accept-claim" => {
                dispute["status"] = json!("RESOLVED");
                dispute["dispute_outcome"] = json!({
                    "outcome_code": "RESOLVED_BUYER_FAVOUR",
                    "amount_refunded": dispute["dispute_amount"].clone(),
                });
            }
            "provide-evidence" => {
                let mut submitted = input["evidences"].as_array().cloned().unwrap_or_default();
                for evidence in &mut submitted {
                    evidence["source"] = json!("SUBMITTED_BY_SELLER");
                }
                dispute["evidences"] = json!(submitted);
                dispute["status"] = json!("UNDER_REVIEW");
            }
            other => panic!("the adapter has no business with {other}"),
        }
        let key = request.header("paypal-request-id").unwrap_or_default();
        world.acted_on.push((id.clone(), action, key.to_string()));
        Reply::json(
            200,
            json!({"links": [{
                "href": format!("https://api-m.sandbox.paypal.com/v1/customer/disputes/{id}"),
                "rel": "self",
                "method": "GET"
            }]}),
        )
    }
}

fn form_parts(request: &Recorded) -> Vec<FormPart> {
    decode_multipart(request.header("content-type").unwrap(), &request.body)
        .expect("the spec check let only multipart bodies through")
}

async fn issue_token(headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"error": "invalid_client", "error_description": "Client Authentication failed"}),
            ),
        );
    }
    (
        StatusCode::OK,
        Json(json!({
            "scope": "https://uri.paypal.com/services/disputes/update-seller https://uri.paypal.com/services/disputes/read-seller",
            "access_token": TOKEN,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": 32400,
            "nonce": "2026-03-02T10:00:00Z-nonce"
        })),
    )
}

/// PayPal vouches for a delivery made with the transmission headers
/// `deliver` sends, for the merchant's webhook.
async fn verify_signature(
    State(world): State<Shared>,
    headers: HeaderMap,
    Json(asked): Json<Value>,
) -> (StatusCode, Json<Value>) {
    assert_eq!(
        headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(asked["webhook_id"], WEBHOOK_ID);
    for (field, value) in TRANSMISSION {
        let field = field.trim_start_matches("paypal-").replace('-', "_");
        assert_eq!(asked[&field], value, "{field} in {asked}");
    }
    world
        .lock()
        .unwrap()
        .verified
        .push(asked["webhook_event"].clone());
    (
        StatusCode::OK,
        Json(json!({ "verification_status": "SUCCESS" })),
    )
}

/// Everything but the token and the webhook check goes to the spec-checking fake.
async fn forward(State(disputes): State<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut upstream = http
        .request(parts.method, format!("{disputes}{path}"))
        .body(body);
    for (name, value) in &parts.headers {
        if ![HOST, CONTENT_LENGTH, CONNECTION].contains(name) {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream
        .send()
        .await
        .expect("the fake disputes API answers");
    let status = answer.status();
    let body = answer.bytes().await.unwrap();
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// The transmission headers of PayPal's deliveries (PayPal checks them).
const TRANSMISSION: [(&str, &str); 5] = [
    (
        "paypal-transmission-id",
        "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
    ),
    ("paypal-transmission-time", "2026-03-02T10:00:05Z"),
    ("paypal-transmission-sig", "c2lnbmF0dXJlLW9mLXBheXBhbA=="),
    (
        "paypal-cert-url",
        "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
    ),
    ("paypal-auth-algo", "SHA256withRSA"),
];

struct Shop {
    app: TestApp,
    /// The app's state with a sealing key: the one the ingress and the worker use.
    keyed: AppState,
    /// Reso with that state, on a port of its own (the webhook URL).
    reso: String,
    account_id: i64,
    fake: FakeProvider,
    world: Shared,
    spec: ProviderSpec,
}

/// A shop with a connected PayPal account and order 4101 paid through it
/// (capture `CAPTURE`), shipped with DHL, with a return whose photo shows
/// the tent delivered.
async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let world: Shared = Arc::default();
    let fake =
        FakeProvider::start(ProviderSpec::load(SPEC), disputes_behaviour(world.clone())).await;
    let paypal = support::serve(
        Router::new()
            .route("/v1/oauth2/token", post(issue_token))
            .route(
                "/v1/notifications/verify-webhook-signature",
                post(verify_signature),
            )
            .with_state(world.clone())
            .fallback_service(
                Router::new()
                    .fallback(forward)
                    .with_state(fake.base_url.clone()),
            ),
    )
    .await;
    let mut keyed = app.state.clone();
    keyed.sealing_key = Some(Arc::new(SecretKey::generate().0));
    let account = payment_providers::connect(
        &keyed,
        app.merchant.id,
        Provider::Paypal,
        Connection {
            base_url: Some(paypal),
            mode: Mode::Test,
            settings: BTreeMap::from([
                ("client_id".to_string(), CLIENT_ID.to_string()),
                ("webhook_id".to_string(), WEBHOOK_ID.to_string()),
            ]),
            secrets: BTreeMap::from([("client_secret".to_string(), Secret::new(CLIENT_SECRET))]),
        },
    )
    .await
    .expect("connect");
    let mut order = sample_order(ORDER, "ada@example.com", START - 3 * DAY);
    order["payments"][0]["gateway"] = json!("paypal");
    order["payments"][0]["reference"] = json!(CAPTURE);
    let order_id = app.create_order(&order).await["id"].as_i64().unwrap();
    let full = reso::app::orders::by_id(&app.state, app.merchant.id, order_id)
        .await
        .unwrap();
    let mug = full.lines.iter().find(|l| l.sku == "MUG-TI").unwrap();
    reso::app::returns::request(
        &app.state,
        &app.merchant,
        order_id,
        ReturnRequest {
            lines: vec![RequestedLine {
                order_line_id: mug.id,
                quantity: 1,
                reason: ReturnReason::Damaged,
            }],
            comment: "Dented on arrival".into(),
            refund_method: None,
            photos: vec![Photo {
                bytes: PHOTO.to_vec(),
            }],
        },
        &Actor::Buyer("ada@example.com".into()),
    )
    .await
    .expect("return");
    let reso = support::serve(reso::server::router(keyed.clone())).await;
    Shop {
        app,
        keyed,
        reso,
        account_id: account.id,
        fake,
        world,
        spec: ProviderSpec::load(SPEC),
    }
}

/// The dispute as PayPal's Disputes API v1 shows it (and puts it in webhook
/// events): a chargeback on the order's capture.
fn dispute_resource(status: &str) -> Value {
    json!({
        "dispute_id": DISPUTE,
        "create_time": iso(START - DAY),
        "update_time": iso(START),
        "disputed_transactions": [{
            "buyer_transaction_id": "5TY05013RG002845M",
            "seller_transaction_id": CAPTURE,
            "create_time": iso(START - 10 * DAY),
            "transaction_status": "COMPLETED",
            "gross_amount": {"currency_code": "EUR", "value": "238.00"},
            "invoice_number": ORDER,
            "seller": {"merchant_id": "RD465XN5VS364", "name": "ACME Outdoor"},
            "seller_protection_eligible": true
        }],
        "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        "status": status,
        "dispute_amount": {"currency_code": "EUR", "value": "100.00"},
        "seller_response_due_date": iso(START + 10 * DAY),
        "dispute_life_cycle_stage": "CHARGEBACK",
        "dispute_channel": "EXTERNAL",
        "links": [{
            "href": format!("https://api-m.sandbox.paypal.com/v1/customer/disputes/{DISPUTE}"),
            "rel": "self",
            "method": "GET"
        }]
    })
}

impl Shop {
    /// PayPal's webhook event about the dispute as PayPal now shows it.
    fn event(&self, id: &str, event_type: &str, at: i64) -> Value {
        let resource = self.world.lock().unwrap().disputes[DISPUTE].clone();
        self.spec
            .check_component("dispute", &resource)
            .unwrap_or_else(|errors| panic!("not a PayPal dispute: {errors:?}"));
        json!({
            "id": id,
            "event_version": "1.0",
            "create_time": iso(at),
            "resource_type": "dispute",
            "resource_version": "1.0",
            "event_type": event_type,
            "summary": format!("Dispute {DISPUTE}: {event_type}"),
            "resource": resource,
            "links": [{
                "href": format!("https://api.sandbox.paypal.com/v1/notifications/webhooks-events/{id}"),
                "rel": "self",
                "method": "GET"
            }]
        })
    }

    /// PayPal delivers `event` to the account's webhook URL.
    async fn deliver(&self, event: &Value) -> Value {
        let mut req = self
            .app
            .http
            .post(format!(
                "{}/webhooks/payments/{}",
                self.reso, self.account_id
            ))
            .header("content-type", "application/json")
            .body(event.to_string());
        for (name, value) in TRANSMISSION {
            req = req.header(name, value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200, "delivery of {}", event["id"]);
        res.json().await.unwrap()
    }

    /// PayPal opens the dispute and tells Reso; the claim's id.
    async fn open_dispute(&self) -> i64 {
        self.world.lock().unwrap().disputes.insert(
            DISPUTE.into(),
            dispute_resource("WAITING_FOR_SELLER_RESPONSE"),
        );
        let created = self.event(
            "WH-2WR32451HC0233532-67976317FL4543714",
            "CUSTOMER.DISPUTE.CREATED",
            START,
        );
        assert_eq!(self.deliver(&created).await["applied"], 1);
        let claims = self.claims().await;
        assert_eq!(claims.len(), 1, "{claims:?}");
        claims[0]["id"].as_i64().unwrap()
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
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Runs the due jobs with the state that opens the account's secrets.
    async fn work(&self) -> usize {
        reso::jobs::run_pending(&self.keyed)
            .await
            .expect("jobs run")
    }

    async fn refund(&self, amount: i64) -> u16 {
        let body =
            json!({ "amount_minor": amount, "method": "original_payment", "reason": "goodwill" });
        self.app
            .api_post(&format!("/api/v1/orders/{ORDER}/refunds"), &body)
            .await
            .status()
            .as_u16()
    }

    /// The answers sent to PayPal's Disputes API.
    fn answers_sent(&self) -> Vec<Recorded> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    fn acted_on(&self) -> Vec<(String, String, String)> {
        self.world.lock().unwrap().acted_on.clone()
    }

    /// PayPal moves the dispute on by itself (a decision, a question to the buyer).
    fn paypal_sets(&self, status: &str, outcome: Option<Value>) {
        let mut world = self.world.lock().unwrap();
        let dispute = world.disputes.get_mut(DISPUTE).unwrap();
        dispute["status"] = json!(status);
        if let Some(outcome) = outcome {
            dispute["dispute_outcome"] = outcome;
        }
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

fn events_of<'a>(claim: &'a Value, kind: &str) -> Vec<&'a Value> {
    claim["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

#[tokio::test]
async fn a_chargeback_fought_with_evidence_is_sent_once_and_won() {
    let shop = shop().await;
    let id = shop.open_dispute().await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["kind"], "chargeback", "{claim}");
    assert_eq!(claim["status"], "awaiting_merchant");
    assert_eq!(claim["order_number"], ORDER);
    assert_eq!(claim["seconds_left"], json!(10 * 86_400));
    let dispute = &claim["dispute"];
    assert_eq!(dispute["provider"], "paypal");
    assert_eq!(dispute["dispute_id"], DISPUTE);
    assert_eq!(dispute["stage"], "chargeback");
    assert_eq!(dispute["state"], "needs_response");
    assert_eq!(
        dispute["reason_code"],
        "MERCHANDISE_OR_SERVICE_NOT_RECEIVED"
    );
    assert_eq!(dispute["amount_minor"], DISPUTED);
    assert_eq!(dispute["currency"], "EUR");
    assert_eq!(dispute["seconds_left"], json!(10 * 86_400));
    // PayPal delivers the same event again: acknowledged, nothing twice.
    let created = shop.event(
        "WH-2WR32451HC0233532-67976317FL4543714",
        "CUSTOMER.DISPUTE.CREATED",
        START,
    );
    assert_eq!(
        shop.world.lock().unwrap().verified,
        vec![created.clone()],
        "PayPal was asked to vouch for the event as delivered"
    );
    assert_eq!(shop.deliver(&created).await["repeated"], 1);
    assert_eq!(shop.claims().await.len(), 1);
    let claim = shop.claim(id).await;
    assert_eq!(events_of(&claim, "claim.dispute_opened").len(), 1);
    assert_eq!(claim["status"], "awaiting_merchant");

    let statement = "The tent was delivered by DHL and signed for at the buyer's door.";
    let answered = shop
        .answer(
            id,
            json!({ "answer": "evidence", "statement": statement,
                    "refund_refusal": "The buyer kept the tent and returned nothing." }),
        )
        .await;
    assert_eq!(answered["status"], "awaiting_provider");
    assert_eq!(answered["dispute"]["response"], "evidence");

    // PayPal fails the first attempt; the worker tries again later.
    shop.fake.script(Fault::Answer(internal_error()));
    shop.work().await;
    assert!(shop.acted_on().is_empty());
    let claim = shop.claim(id).await;
    assert!(!event_kinds(&claim).contains(&"claim.dispute_submitted".to_string()));
    assert_eq!(claim["status"], "awaiting_provider");
    shop.work().await;
    assert_eq!(shop.answers_sent().len(), 1, "not before the retry delay");
    shop.app.clock.advance_ms(RETRY_DELAY_MS + 1);
    shop.work().await;
    // Nothing is left to send, however long the worker runs.
    shop.app.clock.advance_ms(DAY);
    shop.work().await;

    let sent = shop.answers_sent();
    assert_eq!(sent.len(), 2, "the failed attempt and its retry");
    let key = sent[0].header("paypal-request-id").unwrap().to_string();
    assert!(
        sent.iter()
            .all(|r| r.header("paypal-request-id") == Some(key.as_str())),
        "one idempotency key for every attempt"
    );
    assert_eq!(
        shop.acted_on(),
        vec![(
            DISPUTE.to_string(),
            "provide-evidence".to_string(),
            key.clone()
        )],
        "evidence submitted once"
    );
    shop.fake.assert_requests_match_spec();
    let evidence = &sent[1];
    assert_eq!(
        evidence.path(),
        format!("/v1/customer/disputes/{DISPUTE}/provide-evidence")
    );
    let parts = form_parts(evidence);
    let contents = |parts: &[FormPart]| -> Vec<(String, Vec<u8>)> {
        parts
            .iter()
            .map(|p| (p.name.clone(), p.body.clone()))
            .collect()
    };
    assert_eq!(
        contents(&form_parts(&sent[0])),
        contents(&parts),
        "the retry sends the same answer"
    );
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["input", "evidence-file", "evidence-file"]);
    let input: Value = serde_json::from_slice(&parts[0].body).unwrap();
    let evidences = input["evidences"].as_array().unwrap();
    for e in evidences {
        shop.spec
            .check_component("evidence", e)
            .unwrap_or_else(|errors| panic!("{errors:?} in {e}"));
    }
    assert_eq!(evidences[0]["evidence_type"], "PROOF_OF_FULFILLMENT");
    assert_eq!(
        evidences[0]["evidence_info"]["tracking_info"],
        json!([{"carrier_name": "DHL", "tracking_number": format!("JD{ORDER}")}])
    );
    assert_eq!(evidences[1]["evidence_type"], "OTHER");
    let notes = evidences[1]["notes"].as_str().unwrap();
    for part in [
        statement,
        "The buyer kept the tent and returned nothing.",
        &format!("Reso reference {key}"),
    ] {
        assert!(notes.contains(part), "{part:?} missing from {notes}");
    }
    let files: Vec<&FormPart> = parts.iter().filter(|p| p.filename.is_some()).collect();
    assert_eq!(files[0].media_type(), "application/pdf");
    assert!(files[0].body.starts_with(b"%PDF-"), "the evidence PDF");
    assert_eq!(files[1].media_type(), "image/jpeg");
    assert_eq!(files[1].body, PHOTO, "the return's photo, byte for byte");
    let documents: Vec<Value> = files
        .iter()
        .map(|f| json!({ "name": f.filename.clone().unwrap() }))
        .collect();
    assert_eq!(evidences[1]["documents"], json!(documents));

    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert_eq!(events_of(&claim, "claim.dispute_submitted").len(), 1);
    assert_eq!(claim["seconds_left"], Value::Null);

    // PayPal reviews, then decides for the seller.
    let updated = shop.event(
        "WH-7YX49823S2290830K-0JE13296W68552352",
        "CUSTOMER.DISPUTE.UPDATED",
        START + DAY,
    );
    assert_eq!(updated["resource"]["status"], "UNDER_REVIEW");
    shop.deliver(&updated).await;
    assert_eq!(shop.claim(id).await["status"], "awaiting_provider");
    shop.paypal_sets(
        "RESOLVED",
        Some(json!({"outcome_code": "RESOLVED_SELLER_FAVOUR"})),
    );
    let resolved = shop.event(
        "WH-1GE84257G0350133W-6RW800890C634293G",
        "CUSTOMER.DISPUTE.RESOLVED",
        START + 20 * DAY,
    );
    shop.deliver(&resolved).await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "closed", "{claim}");
    assert_eq!(claim["outcome"], "dispute_won");
    assert_eq!(claim["dispute"]["state"], "won");
    assert_eq!(events_of(&claim, "claim.dispute_decided").len(), 1);
    assert_eq!(shop.world.lock().unwrap().verified.len(), 4);

    // Won: the whole capture is the merchant's to refund again.
    assert_eq!(shop.refund(CAPTURED + 1).await, 409);
    assert_eq!(shop.refund(CAPTURED).await, 201);
}

#[tokio::test]
async fn a_chargeback_accepted_is_lost_and_its_amount_leaves_the_refundable_balance() {
    let shop = shop().await;
    let id = shop.open_dispute().await;
    let note = "We cannot prove the delivery; the buyer keeps the money.";
    let answered = shop
        .answer(id, json!({ "answer": "accept", "statement": note }))
        .await;
    assert_eq!(answered["status"], "awaiting_provider");
    assert_eq!(answered["dispute"]["response"], "accepted");
    shop.work().await;

    let sent = shop.answers_sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].path(),
        format!("/v1/customer/disputes/{DISPUTE}/accept-claim")
    );
    let parts = form_parts(&sent[0]);
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "input");
    let input: Value = serde_json::from_slice(&parts[0].body).unwrap();
    assert_eq!(input, json!({ "note": note }));
    let key = sent[0].header("paypal-request-id").unwrap().to_string();
    assert_eq!(
        shop.acted_on(),
        vec![(DISPUTE.to_string(), "accept-claim".to_string(), key)]
    );
    shop.fake.assert_requests_match_spec();
    let claim = shop.claim(id).await;
    assert_eq!(events_of(&claim, "claim.dispute_submitted").len(), 1);
    assert_eq!(claim["status"], "awaiting_provider");

    // PayPal closes the case for the buyer and says so.
    let resolved = shop.event(
        "WH-5HX28143KR8470936-1AU77512RJ9063112",
        "CUSTOMER.DISPUTE.RESOLVED",
        START + 2 * DAY,
    );
    assert_eq!(
        resolved["resource"]["dispute_outcome"]["outcome_code"],
        "RESOLVED_BUYER_FAVOUR"
    );
    shop.deliver(&resolved).await;
    assert_eq!(shop.deliver(&resolved).await["repeated"], 1);
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "closed", "{claim}");
    assert_eq!(claim["outcome"], "dispute_lost");
    assert_eq!(claim["dispute"]["state"], "lost");
    assert_eq!(events_of(&claim, "claim.dispute_decided").len(), 1);

    // The buyer has the disputed amount back: only the rest can be refunded.
    assert_eq!(shop.refund(CAPTURED - DISPUTED + 1).await, 409);
    assert_eq!(shop.refund(CAPTURED - DISPUTED).await, 201);
}

#[tokio::test]
async fn evidence_paypal_no_longer_takes_goes_back_to_the_merchant_with_paypals_reason() {
    let shop = shop().await;
    let id = shop.open_dispute().await;
    let evidence =
        json!({ "answer": "evidence", "statement": "Delivered by DHL, signed for at the door." });
    shop.answer(id, evidence.clone()).await;
    // Meanwhile PayPal asked the buyer a question: it waits for the seller no more.
    shop.paypal_sets("WAITING_FOR_BUYER_RESPONSE", None);
    shop.work().await;

    assert!(shop.acted_on().is_empty());
    let looked_up = shop
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(
        looked_up, 1,
        "the adapter checked the answer had not arrived"
    );
    shop.fake.assert_requests_match_spec();
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_merchant", "{claim}");
    assert_eq!(claim["dispute"]["state"], "needs_response");
    assert_eq!(claim["dispute"]["response"], Value::Null);
    assert_eq!(
        claim["seconds_left"],
        json!(10 * 86_400),
        "the provider's deadline counts again"
    );
    assert!(!event_kinds(&claim).contains(&"claim.dispute_submitted".to_string()));
    let refused = events_of(&claim, "claim.dispute_answer_refused");
    assert_eq!(refused.len(), 1, "{claim}");
    let reason = refused[0]["data"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("DISPUTE_STATE_NOT_ALLOWED")
            && reason.contains("The dispute is not waiting for the seller's response."),
        "{reason}"
    );
    // The refused answer is not sent again.
    shop.app.clock.advance_ms(DAY);
    shop.work().await;
    assert_eq!(shop.answers_sent().len(), 1);

    // PayPal waits for the seller again; the merchant's new answer goes through.
    shop.paypal_sets("WAITING_FOR_SELLER_RESPONSE", None);
    shop.answer(id, evidence).await;
    shop.work().await;
    let sent = shop.answers_sent();
    assert_eq!(sent.len(), 2);
    let keys: Vec<&str> = sent
        .iter()
        .map(|r| r.header("paypal-request-id").unwrap())
        .collect();
    assert_ne!(keys[0], keys[1], "a new answer, a new key");
    assert_eq!(
        shop.acted_on(),
        vec![(
            DISPUTE.to_string(),
            "provide-evidence".to_string(),
            keys[1].to_string()
        )]
    );
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider");
    assert_eq!(events_of(&claim, "claim.dispute_submitted").len(), 1);
    shop.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_refused_answer_left_unanswered_passes_to_paypal_once_at_its_deadline() {
    let shop = shop().await;
    let id = shop.open_dispute().await;
    shop.answer(
        id,
        json!({ "answer": "evidence", "statement": "Delivered by DHL." }),
    )
    .await;
    shop.paypal_sets("WAITING_FOR_BUYER_RESPONSE", None);
    shop.work().await;
    assert_eq!(shop.claim(id).await["status"], "awaiting_merchant");

    // The merchant does not answer again: PayPal's deadline passes, once.
    shop.app.clock.advance_days(10);
    shop.work().await;
    shop.app.clock.advance_days(1);
    shop.work().await;
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider", "{claim}");
    assert_eq!(
        events_of(&claim, "claim.dispute_unanswered").len(),
        1,
        "{claim}"
    );
    let res = shop
        .app
        .api_post(
            &format!("/api/v1/claims/{id}/dispute-answer"),
            &json!({ "answer": "accept" }),
        )
        .await;
    assert_eq!(res.status(), 409, "too late at PayPal");
}

#[tokio::test]
async fn a_refusal_after_paypals_deadline_leaves_the_claim_with_paypal() {
    let shop = shop().await;
    let id = shop.open_dispute().await;
    shop.answer(
        id,
        json!({ "answer": "evidence", "statement": "Delivered by DHL." }),
    )
    .await;
    // PayPal is down until its own deadline has passed, and then it has
    // moved on without the seller's answer.
    shop.fake.script(Fault::Answer(internal_error()));
    shop.work().await;
    shop.paypal_sets("UNDER_REVIEW", None);
    shop.app.clock.advance_ms(10 * DAY + RETRY_DELAY_MS);
    shop.work().await;

    assert!(shop.acted_on().is_empty());
    shop.fake.assert_requests_match_spec();
    let claim = shop.claim(id).await;
    assert_eq!(claim["status"], "awaiting_provider", "{claim}");
    assert_eq!(claim["seconds_left"], Value::Null);
    let refused = events_of(&claim, "claim.dispute_answer_refused");
    assert_eq!(refused.len(), 1, "{claim}");
    assert!(refused[0]["data"]["reason"]
        .as_str()
        .unwrap()
        .contains("DISPUTE_STATE_NOT_ALLOWED"));
    let res = shop
        .app
        .api_post(
            &format!("/api/v1/claims/{id}/dispute-answer"),
            &json!({ "answer": "accept" }),
        )
        .await;
    assert_eq!(res.status(), 409, "too late at PayPal");
}
