//! The spec validator itself: shown to pass correct provider requests and to
//! reject wrong ones, so a green adapter test means something.

#[path = "support/provider_spec.rs"]
#[allow(dead_code)]
mod provider_spec;

use provider_spec::{decode_form, ProviderSpec};
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
