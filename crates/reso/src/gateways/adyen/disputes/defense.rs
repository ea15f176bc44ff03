//! How Reso's evidence becomes an Adyen defense: which of the defense
//! reasons Adyen offers for this dispute to pick, and which documents to
//! supply under which of that reason's document types.
//!
//! Adyen takes defense material only as documents: PDF up to 2 MB, JPEG and
//! TIFF up to 10 MB each (docs.adyen.com, "Defense requirements"). The
//! evidence's first PDF is Reso's evidence summary (statement, order,
//! shipments with tracking, refunds, return policy), so it goes under every
//! document type the defense needs; the other files that Adyen takes go
//! with it, and those it cannot take (PNG, anything too large) are left out.

use crate::gateways::disputes::{DisputeEvidence, EvidenceFile};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

/// Adyen's limits per defense document (decimal megabytes, the safe reading).
const MAX_PDF_BYTES: usize = 2_000_000;
const MAX_IMAGE_BYTES: usize = 10_000_000;

/// Adyen's generic document type, taken by the generic defense
/// (`SupplyDefenseMaterial`) and used when a reason lists no types.
const GENERIC_DOCUMENT_TYPE: &str = "DefenseMaterial";

/// A defense reason from `retrieveApplicableDefenseReasons`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DefenseReason {
    pub defense_reason_code: String,
    #[serde(default)]
    pub defense_document_types: Vec<DefenseDocumentType>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DefenseDocumentType {
    pub defense_document_type_code: String,
    /// `Required`, `OneOrMore`, `Optional` or `AlternativeRequired`.
    pub requirement_level: String,
}

/// What to send: the documents (`DefenseDocument`s of
/// `supplyDefenseDocument`) and the reason to defend with.
#[derive(Debug, Clone, PartialEq)]
pub struct Defense {
    pub reason_code: String,
    pub documents: Vec<Value>,
    /// Evidence files Adyen cannot take, with why; for the log.
    pub left_out: Vec<String>,
}

/// The defense for `evidence` among the `offered` reasons, or why none fits
/// (said to the merchant).
pub fn plan(offered: &[DefenseReason], evidence: &DisputeEvidence) -> Result<Defense, String> {
    let reason = choose_reason(offered, evidence).ok_or_else(|| {
        let codes: Vec<&str> = offered
            .iter()
            .map(|r| r.defense_reason_code.as_str())
            .collect();
        if codes.is_empty() {
            "Adyen offers no defense for this dispute".to_string()
        } else {
            format!(
                "none of the defenses Adyen offers for this dispute ({}) fits the evidence Reso has; \
                 defend it in Adyen's Customer Area",
                codes.join(", ")
            )
        }
    })?;

    let (mut files, left_out) = sendable_files(&evidence.files);
    let Some(summary_at) = files
        .iter()
        .position(|f| f.content_type == "application/pdf")
    else {
        return Err(format!(
            "the evidence has no PDF Adyen can take (PDF up to {MAX_PDF_BYTES} bytes){}",
            if left_out.is_empty() {
                String::new()
            } else {
                format!("; left out: {}", left_out.join(", "))
            }
        ));
    };
    let summary = files.remove(summary_at);
    let main_type = main_document_type(reason);
    let mut documents = vec![document(&main_type, summary.content_type, summary.bytes)];
    for file in &files {
        documents.push(document(&main_type, file.content_type, file.bytes));
    }
    // The summary carries the order's facts, so it also stands for every
    // other document the reason requires (an invoice, a transaction id).
    let mut one_or_more_met = reason
        .defense_document_types
        .iter()
        .any(|t| t.defense_document_type_code == main_type && t.requirement_level == "OneOrMore");
    for doc_type in &reason.defense_document_types {
        let code = &doc_type.defense_document_type_code;
        if *code == main_type {
            continue;
        }
        let needed = match doc_type.requirement_level.as_str() {
            "Required" | "AlternativeRequired" => true,
            "OneOrMore" => !std::mem::replace(&mut one_or_more_met, true),
            _ => is_invoice(code),
        };
        if needed {
            documents.push(document(code, summary.content_type, summary.bytes));
        }
    }
    Ok(Defense {
        reason_code: reason.defense_reason_code.clone(),
        documents,
        left_out,
    })
}

/// The reason that fits best: a delivery defense when there is tracking, a
/// policy defense when the merchant refused a refund, else Adyen's generic
/// one; the first Adyen lists among equals. A reason that asserts what Reso
/// cannot know (goods repaired, a cancellation never received) is not picked.
fn choose_reason<'a>(
    offered: &'a [DefenseReason],
    evidence: &DisputeEvidence,
) -> Option<&'a DefenseReason> {
    let tracked = evidence
        .shipments
        .iter()
        .any(|s| !s.tracking_number.trim().is_empty());
    let refused_refund = evidence.refund_refusal.is_some();
    let fit = |reason: &DefenseReason| -> u8 {
        let code = reason.defense_reason_code.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| code.contains(w));
        if tracked && has(&["delivered", "delivery", "shipped", "received", "provided"]) {
            3
        } else if refused_refund && has(&["policy"]) {
            2
        } else if has(&["defensematerial"]) {
            1
        } else {
            0
        }
    };
    let mut best: Option<(&DefenseReason, u8)> = None;
    for reason in offered {
        let score = fit(reason);
        if score > 0 && best.is_none_or(|(_, s)| score > s) {
            best = Some((reason, score));
        }
    }
    best.map(|(reason, _)| reason)
}

/// The type the summary and every other evidence file go under: the generic
/// one if the reason takes it, else its first required document that is
/// not an invoice, else its first "one or more" document.
fn main_document_type(reason: &DefenseReason) -> String {
    let types = &reason.defense_document_types;
    let find = |pred: &dyn Fn(&DefenseDocumentType) -> bool| {
        types
            .iter()
            .find(|t| pred(t))
            .map(|t| t.defense_document_type_code.clone())
    };
    find(&|t| t.defense_document_type_code == GENERIC_DOCUMENT_TYPE)
        .or_else(|| {
            find(&|t| {
                t.requirement_level == "Required" && !is_invoice(&t.defense_document_type_code)
            })
        })
        .or_else(|| find(&|t| t.requirement_level == "OneOrMore"))
        .or_else(|| find(&|t| t.requirement_level == "AlternativeRequired"))
        .or_else(|| find(&|t| !is_invoice(&t.defense_document_type_code)))
        .or_else(|| find(&|_| true))
        .unwrap_or_else(|| GENERIC_DOCUMENT_TYPE.to_string())
}

fn is_invoice(code: &str) -> bool {
    let code = code.to_ascii_lowercase();
    code.contains("invoice") || code.starts_with("tid")
}

fn document(type_code: &str, content_type: &str, bytes: &[u8]) -> Value {
    json!({
        "content": base64::engine::general_purpose::STANDARD.encode(bytes),
        "contentType": content_type,
        "defenseDocumentTypeCode": type_code,
    })
}

/// An evidence file as Adyen will take it.
#[derive(Debug)]
struct Sendable<'a> {
    content_type: &'static str,
    bytes: &'a [u8],
}

/// The files Adyen takes, in their order, by their content (never the
/// declared type); and the names of those left out, with why.
fn sendable_files(files: &[EvidenceFile]) -> (Vec<Sendable<'_>>, Vec<String>) {
    let mut sendable = Vec::new();
    let mut left_out = Vec::new();
    for file in files {
        let bytes = &file.bytes;
        let (content_type, limit) = if bytes.starts_with(b"%PDF-") {
            ("application/pdf", MAX_PDF_BYTES)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            ("image/jpeg", MAX_IMAGE_BYTES)
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            ("image/tiff", MAX_IMAGE_BYTES)
        } else {
            left_out.push(format!(
                "{} ({}: Adyen takes only PDF, JPEG and TIFF)",
                file.name, file.content_type
            ));
            continue;
        };
        if bytes.len() > limit {
            left_out.push(format!(
                "{} ({} bytes: Adyen takes {content_type} up to {limit} bytes)",
                file.name,
                bytes.len()
            ));
            continue;
        }
        sendable.push(Sendable {
            content_type,
            bytes,
        });
    }
    (sendable, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateways::disputes::ShipmentEvidence;
    use reso_domain::{Currency, Money, Timestamp};

    fn evidence(tracking: bool, refusal: bool, files: Vec<EvidenceFile>) -> DisputeEvidence {
        DisputeEvidence {
            statement: "The tent was delivered and signed for.".into(),
            order_number: "1001".into(),
            amount: Money::new(18_900, Currency::parse("EUR").unwrap()),
            reason_code: "4853".into(),
            customer_name: "Ada Buyer".into(),
            customer_email: "ada@example.com".into(),
            product_description: "1 × Two-person tent (TENT-2P)".into(),
            shipments: if tracking {
                vec![ShipmentEvidence {
                    carrier: "DHL".into(),
                    tracking_number: "JJD000390007".into(),
                    shipped_at: Some(Timestamp::from_millis(1_772_445_600_000)),
                    delivered_at: None,
                }]
            } else {
                vec![]
            },
            refund_policy: "30 days to return unused goods.".into(),
            refund_refusal: refusal.then(|| "The tent came back used.".into()),
            files,
        }
    }

    const SUMMARY: &[u8] = b"%PDF-1.7 evidence summary";

    fn summary() -> EvidenceFile {
        file("evidence-summary.pdf", "application/pdf", SUMMARY)
    }

    fn file(name: &str, content_type: &str, bytes: &[u8]) -> EvidenceFile {
        EvidenceFile {
            name: name.into(),
            content_type: content_type.into(),
            bytes: bytes.to_vec(),
        }
    }

    fn reason(code: &str, types: &[(&str, &str)]) -> DefenseReason {
        DefenseReason {
            defense_reason_code: code.into(),
            defense_document_types: types
                .iter()
                .map(|(c, l)| DefenseDocumentType {
                    defense_document_type_code: (*c).into(),
                    requirement_level: (*l).into(),
                })
                .collect(),
        }
    }

    fn types_of(defense: &Defense) -> Vec<(String, String)> {
        defense
            .documents
            .iter()
            .map(|d| {
                (
                    d["defenseDocumentTypeCode"].as_str().unwrap().to_string(),
                    d["contentType"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// The reasons of the spec's example answer.
    fn specs_example() -> Vec<DefenseReason> {
        vec![
            reason(
                "GoodsNotReturned",
                &[
                    ("TIDorInvoice", "Optional"),
                    ("GoodsNotReturned", "Required"),
                ],
            ),
            reason(
                "GoodsRepairedOrReplaced",
                &[
                    ("TIDorInvoice", "Optional"),
                    ("GoodsRepairedOrReplaced", "Required"),
                ],
            ),
            reason(
                "GoodsWereAsDescribed",
                &[
                    ("GoodsWereAsDescribed", "Required"),
                    ("TIDorInvoice", "Required"),
                ],
            ),
            reason(
                "SupplyDefenseMaterial",
                &[
                    ("TIDorInvoice", "Optional"),
                    ("DefenseMaterial", "Required"),
                ],
            ),
        ]
    }

    #[test]
    fn delivery_with_tracking_picks_the_delivery_defense_and_fills_its_documents() {
        let mut offered = specs_example();
        offered.insert(
            1,
            reason(
                "GoodsOrServicesProvided",
                &[
                    ("TIDorInvoice", "Required"),
                    ("GoodsOrServicesProvided", "Required"),
                ],
            ),
        );
        let defense = plan(&offered, &evidence(true, false, vec![summary()])).unwrap();
        assert_eq!(defense.reason_code, "GoodsOrServicesProvided");
        assert_eq!(
            types_of(&defense),
            [
                (
                    "GoodsOrServicesProvided".to_string(),
                    "application/pdf".to_string()
                ),
                ("TIDorInvoice".to_string(), "application/pdf".to_string()),
            ]
        );
    }

    #[test]
    fn without_a_fitting_special_defense_the_generic_one_takes_every_file() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let files = vec![
            summary(),
            file("photo-1.jpg", "image/jpeg", &jpeg),
            file("photo-2.png", "image/png", &png),
            // Declared a PDF, but it is not one.
            file("fake.pdf", "application/pdf", b"<html>"),
        ];
        let defense = plan(&specs_example(), &evidence(true, false, files)).unwrap();
        assert_eq!(defense.reason_code, "SupplyDefenseMaterial");
        let types = types_of(&defense);
        let material: Vec<&str> = types
            .iter()
            .filter(|(t, _)| t == "DefenseMaterial")
            .map(|(_, c)| c.as_str())
            .collect();
        assert_eq!(material, ["application/pdf", "image/jpeg"]);
        // The optional invoice gets the summary, which names the order.
        assert_eq!(
            types.last().unwrap(),
            &("TIDorInvoice".to_string(), "application/pdf".to_string())
        );
        assert_eq!(defense.left_out.len(), 2);
        assert!(defense.left_out[0].starts_with("photo-2.png"));
        assert!(defense.left_out[1].starts_with("fake.pdf"));
        let b64 = base64::engine::general_purpose::STANDARD;
        let content = |i: usize| {
            b64.decode(defense.documents[i]["content"].as_str().unwrap())
                .unwrap()
        };
        assert_eq!(content(0), SUMMARY);
        assert_eq!(content(1), jpeg);
        assert_eq!(content(2), SUMMARY);
    }

    #[test]
    fn the_first_pdf_is_the_summary_even_after_a_photo() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 9];
        let other = b"%PDF-1.4 claim document".to_vec();
        let files = vec![
            file("photo.jpg", "image/jpeg", &jpeg),
            summary(),
            file("receipt.pdf", "application/pdf", &other),
        ];
        let offered = vec![reason(
            "GoodsWereAsDescribed",
            &[
                ("GoodsWereAsDescribed", "Required"),
                ("TIDorInvoice", "Required"),
            ],
        )];
        // Not a delivery/policy/generic defense: nothing fits.
        assert!(plan(&offered, &evidence(true, false, files.clone())).is_err());
        let defense = plan(&specs_example(), &evidence(true, false, files)).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        let first = b64
            .decode(defense.documents[0]["content"].as_str().unwrap())
            .unwrap();
        assert_eq!(first, SUMMARY);
        assert_eq!(defense.documents.len(), 4);
    }

    #[test]
    fn evidence_without_a_pdf_is_refused_not_a_panic() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 9];
        let refusal = plan(
            &specs_example(),
            &evidence(true, false, vec![file("photo.jpg", "image/jpeg", &jpeg)]),
        )
        .unwrap_err();
        assert!(refusal.contains("no PDF"), "{refusal}");
        assert!(plan(&specs_example(), &evidence(true, false, vec![])).is_err());
    }

    #[test]
    fn a_refused_refund_prefers_a_policy_defense() {
        let mut offered = specs_example();
        offered.push(reason(
            "CreditOrCancellationPolicyProperlyDisclosed",
            &[
                ("CancellationPolicy", "OneOrMore"),
                ("TermsAndConditions", "OneOrMore"),
            ],
        ));
        let defense = plan(&offered, &evidence(false, true, vec![summary()])).unwrap();
        assert_eq!(
            defense.reason_code,
            "CreditOrCancellationPolicyProperlyDisclosed"
        );
        // One of the "one or more" documents is enough.
        assert_eq!(types_of(&defense).len(), 1);
        assert_eq!(types_of(&defense)[0].0, "CancellationPolicy");
    }

    #[test]
    fn oversized_files_are_left_out() {
        let mut big = b"%PDF-1.4".to_vec();
        big.resize(MAX_PDF_BYTES + 1, b' ');
        let defense = plan(
            &specs_example(),
            &evidence(
                false,
                false,
                vec![summary(), file("big.pdf", "application/pdf", &big)],
            ),
        )
        .unwrap();
        // The summary under DefenseMaterial and the optional invoice.
        assert_eq!(defense.documents.len(), 2);
        assert!(defense.left_out[0].starts_with("big.pdf ("));
        // A summary too large for Adyen leaves no PDF to defend with.
        let refusal = plan(
            &specs_example(),
            &evidence(
                false,
                false,
                vec![file("summary.pdf", "application/pdf", &big)],
            ),
        )
        .unwrap_err();
        assert!(refusal.contains("summary.pdf"), "{refusal}");
    }

    #[test]
    fn no_fitting_defense_is_refused_with_what_adyen_offers() {
        let offered = vec![reason(
            "GoodsRepairedOrReplaced",
            &[("GoodsRepairedOrReplaced", "Required")],
        )];
        let refusal = plan(&offered, &evidence(true, true, vec![summary()])).unwrap_err();
        assert!(refusal.contains("GoodsRepairedOrReplaced"), "{refusal}");
        assert!(plan(&[], &evidence(true, true, vec![summary()])).is_err());
    }

    #[test]
    fn a_reason_without_document_types_takes_the_generic_one() {
        let offered = vec![reason("SupplyDefenseMaterial", &[])];
        let defense = plan(&offered, &evidence(false, false, vec![summary()])).unwrap();
        assert_eq!(
            types_of(&defense),
            [("DefenseMaterial".to_string(), "application/pdf".to_string())]
        );
    }
}
