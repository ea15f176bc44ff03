//! Tenant isolation: two shops, A ("acme") and B ("beta-bikes"), each with
//! staff, orders, returns with photos, escalated claims with documents,
//! messages with attachments, a webhook endpoint and a payment-provider
//! account. Then a matrix over every API operation (read from the served
//! OpenAPI document) and every page route (checked against the routers'
//! source): A's credentials on B's objects, no credentials, bad credentials,
//! a buyer's link on another order, an agent on admin settings, staff and
//! mediator sessions swapped. Every refusal is 401, 403 or 404 and names
//! nothing of B's. Runs on PostgreSQL too with RESO_TEST_POSTGRES_URL.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use reqwest::{Client, Method, StatusCode};
use reso::app::auth::{sign_buyer_link, BuyerAccess, MAGIC_LINK_MS};
use reso::app::claims::Upload;
use reso::app::messages::{Author, Subject};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso::secrets::SecretKey;
use reso::store::merchants::{Merchant, NewMerchant, SupportContact};
use reso_domain::claim::{ClaimKind, ClaimStatus};
use reso_domain::returns::RequestedLine;
use reso_domain::{Currency, ReturnReason};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;
use support::{iso, TestApp, DAY, START};

const PASSWORD: &str = "correct horse battery";
const MEDIATOR_EMAIL: &str = "maria@mediators.test";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Everything one shop owns that the matrix points at.
struct Tenant {
    merchant: Merchant,
    api_key: String,
    admin_email: String,
    order_number: String,
    order_id: i64,
    return_id: i64,
    photo_id: i64,
    claim_id: i64,
    document_id: i64,
    return_attachment_id: i64,
    claim_attachment_id: i64,
    webhook_id: i64,
    provider_account_id: i64,
    quality_alert_id: i64,
    buyer_email: String,
    /// A signed buyer link to this shop's order.
    link: String,
    /// Strings that identify this shop's data: none may appear in a refusal.
    identifying: Vec<String>,
}

struct World {
    app: TestApp,
    /// The app served with a sealing key (provider accounts need one).
    base: String,
    a: Tenant,
    b: Tenant,
    /// A second order of A's, with its own return and claim, for link swaps.
    a2: Tenant,
    agent_email: String,
    mediator_token: String,
}

impl World {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

fn check(res: &reqwest::Response) -> StatusCode {
    res.status()
}

async fn send_json(
    base: &str,
    method: Method,
    path: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let res = Client::new()
        .request(method, format!("{base}{path}"))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = check(&res);
    let json = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {json}");
    (status, json)
}

/// A shop with an admin, an API key, and one of each object.
async fn tenant(world_state: &reso::AppState, base: &str, merchant: Merchant, tag: &str) -> Tenant {
    let admin_email = format!("boss@{}.test", merchant.slug);
    reso::app::merchants::create_staff(
        world_state,
        merchant.id,
        &admin_email,
        &format!("{tag} Boss"),
        "admin",
        PASSWORD,
    )
    .await
    .expect("admin");
    let api_key = reso::app::auth::create_api_key(world_state, merchant.id, "isolation")
        .await
        .expect("api key");
    order_objects(world_state, base, merchant, api_key, admin_email, tag).await
}

/// An order with a return, an escalated claim, messages and account objects.
async fn order_objects(
    state: &reso::AppState,
    base: &str,
    merchant: Merchant,
    api_key: String,
    admin_email: String,
    tag: &str,
) -> Tenant {
    let number = format!("{tag}-ORD-7001");
    let buyer_email = format!(
        "{}.buyer@{}-mail.test",
        tag.to_lowercase(),
        tag.to_lowercase()
    );
    let buyer_name = format!("{tag} Buyerperson");
    let delivered = START - 3 * DAY;
    let order = json!({
        "number": number,
        "buyer": { "email": buyer_email, "name": buyer_name, "locale": "en" },
        "currency": "EUR",
        "placed_at": iso(delivered - 7 * DAY),
        "protected": true,
        "lines": [
            { "sku": "TENT-2P", "title": "Two-person tent", "quantity": 1, "unit_price_minor": 18_900 },
            { "sku": "MUG-TI", "title": "Titanium mug", "quantity": 2, "unit_price_minor": 2_450 }
        ],
        "payments": [
            { "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": 23_800 }
        ],
        "shipments": [
            { "carrier": "DHL", "tracking_number": format!("JD{tag}TRACK"), "shipped_at": iso(delivered - 2 * DAY), "delivered_at": iso(delivered) }
        ]
    });
    let (_, order) = send_json(base, Method::POST, "/api/v1/orders", &api_key, &order).await;
    let order_id = order["id"].as_i64().expect("order id");
    let full = reso::app::orders::by_id(state, merchant.id, order_id)
        .await
        .expect("order");
    let mug = full.lines.iter().find(|l| l.sku == "MUG-TI").unwrap();
    let ret = reso::app::returns::request(
        state,
        &merchant,
        order_id,
        ReturnRequest {
            lines: vec![RequestedLine {
                order_line_id: mug.id,
                quantity: 1,
                reason: ReturnReason::TooSmall,
            }],
            comment: format!("{tag} return comment"),
            refund_method: None,
            photos: vec![Photo {
                bytes: PNG.to_vec(),
            }],
        },
        &Actor::Buyer(buyer_email.clone()),
    )
    .await
    .expect("return");
    let claim = reso::app::claims::open(
        state,
        &merchant,
        order_id,
        ClaimKind::OtherProblem,
        &format!("{tag} claim statement about the tent"),
        vec![Upload {
            filename: format!("{tag}-invoice.pdf"),
            bytes: PDF.to_vec(),
        }],
        &buyer_email,
    )
    .await
    .expect("claim");
    assert_eq!(claim.claim.status, ClaimStatus::Escalated);
    let (_, claim_json) = send_json(
        base,
        Method::GET,
        &format!("/api/v1/claims/{}", claim.id),
        &api_key,
        &Value::Null,
    )
    .await;
    let document_id = claim_json["documents"][0]["id"].as_i64().expect("doc id");
    let attachment = |subject| {
        let merchant = merchant.clone();
        let buyer_email = buyer_email.clone();
        async move {
            reso::app::messages::post(
                state,
                &merchant,
                subject,
                &Author::Buyer(buyer_email),
                &format!("{tag} private message"),
                vec![Upload {
                    filename: format!("{tag}-receipt.pdf"),
                    bytes: PDF.to_vec(),
                }],
            )
            .await
            .expect("message")
            .attachments[0]
                .id
        }
    };
    let return_attachment_id = attachment(Subject::Return(ret.id)).await;
    let claim_attachment_id = attachment(Subject::Claim(claim.id)).await;
    let hook_url = format!("https://hooks.{}.test/reso", tag.to_lowercase());
    let (_, hook) = send_json(
        base,
        Method::POST,
        "/api/v1/webhooks",
        &api_key,
        &json!({ "url": hook_url }),
    )
    .await;
    let (_, account) = send_json(
        base,
        Method::PUT,
        "/api/v1/payment-providers/stripe",
        &api_key,
        &json!({ "base_url": "http://127.0.0.1:9/", "secrets": {
            "secret_key": format!("sk_test_{tag}FAKEfake4242"),
            "webhook_secret": format!("whsec_{tag}FAKEfake9876") } }),
    )
    .await;
    let access = BuyerAccess {
        merchant_id: merchant.id,
        order_id,
        email: buyer_email.clone(),
    };
    let link = sign_buyer_link(state, &access, START + MAGIC_LINK_MS);
    let quality_sku = format!("{tag}-LAMP-QA");
    let quality_alert_id = quality_alert(state, merchant.id, &quality_sku).await;
    let identifying = vec![
        number.clone(),
        buyer_email.clone(),
        buyer_name,
        format!("{tag} claim statement"),
        format!("{tag} private message"),
        format!("{tag}-invoice"),
        format!("{tag}-receipt"),
        format!("{tag} return comment"),
        format!("JD{tag}TRACK"),
        hook_url,
        admin_email.clone(),
        merchant.name.clone(),
        quality_sku,
    ];
    Tenant {
        api_key,
        admin_email,
        order_number: number,
        order_id,
        return_id: ret.id,
        photo_id: ret.photo_ids[0],
        claim_id: claim.id,
        document_id,
        return_attachment_id,
        claim_attachment_id,
        webhook_id: hook["id"].as_i64().expect("webhook id"),
        provider_account_id: account["id"].as_i64().expect("account id"),
        quality_alert_id,
        buyer_email,
        link,
        identifying,
        merchant,
    }
}

/// A quality alert of the shop's, as the worker's sweep would record it.
async fn quality_alert(state: &reso::AppState, merchant_id: i64, sku: &str) -> i64 {
    let mut tx = state.db.begin().await.expect("tx");
    let id = reso::store::quality_alerts::insert(
        &mut tx,
        &reso::store::quality_alerts::NewAlert {
            merchant_id,
            sku,
            title: "Brass desk lamp",
            rate_bp: 1_400,
            threshold_bp: 1_000,
            sold: 50,
            returned: 7,
            by_reason: &json!({ "defective": 7 }),
            comments: &[],
            window_from: START - 90 * DAY,
        },
        START,
    )
    .await
    .expect("quality alert");
    tx.commit().await.expect("commit");
    id
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let mut state = app.state.clone();
    state.sealing_key = Some(Arc::new(SecretKey::generate().0));
    let base = support::serve(reso::server::router(state.clone())).await;

    let a = tenant(&state, &base, app.merchant.clone(), "Acmeco").await;
    // A second order of A's (same shop, other buyer) for link swaps.
    let a2 = order_objects(
        &state,
        &base,
        app.merchant.clone(),
        a.api_key.clone(),
        a.admin_email.clone(),
        "Acmetwo",
    )
    .await;
    let beta = reso::app::merchants::create(
        &state,
        NewMerchant {
            slug: "beta-bikes".into(),
            name: "Betabikes Ciclismo".into(),
            support: SupportContact {
                email: "help@beta-bikes.test".into(),
                phone: "+39 06 7654321".into(),
                hours: "Mon–Sat 10–19".into(),
                url: "https://beta-bikes.test/help".into(),
            },
            return_address: "Betabikes Returns, Via Appia 9, 00100 Roma".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant B");
    let mut b = tenant(&state, &base, beta, "Betabikes").await;
    b.identifying.push("help@beta-bikes.test".into());
    b.identifying.push("Via Appia".into());

    let agent_email = "agent@acme.test".to_string();
    reso::app::merchants::create_staff(
        &state,
        app.merchant.id,
        &agent_email,
        "Agnes Agent",
        "agent",
        PASSWORD,
    )
    .await
    .expect("agent");
    reso::app::mediators::create(&state, MEDIATOR_EMAIL, "Maria Mediator", PASSWORD)
        .await
        .expect("mediator");
    let res = Client::new()
        .post(format!("{base}/api/v1/mediation/login"))
        .json(&json!({ "email": MEDIATOR_EMAIL, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "mediator login");
    let login: Value = res.json().await.unwrap();
    let mediator_token = login["token"].as_str().expect("token").to_string();
    // The strings the leak checks look for are real: B's own key reads them.
    let (_, own) = send_json(
        &base,
        Method::GET,
        &format!("/api/v1/claims/{}", b.claim_id),
        &b.api_key,
        &Value::Null,
    )
    .await;
    let own = own.to_string();
    for s in [&b.identifying[0], &b.identifying[1], &b.identifying[3]] {
        assert!(own.contains(s.as_str()), "{s} is not in B's claim: {own}");
    }
    World {
        app,
        base,
        a,
        b,
        a2,
        agent_email,
        mediator_token,
    }
}

/// Fails when `body` names any of `who`'s identifying strings.
fn assert_no_leak(body: &str, who: &Tenant, case: &str) {
    for s in &who.identifying {
        assert!(
            !body.contains(s.as_str()),
            "{case}: the answer names {s:?} of another shop:\n{}",
            &body[..body.len().min(2000)]
        );
    }
}

// ---------------------------------------------------------------- the API

/// What the matrix must not change of B's: its return, claim, order,
/// webhooks and provider accounts as B's own key sees them.
async fn snapshot_of_b(w: &World) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        format!("/api/v1/returns/{}", w.b.return_id),
        format!("/api/v1/claims/{}", w.b.claim_id),
        format!("/api/v1/orders/{}", w.b.order_number),
        "/api/v1/webhooks".to_string(),
        "/api/v1/payment-providers".to_string(),
        "/api/v1/merchant".to_string(),
    ] {
        let (_, json) = send_json(&w.base, Method::GET, &path, &w.b.api_key, &Value::Null).await;
        out.push(json);
    }
    out
}

/// How each path parameter of the API is filled: with B's objects. A new
/// parameter name fails here until it is given a value.
fn fill_api_param(path: &str, name: &str, b: &Tenant) -> String {
    let claim_path = path.contains("/claims/{id}");
    match name {
        "number" => b.order_number.clone(),
        "id" if path.starts_with("/api/v1/returns/") => b.return_id.to_string(),
        "id" if claim_path => b.claim_id.to_string(),
        "id" if path.starts_with("/api/v1/webhooks/") => b.webhook_id.to_string(),
        "doc_id" => b.document_id.to_string(),
        "attachment_id" if path.starts_with("/api/v1/returns/") => {
            b.return_attachment_id.to_string()
        }
        "attachment_id" if claim_path => b.claim_attachment_id.to_string(),
        "slug" => b.merchant.slug.clone(),
        "account_id" => b.provider_account_id.to_string(),
        "id" if path.starts_with("/api/v1/quality-alerts/") => b.quality_alert_id.to_string(),
        // Not an object of B's: a provider name, the same for every shop.
        "provider" => "stripe".into(),
        _ => panic!("{path}: no rule to fill path parameter {{{name}}}"),
    }
}

/// A valid request body for each operation that takes one (so an answer
/// reflects who may act, not a malformed body). A new operation with a
/// body fails here until it is given one.
enum Body {
    None,
    Json(Value),
    Multipart(&'static [(&'static str, &'static str)]),
    Text(&'static str),
}

fn api_body(method: &str, path: &str) -> Body {
    let j = Body::Json;
    match (method, path) {
        ("POST", "/api/v1/buyer/claims") => {
            j(json!({ "kind": "not_received", "text": "Where is it?" }))
        }
        ("POST", "/api/v1/buyer/claims/{id}/documents") => Body::Multipart(&[("message", "here")]),
        ("POST", "/api/v1/buyer/claims/{id}/reaction") => {
            j(json!({ "reaction": "disagree", "message": "no" }))
        }
        ("POST", "/api/v1/claims/{id}/answer") => j(json!({ "refund": "no", "message": "no" })),
        ("POST", "/api/v1/claims/{id}/dispute-answer") => j(json!({ "answer": "accept" })),
        ("POST", "/api/v1/claims/{id}/documents") => Body::Multipart(&[("message", "here")]),
        ("POST", "/api/v1/claims/{id}/messages") => Body::Multipart(&[("body", "hello")]),
        ("POST", "/api/v1/mediation/claims/{id}/decide") => {
            j(json!({ "amount_minor": 0, "message": "no" }))
        }
        ("POST", "/api/v1/mediation/claims/{id}/messages") => Body::Multipart(&[("body", "hello")]),
        ("POST", "/api/v1/mediation/claims/{id}/request-documents") => {
            j(json!({ "message": "please" }))
        }
        ("POST", "/api/v1/mediation/login") => {
            j(json!({ "email": "ops@acme.test", "password": PASSWORD }))
        }
        ("POST", "/api/v1/decision-matrix/what-if") => {
            j(json!({ "decision_matrix": { "rules": [] } }))
        }
        ("PUT", "/api/v1/merchant") => j(json!({})),
        ("PUT", "/api/v1/merchant/protection") => j(json!({})),
        ("POST", "/api/v1/orders") => j(json!({})),
        ("POST", "/api/v1/orders/{number}/refunds") => {
            j(json!({ "amount_minor": 100, "method": "original_payment", "reason": "goodwill" }))
        }
        ("POST", "/api/v1/orders/{number}/returns") => {
            j(json!({ "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "too_small" }] }))
        }
        ("PUT", "/api/v1/payment-providers/{provider}") => j(json!({})),
        ("POST", "/api/v1/returns/{id}/inspect") => j(json!({ "lines": [] })),
        ("POST", "/api/v1/returns/{id}/messages") => Body::Multipart(&[("body", "hello")]),
        ("POST", "/api/v1/returns/{id}/photos") => Body::Multipart(&[]),
        ("POST", "/api/v1/returns/{id}/refund") => j(json!({})),
        ("POST", "/api/v1/returns/{id}/reject") => j(json!({ "reason": "no" })),
        ("POST", "/api/v1/returns/{id}/request-photos") => j(json!({ "message": "please" })),
        ("POST", "/api/v1/returns/{id}/shipment") => {
            j(json!({ "tracking_number": "X1", "carrier": "DHL" }))
        }
        ("POST", "/api/v1/webhooks") => j(json!({ "url": "https://hooks.acme.test/x" })),
        ("POST", "/webhooks/payments/{account_id}") => Body::Text("{\"id\":\"evt_1\"}"),
        _ => Body::None,
    }
}

struct Operation {
    method: String,
    template: String,
    schemes: Vec<String>,
    has_body: bool,
}

async fn operations(w: &World) -> Vec<Operation> {
    let doc: Value = Client::new()
        .get(w.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut out = Vec::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            let schemes = op["security"]
                .as_array()
                .map(|reqs| {
                    reqs.iter()
                        .flat_map(|r| r.as_object().unwrap().keys().cloned())
                        .collect()
                })
                .unwrap_or_default();
            out.push(Operation {
                method: method.to_uppercase(),
                template: template.clone(),
                schemes,
                has_body: op.get("requestBody").is_some(),
            });
        }
    }
    out
}

fn fill(template: &str, b: &Tenant) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        path.push_str(&rest[..start]);
        path.push_str(&fill_api_param(template, &rest[start + 1..end], b));
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    path
}

async fn call(w: &World, op: &Operation, path: &str, key: Option<&str>) -> (StatusCode, String) {
    let method = Method::from_bytes(op.method.as_bytes()).unwrap();
    let mut req = Client::new().request(method, w.url(path));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    if op.template.ends_with("/refunds") || op.template.ends_with("/refund") {
        req = req.header("Idempotency-Key", reso::app::auth::random_token(8));
    }
    req = match api_body(&op.method, &op.template) {
        Body::None => req,
        Body::Json(v) => req.json(&v),
        Body::Text(t) => req.header("content-type", "text/plain").body(t),
        Body::Multipart(fields) => {
            let mut form = Form::new();
            for (k, v) in fields {
                form = form.text(*k, *v);
            }
            let file = |name: &str| Part::bytes(PDF.to_vec()).file_name(name.to_string());
            form = form
                .part("attachment", file("a.pdf"))
                .part("document", file("d.pdf"))
                .part("photo", Part::bytes(PNG.to_vec()).file_name("p.png"));
            req.multipart(form)
        }
    };
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// 401 for a credential that is missing or not valid, whatever the scheme.
fn unauthorized(_scheme: &str, s: StatusCode) -> bool {
    s == StatusCode::UNAUTHORIZED
}

#[tokio::test]
async fn every_api_operation_keeps_shops_apart() {
    let w = world().await;
    let before = snapshot_of_b(&w).await;
    let ops = operations(&w).await;
    assert!(
        ops.len() >= 50,
        "the document lists {} operations",
        ops.len()
    );
    let mut failures = Vec::new();
    let mut fail = |case: String| failures.push(case);
    for op in &ops {
        if op.has_body {
            assert!(
                !matches!(api_body(&op.method, &op.template), Body::None),
                "{} {}: give it a request body in api_body",
                op.method,
                op.template
            );
        }
        let path = fill(&op.template, &w.b);
        let name = format!("{} {}", op.method, path);
        let object_of_b = op.template.contains('{') && !op.template.contains("{provider}");
        match op.schemes.as_slice() {
            [s] if s == "api_key" || s == "buyer_link" || s == "mediator" => {
                for (who, key) in [
                    ("no credentials", None),
                    ("a bad key", Some("reso_not-a-key")),
                ] {
                    let (status, body) = call(&w, op, &path, key).await;
                    if !unauthorized(s, status) {
                        fail(format!("{name} with {who}: {status}, expected 401"));
                    }
                    assert_no_leak(&body, &w.b, &name);
                }
                // A's credential of the same kind, on B's objects.
                let a_key = match s.as_str() {
                    "api_key" => w.a.api_key.as_str(),
                    "buyer_link" => w.a.link.as_str(),
                    _ => w.mediator_token.as_str(),
                };
                if s == "mediator" {
                    // Mediators work for the operator across shops (PRODUCT.md):
                    // only shop credentials are refused here.
                    for (who, key) in [("A's API key", &w.a.api_key), ("A's buyer link", &w.a.link)]
                    {
                        let (status, body) = call(&w, op, &path, Some(key)).await;
                        if status != StatusCode::UNAUTHORIZED {
                            fail(format!("{name} with {who}: {status}, expected 401"));
                        }
                        assert_no_leak(&body, &w.b, &name);
                    }
                    continue;
                }
                let (status, body) = call(&w, op, &path, Some(a_key)).await;
                if status.is_server_error() || (object_of_b && status != StatusCode::NOT_FOUND) {
                    fail(format!("{name} with A's {s}: {status}: {body:.300}"));
                }
                assert_no_leak(&body, &w.b, &format!("{name} with A's {s}"));
                // The other shop's credential kinds open nothing either.
                let other = if s == "api_key" {
                    &w.mediator_token
                } else {
                    &w.a.api_key
                };
                let (status, body) = call(&w, op, &path, Some(other)).await;
                if !unauthorized(s, status) {
                    fail(format!("{name} with another kind of credential: {status}"));
                }
                assert_no_leak(&body, &w.b, &name);
            }
            // Open by design: the mediators' login and providers' signed notifications.
            [] => {
                let (status, body) = call(&w, op, &path, Some(&w.a.api_key)).await;
                if !status.is_client_error() {
                    fail(format!(
                        "{name} unsigned / with shop credentials: {status}: {body:.300}"
                    ));
                }
                assert_no_leak(&body, &w.b, &name);
            }
            other => panic!("{name}: no rule for security {other:?}"),
        }
    }
    assert!(
        failures.is_empty(),
        "isolation failures:\n{}",
        failures.join("\n")
    );
    assert_eq!(snapshot_of_b(&w).await, before, "B's objects changed");
    drop(w.app);
}

/// Every route of the API router is in the document, so the matrix above
/// sees it.
#[test]
fn every_api_route_is_documented() {
    let source = include_str!("../src/api/mod.rs");
    let doc = serde_json::to_value(<reso::api::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut missing = Vec::new();
    for route in route_paths(source) {
        let full = if route.starts_with("/api/") || route.starts_with("/webhooks/payments") {
            route.clone()
        } else {
            format!("/api/v1{route}")
        };
        if full != "/api/openapi.json" && !paths.contains_key(&full) {
            missing.push(full);
        }
    }
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document: {missing:?}"
    );
}

/// The literal paths of `.route("…"` calls in a router's source.
fn route_paths(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for piece in source.split(".route(").skip(1) {
        let piece = piece.trim_start().trim_start_matches("&format!(");
        if let Some(rest) = piece.strip_prefix('"') {
            let path = rest.split('"').next().unwrap();
            out.insert(path.replace("{{", "{").replace("}}", "}"));
        }
    }
    out
}

/// A buyer link whose signature does not verify is a credential that is not
/// valid: 401, like every other scheme's.
#[tokio::test]
async fn a_buyer_link_that_does_not_verify_is_401() {
    let w = world().await;
    let res = Client::new()
        .get(w.url("/api/v1/buyer/order"))
        .bearer_auth(tampered(&w.a.link))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// The link with the last character of its signature changed.
fn tampered(link: &str) -> String {
    let mut t = link.to_string();
    let last = t.pop().unwrap();
    t.push(if last == 'A' { 'B' } else { 'A' });
    t
}

// ---------------------------------------------------------------- pages

/// Every page route: method, path template. Checked against the routers'
/// source by `the_page_tables_list_every_route`.
const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/login"),
    ("POST", "/admin/login"),
    ("POST", "/admin/logout"),
    ("GET", "/admin/returns"),
    ("GET", "/admin/insights"),
    ("GET", "/admin/returns/{id}"),
    ("GET", "/admin/returns/{id}/photos/{photo_id}"),
    ("POST", "/admin/returns/{id}/authorize"),
    ("POST", "/admin/returns/{id}/reject"),
    ("POST", "/admin/returns/{id}/request-photos"),
    ("POST", "/admin/returns/{id}/tracking"),
    ("POST", "/admin/returns/{id}/receive"),
    ("POST", "/admin/returns/{id}/inspect"),
    ("POST", "/admin/returns/{id}/refund"),
    ("GET", "/admin/claims"),
    ("GET", "/admin/claims/{id}"),
    ("GET", "/admin/claims/{id}/documents/{doc_id}"),
    ("POST", "/admin/claims/{id}/answer"),
    ("POST", "/admin/claims/{id}/documents"),
    ("POST", "/admin/claims/{id}/dispute-answer"),
    ("GET", "/admin/messages"),
    ("GET", "/admin/returns/{id}/messages"),
    ("POST", "/admin/returns/{id}/messages"),
    ("POST", "/admin/returns/{id}/messages/read"),
    (
        "GET",
        "/admin/returns/{id}/messages/attachments/{attachment_id}",
    ),
    ("GET", "/admin/claims/{id}/messages"),
    ("POST", "/admin/claims/{id}/messages"),
    ("POST", "/admin/claims/{id}/messages/read"),
    (
        "GET",
        "/admin/claims/{id}/messages/attachments/{attachment_id}",
    ),
    ("GET", "/admin/orders/{id}"),
    ("POST", "/admin/orders/{id}/goodwill"),
    ("GET", "/admin/orders/{id}/evidence.zip"),
    ("GET", "/admin/exports/returns.csv"),
    ("GET", "/admin/exports/refunds.csv"),
    ("GET", "/admin/exports/claims.csv"),
    ("GET", "/admin/settings"),
    ("POST", "/admin/settings"),
    ("GET", "/admin/settings/protection"),
    ("POST", "/admin/settings/protection"),
    ("POST", "/admin/settings/webhooks"),
    ("POST", "/admin/settings/webhooks/{id}/disable"),
    ("POST", "/admin/settings/api-keys"),
    ("POST", "/admin/settings/decision-matrix/what-if"),
    ("GET", "/admin/quality-alerts"),
    ("POST", "/admin/quality-alerts/rule"),
    ("POST", "/admin/quality-alerts/{id}/acknowledge"),
];

const BUYER_ROUTES: &[(&str, &str)] = &[
    ("GET", "/s/{slug}/help"),
    ("GET", "/s/{slug}/returns"),
    ("POST", "/s/{slug}/returns"),
    ("GET", "/s/{slug}/o/{token}"),
    ("POST", "/s/{slug}/o/{token}/returns"),
    ("GET", "/s/{slug}/o/{token}/r/{return_id}"),
    ("POST", "/s/{slug}/o/{token}/r/{return_id}/tracking"),
    ("POST", "/s/{slug}/o/{token}/r/{return_id}/photos"),
    ("POST", "/s/{slug}/o/{token}/r/{return_id}/withdraw"),
    ("GET", "/s/{slug}/o/{token}/r/{return_id}/messages"),
    ("POST", "/s/{slug}/o/{token}/r/{return_id}/messages"),
    (
        "GET",
        "/s/{slug}/o/{token}/r/{return_id}/messages/attachments/{attachment_id}",
    ),
    ("POST", "/s/{slug}/o/{token}/protection/conclude"),
    ("GET", "/s/{slug}/o/{token}/claims/new"),
    ("POST", "/s/{slug}/o/{token}/claims/new"),
    ("GET", "/s/{slug}/o/{token}/claims/{id}"),
    ("POST", "/s/{slug}/o/{token}/claims/{id}/react"),
    ("GET", "/s/{slug}/o/{token}/claims/{id}/messages"),
    ("POST", "/s/{slug}/o/{token}/claims/{id}/messages"),
    (
        "GET",
        "/s/{slug}/o/{token}/claims/{id}/messages/attachments/{attachment_id}",
    ),
];

const MEDIATOR_ROUTES: &[(&str, &str)] = &[
    ("GET", "/mediator"),
    ("GET", "/mediator/login"),
    ("POST", "/mediator/login"),
    ("POST", "/mediator/logout"),
    ("GET", "/mediator/claims/{id}"),
    ("GET", "/mediator/claims/{id}/documents/{doc_id}"),
    ("POST", "/mediator/claims/{id}/messages"),
    (
        "GET",
        "/mediator/claims/{id}/messages/attachments/{attachment_id}",
    ),
    ("POST", "/mediator/claims/{id}/request-documents"),
    ("POST", "/mediator/claims/{id}/decide"),
    ("POST", "/mediator/claims/{id}/insolvent"),
];

/// The route paths of the page routers' source; `{kind}` stands for both
/// conversation kinds.
fn page_routes_in_source(prefix: &str) -> BTreeSet<String> {
    let sources = [
        include_str!("../src/web/admin/mod.rs"),
        include_str!("../src/web/admin/claims.rs"),
        include_str!("../src/web/admin/messages.rs"),
        include_str!("../src/web/admin/evidence.rs"),
        include_str!("../src/web/admin/exports.rs"),
        include_str!("../src/web/admin/quality_alerts.rs"),
        include_str!("../src/web/buyer/mod.rs"),
        include_str!("../src/web/buyer/protection.rs"),
        include_str!("../src/web/buyer/messages.rs"),
        include_str!("../src/web/mediator/mod.rs"),
    ];
    let mut out = BTreeSet::new();
    for path in sources.iter().flat_map(|s| route_paths(s)) {
        if !path.starts_with(prefix) {
            continue;
        }
        if path.contains("{kind}") {
            out.insert(path.replace("{kind}", "returns"));
            out.insert(path.replace("{kind}", "claims"));
        } else {
            out.insert(path);
        }
    }
    out
}

#[test]
fn the_page_tables_list_every_route() {
    for (prefix, table) in [
        ("/admin", ADMIN_ROUTES),
        ("/s/", BUYER_ROUTES),
        ("/mediator", MEDIATOR_ROUTES),
    ] {
        let listed: BTreeSet<String> = table.iter().map(|(_, p)| p.to_string()).collect();
        let routed = page_routes_in_source(prefix);
        assert_eq!(
            listed, routed,
            "the {prefix} table differs from the routers: add new routes to it"
        );
    }
}

fn fill_page(template: &str, t: &Tenant, slug: &str, token: &str) -> String {
    let claim_path = template.contains("/claims/{id}");
    let mut path = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        path.push_str(&rest[..start]);
        let value = match &rest[start + 1..end] {
            "slug" => slug.to_string(),
            "token" => token.to_string(),
            "return_id" => t.return_id.to_string(),
            "photo_id" => t.photo_id.to_string(),
            "doc_id" => t.document_id.to_string(),
            "id" if claim_path => t.claim_id.to_string(),
            "id" if template.starts_with("/admin/returns/") => t.return_id.to_string(),
            "id" if template.starts_with("/admin/orders/") => t.order_id.to_string(),
            "id" if template.starts_with("/admin/settings/webhooks/") => t.webhook_id.to_string(),
            "id" if template.starts_with("/admin/quality-alerts/") => {
                t.quality_alert_id.to_string()
            }
            "attachment_id" if claim_path => t.claim_attachment_id.to_string(),
            "attachment_id" => t.return_attachment_id.to_string(),
            other => panic!("{template}: no rule to fill {{{other}}}"),
        };
        path.push_str(&value);
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    path
}

/// Sends a page request as a browser would: forms carry `csrf` and a
/// plausible value for every field the forms have; uploads are multipart.
async fn page_call(
    w: &World,
    client: &Client,
    method: &str,
    path: &str,
    csrf: &str,
) -> (StatusCode, String, String) {
    let req = if method == "GET" {
        client.get(w.url(path))
    } else {
        let fields: Vec<(&str, &str)> = vec![
            ("csrf", csrf),
            ("reason", "no"),
            ("message", "no"),
            ("body", "hello"),
            ("tracking_number", "X1"),
            ("carrier", "DHL"),
            ("refund", "no"),
            ("answer", "accept"),
            ("amount", "1.00"),
            ("method", "original_payment"),
            ("token", "t1"),
            ("url", "https://hooks.acme.test/y"),
            ("name", "k"),
            ("reaction", "disagree"),
            ("kind", "not_received"),
            ("text", "where"),
        ];
        let multipart = path.ends_with("/messages")
            || path.ends_with("/documents")
            || path.ends_with("/answer")
            || path.ends_with("/photos")
            || path.ends_with("/claims/new")
            || (path.starts_with("/s/") && path.ends_with("/returns"));
        if multipart {
            let mut form = Form::new();
            for (k, v) in fields {
                form = form.text(k, v.to_string());
            }
            client.post(w.url(path)).multipart(form)
        } else {
            client.post(w.url(path)).form(&fields)
        }
    };
    let res = req.send().await.expect("request");
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap_or_default())
}

async fn staff_login(w: &World, email: &str) -> (Client, String) {
    let client = browser();
    let res = client
        .post(w.url("/admin/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {email}");
    let html = client
        .get(w.url("/admin/returns"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (client, input_value(&html, "csrf"))
}

async fn mediator_login(w: &World) -> (Client, String) {
    let client = browser();
    let res = client
        .post(w.url("/mediator/login"))
        .form(&[("email", MEDIATOR_EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "mediator login");
    let html = client
        .get(w.url(&format!("/mediator/claims/{}", w.b.claim_id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (client, input_value(&html, "csrf"))
}

fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name} in page"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Routes anyone may open: sign-in pages and the sign-out button.
fn public(path: &str) -> bool {
    path.ends_with("/login") || path.ends_with("/logout") || path == "/admin"
}

#[tokio::test]
async fn admin_pages_keep_shops_apart() {
    let w = world().await;
    let before = snapshot_of_b(&w).await;
    let (staff_a, csrf) = staff_login(&w, &w.a.admin_email).await;
    let (agent, agent_csrf) = staff_login(&w, &w.agent_email).await;
    let (mediator, mediator_csrf) = mediator_login(&w).await;
    let anonymous = browser();
    let mut failures = Vec::new();
    for (method, template) in ADMIN_ROUTES {
        if public(template) {
            continue;
        }
        let path = fill_page(template, &w.b, "", "");
        let case = format!("{method} {path}");

        let (status, location, body) = page_call(&w, &staff_a, method, &path, &csrf).await;
        assert_no_leak(&body, &w.b, &format!("{case} as A's admin"));
        if template.contains('{') && status != StatusCode::NOT_FOUND {
            failures.push(format!("{case} as A's admin: {status} {location}"));
        }
        if status.is_server_error() {
            failures.push(format!("{case} as A's admin: {status}"));
        }

        for (who, client, token) in [
            ("no session", &anonymous, "x"),
            ("a mediator session", &mediator, mediator_csrf.as_str()),
        ] {
            let (status, location, body) = page_call(&w, client, method, &path, token).await;
            assert_no_leak(&body, &w.b, &case);
            let to_login = status == StatusCode::SEE_OTHER && location.starts_with("/admin/login");
            if !(to_login || status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN)
            {
                failures.push(format!("{case} with {who}: {status} {location}"));
            }
        }

        // Settings are for admins: an agent of A gets 403 on A's own settings.
        if template.starts_with("/admin/settings") {
            let own = fill_page(template, &w.a, "", "");
            let (status, _, _) = page_call(&w, &agent, method, &own, &agent_csrf).await;
            if status != StatusCode::FORBIDDEN {
                failures.push(format!(
                    "{method} {own} as A's agent: {status}, expected 403"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "admin isolation failures:\n{}",
        failures.join("\n")
    );
    // The agent works the queue all the same.
    let res = agent.get(w.url("/admin/returns")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // B's data is untouched.
    assert_eq!(snapshot_of_b(&w).await, before, "B's objects changed");
}

#[tokio::test]
async fn a_buyer_link_opens_only_its_own_order() {
    let w = world().await;
    let client = browser();
    let acme = w.a.merchant.slug.clone();
    let beta = w.b.merchant.slug.clone();
    let expired = sign_buyer_link(
        &w.app.state,
        &BuyerAccess {
            merchant_id: w.a.merchant.id,
            order_id: w.a.order_id,
            email: w.a.buyer_email.clone(),
        },
        START - 1,
    );
    let mut failures = Vec::new();
    for (method, template) in BUYER_ROUTES {
        if !template.contains("{token}") {
            continue;
        }
        let has_object = template.contains("{return_id}") || template.contains("{id}");
        // (link, slug, objects of, whose strings must not show, expected refusal)
        let mut cases = vec![
            ("A's link, B's shop", w.a.link.clone(), beta.clone(), &w.b),
            ("B's link, A's shop", w.b.link.clone(), acme.clone(), &w.b),
            ("an expired link", expired.clone(), acme.clone(), &w.a),
            ("a tampered link", tampered(&w.a.link), acme.clone(), &w.a),
        ];
        if has_object {
            cases.push((
                "one order's link, another order's objects",
                w.a.link.clone(),
                acme.clone(),
                &w.a2,
            ));
        }
        for (who, link, slug, objects) in cases {
            let path = fill_page(template, objects, &slug, &link);
            let (status, location, body) = page_call(&w, &client, method, &path, "x").await;
            let case = format!("{method} {template} with {who}");
            let secrets = if std::ptr::eq(objects, &w.a) {
                &w.b
            } else {
                objects
            };
            assert_no_leak(&body, secrets, &case);
            if !status.is_client_error() {
                failures.push(format!("{case}: {status} {location}"));
            }
            let object_swap =
                who.starts_with("one order") || who.starts_with("A's") || who.starts_with("B's");
            if object_swap && status != StatusCode::NOT_FOUND {
                failures.push(format!("{case}: {status}, expected 404"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "buyer link failures:\n{}",
        failures.join("\n")
    );
    // The right link still opens its order.
    let res = client
        .get(w.url(&format!("/s/{acme}/o/{}/r/{}", w.a.link, w.a.return_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// Mediators work for the operator, across shops (PRODUCT.md: "takes
/// escalated claims, reads both sides"): their console opens B's escalated
/// claim. A staff session is not a mediator session, and the other way round.
#[tokio::test]
async fn staff_and_mediator_sessions_are_not_interchangeable() {
    let w = world().await;
    let (staff_a, csrf) = staff_login(&w, &w.a.admin_email).await;
    let (mediator, _) = mediator_login(&w).await;
    let anonymous = browser();
    let mut failures = Vec::new();
    for (method, template) in MEDIATOR_ROUTES {
        if public(template) {
            continue;
        }
        let path = fill_page(template, &w.b, "", "");
        for (who, client) in [("A's staff session", &staff_a), ("no session", &anonymous)] {
            let (status, location, body) = page_call(&w, client, method, &path, &csrf).await;
            assert_no_leak(&body, &w.b, &path);
            let to_login =
                status == StatusCode::SEE_OTHER && location.starts_with("/mediator/login");
            if !(to_login || status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN)
            {
                failures.push(format!("{method} {path} with {who}: {status} {location}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "mediator console failures:\n{}",
        failures.join("\n")
    );
    for path in [
        format!("/mediator/claims/{}", w.b.claim_id),
        format!(
            "/mediator/claims/{}/documents/{}",
            w.b.claim_id, w.b.document_id
        ),
    ] {
        let res = mediator.get(w.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "mediator on {path}");
    }
    // A staff password does not open the console, nor a mediator's the control center.
    let res = anonymous
        .post(w.url("/mediator/login"))
        .form(&[("email", w.a.admin_email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = anonymous
        .post(w.url("/admin/login"))
        .form(&[("email", MEDIATOR_EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
