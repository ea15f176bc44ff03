//! Stripe disputes: accepting (close) or submitting evidence (files uploaded first).
//!
//! Evidence goes in two steps: each file is uploaded to Stripe's files host
//! (`POST /v1/files`, purpose `dispute_evidence`), then the dispute is
//! updated with the evidence fields and the file ids and submitted at once
//! (`submit=true`). Every request carries an idempotency key derived from the
//! answer's, so a retry after a time-out or a dropped connection gets the
//! same uploads and the same submission back instead of making new ones.

use super::{classify, Refusal, StripeAccount, StripeError, DEFAULT_TIMEOUT};
use crate::gateways::disputes::{
    AnswerFuture, AnswerReceipt, AnswersDisputes, DisputeAnswer, DisputeEvidence, EvidenceFile,
};
use crate::gateways::GatewayError;
use reso_domain::Timestamp;
use serde_json::Value;
use std::time::Duration;

/// Stripe's longest evidence text fields (`uncategorized_text`,
/// `product_description`, …) take this many characters. All of Reso's
/// fields together stay under Stripe's combined limit of 150,000.
const LONG_TEXT: usize = 20_000;
/// The short ones (`customer_name`, `shipping_carrier`, …).
const SHORT_TEXT: usize = 5_000;
/// Stripe takes dispute evidence files of at most 5 MB each…
const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// …and all files of one dispute together at most 4.5 MB.
const MAX_TOTAL_BYTES: usize = 4_608 * 1024;
/// What Stripe accepts as dispute evidence.
const FILE_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// The metadata key on the dispute naming the answer that submitted it, so
/// a retry Stripe no longer recognises (its keys expire after 24 hours) can
/// tell "already submitted by this answer" from "refused".
const ANSWER_METADATA: &str = "reso_answer";

/// Answers disputes of one merchant's Stripe account.
pub struct StripeDisputes {
    account: StripeAccount,
    http: reqwest::Client,
    timeout: Duration,
}

impl StripeDisputes {
    pub fn new(account: StripeAccount, http: reqwest::Client) -> StripeDisputes {
        StripeDisputes {
            account,
            http,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same adapter with another per-request time-out.
    pub fn with_timeout(mut self, timeout: Duration) -> StripeDisputes {
        self.timeout = timeout;
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.account.base_url.trim_end_matches('/'))
    }

    /// Stripe takes uploads on its own host; a fake provider takes them
    /// where it takes everything else.
    fn files_url(&self) -> String {
        let base = self.account.base_url.trim_end_matches('/');
        if base == "https://api.stripe.com" {
            "https://files.stripe.com/v1/files".to_string()
        } else {
            format!("{base}/v1/files")
        }
    }

    async fn accept(&self, dispute_id: &str, key: &str) -> Result<AnswerReceipt, GatewayError> {
        let request = self
            .http
            .post(self.url(&format!("/v1/disputes/{dispute_id}/close")))
            .header("Idempotency-Key", key);
        match self.send(request, "Stripe dispute close").await? {
            Sent::Done(_) => Ok(AnswerReceipt::Submitted),
            Sent::Refused(reason) => {
                // Closing makes a dispute `lost`; one that already is has the
                // outcome the merchant asked for (an earlier attempt whose
                // answer was lost, or the deadline passed).
                let done = self
                    .dispute(dispute_id)
                    .await?
                    .is_some_and(|d| d["status"] == "lost");
                Ok(if done {
                    AnswerReceipt::Submitted
                } else {
                    refused("Stripe did not close the dispute", &reason)
                })
            }
        }
    }

    async fn submit_evidence(
        &self,
        dispute_id: &str,
        evidence: &DisputeEvidence,
        key: &str,
    ) -> Result<AnswerReceipt, GatewayError> {
        let plan = FilePlan::new(&evidence.files);
        let mut attached = Vec::new();
        let mut left_out = plan.left_out.clone();
        for (field, index) in &plan.attach {
            let file = &evidence.files[*index];
            match self.upload(file, &format!("{key}-file-{index}")).await? {
                Ok(file_id) => attached.push((*field, file_id)),
                Err(reason) => {
                    tracing::warn!(file = %file.name, %reason, "Stripe refused an evidence file; the evidence goes without it");
                    left_out.push(*index);
                }
            }
        }
        left_out.sort_unstable();
        let left_out: Vec<&str> = left_out
            .iter()
            .map(|i| evidence.files[*i].name.as_str())
            .collect();
        let form = evidence_form(evidence, &attached, &left_out, key);
        let request = self
            .http
            .post(self.url(&format!("/v1/disputes/{dispute_id}")))
            .header("Idempotency-Key", key)
            .form(&form);
        match self.send(request, "Stripe dispute update").await? {
            Sent::Done(_) => Ok(AnswerReceipt::Submitted),
            Sent::Refused(reason) => {
                let ours = self
                    .dispute(dispute_id)
                    .await?
                    .is_some_and(|d| d["metadata"][ANSWER_METADATA] == key && !needs_response(&d));
                Ok(if ours {
                    AnswerReceipt::Submitted
                } else {
                    refused("Stripe did not take the evidence", &reason)
                })
            }
        }
    }

    /// The id of the uploaded file, or why Stripe would not take it.
    async fn upload(
        &self,
        file: &EvidenceFile,
        key: &str,
    ) -> Result<Result<String, String>, GatewayError> {
        let part = reqwest::multipart::Part::bytes(file.bytes.clone())
            .file_name(file.name.clone())
            .mime_str(&file.content_type)
            .map_err(|e| GatewayError::Unavailable(format!("evidence file type: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .text("purpose", "dispute_evidence")
            .part("file", part);
        let request = self
            .http
            .post(self.files_url())
            .header("Idempotency-Key", key)
            .multipart(form);
        match self.send(request, "Stripe file upload").await? {
            Sent::Done(upload) => match upload["id"].as_str() {
                Some(id) => Ok(Ok(id.to_string())),
                None => Err(GatewayError::Unavailable(
                    "Stripe answered a file upload with no file id".into(),
                )),
            },
            Sent::Refused(reason) => Ok(Err(reason)),
        }
    }

    /// The dispute as Stripe has it now; `None` when Stripe will not show
    /// it. A failed lookup is retried like the answer it checks.
    async fn dispute(&self, dispute_id: &str) -> Result<Option<Value>, GatewayError> {
        let request = self
            .http
            .get(self.url(&format!("/v1/disputes/{dispute_id}")));
        Ok(match self.send(request, "Stripe dispute lookup").await? {
            Sent::Done(dispute) => Some(dispute),
            Sent::Refused(_) => None,
        })
    }

    /// Sends one request: Stripe's object, its final refusal, or an error
    /// worth retrying with the same key.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<Sent, GatewayError> {
        let response = request
            .bearer_auth(&self.account.secret_key)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| GatewayError::unreachable(what, &e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| GatewayError::Unavailable(format!("{what}: the answer broke off: {e}")))?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&body).map(Sent::Done).map_err(|e| {
                GatewayError::Unavailable(format!(
                    "{what}: Stripe answered {status} with no object: {e}"
                ))
            });
        }
        let error: StripeError = serde_json::from_slice::<Value>(&body)
            .ok()
            .map(|v| StripeError::from(&v["error"]))
            .unwrap_or_default();
        // Stripe masks keys in its messages; this makes sure of it.
        let mut described = error.describe(status);
        if !self.account.secret_key.is_empty() {
            described = described.replace(&self.account.secret_key, "[redacted]");
        }
        match classify(status, &error) {
            Refusal::Final => Ok(Sent::Refused(described)),
            Refusal::Retry => Err(GatewayError::Unavailable(format!(
                "{what}: Stripe answered {described}"
            ))),
            Refusal::IdempotencyConflict => {
                // The key stands for another request that may have gone
                // through: a person looks rather than a new key submitting twice.
                tracing::error!(status, error = %described, "{what}: Stripe refused the dispute answer's idempotency key");
                Err(GatewayError::Unavailable(format!(
                    "{what}: Stripe refused the idempotency key, needs a person: {described}"
                )))
            }
        }
    }
}

impl AnswersDisputes for StripeDisputes {
    fn answer<'a>(
        &'a self,
        dispute_id: &'a str,
        answer: &'a DisputeAnswer,
        idempotency_key: &'a str,
    ) -> AnswerFuture<'a> {
        Box::pin(async move {
            if !is_dispute_id(dispute_id) {
                return Ok(AnswerReceipt::Refused {
                    reason: format!("'{dispute_id}' is not a Stripe dispute id"),
                });
            }
            match answer {
                // Stripe's close takes no note: the merchant's stays in Reso.
                DisputeAnswer::Accept { .. } => self.accept(dispute_id, idempotency_key).await,
                DisputeAnswer::Evidence(evidence) => {
                    self.submit_evidence(dispute_id, evidence, idempotency_key)
                        .await
                }
            }
        })
    }
}

/// A request's outcome that is not worth retrying.
enum Sent {
    Done(Value),
    Refused(String),
}

fn refused(what: &str, reason: &str) -> AnswerReceipt {
    AnswerReceipt::Refused {
        reason: format!("{what}: {reason}"),
    }
}

/// Stripe ids are `dp_`/`du_` + alphanumerics; anything else would change the path.
fn is_dispute_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn needs_response(dispute: &Value) -> bool {
    matches!(
        dispute["status"].as_str(),
        Some("needs_response" | "warning_needs_response")
    )
}

/// Which files go into which of Stripe's file fields. Stripe takes one file
/// per field: the summary (the first PDF) is the uncategorized file, the
/// others go where their name says they belong; what does not fit, by
/// field, type or size, is named in the text instead.
#[derive(Debug, PartialEq, Eq)]
struct FilePlan {
    /// Field and index into the evidence's files, in upload order.
    attach: Vec<(&'static str, usize)>,
    left_out: Vec<usize>,
}

/// Name fragments that say which field a file belongs in, first match wins.
const FIELDS_BY_NAME: [(&str, &[&str]); 4] = [
    ("receipt", &["receipt", "invoice", "confirmation"]),
    (
        "shipping_documentation",
        &["shipping", "shipment", "tracking", "delivery", "label"],
    ),
    (
        "customer_communication",
        &["message", "communication", "mail", "chat", "conversation"],
    ),
    ("refund_policy", &["policy", "terms"]),
];

impl FilePlan {
    fn new(files: &[EvidenceFile]) -> FilePlan {
        let acceptable = |f: &EvidenceFile| {
            FILE_TYPES.contains(&f.content_type.as_str())
                && !f.bytes.is_empty()
                && f.bytes.len() <= MAX_FILE_BYTES
        };
        let summary = files
            .iter()
            .position(|f| acceptable(f) && f.content_type == "application/pdf")
            .or_else(|| files.iter().position(acceptable));
        let mut attach: Vec<(&'static str, usize)> = Vec::new();
        let mut left_out = Vec::new();
        let mut total = 0usize;
        // The summary first, so the size budget goes to it before the rest.
        let order = summary
            .into_iter()
            .chain((0..files.len()).filter(|i| Some(*i) != summary));
        for index in order {
            let file = &files[index];
            let field = if Some(index) == summary {
                Some("uncategorized_file")
            } else {
                field_for(&file.name).filter(|f| attach.iter().all(|(taken, _)| taken != f))
            };
            match field {
                Some(field) if acceptable(file) && total + file.bytes.len() <= MAX_TOTAL_BYTES => {
                    total += file.bytes.len();
                    attach.push((field, index));
                }
                _ => left_out.push(index),
            }
        }
        left_out.sort_unstable();
        FilePlan { attach, left_out }
    }
}

fn field_for(name: &str) -> Option<&'static str> {
    let name = name.to_lowercase();
    FIELDS_BY_NAME
        .iter()
        .find(|(_, words)| words.iter().any(|w| name.contains(w)))
        .map(|(field, _)| *field)
}

/// The dispute update: evidence text within Stripe's limits, the uploaded
/// files, Reso's answer key, and `submit=true`.
fn evidence_form(
    evidence: &DisputeEvidence,
    attached: &[(&'static str, String)],
    left_out: &[&str],
    key: &str,
) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = Vec::new();
    let mut text = |field: &str, value: &str, max: usize| {
        let value = value.trim();
        if !value.is_empty() {
            form.push((format!("evidence[{field}]"), truncate(value, max)));
        }
    };
    text(
        "uncategorized_text",
        &uncategorized_text(evidence, left_out),
        LONG_TEXT,
    );
    text("customer_name", &evidence.customer_name, SHORT_TEXT);
    text(
        "customer_email_address",
        &evidence.customer_email,
        SHORT_TEXT,
    );
    text(
        "product_description",
        &evidence.product_description,
        LONG_TEXT,
    );
    // Stripe asks for several carriers or tracking numbers comma-separated.
    let mut carriers: Vec<&str> = Vec::new();
    for s in &evidence.shipments {
        if !s.carrier.trim().is_empty() && !carriers.contains(&s.carrier.trim()) {
            carriers.push(s.carrier.trim());
        }
    }
    let tracking: Vec<&str> = evidence
        .shipments
        .iter()
        .map(|s| s.tracking_number.trim())
        .filter(|t| !t.is_empty())
        .collect();
    text("shipping_carrier", &carriers.join(", "), SHORT_TEXT);
    text("shipping_tracking_number", &tracking.join(", "), SHORT_TEXT);
    let shipped = evidence.shipments.iter().find_map(|s| s.shipped_at);
    text(
        "shipping_date",
        &shipped.map(date).unwrap_or_default(),
        SHORT_TEXT,
    );
    text(
        "refund_policy_disclosure",
        &evidence.refund_policy,
        LONG_TEXT,
    );
    text(
        "refund_refusal_explanation",
        evidence.refund_refusal.as_deref().unwrap_or_default(),
        LONG_TEXT,
    );
    for (field, file_id) in attached {
        form.push((format!("evidence[{field}]"), file_id.clone()));
    }
    form.push((format!("metadata[{ANSWER_METADATA}]"), key.to_string()));
    form.push(("submit".into(), "true".into()));
    form
}

/// The merchant's statement under the order number, then what the fields
/// cannot hold: deliveries, and the documents not attached. The statement
/// is shortened first, so those lines always fit.
fn uncategorized_text(evidence: &DisputeEvidence, left_out: &[&str]) -> String {
    let head = format!("Order {}", evidence.order_number.trim());
    let mut tail = String::new();
    for s in &evidence.shipments {
        if let Some(delivered) = s.delivered_at {
            tail.push_str(&format!(
                "\n\nDelivered {} ({} {}).",
                date(delivered),
                s.carrier.trim(),
                s.tracking_number.trim()
            ));
        }
    }
    if !left_out.is_empty() {
        tail.push_str(&format!(
            "\n\nFurther documents, available on request: {}.",
            left_out.join(", ")
        ));
    }
    let tail = truncate(&tail, LONG_TEXT / 4);
    let room = LONG_TEXT.saturating_sub(chars(&head) + chars(&tail) + 2);
    let statement = truncate(evidence.statement.trim(), room);
    format!("{head}\n\n{statement}{tail}")
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// At most `max` characters (as Stripe counts them), cut on a character
/// boundary and marked with an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    if chars(text) <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    if max > 0 {
        cut.push('…');
    }
    cut
}

/// `YYYY-MM-DD` in UTC, as Stripe wants `shipping_date`.
fn date(at: Timestamp) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at.millis()) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateways::disputes::ShipmentEvidence;
    use reso_domain::{Currency, Money};

    fn file(name: &str, content_type: &str, size: usize) -> EvidenceFile {
        EvidenceFile {
            name: name.into(),
            content_type: content_type.into(),
            bytes: vec![7; size],
        }
    }

    fn evidence(files: Vec<EvidenceFile>) -> DisputeEvidence {
        DisputeEvidence {
            statement: "The buyer received the parcel and kept it.".into(),
            order_number: "1001".into(),
            amount: Money::new(4_990, Currency::parse("EUR").unwrap()),
            reason_code: "product_not_received".into(),
            customer_name: "Ada Lovelace".into(),
            customer_email: "ada@example.com".into(),
            product_description: "2 × Mug (MUG-1)".into(),
            shipments: vec![
                ShipmentEvidence {
                    carrier: "DHL".into(),
                    tracking_number: "00340434".into(),
                    shipped_at: Some(Timestamp(1_772_445_600_000)),
                    delivered_at: Some(Timestamp(1_772_618_400_000)),
                },
                ShipmentEvidence {
                    carrier: "DHL".into(),
                    tracking_number: "00340435".into(),
                    shipped_at: None,
                    delivered_at: None,
                },
            ],
            refund_policy: "Returns within 30 days.".into(),
            refund_refusal: None,
            files,
        }
    }

    fn value<'f>(form: &'f [(String, String)], key: &str) -> Option<&'f str> {
        form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    #[test]
    fn the_summary_is_the_uncategorized_file_and_names_pick_the_rest() {
        let files = vec![
            file("return-1-photo-1.jpg", "image/jpeg", 10),
            file("summary.pdf", "application/pdf", 10),
            file("claim-1-buyer-receipt.pdf", "application/pdf", 10),
            file("shipping-label.png", "image/png", 10),
            file("invoice.pdf", "application/pdf", 10),
            file("messages.txt", "text/plain", 10),
            file("refund-policy.pdf", "application/pdf", 10),
        ];
        let plan = FilePlan::new(&files);
        assert_eq!(
            plan.attach,
            vec![
                ("uncategorized_file", 1),
                ("receipt", 2),
                ("shipping_documentation", 3),
                ("refund_policy", 6),
            ]
        );
        // A photo with no field, a second receipt, a type Stripe refuses.
        assert_eq!(plan.left_out, vec![0, 4, 5]);
    }

    #[test]
    fn files_over_stripes_limits_are_left_out() {
        let files = vec![
            file("huge.pdf", "application/pdf", MAX_FILE_BYTES + 1),
            file("summary.pdf", "application/pdf", 4 * 1024 * 1024),
            file("delivery.pdf", "application/pdf", 600 * 1024),
            file("empty-receipt.pdf", "application/pdf", 0),
        ];
        let plan = FilePlan::new(&files);
        assert_eq!(plan.attach, vec![("uncategorized_file", 1)]);
        assert_eq!(plan.left_out, vec![0, 2, 3]);
        // No PDF at all: the first acceptable file is the summary.
        let photos = FilePlan::new(&[file("photo.png", "image/png", 5)]);
        assert_eq!(photos.attach, vec![("uncategorized_file", 0)]);
    }

    #[test]
    fn the_form_carries_every_field_stripe_documents() {
        let evidence = evidence(Vec::new());
        let form = evidence_form(
            &evidence,
            &[("uncategorized_file", "file_1".into())],
            &["photo.jpg"],
            "reso-dispute-3",
        );
        let text = value(&form, "evidence[uncategorized_text]").unwrap();
        assert!(
            text.starts_with("Order 1001\n\nThe buyer received"),
            "{text}"
        );
        assert!(
            text.contains("Delivered 2026-03-04 (DHL 00340434)."),
            "{text}"
        );
        assert!(text.ends_with("available on request: photo.jpg."), "{text}");
        assert_eq!(
            value(&form, "evidence[customer_name]"),
            Some("Ada Lovelace")
        );
        assert_eq!(
            value(&form, "evidence[customer_email_address]"),
            Some("ada@example.com")
        );
        assert_eq!(value(&form, "evidence[shipping_carrier]"), Some("DHL"));
        assert_eq!(
            value(&form, "evidence[shipping_tracking_number]"),
            Some("00340434, 00340435")
        );
        assert_eq!(value(&form, "evidence[shipping_date]"), Some("2026-03-02"));
        assert_eq!(
            value(&form, "evidence[refund_policy_disclosure]"),
            Some("Returns within 30 days.")
        );
        assert_eq!(value(&form, "evidence[refund_refusal_explanation]"), None);
        assert_eq!(value(&form, "evidence[uncategorized_file]"), Some("file_1"));
        assert_eq!(
            value(&form, "metadata[reso_answer]"),
            Some("reso-dispute-3")
        );
        assert_eq!(value(&form, "submit"), Some("true"));
    }

    #[test]
    fn long_text_is_cut_on_character_boundaries_within_stripes_limits() {
        let mut evidence = evidence(Vec::new());
        evidence.statement = "é".repeat(30_000);
        evidence.product_description = "ü".repeat(25_000);
        evidence.customer_name = "ß".repeat(6_000);
        let form = evidence_form(&evidence, &[], &["photo.jpg"], "k");
        let text = value(&form, "evidence[uncategorized_text]").unwrap();
        assert_eq!(chars(text), LONG_TEXT);
        assert!(
            text.ends_with("available on request: photo.jpg."),
            "the notes survive"
        );
        assert!(text.contains("éé…"));
        assert_eq!(
            chars(value(&form, "evidence[product_description]").unwrap()),
            LONG_TEXT
        );
        assert_eq!(
            chars(value(&form, "evidence[customer_name]").unwrap()),
            SHORT_TEXT
        );
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
    }

    #[test]
    fn only_plain_stripe_ids_make_a_path() {
        assert!(is_dispute_id("dp_1Abc"));
        assert!(is_dispute_id("du_1Abc"));
        assert!(!is_dispute_id(""));
        assert!(!is_dispute_id("dp_1/../../refunds"));
        assert!(!is_dispute_id("dp 1"));
    }

    #[test]
    fn uploads_go_to_stripes_files_host() {
        let account = |base: &str| StripeAccount {
            base_url: base.into(),
            secret_key: "sk_test".into(),
            webhook_secret: "whsec".into(),
        };
        let http = reqwest::Client::new();
        let live = StripeDisputes::new(account("https://api.stripe.com/"), http.clone());
        assert_eq!(live.files_url(), "https://files.stripe.com/v1/files");
        assert_eq!(
            live.url("/v1/disputes/dp_1"),
            "https://api.stripe.com/v1/disputes/dp_1"
        );
        let fake = StripeDisputes::new(account("http://127.0.0.1:9"), http);
        assert_eq!(fake.files_url(), "http://127.0.0.1:9/v1/files");
    }
}
