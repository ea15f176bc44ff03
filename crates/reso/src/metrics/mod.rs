//! What an operator watches: `GET /metrics` in the Prometheus text format.
//! Request latencies are recorded as requests pass (`requests.rs`); the
//! backlog of jobs, deadlines and refunds is read from the database when
//! scraped (`store::metrics`), so it is never stale and costs nothing between
//! scrapes.

mod requests;

pub use requests::{observe, REQUEST_ID};

use crate::api::problem::ApiError;
use crate::app::{auth, AppError};
use crate::store::metrics as backlog;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode_registry;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

/// The classic Prometheus text format. Only gauges and histograms are
/// exposed, whose OpenMetrics text (what the encoder writes) reads the same.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub struct Metrics {
    requests: requests::RequestMetrics,
    started: Instant,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    token: Option<String>,
}

impl Metrics {
    pub fn new(token: Option<String>) -> Metrics {
        Metrics {
            requests: requests::RequestMetrics::new(),
            started: Instant::now(),
            token,
        }
    }

    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| auth::same_token(given.trim(), token))
    }
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.metrics.admits(&headers) {
        let refusal = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the metrics token as 'Authorization: Bearer <token>'",
        );
        return ([(header::WWW_AUTHENTICATE, "Bearer")], refusal).into_response();
    }
    match render(&state).await {
        Ok(body) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response(),
        Err(e) => ApiError::from(AppError::Internal(e)).into_response(),
    }
}

/// The whole exposition: a registry built for this scrape holds the shared
/// request histograms and gauges set from the database as it is now.
pub async fn render(state: &AppState) -> anyhow::Result<String> {
    let now = state.now();
    let (jobs, deadlines, refunds) = {
        let mut conn = state.db.reader().acquire().await?;
        (
            backlog::job_backlog(&mut conn, now).await?,
            backlog::deadline_backlog(&mut conn, now).await?,
            backlog::pending_refunds(&mut conn).await?,
        )
    };
    let mut registry = Registry::default();
    state.metrics.requests.register(&mut registry);
    register_jobs(&mut registry, &jobs, now);
    register_deadlines(&mut registry, &deadlines, now);
    register_refunds(&mut registry, &refunds, now);
    register_process(&mut registry, &state.metrics);
    let mut body = String::new();
    encode_registry(&mut body, &registry)?;
    Ok(body)
}

type Seconds = Gauge<f64, AtomicU64>;
type ByKind = [(&'static str, String); 1];
type ByGatewayAndCurrency = [(&'static str, String); 2];

/// How long ago `at` was, in seconds; 0 when nothing waits, so the series
/// stays present and an alert on it resolves.
fn age(now: i64, at: Option<i64>) -> f64 {
    at.map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0)
}

fn register_jobs(registry: &mut Registry, jobs: &[backlog::JobBacklog], now: i64) {
    let pending = Family::<ByKind, Gauge>::default();
    let due = Family::<ByKind, Gauge>::default();
    let oldest = Family::<ByKind, Seconds>::default();
    for job in jobs {
        let kind = [("kind", job.kind.clone())];
        pending.get_or_create(&kind).set(job.pending);
        due.get_or_create(&kind).set(job.due);
        oldest.get_or_create(&kind).set(age(now, job.oldest_due_at));
    }
    registry.register(
        "reso_jobs_pending",
        "Outbox jobs not done yet, due or waiting for a retry (kinds with none are absent)",
        pending,
    );
    registry.register(
        "reso_jobs_due",
        "Outbox jobs not done whose time to run has come",
        due,
    );
    registry.register(
        "reso_jobs_oldest_due_age_seconds",
        "How long the longest-waiting due job has waited",
        oldest,
    );
}

fn register_deadlines(registry: &mut Registry, deadlines: &backlog::DeadlineBacklog, now: i64) {
    let pending = Gauge::<i64>::default();
    pending.set(deadlines.pending);
    let due = Gauge::<i64>::default();
    due.set(deadlines.due);
    let oldest = Seconds::default();
    oldest.set(age(now, deadlines.oldest_due_at));
    registry.register(
        "reso_deadlines_pending",
        "Claim deadlines not fired yet",
        pending,
    );
    registry.register(
        "reso_deadlines_due_unfired",
        "Claim deadlines past due that have not fired yet",
        due,
    );
    registry.register(
        "reso_deadlines_oldest_due_age_seconds",
        "How late the most overdue unfired deadline is",
        oldest,
    );
}

fn register_refunds(registry: &mut Registry, refunds: &[backlog::PendingRefunds], now: i64) {
    let count = Family::<ByGatewayAndCurrency, Gauge>::default();
    let amount = Family::<ByGatewayAndCurrency, Gauge>::default();
    let oldest = Family::<ByGatewayAndCurrency, Seconds>::default();
    for r in refunds {
        let labels = [
            ("gateway", r.gateway.clone()),
            ("currency", r.currency.clone()),
        ];
        count.get_or_create(&labels).set(r.count);
        amount.get_or_create(&labels).set(r.amount_minor);
        oldest
            .get_or_create(&labels)
            .set(age(now, Some(r.oldest_at)));
    }
    registry.register(
        "reso_refunds_pending",
        "Refunds sent to a payment provider and not settled yet",
        count,
    );
    registry.register(
        "reso_refunds_pending_amount_minor",
        "Amount of the pending refunds, in minor units of the currency",
        amount,
    );
    registry.register(
        "reso_refunds_pending_oldest_age_seconds",
        "How long the oldest pending refund has waited for its provider",
        oldest,
    );
}

fn register_process(registry: &mut Registry, metrics: &Metrics) {
    let uptime = Seconds::default();
    uptime.set(metrics.started.elapsed().as_secs_f64());
    registry.register(
        "reso_uptime_seconds",
        "Time since this process started serving",
        uptime,
    );
    if let Some(bytes) = resident_memory_bytes() {
        let rss = Gauge::<i64>::default();
        rss.set(bytes);
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            rss,
        );
    }
}

/// VmRSS from /proc (Linux only; elsewhere the metric is left out).
fn resident_memory_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_required_only_when_set() {
        let mut headers = HeaderMap::new();
        assert!(Metrics::new(None).admits(&headers));
        let guarded = Metrics::new(Some("s3cret".into()));
        assert!(!guarded.admits(&headers));
        headers.insert(header::AUTHORIZATION, "Bearer wrong".parse().unwrap());
        assert!(!guarded.admits(&headers));
        headers.insert(header::AUTHORIZATION, "Bearer s3cret".parse().unwrap());
        assert!(guarded.admits(&headers));
    }

    #[test]
    fn ages_are_seconds_and_never_negative() {
        assert_eq!(age(10_000, Some(7_500)), 2.5);
        assert_eq!(age(10_000, Some(12_000)), 0.0);
        assert_eq!(age(10_000, None), 0.0);
    }
}
