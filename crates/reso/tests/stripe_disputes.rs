//! Answering Stripe disputes against a fake Stripe on loopback: every request
//! is checked against Stripe's official OpenAPI spec, and the fake keeps
//! Stripe's rules — idempotency keys replay the first answer, evidence is
//! taken only while a dispute needs a response, files must be uploaded for
//! `dispute_evidence` before the dispute names them — while it answers 500s
//! and drops connections after it has done the work.

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;
#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

use fake_provider::{FakeProvider, Fault, Recorded, Reply};
use provider_spec::{decode_multipart, FormPart, ProviderSpec};
use reso::gateways::disputes::{
    AnswerReceipt, AnswersDisputes, DisputeAnswer, DisputeEvidence, EvidenceFile, ShipmentEvidence,
};
use reso::gateways::stripe::disputes::StripeDisputes;
use reso::gateways::stripe::StripeAccount;
use reso::gateways::GatewayError;
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET_KEY: &str = "sk_test_reso_disputes_789";
/// 2026-03-02T10:00:00Z in seconds.
const NOW_SECS: i64 = 1_772_445_600;

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
                stripe_error(400, "idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters they were first used with.")
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
                    "",
                    &format!("This dispute is already {status} and cannot be closed."),
                );
            }
            return self.set(id, |d| d["status"] = json!("lost"));
        }
        if !open {
            return stripe_error(
                400,
                "invalid_request_error",
                "",
                &format!(
                    "This dispute is already {status}: its evidence can no longer be updated."
                ),
            );
        }
        let form = request.form();
        let mut evidence = dispute["evidence"].clone();
        let mut metadata = dispute["metadata"].clone();
        for (key, value) in &form {
            if let Some(field) = key
                .strip_prefix("evidence[")
                .and_then(|k| k.strip_suffix(']'))
            {
                if field.ends_with("_file")
                    || matches!(
                        field,
                        "receipt"
                            | "shipping_documentation"
                            | "customer_communication"
                            | "refund_policy"
                    )
                {
                    let known = self.files.iter().any(|(f, _)| {
                        f["id"] == value.as_str() && f["purpose"] == "dispute_evidence"
                    });
                    if !known {
                        return stripe_error(
                            400,
                            "invalid_request_error",
                            "",
                            &format!("No such file upload: '{value}'"),
                        );
                    }
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
            if submit {
                d["status"] = json!(if status.starts_with("warning_") {
                    "warning_under_review"
                } else {
                    "under_review"
                });
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
                "parameter_missing",
                "Missing required param: file.",
            );
        };
        let purpose = String::from_utf8_lossy(&purpose.body).into_owned();
        let kind = match file.content_type.as_deref() {
            Some("application/pdf") => "pdf",
            Some("image/jpeg") => "jpg",
            Some("image/png") => "png",
            _ => {
                return stripe_error(
                    400,
                    "invalid_request_error",
                    "",
                    "Invalid file: must be one of pdf, jpg, or png.",
                )
            }
        };
        let object = json!({
            "id": format!("file_fake{}", self.files.len() + 1),
            "object": "file",
            "created": NOW_SECS,
            "filename": file.filename,
            "purpose": purpose,
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
    stripe_error(
        404,
        "invalid_request_error",
        "resource_missing",
        &format!("No such dispute: '{id}'"),
    )
}

fn stripe_error(status: u16, kind: &str, code: &str, message: &str) -> Reply {
    let mut error = json!({"type": kind, "message": message});
    if !code.is_empty() {
        error["code"] = json!(code);
    }
    Reply::json(status, json!({ "error": error }))
}

/// The parts of an upload's `multipart/form-data` body.
fn multipart(request: &Recorded) -> Vec<FormPart> {
    decode_multipart(
        request.header("content-type").unwrap_or_default(),
        &request.body,
    )
    .unwrap_or_default()
}

struct Harness {
    fake: FakeProvider,
    book: Arc<Mutex<StripeBook>>,
    stripe: StripeDisputes,
}

/// A fake Stripe with disputes `dp_open` (a chargeback needing a
/// response), `dp_inquiry` (an inquiry needing one), `dp_review` (evidence
/// already submitted) and `dp_won`.
async fn harness() -> Harness {
    let book = Arc::new(Mutex::new(StripeBook::default()));
    {
        let mut b = book.lock().unwrap();
        for (id, status) in [
            ("dp_open", "needs_response"),
            ("dp_inquiry", "warning_needs_response"),
            ("dp_review", "under_review"),
            ("dp_won", "won"),
        ] {
            let mut dispute = fixture("dispute");
            dispute["id"] = json!(id);
            dispute["status"] = json!(status);
            dispute["metadata"] = json!({});
            dispute["evidence"] = json!({});
            dispute["evidence_details"]["submission_count"] = json!(0);
            b.disputes.insert(id.into(), dispute);
        }
    }
    let shared = book.clone();
    let fake = FakeProvider::start(ProviderSpec::load("stripe-spec3-2022-04.json"), move |r| {
        shared.lock().unwrap().answer(r)
    })
    .await;
    let stripe = StripeDisputes::new(account(&fake.base_url), http())
        .with_timeout(Duration::from_millis(1_500));
    Harness { fake, book, stripe }
}

fn fixture(name: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/stripe-fixtures3.json"
    );
    let fixtures: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    fixtures["resources"][name].clone()
}

fn account(base_url: &str) -> StripeAccount {
    StripeAccount {
        base_url: base_url.to_string(),
        secret_key: SECRET_KEY.into(),
        webhook_secret: "whsec_test_unused".into(),
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

fn accept() -> DisputeAnswer {
    DisputeAnswer::Accept {
        note: "We refunded the buyer by bank transfer.".into(),
    }
}

/// A PDF summary, a shipping label and a photo no field takes.
fn evidence() -> DisputeAnswer {
    let file = |name: &str, content_type: &str, fill: u8| EvidenceFile {
        name: name.into(),
        content_type: content_type.into(),
        bytes: (0..2_000u32).map(|i| fill ^ (i % 251) as u8).collect(),
    };
    DisputeAnswer::Evidence(Box::new(DisputeEvidence {
        statement: "The parcel was delivered to the buyer's address and signed for.".into(),
        order_number: "1001".into(),
        amount: Money::new(4_990, Currency::parse("EUR").unwrap()),
        reason_code: "product_not_received".into(),
        customer_name: "Ada Lovelace".into(),
        customer_email: "ada@example.com".into(),
        product_description: "2 × Mug (MUG-1)".into(),
        shipments: vec![ShipmentEvidence {
            carrier: "DHL".into(),
            tracking_number: "00340434161234567890".into(),
            shipped_at: Some(Timestamp(NOW_SECS * 1000)),
            delivered_at: Some(Timestamp((NOW_SECS + 2 * 86_400) * 1000)),
        }],
        refund_policy: "Returns within 30 days of delivery, refunded within 14 days.".into(),
        refund_refusal: Some("The buyer never returned the goods.".into()),
        files: vec![
            file("evidence-summary.pdf", "application/pdf", 1),
            file("shipping-label.png", "image/png", 2),
            file("return-1-photo-1.jpg", "image/jpeg", 3),
        ],
    }))
}

fn evidence_files(answer: &DisputeAnswer) -> &[EvidenceFile] {
    match answer {
        DisputeAnswer::Evidence(e) => &e.files,
        DisputeAnswer::Accept { .. } => &[],
    }
}

/// Lets the next request through untouched (a fault is taken per request).
fn pass() -> Fault {
    Fault::DelayAfterAccept(Duration::ZERO)
}

fn keys(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.header("idempotency-key").unwrap_or("-").to_string())
        .collect()
}

// ---- accepting ----

#[tokio::test]
async fn accepting_closes_the_dispute_as_the_spec_describes() {
    let h = harness().await;
    let receipt = h.stripe.answer("dp_open", &accept(), "reso-answer-1").await;
    assert_eq!(receipt, Ok(AnswerReceipt::Submitted));
    assert_eq!(h.book.lock().unwrap().status("dp_open"), "lost");

    h.fake.assert_requests_match_spec();
    let requests = h.fake.requests();
    assert_eq!(requests.len(), 1);
    let close = &requests[0];
    assert_eq!(
        (close.method.as_str(), close.path()),
        ("POST", "/v1/disputes/dp_open/close")
    );
    assert_eq!(
        close.header("authorization"),
        Some(format!("Bearer {SECRET_KEY}").as_str())
    );
    assert_eq!(close.header("idempotency-key"), Some("reso-answer-1"));
    assert!(
        close.body.is_empty(),
        "close takes no parameters Reso needs"
    );
}

// ---- evidence ----

#[tokio::test]
async fn evidence_uploads_the_files_then_submits_the_fields() {
    let h = harness().await;
    let answer = evidence();
    let receipt = h.stripe.answer("dp_open", &answer, "reso-answer-2").await;
    assert_eq!(receipt, Ok(AnswerReceipt::Submitted));
    h.fake.assert_requests_match_spec();

    let requests = h.fake.requests();
    let shape: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path()))
        .collect();
    assert_eq!(
        shape,
        vec![
            ("POST", "/v1/files"),
            ("POST", "/v1/files"),
            ("POST", "/v1/disputes/dp_open"),
        ]
    );
    assert_eq!(
        keys(&requests),
        vec![
            "reso-answer-2-file-0",
            "reso-answer-2-file-1",
            "reso-answer-2"
        ]
    );
    // Each upload: purpose and the file with its name, type and exact bytes.
    let sent = evidence_files(&answer);
    for (request, file) in requests[..2].iter().zip(sent) {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {SECRET_KEY}").as_str())
        );
        let parts = multipart(request);
        assert_eq!(parts.len(), 2, "{parts:?}");
        let purpose = parts.iter().find(|p| p.name == "purpose").unwrap();
        assert_eq!(purpose.body, b"dispute_evidence");
        let upload = parts.iter().find(|p| p.name == "file").unwrap();
        assert_eq!(upload.filename.as_deref(), Some(file.name.as_str()));
        assert_eq!(
            upload.content_type.as_deref(),
            Some(file.content_type.as_str())
        );
        assert_eq!(upload.body, file.bytes);
    }

    let update = &requests[2];
    assert_eq!(
        update.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let field = |k: &str| update.form_value(&format!("evidence[{k}]"));
    assert_eq!(field("uncategorized_file").as_deref(), Some("file_fake1"));
    assert_eq!(
        field("shipping_documentation").as_deref(),
        Some("file_fake2")
    );
    let text = field("uncategorized_text").unwrap();
    assert!(
        text.starts_with("Order 1001\n\nThe parcel was delivered"),
        "{text}"
    );
    assert!(
        text.contains("Delivered 2026-03-04 (DHL 00340434161234567890)."),
        "{text}"
    );
    assert!(
        text.contains("available on request: return-1-photo-1.jpg"),
        "{text}"
    );
    assert_eq!(field("customer_name").as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        field("customer_email_address").as_deref(),
        Some("ada@example.com")
    );
    assert_eq!(
        field("product_description").as_deref(),
        Some("2 × Mug (MUG-1)")
    );
    assert_eq!(field("shipping_carrier").as_deref(), Some("DHL"));
    assert_eq!(
        field("shipping_tracking_number").as_deref(),
        Some("00340434161234567890")
    );
    assert_eq!(field("shipping_date").as_deref(), Some("2026-03-02"));
    assert_eq!(
        field("refund_policy_disclosure").as_deref(),
        Some("Returns within 30 days of delivery, refunded within 14 days.")
    );
    assert_eq!(
        field("refund_refusal_explanation").as_deref(),
        Some("The buyer never returned the goods.")
    );
    assert_eq!(update.form_value("submit").as_deref(), Some("true"));

    let book = h.book.lock().unwrap();
    assert_eq!(book.status("dp_open"), "under_review");
    assert_eq!(book.submissions["dp_open"], 1);
    assert_eq!(book.files.len(), 2);
    assert_eq!(book.files[0].1, sent[0].bytes);
}

#[tokio::test]
async fn an_inquiry_takes_evidence_too() {
    let h = harness().await;
    let receipt = h
        .stripe
        .answer("dp_inquiry", &evidence(), "reso-answer-3")
        .await;
    assert_eq!(receipt, Ok(AnswerReceipt::Submitted));
    assert_eq!(
        h.book.lock().unwrap().status("dp_inquiry"),
        "warning_under_review"
    );
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn the_validator_rejects_wrong_dispute_requests() {
    let h = harness().await;
    let url = |path: &str| format!("{}{path}", h.fake.base_url);
    // A parameter Stripe does not have, and `submit` not a boolean.
    let response = http()
        .post(url("/v1/disputes/dp_open"))
        .bearer_auth(SECRET_KEY)
        .form(&[
            ("evidence[shipping_carrier]", "DHL"),
            ("shipping_company", "DHL"),
            ("submit", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let violations = body["spec_violations"].to_string();
    assert!(
        violations.contains("shipping_company") && violations.contains("/submit"),
        "{violations}"
    );
    // A text field longer than Stripe's limit.
    let response = http()
        .post(url("/v1/disputes/dp_open"))
        .bearer_auth(SECRET_KEY)
        .form(&[("evidence[uncategorized_text]", "x".repeat(20_001))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Close takes no evidence; and no request goes without the key.
    let response = http()
        .post(url("/v1/disputes/dp_open/close"))
        .form(&[("evidence[uncategorized_text]", "sorry")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let violations = body["spec_violations"].to_string();
    assert!(violations.contains("authentication"), "{violations}");
    assert!(violations.contains("evidence"), "{violations}");
    // An upload without its purpose.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(vec![1, 2, 3])
            .file_name("a.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let response = http()
        .post(url("/v1/files"))
        .bearer_auth(SECRET_KEY)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // An upload for a purpose Stripe does not know.
    let form = reqwest::multipart::Form::new()
        .text("purpose", "selfie")
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![1, 2, 3])
                .file_name("a.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let response = http()
        .post(url("/v1/files"))
        .bearer_auth(SECRET_KEY)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    let violations = body["spec_violations"].to_string();
    assert!(violations.contains("selfie"), "{violations}");

    let book = h.book.lock().unwrap();
    assert_eq!(book.status("dp_open"), "needs_response", "nothing changed");
    assert!(book.files.is_empty());
    assert_eq!(h.fake.requests().len(), 5);
    assert_eq!(
        h.fake
            .requests()
            .iter()
            .filter(|r| r.spec_errors.is_empty())
            .count(),
        0,
        "{:#?}",
        h.fake.spec_violations()
    );
}

// ---- retries ----

#[tokio::test]
async fn a_500_on_the_submission_is_retried_with_the_same_uploads_and_key() {
    let h = harness().await;
    h.fake.script(pass());
    h.fake.script(pass());
    h.fake.script(Fault::Answer(stripe_error(
        500,
        "api_error",
        "",
        "Something went wrong on Stripe's end.",
    )));
    let answer = evidence();
    let first = h.stripe.answer("dp_open", &answer, "reso-answer-4").await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(ref m)) if m.contains("500") || m.contains("went wrong")),
        "{first:?}"
    );
    assert_eq!(h.book.lock().unwrap().status("dp_open"), "needs_response");

    let retry = h.stripe.answer("dp_open", &answer, "reso-answer-4").await;
    assert_eq!(retry, Ok(AnswerReceipt::Submitted));
    let requests = h.fake.requests();
    assert_eq!(keys(&requests[..3]), keys(&requests[3..]), "same keys");
    assert_eq!(
        requests[2].form(),
        requests[5].form(),
        "the same evidence, the same file ids"
    );
    let book = h.book.lock().unwrap();
    assert_eq!(book.files.len(), 2, "the retry uploaded nothing new");
    assert_eq!(book.submissions["dp_open"], 1);
    drop(book);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_500_on_an_upload_is_retried_before_anything_is_submitted() {
    let h = harness().await;
    h.fake.script(pass());
    h.fake.script(Fault::Answer(stripe_error(
        500,
        "api_error",
        "",
        "Try again.",
    )));
    let answer = evidence();
    let first = h.stripe.answer("dp_open", &answer, "reso-answer-5").await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    assert_eq!(
        h.fake.requests().len(),
        2,
        "no submission without the files"
    );
    assert_eq!(h.book.lock().unwrap().status("dp_open"), "needs_response");

    let retry = h.stripe.answer("dp_open", &answer, "reso-answer-5").await;
    assert_eq!(retry, Ok(AnswerReceipt::Submitted));
    let book = h.book.lock().unwrap();
    assert_eq!(book.files.len(), 2);
    assert_eq!(book.submissions["dp_open"], 1);
}

#[tokio::test]
async fn a_connection_dropped_after_stripe_took_the_evidence_submits_nothing_twice() {
    let h = harness().await;
    h.fake.script(pass());
    h.fake.script(Fault::DropAfterAccept);
    let answer = evidence();
    let first = h.stripe.answer("dp_open", &answer, "reso-answer-6").await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    assert_eq!(
        h.book.lock().unwrap().files.len(),
        2,
        "Stripe stored the upload"
    );
    // The uploads' keys bring the same files back; then the submission itself drops.
    h.fake.script(pass());
    h.fake.script(pass());
    h.fake.script(Fault::DropAfterAccept);
    let second = h.stripe.answer("dp_open", &answer, "reso-answer-6").await;
    assert!(
        matches!(second, Err(GatewayError::Unavailable(_))),
        "{second:?}"
    );
    assert_eq!(h.book.lock().unwrap().status("dp_open"), "under_review");

    let third = h.stripe.answer("dp_open", &answer, "reso-answer-6").await;
    assert_eq!(third, Ok(AnswerReceipt::Submitted));
    let book = h.book.lock().unwrap();
    assert_eq!(book.files.len(), 2, "no upload twice");
    assert_eq!(book.submissions["dp_open"], 1, "no submission twice");
    drop(book);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_connection_dropped_after_stripe_closed_the_dispute_is_retried_into_the_same_close() {
    let h = harness().await;
    h.fake.script(Fault::DropAfterAccept);
    let first = h.stripe.answer("dp_open", &accept(), "reso-answer-7").await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    assert_eq!(h.book.lock().unwrap().status("dp_open"), "lost");
    let retry = h.stripe.answer("dp_open", &accept(), "reso-answer-7").await;
    assert_eq!(retry, Ok(AnswerReceipt::Submitted));
    assert_eq!(keys(&h.fake.requests()), vec!["reso-answer-7"; 2]);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_retry_after_stripe_forgot_the_key_recognises_its_own_submission() {
    let h = harness().await;
    h.fake.script(pass());
    h.fake.script(pass());
    h.fake.script(Fault::DropAfterAccept);
    let answer = evidence();
    let first = h.stripe.answer("dp_open", &answer, "reso-answer-8").await;
    assert!(
        matches!(first, Err(GatewayError::Unavailable(_))),
        "{first:?}"
    );
    // Stripe keeps keys for 24 hours; a retry after that is new to it.
    h.book.lock().unwrap().keys.clear();
    let retry = h.stripe.answer("dp_open", &answer, "reso-answer-8").await;
    assert_eq!(retry, Ok(AnswerReceipt::Submitted));
    assert_eq!(h.book.lock().unwrap().submissions["dp_open"], 1);
    let last = h.fake.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path()),
        ("GET", "/v1/disputes/dp_open")
    );
    h.fake.assert_requests_match_spec();

    // Someone else's submission is not taken for Reso's.
    let other = h.stripe.answer("dp_review", &answer, "reso-answer-9").await;
    assert!(
        matches!(other, Ok(AnswerReceipt::Refused { .. })),
        "{other:?}"
    );
}

// ---- refusals and errors ----

#[tokio::test]
async fn stripes_final_no_is_refused_with_its_message() {
    let h = harness().await;
    let reviewed = h
        .stripe
        .answer("dp_review", &evidence(), "reso-answer-10")
        .await;
    match reviewed {
        Ok(AnswerReceipt::Refused { reason }) => assert!(
            reason.contains("This dispute is already under_review"),
            "{reason}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let won = h.stripe.answer("dp_won", &accept(), "reso-answer-11").await;
    match won {
        Ok(AnswerReceipt::Refused { reason }) => {
            assert!(
                reason.contains("already won and cannot be closed"),
                "{reason}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let missing = h
        .stripe
        .answer("dp_gone", &accept(), "reso-answer-12")
        .await;
    assert!(
        matches!(missing, Ok(AnswerReceipt::Refused { ref reason }) if reason.contains("No such dispute: 'dp_gone'")),
        "{missing:?}"
    );
    let requests_so_far = h.fake.requests().len();
    // Not a Stripe id: refused without asking Stripe.
    let foreign = h.stripe.answer("dp_1/../../refunds", &accept(), "k").await;
    assert!(
        matches!(foreign, Ok(AnswerReceipt::Refused { .. })),
        "{foreign:?}"
    );
    assert_eq!(h.fake.requests().len(), requests_so_far);
    // Nothing moved.
    let book = h.book.lock().unwrap();
    assert_eq!(book.status("dp_review"), "under_review");
    assert_eq!(book.status("dp_won"), "won");
    drop(book);
    h.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_closed_dispute_the_merchant_wanted_closed_is_done() {
    let h = harness().await;
    h.book.lock().unwrap().disputes.get_mut("dp_open").unwrap()["status"] = json!("lost");
    let receipt = h
        .stripe
        .answer("dp_open", &accept(), "reso-answer-13")
        .await;
    assert_eq!(receipt, Ok(AnswerReceipt::Submitted));
}

#[tokio::test]
async fn no_error_or_refusal_shows_the_secret_key() {
    let h = harness().await;
    let leaky = format!("Invalid API Key provided: {SECRET_KEY}");
    h.fake.script(Fault::Answer(stripe_error(
        401,
        "invalid_request_error",
        "",
        &leaky,
    )));
    let unauthorized = h
        .stripe
        .answer("dp_open", &accept(), "reso-answer-14")
        .await;
    let shown = format!("{unauthorized:?}");
    assert!(
        matches!(unauthorized, Err(GatewayError::Unavailable(_))),
        "{shown}"
    );
    assert!(
        !shown.contains(SECRET_KEY) && shown.contains("[redacted]"),
        "{shown}"
    );

    h.fake.script(Fault::Answer(stripe_error(
        400,
        "invalid_request_error",
        "",
        &leaky,
    )));
    let refused = h
        .stripe
        .answer("dp_open", &accept(), "reso-answer-15")
        .await;
    let shown = format!("{refused:?}");
    assert!(
        matches!(refused, Ok(AnswerReceipt::Refused { .. })),
        "{shown}"
    );
    assert!(!shown.contains(SECRET_KEY), "{shown}");

    h.fake.script(Fault::Answer(stripe_error(
        429,
        "invalid_request_error",
        "rate_limit",
        "Too many requests",
    )));
    let limited = h
        .stripe
        .answer("dp_open", &evidence(), "reso-answer-16")
        .await;
    assert!(
        matches!(limited, Err(GatewayError::Unavailable(_))),
        "{limited:?}"
    );

    h.fake
        .script(Fault::DelayAfterAccept(Duration::from_secs(3)));
    let slow = h
        .stripe
        .answer("dp_inquiry", &accept(), "reso-answer-17")
        .await;
    assert!(
        matches!(slow, Err(GatewayError::Unavailable(ref m)) if m.contains("timed out") && !m.contains(SECRET_KEY)),
        "{slow:?}"
    );

    // Nothing listens on a port just freed.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let nowhere = StripeDisputes::new(account(&base), http());
    for answer in [accept(), evidence()] {
        let unreachable = nowhere.answer("dp_open", &answer, "reso-answer-18").await;
        let shown = format!("{unreachable:?}");
        assert!(
            matches!(unreachable, Err(GatewayError::Unavailable(_))),
            "{shown}"
        );
        assert!(!shown.contains(SECRET_KEY), "{shown}");
    }
}
