//! PayPal disputes: the merchant's answer through the Disputes API v1.
//! Accepting is `POST /v1/customer/disputes/{id}/accept-claim`, fighting is
//! `POST /v1/customer/disputes/{id}/provide-evidence`; PayPal's specification
//! takes both as `multipart/form-data`, the request itself as a JSON `input`
//! part and the evidence files as `evidence-file` parts (PDF, JPEG, PNG or
//! GIF; at most 10 MB each and 50 MB for a case).
//!
//! A repeated answer must not count twice. The Disputes API does not document
//! `PayPal-Request-Id` (the Payments API does); it is sent anyway, as
//! PayPal's REST APIs take it generally. Where PayPal does not honour it, a
//! repeat of an answer that went through is refused, because the dispute has
//! moved on; so before a refusal is reported, the dispute is looked up
//! (`GET /v1/customer/disputes/{id}`): evidence carrying this answer's
//! reference, or a claim resolved in the buyer's favour after an accept,
//! means the first attempt arrived, and the answer stands as submitted.

use super::token::Tokens;
use super::{error_summary, path_segment, retry_worthy, PaypalAccount, DEFAULT_TIMEOUT};
use crate::gateways::disputes::{
    AnswerFuture, AnswerReceipt, AnswersDisputes, DisputeAnswer, DisputeEvidence, EvidenceFile,
    ShipmentEvidence,
};
use crate::gateways::GatewayError;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use reso_domain::Timestamp;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

/// PayPal takes no larger evidence file ("smaller than 10 MB").
pub const MAX_FILE_BYTES: usize = 10_000_000;
/// PayPal takes no more evidence for one case.
pub const MAX_TOTAL_BYTES: usize = 50_000_000;
/// PayPal's limit on notes (characters).
const MAX_NOTE_CHARS: usize = 2_000;
/// PayPal takes at most this many tracking numbers per evidence.
const MAX_TRACKING: usize = 10;

/// Answers a merchant's PayPal disputes.
pub struct PaypalDisputes {
    root: String,
    http: reqwest::Client,
    tokens: Tokens,
    timeout: Duration,
}

/// One answer as PayPal takes it.
#[derive(Debug)]
struct Submission {
    /// The last path segment: `accept-claim` or `provide-evidence`.
    action: &'static str,
    /// The JSON `input` part.
    input: Value,
    files: Vec<Upload>,
}

#[derive(Debug)]
struct Upload {
    /// A name PayPal's document-name rule accepts, unique in the answer.
    name: String,
    content_type: &'static str,
    bytes: Vec<u8>,
}

impl PaypalDisputes {
    pub fn new(account: PaypalAccount, http: reqwest::Client) -> PaypalDisputes {
        let root = account.base_url.trim_end_matches('/').to_string();
        let tokens = Tokens::for_account(&root, &account.client_id, &account.client_secret);
        PaypalDisputes {
            root,
            http,
            tokens,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Another time limit per request (token, answer, dispute lookup).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn answer_now(
        &self,
        dispute_id: &str,
        answer: &DisputeAnswer,
        idempotency_key: &str,
    ) -> Result<AnswerReceipt, GatewayError> {
        let submission = match submission(answer, idempotency_key) {
            Ok(submission) => submission,
            // PayPal would refuse it whenever it is sent.
            Err(reason) => return Ok(AnswerReceipt::Refused { reason }),
        };
        let path = format!(
            "/v1/customer/disputes/{}/{}",
            path_segment(dispute_id),
            submission.action
        );
        let (status, body) = self
            .send(Method::POST, &path, Some(&submission), idempotency_key)
            .await?;
        if status.is_success() {
            return Ok(AnswerReceipt::Submitted);
        }
        if retry_worthy(status) || status == StatusCode::UNAUTHORIZED {
            return Err(GatewayError::Unavailable(format!(
                "PayPal answered {status} to the dispute answer: {}",
                error_summary(&body)
            )));
        }
        if self
            .already_answered(dispute_id, answer, idempotency_key)
            .await?
        {
            return Ok(AnswerReceipt::Submitted);
        }
        Ok(AnswerReceipt::Refused {
            reason: format!(
                "PayPal refused the answer to dispute {dispute_id}: {}",
                error_summary(&body)
            ),
        })
    }

    /// Whether the dispute shows this answer arrived already (an earlier
    /// attempt whose reply was lost).
    async fn already_answered(
        &self,
        dispute_id: &str,
        answer: &DisputeAnswer,
        idempotency_key: &str,
    ) -> Result<bool, GatewayError> {
        let path = format!("/v1/customer/disputes/{}", path_segment(dispute_id));
        let (status, body) = self.send(Method::GET, &path, None, "").await?;
        if retry_worthy(status) || status == StatusCode::UNAUTHORIZED {
            return Err(GatewayError::Unavailable(format!(
                "PayPal answered {status} when asked about dispute {dispute_id}: {}",
                error_summary(&body)
            )));
        }
        if !status.is_success() {
            return Ok(false);
        }
        let dispute: Value = serde_json::from_slice(&body).map_err(|e| {
            GatewayError::Unavailable(format!("PayPal's dispute does not parse: {e}"))
        })?;
        Ok(shows_answer(&dispute, answer, idempotency_key))
    }

    /// Sends one request with the account's token; on a 401 the token is
    /// dropped and the request sent once more with a new one. The multipart
    /// body is built again for each attempt (a sent form is consumed).
    async fn send(
        &self,
        method: Method,
        path: &str,
        submission: Option<&Submission>,
        request_id: &str,
    ) -> Result<(StatusCode, Vec<u8>), GatewayError> {
        let what = format!("PayPal {method} {path}");
        let mut renewed = false;
        loop {
            let token = self.tokens.get(&self.http, self.timeout).await?;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.root))
                .bearer_auth(&token)
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(self.timeout);
            if !request_id.is_empty() {
                request = request.header("PayPal-Request-Id", request_id);
            }
            if let Some(submission) = submission {
                request = request.multipart(form(submission));
            }
            let response = request
                .send()
                .await
                .map_err(|e| GatewayError::unreachable(&what, &e))?;
            let status = response.status();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| GatewayError::unreachable(&what, &e))?;
            if status == StatusCode::UNAUTHORIZED && !renewed {
                self.tokens.discard(&token).await;
                renewed = true;
                continue;
            }
            return Ok((status, bytes.to_vec()));
        }
    }
}

impl AnswersDisputes for PaypalDisputes {
    fn answer<'a>(
        &'a self,
        dispute_id: &'a str,
        answer: &'a DisputeAnswer,
        idempotency_key: &'a str,
    ) -> AnswerFuture<'a> {
        Box::pin(self.answer_now(dispute_id, answer, idempotency_key))
    }
}

fn form(submission: &Submission) -> Form {
    let input = Part::text(submission.input.to_string())
        .mime_str("application/json")
        .expect("a valid media type");
    let mut form = Form::new().part("input", input);
    for file in &submission.files {
        let part = Part::bytes(file.bytes.clone())
            .file_name(file.name.clone())
            .mime_str(file.content_type)
            .expect("a valid media type");
        form = form.part("evidence-file", part);
    }
    form
}

/// The answer in PayPal's terms, or why PayPal could not take it.
fn submission(answer: &DisputeAnswer, idempotency_key: &str) -> Result<Submission, String> {
    match answer {
        DisputeAnswer::Accept { note } => {
            let note = note.trim();
            let note = if note.is_empty() {
                "The merchant accepts the claim."
            } else {
                note
            };
            Ok(Submission {
                action: "accept-claim",
                input: json!({ "note": fit(note, "") }),
                files: Vec::new(),
            })
        }
        DisputeAnswer::Evidence(evidence) => {
            let files = uploads(&evidence.files)?;
            Ok(Submission {
                action: "provide-evidence",
                input: json!({ "evidences": evidences(evidence, &files, idempotency_key) }),
                files,
            })
        }
    }
}

/// Proof of fulfilment when there are tracking numbers, and always the
/// merchant's case in words with the documents.
fn evidences(evidence: &DisputeEvidence, files: &[Upload], idempotency_key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let tracking: Vec<Value> = evidence
        .shipments
        .iter()
        .filter_map(tracking_info)
        .take(MAX_TRACKING)
        .collect();
    if !tracking.is_empty() {
        out.push(json!({
            "evidence_type": "PROOF_OF_FULFILLMENT",
            "evidence_info": { "tracking_info": tracking },
        }));
    }
    let mut other = json!({
        "evidence_type": "OTHER",
        "notes": notes(evidence, idempotency_key),
    });
    if !files.is_empty() {
        other["documents"] = files.iter().map(|f| json!({ "name": f.name })).collect();
    }
    out.push(other);
    out
}

/// The merchant's case in one note, ending with the answer's reference,
/// which tells a later attempt that this one arrived.
fn notes(evidence: &DisputeEvidence, idempotency_key: &str) -> String {
    let mut sections = Vec::new();
    let statement = evidence.statement.trim();
    if !statement.is_empty() {
        sections.push(statement.to_string());
    }
    let mut order = format!("Order {}: {}", evidence.order_number, evidence.amount);
    let customer = match (
        evidence.customer_name.trim(),
        evidence.customer_email.trim(),
    ) {
        ("", "") => String::new(),
        (name, "") => name.to_string(),
        ("", email) => email.to_string(),
        (name, email) => format!("{name} <{email}>"),
    };
    if !customer.is_empty() {
        order.push_str(&format!(", paid by {customer}"));
    }
    order.push('.');
    sections.push(order);
    if !evidence.product_description.trim().is_empty() {
        sections.push(format!("Items: {}", evidence.product_description.trim()));
    }
    for shipment in &evidence.shipments {
        sections.push(delivery(shipment));
    }
    if !evidence.refund_policy.trim().is_empty() {
        sections.push(format!("Return policy: {}", evidence.refund_policy.trim()));
    }
    if let Some(refusal) = evidence.refund_refusal.as_deref().map(str::trim) {
        if !refusal.is_empty() {
            sections.push(format!("Why no refund is owed: {refusal}"));
        }
    }
    fit(
        &sections.join("\n\n"),
        &format!("\n\n{}", reference(idempotency_key)),
    )
}

fn delivery(shipment: &ShipmentEvidence) -> String {
    let mut line = format!(
        "Shipped with {} (tracking {})",
        shipment.carrier.trim(),
        shipment.tracking_number.trim()
    );
    if let Some(at) = shipment.shipped_at {
        line.push_str(&format!(" on {}", day(at)));
    }
    if let Some(at) = shipment.delivered_at {
        line.push_str(&format!(", delivered on {}", day(at)));
    }
    line.push('.');
    line
}

fn reference(idempotency_key: &str) -> String {
    format!("Reso reference {idempotency_key}")
}

/// `text` then `tail` within PayPal's note limit: the text is shortened
/// (the tail, the reference, always stays whole).
fn fit(text: &str, tail: &str) -> String {
    let room = MAX_NOTE_CHARS.saturating_sub(tail.chars().count());
    if text.chars().count() <= room {
        return format!("{text}{tail}");
    }
    let shortened: String = text.chars().take(room.saturating_sub(1)).collect();
    format!("{}…{tail}", shortened.trim_end())
}

fn day(at: Timestamp) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.millis()) * 1_000_000)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| at.millis().to_string())
}

/// PayPal's tracking entry for a shipment; none without a tracking number.
fn tracking_info(shipment: &ShipmentEvidence) -> Option<Value> {
    let number: String = shipment.tracking_number.trim().chars().take(255).collect();
    if number.is_empty() {
        return None;
    }
    Some(match carrier_code(&shipment.carrier) {
        Some(code) => json!({ "carrier_name": code, "tracking_number": number }),
        None => {
            let name: String = shipment.carrier.trim().chars().take(2_000).collect();
            let name = if name.is_empty() {
                "unknown".to_string()
            } else {
                name
            };
            json!({
                "carrier_name": "OTHER",
                "carrier_name_other": name,
                "tracking_number": number,
            })
        }
    })
}

/// Carriers as merchants name them → PayPal's carrier codes. Others are
/// sent as `OTHER` with their name, which PayPal accepts for any carrier.
const CARRIERS: &[(&str, &str)] = &[
    ("UPS", "UPS"),
    ("USPS", "USPS"),
    ("FEDEX", "FEDEX"),
    ("FED_EX", "FEDEX"),
    ("DHL", "DHL"),
    ("DHL_EXPRESS", "DHL"),
    ("DEUTSCHE_POST", "DEUTSCHE_POST_DHL"),
    ("TNT", "TNT"),
    ("GLS", "GLS"),
    ("DPD", "DPD"),
    ("HERMES", "HERMES"),
    ("ROYAL_MAIL", "ROYAL_MAIL"),
    ("PARCELFORCE", "PARCELFORCE"),
    ("YODEL", "YODEL"),
    ("POSTNL", "POSTNL"),
    ("BPOST", "BPOST"),
    ("LA_POSTE", "LA_POSTE"),
    ("COLISSIMO", "LA_POSTE"),
    ("CHRONOPOST", "CHRONOPOST"),
    ("POSTE_ITALIANE", "POSTE_ITALIANE"),
    ("BRT", "IT_BRT"),
    ("SDA", "IT_SDA"),
    ("CORREOS", "ES_CORREOS"),
    ("SWISS_POST", "SWISS_POST"),
    ("AUSTRIAN_POST", "AUSTRIAN_POST"),
    ("CANADA_POST", "CANADA_POST"),
    ("AUSTRALIA_POST", "AUSTRALIA_POST"),
    ("PUROLATOR", "PUROLATOR"),
    ("ARAMEX", "ARAMEX"),
    ("AMAZON", "AMAZON"),
];

fn carrier_code(carrier: &str) -> Option<&'static str> {
    let mut key = String::new();
    for c in carrier.trim().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_uppercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    let key = key.trim_end_matches('_');
    CARRIERS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, code)| *code)
}

/// The files as PayPal takes them, or why it would not.
fn uploads(files: &[EvidenceFile]) -> Result<Vec<Upload>, String> {
    let mut used = HashSet::new();
    let mut total = 0usize;
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let media = file
            .content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let (content_type, extension) = match media.as_str() {
            "application/pdf" => ("application/pdf", "pdf"),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => ("image/jpeg", "jpg"),
            "image/png" => ("image/png", "png"),
            "image/gif" => ("image/gif", "gif"),
            _ => {
                return Err(format!(
                    "PayPal takes evidence files as PDF, JPEG, PNG or GIF only; {} is {}",
                    file.name, file.content_type
                ))
            }
        };
        if file.bytes.is_empty() {
            return Err(format!("the evidence file {} is empty", file.name));
        }
        if file.bytes.len() > MAX_FILE_BYTES {
            return Err(format!(
                "PayPal takes evidence files of at most 10 MB; {} has {} bytes",
                file.name,
                file.bytes.len()
            ));
        }
        total += file.bytes.len();
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "PayPal takes at most 50 MB of evidence files for a dispute; these have {} bytes",
                files.iter().map(|f| f.bytes.len()).sum::<usize>()
            ));
        }
        out.push(Upload {
            name: document_name(&file.name, extension, &mut used),
            content_type,
            bytes: file.bytes.clone(),
        });
    }
    Ok(out)
}

/// A file name PayPal accepts (letters, digits, `-_,` and spaces, then one
/// extension), unique among `used`.
fn document_name(name: &str, extension: &str, used: &mut HashSet<String>) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ',' | ' ') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let stem = stem.trim();
    let stem = if stem.is_empty() { "evidence" } else { stem };
    let mut candidate = format!("{stem}.{extension}");
    let mut n = 1;
    while !used.insert(candidate.to_ascii_lowercase()) {
        n += 1;
        candidate = format!("{stem}-{n}.{extension}");
    }
    candidate
}

/// Whether PayPal's dispute shows the answer: the evidence carrying this
/// answer's reference, or, for an accept, the claim resolved for the buyer.
fn shows_answer(dispute: &Value, answer: &DisputeAnswer, idempotency_key: &str) -> bool {
    match answer {
        DisputeAnswer::Accept { .. } => {
            dispute["status"] == "RESOLVED"
                && dispute["dispute_outcome"]["outcome_code"] == "RESOLVED_BUYER_FAVOUR"
        }
        DisputeAnswer::Evidence(_) => {
            let reference = reference(idempotency_key);
            ["evidences", "supporting_info"].iter().any(|list| {
                dispute[*list].as_array().into_iter().flatten().any(|e| {
                    e["notes"]
                        .as_str()
                        .is_some_and(|notes| notes.contains(&reference))
                })
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reso_domain::{Currency, Money};

    fn evidence() -> DisputeEvidence {
        DisputeEvidence {
            statement: "The buyer received the mugs and kept them.".into(),
            order_number: "1001".into(),
            amount: Money::new(4_900, Currency::parse("EUR").unwrap()),
            reason_code: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED".into(),
            customer_name: "Ada Lovelace".into(),
            customer_email: "ada@example.com".into(),
            product_description: "2 × Mug (MUG-1)".into(),
            shipments: vec![ShipmentEvidence {
                carrier: "Deutsche Post".into(),
                tracking_number: "JJD000390007012345".into(),
                shipped_at: Some(Timestamp::from_millis(1_772_445_600_000)),
                delivered_at: Some(Timestamp::from_millis(1_772_618_400_000)),
            }],
            refund_policy: "Returns within 30 days.".into(),
            refund_refusal: Some("The mugs came back broken by use.".into()),
            files: vec![
                EvidenceFile {
                    name: "Evidence summary (order #1001).pdf".into(),
                    content_type: "application/pdf".into(),
                    bytes: b"%PDF-1.4".to_vec(),
                },
                EvidenceFile {
                    name: "photos/parcel.jpeg".into(),
                    content_type: "image/jpeg".into(),
                    bytes: vec![0xFF, 0xD8, 0xFF],
                },
            ],
        }
    }

    #[test]
    fn an_accept_is_a_note_paypal_takes() {
        let accept =
            |note: &str| submission(&DisputeAnswer::Accept { note: note.into() }, "key-1").unwrap();
        let s = accept("  Sorry, we cannot deliver.  ");
        assert_eq!(s.action, "accept-claim");
        assert_eq!(s.input, json!({"note": "Sorry, we cannot deliver."}));
        assert!(s.files.is_empty());
        assert_eq!(
            accept(" ").input,
            json!({"note": "The merchant accepts the claim."})
        );
        let long = accept(&"x".repeat(5_000));
        assert_eq!(
            long.input["note"].as_str().unwrap().chars().count(),
            MAX_NOTE_CHARS
        );
    }

    #[test]
    fn evidence_becomes_proof_of_fulfilment_and_the_case_in_words() {
        let answer = DisputeAnswer::Evidence(Box::new(evidence()));
        let s = submission(&answer, "reso-answer-7").unwrap();
        assert_eq!(s.action, "provide-evidence");
        let evidences = s.input["evidences"].as_array().unwrap();
        assert_eq!(evidences.len(), 2);
        assert_eq!(evidences[0]["evidence_type"], "PROOF_OF_FULFILLMENT");
        assert_eq!(
            evidences[0]["evidence_info"]["tracking_info"],
            json!([{"carrier_name": "DEUTSCHE_POST_DHL", "tracking_number": "JJD000390007012345"}])
        );
        assert_eq!(evidences[1]["evidence_type"], "OTHER");
        let notes = evidences[1]["notes"].as_str().unwrap();
        for part in [
            "The buyer received the mugs",
            "Order 1001: 49.00 EUR, paid by Ada Lovelace <ada@example.com>.",
            "Items: 2 × Mug (MUG-1)",
            "on 2026-03-02, delivered on 2026-03-04",
            "Return policy: Returns within 30 days.",
            "Why no refund is owed: The mugs came back broken by use.",
        ] {
            assert!(notes.contains(part), "{part:?} missing from {notes}");
        }
        assert!(
            notes.ends_with("\n\nReso reference reso-answer-7"),
            "{notes}"
        );
        assert_eq!(
            evidences[1]["documents"],
            json!([{"name": "Evidence summary _order _1001_.pdf"}, {"name": "parcel.jpg"}])
        );
        let names: Vec<&str> = s.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Evidence summary _order _1001_.pdf", "parcel.jpg"]);
        assert_eq!(s.files[1].content_type, "image/jpeg");
    }

    #[test]
    fn without_tracking_only_the_case_in_words_is_sent() {
        let mut e = evidence();
        e.shipments[0].tracking_number = " ".into();
        e.files.clear();
        let s = submission(&DisputeAnswer::Evidence(Box::new(e)), "k").unwrap();
        let evidences = s.input["evidences"].as_array().unwrap();
        assert_eq!(evidences.len(), 1);
        assert_eq!(evidences[0]["evidence_type"], "OTHER");
        assert!(evidences[0].get("documents").is_none());
    }

    #[test]
    fn a_long_case_is_shortened_but_keeps_its_reference() {
        let mut e = evidence();
        e.statement = "é".repeat(3_000);
        let notes = notes(&e, "reso-answer-7");
        assert_eq!(notes.chars().count(), MAX_NOTE_CHARS);
        assert!(notes.ends_with("…\n\nReso reference reso-answer-7"));
    }

    #[test]
    fn carriers_map_to_paypal_codes_or_other_with_their_name() {
        let info = |carrier: &str| {
            tracking_info(&ShipmentEvidence {
                carrier: carrier.into(),
                tracking_number: "1Z999".into(),
                shipped_at: None,
                delivered_at: None,
            })
            .unwrap()
        };
        assert_eq!(info("ups")["carrier_name"], "UPS");
        assert_eq!(info(" Royal Mail ")["carrier_name"], "ROYAL_MAIL");
        assert_eq!(info("Poste-Italiane")["carrier_name"], "POSTE_ITALIANE");
        assert_eq!(
            info("Kuehne Nagel"),
            json!({"carrier_name": "OTHER", "carrier_name_other": "Kuehne Nagel", "tracking_number": "1Z999"})
        );
    }

    #[test]
    fn every_carrier_code_is_one_paypal_documents() {
        let spec = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/specs/paypal-customer_disputes_v1.json"
        ))
        .unwrap();
        let spec: Value = serde_json::from_slice(&spec).unwrap();
        let known =
            &spec["components"]["schemas"]["tracking_info"]["properties"]["carrier_name"]["enum"];
        for (_, code) in CARRIERS {
            assert!(
                known.as_array().unwrap().contains(&json!(code)),
                "{code} is not a PayPal carrier code"
            );
        }
    }

    #[test]
    fn files_paypal_would_not_take_refuse_the_answer_before_sending() {
        let refused = |files: Vec<EvidenceFile>| {
            let mut e = evidence();
            e.files = files;
            submission(&DisputeAnswer::Evidence(Box::new(e)), "k").unwrap_err()
        };
        let file = |name: &str, content_type: &str, len: usize| EvidenceFile {
            name: name.into(),
            content_type: content_type.into(),
            bytes: vec![b'x'; len],
        };
        let text = refused(vec![file("notes.txt", "text/plain", 10)]);
        assert!(text.contains("notes.txt is text/plain"), "{text}");
        let big = refused(vec![file(
            "scan.pdf",
            "application/pdf",
            MAX_FILE_BYTES + 1,
        )]);
        assert!(big.contains("scan.pdf"), "{big}");
        let many = refused(
            (0..6)
                .map(|i| file(&format!("p{i}.png"), "image/png", 9_000_000))
                .collect(),
        );
        assert!(many.contains("50 MB"), "{many}");
        assert!(refused(vec![file("empty.pdf", "application/pdf", 0)]).contains("empty"));
        // Up to the limits is fine.
        let mut e = evidence();
        e.files = vec![file("a.gif", "image/GIF", MAX_FILE_BYTES)];
        assert!(submission(&DisputeAnswer::Evidence(Box::new(e)), "k").is_ok());
    }

    #[test]
    fn document_names_follow_paypals_rule_and_stay_unique() {
        let mut used = HashSet::new();
        assert_eq!(
            document_name("Quittung für Ada.pdf", "pdf", &mut used),
            "Quittung f_r Ada.pdf"
        );
        assert_eq!(
            document_name("summary.PDF", "pdf", &mut used),
            "summary.pdf"
        );
        assert_eq!(
            document_name("summary.pdf", "pdf", &mut used),
            "summary-2.pdf"
        );
        assert_eq!(document_name(".hidden", "png", &mut used), "_hidden.png");
        assert_eq!(document_name("", "jpg", &mut used), "evidence.jpg");
        assert_eq!(
            document_name("C:\\scans\\x.y.jpeg", "jpg", &mut used),
            "x_y.jpg"
        );
    }

    #[test]
    fn a_dispute_shows_an_answer_by_its_reference_or_its_outcome() {
        let evidence = DisputeAnswer::Evidence(Box::new(evidence()));
        let accept = DisputeAnswer::Accept { note: "ok".into() };
        let with_notes = |notes: &str| {
            json!({"status": "UNDER_REVIEW", "evidences": [
                {"evidence_type": "OTHER", "notes": notes, "source": "SUBMITTED_BY_SELLER"}
            ]})
        };
        assert!(shows_answer(
            &with_notes("…\n\nReso reference k-1"),
            &evidence,
            "k-1"
        ));
        assert!(!shows_answer(
            &with_notes("Reso reference k-2"),
            &evidence,
            "k-1"
        ));
        assert!(!shows_answer(
            &json!({"status": "UNDER_REVIEW"}),
            &evidence,
            "k-1"
        ));
        let resolved = |outcome: &str| json!({"status": "RESOLVED", "dispute_outcome": {"outcome_code": outcome}});
        assert!(shows_answer(
            &resolved("RESOLVED_BUYER_FAVOUR"),
            &accept,
            "k"
        ));
        assert!(!shows_answer(
            &resolved("RESOLVED_SELLER_FAVOUR"),
            &accept,
            "k"
        ));
        assert!(!shows_answer(
            &json!({"status": "WAITING_FOR_SELLER_RESPONSE"}),
            &accept,
            "k"
        ));
    }
}
