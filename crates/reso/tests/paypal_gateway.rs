//! The PayPal adapter against a fake PayPal on loopback ports. The Payments
//! API (refund a capture, show a refund) is the shared fake provider, which
//! checks every request against PayPal's official specification
//! (tests/specs/paypal-payments_payment_v2.json) and injects faults. The
//! OAuth2 token and webhook-verification endpoints are in no specification
//! file, so a small front door in this file serves those two itself and
//! passes every other request on to the shared fake: the adapter sends
//! everything to one base URL, as it does with PayPal.

#[allow(dead_code)]
#[path = "support/provider_spec.rs"]
mod provider_spec;

#[allow(dead_code)]
#[path = "support/fake_provider.rs"]
mod fake_provider;

use axum::body::{Body, Bytes};
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
use provider_spec::ProviderSpec;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reso::gateways::notification::{RefundState, Rejection, Subject};
use reso::gateways::paypal::{from_paypal, Paypal, PaypalAccount, WebhookError};
use reso::gateways::{Gateway, GatewayAnswer, GatewayError, RefundRequest};
use reso_domain::{Currency, Money};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

const PAYMENTS_SPEC: &str = "paypal-payments_payment_v2.json";
const CLIENT_ID: &str = "AZ-reso-test-client";
const CLIENT_SECRET: &str = "EL-reso-test-secret";
const WEBHOOK_ID: &str = "8PT597110X687430LKGECATA";
const GOOD_SIGNATURE: &str = "signed-by-paypal";
/// 2026-03-02T10:00:00Z
const NOW: i64 = 1_772_445_600_000;

/// The fake PayPal's state, shared by its two servers.
#[derive(Default)]
struct World {
    /// Captured amount (minor units) and currency, by capture id.
    captures: HashMap<String, (i64, String)>,
    refunded: HashMap<String, i64>,
    /// Refunds by `PayPal-Request-Id`: the same key gets the same refund.
    by_request_id: HashMap<String, Value>,
    by_id: HashMap<String, Value>,
    /// Captures whose refunds stay PENDING until the test settles them.
    slow: HashSet<String>,
    tokens_issued: Vec<String>,
    tokens_revoked: HashSet<String>,
    /// PayPal refusing every token, even new ones (credentials revoked).
    refuse_all_tokens: bool,
    /// Every token request: its Authorization, Content-Type and body.
    token_requests: Vec<(String, String, String)>,
    /// Every verification request's raw body.
    verifications: Vec<Vec<u8>>,
    verification_outage: bool,
}

type Shared = Arc<Mutex<World>>;

fn paypal_error(status: u16, name: &str, issue: &str) -> Reply {
    Reply::json(
        status,
        json!({
            "name": name,
            "message": "The requested action could not be performed.",
            "debug_id": "f2c1d1a0b5e3c",
            "details": [{"issue": issue, "description": format!("{issue} happened")}]
        }),
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

fn token_accepted(world: &World, headers: &reqwest::header::HeaderMap) -> bool {
    !world.refuse_all_tokens
        && bearer(headers)
            .is_some_and(|t| world.tokens_issued.contains(&t) && !world.tokens_revoked.contains(&t))
}

/// PayPal's Payments API as far as refunds go.
fn payments_behaviour(world: Shared) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |request: &Recorded| {
        let mut world = world.lock().unwrap();
        if !token_accepted(&world, &request.headers) {
            return Reply::json(
                401,
                json!({"name": "AUTHENTICATION_FAILURE", "message": "Authentication failed due to invalid authentication credentials or a missing Authorization header."}),
            );
        }
        let path = request.path().to_string();
        if request.method == "GET" {
            let id = path.rsplit('/').next().unwrap_or_default();
            return match world.by_id.get(id) {
                Some(refund) => Reply::json(200, refund.clone()),
                None => paypal_error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"),
            };
        }
        let capture = path
            .trim_end_matches("/refund")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let key = request
            .header("paypal-request-id")
            .unwrap_or_default()
            .to_string();
        if let Some(refund) = world.by_request_id.get(&key) {
            return Reply::json(200, refund.clone());
        }
        let Some((captured, currency)) = world.captures.get(&capture).cloned() else {
            return paypal_error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
        };
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let amount = from_paypal(
            body["amount"]["value"].as_str().unwrap(),
            body["amount"]["currency_code"].as_str().unwrap(),
        )
        .unwrap();
        let already = world.refunded.get(&capture).copied().unwrap_or(0);
        if already >= captured {
            return paypal_error(422, "UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED");
        }
        if amount.currency.as_str() != currency {
            return paypal_error(
                422,
                "UNPROCESSABLE_ENTITY",
                "REFUND_CAPTURE_CURRENCY_MISMATCH",
            );
        }
        if already + amount.minor > captured {
            return paypal_error(422, "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED");
        }
        world
            .refunded
            .insert(capture.clone(), already + amount.minor);
        let id = format!("{:017}", world.by_id.len() + 1);
        let status = if world.slow.contains(&capture) {
            "PENDING"
        } else {
            "COMPLETED"
        };
        let refund = json!({
            "id": id,
            "amount": body["amount"],
            "custom_id": body["custom_id"],
            "status": status,
            "links": [
                {"href": format!("https://api-m.paypal.com/v2/payments/refunds/{id}"), "rel": "self", "method": "GET"},
                {"href": format!("https://api-m.paypal.com/v2/payments/captures/{capture}"), "rel": "up", "method": "GET"}
            ]
        });
        world.by_request_id.insert(key, refund.clone());
        world.by_id.insert(id, refund.clone());
        Reply::json(201, refund)
    }
}

async fn issue_token(
    State(world): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let mut world = world.lock().unwrap();
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let body = String::from_utf8_lossy(&body).to_string();
    world
        .token_requests
        .push((header(AUTHORIZATION), header(CONTENT_TYPE), body.clone()));
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if header(AUTHORIZATION) != expected || body != "grant_type=client_credentials" {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"error": "invalid_client", "error_description": "Client Authentication failed"}),
            ),
        );
    }
    let token = format!("A21AA-token-{}", world.tokens_issued.len() + 1);
    world.tokens_issued.push(token.clone());
    (
        StatusCode::OK,
        Json(json!({
            "scope": "https://uri.paypal.com/services/payments/refund",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": 32400,
            "nonce": "2026-03-02T10:00:00Z-nonce"
        })),
    )
}

async fn verify_signature(
    State(world): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let mut world = world.lock().unwrap();
    world.verifications.push(body.to_vec());
    if world.verification_outage {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"name": "SERVICE_UNAVAILABLE"})),
        );
    }
    if !token_accepted(&world, &headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"name": "AUTHENTICATION_FAILURE"})),
        );
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"name": "MALFORMED_REQUEST_JSON"})),
            )
        }
    };
    let fields = [
        "auth_algo",
        "cert_url",
        "transmission_id",
        "transmission_sig",
        "transmission_time",
        "webhook_id",
    ];
    if fields.iter().any(|f| !request[f].is_string()) || !request["webhook_event"].is_object() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"name": "VALIDATION_ERROR"})),
        );
    }
    let genuine =
        request["transmission_sig"] == GOOD_SIGNATURE && request["webhook_id"] == WEBHOOK_ID;
    let status = if genuine { "SUCCESS" } else { "FAILURE" };
    (StatusCode::OK, Json(json!({"verification_status": status})))
}

/// The front door of the fake PayPal: serves the token and verification
/// endpoints itself and passes everything else to the spec-checking fake,
/// hanging up on the adapter when the fake hangs up on it.
#[derive(Clone)]
struct Front {
    world: Shared,
    payments: String,
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
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut upstream = front
        .http
        .request(parts.method, format!("{}{path}", front.payments))
        .body(body);
    for (name, value) in &parts.headers {
        if ![HOST, CONTENT_LENGTH, CONNECTION].contains(name) {
            upstream = upstream.header(name, value);
        }
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(_) => {
            hang_up.0.notify_one();
            return std::future::pending().await;
        }
    };
    let status = answer.status();
    let body = answer.bytes().await.unwrap_or_default();
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

async fn start_front(front: Front) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/v1/oauth2/token", post(issue_token))
        .route(
            "/v1/notifications/verify-webhook-signature",
            post(verify_signature),
        )
        .with_state(front.world.clone())
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
    paypal: Paypal,
    base_url: String,
    http: reqwest::Client,
    _front: tokio::task::JoinHandle<()>,
}

impl Setup {
    async fn start() -> Setup {
        let world: Shared = Arc::default();
        {
            let mut w = world.lock().unwrap();
            w.captures
                .insert("2GG279541U471931P".into(), (4_900, "EUR".into()));
            w.captures
                .insert("8MC585209K746392H".into(), (15_000, "JPY".into()));
            w.captures
                .insert("3C679366HH908993F".into(), (10_000, "EUR".into()));
            w.slow.insert("3C679366HH908993F".into());
        }
        let fake = FakeProvider::start(
            ProviderSpec::load(PAYMENTS_SPEC),
            payments_behaviour(world.clone()),
        )
        .await;
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let (base_url, front) = start_front(Front {
            world: world.clone(),
            payments: fake.base_url.clone(),
            http: http.clone(),
        })
        .await;
        let paypal =
            Paypal::new(account(&base_url), http.clone()).with_timeout(Duration::from_millis(500));
        Setup {
            fake,
            world,
            paypal,
            base_url,
            http,
            _front: front,
        }
    }

    fn refund_requests(&self) -> Vec<Recorded> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path().ends_with("/refund"))
            .collect()
    }

    fn token_requests(&self) -> usize {
        self.world.lock().unwrap().token_requests.len()
    }

    fn refunds_made(&self) -> usize {
        self.world.lock().unwrap().by_id.len()
    }
}

fn account(base_url: &str) -> PaypalAccount {
    PaypalAccount {
        base_url: base_url.to_string(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        webhook_id: WEBHOOK_ID.into(),
    }
}

fn refund(refund_id: i64, capture: &str, minor: i64, currency: &str) -> RefundRequest {
    RefundRequest {
        refund_id,
        payment_reference: capture.to_string(),
        amount: Money::new(minor, Currency::parse(currency).unwrap()),
        idempotency_key: RefundRequest::key_for(refund_id),
        requested_at: NOW,
        lines: Vec::new(),
    }
}

fn succeeded(answer: Result<GatewayAnswer, GatewayError>) -> String {
    match answer {
        Ok(GatewayAnswer::Succeeded { gateway_refund_id }) => gateway_refund_id,
        other => panic!("expected a succeeded refund, got {other:?}"),
    }
}

#[tokio::test]
async fn refunds_are_what_paypal_specifies_and_share_one_token() {
    let s = Setup::start().await;
    // Two refunds at once on a cold cache: one token request between them.
    let (first, second) = (
        refund(1, "2GG279541U471931P", 1_250, "EUR"),
        refund(2, "8MC585209K746392H", 1_500, "JPY"),
    );
    let (eur, jpy) = tokio::join!(s.paypal.refund(&first), s.paypal.refund(&second));
    let eur_id = succeeded(eur);
    succeeded(jpy);
    assert_eq!(
        s.token_requests(),
        1,
        "the token is fetched once and reused"
    );
    // Another adapter for the same account (the worker builds one per job)
    // still uses the cached token.
    let again = Paypal::new(account(&s.base_url), s.http.clone());
    assert_eq!(
        again.status(&eur_id).await.unwrap(),
        GatewayAnswer::Succeeded {
            gateway_refund_id: eur_id.clone()
        }
    );
    assert_eq!(s.token_requests(), 1);

    s.fake.assert_requests_match_spec();
    let (auth, content_type, body) = s.world.lock().unwrap().token_requests[0].clone();
    assert!(auth.starts_with("Basic "), "{auth}");
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(body, "grant_type=client_credentials");

    let requests = s.refund_requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        let key = body["custom_id"].as_str().unwrap();
        assert_eq!(
            r.header("paypal-request-id"),
            Some(key),
            "Reso's key is PayPal's idempotency key"
        );
        assert_eq!(r.header("prefer"), Some("return=representation"));
        assert_eq!(r.header("authorization"), Some("Bearer A21AA-token-1"));
        match key {
            "reso-refund-1" => {
                assert_eq!(r.path(), "/v2/payments/captures/2GG279541U471931P/refund");
                assert_eq!(
                    body["amount"],
                    json!({"value": "12.50", "currency_code": "EUR"})
                );
            }
            "reso-refund-2" => {
                assert_eq!(
                    body["amount"],
                    json!({"value": "1500", "currency_code": "JPY"})
                );
            }
            other => panic!("unexpected key {other}"),
        }
    }
}

#[tokio::test]
async fn the_spec_check_rejects_a_wrong_paypal_request() {
    let spec = ProviderSpec::load(PAYMENTS_SPEC);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_static("Bearer A21AA-token"),
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let path = "/v2/payments/captures/2GG279541U471931P/refund";
    let good = br#"{"amount":{"value":"12.50","currency_code":"EUR"},"custom_id":"reso-refund-1"}"#;
    spec.check("POST", path, &headers, good).unwrap();

    // Amount as a number, as a careless adapter would send it.
    let number = spec
        .check(
            "POST",
            path,
            &headers,
            br#"{"amount":{"value":12.5,"currency_code":"EUR"}}"#,
        )
        .unwrap_err();
    assert!(
        number.iter().any(|e| e.contains("/amount/value")),
        "{number:?}"
    );
    let no_currency = spec
        .check("POST", path, &headers, br#"{"amount":{"value":"12.50"}}"#)
        .unwrap_err();
    assert!(
        no_currency.iter().any(|e| e.contains("currency_code")),
        "{no_currency:?}"
    );
    let mut no_auth = headers.clone();
    no_auth.remove(AUTHORIZATION);
    assert!(spec.check("POST", path, &no_auth, good).is_err());
    assert!(spec
        .check("POST", "/v2/payments/captures/X/refunds", &headers, good)
        .is_err());
    assert!(spec
        .check(
            "GET",
            "/v2/payments/refunds/1JU08902781691411",
            &headers,
            good
        )
        .is_err());

    // The fake refuses such a request and records the violation.
    let s = Setup::start().await;
    let answer = s
        .http
        .post(format!("{}{path}", s.fake.base_url))
        .bearer_auth("A21AA-token")
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"amount":{"value":12.5,"currency_code":"EUR"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert!(!s.fake.spec_violations().is_empty());
    assert_eq!(s.refunds_made(), 0);
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_the_refund_sent_again() {
    let s = Setup::start().await;
    succeeded(
        s.paypal
            .refund(&refund(1, "2GG279541U471931P", 1_000, "EUR"))
            .await,
    );
    s.world
        .lock()
        .unwrap()
        .tokens_revoked
        .insert("A21AA-token-1".into());

    succeeded(
        s.paypal
            .refund(&refund(2, "2GG279541U471931P", 1_000, "EUR"))
            .await,
    );
    assert_eq!(s.token_requests(), 2, "a new token after the 401");
    let second: Vec<Option<String>> = s.refund_requests()[1..]
        .iter()
        .map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(
        second,
        [
            Some("Bearer A21AA-token-1".to_string()),
            Some("Bearer A21AA-token-2".to_string())
        ]
    );
    assert_eq!(s.refunds_made(), 2);

    // PayPal refusing every token: asked once more, then unavailable, not failed.
    s.world.lock().unwrap().refuse_all_tokens = true;
    let before = s.refund_requests().len();
    let outcome = s
        .paypal
        .refund(&refund(3, "2GG279541U471931P", 1_000, "EUR"))
        .await;
    assert!(
        matches!(outcome, Err(GatewayError::Unavailable(_))),
        "{outcome:?}"
    );
    assert_eq!(
        s.refund_requests().len(),
        before + 2,
        "one renewal, no loop"
    );
    assert_eq!(s.token_requests(), 3);
    assert_eq!(s.refunds_made(), 2);
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_refund_retried_after_a_dropped_connection_an_outage_or_a_time_out_is_made_once() {
    let s = Setup::start().await;
    let request = refund(7, "2GG279541U471931P", 4_900, "EUR");
    for fault in [
        Fault::DropAfterAccept,
        Fault::Answer(paypal_error(
            500,
            "INTERNAL_SERVER_ERROR",
            "INTERNAL_SERVICE_ERROR",
        )),
        Fault::DelayAfterAccept(Duration::from_secs(2)),
        Fault::Answer(paypal_error(
            409,
            "RESOURCE_CONFLICT",
            "PREVIOUS_REQUEST_IN_PROGRESS",
        )),
        Fault::Answer(paypal_error(
            429,
            "RATE_LIMIT_REACHED",
            "RATE_LIMIT_REACHED",
        )),
    ] {
        s.fake.script(fault.clone());
        let outcome = s.paypal.refund(&request).await;
        assert!(
            matches!(outcome, Err(GatewayError::Unavailable(_))),
            "{fault:?}: {outcome:?}"
        );
    }
    let id = succeeded(s.paypal.refund(&request).await);
    assert_eq!(
        s.refunds_made(),
        1,
        "the whole capture was refunded exactly once"
    );
    let keys: HashSet<Option<String>> = s
        .refund_requests()
        .iter()
        .map(|r| r.header("paypal-request-id").map(str::to_string))
        .collect();
    assert_eq!(keys, HashSet::from([Some("reso-refund-7".to_string())]));
    assert_eq!(s.refund_requests().len(), 6);
    assert_eq!(s.world.lock().unwrap().by_id[&id]["status"], "COMPLETED");
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn paypal_refusals_fail_with_paypals_issue() {
    let s = Setup::start().await;
    let reason = |answer: Result<GatewayAnswer, GatewayError>| match answer {
        Ok(GatewayAnswer::Failed { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let too_much = reason(
        s.paypal
            .refund(&refund(1, "2GG279541U471931P", 5_000, "EUR"))
            .await,
    );
    assert!(too_much.contains("REFUND_AMOUNT_EXCEEDED"), "{too_much}");
    succeeded(
        s.paypal
            .refund(&refund(2, "2GG279541U471931P", 4_900, "EUR"))
            .await,
    );
    let done = reason(
        s.paypal
            .refund(&refund(3, "2GG279541U471931P", 100, "EUR"))
            .await,
    );
    assert!(done.contains("CAPTURE_FULLY_REFUNDED"), "{done}");
    let unknown = reason(
        s.paypal
            .refund(&refund(4, "0NOSUCHCAPTURE00", 100, "EUR"))
            .await,
    );
    assert!(unknown.contains("INVALID_RESOURCE_ID"), "{unknown}");
    s.fake.assert_requests_match_spec();
}

#[tokio::test]
async fn a_pending_refund_is_looked_up_until_paypal_completes_it() {
    let s = Setup::start().await;
    let Ok(GatewayAnswer::Pending {
        gateway_refund_id: id,
    }) = s
        .paypal
        .refund(&refund(1, "3C679366HH908993F", 2_500, "EUR"))
        .await
    else {
        panic!("an eCheck refund is pending first");
    };
    assert!(matches!(
        s.paypal.status(&id).await,
        Ok(GatewayAnswer::Pending { .. })
    ));
    s.world.lock().unwrap().by_id.get_mut(&id).unwrap()["status"] = json!("COMPLETED");
    assert_eq!(
        s.paypal.status(&id).await.unwrap(),
        GatewayAnswer::Succeeded {
            gateway_refund_id: id.clone()
        }
    );
    // A refund PayPal cannot find is not declared failed: it might exist.
    assert!(matches!(
        s.paypal.status("9ZZ00000000000000").await,
        Err(GatewayError::Unavailable(_))
    ));
    s.fake.assert_requests_match_spec();
}

fn refund_event() -> Vec<u8> {
    // Keys deliberately not in sorted order: the event must reach PayPal's
    // verification byte for byte.
    br#"{"id":"WH-7Y7254563A4550640-11V2185806837105M","event_version":"1.0","create_time":"2026-03-02T10:15:00.000Z","resource_type":"refund","event_type":"PAYMENT.CAPTURE.REFUNDED","summary":"A EUR 12.5 EUR capture payment was refunded","resource":{"id":"1JU08902781691411","amount":{"value":"12.50","currency_code":"EUR"},"custom_id":"reso-refund-1","status":"COMPLETED","links":[{"href":"https://api-m.paypal.com/v2/payments/refunds/1JU08902781691411","rel":"self","method":"GET"},{"href":"https://api-m.paypal.com/v2/payments/captures/2GG279541U471931P","rel":"up","method":"GET"}]},"links":[]}"#.to_vec()
}

fn transmission(signature: &str) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    for (name, value) in [
        (
            "paypal-transmission-id",
            "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
        ),
        ("paypal-transmission-time", "2026-03-02T10:15:01Z"),
        ("paypal-transmission-sig", signature),
        (
            "paypal-cert-url",
            "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
        ),
        ("paypal-auth-algo", "SHA256withRSA"),
    ] {
        h.insert(name, HeaderValue::from_str(value).unwrap());
    }
    h
}

#[tokio::test]
async fn a_webhook_is_read_only_when_paypal_confirms_its_signature() {
    let s = Setup::start().await;
    let event = refund_event();
    let read = s
        .paypal
        .verify_notification(&transmission(GOOD_SIGNATURE), &event)
        .await
        .unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(
        read[0].notification_id,
        "WH-7Y7254563A4550640-11V2185806837105M"
    );
    let Subject::Refund(news) = &read[0].subject else {
        panic!("a refund")
    };
    assert_eq!(news.reso_reference.as_deref(), Some("reso-refund-1"));
    assert_eq!(news.state, RefundState::Succeeded);

    let asked = s.world.lock().unwrap().verifications[0].clone();
    let asked_text = String::from_utf8(asked.clone()).unwrap();
    assert!(
        asked_text.contains(&format!(
            "\"webhook_event\":{}",
            String::from_utf8(event.clone()).unwrap()
        )),
        "the event is passed on as delivered: {asked_text}"
    );
    let asked: Value = serde_json::from_slice(&asked).unwrap();
    assert_eq!(asked["webhook_id"], WEBHOOK_ID);
    assert_eq!(
        asked["transmission_id"],
        "69cd13f0-d67a-11e5-baa3-778b53f4ae55"
    );
    assert_eq!(asked["transmission_time"], "2026-03-02T10:15:01Z");
    assert_eq!(asked["auth_algo"], "SHA256withRSA");

    // PayPal says the signature is not its own.
    assert_eq!(
        s.paypal
            .verify_notification(&transmission("forged"), &event)
            .await,
        Err(WebhookError::Rejected(Rejection::BadSignature))
    );

    // A header missing: refused without asking PayPal.
    let asked_before = s.world.lock().unwrap().verifications.len();
    for name in [
        "paypal-transmission-sig",
        "paypal-cert-url",
        "paypal-transmission-time",
    ] {
        let mut headers = transmission(GOOD_SIGNATURE);
        headers.remove(name);
        assert_eq!(
            s.paypal.verify_notification(&headers, &event).await,
            Err(WebhookError::Rejected(Rejection::MissingSignature)),
            "{name}"
        );
    }
    assert_eq!(s.world.lock().unwrap().verifications.len(), asked_before);

    assert!(matches!(
        s.paypal
            .verify_notification(&transmission(GOOD_SIGNATURE), b"{not json")
            .await,
        Err(WebhookError::Rejected(Rejection::Unparseable(_)))
    ));
}

#[tokio::test]
async fn a_webhook_paypal_cannot_verify_now_is_left_for_redelivery() {
    let s = Setup::start().await;
    s.world.lock().unwrap().verification_outage = true;
    let outcome = s
        .paypal
        .verify_notification(&transmission(GOOD_SIGNATURE), &refund_event())
        .await;
    assert!(
        matches!(outcome, Err(WebhookError::Unavailable(_))),
        "{outcome:?}"
    );

    // PayPal unreachable altogether.
    let gone = Paypal::new(account("http://127.0.0.1:9"), reqwest::Client::new());
    let outcome = gone
        .verify_notification(&transmission(GOOD_SIGNATURE), &refund_event())
        .await;
    assert!(
        matches!(outcome, Err(WebhookError::Unavailable(_))),
        "{outcome:?}"
    );
}
