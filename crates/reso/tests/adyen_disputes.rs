//! The Adyen dispute adapter against a fake Adyen DisputeService on a
//! loopback port that checks every request against Adyen's official
//! specification (tests/specs/adyen-DisputeService-v30.json), honours
//! idempotency keys as Adyen does, and injects faults.

#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;

use base64::Engine;
use fake_provider::{FakeProvider, Fault, Recorded, Reply};
use provider_spec::ProviderSpec;
use reqwest::header::{HeaderMap, HeaderValue};
use reso::gateways::adyen::disputes::AdyenDisputes;
use reso::gateways::adyen::AdyenAccount;
use reso::gateways::disputes::{
    AnswerReceipt, AnswersDisputes, DisputeAnswer, DisputeEvidence, EvidenceFile, ShipmentEvidence,
};
use reso::gateways::GatewayError;
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SPEC: &str = "adyen-DisputeService-v30.json";
const SERVICE: &str = "/ca/services/DisputeService/v30";
const API_KEY: &str = "AQEyhmfxK4-dispute-secret";
const MERCHANT: &str = "ResoShopNL";
const DISPUTE: &str = "DZ4DPSHB4WD2WN82";
const KEY: &str = "reso-dispute-answer-7";

/// What the fake Adyen keeps: its answers by idempotency key (the same key
/// gets the first answer back and changes nothing), and what it was given.
#[derive(Default)]
struct Ledger {
    by_key: HashMap<String, Value>,
    accepted: Vec<String>,
    documents: Vec<Value>,
    defended: Vec<(String, String)>,
    /// What `retrieveApplicableDefenseReasons` answers.
    reasons: Value,
}

impl Ledger {
    fn closed(&self, dispute: &str) -> bool {
        self.accepted.iter().any(|d| d == dispute)
            || self.defended.iter().any(|(d, _)| d == dispute)
    }
}

fn result(success: bool, error: Option<&str>) -> Value {
    match error {
        Some(message) => {
            json!({"disputeServiceResult": {"success": success, "errorMessage": message}})
        }
        None => json!({"disputeServiceResult": {"success": success}}),
    }
}

fn fake_adyen(ledger: Arc<Mutex<Ledger>>) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |request: &Recorded| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let dispute = body["disputePspReference"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let operation = request
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut ledger = ledger.lock().unwrap();
        if operation == "retrieveApplicableDefenseReasons" {
            return Reply::json(200, ledger.reasons.clone());
        }
        let key = request.header("idempotency-key").map(str::to_string);
        if let Some(answer) = key.as_ref().and_then(|k| ledger.by_key.get(k)) {
            return Reply::json(200, answer.clone());
        }
        let answer = if ledger.closed(&dispute) {
            result(false, Some("Dispute is already closed"))
        } else {
            match operation.as_str() {
                "acceptDispute" => ledger.accepted.push(dispute),
                "supplyDefenseDocument" => ledger.documents.extend(
                    body["defenseDocuments"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                ),
                "defendDispute" => {
                    let reason = body["defenseReasonCode"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    ledger.defended.push((dispute, reason));
                }
                other => panic!("the fake does not know {other}"),
            }
            result(true, None)
        };
        if let Some(key) = key {
            ledger.by_key.insert(key, answer.clone());
        }
        Reply::json(200, answer)
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

struct Setup {
    fake: FakeProvider,
    ledger: Arc<Mutex<Ledger>>,
    adyen: AdyenDisputes,
}

async fn setup() -> Setup {
    let ledger = Arc::new(Mutex::new(Ledger {
        reasons: specs_example_reasons(),
        ..Ledger::default()
    }));
    let fake = FakeProvider::start(ProviderSpec::load(SPEC), fake_adyen(ledger.clone())).await;
    // The account's Checkout base URL, as a merchant connects it.
    let adyen = AdyenDisputes::new(
        account(&format!("{}/v72", fake.base_url)),
        reqwest::Client::new(),
    )
    .with_timeout(Duration::from_secs(2));
    Setup {
        fake,
        ledger,
        adyen,
    }
}

fn account(base_url: &str) -> AdyenAccount {
    AdyenAccount {
        base_url: base_url.into(),
        api_key: API_KEY.into(),
        merchant_account: MERCHANT.into(),
        hmac_key: "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056".into(),
    }
}

const SUMMARY_PDF: &[u8] = b"%PDF-1.4\n% evidence pack summary of order 1001\n%%EOF\n";
const PHOTO_JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
const PHOTO_PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];

fn evidence() -> DisputeAnswer {
    let file = |name: &str, content_type: &str, bytes: &[u8]| EvidenceFile {
        name: name.into(),
        content_type: content_type.into(),
        bytes: bytes.to_vec(),
    };
    DisputeAnswer::Evidence(Box::new(DisputeEvidence {
        statement: "The buyer received the tent on 4 March and used it.".into(),
        order_number: "1001".into(),
        amount: Money::new(18_900, Currency::parse("EUR").unwrap()),
        reason_code: "4853".into(),
        customer_name: "Ada Buyer".into(),
        customer_email: "ada@example.com".into(),
        product_description: "1 × Two-person tent (TENT-2P)".into(),
        shipments: vec![ShipmentEvidence {
            carrier: "DHL".into(),
            tracking_number: "JJD000390007".into(),
            shipped_at: Some(Timestamp::from_millis(1_772_445_600_000)),
            delivered_at: Some(Timestamp::from_millis(1_772_618_400_000)),
        }],
        refund_policy: "Unused goods can be returned within 30 days.".into(),
        refund_refusal: None,
        files: vec![
            file("summary.pdf", "application/pdf", SUMMARY_PDF),
            file("return-photo-1.jpg", "image/jpeg", PHOTO_JPEG),
            file("return-photo-2.png", "image/png", PHOTO_PNG),
        ],
    }))
}

fn accept() -> DisputeAnswer {
    DisputeAnswer::Accept {
        note: "We refund the buyer.".into(),
    }
}

fn body(request: &Recorded) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn operations(fake: &FakeProvider) -> Vec<(String, Option<String>)> {
    fake.requests()
        .iter()
        .map(|r| {
            (
                r.path().rsplit('/').next().unwrap().to_string(),
                r.header("idempotency-key").map(str::to_string),
            )
        })
        .collect()
}

fn keyed(operation: &str, key: Option<&str>) -> (String, Option<String>) {
    (operation.to_string(), key.map(str::to_string))
}

#[tokio::test]
async fn accepting_is_one_accept_dispute_as_adyens_spec_describes() {
    let s = setup().await;
    let receipt = s.adyen.answer(DISPUTE, &accept(), KEY).await;
    assert_eq!(receipt, Ok(AnswerReceipt::Submitted));

    s.fake.assert_requests_match_spec();
    let sent = &s.fake.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path(), format!("{SERVICE}/acceptDispute"));
    assert_eq!(sent.header("x-api-key"), Some(API_KEY));
    assert_eq!(sent.header("idempotency-key"), Some(KEY));
    assert_eq!(
        body(sent),
        json!({"merchantAccountCode": MERCHANT, "disputePspReference": DISPUTE})
    );
    assert_eq!(s.ledger.lock().unwrap().accepted, [DISPUTE]);
}

#[tokio::test]
async fn evidence_becomes_documents_and_a_defense_as_adyens_spec_describes() {
    let s = setup().await;
    let receipt = s.adyen.answer(DISPUTE, &evidence(), KEY).await;
    assert_eq!(receipt, Ok(AnswerReceipt::Submitted));

    s.fake.assert_requests_match_spec();
    assert_eq!(
        operations(&s.fake),
        [
            keyed("retrieveApplicableDefenseReasons", None),
            keyed(
                "supplyDefenseDocument",
                Some("reso-dispute-answer-7-documents")
            ),
            keyed("defendDispute", Some("reso-dispute-answer-7-defend")),
        ]
    );
    let requests = s.fake.requests();
    for r in &requests {
        assert!(r.path().starts_with(SERVICE), "{}", r.path());
        assert_eq!(r.header("x-api-key"), Some(API_KEY));
        assert_eq!(body(r)["merchantAccountCode"], MERCHANT);
        assert_eq!(body(r)["disputePspReference"], DISPUTE);
    }

    // Of the spec's example reasons only the generic one fits delivered goods.
    let ledger = s.ledger.lock().unwrap();
    assert_eq!(
        ledger.defended,
        [(DISPUTE.to_string(), "SupplyDefenseMaterial".to_string())]
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let documents: Vec<(String, String, Vec<u8>)> = ledger
        .documents
        .iter()
        .map(|d| {
            (
                d["defenseDocumentTypeCode"].as_str().unwrap().to_string(),
                d["contentType"].as_str().unwrap().to_string(),
                b64.decode(d["content"].as_str().unwrap()).unwrap(),
            )
        })
        .collect();
    let types: Vec<(&str, &str)> = documents
        .iter()
        .map(|(t, c, _)| (t.as_str(), c.as_str()))
        .collect();
    // The evidence summary PDF (which carries the statement, order,
    // shipments with tracking and policy) and the JPEG photo as defense
    // material; the summary again for the (optional) invoice; the PNG Adyen
    // does not take is left out.
    assert_eq!(
        types,
        [
            ("DefenseMaterial", "application/pdf"),
            ("DefenseMaterial", "image/jpeg"),
            ("TIDorInvoice", "application/pdf"),
        ]
    );
    assert_eq!(documents[0].2, SUMMARY_PDF);
    assert_eq!(documents[1].2, PHOTO_JPEG);
    assert_eq!(documents[2].2, SUMMARY_PDF);
    assert!(documents.iter().all(|(_, _, bytes)| bytes != PHOTO_PNG));
}

#[tokio::test]
async fn evidence_without_any_pdf_is_refused_without_documents() {
    let s = setup().await;
    let DisputeAnswer::Evidence(mut evidence) = evidence() else {
        unreachable!()
    };
    evidence
        .files
        .retain(|f| f.content_type != "application/pdf");
    let receipt = s
        .adyen
        .answer(DISPUTE, &DisputeAnswer::Evidence(evidence), KEY)
        .await;
    assert!(
        matches!(&receipt, Ok(AnswerReceipt::Refused { reason }) if reason.contains("no PDF")),
        "{receipt:?}"
    );
    s.fake.assert_requests_match_spec();
    assert_eq!(
        operations(&s.fake),
        [keyed("retrieveApplicableDefenseReasons", None)]
    );
    assert!(s.ledger.lock().unwrap().documents.is_empty());
}

#[tokio::test]
async fn tracked_delivery_is_defended_with_a_delivery_reason_when_adyen_offers_one() {
    let s = setup().await;
    s.ledger.lock().unwrap().reasons = json!({
        "defenseReasons": [
            {"defenseReasonCode": "SupplyDefenseMaterial", "satisfied": false, "defenseDocumentTypes": [
                {"defenseDocumentTypeCode": "DefenseMaterial", "requirementLevel": "Required", "available": false}]},
            {"defenseReasonCode": "GoodsOrServicesProvided", "satisfied": false, "defenseDocumentTypes": [
                {"defenseDocumentTypeCode": "TIDorInvoice", "requirementLevel": "Required", "available": false},
                {"defenseDocumentTypeCode": "GoodsOrServicesProvided", "requirementLevel": "Required", "available": false}]},
        ],
        "disputeServiceResult": {"success": true},
    });
    assert_eq!(
        s.adyen.answer(DISPUTE, &evidence(), KEY).await,
        Ok(AnswerReceipt::Submitted)
    );
    s.fake.assert_requests_match_spec();
    let ledger = s.ledger.lock().unwrap();
    assert_eq!(ledger.defended[0].1, "GoodsOrServicesProvided");
    let types: Vec<&str> = ledger
        .documents
        .iter()
        .map(|d| d["defenseDocumentTypeCode"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "GoodsOrServicesProvided",
            "GoodsOrServicesProvided",
            "TIDorInvoice"
        ]
    );
}

#[tokio::test]
async fn the_spec_check_rejects_a_wrong_dispute_request() {
    let spec = ProviderSpec::load(SPEC);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("x-api-key", HeaderValue::from_static("k"));
    let supply = format!("{SERVICE}/supplyDefenseDocument");
    let good = json!({"merchantAccountCode": MERCHANT, "disputePspReference": DISPUTE,
        "defenseDocuments": [{"content": "JVBERi0=", "contentType": "application/pdf", "defenseDocumentTypeCode": "DefenseMaterial"}]});
    assert_eq!(
        spec.check("POST", &supply, &headers, good.to_string().as_bytes()),
        Ok(())
    );

    // No merchant account, a document without its type code, the documents
    // as one object instead of a list.
    let wrong = json!({"disputePspReference": DISPUTE,
        "defenseDocuments": [{"content": "JVBERi0=", "contentType": "application/pdf"}]});
    let errors = spec
        .check("POST", &supply, &headers, wrong.to_string().as_bytes())
        .unwrap_err();
    assert!(errors.len() >= 2, "{errors:#?}");
    let not_a_list = json!({"merchantAccountCode": MERCHANT, "disputePspReference": DISPUTE,
        "defenseDocuments": {"content": "JVBERi0="}});
    assert!(spec
        .check("POST", &supply, &headers, not_a_list.to_string().as_bytes())
        .is_err());
    // A defense without its reason code.
    let defend = json!({"merchantAccountCode": MERCHANT, "disputePspReference": DISPUTE});
    assert!(spec
        .check(
            "POST",
            &format!("{SERVICE}/defendDispute"),
            &headers,
            defend.to_string().as_bytes()
        )
        .is_err());
    // No API key; an operation Adyen does not have.
    let mut anonymous = headers.clone();
    anonymous.remove("x-api-key");
    assert!(spec
        .check("POST", &supply, &anonymous, good.to_string().as_bytes())
        .is_err());
    assert!(spec
        .check(
            "POST",
            &format!("{SERVICE}/closeDispute"),
            &headers,
            defend.to_string().as_bytes()
        )
        .is_err());

    // And the fake refuses such a request on the wire, changing nothing.
    let s = setup().await;
    let response = reqwest::Client::new()
        .post(format!("{}{supply}", s.fake.base_url))
        .header("x-api-key", "k")
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(!s.fake.spec_violations().is_empty());
    assert!(s.ledger.lock().unwrap().documents.is_empty());
}

#[tokio::test]
async fn a_server_error_on_the_defense_is_retried_with_the_same_keys_and_defends_once() {
    let s = setup().await;
    // Reasons and documents go through; the defense meets a 500.
    s.fake
        .script(Fault::Answer(Reply::json(200, specs_example_reasons())));
    s.fake.script(Fault::DelayAfterAccept(Duration::ZERO));
    s.fake.script(Fault::Answer(Reply::json(
        500,
        json!({"status": 500, "errorCode": "905", "message": "Internal error", "errorType": "internal"}),
    )));
    assert!(matches!(
        s.adyen.answer(DISPUTE, &evidence(), KEY).await,
        Err(GatewayError::Unavailable(m)) if m.contains("500")
    ));
    assert!(s.ledger.lock().unwrap().defended.is_empty());

    assert_eq!(
        s.adyen.answer(DISPUTE, &evidence(), KEY).await,
        Ok(AnswerReceipt::Submitted)
    );
    let ledger = s.ledger.lock().unwrap();
    assert_eq!(ledger.defended.len(), 1);
    // The retry's documents got the first answer back: supplied once.
    assert_eq!(ledger.documents.len(), 3);
    let supplied: Vec<_> = operations(&s.fake)
        .into_iter()
        .filter(|(op, _)| op != "retrieveApplicableDefenseReasons")
        .collect();
    assert_eq!(
        supplied,
        [
            keyed(
                "supplyDefenseDocument",
                Some("reso-dispute-answer-7-documents")
            ),
            keyed("defendDispute", Some("reso-dispute-answer-7-defend")),
            keyed(
                "supplyDefenseDocument",
                Some("reso-dispute-answer-7-documents")
            ),
            keyed("defendDispute", Some("reso-dispute-answer-7-defend")),
        ]
    );
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_connection_dropped_after_adyen_defended_is_retried_and_defends_once() {
    let s = setup().await;
    s.fake
        .script(Fault::Answer(Reply::json(200, specs_example_reasons())));
    s.fake.script(Fault::DelayAfterAccept(Duration::ZERO));
    s.fake.script(Fault::DropAfterAccept);
    assert!(matches!(
        s.adyen.answer(DISPUTE, &evidence(), KEY).await,
        Err(GatewayError::Unavailable(_))
    ));
    // Adyen did take the defense; the retry gets that answer back.
    assert_eq!(s.ledger.lock().unwrap().defended.len(), 1);
    assert_eq!(
        s.adyen.answer(DISPUTE, &evidence(), KEY).await,
        Ok(AnswerReceipt::Submitted)
    );
    let ledger = s.ledger.lock().unwrap();
    assert_eq!(ledger.defended.len(), 1);
    assert_eq!(ledger.documents.len(), 3);
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_connection_dropped_after_adyen_accepted_is_retried_and_accepts_once() {
    let s = setup().await;
    s.fake.script(Fault::DropAfterAccept);
    assert!(matches!(
        s.adyen.answer(DISPUTE, &accept(), KEY).await,
        Err(GatewayError::Unavailable(_))
    ));
    assert_eq!(
        s.adyen.answer(DISPUTE, &accept(), KEY).await,
        Ok(AnswerReceipt::Submitted)
    );
    assert_eq!(s.ledger.lock().unwrap().accepted, [DISPUTE]);
    assert_eq!(
        operations(&s.fake),
        [
            keyed("acceptDispute", Some(KEY)),
            keyed("acceptDispute", Some(KEY))
        ]
    );
}

#[tokio::test]
async fn a_final_no_is_refused_with_adyens_message() {
    let s = setup().await;
    s.fake.script(Fault::Answer(Reply::json(
        422,
        json!({"status": 422, "errorCode": "702", "message": "Dispute defense period has ended", "errorType": "validation"}),
    )));
    assert_eq!(
        s.adyen.answer(DISPUTE, &accept(), KEY).await,
        Ok(AnswerReceipt::Refused {
            reason:
                "Adyen refused accepting the dispute: Dispute defense period has ended (error 702)"
                    .into()
        })
    );

    // A 200 that says no: the dispute was closed in the meantime.
    s.ledger.lock().unwrap().accepted.push(DISPUTE.into());
    let receipt = s
        .adyen
        .answer(DISPUTE, &evidence(), "reso-dispute-answer-8")
        .await;
    assert_eq!(
        receipt,
        Ok(AnswerReceipt::Refused {
            reason: "Adyen refused the defense documents: Dispute is already closed".into()
        })
    );
    assert!(s.ledger.lock().unwrap().defended.is_empty());

    // No defense Reso can stand behind among those Adyen offers.
    s.ledger.lock().unwrap().reasons = json!({
        "defenseReasons": [{"defenseReasonCode": "GoodsRepairedOrReplaced", "satisfied": false,
            "defenseDocumentTypes": [{"defenseDocumentTypeCode": "GoodsRepairedOrReplaced", "requirementLevel": "Required", "available": false}]}],
        "disputeServiceResult": {"success": true},
    });
    let receipt = s
        .adyen
        .answer("OTHERDISPUTE0001", &evidence(), "reso-dispute-answer-9")
        .await;
    assert!(matches!(
        receipt,
        Ok(AnswerReceipt::Refused { reason }) if reason.contains("GoodsRepairedOrReplaced")
    ));
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn secrets_stay_out_of_every_error() {
    let s = setup().await;
    s.fake.script(Fault::Answer(Reply::json(
        401,
        json!({"status": 401, "errorCode": "000", "message": "HTTP Status Response - Unauthorized", "errorType": "security"}),
    )));
    s.fake
        .script(Fault::Answer(Reply::json(503, json!({"status": 503}))));
    s.fake.script(Fault::DropBeforeAccept);
    let mut texts = Vec::new();
    for _ in 0..3 {
        texts.push(format!(
            "{:?}",
            s.adyen.answer(DISPUTE, &accept(), KEY).await
        ));
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let unreachable = AdyenDisputes::new(
        account(&format!("http://{addr}/v72")),
        reqwest::Client::new(),
    );
    let answer = unreachable.answer(DISPUTE, &evidence(), KEY).await;
    assert!(
        matches!(answer, Err(GatewayError::Unavailable(_))),
        "{answer:?}"
    );
    texts.push(format!("{answer:?}"));
    texts.push(format!("{unreachable:?}"));

    assert!(
        texts[0].contains("Refused") && texts[0].contains("401"),
        "{}",
        texts[0]
    );
    assert!(texts[1].contains("Unavailable") && texts[2].contains("Unavailable"));
    for text in &texts {
        assert!(!text.contains(API_KEY), "the API key leaked: {text}");
        assert!(!text.contains("44782DEF"), "the HMAC key leaked: {text}");
    }
}

#[tokio::test]
async fn a_slow_adyen_times_out_as_unavailable() {
    let s = setup().await;
    let impatient = AdyenDisputes::new(account(&s.fake.base_url), reqwest::Client::new())
        .with_timeout(Duration::from_millis(300));
    s.fake
        .script(Fault::DelayAfterAccept(Duration::from_secs(5)));
    let started = std::time::Instant::now();
    assert!(matches!(
        impatient.answer(DISPUTE, &accept(), KEY).await,
        Err(GatewayError::Unavailable(m)) if m.contains("timed out")
    ));
    assert!(started.elapsed() < Duration::from_secs(4));
    // The retry with the same key gets the acceptance Adyen made meanwhile.
    assert_eq!(
        s.adyen.answer(DISPUTE, &accept(), KEY).await,
        Ok(AnswerReceipt::Submitted)
    );
    assert_eq!(s.ledger.lock().unwrap().accepted, [DISPUTE]);
}
