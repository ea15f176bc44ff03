//! The test harness: a real Reso server on a loopback port with a fresh
//! database (SQLite by default, PostgreSQL when RESO_TEST_POSTGRES_URL is
//! set), a frozen clock the test moves, and a worker the test runs by hand.

#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod browser;
pub mod fake_provider;
pub mod provider_spec;
pub mod smtp;

use reso::clock::ManualClock;
use reso::store::merchants::{Merchant, NewMerchant, SupportContact};
use reso::{AppState, Config, SmtpConfig};
use reso_domain::{Currency, Timestamp};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

/// 2026-03-02T10:00:00Z: a fixed start so tests read the same every day.
pub const START: i64 = 1_772_445_600_000;

pub struct TestApp {
    pub state: AppState,
    pub clock: ManualClock,
    pub addr: SocketAddr,
    pub base: String,
    pub merchant: Merchant,
    pub api_key: String,
    pub staff_email: String,
    pub staff_password: String,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

pub struct Options {
    pub smtp_port: Option<u16>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Options { smtp_port: None }).await
    }

    pub async fn spawn_with(opts: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match std::env::var("RESO_TEST_POSTGRES_URL") {
            Ok(admin) => fresh_postgres_database(&admin).await,
            Err(_) => format!("sqlite://{}", dir.path().join("reso.db").display()),
        };
        let clock = ManualClock::frozen(Timestamp(START));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://{addr}");
        let config = Config {
            public_url: base.clone(),
            smtp: opts.smtp_port.map(|port| SmtpConfig {
                host: "127.0.0.1".into(),
                port,
                from: "Reso <returns@reso.test>".into(),
            }),
            mail_dir: Some(dir.path().join("mail")),
            secure_cookies: false,
            simulator_settle_ms: reso::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
        };
        let state = reso::server::build_state(&url, config, Arc::new(clock.clone()))
            .await
            .expect("state");
        let merchant = reso::app::merchants::create(
            &state,
            NewMerchant {
                slug: "acme".into(),
                name: "ACME Outdoor".into(),
                support: SupportContact {
                    email: "help@acme.test".into(),
                    phone: "+39 02 1234567".into(),
                    hours: "Mon–Fri 9–18".into(),
                    url: "https://acme.test/help".into(),
                },
                return_address: "ACME Returns, Via Roma 1, 20100 Milano".into(),
                default_locale: "en".into(),
                currency: Currency::parse("EUR").unwrap(),
            },
        )
        .await
        .expect("merchant");
        let staff_email = "ops@acme.test".to_string();
        let staff_password = "correct horse battery".to_string();
        reso::app::merchants::create_staff(
            &state,
            merchant.id,
            &staff_email,
            "Olga Ops",
            "admin",
            &staff_password,
        )
        .await
        .expect("staff");
        let api_key = reso::app::auth::create_api_key(&state, merchant.id, "tests")
            .await
            .expect("api key");
        // No worker here: tests run jobs with run_pending_jobs() when they choose.
        let router = reso::server::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        TestApp {
            state,
            clock,
            addr,
            base,
            merchant,
            api_key,
            staff_email,
            staff_password,
            http,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Runs every job that is due now, as the worker would.
    pub async fn run_pending_jobs(&self) -> usize {
        reso::jobs::run_pending(&self.state)
            .await
            .expect("jobs run")
    }

    pub async fn api_get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .expect("request")
    }

    pub async fn api_post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(&self.api_key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Creates an order through the API; returns its JSON.
    pub async fn create_order(&self, body: &Value) -> Value {
        let res = self.api_post("/api/v1/orders", body).await;
        let status = res.status();
        let json: Value = res.json().await.expect("json");
        assert!(status.is_success(), "order not created: {status} {json}");
        json
    }

    /// A delivered order of two lines paid by card through the simulator.
    pub async fn delivered_order(&self, number: &str, email: &str) -> Value {
        self.create_order(&sample_order(number, email, START - 3 * DAY))
            .await
    }
}

pub const DAY: i64 = 86_400_000;

pub fn iso(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).expect("time");
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// An order placed a week before `delivered_at`, delivered then.
/// Serves `router` on a port of its own (127.0.0.1:0); its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

pub fn sample_order(number: &str, email: &str, delivered_at: i64) -> Value {
    json!({
        "number": number,
        "buyer": { "email": email, "name": "Ada Lovelace", "locale": "en" },
        "currency": "EUR",
        "placed_at": iso(delivered_at - 7 * DAY),
        "lines": [
            { "sku": "TENT-2P", "title": "Two-person tent", "quantity": 1, "unit_price_minor": 18_900 },
            { "sku": "MUG-TI", "title": "Titanium mug", "quantity": 2, "unit_price_minor": 2_450 }
        ],
        "payments": [
            { "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": 23_800 }
        ],
        "shipments": [
            { "carrier": "DHL", "tracking_number": format!("JD{number}"), "shipped_at": iso(delivered_at - 2 * DAY), "delivered_at": iso(delivered_at) }
        ]
    })
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let name = format!(
        "reso_test_{}",
        reso::app::auth::random_token(9)
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("connect to test PostgreSQL");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database");
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    format!("{base}/{name}")
}
