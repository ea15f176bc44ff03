//! Evidence for a payment provider's dispute, built from the order's evidence
//! pack: the facts providers ask for field by field, the pack's summary as a
//! PDF, and the documents and photos in formats every provider takes.
//!
//! The evidence is the same for Stripe, PayPal and Adyen, so it keeps within
//! the strictest of their limits: PDF, JPEG or PNG only (no ZIP), at most
//! 5 MB a file (Stripe; PayPal takes 10 MB) and 50 MB in all (PayPal).

use super::evidence::{self, Document, Evidence};
use super::evidence_pdf;
use super::evidence_summary::{self, when, Section};
use super::{AppError, AppResult};
use crate::gateways::disputes::{DisputeEvidence, EvidenceFile, ShipmentEvidence};
use crate::i18n::Tr;
use crate::store::merchants::Merchant;
use crate::AppState;
use reso_domain::document::{clean_filename, sniff_document};
use reso_domain::{Currency, Money, RefundMethod, RestockingFee, ReturnPolicy, ReturnShipping};

/// The longest statement (and refusal) a provider takes: Stripe's 20,000
/// characters per text field.
pub const MAX_STATEMENT_CHARS: usize = 20_000;
/// The largest file every provider takes (Stripe's 5 MB).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// All files of one answer together (PayPal's 50 MB).
pub const MAX_TOTAL_BYTES: usize = 50 * 1024 * 1024;
/// File formats every provider takes as evidence.
const ACCEPTED_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// The evidence for a dispute about one of the merchant's orders (another
/// shop's order is "not found"). `statement` is the merchant's own account
/// (required, at most 20,000 characters), `refund_refusal` why no refund is
/// owed (same limit); both are bad input (422) otherwise.
pub async fn build(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    statement: &str,
    refund_refusal: Option<&str>,
    reason_code: &str,
    amount: Money,
) -> AppResult<DisputeEvidence> {
    let (statement, refund_refusal) = checked_answer(statement, refund_refusal)?;
    let evidence = evidence::load(state, merchant, order_id).await?;
    // Providers and card issuers read English.
    let tr = Tr::new(&state.i18n, "en");
    let answer = Answer {
        statement,
        refund_refusal,
        reason_code: reason_code.to_string(),
        amount,
        refund_policy: policy_text(tr, &merchant.policy, merchant.currency),
        prepared_at: state.now(),
    };
    // Laying out a long story as PDF is CPU work: keep it off the request threads.
    tokio::task::spawn_blocking(move || assemble(evidence, answer))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// What the merchant says, and what the PDF needs beside the pack.
struct Answer {
    statement: String,
    refund_refusal: Option<String>,
    reason_code: String,
    amount: Money,
    refund_policy: String,
    prepared_at: i64,
}

/// The merchant's statement and refusal as they will be sent: trimmed, the
/// statement required, both at most 20,000 characters (an empty refusal is
/// none). Bad input (422) otherwise; the claim page checks with this before
/// it queues the answer, `build` again when the answer is sent.
pub fn checked_answer(
    statement: &str,
    refund_refusal: Option<&str>,
) -> AppResult<(String, Option<String>)> {
    let statement = checked_text("statement", statement)?
        .ok_or_else(|| AppError::Invalid("the dispute statement must not be empty".into()))?;
    let refund_refusal = match refund_refusal {
        Some(text) => checked_text("refund refusal", text)?,
        None => None,
    };
    Ok((statement, refund_refusal))
}

/// The text trimmed; `None` when empty; bad input when too long.
fn checked_text(what: &str, text: &str) -> AppResult<Option<String>> {
    let text = text.trim();
    if text.chars().count() > MAX_STATEMENT_CHARS {
        return Err(AppError::Invalid(format!(
            "the dispute {what} is longer than {MAX_STATEMENT_CHARS} characters"
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

fn assemble(mut evidence: Evidence, answer: Answer) -> DisputeEvidence {
    let documents = std::mem::take(&mut evidence.documents);
    // The summary is at most one file's size, so the documents get the rest.
    let (mut files, left_out) = choose_files(documents, MAX_TOTAL_BYTES - MAX_FILE_BYTES);
    let order = &evidence.order;
    let mut sections = vec![dispute_section(&answer)];
    sections.extend(evidence_summary::sections(&evidence));
    sections.push(Section::new(
        "Return policy",
        answer.refund_policy.lines().map(str::to_string).collect(),
    ));
    sections.push(Section::new(
        "Files sent with this evidence",
        files
            .iter()
            .map(|f| format!("{} ({})", f.name, size(f.bytes.len())))
            .collect(),
    ));
    if !left_out.is_empty() {
        sections.push(Section::new("Files left out", left_out));
    }
    let title = format!("Order {} at {}", order.number, evidence.merchant_name);
    let intro = [format!(
        "Evidence for a payment dispute, prepared {} from the shop's records.",
        when(answer.prepared_at)
    )];
    let footer = format!("Evidence for order {}", order.number);
    let summary = summary_pdf(&title, &intro, &sections, &footer, MAX_FILE_BYTES);
    files.insert(
        0,
        EvidenceFile {
            name: clean_filename(&format!("evidence-{}.pdf", order.number)).replace(' ', "_"),
            content_type: "application/pdf".to_string(),
            bytes: summary,
        },
    );
    DisputeEvidence {
        statement: answer.statement,
        order_number: order.number.clone(),
        amount: answer.amount,
        reason_code: answer.reason_code,
        customer_name: order.buyer_name.clone(),
        customer_email: order.buyer_email.as_str().to_string(),
        product_description: evidence_summary::line_descriptions(&evidence).join("\n"),
        shipments: order
            .shipments
            .iter()
            .map(|s| ShipmentEvidence {
                carrier: s.carrier.clone(),
                tracking_number: s.tracking_number.clone(),
                shipped_at: s.shipped_at,
                delivered_at: s.delivered_at,
            })
            .collect(),
        refund_policy: answer.refund_policy,
        refund_refusal: answer.refund_refusal,
        files,
    }
}

fn dispute_section(answer: &Answer) -> Section {
    let mut entries = vec![
        format!("Reason given: {}", answer.reason_code),
        format!("Disputed amount: {}", answer.amount),
        format!("The shop's statement:\n{}", answer.statement),
    ];
    if let Some(refusal) = &answer.refund_refusal {
        entries.push(format!("Why no refund is owed:\n{refusal}"));
    }
    Section::new("Dispute", entries)
}

/// The pack's documents that providers take, in the pack's order, within
/// `budget` bytes in all; and for each one left out, its name and why.
fn choose_files(documents: Vec<Document>, budget: usize) -> (Vec<EvidenceFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut left_out = Vec::new();
    let mut used = 0usize;
    for d in documents {
        let verdict = match sniff_document(&d.bytes) {
            None => {
                Err("not a PDF or an image: providers take only PDF, JPEG and PNG files".into())
            }
            Some(t) if !ACCEPTED_TYPES.contains(&t) => {
                Err(format!("{t}: providers take only PDF, JPEG and PNG files"))
            }
            Some(_) if d.bytes.len() > MAX_FILE_BYTES => Err(format!(
                "{}: larger than the {} a provider takes per file",
                size(d.bytes.len()),
                size(MAX_FILE_BYTES)
            )),
            Some(_) if used + d.bytes.len() > budget => Err(format!(
                "the files together would exceed the {} providers take",
                size(MAX_TOTAL_BYTES)
            )),
            Some(t) => Ok(t),
        };
        match verdict {
            Ok(content_type) => {
                used += d.bytes.len();
                files.push(EvidenceFile {
                    name: d.name,
                    content_type: content_type.to_string(),
                    bytes: d.bytes,
                });
            }
            Err(why) => left_out.push(format!("{}: {why}", d.name)),
        }
    }
    (files, left_out)
}

/// "1.5 MB", "120 KB", "800 bytes"; rounded up, so a file just over a
/// limit never reads as the limit.
fn size(bytes: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * KB;
    if bytes >= MB {
        let tenths = (bytes * 10).div_ceil(MB);
        match (tenths / 10, tenths % 10) {
            (whole, 0) => format!("{whole} MB"),
            (whole, tenth) => format!("{whole}.{tenth} MB"),
        }
    } else if bytes >= KB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{bytes} bytes")
    }
}

/// The PDF within `limit` bytes: a story too long for one file (thousands of
/// events) loses the end of its longest sections, with a note that the full
/// story is in the evidence pack.
fn summary_pdf(
    title: &str,
    intro: &[String],
    sections: &[Section],
    footer: &str,
    limit: usize,
) -> Vec<u8> {
    let mut keep: Vec<usize> = sections.iter().map(|s| s.entries.len()).collect();
    loop {
        let shown: Vec<Section> = sections
            .iter()
            .zip(&keep)
            .map(|(s, &k)| shortened(s, k))
            .collect();
        let pdf = evidence_pdf::write(title, intro, &shown, footer);
        let longest = keep.iter_mut().max_by_key(|k| **k).filter(|k| **k > 1);
        match longest {
            Some(k) if pdf.len() > limit => *k /= 2,
            _ => return pdf,
        }
    }
}

fn shortened(section: &Section, keep: usize) -> Section {
    let total = section.entries.len();
    if keep >= total {
        return section.clone();
    }
    let mut entries = section.entries[..keep].to_vec();
    entries.push(format!(
        "and {} more, in the order's evidence pack",
        total - keep
    ));
    Section::new(&section.heading, entries)
}

/// The shop's published return policy in the words of its help page.
fn policy_text(tr: Tr<'_>, policy: &ReturnPolicy, currency: Currency) -> String {
    let money = |minor: i64| Money::new(minor, currency).to_string();
    let mut parts = vec![
        tr.t1("help-window-a", "days", &policy.window_days.to_string()),
        tr.t("help-excluded-a"),
    ];
    if !policy.non_returnable_skus.is_empty() {
        parts.push(format!(
            "{} {}",
            tr.t("help-excluded-skus"),
            policy.non_returnable_skus.join(", ")
        ));
    }
    let fee = match policy.restocking_fee {
        RestockingFee::Percent { basis_points } if basis_points > 0 => {
            Some(tr.t1("help-fee-percent", "percent", &percent(basis_points)))
        }
        RestockingFee::Fixed { minor } if minor > 0 => {
            Some(tr.t1("help-fee-fixed", "amount", &money(minor)))
        }
        _ => None,
    };
    let shipping = match policy.return_shipping {
        ReturnShipping::Buyer { label_cost_minor } if label_cost_minor > 0 => {
            Some(tr.t1("help-shipping-buyer", "amount", &money(label_cost_minor)))
        }
        _ => None,
    };
    let charges = fee.is_some() || shipping.is_some();
    parts.push(fee.unwrap_or_else(|| tr.t("help-fee-none")));
    parts.push(shipping.unwrap_or_else(|| tr.t("help-shipping-free")));
    if charges {
        parts.push(tr.t("help-fault-note"));
    }
    parts.push(match policy.refund_method {
        RefundMethod::OriginalPayment => tr.t("help-refund-original"),
        RefundMethod::StoreCredit => tr.t("help-refund-credit"),
        RefundMethod::BuyerChooses => tr.t("help-refund-choice"),
    });
    parts.push(tr.t("help-timing-a"));
    parts.join("\n")
}

/// 1000 basis points → "10", 1250 → "12.5".
fn percent(basis_points: u32) -> String {
    let (whole, hundredths) = (basis_points / 100, basis_points % 100);
    match hundredths {
        0 => whole.to_string(),
        h if h % 10 == 0 => format!("{whole}.{}", h / 10),
        h => format!("{whole}.{h:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Translations;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-pixels";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0-pixels";
    const PDF: &[u8] = b"%PDF-1.7 receipt";
    const GIF: &[u8] = b"GIF89a-pixels";

    fn doc(name: &str, bytes: &[u8]) -> Document {
        Document {
            name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn an_answer_needs_a_statement_and_may_refuse_a_refund() {
        assert!(matches!(
            checked_answer(" ", Some("No.")),
            Err(AppError::Invalid(ref m)) if m.contains("must not be empty")
        ));
        let (statement, refusal) = checked_answer(" Delivered. ", Some("  ")).unwrap();
        assert_eq!((statement.as_str(), refusal), ("Delivered.", None));
        let long = "n".repeat(MAX_STATEMENT_CHARS + 1);
        assert!(matches!(
            checked_answer("Delivered.", Some(&long)),
            Err(AppError::Invalid(ref m)) if m.contains("refund refusal")
        ));
    }

    #[test]
    fn statements_must_be_given_and_not_too_long() {
        assert!(matches!(checked_text("statement", "  \n"), Ok(None)));
        assert_eq!(
            checked_text("statement", " Delivered. ")
                .unwrap()
                .as_deref(),
            Some("Delivered.")
        );
        let long = "é".repeat(MAX_STATEMENT_CHARS + 1);
        let err = checked_text("statement", &long).unwrap_err();
        assert!(
            matches!(err, AppError::Invalid(ref m) if m.contains("20000")),
            "{err:?}"
        );
        // Characters count, not bytes.
        assert!(checked_text("statement", &"é".repeat(MAX_STATEMENT_CHARS)).is_ok());
    }

    #[test]
    fn only_pdf_jpeg_and_png_files_go_to_the_provider() {
        let (files, left_out) = choose_files(
            vec![
                doc("a.pdf", PDF),
                doc("b.jpg", JPEG),
                doc("c.png", PNG),
                doc("d.gif", GIF),
                doc("e.pdf", b"MZ not really a pdf"),
            ],
            MAX_TOTAL_BYTES,
        );
        let kinds: Vec<(&str, &str)> = files
            .iter()
            .map(|f| (f.name.as_str(), f.content_type.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a.pdf", "application/pdf"),
                ("b.jpg", "image/jpeg"),
                ("c.png", "image/png")
            ]
        );
        assert_eq!(files[1].bytes, JPEG);
        assert_eq!(left_out.len(), 2);
        assert!(left_out[0].starts_with("d.gif: image/gif"), "{left_out:?}");
        assert!(left_out[1].starts_with("e.pdf: not a PDF"), "{left_out:?}");
    }

    #[test]
    fn files_stay_within_the_size_limits() {
        let mut big = PDF.to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        let mut four_mb = PNG.to_vec();
        four_mb.resize(4 * 1024 * 1024, 0);
        let (files, left_out) = choose_files(
            vec![
                doc("big.pdf", &big),
                doc("one.png", &four_mb),
                doc("two.png", &four_mb),
                doc("small.pdf", PDF),
            ],
            6 * 1024 * 1024,
        );
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["one.png", "small.pdf"]);
        assert!(
            left_out[0].starts_with("big.pdf: 5.1 MB: larger than the 5 MB"),
            "{left_out:?}"
        );
        assert!(left_out[1].starts_with("two.png: the files together would exceed the 50 MB"));
    }

    #[test]
    fn a_story_too_long_for_one_file_is_cut_with_a_note() {
        let events: Vec<String> = (0..3000)
            .map(|n| format!("2026-03-02 10:15 UTC  event.number.{n}  system"))
            .collect();
        let sections = [
            Section::new("Dispute", vec!["Reason given: fraudulent".into()]),
            Section::new("Timeline", events),
        ];
        let whole = summary_pdf("Order E-1", &[], &sections, "Evidence", usize::MAX);
        let limit = 60_000;
        assert!(whole.len() > limit);
        let cut = summary_pdf("Order E-1", &[], &sections, "Evidence", limit);
        assert!(cut.len() <= limit, "{}", cut.len());
        let text = String::from_utf8_lossy(&cut);
        assert!(text.contains("(Reason given: fraudulent)"));
        assert!(text.contains("(2026-03-02 10:15 UTC event.number.0 system)"));
        assert!(!text.contains("event.number.2999 "));
        assert!(text.contains("more, in the order"));
    }

    #[test]
    fn the_return_policy_reads_as_the_help_page_says_it() {
        let translations = Translations::load().unwrap();
        let tr = Tr::new(&translations, "en");
        let eur = Currency::parse("EUR").unwrap();
        let text = policy_text(tr, &ReturnPolicy::default(), eur);
        assert!(text.contains("within 30 days of delivery"), "{text}");
        assert!(text.contains("no restocking fee"), "{text}");
        assert!(text.contains("Return shipping is free"), "{text}");
        assert!(!text.contains("arrived damaged"), "{text}");
        let strict = ReturnPolicy {
            window_days: 14,
            restocking_fee: RestockingFee::Percent { basis_points: 1250 },
            return_shipping: ReturnShipping::Buyer {
                label_cost_minor: 495,
            },
            refund_method: RefundMethod::StoreCredit,
            non_returnable_skus: vec!["SOAP-1".into()],
        };
        let text = policy_text(tr, &strict, eur);
        for fact in [
            "14 days",
            "12.5 %",
            "4.95 EUR",
            "SOAP-1",
            "store credit",
            "arrived damaged",
        ] {
            assert!(text.contains(fact), "{fact} in {text}");
        }
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(800), "800 bytes");
        assert_eq!(size(120 * 1024), "120 KB");
        assert_eq!(size(MAX_FILE_BYTES), "5 MB");
        assert_eq!(size(1536 * 1024), "1.5 MB");
        assert_eq!(size(MAX_FILE_BYTES + 1), "5.1 MB");
        assert_eq!(percent(1000), "10");
        assert_eq!(percent(1205), "12.05");
    }
}
