//! `reso backup` copies a running instance while it takes writes, and
//! `reso restore` puts the copy into an empty database where the data and
//! the event chain come back whole. On SQLite always, on PostgreSQL when
//! RESO_TEST_POSTGRES_URL is set.

mod support;

use reso::store::merchants::{NewMerchant, SupportContact};
use reso::AppState;
use reso_domain::Currency;
use serde_json::Value;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{sample_order, START};

/// A database as the command line names it, and as the server opens it.
struct Target {
    args: Vec<String>,
    url: String,
}

fn sqlite_target(dir: &std::path::Path) -> Target {
    Target {
        args: vec!["--data-dir".into(), dir.display().to_string()],
        url: format!("sqlite://{}", dir.join("reso.db").display()),
    }
}

async fn postgres_target(admin_url: &str) -> Target {
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let name = format!(
        "reso_backup_{}",
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
    let url = format!("{base}/{name}");
    Target {
        args: vec!["--database-url".into(), url.clone()],
        url,
    }
}

/// A server on a loopback port over `target`'s database.
struct Instance {
    state: AppState,
    base: String,
}

async fn open(target: &Target) -> Instance {
    let config = reso::Config {
        // The same on every copy, so that answers compare equal.
        public_url: "http://reso.test".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: reso::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let clock = reso::clock::ManualClock::frozen(reso_domain::Timestamp(START));
    let state = reso::server::build_state(&target.url, config, Arc::new(clock))
        .await
        .expect("state");
    let base = support::serve(reso::server::router(state.clone())).await;
    Instance { state, base }
}

async fn shop(state: &AppState) -> String {
    let m = reso::app::merchants::create(
        state,
        NewMerchant {
            slug: "acme".into(),
            name: "ACME".into(),
            support: SupportContact {
                email: "help@acme.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Via Roma 1".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant");
    reso::app::auth::create_api_key(state, m.id, "backup test")
        .await
        .expect("api key")
}

async fn post_order(http: &reqwest::Client, base: &str, key: &str, number: &str) -> bool {
    let order = sample_order(
        number,
        &format!("{number}@example.test"),
        START - 3 * 86_400_000,
    );
    http.post(format!("{base}/api/v1/orders"))
        .bearer_auth(key)
        .json(&order)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

async fn get_order(base: &str, key: &str, number: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(format!("{base}/api/v1/orders/{number}"))
        .bearer_auth(key)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn count(state: &AppState, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(state.db.reader())
        .await
        .expect("count")
}

async fn reso(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_reso"))
            .args(&args)
            .env_remove("RESO_DATABASE_URL")
            .env_remove("RESO_DATA_DIR")
            .output()
            .expect("run reso")
    })
    .await
    .expect("join")
}

fn with(command: &[&str], target: &Target) -> Vec<String> {
    let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    args.extend(target.args.iter().cloned());
    args
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const TABLES: &[&str] = &[
    "merchants",
    "orders",
    "order_lines",
    "events",
    "event_chain_heads",
    "api_keys",
];

/// Backs up `source` under load, restores into `copy` and checks it; then
/// again with the load stopped, into `exact`, where every count must match.
async fn round_trip(source: Target, copy: Target, exact: Target, files: &std::path::Path) {
    let live = open(&source).await;
    let key = shop(&live.state).await;
    let http = reqwest::Client::new();
    for n in 0..5 {
        assert!(post_order(&http, &live.base, &key, &format!("B{n}")).await);
    }
    // Four clients keep creating orders while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(AtomicUsize::new(100));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (stop, acknowledged, next) = (stop.clone(), acknowledged.clone(), next.clone());
        let (http, base, key) = (http.clone(), live.base.clone(), key.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let number = format!("L{}", next.fetch_add(1, Ordering::Relaxed));
                if post_order(&http, &base, &key, &number).await {
                    acknowledged.lock().unwrap().push(number);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before_backup: Vec<String> = acknowledged.lock().unwrap().clone();
    let file = files.join("during-load.backup");
    let to = file.display().to_string();
    assert_exit(&reso(with(&["backup", "--to", &to], &source)).await, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.expect("client");
    }
    let written_during_load = acknowledged.lock().unwrap().len();
    assert!(
        written_during_load > before_backup.len(),
        "the server took no writes while the backup ran"
    );
    // A second backup to the same name is refused, not overwritten.
    assert_exit(&reso(with(&["backup", "--to", &to], &source)).await, 2);

    let restored = reso(with(&["restore", "--from", &to], &copy)).await;
    assert_exit(&restored, 0);
    assert!(String::from_utf8_lossy(&restored.stdout).contains("acme: intact"));
    assert_exit(&reso(with(&["audit", "verify"], &copy)).await, 0);
    // Into a database that holds data: refused with a clear message.
    let refused = reso(with(&["restore", "--from", &to], &copy)).await;
    assert_exit(&refused, 2);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not empty"));

    // Every order acknowledged before the backup began is in the copy, the
    // same as in the source; the copy holds no more than the source.
    let restored = open(&copy).await;
    for number in ["B0", "B4"]
        .into_iter()
        .chain(before_backup.iter().map(String::as_str).take(5))
    {
        let original = get_order(&live.base, &key, number).await;
        assert_eq!(original.0, 200);
        assert_eq!(get_order(&restored.base, &key, number).await, original);
    }
    let copied = count(&restored.state, "orders").await;
    assert!(copied >= 5 + before_backup.len() as i64);
    assert!(copied <= count(&live.state, "orders").await);

    // With the writes stopped, a copy matches table by table.
    let file = files.join("quiet.backup");
    let to = file.display().to_string();
    assert_exit(&reso(with(&["backup", "--to", &to], &source)).await, 0);
    assert_exit(&reso(with(&["restore", "--from", &to], &exact)).await, 0);
    let exact = open(&exact).await;
    for table in TABLES {
        assert_eq!(
            count(&exact.state, table).await,
            count(&live.state, table).await,
            "{table}"
        );
    }
    let reports = reso::app::audit::verify(&exact.state.db, None)
        .await
        .expect("verify");
    assert!(reports.iter().all(|r| r.is_intact()), "{reports:?}");
    assert_eq!(
        (reports[0].chained + reports[0].pending) as i64,
        count(&live.state, "events").await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_round_trip_while_the_server_writes() {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    round_trip(
        sqlite_target(dirs[0].path()),
        sqlite_target(dirs[1].path()),
        sqlite_target(dirs[2].path()),
        dirs[3].path(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_round_trip_while_the_server_writes() {
    let Ok(admin) = std::env::var("RESO_TEST_POSTGRES_URL") else {
        eprintln!("RESO_TEST_POSTGRES_URL is not set: PostgreSQL round trip skipped");
        return;
    };
    let files = tempfile::tempdir().unwrap();
    round_trip(
        postgres_target(&admin).await,
        postgres_target(&admin).await,
        postgres_target(&admin).await,
        files.path(),
    )
    .await;
}

#[tokio::test]
async fn a_backup_of_the_wrong_kind_or_no_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, "not a database").unwrap();
    let target = sqlite_target(&dir.path().join("data"));
    let out = reso(with(
        &["restore", "--from", &junk.display().to_string()],
        &target,
    ))
    .await;
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a backup"));
    let dump = dir.path().join("pg.backup");
    std::fs::write(&dump, "PGDMP\u{1}\u{e}\u{0}").unwrap();
    let out = reso(with(
        &["restore", "--from", &dump.display().to_string()],
        &target,
    ))
    .await;
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("PostgreSQL backup"));
}
