//! Crash safety: the real `reso serve` is killed with SIGKILL several times
//! while clients create returns, refunds and claim answers, and restarted on
//! the same database. Every client retries a request that got no answer with
//! its Idempotency-Key. Afterwards every answered request must be in the
//! database, each Idempotency-Key must have produced exactly one return,
//! refund or claim answer, no payment may be refunded beyond what was
//! captured, claims must be answered exactly when the merchant heard "yes",
//! every event must have reached the webhook receiver, and every deadline
//! that fell due (also while the server was down) must have fired.
//!
//! Time: the dev clock restarts at the system time with each process, so
//! "days passed while Reso was down" is made by moving due reminders and
//! claims' deadlines into the past in the database while the server is dead;
//! after the last restart the dev clock is moved 6 minutes so a killed
//! worker's job leases expire.
//!
//! Buyers open the claims through the buyer API with magic links the test
//! signs with the installation's secret, read through the library as the
//! server reads it.
//!
//! Runs on SQLite in a temporary folder, and on PostgreSQL as well when
//! RESO_TEST_POSTGRES_URL is set.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use reso::app::auth::{sign_buyer_link, BuyerAccess};
use reso::clock::SystemClock;
use reso::{AppState, Config};
use serde_json::{json, Value};
use sqlx::{AnyConnection, Connection};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const DAY: i64 = 86_400_000;
const ORDERS: usize = 12;
/// Orders with a buyer's claim each, answered during the kills.
const CLAIMS: usize = 24;
/// Orders the returns are asked on, with enough mugs to last the kills.
const RETURN_ORDERS: usize = 8;
const MUGS: i64 = 30;
const CAPTURED: i64 = 23_800;
const KILLS: usize = 4;
const SEED: u64 = 0x5eed_c0ff_ee15_0006;

/// A small deterministic generator: the kill moments and amounts repeat run to run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn iso(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `reso` binary with only the given flags steering it.
fn reso(args: &[&str], db: &Db) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reso"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(&db.dir)
        .arg("--database-url")
        .arg(&db.url);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RESO_") {
            cmd.env_remove(name);
        }
    }
    cmd.env_remove("RUST_LOG");
    cmd
}

fn run_ok(mut cmd: Command) -> String {
    let out = cmd.stdin(Stdio::null()).output().expect("run reso");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

struct Db {
    url: String,
    dir: PathBuf,
}

async fn fresh_database(dir: &Path) -> Db {
    let url = match std::env::var("RESO_TEST_POSTGRES_URL") {
        Ok(admin) => {
            use sqlx::Executor;
            let name = format!("reso_crash_{}", now_ms());
            let mut conn = AnyConnection::connect(&admin)
                .await
                .expect("test PostgreSQL");
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        Err(_) => format!("sqlite://{}", dir.join("reso.db").display()),
    };
    Db {
        url,
        dir: dir.to_path_buf(),
    }
}

/// One `reso serve` process; its output goes to `serve.log` in the data folder.
struct Server {
    child: Child,
}

impl Server {
    async fn start(db: &Db, port: u16, base: &str) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(db.dir.join("serve.log"))
            .unwrap();
        let addr = format!("127.0.0.1:{port}");
        // The dev clock lets the test move time past leases and settle delays.
        let mut cmd = reso(&["serve", "--addr", &addr, "--dev-clock"], db);
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start reso serve");
        let mut server = Server { child };
        let http = reqwest::Client::new();
        let give_up = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(res) = http.get(format!("{base}/healthz")).send().await {
                if res.status().is_success() {
                    return server;
                }
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("reso serve exited ({status}): {}", log_tail(db));
            }
            assert!(Instant::now() < give_up, "not ready: {}", log_tail(db));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no shutdown hook, no flush, as a power cut or the OOM killer.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL reso serve");
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log_tail(db: &Db) -> String {
    let log = std::fs::read_to_string(db.dir.join("serve.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// The merchant's webhook receiver: records every Standard Webhooks id it got.
#[derive(Clone, Default)]
struct Receiver {
    ids: Arc<Mutex<BTreeMap<String, usize>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    *r.ids.lock().unwrap().entry(id).or_default() += 1;
    StatusCode::NO_CONTENT
}

async fn start_receiver() -> (Receiver, String) {
    let receiver = Receiver::default();
    let app = Router::new()
        .route("/hooks", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, url)
}

#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    key: String,
    /// Attempts that got no answer (the server was killed or down).
    retries: Arc<AtomicUsize>,
}

/// What one request finally got: its status and body (after retries of
/// connection failures with the same Idempotency-Key).
struct Answer {
    status: StatusCode,
    body: Value,
    /// An earlier attempt got no answer.
    retried: bool,
}

impl Client {
    /// POSTs until the server answers; a lost connection or a 5xx from a
    /// dying server is retried with the same key, as a careful client would.
    async fn post(&self, path: &str, key: Option<&str>, body: &Value) -> Answer {
        let give_up = Instant::now() + Duration::from_secs(60);
        let mut retried = false;
        loop {
            let mut req = self
                .http
                .post(format!("{}{path}", self.base))
                .bearer_auth(&self.key)
                .json(body);
            if let Some(k) = key {
                req = req.header("Idempotency-Key", k);
            }
            if let Ok(res) = req.send().await {
                let status = res.status();
                if let Ok(body) = res.json::<Value>().await {
                    if !status.is_server_error() {
                        return Answer {
                            status,
                            body,
                            retried,
                        };
                    }
                }
            }
            self.retries.fetch_add(1, Ordering::Relaxed);
            retried = true;
            assert!(Instant::now() < give_up, "no answer for POST {path}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn order_body(number: &str, now: i64) -> Value {
    json!({
        "number": number,
        "buyer": { "email": format!("{}@buyer.test", number.to_lowercase()), "name": "Ada Lovelace", "locale": "en" },
        "currency": "EUR",
        "placed_at": iso(now - 3 * DAY),
        "protected": true,
        "lines": [
            { "sku": "TENT-2P", "title": "Two-person tent", "quantity": 1, "unit_price_minor": 18_900 },
            { "sku": "MUG-TI", "title": "Titanium mug", "quantity": 2, "unit_price_minor": 2_450 }
        ],
        "payments": [
            { "method": "card", "gateway": "simulator", "reference": format!("pi_{number}"), "captured_minor": CAPTURED }
        ],
        "shipments": [
            { "carrier": "DHL", "tracking_number": format!("JD{number}"), "shipped_at": iso(now - 2 * DAY), "delivered_at": iso(now - DAY) }
        ]
    })
}

/// An order of many mugs: returns of one each can go on through every kill.
fn mugs_order_body(number: &str, now: i64) -> Value {
    let mut body = order_body(number, now);
    body["lines"][1]["quantity"] = json!(MUGS);
    body["payments"][0]["captured_minor"] = json!(18_900 + MUGS * 2_450);
    body
}

/// A refund request that got a 2xx: its key, order and the refunds it promised.
struct Refunded {
    key: String,
    order: String,
    amount: i64,
    refunds: Vec<(i64, i64)>,
}

/// A return request that got a 2xx: its key and the return it created.
struct Returned {
    key: String,
    id: i64,
    retried: bool,
}

/// The answer sent on a claim, and what the server finally said to it.
struct ClaimAnswer {
    claim: i64,
    order: String,
    key: String,
    /// yes, yes with a partial amount, or no.
    decision: &'static str,
    amount: i64,
    /// 200: answered; 409: the answer deadline had passed and the claim
    /// went to the mediators.
    status: StatusCode,
    retried: bool,
}

async fn refund_load(client: Client, worker: u64, stop: Arc<AtomicBool>) -> Vec<Refunded> {
    let mut rng = Rng(SEED ^ (worker + 1).wrapping_mul(0x9e37_79b9));
    let mut done = Vec::new();
    let mut k = 0;
    while !stop.load(Ordering::Relaxed) {
        k += 1;
        let order = format!("C-{}", rng.between(1, ORDERS as u64));
        let amount = i64::try_from(rng.between(100, 4_000)).unwrap();
        let key = format!("refund-{worker}-{k}");
        let body =
            json!({ "amount_minor": amount, "method": "original_payment", "reason": "goodwill" });
        let answer = client
            .post(
                &format!("/api/v1/orders/{order}/refunds"),
                Some(&key),
                &body,
            )
            .await;
        if answer.status.is_success() {
            let refunds = answer.body["items"]
                .as_array()
                .expect("refund list")
                .iter()
                .map(|r| {
                    (
                        r["id"].as_i64().unwrap(),
                        r["amount_minor"].as_i64().unwrap(),
                    )
                })
                .collect();
            done.push(Refunded {
                key,
                order,
                amount,
                refunds,
            });
        } else {
            // Only "no more to refund" may refuse a well-formed request.
            assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        }
        tokio::time::sleep(Duration::from_millis(rng.between(0, 30))).await;
    }
    done
}

async fn return_load(client: Client, worker: u64, stop: Arc<AtomicBool>) -> Vec<Returned> {
    let mut rng = Rng(SEED ^ (worker + 101).wrapping_mul(0x9e37_79b9));
    let mut done = Vec::new();
    let mut k = 0;
    while !stop.load(Ordering::Relaxed) {
        k += 1;
        let order = format!("R-{}", rng.between(1, RETURN_ORDERS as u64));
        let key = format!("return-{worker}-{k}");
        let body = json!({
            "lines": [{ "sku": "MUG-TI", "quantity": 1, "reason": "changed_mind" }],
            "comment": "Two were one too many."
        });
        let answer = client
            .post(
                &format!("/api/v1/orders/{order}/returns"),
                Some(&key),
                &body,
            )
            .await;
        if answer.status.is_success() {
            done.push(Returned {
                key,
                id: answer.body["id"].as_i64().expect("return id"),
                retried: answer.retried,
            });
        } else {
            // Every mug of the order already on its way back.
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                answer.body
            );
        }
        tokio::time::sleep(Duration::from_millis(rng.between(10, 60))).await;
    }
    done
}

/// The merchant answers each claim once, one after the other, spread over
/// the kills: in full, in part, or no.
async fn claim_answer_load(client: Client, claims: Vec<(i64, String)>) -> Vec<ClaimAnswer> {
    let mut rng = Rng(SEED ^ 0xc1a1_5eed);
    let mut done = Vec::new();
    for (i, (claim, order)) in claims.into_iter().enumerate() {
        let (decision, amount, body) = match i % 3 {
            0 => (
                "yes",
                CAPTURED,
                json!({ "refund": "yes", "message": "Sorry, here is your money back." }),
            ),
            1 => (
                "yes",
                5_000,
                json!({ "refund": "yes", "amount_minor": 5_000, "message": "Part of it, as agreed." }),
            ),
            _ => (
                "no",
                0,
                json!({ "refund": "no", "message": "The carrier confirms the delivery." }),
            ),
        };
        let key = format!("answer-{claim}");
        let answer = client
            .post(&format!("/api/v1/claims/{claim}/answer"), Some(&key), &body)
            .await;
        assert!(
            answer.status == StatusCode::OK || answer.status == StatusCode::CONFLICT,
            "claim {claim}: {} {}",
            answer.status,
            answer.body
        );
        done.push(ClaimAnswer {
            claim,
            order,
            key,
            decision,
            amount,
            status: answer.status,
            retried: answer.retried,
        });
        tokio::time::sleep(Duration::from_millis(rng.between(60, 260))).await;
    }
    done
}

/// The server's time (its dev clock), in ms.
async fn server_now(client: &Client) -> i64 {
    let res = client
        .http
        .get(format!("{}/api/dev/clock", client.base))
        .bearer_auth(&client.key)
        .send()
        .await
        .expect("read the dev clock");
    let body: Value = res.json().await.expect("clock json");
    body["now_ms"].as_i64().expect("now_ms")
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    let mut conn = AnyConnection::connect(&db.url).await.unwrap();
    let v: i64 = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    conn.close().await.ok();
    v
}

async fn pairs(db: &Db, sql: &str) -> Vec<(i64, i64)> {
    let mut conn = AnyConnection::connect(&db.url).await.unwrap();
    let v = sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap();
    conn.close().await.ok();
    v
}

async fn text(db: &Db, sql: &str) -> String {
    let mut conn = AnyConnection::connect(&db.url).await.unwrap();
    let v: String = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    conn.close().await.ok();
    v
}

/// The library's state on the test's database, only to sign magic links
/// with the installation's secret (`server::build_state` reads it, or
/// creates it before the server first starts).
async fn links_of(db: &Db) -> AppState {
    let config = Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: 0,
    };
    reso::server::build_state(&db.url, config, Arc::new(SystemClock))
        .await
        .expect("library state on the test database")
}

/// CLAIMS protected orders, each with a "not received" claim its buyer
/// opened through the buyer API: (claim id, order number).
async fn open_claims(
    client: &Client,
    links: &AppState,
    merchant_id: i64,
    start: i64,
) -> Vec<(i64, String)> {
    let mut claims = Vec::with_capacity(CLAIMS);
    for n in 1..=CLAIMS {
        let number = format!("K-{n}");
        let order = client
            .post("/api/v1/orders", None, &order_body(&number, start))
            .await;
        assert!(order.status.is_success(), "{}", order.body);
        let access = BuyerAccess {
            merchant_id,
            order_id: order.body["id"].as_i64().expect("order id"),
            email: format!("{}@buyer.test", number.to_lowercase()),
        };
        let token = sign_buyer_link(links, &access, now_ms() + DAY);
        let res = client
            .http
            .post(format!("{}/api/v1/buyer/claims", client.base))
            .bearer_auth(token)
            .json(&json!({ "kind": "not_received", "text": "The parcel never came." }))
            .send()
            .await
            .expect("open a claim");
        let status = res.status();
        let body: Value = res.json().await.expect("claim json");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        claims.push((body["id"].as_i64().expect("claim id"), number));
    }
    claims
}

async fn execute(db: &Db, sql: &str) -> u64 {
    let mut conn = AnyConnection::connect(&db.url).await.unwrap();
    let n = sqlx::query(sql)
        .execute(&mut conn)
        .await
        .unwrap()
        .rows_affected();
    conn.close().await.ok();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_requests_survive_sigkill_and_due_work_runs_after_restart() {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(dir.path()).await;

    run_ok(reso(&["migrate"], &db));
    let merchant = reso(
        &[
            "merchant",
            "create",
            "--slug",
            "crash",
            "--name",
            "Crash Test Outdoor",
            "--support-email",
            "help@crash.test",
            "--currency",
            "EUR",
        ],
        &db,
    );
    run_ok(merchant);
    let mut staff = reso(
        &[
            "staff",
            "create",
            "--merchant",
            "crash",
            "--email",
            "ops@crash.test",
            "--name",
            "Olga Ops",
            "--role",
            "admin",
        ],
        &db,
    );
    staff.env("RESO_PASSWORD", "correct horse battery");
    run_ok(staff);
    let printed = run_ok(reso(
        &[
            "api-key",
            "create",
            "--merchant",
            "crash",
            "--name",
            "crash",
        ],
        &db,
    ));
    let key = printed.lines().last().expect("api key").trim().to_string();
    // The installation's link secret, as `reso serve` reads it (and creates
    // it here, first): the test signs buyers' magic links with it.
    let links = links_of(&db).await;

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server::start(&db, port, &base).await;
    let client = Client {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
        base: base.clone(),
        key,
        retries: Arc::default(),
    };

    let (receiver, hook_url) = start_receiver().await;
    let hook = client
        .post("/api/v1/webhooks", None, &json!({ "url": hook_url }))
        .await;
    assert!(hook.status.is_success(), "{}", hook.body);
    let events_before = scalar(&db, "SELECT COALESCE(MAX(id), 0) FROM events").await;

    let start = now_ms();
    for n in 1..=ORDERS {
        let order = client
            .post(
                "/api/v1/orders",
                None,
                &order_body(&format!("C-{n}"), start),
            )
            .await;
        assert!(order.status.is_success(), "{}", order.body);
    }
    for n in 1..=RETURN_ORDERS {
        let order = client
            .post(
                "/api/v1/orders",
                None,
                &mugs_order_body(&format!("R-{n}"), start),
            )
            .await;
        assert!(order.status.is_success(), "{}", order.body);
    }
    let deadlines = scalar(&db, "SELECT COUNT(*) FROM deadlines").await;
    assert!(deadlines > 0, "protected orders schedule reminders");
    let merchant_id = scalar(&db, "SELECT id FROM merchants WHERE slug = 'crash'").await;
    let claims = open_claims(&client, &links, merchant_id, start).await;
    drop(links);

    // The clients keep going until the last restart is done.
    let stop = Arc::new(AtomicBool::new(false));
    let mut refunders = Vec::new();
    for w in 0..3 {
        refunders.push(tokio::spawn(refund_load(client.clone(), w, stop.clone())));
    }
    let mut returners = Vec::new();
    for w in 0..2 {
        returners.push(tokio::spawn(return_load(client.clone(), w, stop.clone())));
    }
    let answerer = tokio::spawn(claim_answer_load(client.clone(), claims));

    let mut rng = Rng(SEED);
    let mut moved_deadlines = 0;
    let mut moved_claims = 0;
    for kill in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(rng.between(200, 1_200))).await;
        server.kill();
        if kill == 1 {
            // Days pass while Reso is down: half the reminders fall due…
            let past = now_ms() - 1_000;
            moved_deadlines = execute(
                &db,
                &format!(
                    "UPDATE deadlines SET due_at = {past} \
                     WHERE fired_at IS NULL AND claim_id IS NULL AND id % 2 = 0"
                ),
            )
            .await;
            // …and a third of the claims' waits end: for the merchant's
            // answer (the claim goes to the mediators) or for the buyer's
            // reaction (it closes as answered).
            moved_claims = execute(
                &db,
                &format!(
                    "UPDATE claims SET due_at = {past} \
                     WHERE status IN ('awaiting_merchant', 'awaiting_buyer') AND id % 3 = 0"
                ),
            )
            .await;
            execute(
                &db,
                &format!(
                    "UPDATE deadlines SET due_at = {past} WHERE fired_at IS NULL \
                     AND claim_id IN (SELECT id FROM claims WHERE due_at = {past})"
                ),
            )
            .await;
        }
        tokio::time::sleep(Duration::from_millis(rng.between(50, 400))).await;
        server = Server::start(&db, port, &base).await;
    }
    assert!(moved_deadlines > 0);
    assert!(moved_claims > 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let answered_claims = answerer.await.expect("claim answer client");

    let mut refunded = Vec::new();
    for t in refunders {
        refunded.extend(t.await.expect("refund client"));
    }
    let mut returned = Vec::new();
    for t in returners {
        returned.extend(t.await.expect("return client"));
    }

    // A killed worker's claimed jobs wait out its lease (jobs::LEASE_MS, 2
    // minutes) and simulated refunds settle after 5: move the clock past both.
    let moved = client
        .post("/api/dev/clock/advance", None, &json!({ "minutes": 6 }))
        .await;
    assert!(moved.status.is_success(), "{}", moved.body);
    // Let the worker drain the outbox and fire what is due.
    let give_up = Instant::now() + Duration::from_secs(30);
    loop {
        let server_now = server_now(&client).await;
        // Work scheduled for later (a simulated refund settles after a while)
        // is not owed yet; everything due by now is.
        let open = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND run_at <= {server_now}"),
        )
        .await;
        let due = scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM deadlines WHERE fired_at IS NULL AND due_at <= {server_now}"
            ),
        )
        .await;
        if open == 0 && due == 0 {
            break;
        }
        if Instant::now() >= give_up {
            let now = server_now;
            let late = pairs(
                &db,
                &format!(
                    "SELECT run_at - {now}, COALESCE(locked_until - {now}, 0) FROM jobs \
                     WHERE done_at IS NULL AND run_at <= {now} ORDER BY id LIMIT 5"
                ),
            )
            .await;
            panic!(
                "{open} jobs open (run in / locked for ms: {late:?}), {due} deadlines due: {}",
                log_tail(&db)
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let retries = client.retries.load(Ordering::Relaxed);
    eprintln!(
        "{} refunds, {} returns and {} claim answers answered; {retries} attempts lost to kills; \
         answered after a retry: {} returns, {} claim answers",
        refunded.len(),
        returned.len(),
        answered_claims.len(),
        returned.iter().filter(|r| r.retried).count(),
        answered_claims.iter().filter(|a| a.retried).count(),
    );
    // The kills must have hit requests, or the test proves nothing.
    assert!(retries > 0, "no request was cut off by a kill");
    check_refunds(&db, &refunded).await;
    check_returns(&db, &returned).await;
    check_claims(&db, &answered_claims, server_now(&client).await).await;
    check_deliveries(&db, &receiver, events_before).await;
    drop(server);
}

async fn check_refunds(db: &Db, refunded: &[Refunded]) {
    assert!(!refunded.is_empty(), "some refunds were answered");
    // Each key produced one refund of the amount asked for.
    let keys: BTreeSet<&str> = refunded.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), refunded.len());
    for r in refunded {
        assert_eq!(r.refunds.len(), 1, "{} split over one payment", r.key);
        assert_eq!(r.refunds[0].1, r.amount, "{}", r.key);
        let stored = scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM idempotency_keys WHERE key = '{}'",
                r.key
            ),
        )
        .await;
        assert_eq!(stored, 1, "idempotency key {} stored", r.key);
    }
    // The database holds exactly the refunds the answers promised, per order.
    let mut promised: BTreeMap<&str, BTreeSet<(i64, i64)>> = BTreeMap::new();
    for r in refunded {
        promised
            .entry(r.order.as_str())
            .or_default()
            .insert(r.refunds[0]);
    }
    for n in 1..=ORDERS {
        let number = format!("C-{n}");
        let stored: BTreeSet<(i64, i64)> = pairs(
            db,
            &format!(
                "SELECT r.id, r.amount_minor FROM refunds r JOIN orders o ON o.id = r.order_id \
                 WHERE o.number = '{number}' AND r.status <> 'failed'"
            ),
        )
        .await
        .into_iter()
        .collect();
        let want = promised.remove(number.as_str()).unwrap_or_default();
        assert_eq!(stored, want, "refunds of {number}");
        let total: i64 = stored.iter().map(|(_, a)| a).sum();
        assert!(total <= CAPTURED, "{number} refunded {total} > {CAPTURED}");
    }
    let over = pairs(
        db,
        "SELECT p.id, p.captured_minor FROM payments p \
         WHERE p.captured_minor < (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r \
           WHERE r.payment_id = p.id AND r.status <> 'failed')",
    )
    .await;
    assert!(
        over.is_empty(),
        "payments refunded beyond capture: {over:?}"
    );
}

async fn check_returns(db: &Db, returned: &[Returned]) {
    assert!(!returned.is_empty(), "some returns were answered");
    let ids: BTreeSet<i64> = returned.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), returned.len(), "one return per answer");
    // Exactly the answered returns are stored: a retry after a lost answer
    // carried its key and got the first return back instead of a second.
    let stored: BTreeSet<i64> = pairs(db, "SELECT id, id FROM returns")
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(stored, ids, "stored returns = answered returns");
    for r in returned {
        let answers = pairs(
            db,
            &format!(
                "SELECT response_status, COUNT(*) FROM idempotency_keys WHERE key = '{}' \
                 GROUP BY response_status",
                r.key
            ),
        )
        .await;
        assert_eq!(answers, vec![(201, 1)], "return key {}", r.key);
    }
}

/// Every claim got one final answer from the server: 200 (answered, exactly
/// once, refunded once on "yes") or 409 (its answer deadline had passed);
/// the database agrees claim by claim, and no claim waits past its deadline.
async fn check_claims(db: &Db, answers: &[ClaimAnswer], server_now: i64) {
    assert_eq!(answers.len(), CLAIMS, "every claim got a final answer");
    let answered: Vec<&ClaimAnswer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .collect();
    assert!(!answered.is_empty(), "some claims were answered");
    eprintln!(
        "claims: {} answered, {} past their deadline first",
        answered.len(),
        answers.len() - answered.len()
    );
    for a in answers {
        let order = format!("(SELECT id FROM orders WHERE number = '{}')", a.order);
        let facts = pairs(
            db,
            &format!(
                "SELECT COALESCE(answered_at, 0), COALESCE(answer_amount_minor, -1) FROM claims WHERE id = {}",
                a.claim
            ),
        )
        .await;
        let answer_events = scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM events WHERE kind = 'claim.answered' AND order_id = {order}"
            ),
        )
        .await;
        let refunds = pairs(
            db,
            &format!("SELECT id, amount_minor FROM refunds WHERE order_id = {order}"),
        )
        .await;
        let keys = scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM idempotency_keys WHERE key = '{}'",
                a.key
            ),
        )
        .await;
        let status = text(
            db,
            &format!("SELECT status FROM claims WHERE id = {}", a.claim),
        )
        .await;
        if a.status == StatusCode::OK {
            let (answered_at, amount) = facts[0];
            assert!(answered_at > 0, "claim {} answered", a.claim);
            assert_eq!(amount, a.amount, "claim {} amount", a.claim);
            assert_eq!(answer_events, 1, "claim {} answered once", a.claim);
            assert_eq!(keys, 1, "claim {} key stored once", a.claim);
            let want: Vec<i64> = if a.decision == "yes" {
                vec![a.amount]
            } else {
                vec![]
            };
            let got: Vec<i64> = refunds.iter().map(|(_, amount)| *amount).collect();
            assert_eq!(got, want, "claim {} refunds", a.claim);
            assert!(
                status == "awaiting_buyer" || status == "closed",
                "claim {} answered but {status}",
                a.claim
            );
        } else {
            // Refused because the merchant's time was up: nothing of the
            // answer may have stayed, and the mediators have the claim.
            assert_eq!(facts[0], (0, -1), "claim {} not answered", a.claim);
            assert_eq!((answer_events, keys), (0, 0), "claim {}", a.claim);
            assert!(refunds.is_empty(), "claim {} refunded", a.claim);
            assert_eq!(status, "escalated", "claim {}", a.claim);
        }
    }
    // Every claim deadline that passed has taken effect.
    let waiting_past_due = scalar(
        db,
        &format!(
            "SELECT COUNT(*) FROM claims WHERE due_at <= {server_now} \
             AND status IN ('awaiting_merchant', 'awaiting_buyer', 'awaiting_documents')"
        ),
    )
    .await;
    assert_eq!(waiting_past_due, 0, "claims waiting past their deadline");
}

async fn check_deliveries(db: &Db, receiver: &Receiver, events_before: i64) {
    let events: Vec<i64> = pairs(
        db,
        &format!("SELECT id, id FROM events WHERE id > {events_before}"),
    )
    .await
    .into_iter()
    .map(|(id, _)| id)
    .collect();
    let seen = receiver.ids.lock().unwrap().clone();
    let missing: Vec<i64> = events
        .iter()
        .copied()
        .filter(|id| !seen.contains_key(&format!("evt_{id}")))
        .collect();
    assert!(missing.is_empty(), "events never delivered: {missing:?}");
    let failed = scalar(
        db,
        "SELECT COUNT(*) FROM jobs WHERE kind IN ('mail', 'webhook') AND last_error IS NOT NULL \
         AND done_at IS NULL",
    )
    .await;
    assert_eq!(failed, 0);
    // Mail goes to .eml files without SMTP: at least one per mail job.
    let mails = scalar(db, "SELECT COUNT(*) FROM jobs WHERE kind = 'mail'").await;
    let files = std::fs::read_dir(db.dir.join("mail"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(
        i64::try_from(files).unwrap() >= mails,
        "{files} mails written for {mails} mail jobs"
    );
}
