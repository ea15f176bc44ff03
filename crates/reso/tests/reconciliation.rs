//! Reconciliation against fake providers on loopback: a Stripe that lists
//! refunds (its list requests checked against Stripe's official spec), a
//! Klarna order with its refunds, and an Adyen refund Reso heard of only by
//! notification. Differences are reported, dashboard refunds imported once,
//! a dry run changes nothing, and the `reso reconcile` binary answers cron
//! with its exit code. Runs on PostgreSQL too with RESO_TEST_POSTGRES_URL
//! (the binary's test stays on SQLite).

mod support;

use axum::http::HeaderMap;
use reso::app::payment_providers::{self, Connection};
use reso::app::provider_notifications::receive_with;
use reso::app::reconciliation::{reconcile, Report, Scope};
use reso::gateways::notification::{
    ProviderNotification, RefundNews, RefundState, Rejection, Subject,
};
use reso::gateways::providers::{Mode, Provider, ProviderAccount};
use reso::secrets::{Secret, SecretKey};
use reso::AppState;
use reso_domain::{Currency, Money, Timestamp};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use support::fake_provider::{FakeProvider, Recorded, Reply};
use support::provider_spec::ProviderSpec;
use support::{sample_order, TestApp, DAY, START};

// ---- a fake Stripe that lists the refunds it holds ----

type Refunds = Arc<Mutex<Vec<Value>>>;

/// A refund as Stripe shows it.
fn stripe_refund(id: &str, payment: &str, amount: i64, status: &str, reso: Option<i64>) -> Value {
    let metadata = match reso {
        Some(id) => json!({ "reso_refund_id": format!("reso-refund-{id}") }),
        None => json!({}),
    };
    json!({
        "id": id, "object": "refund", "amount": amount, "currency": "eur",
        "charge": format!("ch_{payment}"), "payment_intent": payment,
        "metadata": metadata, "status": status, "created": START / 1000,
    })
}

/// `GET /v1/refunds?payment_intent=…`: two refunds a page (smaller than
/// Stripe's, so that paging is exercised), `starting_after` honoured; a
/// PaymentIntent named `pi_down` answers 500.
fn list_refunds(refunds: &Refunds, request: &Recorded) -> Reply {
    let query = request
        .path_and_query
        .split_once('?')
        .map_or("", |(_, q)| q);
    let params: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if request.method != "GET" || request.path() != "/v1/refunds" {
        return Reply::json(404, json!({"error": {"type": "invalid_request_error"}}));
    }
    let payment = param("payment_intent").unwrap_or_default();
    if payment == "pi_down" {
        return Reply::json(
            500,
            json!({"error": {"type": "api_error", "message": "down"}}),
        );
    }
    let all: Vec<Value> = refunds
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r["payment_intent"] == payment.as_str())
        .cloned()
        .collect();
    let start = match param("starting_after") {
        Some(after) => all
            .iter()
            .position(|r| r["id"] == after.as_str())
            .map_or(all.len(), |i| i + 1),
        None => 0,
    };
    let page: Vec<Value> = all.iter().skip(start).take(2).cloned().collect();
    let has_more = start + page.len() < all.len();
    Reply::json(
        200,
        json!({ "object": "list", "url": "/v1/refunds", "has_more": has_more, "data": page }),
    )
}

async fn fake_stripe(refunds: &Refunds) -> FakeProvider {
    let refunds = refunds.clone();
    FakeProvider::start(
        ProviderSpec::load("stripe-spec3-2022-04.json"),
        move |request| list_refunds(&refunds, request),
    )
    .await
}

// ---- the shop ----

/// Names and values of an account's settings or secrets.
type Pairs = Vec<(&'static str, &'static str)>;

struct Shop {
    app: TestApp,
    /// The app's state with a key to open provider secrets.
    state: AppState,
}

async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let mut state = app.state.clone();
    state.sealing_key = Some(Arc::new(SecretKey::generate().0));
    Shop { app, state }
}

impl Shop {
    async fn connect(&self, provider: Provider, base_url: &str) -> i64 {
        let (settings, secrets): (Pairs, Pairs) = match provider {
            Provider::Stripe => (
                vec![],
                vec![
                    ("secret_key", "sk_test_reconcile_1234"),
                    ("webhook_secret", "whsec_reconcile"),
                ],
            ),
            Provider::Klarna => (
                vec![("username", "PK_reso_test")],
                vec![("password", "klarna-password")],
            ),
            Provider::Adyen => (
                vec![("merchant_account", "ResoShop")],
                vec![("api_key", "adyen-key"), ("hmac_key", "00ff")],
            ),
            Provider::Paypal => unreachable!("not used here"),
        };
        let account = payment_providers::connect(
            &self.state,
            self.app.merchant.id,
            provider,
            Connection {
                base_url: Some(base_url.into()),
                mode: Mode::Test,
                settings: settings
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                secrets: secrets
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Secret::new(v)))
                    .collect(),
            },
        )
        .await
        .expect("connect");
        account.id
    }

    /// An order paid through `gateway` with `reference` (23,800 captured).
    async fn order(&self, number: &str, gateway: &str, reference: &str) {
        let mut order = sample_order(number, "ada@example.com", START - 3 * DAY);
        order["payments"][0]["gateway"] = json!(gateway);
        order["payments"][0]["reference"] = json!(reference);
        self.app.create_order(&order).await;
    }

    /// A goodwill refund through the provider, pending; its id.
    async fn refund(&self, number: &str, amount_minor: i64) -> i64 {
        let res = self
            .app
            .api_post(
                &format!("/api/v1/orders/{number}/refunds"),
                &json!({ "amount_minor": amount_minor, "method": "original_payment", "reason": "late parcel" }),
            )
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["items"][0]["status"], "pending", "{body}");
        body["items"][0]["id"].as_i64().unwrap()
    }

    /// A refund the provider confirmed under `gateway_refund_id`.
    async fn refund_sent(&self, number: &str, amount_minor: i64, gateway_refund_id: &str) -> i64 {
        let id = self.refund(number, amount_minor).await;
        reso::app::refunds::settle(&self.state, id, Ok(gateway_refund_id.into()))
            .await
            .unwrap();
        id
    }

    async fn reconcile(&self, dry_run: bool) -> Report {
        let scope = Scope {
            dry_run,
            ..Scope::default()
        };
        let http = reso::gateways::provider_http().unwrap();
        reconcile(&self.state, &scope, &http)
            .await
            .expect("reconcile")
    }

    async fn refunded(&self, reference: &str) -> i64 {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query_scalar("SELECT refunded_minor FROM payments WHERE reference = $1")
            .bind(reference)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }

    /// Every refund: (id, amount, status, gateway id, method).
    async fn refunds(&self) -> Vec<(i64, i64, String, Option<String>, String)> {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query(
            "SELECT id, amount_minor, status, gateway_refund_id, method FROM refunds ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get("id"),
                r.get("amount_minor"),
                r.get("status"),
                r.get("gateway_refund_id"),
                r.get("method"),
            )
        })
        .collect()
    }

    async fn imported_events(&self) -> Vec<Value> {
        let mut conn = self.state.db.reader().acquire().await.unwrap();
        sqlx::query("SELECT data FROM events WHERE kind = 'refund.imported' ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|r| serde_json::from_str(&r.get::<String, _>("data")).unwrap())
            .collect()
    }
}

fn kinds(report: &Report) -> Vec<&str> {
    let mut kinds: Vec<&str> = report.findings.iter().map(|f| f.kind).collect();
    kinds.sort_unstable();
    kinds
}

#[tokio::test]
async fn stripe_differences_are_reported_and_dashboard_refunds_imported_once() {
    let shop = shop().await;
    let refunds: Refunds = Arc::default();
    let stripe = fake_stripe(&refunds).await;
    shop.connect(Provider::Stripe, &stripe.base_url).await;
    shop.order("5001", "stripe", "pi_5001").await;
    let matching = shop.refund_sent("5001", 5_000, "re_match").await;
    let other_amount = shop.refund_sent("5001", 3_000, "re_amount").await;
    let gone = shop.refund_sent("5001", 2_000, "re_gone").await;
    // Sent, but the worker never heard back; Stripe has it succeeded.
    let unheard = shop.refund("5001", 1_000).await;
    refunds.lock().unwrap().extend([
        stripe_refund("re_match", "pi_5001", 5_000, "succeeded", Some(matching)),
        stripe_refund(
            "re_amount",
            "pi_5001",
            2_500,
            "succeeded",
            Some(other_amount),
        ),
        stripe_refund("re_unheard", "pi_5001", 1_000, "succeeded", Some(unheard)),
        stripe_refund("re_dashboard", "pi_5001", 4_000, "succeeded", None),
    ]);
    assert_eq!(shop.refunded("pi_5001").await, 11_000);
    let before = shop.refunds().await;

    let dry = shop.reconcile(true).await;
    assert_eq!(
        kinds(&dry),
        [
            "amount_differs",
            "missing_at_provider",
            "state_differs",
            "unknown_to_reso"
        ],
        "{dry:#?}"
    );
    assert!(dry.errors.is_empty(), "{:?}", dry.errors);
    assert_eq!(dry.payments_checked, 1);
    assert_eq!(shop.refunds().await, before, "a dry run changes nothing");
    assert_eq!(shop.refunded("pi_5001").await, 11_000);
    assert!(shop.imported_events().await.is_empty());

    let first = shop.reconcile(false).await;
    assert_eq!(kinds(&first), kinds(&dry));
    let find = |kind: &str| first.findings.iter().find(|f| f.kind == kind).unwrap();
    assert_eq!(find("missing_at_provider").refund_id, Some(gone));
    let amount = find("amount_differs");
    assert_eq!(amount.refund_id, Some(other_amount));
    assert_eq!(
        (amount.reso_amount_minor, amount.provider_amount_minor),
        (Some(3_000), Some(2_500))
    );
    let state = find("state_differs");
    assert_eq!(state.refund_id, Some(unheard));
    assert_eq!(state.action, "settled it as succeeded");
    let unknown = find("unknown_to_reso");
    let imported = unknown.refund_id.expect("imported");
    assert_eq!(unknown.action, format!("imported as refund {imported}"));

    let after = shop.refunds().await;
    assert_eq!(after.len(), before.len() + 1);
    let row = after.iter().find(|r| r.0 == imported).unwrap();
    assert_eq!(
        (row.1, row.2.as_str(), row.3.as_deref(), row.4.as_str()),
        (4_000, "succeeded", Some("re_dashboard"), "original_payment")
    );
    let unheard_row = after.iter().find(|r| r.0 == unheard).unwrap();
    assert_eq!(
        (unheard_row.2.as_str(), unheard_row.3.as_deref()),
        ("succeeded", Some("re_unheard"))
    );
    assert_eq!(shop.refunded("pi_5001").await, 15_000);
    let events = shop.imported_events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["refund_id"], imported);
    assert_eq!(events[0]["gateway_refund_id"], "re_dashboard");
    assert_eq!(events[0]["order_number"], "5001");

    // Again: what Reso cannot mend is reported again, nothing changes.
    let second = shop.reconcile(false).await;
    assert_eq!(kinds(&second), ["amount_differs", "missing_at_provider"]);
    assert_eq!(shop.refunds().await, after);
    assert_eq!(shop.refunded("pi_5001").await, 15_000);
    assert_eq!(shop.imported_events().await.len(), 1);

    // Every list request is what Stripe documents, and pages were followed.
    stripe.assert_requests_match_spec();
    let lists = stripe.requests();
    assert!(lists
        .iter()
        .all(|r| r.path_and_query.contains("payment_intent=pi_5001")
            && r.header("authorization") == Some("Bearer sk_test_reconcile_1234")));
    assert!(lists
        .iter()
        .any(|r| r.path_and_query.contains("starting_after=re_amount")));
}

#[tokio::test]
async fn stripe_list_requests_breaking_the_spec_are_caught() {
    // The validator is shown to reject a wrong list request, so the check
    // above means something.
    let spec = ProviderSpec::load("stripe-spec3-2022-04.json");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", "Bearer sk_test_x".parse().unwrap());
    assert!(spec
        .check(
            "GET",
            "/v1/refunds?payment_intent=pi_1&limit=100",
            &headers,
            b""
        )
        .is_ok());
    assert!(spec
        .check(
            "GET",
            "/v1/refunds?payment_intent=pi_1&limit=lots",
            &headers,
            b""
        )
        .is_err());
    assert!(spec
        .check("GET", "/v1/refund?payment_intent=pi_1", &headers, b"")
        .is_err());
}

#[tokio::test]
async fn a_refund_beyond_what_was_captured_is_imported_and_reported_loudly() {
    let shop = shop().await;
    let refunds: Refunds = Arc::default();
    let stripe = fake_stripe(&refunds).await;
    shop.connect(Provider::Stripe, &stripe.base_url).await;
    shop.order("5002", "stripe", "pi_5002").await;
    shop.refund_sent("5002", 20_000, "re_ours").await;
    let ours = shop.refunds().await[0].0;
    refunds.lock().unwrap().extend([
        stripe_refund("re_ours", "pi_5002", 20_000, "succeeded", Some(ours)),
        stripe_refund("re_big", "pi_5002", 10_000, "succeeded", None),
    ]);
    let report = shop.reconcile(false).await;
    assert_eq!(kinds(&report), ["over_captured", "unknown_to_reso"]);
    let loud = report.over_captured().next().unwrap();
    assert!(loud.detail.contains("6200 EUR more"), "{}", loud.detail);
    // The provider's truth is recorded whole; the balance stops at captured.
    let rows = shop.refunds().await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].1, 10_000);
    assert_eq!(shop.refunded("pi_5002").await, 23_800);
    assert!(shop.reconcile(false).await.findings.is_empty());
}

#[tokio::test]
async fn an_unreachable_provider_is_reported_and_the_next_payment_checked() {
    let shop = shop().await;
    let refunds: Refunds = Arc::default();
    let stripe = fake_stripe(&refunds).await;
    shop.connect(Provider::Stripe, &stripe.base_url).await;
    shop.order("5003", "stripe", "pi_down").await;
    shop.order("5004", "stripe", "pi_5004").await;
    refunds
        .lock()
        .unwrap()
        .push(stripe_refund("re_dash4", "pi_5004", 700, "pending", None));
    let report = shop.reconcile(false).await;
    assert_eq!(report.payments_checked, 2);
    assert_eq!(report.errors.len(), 1, "{report:#?}");
    assert_eq!(
        report.errors[0].payment_reference.as_deref(),
        Some("pi_down")
    );
    assert!(
        report.errors[0].error.contains("500"),
        "{:?}",
        report.errors
    );
    assert_eq!(kinds(&report), ["unknown_to_reso"]);
    // A pending dashboard refund is imported pending and followed by the worker.
    let rows = shop.refunds().await;
    assert_eq!(
        (rows[0].2.as_str(), rows[0].3.as_deref()),
        ("pending", Some("re_dash4"))
    );
    assert_eq!(shop.refunded("pi_5004").await, 700);
}

// ---- Klarna: the order's refunds ----

#[tokio::test]
async fn klarna_order_refunds_are_compared_and_imported() {
    let shop = shop().await;
    // Each order asked for, with the request's Authorization header.
    type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;
    let seen: Seen = Arc::default();
    let ours: Arc<Mutex<i64>> = Arc::default();
    let router = {
        let seen = seen.clone();
        let ours = ours.clone();
        axum::Router::new().route(
            "/ordermanagement/v1/orders/{order_id}",
            axum::routing::get(
                move |axum::extract::Path(order_id): axum::extract::Path<String>,
                      headers: HeaderMap| {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(String::from);
                    seen.lock().unwrap().push((order_id.clone(), auth));
                    let ours = *ours.lock().unwrap();
                    async move {
                        axum::Json(json!({
                            "order_id": order_id, "purchase_currency": "EUR", "status": "CAPTURED",
                            "refunds": [
                                {"refund_id": "r-1", "refunded_amount": 3_000, "reference": format!("reso-refund-{ours}"),
                                 "refunded_at": "2026-03-01T10:00:00Z", "order_lines": []},
                                {"refund_id": "r-2", "refunded_amount": 1_500, "refunded_at": "2026-03-01T11:00:00Z"}
                            ]
                        }))
                    }
                },
            ),
        )
    };
    let base = support::serve(router).await;
    shop.connect(Provider::Klarna, &base).await;
    shop.order("5101", "klarna", "ord-5101").await;
    let id = shop.refund_sent("5101", 3_000, "ord-5101/r-1").await;
    *ours.lock().unwrap() = id;

    let report = shop.reconcile(false).await;
    assert_eq!(kinds(&report), ["unknown_to_reso"], "{report:#?}");
    let rows = shop.refunds().await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1].1, rows[1].2.as_str(), rows[1].3.as_deref()),
        (1_500, "succeeded", Some("ord-5101/r-2"))
    );
    assert_eq!(shop.refunded("ord-5101").await, 4_500);
    assert!(shop.reconcile(false).await.findings.is_empty());
    let seen = seen.lock().unwrap();
    assert!(seen.iter().all(|(order, auth)| order == "ord-5101"
        && auth.as_deref().is_some_and(|a| a.starts_with("Basic "))));
}

// ---- Adyen: only what its notifications said ----

/// Stands in for Adyen's HMAC check (the adapter tests it): the body is a
/// list of refunds as plain JSON.
fn fake_adyen(
    _account: &ProviderAccount,
    _headers: &HeaderMap,
    body: &[u8],
    _now: Timestamp,
) -> Result<Vec<ProviderNotification>, Rejection> {
    let items: Vec<Value> =
        serde_json::from_slice(body).map_err(|e| Rejection::Unparseable(e.to_string()))?;
    Ok(items
        .iter()
        .map(|n| ProviderNotification {
            notification_id: n["id"].as_str().unwrap().into(),
            occurred_at: Timestamp(n["at"].as_i64().unwrap()),
            subject: Subject::Refund(RefundNews {
                gateway_refund_id: n["psp"].as_str().unwrap().into(),
                payment_reference: "PAY-5201".into(),
                reso_reference: None,
                amount: Money::new(
                    n["amount"].as_i64().unwrap(),
                    Currency::parse("EUR").unwrap(),
                ),
                state: match n["state"].as_str().unwrap() {
                    "pending" => RefundState::Pending,
                    _ => RefundState::Succeeded,
                },
            }),
        })
        .collect())
}

#[tokio::test]
async fn an_adyen_refund_known_only_by_notification_is_imported() {
    let shop = shop().await;
    let account = shop.connect(Provider::Adyen, "http://127.0.0.1:9").await;
    shop.order("5201", "adyen", "PAY-5201").await;
    // Two words on one dashboard refund, the later one first in delivery.
    let body = json!([
        {"id": "n2", "psp": "PSP-DASH", "amount": 2_200, "state": "succeeded", "at": START - 1_000},
        {"id": "n1", "psp": "PSP-DASH", "amount": 2_200, "state": "pending", "at": START - 2_000},
    ]);
    receive_with(
        &shop.state,
        account,
        fake_adyen,
        &HeaderMap::new(),
        body.to_string().as_bytes(),
    )
    .await
    .expect("notification");

    let dry = shop.reconcile(true).await;
    assert_eq!(kinds(&dry), ["unknown_to_reso"]);
    assert_eq!(dry.findings[0].action, "would import it");
    assert!(shop.refunds().await.is_empty());

    let report = shop.reconcile(false).await;
    assert_eq!(kinds(&report), ["unknown_to_reso"]);
    let rows = shop.refunds().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].1, rows[0].2.as_str(), rows[0].3.as_deref()),
        (2_200, "succeeded", Some("PSP-DASH")),
        "the latest word counts"
    );
    assert_eq!(shop.refunded("PAY-5201").await, 2_200);
    assert!(shop.reconcile(false).await.findings.is_empty());
    assert_eq!(shop.imported_events().await.len(), 1);
}

// ---- the binary, as cron runs it ----

fn reso(dir: &std::path::Path, args: &[&str], key: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reso"));
    cmd.args(args).arg("--data-dir").arg(dir);
    for var in ["RESO_DATABASE_URL", "RESO_DATA_DIR", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    cmd.env("RESO_SECRET_KEY", key).output().expect("run reso")
}

/// Runs the binary off the runtime's threads, so the fake provider in this
/// process keeps answering it.
async fn run(dir: &std::path::Path, args: &[&str], key: &str) -> Output {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let key = key.to_string();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        reso(&dir, &args, &key)
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_reports_imports_and_answers_with_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let (key, key_text) = SecretKey::generate();
    let refunds: Refunds = Arc::default();
    let stripe = fake_stripe(&refunds).await;
    refunds
        .lock()
        .unwrap()
        .push(stripe_refund("re_cli", "pi_cli", 1_200, "succeeded", None));
    {
        let config = reso::Config {
            public_url: "http://127.0.0.1".into(),
            smtp: None,
            mail_dir: None,
            secure_cookies: false,
            simulator_settle_ms: reso::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
        };
        let url = format!("sqlite://{}", dir.path().join("reso.db").display());
        let mut state = reso::server::build_state(&url, config, Arc::new(reso::clock::SystemClock))
            .await
            .expect("open the database");
        state.sealing_key = Some(Arc::new(key));
        let merchant = reso::app::merchants::create(
            &state,
            reso::store::merchants::NewMerchant {
                slug: "trail".into(),
                name: "Trail Shop".into(),
                support: reso::store::merchants::SupportContact {
                    email: "help@trail.test".into(),
                    phone: String::new(),
                    hours: String::new(),
                    url: String::new(),
                },
                return_address: String::new(),
                default_locale: "en".into(),
                currency: Currency::parse("EUR").unwrap(),
            },
        )
        .await
        .unwrap();
        payment_providers::connect(
            &state,
            merchant.id,
            Provider::Stripe,
            Connection {
                base_url: Some(stripe.base_url.clone()),
                mode: Mode::Test,
                settings: BTreeMap::new(),
                secrets: BTreeMap::from([
                    ("secret_key".to_string(), Secret::new("sk_test_cli_1234")),
                    ("webhook_secret".to_string(), Secret::new("whsec_cli")),
                ]),
            },
        )
        .await
        .unwrap();
        state.db.close().await;
    }
    let path = dir.path();
    let csv = path.join("orders.csv");
    std::fs::write(
        &csv,
        "order_number,placed_at,buyer_email,currency,sku,quantity,unit_price,payment_method,payment_gateway,payment_reference,captured_amount\n\
         C-1,2026-03-01,c@example.com,EUR,CAP,1,20.00,card,stripe,pi_cli,20.00\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    assert_exit(
        &run(
            path,
            &["import-orders", "--merchant", "trail", csv],
            &key_text,
        )
        .await,
        0,
    );

    let dry = run(
        path,
        &["reconcile", "--merchant", "trail", "--dry-run"],
        &key_text,
    )
    .await;
    assert_exit(&dry, 1);
    let stdout = text(&dry.stdout);
    assert!(
        stdout.contains("unknown_to_reso trail order C-1 stripe pi_cli (re_cli)"),
        "{stdout}"
    );
    assert!(stdout.contains("would import it"), "{stdout}");
    assert!(
        stdout.contains("1 payments checked, 1 differences, 0 errors (dry run"),
        "{stdout}"
    );

    let real = run(
        path,
        &["reconcile", "--provider", "stripe", "--json"],
        &key_text,
    )
    .await;
    assert_exit(&real, 1);
    let report: Value = serde_json::from_slice(&real.stdout).expect("JSON report");
    assert_eq!(report["findings"][0]["kind"], "unknown_to_reso");
    assert!(report["findings"][0]["action"]
        .as_str()
        .unwrap()
        .starts_with("imported as refund"));

    // Nothing left to differ: cron stays quiet.
    let again = run(path, &["reconcile"], &key_text).await;
    assert_exit(&again, 0);
    assert!(text(&again.stdout).contains("1 payments checked, 0 differences, 0 errors"));
    let later = run(path, &["reconcile", "--since", "2099-01-01"], &key_text).await;
    assert_exit(&later, 0);
    assert!(text(&later.stdout).contains("0 payments checked"));

    // Errors: a bad day, a missing key, the provider gone.
    assert_exit(
        &run(path, &["reconcile", "--since", "yesterday"], &key_text).await,
        2,
    );
    let no_key = run(path, &["reconcile"], "").await;
    assert_exit(&no_key, 2);
    assert!(
        text(&no_key.stderr).contains("RESO_SECRET_KEY"),
        "{}",
        text(&no_key.stderr)
    );
    drop(stripe);
    let down = run(path, &["reconcile"], &key_text).await;
    assert_exit(&down, 2);
    assert!(
        text(&down.stdout).contains("error trail stripe pi_cli"),
        "{}",
        text(&down.stdout)
    );
}
