//! The deadlines engine under stress: a deadline missed while Reso was down
//! fires on start, two servers on one database fire each deadline once, a
//! thousand due at once all fire, and business days skip a holiday.
//! Runs on SQLite files, or PostgreSQL when RESO_TEST_POSTGRES_URL is set.

use reso::app::claims::{self, DEADLINE_ANSWER};
use reso::app::{orders, Actor};
use reso::clock::ManualClock;
use reso::store::merchants::{Merchant, NewMerchant, SupportContact};
use reso::{AppState, Config};
use reso_domain::calendar::Calendar;
use reso_domain::claim::{ClaimKind, ClaimStatus, ProtectionTerms};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::time::MS_PER_DAY;
use reso_domain::{Currency, Email, NewOrder, PaymentMethod, Timestamp};
use std::sync::Arc;

/// 2026-03-02T10:00:00Z, a Monday.
const START: i64 = 1_772_445_600_000;

/// A database two `AppState`s can share: a SQLite file, or a fresh
/// PostgreSQL database.
struct SharedDb {
    url: String,
    _dir: tempfile::TempDir,
}

impl SharedDb {
    async fn new() -> SharedDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match std::env::var("RESO_TEST_POSTGRES_URL") {
            Ok(admin) => fresh_postgres_database(&admin).await,
            Err(_) => format!("sqlite://{}", dir.path().join("reso.db").display()),
        };
        SharedDb { url, _dir: dir }
    }

    /// A server's state on this database ("starting Reso").
    async fn start(&self, clock: &ManualClock) -> AppState {
        let config = Config {
            public_url: "http://127.0.0.1:9".into(),
            smtp: None,
            mail_dir: Some(self._dir.path().join("mail")),
            secure_cookies: false,
            simulator_settle_ms: reso::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
        };
        reso::server::build_state(&self.url, config, Arc::new(clock.clone()))
            .await
            .expect("state")
    }
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

async fn shop(state: &AppState) -> Merchant {
    reso::app::merchants::create(
        state,
        NewMerchant {
            slug: "acme".into(),
            name: "ACME Outdoor".into(),
            support: SupportContact {
                email: "help@acme.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "ACME Returns, Via Roma 1, 20100 Milano".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant")
}

/// A protected order placed two days ago, and a "not received" claim on it.
async fn claim(state: &AppState, merchant: &Merchant, number: &str) -> i64 {
    let now = state.now();
    let order = NewOrder {
        number: number.into(),
        buyer_email: Email::parse(&format!("buyer-{number}@example.com")).unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: merchant.currency,
        placed_at: Timestamp(now - 2 * MS_PER_DAY),
        lines: vec![NewLine {
            sku: "TENT-2P".into(),
            title: "Two-person tent".into(),
            quantity: 1,
            unit_price_minor: 18_900,
            returnable: true,
        }],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_{number}"),
            captured_minor: 18_900,
        }],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{number}"),
            shipped_at: Some(Timestamp(now - MS_PER_DAY)),
            delivered_at: None,
        }],
    };
    let saved = orders::upsert_protected(state, merchant, &order, Some(true), &Actor::System)
        .await
        .expect("order");
    let buyer = order.buyer_email.as_str().to_string();
    claims::open(
        state,
        merchant,
        saved.order.id,
        ClaimKind::NotReceived,
        "The parcel never arrived.",
        Vec::new(),
        &buyer,
    )
    .await
    .expect("claim")
    .id
}

async fn count(state: &AppState, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(state.db.reader())
        .await
        .expect("count")
}

async fn status(state: &AppState, merchant: &Merchant, claim_id: i64) -> ClaimStatus {
    claims::load(state, merchant.id, claim_id)
        .await
        .expect("claim")
        .claim
        .status
}

#[tokio::test]
async fn a_deadline_that_passed_while_reso_was_down_fires_on_start() {
    let db = SharedDb::new().await;
    let clock = ManualClock::frozen(Timestamp(START));
    let state = db.start(&clock).await;
    let merchant = shop(&state).await;
    let claim_id = claim(&state, &merchant, "1001").await;
    state.db.close().await;
    drop(state);

    // Down for six days: the 5-day answer deadline passed meanwhile.
    clock.advance_days(6);
    let state = db.start(&clock).await;
    assert_eq!(
        status(&state, &merchant, claim_id).await,
        ClaimStatus::AwaitingMerchant,
        "nothing fires before the worker runs"
    );
    reso::jobs::run_pending(&state).await.expect("worker");
    assert_eq!(
        status(&state, &merchant, claim_id).await,
        ClaimStatus::Escalated
    );
    let escalated = count(
        &state,
        "SELECT COUNT(*) FROM events WHERE kind = 'claim.escalated'",
    )
    .await;
    assert_eq!(escalated, 1);
    // A second pass (the next worker tick) changes nothing.
    reso::jobs::run_pending(&state).await.expect("worker");
    let escalated = count(
        &state,
        "SELECT COUNT(*) FROM events WHERE kind = 'claim.escalated'",
    )
    .await;
    assert_eq!(escalated, 1);
}

#[tokio::test]
async fn two_servers_on_one_database_fire_each_deadline_once() {
    const CLAIMS: usize = 60;
    let db = SharedDb::new().await;
    let clock = ManualClock::frozen(Timestamp(START));
    let one = db.start(&clock).await;
    let merchant = shop(&one).await;
    let mut ids = Vec::new();
    for i in 0..CLAIMS {
        ids.push(claim(&one, &merchant, &format!("{}", 2000 + i)).await);
    }
    let two = db.start(&clock).await;
    clock.advance_days(6);

    let (a, b) = tokio::join!(
        reso::app::deadlines::fire_due(&one, 7),
        reso::app::deadlines::fire_due(&two, 7)
    );
    let (a, b) = (a.expect("server one"), b.expect("server two"));
    assert_eq!(a + b, CLAIMS, "server one fired {a}, server two {b}");
    for id in &ids {
        assert_eq!(status(&one, &merchant, *id).await, ClaimStatus::Escalated);
    }
    let escalated = count(
        &one,
        "SELECT COUNT(*) FROM events WHERE kind = 'claim.escalated'",
    )
    .await;
    assert_eq!(escalated, CLAIMS as i64);
    // One buyer mail per escalation, never two.
    let mails = count(
        &one,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'mail' AND payload LIKE '%\"template\":\"claim.escalated\"%'",
    )
    .await;
    assert_eq!(mails, CLAIMS as i64);

    // The whole worker pass, both servers at once, finds nothing left to fire.
    let (a, b) = tokio::join!(reso::jobs::run_pending(&one), reso::jobs::run_pending(&two));
    a.expect("worker one");
    b.expect("worker two");
    let escalated = count(
        &one,
        "SELECT COUNT(*) FROM events WHERE kind = 'claim.escalated'",
    )
    .await;
    assert_eq!(escalated, CLAIMS as i64);
    let unsent = count(
        &one,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'mail' AND done_at IS NULL",
    )
    .await;
    assert_eq!(unsent, 0, "every mail was sent by one of the servers");
}

#[tokio::test]
async fn a_thousand_deadlines_due_at_once_all_fire() {
    const DEADLINES: usize = 1_000;
    let db = SharedDb::new().await;
    let clock = ManualClock::frozen(Timestamp(START));
    let state = db.start(&clock).await;
    let merchant = shop(&state).await;
    reso::bench::deadlines::seed(&state, &merchant, DEADLINES, START + 5 * MS_PER_DAY)
        .await
        .expect("seed");
    clock.advance_days(5);
    let fired = reso::app::deadlines::fire_due(&state, 500)
        .await
        .expect("fire");
    assert_eq!(fired, DEADLINES);
    let pending = count(
        &state,
        "SELECT COUNT(*) FROM deadlines WHERE fired_at IS NULL",
    )
    .await;
    assert_eq!(pending, 0);
    let escalated = count(
        &state,
        "SELECT COUNT(*) FROM claims WHERE status = 'escalated' AND escalation = 'merchant_silent'",
    )
    .await;
    assert_eq!(escalated, DEADLINES as i64);
    let events = count(
        &state,
        "SELECT COUNT(*) FROM events WHERE kind = 'claim.escalated'",
    )
    .await;
    assert_eq!(events, DEADLINES as i64);
}

#[tokio::test]
async fn business_day_deadlines_skip_the_weekend_and_holidays() {
    let db = SharedDb::new().await;
    // Thursday 2026-03-05 10:00 UTC.
    let thursday = START + 3 * MS_PER_DAY;
    let clock = ManualClock::frozen(Timestamp(thursday));
    let state = db.start(&clock).await;
    let merchant = shop(&state).await;
    let terms = ProtectionTerms {
        calendar: Calendar {
            business_days: true,
            // Monday 9 March is a holiday.
            holidays: vec!["2026-03-09".into()],
        },
        ..ProtectionTerms::default()
    };
    let merchant = claims::set_terms(&state, merchant.id, terms, &Actor::System)
        .await
        .expect("terms");
    let claim_id = claim(&state, &merchant, "3001").await;

    // 5 business days from Thursday: Fri 6, (weekend, holiday Mon 9) Tue 10,
    // Wed 11, Thu 12, Fri 13 March, at 10:00.
    let due = claims::load(&state, merchant.id, claim_id)
        .await
        .expect("claim")
        .claim
        .due_at
        .expect("due");
    let friday_13 = thursday + 8 * MS_PER_DAY;
    assert_eq!(due.millis(), friday_13);
    let deadline_due: i64 = sqlx::query_scalar("SELECT due_at FROM deadlines WHERE kind = $1")
        .bind(DEADLINE_ANSWER)
        .fetch_one(state.db.reader())
        .await
        .expect("deadline row");
    assert_eq!(deadline_due, friday_13);

    // Five calendar days later (Tuesday) nothing fires…
    clock.advance_days(5);
    reso::jobs::run_pending(&state).await.expect("worker");
    assert_eq!(
        status(&state, &merchant, claim_id).await,
        ClaimStatus::AwaitingMerchant
    );
    // …one minute before the due instant neither…
    clock.advance_ms(friday_13 - state.now() - 60_000);
    reso::jobs::run_pending(&state).await.expect("worker");
    assert_eq!(
        status(&state, &merchant, claim_id).await,
        ClaimStatus::AwaitingMerchant
    );
    // …and at the due instant it escalates.
    clock.advance_ms(60_000);
    reso::jobs::run_pending(&state).await.expect("worker");
    assert_eq!(
        status(&state, &merchant, claim_id).await,
        ClaimStatus::Escalated
    );
}

/// A server on loopback with the dev clock's routes when `dev_clock` is set.
async fn serve(state: &AppState, clock: Option<ManualClock>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let extra = clock.map(reso::api::dev_clock::router).unwrap_or_default();
    let router = reso::server::router_with(state.clone(), extra);
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

#[tokio::test]
async fn the_dev_clock_moves_time_through_the_api_and_deadlines_follow() {
    let db = SharedDb::new().await;
    let clock = ManualClock::following_system();
    let state = db.start(&clock).await;
    let merchant = shop(&state).await;
    let key = reso::app::auth::create_api_key(&state, merchant.id, "tests")
        .await
        .expect("key");
    let claim_id = claim(&state, &merchant, "4001").await;
    let base = serve(&state, Some(clock.clone())).await;
    let http = reqwest::Client::new();
    let advance = |body: serde_json::Value| {
        http.post(format!("{base}/api/dev/clock/advance"))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };

    // Bad steps: precise 4xx, time unchanged.
    let before = state.now();
    for body in [
        serde_json::json!({}),
        serde_json::json!({ "days": -1 }),
        serde_json::json!({ "days": 367 }),
        serde_json::json!({ "hours": 1, "weeks": 2 }),
        serde_json::json!({ "days": "five" }),
    ] {
        let res = advance(body.clone()).await.expect("request");
        assert_eq!(res.status(), 422, "{body}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{body}"
        );
    }
    let anonymous = http
        .post(format!("{base}/api/dev/clock/advance"))
        .json(&serde_json::json!({ "days": 1 }))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    assert!(state.now() - before < 60_000, "the clock did not move");

    let res = advance(serde_json::json!({ "days": 5, "hours": 1 }))
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let moved: serde_json::Value = res.json().await.expect("json");
    assert_eq!(moved["advanced_ms"], 5 * MS_PER_DAY + 3_600_000);
    assert!(moved["now_ms"].as_i64().unwrap() >= before + 5 * MS_PER_DAY + 3_600_000);
    assert!(moved["now"].as_str().unwrap().ends_with('Z'));
    let shown: serde_json::Value = http
        .get(format!("{base}/api/dev/clock"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(shown["now_ms"].as_i64().unwrap() >= moved["now_ms"].as_i64().unwrap());

    // The worker's next pass fires the answer deadline that fell due.
    reso::jobs::run_pending(&state).await.expect("worker");
    assert_eq!(
        status(&state, &merchant, claim_id).await,
        ClaimStatus::Escalated
    );
}

#[tokio::test]
async fn without_the_flag_the_dev_clock_routes_do_not_exist() {
    let db = SharedDb::new().await;
    let clock = ManualClock::following_system();
    let state = db.start(&clock).await;
    let merchant = shop(&state).await;
    let key = reso::app::auth::create_api_key(&state, merchant.id, "tests")
        .await
        .expect("key");
    let base = serve(&state, None).await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{base}/api/dev/clock/advance"))
        .bearer_auth(&key)
        .json(&serde_json::json!({ "days": 5 }))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 404);
    let res = http
        .get(format!("{base}/api/dev/clock"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 404);
}

#[test]
fn the_dev_clock_is_refused_with_the_production_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reso"))
        .args([
            "serve",
            "--dev-clock",
            "--secure-cookies",
            "--addr",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("RESO_DATABASE_URL")
        .output()
        .expect("run reso");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--dev-clock") && stderr.contains("--secure-cookies"),
        "{stderr}"
    );
}
