//! Evidence for a payment dispute, built from the evidence pack: the facts
//! providers ask for, the order's story as a PDF a viewer opens, and only the
//! files providers take (PDF, JPEG, PNG, within their size limits).

mod support;

use reso::app::claims::Upload;
use reso::app::dispute_evidence::{self, MAX_FILE_BYTES, MAX_STATEMENT_CHARS};
use reso::app::messages::{Author, Subject};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::{Actor, AppError};
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::claim::ClaimKind;
use reso_domain::returns::RequestedLine;
use reso_domain::{Currency, Money, ReturnReason};
use serde_json::json;
use support::TestApp;

const BUYER: &str = "zoe@example.com";
const RECEIPT: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0-a-photo-of-the-parcel-at-the-door";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-a-photo-of-a-dented-mug";
const GIF: &[u8] = b"GIF89a\x10\x00\x10\x00-an-animated-shrug";

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap())
}

/// A delivered order with a return (a PNG and a GIF photo), a refund, a
/// claim (a receipt, a JPEG and a PDF too large for providers) and a long
/// conversation. Returns the order id.
async fn disputed_order(app: &TestApp, number: &str) -> i64 {
    let mut body = support::sample_order(number, BUYER, support::START - 3 * support::DAY);
    // Ł and 東 are outside the standard PDF fonts' encoding.
    body["buyer"]["name"] = json!("Zoë Łukasiewicz 東");
    let order = app.create_order(&body).await;
    let order_id = order["id"].as_i64().unwrap();
    let full = reso::app::orders::by_id(&app.state, app.merchant.id, order_id)
        .await
        .unwrap();
    let mug = full.lines.iter().find(|l| l.sku == "MUG-TI").unwrap();
    let request = ReturnRequest {
        lines: vec![RequestedLine {
            order_line_id: mug.id,
            quantity: 1,
            reason: ReturnReason::Damaged,
        }],
        comment: "Dented on arrival".into(),
        refund_method: None,
        photos: vec![
            Photo {
                bytes: PNG.to_vec(),
            },
            Photo {
                bytes: GIF.to_vec(),
            },
        ],
    };
    let r = reso::app::returns::request(
        &app.state,
        &app.merchant,
        order_id,
        request,
        &Actor::Buyer(BUYER.into()),
    )
    .await
    .expect("return");
    let res = app
        .api_post(
            &format!("/api/v1/orders/{number}/refunds"),
            &json!({ "amount_minor": 2_450, "method": "manual", "reason": "dented mug" }),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    reso::app::claims::protect(&app.state, &app.merchant, order_id, &Actor::System)
        .await
        .unwrap();
    let mut too_large = RECEIPT.to_vec();
    too_large.resize(MAX_FILE_BYTES + 1024, b' ');
    let claim = reso::app::claims::open(
        &app.state,
        &app.merchant,
        order_id,
        ClaimKind::NotReceived,
        "The tent never arrived.",
        vec![
            Upload {
                filename: "receipt.pdf".into(),
                bytes: RECEIPT.to_vec(),
            },
            Upload {
                filename: "doorstep.jpg".into(),
                bytes: JPEG.to_vec(),
            },
            Upload {
                filename: "scan.pdf".into(),
                bytes: too_large,
            },
        ],
        BUYER,
    )
    .await
    .expect("claim");
    // Enough conversation to fill more than one page.
    for n in 1..=12 {
        let body = format!(
            "Message {n}: where is my tent? {}",
            "I have waited at home all week for the courier to ring. ".repeat(8)
        );
        reso::app::messages::post(
            &app.state,
            &app.merchant,
            Subject::Claim(claim.id),
            &Author::Buyer(BUYER.into()),
            &body,
            Vec::new(),
        )
        .await
        .expect("message");
    }
    reso::app::messages::post(
        &app.state,
        &app.merchant,
        Subject::Return(r.id),
        &Author::Staff(Actor::System),
        "The carrier confirms delivery to the door.",
        Vec::new(),
    )
    .await
    .expect("reply");
    order_id
}

#[tokio::test]
async fn evidence_holds_the_facts_the_files_and_a_readable_pdf() {
    let app = TestApp::spawn().await;
    let order_id = disputed_order(&app, "D-1").await;

    let statement = format!(
        "  The tent was delivered on time to the buyer's door. {}  ",
        "The carrier's record shows the delivery and a photo of the parcel. ".repeat(30)
    );
    let evidence = dispute_evidence::build(
        &app.state,
        &app.merchant,
        order_id,
        &statement,
        Some("The goods were delivered; a dented mug was refunded already."),
        "fraudulent",
        eur(23_800),
    )
    .await
    .expect("evidence");

    assert_eq!(evidence.statement, statement.trim());
    assert_eq!(evidence.order_number, "D-1");
    assert_eq!(evidence.amount, eur(23_800));
    assert_eq!(evidence.reason_code, "fraudulent");
    assert_eq!(evidence.customer_name, "Zoë Łukasiewicz 東");
    assert_eq!(evidence.customer_email, BUYER);
    assert_eq!(
        evidence.product_description,
        "1 × Two-person tent (TENT-2P)\n2 × Titanium mug (MUG-TI)"
    );
    assert_eq!(evidence.shipments.len(), 1);
    let shipment = &evidence.shipments[0];
    assert_eq!(
        (shipment.carrier.as_str(), shipment.tracking_number.as_str()),
        ("DHL", "JDD-1")
    );
    assert_eq!(
        shipment.delivered_at.map(|t| t.millis()),
        Some(support::START - 3 * support::DAY)
    );
    assert!(
        evidence
            .refund_policy
            .contains("within 30 days of delivery"),
        "{}",
        evidence.refund_policy
    );
    assert_eq!(
        evidence.refund_refusal.as_deref(),
        Some("The goods were delivered; a dented mug was refunded already.")
    );

    // The summary first, then the files providers take, byte for byte; the
    // GIF and the PDF over 5 MB stay out.
    let files: Vec<(&str, &str)> = evidence
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content_type.as_str()))
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(files[0], ("evidence-D-1.pdf", "application/pdf"));
    let find = |wanted: &str| {
        evidence
            .files
            .iter()
            .find(|f| f.name.ends_with(wanted))
            .unwrap_or_else(|| panic!("{wanted} in {files:?}"))
    };
    assert_eq!(find(".png").bytes, PNG);
    assert_eq!(find(".png").content_type, "image/png");
    assert_eq!(find("doorstep.jpg").bytes, JPEG);
    assert_eq!(find("doorstep.jpg").content_type, "image/jpeg");
    assert_eq!(find("receipt.pdf").bytes, RECEIPT);
    let total: usize = evidence.files.iter().map(|f| f.bytes.len()).sum();
    assert!(evidence
        .files
        .iter()
        .all(|f| f.bytes.len() <= MAX_FILE_BYTES));
    assert!(total <= dispute_evidence::MAX_TOTAL_BYTES);

    let pdf = &evidence.files[0].bytes;
    let pages = check_structure(pdf);
    assert!(pages >= 2, "{pages} pages");
    let text = text_of(pdf);
    for fact in [
        "Order D-1 at ",
        "Order number: D-1",
        "Buyer: Zoë ?ukasiewicz ? <zoe@example.com>",
        "1 × Two-person tent (TENT-2P) at 189.00 EUR",
        "DHL tracking JDD-1: shipped 2026-02-25 10:00 UTC, delivered 2026-02-27 10:00 UTC",
        "Reason given: fraudulent",
        "Disputed amount: 238.00 EUR",
        "The tent was delivered on time to the buyer's door.",
        "Why no refund is owed:",
        "24.50 EUR",
        "not_received",
        "Buyer: The tent never arrived.",
        "Message 12: where is my tent?",
        "The carrier confirms delivery to the door.",
        "You can ask for a return within 30 days of delivery.",
        "Timeline",
        &format!("Evidence for order D-1, page {pages} of {pages}"),
    ] {
        assert!(text.contains(fact), "{fact:?} in the PDF:\n{text}");
    }
    let left_out = &text[text
        .find("Files left out")
        .expect("a list of files left out")..];
    assert!(left_out.contains("image/gif: providers take only PDF, JPEG and PNG"));
    assert!(left_out.contains("scan.pdf: 5.1 MB: larger than the 5 MB"));
    // The conversation in the order it happened.
    assert!(text.find("Message 2:").unwrap() < text.find("Message 11:").unwrap());
}

#[tokio::test]
async fn bad_statements_change_nothing_and_other_shops_get_not_found() {
    let app = TestApp::spawn().await;
    let order = app.delivered_order("D-2", BUYER).await;
    let order_id = order["id"].as_i64().unwrap();
    let build = |statement: String, refusal: Option<String>| {
        let app = &app;
        async move {
            dispute_evidence::build(
                &app.state,
                &app.merchant,
                order_id,
                &statement,
                refusal.as_deref(),
                "10.4",
                eur(23_800),
            )
            .await
        }
    };
    for (statement, refusal) in [
        (" \n ".to_string(), None),
        ("x".repeat(MAX_STATEMENT_CHARS + 1), None),
        (
            "Delivered.".to_string(),
            Some("y".repeat(MAX_STATEMENT_CHARS + 1)),
        ),
    ] {
        let err = build(statement, refusal).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err:?}");
    }
    // At the limit, and an empty refusal is no refusal.
    let evidence = build("x".repeat(MAX_STATEMENT_CHARS), Some("  ".into()))
        .await
        .expect("evidence");
    assert_eq!(evidence.statement.len(), MAX_STATEMENT_CHARS);
    assert_eq!(evidence.refund_refusal, None);
    assert_eq!(evidence.files.len(), 1, "only the summary");
    check_structure(&evidence.files[0].bytes);

    let other = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "other".into(),
            name: "Other Shop".into(),
            support: SupportContact {
                email: "help@other.test".into(),
                phone: "+39 02 7654321".into(),
                hours: "Mon–Fri 9–18".into(),
                url: "https://other.test/help".into(),
            },
            return_address: "Other, Via Verdi 2, Milano".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .unwrap();
    let err = dispute_evidence::build(
        &app.state,
        &other,
        order_id,
        "Delivered.",
        None,
        "10.4",
        eur(23_800),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::NotFound("order")), "{err:?}");
}

/// Checks the file the way a viewer reads it: header, `startxref` pointing
/// at the cross-reference table, every object where the table says, a
/// trailer naming the catalog, and a page tree whose count is the number of
/// pages. Returns that number.
fn check_structure(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF-1."), "a PDF header");
    // One char a byte, so positions in the text are offsets in the file.
    let text: String = pdf
        .iter()
        .map(|&b| if b.is_ascii() { char::from(b) } else { '?' })
        .collect();
    assert!(text.trim_end().ends_with("%%EOF"));
    let at = text.rfind("startxref").expect("startxref");
    let xref: usize = text[at + "startxref".len()..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the table's offset");
    assert!(
        pdf[xref..].starts_with(b"xref"),
        "startxref points at the table"
    );
    let mut lines = text[xref..].lines().skip(1);
    let header: Vec<usize> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(header[0], 0);
    let size = header[1];
    for id in 0..size {
        let entry: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        if entry[2] == "n" {
            let offset: usize = entry[0].parse().unwrap();
            let object = format!("{id} 0 obj");
            assert!(
                pdf[offset..].starts_with(object.as_bytes()),
                "object {id} at {offset}"
            );
        }
    }
    let trailer = &text[text.rfind("trailer").expect("a trailer")..];
    assert!(trailer.contains(&format!("/Size {size}")), "{trailer}");
    assert!(trailer.contains("/Root 1 0 R"), "{trailer}");
    let count: usize = text[text.find("/Count ").expect("a page tree") + 7..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the page count");
    let page_objects = text
        .match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count();
    assert_eq!(count, page_objects, "the page tree counts every page");
    count
}

/// The text shown on the pages, one shown string a line: literal `(…)` and
/// hex `<…>` strings of the content streams, decoded from WinAnsi.
fn text_of(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let end = find(body, b"endstream").expect("endstream");
        let mut i = 0;
        let stream = &body[..end];
        while i < stream.len() {
            match stream[i] {
                b'(' => {
                    let (bytes, next) = literal(stream, i + 1);
                    out.extend(bytes.into_iter().map(win_ansi));
                    out.push('\n');
                    i = next;
                }
                b'<' if stream.get(i + 1) != Some(&b'<') => {
                    let close = i + stream[i..].iter().position(|b| *b == b'>').unwrap();
                    let hex = std::str::from_utf8(&stream[i + 1..close]).unwrap();
                    let bytes = (0..hex.len())
                        .step_by(2)
                        .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap());
                    out.extend(bytes.map(win_ansi));
                    out.push('\n');
                    i = close + 1;
                }
                _ => i += 1,
            }
        }
        rest = &body[end + b"endstream".len()..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A literal string from just after its `(`: its bytes, and where it ends.
fn literal(s: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => {
                i += 1;
                match s[i] {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let digits = s[i..].iter().take(3).take_while(|d| d.is_ascii_digit());
                        let n = digits.count();
                        let code = std::str::from_utf8(&s[i..i + n]).unwrap();
                        out.push(u8::from_str_radix(code, 8).unwrap());
                        i += n - 1;
                    }
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(b'(');
            }
            b')' if depth == 0 => return (out, i + 1),
            b')' => {
                depth -= 1;
                out.push(b')');
            }
            b => out.push(b),
        }
        i += 1;
    }
    panic!("an unterminated string");
}

/// The few Windows-1252 codes above 0x7F this test meets; the rest is Latin-1.
fn win_ansi(b: u8) -> char {
    match b {
        0x80 => '€',
        0x92 => '’',
        0x96 => '–',
        0x97 => '—',
        b => char::from(b),
    }
}
