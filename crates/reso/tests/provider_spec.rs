//! The spec validator itself: shown to pass correct provider requests and to
//! reject wrong ones, so a green adapter test means something.

#[path = "support/provider_spec.rs"]
#[allow(dead_code)]
mod provider_spec;

use provider_spec::{decode_form, decode_multipart, ProviderSpec};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{json, Value};

fn stripe_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        AUTHORIZATION,
        HeaderValue::from_static("Bearer sk_test_123"),
    );
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    h.insert("idempotency-key", HeaderValue::from_static("reso-refund-7"));
    h
}

fn stripe() -> ProviderSpec {
    ProviderSpec::load("stripe-spec3-2022-04.json")
}

fn check_refund(body: &str) -> Result<(), Vec<String>> {
    stripe().check("POST", "/v1/refunds", &stripe_headers(), body.as_bytes())
}

#[test]
fn form_keys_decode_into_nested_json() {
    let map = decode_form(b"a=1&m%5Bk%5D=v+w&e[]=x&e[]=y&l[0][s]=z").unwrap();
    assert_eq!(
        Value::Object(map),
        json!({"a": "1", "m": {"k": "v w"}, "e": ["x", "y"], "l": {"0": {"s": "z"}}})
    );
    assert!(decode_form(b"a=1&a[b]=2").is_err());
    assert!(decode_form(b"a[b=1").is_err());
}

#[test]
fn a_correct_stripe_refund_passes() {
    check_refund(
        "payment_intent=pi_3Abc&amount=1250&metadata%5Breso_refund_id%5D=42\
         &reason=requested_by_customer&expand[]=charge",
    )
    .unwrap();
    check_refund("charge=ch_1&amount=1&refund_application_fee=true").unwrap();
    // Stripe unsets metadata with an empty value; the spec allows it.
    check_refund("charge=ch_1&metadata=").unwrap();
}

#[test]
fn a_wrong_stripe_refund_is_rejected() {
    let unknown = check_refund("payment_intent=pi_1&amount=100&currency=eur").unwrap_err();
    assert!(
        unknown.iter().any(|e| e.contains("currency")),
        "{unknown:?}"
    );

    let text = check_refund("payment_intent=pi_1&amount=ten").unwrap_err();
    assert!(text.iter().any(|e| e.contains("/amount")), "{text:?}");

    let reason = check_refund("payment_intent=pi_1&reason=changed_mind").unwrap_err();
    assert!(reason.iter().any(|e| e.contains("/reason")), "{reason:?}");

    let boolean = check_refund("charge=ch_1&reverse_transfer=yes").unwrap_err();
    assert!(
        boolean.iter().any(|e| e.contains("/reverse_transfer")),
        "{boolean:?}"
    );

    let long = format!("payment_intent={}", "p".repeat(5001));
    assert!(check_refund(&long).is_err());

    let nested = check_refund("payment_intent=pi_1&metadata[a][b]=c").unwrap_err();
    assert!(nested.iter().any(|e| e.contains("/metadata")), "{nested:?}");
}

#[test]
fn wrong_method_path_auth_and_content_type_are_rejected() {
    let spec = stripe();
    let headers = stripe_headers();
    assert!(spec.check("PUT", "/v1/refunds", &headers, b"").is_err());
    assert!(spec.check("POST", "/v1/refundz", &headers, b"").is_err());
    let mut no_auth = headers.clone();
    no_auth.remove(AUTHORIZATION);
    let err = spec
        .check("POST", "/v1/refunds", &no_auth, b"charge=ch_1")
        .unwrap_err();
    assert!(err.iter().any(|e| e.contains("authentication")), "{err:?}");
    let mut json_body = headers.clone();
    json_body.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    assert!(spec
        .check("POST", "/v1/refunds", &json_body, br#"{"charge":"ch_1"}"#)
        .is_err());
}

#[test]
fn refund_status_path_templates_and_query_are_checked() {
    let spec = stripe();
    let mut headers = stripe_headers();
    headers.remove(CONTENT_TYPE);
    spec.check("GET", "/v1/refunds/re_123", &headers, b"")
        .unwrap();
    spec.check("GET", "/v1/refunds/re_123?expand[]=charge", &headers, b"")
        .unwrap();
    // `/v1/refunds/{refund}/cancel` is its own template.
    spec.check("POST", "/v1/refunds/re_123/cancel", &headers, b"")
        .unwrap();
    let err = spec
        .check("GET", "/v1/refunds/re_123?limit=3", &headers, b"")
        .unwrap_err();
    assert!(err.iter().any(|e| e.contains("limit")), "{err:?}");
    assert!(spec.check("GET", "/v1/refunds/", &headers, b"").is_err());
    assert!(spec
        .check("GET", "/v1/refunds/re_1", &headers, b"amount=1")
        .is_err());
}

#[test]
fn openapi_3_1_json_bodies_with_refs_and_nullable() {
    let spec = ProviderSpec::load("adyen-CheckoutService-v72.json");
    let mut headers = HeaderMap::new();
    headers.insert("x-api-key", HeaderValue::from_static("AQE_test"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("idempotency-key", HeaderValue::from_static("reso-refund-7"));
    let path = "/v72/payments/PSP123/refunds";
    let good = json!({
        "merchantAccount": "AcmeECOM",
        "amount": {"currency": "EUR", "value": 1250},
        "reference": "reso-refund-7",
        "merchantRefundReason": null,
    });
    spec.check("POST", path, &headers, good.to_string().as_bytes())
        .unwrap();

    let missing = json!({"amount": {"currency": "EUR", "value": 1250}});
    let err = spec
        .check("POST", path, &headers, missing.to_string().as_bytes())
        .unwrap_err();
    assert!(err.iter().any(|e| e.contains("merchantAccount")), "{err:?}");

    let wrong = json!({
        "merchantAccount": "AcmeECOM",
        "amount": {"currency": "EUR", "value": "12.50"},
        "colour": "red",
    });
    let err = spec
        .check("POST", path, &headers, wrong.to_string().as_bytes())
        .unwrap_err();
    assert!(err.iter().any(|e| e.contains("/amount/value")), "{err:?}");
    assert!(err.iter().any(|e| e.contains("colour")), "{err:?}");

    assert!(spec.check("POST", path, &headers, b"{not json").is_err());
}

// multipart/form-data bodies (Stripe's file upload, PayPal's dispute answers).

/// A part to send: name, file name, Content-Type, content.
type TestPart<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

fn multipart(boundary: &str, parts: &[TestPart]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(filename) = filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

fn multipart_headers(auth: &'static str, boundary: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(AUTHORIZATION, HeaderValue::from_static(auth));
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")).unwrap(),
    );
    h
}

const PDF: &[u8] = b"%PDF-1.4\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj <<>> endobj\r\n%%EOF";

#[test]
fn multipart_bodies_decode_into_their_parts() {
    let body = multipart(
        "b0undary",
        &[
            ("purpose", None, None, b"dispute_evidence"),
            ("file", Some("a;b.pdf"), Some("application/pdf"), PDF),
        ],
    );
    let parts = decode_multipart("multipart/form-data; boundary=\"b0undary\"", &body).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].name, "purpose");
    assert_eq!(parts[0].text(), "dispute_evidence");
    assert_eq!(parts[0].media_type(), "text/plain");
    assert_eq!(parts[1].filename.as_deref(), Some("a;b.pdf"));
    assert_eq!(
        parts[1].body, PDF,
        "binary content, CRLFs included, kept exactly"
    );

    let escaped = multipart(
        "b0undary",
        &[("file", Some(r#"say \"hi\".png"#), None, b"x")],
    );
    let parts = decode_multipart("multipart/form-data; boundary=b0undary", &escaped).unwrap();
    assert_eq!(parts[0].filename.as_deref(), Some(r#"say "hi".png"#));

    let truncated = &body[..body.len() - 20];
    assert!(decode_multipart("multipart/form-data; boundary=b0undary", truncated).is_err());
    assert!(decode_multipart("multipart/form-data", &body).is_err());
    assert!(decode_multipart("multipart/form-data; boundary=other", &body).is_err());
    let nameless = multipart("b0undary", &[("", None, None, b"x")]);
    assert!(decode_multipart("multipart/form-data; boundary=b0undary", &nameless).is_err());
}

#[test]
fn a_stripe_file_upload_is_checked_part_by_part() {
    let spec = stripe();
    let headers = multipart_headers("Bearer sk_test_123", "XyZ");
    let check =
        |parts: &[TestPart]| spec.check("POST", "/v1/files", &headers, &multipart("XyZ", parts));
    check(&[
        ("purpose", None, None, b"dispute_evidence"),
        ("file", Some("summary.pdf"), Some("application/pdf"), PDF),
        ("file_link_data[create]", None, None, b"true"),
        ("expand[]", None, None, b"links"),
    ])
    .unwrap();

    let missing =
        check(&[("file", Some("summary.pdf"), Some("application/pdf"), PDF)]).unwrap_err();
    assert!(missing.iter().any(|e| e.contains("purpose")), "{missing:?}");

    let wrong = check(&[
        ("purpose", None, None, b"holiday_photos"),
        ("file", Some("summary.pdf"), Some("application/pdf"), PDF),
        ("file_link_data[create]", None, None, b"maybe"),
        ("colour", None, None, b"red"),
    ])
    .unwrap_err();
    assert!(wrong.iter().any(|e| e.contains("/purpose")), "{wrong:?}");
    assert!(
        wrong.iter().any(|e| e.contains("/file_link_data/create")),
        "{wrong:?}"
    );
    assert!(wrong.iter().any(|e| e.contains("colour")), "{wrong:?}");

    // The same parts as a form body, or a multipart body cut short, do not pass.
    let mut form = stripe_headers();
    form.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    assert!(spec
        .check("POST", "/v1/files", &form, b"purpose=dispute_evidence")
        .is_err());
    let body = multipart("XyZ", &[("purpose", None, None, b"dispute_evidence")]);
    let err = spec
        .check("POST", "/v1/files", &headers, &body[..body.len() - 10])
        .unwrap_err();
    assert!(err.iter().any(|e| e.contains("boundary")), "{err:?}");
}

#[test]
fn paypal_evidence_parts_are_checked_as_json_and_files() {
    let spec = ProviderSpec::load("paypal-customer_disputes_v1.json");
    let headers = multipart_headers("Bearer A21AAF-token", "pp");
    let path = "/v1/customer/disputes/PP-D-21692/provide-evidence";
    let input = json!({"evidences": [{"evidence_type": "OTHER", "notes": "Delivered."}]});
    let input = input.to_string();
    let good = multipart(
        "pp",
        &[
            ("input", None, Some("application/json"), input.as_bytes()),
            (
                "evidence-file",
                Some("summary.pdf"),
                Some("application/pdf"),
                PDF,
            ),
            (
                "evidence-file",
                Some("parcel.png"),
                Some("image/png"),
                b"\x89PNG\r\n\x1a\n",
            ),
        ],
    );
    spec.check("POST", path, &headers, &good).unwrap();

    let bad = multipart(
        "pp",
        &[
            (
                "input",
                None,
                Some("application/json"),
                b"{\"evidences\": [",
            ),
            ("evidence-file", None, None, b"not a file"),
        ],
    );
    let err = spec.check("POST", path, &headers, &bad).unwrap_err();
    assert!(
        err.iter().any(|e| e.contains("input is not JSON")),
        "{err:?}"
    );
    assert!(
        err.iter()
            .any(|e| e.contains("evidence-file") && e.contains("filename")),
        "{err:?}"
    );

    // What the spec describes but does not tie to the part: one evidence.
    spec.check_component("evidence", &json!({"evidence_type": "OTHER", "notes": "x"}))
        .unwrap();
    let err = spec
        .check_component("evidence", &json!({"evidence_type": "HUNCH", "notes": ""}))
        .unwrap_err();
    assert!(err.iter().any(|e| e.contains("/evidence_type")), "{err:?}");
    assert!(err.iter().any(|e| e.contains("/notes")), "{err:?}");
    assert!(spec.check_component("no_such_schema", &json!({})).is_err());
}
