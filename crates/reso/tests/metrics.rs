//! What an operator sees: `/metrics` in the Prometheus text format, request
//! ids on every answer and in every log line of the request.

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use reso::metrics::Metrics;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use support::{TestApp, START};
use tower::ServiceExt;

/// The exposition as (name, labels, value) samples.
struct Exposition {
    text: String,
    samples: Vec<(String, BTreeMap<String, String>, f64)>,
}

impl Exposition {
    fn parse(text: String) -> Exposition {
        let samples = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|line| {
                let (series, value) = line.rsplit_once(' ').expect("sample has a value");
                let value: f64 = value.parse().expect("numeric value");
                let (name, labels) = match series.split_once('{') {
                    // Route templates hold braces: the label set ends at the last one.
                    Some((name, rest)) => (name, rest.strip_suffix('}').expect("closing brace")),
                    None => (series, ""),
                };
                let labels = labels
                    .split("\",")
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (k, v) = pair.split_once("=\"").expect("label pair");
                        (k.to_string(), v.trim_end_matches('"').to_string())
                    })
                    .collect();
                (name.to_string(), labels, value)
            })
            .collect();
        Exposition { text, samples }
    }

    /// The value of the one sample named `name` whose labels include `labels`.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let found: Vec<f64> = self
            .samples
            .iter()
            .filter(|(n, l, _)| {
                n == name
                    && labels
                        .iter()
                        .all(|(k, v)| l.get(*k).map(String::as_str) == Some(v))
            })
            .map(|(_, _, v)| *v)
            .collect();
        assert!(
            found.len() <= 1,
            "{name} {labels:?} is ambiguous:\n{}",
            self.text
        );
        found.first().copied()
    }
}

async fn scrape(app: &TestApp) -> Exposition {
    let res = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    Exposition::parse(res.text().await.expect("body"))
}

#[tokio::test]
async fn metrics_are_served_in_the_prometheus_text_format() {
    let app = TestApp::spawn().await;
    let first = scrape(&app).await;
    assert!(
        first
            .text
            .contains("# TYPE reso_deadlines_due_unfired gauge"),
        "{}",
        first.text
    );
    assert_eq!(first.value("reso_deadlines_pending", &[]), Some(0.0));
    assert!(first.value("reso_uptime_seconds", &[]).is_some());
    // The first scrape is itself measured, as a histogram of the classic kind.
    let second = scrape(&app).await;
    assert!(second
        .text
        .contains("# TYPE reso_http_request_duration_seconds histogram"));
    let metrics_route = [("route", "/metrics"), ("method", "GET"), ("status", "200")];
    assert!(second.value("reso_http_request_duration_seconds_count", &metrics_route) >= Some(1.0));
    let inf = [("route", "/metrics"), ("method", "GET"), ("le", "+Inf")];
    assert_eq!(
        second.value("reso_http_request_duration_seconds_bucket", &inf),
        second.value("reso_http_request_duration_seconds_count", &metrics_route)
    );
}

#[tokio::test]
async fn requests_are_counted_under_their_route_template() {
    let app = TestApp::spawn().await;
    app.delivered_order("7001", "ada@example.com").await;
    let show = [
        ("route", "/api/v1/orders/{number}"),
        ("method", "GET"),
        ("status", "200"),
    ];
    let count = "reso_http_request_duration_seconds_count";
    let before = scrape(&app).await.value(count, &show).unwrap_or(0.0);
    let res = app.api_get("/api/v1/orders/7001").await;
    assert_eq!(res.status(), StatusCode::OK);
    let missing = app.http.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let after = scrape(&app).await;
    assert_eq!(after.value(count, &show), Some(before + 1.0));
    assert!(
        after.value(count, &[("route", "unmatched"), ("status", "404")]) >= Some(1.0),
        "{}",
        after.text
    );
    // Raw paths never become labels.
    // (A label value is quoted; a sample value could contain the digits.)
    assert!(!after.text.contains("/orders/7001"), "{}", after.text);
    assert!(!after.text.contains("/no/such/page"), "{}", after.text);
}

#[tokio::test]
async fn the_job_queue_is_read_at_scrape_time() {
    let app = TestApp::spawn().await;
    let mut tx = app.state.db.begin().await.unwrap();
    let payload = json!({});
    // Due a minute ago, and one that waits for a retry in an hour.
    reso::store::jobs::enqueue(&mut tx, "probe", &payload, START - 60_000, START - 60_000)
        .await
        .unwrap();
    reso::store::jobs::enqueue(&mut tx, "probe", &payload, START + 3_600_000, START)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let m = scrape(&app).await;
    let probe = [("kind", "probe")];
    assert_eq!(
        m.value("reso_jobs_pending", &probe),
        Some(2.0),
        "{}",
        m.text
    );
    assert_eq!(m.value("reso_jobs_due", &probe), Some(1.0));
    assert_eq!(
        m.value("reso_jobs_oldest_due_age_seconds", &probe),
        Some(60.0)
    );

    app.clock.advance_ms(30_000);
    let later = scrape(&app).await;
    assert_eq!(
        later.value("reso_jobs_oldest_due_age_seconds", &probe),
        Some(90.0)
    );
}

#[tokio::test]
async fn due_deadlines_that_have_not_fired_are_reported() {
    let app = TestApp::spawn().await;
    let mut tx = app.state.db.begin().await.unwrap();
    for due_at in [START - 90_000, START + 86_400_000] {
        sqlx::query(
            "INSERT INTO deadlines (merchant_id, kind, due_at, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(app.merchant.id)
        .bind("seller_answer")
        .bind(due_at)
        .bind(START - 86_400_000)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let m = scrape(&app).await;
    assert_eq!(
        m.value("reso_deadlines_pending", &[]),
        Some(2.0),
        "{}",
        m.text
    );
    assert_eq!(m.value("reso_deadlines_due_unfired", &[]), Some(1.0));
    assert_eq!(
        m.value("reso_deadlines_oldest_due_age_seconds", &[]),
        Some(90.0)
    );
}

#[tokio::test]
async fn refunds_pending_at_a_provider_are_counted_with_their_amount() {
    let app = TestApp::spawn().await;
    app.delivered_order("7002", "bob@example.com").await;
    for (amount, method) in [(1_500, "original_payment"), (700, "manual")] {
        let res = app
            .api_post(
                "/api/v1/orders/7002/refunds",
                &json!({ "amount_minor": amount, "method": method, "reason": "late parcel" }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let m = scrape(&app).await;
    // The simulator answers later; the manual refund is settled at once.
    let simulator = [("gateway", "simulator"), ("currency", "EUR")];
    assert_eq!(
        m.value("reso_refunds_pending", &simulator),
        Some(1.0),
        "{}",
        m.text
    );
    assert_eq!(
        m.value("reso_refunds_pending_amount_minor", &simulator),
        Some(1_500.0)
    );
    assert_eq!(
        m.value("reso_refunds_pending", &[("gateway", "manual")]),
        None
    );
}

#[tokio::test]
async fn a_sane_request_id_is_echoed_and_any_other_replaced() {
    let app = TestApp::spawn().await;
    let id_of = |res: &reqwest::Response| {
        res.headers()["x-request-id"]
            .to_str()
            .expect("visible ASCII")
            .to_string()
    };
    let given = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(&given), "abc-123");

    let none = app.http.get(app.url("/healthz")).send().await.unwrap();
    let other = app.http.get(app.url("/healthz")).send().await.unwrap();
    let (a, b) = (id_of(&none), id_of(&other));
    assert_eq!(a.len(), 16, "{a}");
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
    assert_ne!(a, b);

    let too_long = "x".repeat(200);
    for bad in ["has spaces", too_long.as_str()] {
        let res = app
            .http
            .get(app.url("/healthz"))
            .header("x-request-id", bad)
            .send()
            .await
            .unwrap();
        let id = id_of(&res);
        assert_ne!(id, bad);
        assert_eq!(id.len(), 16);
    }
}

#[tokio::test]
async fn a_metrics_token_keeps_strangers_out() {
    let app = TestApp::spawn().await;
    let mut state = app.state.clone();
    state.metrics = Arc::new(Metrics::new(Some("s3cret".into())));
    let router = reso::server::router(state);
    let get = |auth: Option<&str>| {
        let mut req = Request::get("/metrics");
        if let Some(auth) = auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        req.body(Body::empty()).unwrap()
    };
    let refused = router.clone().oneshot(get(None)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(refused.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let wrong = router
        .clone()
        .oneshot(get(Some("Bearer guess")))
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let admitted = router.oneshot(get(Some("Bearer s3cret"))).await.unwrap();
    assert_eq!(admitted.status(), StatusCode::OK);
}

/// `reso serve --log-format json`: every line of a request carries its id.
#[tokio::test]
async fn json_logs_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_reso"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("RESO_DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start reso");
    let lines = |stream: Box<dyn std::io::Read + Send>| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    };
    let stdout = lines(Box::new(child.stdout.take().unwrap()));
    let stderr = lines(Box::new(child.stderr.take().unwrap()));
    let base = loop {
        let line = stdout
            .recv_timeout(Duration::from_secs(120))
            .expect("reso prints where it listens");
        if let Some(rest) = line.strip_prefix("Listening on ") {
            break rest.trim().to_string();
        }
    };
    let res = reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .header("x-request-id", "abc-json-7")
        .send()
        .await
        .expect("healthz");
    assert_eq!(res.status(), StatusCode::OK);

    let mut seen = Vec::new();
    let finished = loop {
        let Ok(line) = stderr.recv_timeout(Duration::from_secs(20)) else {
            let _ = child.kill();
            panic!("no log line of the request; stderr so far: {seen:#?}");
        };
        seen.push(line.clone());
        let Ok(entry) = serde_json::from_str::<Value>(&line) else {
            let _ = child.kill();
            panic!("a log line is not JSON: {line}");
        };
        if entry["span"]["request_id"] == "abc-json-7" {
            break entry;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(finished["level"], "INFO");
    assert_eq!(finished["target"], "reso::access");
    assert_eq!(finished["span"]["route"], "/healthz");
    assert_eq!(finished["span"]["method"], "GET");
    assert_eq!(finished["fields"]["status"], 200);
    assert!(finished["fields"]["latency_ms"].is_number(), "{finished}");
}
