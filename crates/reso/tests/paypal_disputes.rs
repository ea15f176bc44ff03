//! The PayPal dispute adapter against a fake PayPal on loopback. The
//! Disputes API is the shared fake provider, which checks every request
//! against PayPal's official specification
//! (tests/specs/paypal-customer_disputes_v1.json, multipart bodies included)
//! and injects faults; the OAuth2 token endpoint, in no specification file,
//! is served by a small front door that passes everything else on. The fake
//! keeps PayPal's rules: an answer only while the dispute waits for the
//! seller, and, when told to, the same reply for a repeated
//! `PayPal-Request-Id`.

#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, HOST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Json, Router};
use base64::Engine;
use fake_provider::{FakeProvider, Fault, Recorded, Reply};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use provider_spec::{decode_multipart, FormPart, ProviderSpec};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reso::gateways::disputes::{
    AnswerReceipt, AnswersDisputes, DisputeAnswer, DisputeEvidence, EvidenceFile, ShipmentEvidence,
};
use reso::gateways::paypal::disputes::PaypalDisputes;
use reso::gateways::paypal::PaypalAccount;
use reso::gateways::GatewayError;
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

const SPEC: &str = "paypal-customer_disputes_v1.json";
const CLIENT_ID: &str = "AZ-reso-disputes-client";
const CLIENT_SECRET: &str = "EL-reso-disputes-secret-4711";
/// Waits for the merchant's answer.
const OPEN: &str = "PP-D-21692";
const SECOND: &str = "PP-D-21693";
/// Already decided for the seller.
const CLOSED: &str = "PP-D-11111";
const PDF: &[u8] =
    b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj <<>> endobj\r\ntrailer <<>>\r\n%%EOF\r\n";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\r\n\x00\xff\xd9";

/// The fake PayPal's state, shared by its two servers.
#[derive(Default)]
struct World {
    /// Disputes as PayPal shows them, by id.
    disputes: HashMap<String, Value>,
    /// Whether PayPal answers a repeated `PayPal-Request-Id` with its first
    /// reply (its Payments API does; the Disputes API does not say).
    honours_request_ids: bool,
    replies_by_request_id: HashMap<String, Reply>,
    /// Every answer PayPal acted on: (dispute, action, request id).
    acted_on: Vec<(String, String, String)>,
    /// The files PayPal received with evidence: (name, content type, bytes).
    files: Vec<(String, String, Vec<u8>)>,
    tokens_issued: Vec<String>,
    tokens_revoked: HashSet<String>,
    refuse_tokens: bool,
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

fn not_waiting() -> Reply {
    paypal_error(
        422,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
        "DISPUTE_STATE_NOT_ALLOWED",
        "The dispute is not waiting for the seller's response.",
    )
}

fn links(id: &str) -> Reply {
    Reply::json(
        200,
        json!({"links": [{
            "href": format!("https://api-m.sandbox.paypal.com/v1/customer/disputes/{id}"),
            "rel": "self",
            "method": "GET"
        }]}),
    )
}

fn bearer(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}

/// PayPal's Disputes API as far as a merchant's answer goes.
fn disputes_behaviour(world: Shared) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |request: &Recorded| {
        let mut world = world.lock().unwrap();
        let token_ok = bearer(&request.headers).is_some_and(|t| {
            world.tokens_issued.contains(&t) && !world.tokens_revoked.contains(&t)
        });
        if !token_ok {
            return Reply::json(
                401,
                json!({"name": "AUTHENTICATION_FAILURE", "message": "Authentication failed due to invalid authentication credentials or a missing Authorization header."}),
            );
        }
        let rest = request.path().trim_start_matches("/v1/customer/disputes/");
        let (id, action) = rest.split_once('/').unwrap_or((rest, ""));
        let (id, action) = (id.to_string(), action.to_string());
        let Some(dispute) = world.disputes.get(&id).cloned() else {
            return paypal_error(
                404,
                "RESOURCE_NOT_FOUND",
                "The specified resource does not exist.",
                "INVALID_RESOURCE_ID",
                "Requested resource ID was not found.",
            );
        };
        if request.method == "GET" {
            return Reply::json(200, dispute);
        }
        let key = request
            .header("paypal-request-id")
            .unwrap_or_default()
            .to_string();
        if world.honours_request_ids {
            if let Some(reply) = world.replies_by_request_id.get(&key) {
                return reply.clone();
            }
        }
        let parts = decode_multipart(
            request.header("content-type").unwrap_or_default(),
            &request.body,
        )
        .expect("the spec check let only multipart bodies through");
        let input: Value = parts
            .iter()
            .find(|p| p.name == "input")
            .map(|p| serde_json::from_slice(&p.body).expect("input is JSON"))
            .unwrap_or(Value::Null);
        let reply = if dispute["status"] != "WAITING_FOR_SELLER_RESPONSE" {
            not_waiting()
        } else {
            let dispute = world.disputes.get_mut(&id).unwrap();
            match action.as_str() {
                "accept-claim" => {
                    dispute["status"] = json!("RESOLVED");
                    dispute["dispute_outcome"] = json!({"outcome_code": "RESOLVED_BUYER_FAVOUR"});
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
            for file in parts.iter().filter(|p| p.filename.is_some()) {
                world.files.push((
                    file.filename.clone().unwrap(),
                    file.media_type(),
                    file.body.clone(),
                ));
            }
            world.acted_on.push((id.clone(), action, key.clone()));
            links(&id)
        };
        world.replies_by_request_id.insert(key, reply.clone());
        reply
    }
}

async fn issue_token(State(world): State<Shared>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let mut world = world.lock().unwrap();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let given = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    if world.refuse_tokens || given != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"error": "invalid_client", "error_description": "Client Authentication failed"}),
            ),
        );
    }
    let token = format!("A21AA-dispute-token-{}", world.tokens_issued.len() + 1);
    world.tokens_issued.push(token.clone());
    (
        StatusCode::OK,
        Json(json!({
            "scope": "https://uri.paypal.com/services/disputes/update-seller https://uri.paypal.com/services/disputes/read-seller",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": 32400,
            "nonce": "2026-03-02T10:00:00Z-nonce"
        })),
    )
}

/// The front door: the token endpoint here, everything else passed to the
/// spec-checking fake, hanging up on the adapter when the fake hangs up.
#[derive(Clone)]
struct Front {
    disputes: String,
    http: reqwest::Client,
}

#[derive(Clone)]
struct HangUp(Arc<Notify>);

async fn forward(
    State(front): State<Front>,
    Extension(hang_up): Extension<HangUp>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut upstream = front
        .http
        .request(parts.method, format!("{}{path}", front.disputes))
        .body(body);
    for (name, value) in &parts.headers {
        if ![HOST, CONTENT_LENGTH, CONNECTION].contains(name) {
            upstream = upstream.header(name, value);
        }
    }
    let Ok(answer) = upstream.send().await else {
        hang_up.0.notify_one();
        return std::future::pending().await;
    };
    let status = answer.status();
    let body = answer.bytes().await.unwrap_or_default();
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

async fn start_front(world: Shared, front: Front) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/v1/oauth2/token", post(issue_token))
        .with_state(world)
        .fallback_service(Router::new().fallback(forward).with_state(front));
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let hang_up = Arc::new(Notify::new());
            let service =
                TowerToHyperService::new(router.clone().layer(Extension(HangUp(hang_up.clone()))));
            tokio::spawn(async move {
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                tokio::select! {
                    _ = connection => {}
                    _ = hang_up.notified() => {}
                }
            });
        }
    });
    (url, server)
}

struct Setup {
    fake: FakeProvider,
    world: Shared,
    paypal: PaypalDisputes,
    _front: tokio::task::JoinHandle<()>,
}

fn dispute(id: &str, status: &str) -> Value {
    json!({
        "dispute_id": id,
        "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        "status": status,
        "dispute_amount": {"currency_code": "EUR", "value": "49.00"},
        "dispute_life_cycle_stage": "CHARGEBACK",
        "evidences": [],
    })
}

impl Setup {
    async fn start(honours_request_ids: bool) -> Setup {
        let world: Shared = Arc::default();
        {
            let mut w = world.lock().unwrap();
            w.honours_request_ids = honours_request_ids;
            for id in [OPEN, SECOND] {
                w.disputes
                    .insert(id.into(), dispute(id, "WAITING_FOR_SELLER_RESPONSE"));
            }
            let mut closed = dispute(CLOSED, "RESOLVED");
            closed["dispute_outcome"] = json!({"outcome_code": "RESOLVED_SELLER_FAVOUR"});
            w.disputes.insert(CLOSED.into(), closed);
        }
        let fake =
            FakeProvider::start(ProviderSpec::load(SPEC), disputes_behaviour(world.clone())).await;
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let (base_url, front) = start_front(
            world.clone(),
            Front {
                disputes: fake.base_url.clone(),
                http: http.clone(),
            },
        )
        .await;
        let account = PaypalAccount {
            base_url,
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            webhook_id: "8PT597110X687430LKGECATA".into(),
        };
        let paypal = PaypalDisputes::new(account, http).with_timeout(Duration::from_millis(700));
        Setup {
            fake,
            world,
            paypal,
            _front: front,
        }
    }

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
}

fn parts(request: &Recorded) -> Vec<FormPart> {
    decode_multipart(request.header("content-type").unwrap(), &request.body).unwrap()
}

fn evidence() -> DisputeAnswer {
    DisputeAnswer::Evidence(Box::new(DisputeEvidence {
        statement: "The parcel was delivered to the buyer's address and signed for.".into(),
        order_number: "1001".into(),
        amount: Money::new(4_900, Currency::parse("EUR").unwrap()),
        reason_code: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED".into(),
        customer_name: "Ada Lovelace".into(),
        customer_email: "ada@example.com".into(),
        product_description: "2 × Mug (MUG-1)".into(),
        shipments: vec![
            ShipmentEvidence {
                carrier: "DHL".into(),
                tracking_number: "JJD000390007012345".into(),
                shipped_at: Some(Timestamp::from_millis(1_772_445_600_000)),
                delivered_at: Some(Timestamp::from_millis(1_772_618_400_000)),
            },
            ShipmentEvidence {
                carrier: "Kuehne + Nagel".into(),
                tracking_number: "KN-88812".into(),
                shipped_at: None,
                delivered_at: None,
            },
        ],
        refund_policy: "Returns within 30 days of delivery, unused.".into(),
        refund_refusal: Some("The buyer never returned the mugs.".into()),
        files: vec![
            EvidenceFile {
                name: "evidence-summary-1001.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: PDF.to_vec(),
            },
            EvidenceFile {
                name: "parcel photo.jpg".into(),
                content_type: "image/jpeg".into(),
                bytes: JPEG.to_vec(),
            },
        ],
    }))
}

fn accept() -> DisputeAnswer {
    DisputeAnswer::Accept {
        note: "We could not deliver in time; the buyer keeps the money.".into(),
    }
}

fn refused(outcome: Result<AnswerReceipt, GatewayError>) -> String {
    match outcome {
        Ok(AnswerReceipt::Refused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn accept_and_evidence_are_what_paypal_specifies() {
    let s = Setup::start(true).await;
    let spec = ProviderSpec::load(SPEC);

    let outcome = s.paypal.answer(OPEN, &accept(), "reso-answer-1").await;
    assert_eq!(outcome.unwrap(), AnswerReceipt::Submitted);
    let outcome = s.paypal.answer(SECOND, &evidence(), "reso-answer-2").await;
    assert_eq!(outcome.unwrap(), AnswerReceipt::Submitted);
    s.fake.assert_requests_match_spec();
    assert_eq!(
        s.world.lock().unwrap().tokens_issued.len(),
        1,
        "one token for both answers"
    );

    let sent = s.answers_sent();
    assert_eq!(sent.len(), 2);
    let accept_request = &sent[0];
    assert_eq!(
        accept_request.path(),
        format!("/v1/customer/disputes/{OPEN}/accept-claim")
    );
    assert_eq!(
        accept_request.header("paypal-request-id"),
        Some("reso-answer-1")
    );
    assert_eq!(
        accept_request.header("authorization"),
        Some("Bearer A21AA-dispute-token-1")
    );
    let accept_parts = parts(accept_request);
    assert_eq!(accept_parts.len(), 1);
    assert_eq!(accept_parts[0].name, "input");
    assert_eq!(accept_parts[0].media_type(), "application/json");
    let input: Value = serde_json::from_slice(&accept_parts[0].body).unwrap();
    assert_eq!(
        input,
        json!({"note": "We could not deliver in time; the buyer keeps the money."})
    );

    let evidence_request = &sent[1];
    assert_eq!(
        evidence_request.path(),
        format!("/v1/customer/disputes/{SECOND}/provide-evidence")
    );
    assert_eq!(
        evidence_request.header("paypal-request-id"),
        Some("reso-answer-2")
    );
    let evidence_parts = parts(evidence_request);
    let names: Vec<&str> = evidence_parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["input", "evidence-file", "evidence-file"]);
    let input: Value = serde_json::from_slice(&evidence_parts[0].body).unwrap();
    let evidences = input["evidences"].as_array().unwrap();
    // The `input` part is not tied to a schema in PayPal's specification;
    // each evidence is checked against the one it documents.
    for e in evidences {
        spec.check_component("evidence", e).unwrap();
    }
    assert_eq!(evidences[0]["evidence_type"], "PROOF_OF_FULFILLMENT");
    assert_eq!(
        evidences[0]["evidence_info"]["tracking_info"],
        json!([
            {"carrier_name": "DHL", "tracking_number": "JJD000390007012345"},
            {"carrier_name": "OTHER", "carrier_name_other": "Kuehne + Nagel", "tracking_number": "KN-88812"}
        ])
    );
    assert_eq!(evidences[1]["evidence_type"], "OTHER");
    let notes = evidences[1]["notes"].as_str().unwrap();
    for part in [
        "signed for",
        "Order 1001: 49.00 EUR, paid by Ada Lovelace <ada@example.com>.",
        "Items: 2 × Mug (MUG-1)",
        "Shipped with DHL (tracking JJD000390007012345) on 2026-03-02, delivered on 2026-03-04.",
        "Return policy: Returns within 30 days",
        "Why no refund is owed: The buyer never returned the mugs.",
        "Reso reference reso-answer-2",
    ] {
        assert!(notes.contains(part), "{part:?} missing from {notes}");
    }
    assert_eq!(
        evidences[1]["documents"],
        json!([{"name": "evidence-summary-1001.pdf"}, {"name": "parcel photo.jpg"}])
    );
    let files = s.world.lock().unwrap().files.clone();
    assert_eq!(
        files,
        vec![
            (
                "evidence-summary-1001.pdf".to_string(),
                "application/pdf".to_string(),
                PDF.to_vec()
            ),
            (
                "parcel photo.jpg".to_string(),
                "image/jpeg".to_string(),
                JPEG.to_vec()
            ),
        ],
        "the files arrive byte for byte"
    );
}

#[tokio::test]
async fn the_spec_check_rejects_a_wrong_dispute_request() {
    let s = Setup::start(true).await;
    let token = {
        // A real token, so only the request's shape is wrong.
        let mut w = s.world.lock().unwrap();
        w.tokens_issued.push("A21AA-by-hand".into());
        "Bearer A21AA-by-hand"
    };
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = |action: &str| format!("{}/v1/customer/disputes/{OPEN}/{action}", s.fake.base_url);

    // The accept as a JSON body: PayPal's specification takes only multipart.
    let json_accept = http
        .post(url("accept-claim"))
        .header(AUTHORIZATION, token)
        .json(&json!({"note": "ok"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_accept.status(), 400);

    // Evidence with the file as a text field and an `input` that is no JSON.
    let form = reqwest::multipart::Form::new()
        .part(
            "input",
            reqwest::multipart::Part::text("{\"evidences\": [")
                .mime_str("application/json")
                .unwrap(),
        )
        .text("evidence-file", "see attachment");
    let bad_evidence = http
        .post(url("provide-evidence"))
        .header(AUTHORIZATION, token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_evidence.status(), 400);

    // No token at all.
    let form = reqwest::multipart::Form::new().text("input", "{}");
    let anonymous = http
        .post(url("accept-claim"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 400);

    let violations = s.fake.spec_violations();
    for expected in [
        "Content-Type application/json is not accepted",
        "input is not JSON",
        "evidence-file: the spec declares a file",
        "no accepted authentication",
    ] {
        assert!(
            violations.iter().any(|v| v.contains(expected)),
            "{expected:?} not among {violations:#?}"
        );
    }
    assert!(s.acted_on().is_empty(), "PayPal acted on no wrong request");

    // An evidence type PayPal does not know fails the evidence schema.
    let spec = ProviderSpec::load(SPEC);
    let wrong = json!({"evidence_type": "PROOF_OF_GOOD_INTENT", "notes": "trust me"});
    let errors = spec.check_component("evidence", &wrong).unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("/evidence_type")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn an_answer_retried_after_an_outage_or_a_time_out_is_submitted_once() {
    for honours_request_ids in [true, false] {
        let s = Setup::start(honours_request_ids).await;
        for fault in [
            Fault::Answer(paypal_error(
                500,
                "INTERNAL_SERVER_ERROR",
                "An internal server error has occurred.",
                "INTERNAL_SERVICE_ERROR",
                "An internal service error occurred.",
            )),
            Fault::Answer(paypal_error(
                429,
                "RATE_LIMIT_REACHED",
                "Too many requests. Blocked due to rate limiting.",
                "RATE_LIMIT_REACHED",
                "Rate limit reached.",
            )),
            Fault::DelayAfterAccept(Duration::from_secs(2)),
        ] {
            s.fake.script(fault.clone());
            let outcome = s.paypal.answer(OPEN, &evidence(), "reso-answer-9").await;
            assert!(
                matches!(outcome, Err(GatewayError::Unavailable(_))),
                "{fault:?}: {outcome:?}"
            );
        }
        // The time-out was taken by PayPal: the retry finds it done.
        let outcome = s.paypal.answer(OPEN, &evidence(), "reso-answer-9").await;
        assert_eq!(outcome.unwrap(), AnswerReceipt::Submitted);
        assert_eq!(
            s.acted_on(),
            vec![(
                OPEN.to_string(),
                "provide-evidence".to_string(),
                "reso-answer-9".to_string()
            )],
            "evidence submitted once (PayPal honours request ids: {honours_request_ids})"
        );
        let keys: HashSet<Option<String>> = s
            .answers_sent()
            .iter()
            .map(|r| r.header("paypal-request-id").map(str::to_string))
            .collect();
        assert_eq!(keys, HashSet::from([Some("reso-answer-9".to_string())]));
        s.fake.assert_requests_match_spec();
    }
}

#[tokio::test]
async fn an_answer_retried_after_the_connection_dropped_is_submitted_once() {
    for honours_request_ids in [true, false] {
        let s = Setup::start(honours_request_ids).await;
        for (dispute, answer, key, action) in [
            (OPEN, evidence(), "reso-answer-3", "provide-evidence"),
            (SECOND, accept(), "reso-answer-4", "accept-claim"),
        ] {
            s.fake.script(Fault::DropAfterAccept);
            let first = s.paypal.answer(dispute, &answer, key).await;
            let Err(GatewayError::Unavailable(text)) = first else {
                panic!("a dropped connection is retried, got {first:?}");
            };
            assert!(text.contains("PayPal"), "{text}");
            let again = s.paypal.answer(dispute, &answer, key).await;
            assert_eq!(
                again.unwrap(),
                AnswerReceipt::Submitted,
                "{action}, PayPal honours request ids: {honours_request_ids}"
            );
            let acted: Vec<_> = s
                .acted_on()
                .into_iter()
                .filter(|(d, _, _)| d == dispute)
                .collect();
            assert_eq!(
                acted,
                vec![(dispute.to_string(), action.to_string(), key.to_string())]
            );
        }
        if !honours_request_ids {
            // PayPal refused the repeats; the adapter looked at the disputes.
            let looked_up = s
                .fake
                .requests()
                .iter()
                .filter(|r| r.method == "GET")
                .count();
            assert_eq!(looked_up, 2);
        }
        s.fake.assert_requests_match_spec();
    }
}

#[tokio::test]
async fn a_final_no_is_a_refusal_with_paypals_message() {
    let s = Setup::start(false).await;
    // Decided already.
    let closed = refused(s.paypal.answer(CLOSED, &evidence(), "reso-answer-5").await);
    assert!(closed.contains("DISPUTE_STATE_NOT_ALLOWED"), "{closed}");
    assert!(
        closed.contains("The dispute is not waiting for the seller's response."),
        "{closed}"
    );
    let accepted_late = refused(s.paypal.answer(CLOSED, &accept(), "reso-answer-6").await);
    assert!(
        accepted_late.contains("DISPUTE_STATE_NOT_ALLOWED"),
        "{accepted_late}"
    );
    // Unknown at PayPal.
    let unknown = refused(
        s.paypal
            .answer("PP-D-404", &accept(), "reso-answer-7")
            .await,
    );
    assert!(unknown.contains("INVALID_RESOURCE_ID"), "{unknown}");
    // Evidence PayPal says is invalid.
    s.fake.script(Fault::Answer(paypal_error(
        400,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        "INVALID_EVIDENCE_FILE",
        "The evidence file is not readable.",
    )));
    let invalid = refused(s.paypal.answer(OPEN, &evidence(), "reso-answer-8").await);
    assert!(invalid.contains("INVALID_EVIDENCE_FILE"), "{invalid}");
    assert!(invalid.contains("not readable"), "{invalid}");
    assert!(s.acted_on().is_empty());
    s.fake.assert_requests_match_spec();

    // Files PayPal would not take are refused without asking PayPal.
    let before = s.fake.requests().len();
    let DisputeAnswer::Evidence(mut big) = evidence() else {
        unreachable!()
    };
    big.files[0].bytes = vec![b'%'; 10_000_001];
    let too_big = refused(
        s.paypal
            .answer(OPEN, &DisputeAnswer::Evidence(big), "reso-answer-10")
            .await,
    );
    assert!(too_big.contains("10 MB"), "{too_big}");
    assert_eq!(s.fake.requests().len(), before);
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_the_answer_sent_again() {
    let s = Setup::start(true).await;
    assert_eq!(
        s.paypal
            .answer(OPEN, &accept(), "reso-answer-11")
            .await
            .unwrap(),
        AnswerReceipt::Submitted
    );
    {
        let mut w = s.world.lock().unwrap();
        let first = w.tokens_issued[0].clone();
        w.tokens_revoked.insert(first);
    }
    assert_eq!(
        s.paypal
            .answer(SECOND, &evidence(), "reso-answer-12")
            .await
            .unwrap(),
        AnswerReceipt::Submitted
    );
    assert_eq!(s.world.lock().unwrap().tokens_issued.len(), 2);
    let sent = s.answers_sent();
    let auths: Vec<Option<&str>> = sent.iter().map(|r| r.header("authorization")).collect();
    assert_eq!(
        auths,
        [
            Some("Bearer A21AA-dispute-token-1"),
            Some("Bearer A21AA-dispute-token-1"),
            Some("Bearer A21AA-dispute-token-2"),
        ]
    );
    assert_eq!(s.acted_on().len(), 2);
}

#[tokio::test]
async fn no_secret_reaches_an_error() {
    let s = Setup::start(true).await;
    let mut texts = Vec::new();
    // An answer PayPal refuses, one it answers too slowly, one it drops.
    texts.push(refused(
        s.paypal.answer(CLOSED, &accept(), "reso-answer-13").await,
    ));
    s.fake
        .script(Fault::DelayAfterAccept(Duration::from_secs(2)));
    texts.push(format!(
        "{:?}",
        s.paypal.answer(OPEN, &accept(), "reso-answer-14").await
    ));
    s.fake.script(Fault::DropBeforeAccept);
    texts.push(format!(
        "{:?}",
        s.paypal.answer(OPEN, &accept(), "reso-answer-15").await
    ));
    // Credentials PayPal no longer takes: the token cannot be renewed.
    {
        let mut w = s.world.lock().unwrap();
        w.refuse_tokens = true;
        let issued = w.tokens_issued.clone();
        w.tokens_revoked.extend(issued);
    }
    let no_token = s.paypal.answer(SECOND, &accept(), "reso-answer-16").await;
    let Err(GatewayError::Unavailable(text)) = &no_token else {
        panic!("a refused credential waits for the merchant, got {no_token:?}");
    };
    assert!(text.contains("token"), "{text}");
    texts.push(text.clone());
    texts.push(no_token.as_ref().unwrap_err().to_string());

    let tokens = s.world.lock().unwrap().tokens_issued.clone();
    assert!(!tokens.is_empty());
    for text in &texts {
        assert!(!text.contains(CLIENT_SECRET), "secret in {text}");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "token in {text}");
        }
    }
}
