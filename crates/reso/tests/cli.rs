//! The `reso` binary as an operator uses it: each test runs the built program
//! on its own temporary data folder and reads what it prints and returns.

use reso::clock::SystemClock;
use reso::{AppState, Config};
use reso_domain::ReturnStatus;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

fn reso(dir: &Path, args: &[&str]) -> Output {
    reso_with(dir, args, &[], None)
}

fn reso_with(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reso"));
    cmd.args(args).arg("--data-dir").arg(dir);
    // The caller's environment must not steer the test.
    for var in [
        "RESO_DATABASE_URL",
        "RESO_DATA_DIR",
        "RESO_PASSWORD",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run reso");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or("").as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("reso output")
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
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

fn create_shop(dir: &Path) {
    let out = reso(
        dir,
        &[
            "merchant",
            "create",
            "--slug",
            "trail",
            "--name",
            "Trail Shop",
            "--support-email",
            "help@trail.test",
            "--currency",
            "SEK",
        ],
    );
    assert_exit(&out, 0);
}

async fn open(dir: &Path) -> AppState {
    let config = Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: reso::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let url = format!("sqlite://{}", dir.join("reso.db").display());
    reso::server::build_state(&url, config, Arc::new(SystemClock))
        .await
        .expect("open the database")
}

#[test]
fn migrate_creates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let out = reso(&data, &["migrate"]);
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout).contains("is up to date"),
        "{}",
        text(&out.stdout)
    );
    assert!(data.join("reso.db").exists());
    // Running it again is harmless.
    assert_exit(&reso(&data, &["migrate"]), 0);
}

#[tokio::test]
async fn merchants_staff_and_api_keys_are_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = reso(
        dir.path(),
        &[
            "merchant",
            "create",
            "--slug",
            "trail",
            "--name",
            "Trail Shop",
            "--support-email",
            "help@trail.test",
            "--currency",
            "SEK",
            "--locale",
            "de",
        ],
    );
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout).contains("Created merchant 'trail' (Trail Shop)"),
        "{}",
        text(&out.stdout)
    );

    let again = reso(
        dir.path(),
        &[
            "merchant",
            "create",
            "--slug",
            "trail",
            "--name",
            "Other",
            "--support-email",
            "x@trail.test",
        ],
    );
    assert_exit(&again, 2);
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let bad_currency = reso(
        dir.path(),
        &[
            "merchant",
            "create",
            "--slug",
            "eu",
            "--name",
            "EU",
            "--support-email",
            "x@eu.test",
            "--currency",
            "EURO",
        ],
    );
    assert_exit(&bad_currency, 2);
    assert!(text(&bad_currency.stderr).contains("not an ISO 4217 currency code"));

    let staff = [
        "staff",
        "create",
        "--merchant",
        "trail",
        "--email",
        "Kim@Trail.test",
        "--name",
        "Kim",
        "--role",
        "admin",
    ];
    let short = reso_with(dir.path(), &staff, &[("RESO_PASSWORD", "short")], None);
    assert_exit(&short, 2);
    assert!(
        text(&short.stderr).contains("at least 8 characters"),
        "{}",
        text(&short.stderr)
    );
    let short_flag = reso(
        dir.path(),
        &[&staff[..], &["--password", "1234567"]].concat(),
    );
    assert_exit(&short_flag, 2);
    // No password and no terminal to ask on: a clear refusal, not a hang.
    let none = reso(dir.path(), &staff);
    assert_exit(&none, 2);
    assert!(
        text(&none.stderr).contains("RESO_PASSWORD"),
        "{}",
        text(&none.stderr)
    );
    let bad_role = reso(
        dir.path(),
        &[
            "staff",
            "create",
            "--merchant",
            "trail",
            "--email",
            "a@trail.test",
            "--name",
            "A",
            "--role",
            "boss",
        ],
    );
    assert_exit(&bad_role, 2);
    let ok = reso_with(
        dir.path(),
        &staff,
        &[("RESO_PASSWORD", "long enough secret")],
        None,
    );
    assert_exit(&ok, 0);
    assert!(
        text(&ok.stdout).contains("Created admin kim@trail.test for 'trail'"),
        "{}",
        text(&ok.stdout)
    );
    let unknown_shop = reso_with(
        dir.path(),
        &[
            "staff",
            "create",
            "--merchant",
            "nope",
            "--email",
            "b@trail.test",
            "--name",
            "B",
            "--role",
            "agent",
        ],
        &[("RESO_PASSWORD", "long enough secret")],
        None,
    );
    assert_exit(&unknown_shop, 2);
    assert!(text(&unknown_shop.stderr).contains("not found"));

    let key_out = reso(
        dir.path(),
        &[
            "api-key",
            "create",
            "--merchant",
            "trail",
            "--name",
            "shop sync",
        ],
    );
    assert_exit(&key_out, 0);
    let stdout = text(&key_out.stdout);
    let key = stdout
        .lines()
        .find(|l| l.starts_with("reso_"))
        .unwrap_or_else(|| panic!("no key printed: {stdout}"));

    // What the commands made works through the library: login and key.
    let state = open(dir.path()).await;
    let session = reso::app::auth::login(&state, "kim@trail.test", "long enough secret")
        .await
        .expect("login");
    assert_eq!(session.user.role, "admin");
    let (_, merchant_id) = reso::app::auth::api_key(&state, key)
        .await
        .expect("the printed key is valid");
    let merchant = reso::app::merchants::by_id(&state, merchant_id)
        .await
        .unwrap();
    assert_eq!(
        (
            merchant.slug.as_str(),
            merchant.currency.as_str(),
            merchant.default_locale.as_str()
        ),
        ("trail", "SEK", "de")
    );
}

#[test]
fn import_orders_prints_a_summary_and_exits_2_on_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    create_shop(dir.path());
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "order_number,placed_at,buyer_email,currency,sku,quantity,unit_price,payment_method,payment_gateway,payment_reference,captured_amount\n\
         T-1,2026-02-01,a@example.com,SEK,CAP,1,199.00,card,simulator,pi_1,199.00\n\
         T-2,2026-02-02,b@example.com,SEK,CAP,2,199.00,card,simulator,pi_2,398\n",
    )
    .unwrap();
    let good_path = good.to_str().unwrap();
    let out = reso(
        dir.path(),
        &["import-orders", "--merchant", "trail", good_path],
    );
    assert_exit(&out, 0);
    assert!(
        text(&out.stdout)
            .contains("Imported 2 orders: 2 created, 0 updated, 0 unchanged, 0 rejected"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("2 rows read"),
        "{}",
        text(&out.stderr)
    );

    let again = reso(
        dir.path(),
        &["import-orders", "--merchant", "trail", good_path],
    );
    assert_exit(&again, 0);
    assert!(
        text(&again.stdout).contains("2 orders: 0 created, 0 updated, 2 unchanged"),
        "{}",
        text(&again.stdout)
    );

    let bad = "order_number,placed_at,buyer_email,currency,sku,quantity,unit_price\n\
               T-3,2026-02-03,c@example.com,SEK,CAP,1,1.005\n\
               T-4,2026-02-03,d@example.com,SEK,CAP,1,5\n";
    let out = reso_with(
        dir.path(),
        &["import-orders", "--merchant", "trail", "-"],
        &[],
        Some(bad),
    );
    assert_exit(&out, 2);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("2 orders: 1 created, 0 updated, 0 unchanged, 1 rejected"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "line 2 (order T-3): unit_price '1.005' has 3 decimals; SEK allows at most 2"
        ),
        "{stdout}"
    );

    let missing = reso(
        dir.path(),
        &[
            "import-orders",
            "--merchant",
            "trail",
            "/nonexistent/orders.csv",
        ],
    );
    assert_exit(&missing, 2);
    assert!(text(&missing.stderr).contains("cannot open"));
    let help = Command::new(env!("CARGO_BIN_EXE_reso"))
        .args(["import-orders", "--help"])
        .output()
        .unwrap();
    assert!(
        text(&help.stdout).contains("payment_reference"),
        "the columns are documented"
    );
}

/// A running server whose stdout is read line by line.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(args: &[&str], dir: &Path) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reso"))
            .args(args)
            .arg("--data-dir")
            .arg(dir)
            .env_remove("RESO_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start reso");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The rest of the first printed line starting with `prefix`.
    fn wait_for(&mut self, prefix: &str) -> String {
        if let Some(found) = self
            .seen
            .iter()
            .find_map(|l| l.trim_start().strip_prefix(prefix))
        {
            return found.trim().to_string();
        }
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| {
                    panic!(
                        "no line starting with {prefix:?}; printed so far: {:?}",
                        self.seen
                    )
                });
            self.seen.push(line.clone());
            if let Some(rest) = line.trim_start().strip_prefix(prefix) {
                return rest.trim().to_string();
            }
        }
    }

    /// SIGTERM, as a service manager stops it; the server must end cleanly.
    fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        for _ in 0..200 {
            if let Some(exit) = self.child.try_wait().expect("wait") {
                assert!(exit.success(), "reso ended with {exit} after SIGTERM");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("reso did not stop within 10 s of SIGTERM");
    }
}

#[tokio::test]
async fn serve_prints_the_bound_address_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Running::start(&["serve", "--addr", "127.0.0.1:0"], dir.path());
    let base = server.wait_for("Listening on");
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );
    let health = reqwest::get(format!("{base}/healthz"))
        .await
        .expect("healthz")
        .text()
        .await
        .unwrap();
    assert_eq!(health, "ok");
    server.terminate();
}

#[tokio::test]
async fn the_demo_serves_shops_with_returns_in_every_status() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let mut demo = Running::start(&["demo", "--addr", "127.0.0.1:0"], &data);
    let base = demo.wait_for("Listening on");
    let link = demo.wait_for("Magic link:");
    let key = demo.wait_for("API key (acme):");
    demo.wait_for("Mailbox:");
    assert!(link.starts_with(&format!("{base}/s/acme/o/")), "{link}");

    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let page = http.get(&link).send().await.expect("magic link");
    assert_eq!(page.status(), 200, "the printed magic link opens the order");
    assert!(page.text().await.unwrap().contains("1013"));
    let help = http
        .get(format!("{base}/s/acme/help"))
        .send()
        .await
        .unwrap();
    assert_eq!(help.status(), 200);
    let orders = http
        .get(format!("{base}/api/v1/orders"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(orders.status(), 200, "the printed API key works");

    // The data went in through the use cases: every status, both shops.
    let state = open(&data).await;
    let mut conn = state.db.reader().acquire().await.unwrap();
    let shops = reso::store::merchants::all(&mut conn).await.unwrap();
    assert_eq!(
        shops.iter().map(|m| m.slug.as_str()).collect::<Vec<_>>(),
        ["acme", "nordic"]
    );
    let mut statuses = BTreeSet::new();
    let mut order_count = 0;
    for shop in &shops {
        for (status, n) in reso::store::returns::counts(&mut conn, shop.id)
            .await
            .unwrap()
        {
            assert!(n > 0);
            statuses.insert(status);
        }
        order_count += reso::store::orders::list(&mut conn, shop.id, None, 100)
            .await
            .unwrap()
            .len();
    }
    let all: BTreeSet<String> = ReturnStatus::ALL
        .iter()
        .map(|s| s.code().to_string())
        .collect();
    assert_eq!(statuses, all, "every return status is in the demo");
    assert!((30..=45).contains(&order_count), "{order_count} orders");
    let acme = &shops[0];
    let showcase = reso::app::orders::by_number(&state, acme.id, "1013")
        .await
        .unwrap();
    assert_eq!(
        reso::store::returns::ids_for_order(&mut conn, showcase.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        showcase.refunded_total().minor > 0,
        "the showcase order has refunds"
    );
    drop(conn);
    state.db.close().await;

    demo.terminate();

    // Started again on the same folder, the demo keeps its data.
    let mut again = Running::start(&["demo", "--addr", "127.0.0.1:0"], &data);
    again.wait_for("Magic link:");
    again.terminate();
    let state = open(&data).await;
    let mut conn = state.db.reader().acquire().await.unwrap();
    assert_eq!(
        reso::store::merchants::all(&mut conn).await.unwrap().len(),
        2,
        "not loaded twice"
    );
}
