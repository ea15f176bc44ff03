//! The insights dashboard at size: one shop with N returns (default
//! 1,000,000) spread over two years of orders, refunds and claims, written by
//! a few big `INSERT … SELECT` per batch (seeding is not what is measured);
//! then a `reso serve` process on that database answers the control
//! center's dashboard page and the JSON API, for the default period (the
//! last 30 days) and for a whole year, one request at a time.

use super::server_process::Servers;
use crate::app;
use crate::clock::{Clock, SystemClock};
use crate::store::merchants::{NewMerchant, SupportContact};
use crate::store::Backend;
use crate::{server, Config};
use reso_domain::time::MS_PER_DAY;
use reso_domain::Currency;
use sqlx::Row;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const DEFAULT_RETURNS: usize = 1_000_000;
/// Orders (each with one return) written per seeding transaction.
const SEED_BATCH: usize = 50_000;
/// Requests timed per kind of request.
const SAMPLES: usize = 21;
const PASSWORD: &str = "bench-password";
/// History the returns are spread over.
const HISTORY_DAYS: i64 = 730;

/// One kind of dashboard request, timed `SAMPLES` times.
#[derive(Debug, Clone)]
pub struct DashboardFigure {
    pub request: String,
    pub returns: usize,
    /// Sorted, milliseconds.
    pub times_ms: Vec<f64>,
}

impl DashboardFigure {
    pub fn median_ms(&self) -> f64 {
        self.times_ms
            .get(self.times_ms.len() / 2)
            .copied()
            .unwrap_or(f64::NAN)
    }

    pub fn p90_ms(&self) -> f64 {
        self.times_ms
            .get(self.times_ms.len() * 9 / 10)
            .copied()
            .unwrap_or(f64::NAN)
    }

    pub fn max_ms(&self) -> f64 {
        self.times_ms.last().copied().unwrap_or(f64::NAN)
    }
}

/// Seeds `count` returns on `database_url` (an empty database), starts a
/// server process on it and times the dashboard's requests.
pub async fn run_on(
    database_url: &str,
    count: usize,
    dir: &Path,
) -> anyhow::Result<(Vec<DashboardFigure>, Duration)> {
    let seeding = Instant::now();
    let (session, api_key) = seed(database_url, count).await?;
    let seed_time = seeding.elapsed();
    let server = Servers::start("dashboard", database_url, dir, 1).await?;
    // The worker's first pass (a quality sweep over the new history) settles.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let today = SystemClock.now().millis() / MS_PER_DAY;
    let year_ago = date_of(today - 364);
    let requests = [
        ("page, last 30 days", "/admin/insights".to_string(), true),
        (
            "page, last 365 days",
            format!("/admin/insights?from={year_ago}"),
            true,
        ),
        ("API, last 30 days", "/api/v1/insights".to_string(), false),
        (
            "API, last 365 days",
            format!("/api/v1/insights?from={year_ago}"),
            false,
        ),
    ];
    let mut figures = Vec::new();
    for (name, path, page) in requests {
        let url = format!("{}{path}", server.base);
        let mut times_ms = Vec::with_capacity(SAMPLES);
        // One unmeasured request warms the server's caches and statements.
        for sample in 0..=SAMPLES {
            let request = if page {
                http.get(&url)
                    .header("cookie", format!("reso_session={session}"))
            } else {
                http.get(&url).bearer_auth(&api_key)
            };
            let began = Instant::now();
            let response = request.send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            let took = began.elapsed();
            anyhow::ensure!(
                status.is_success() && !body.is_empty(),
                "GET {path} answered {status}"
            );
            if sample > 0 {
                times_ms.push(took.as_secs_f64() * 1000.0);
            }
        }
        times_ms.sort_by(f64::total_cmp);
        figures.push(DashboardFigure {
            request: name.to_string(),
            returns: count,
            times_ms,
        });
    }
    drop(server);
    Ok((figures, seed_time))
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01.
fn date_of(day: i64) -> String {
    let date = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(day);
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The shop, its admin's session and an API key, and `count` orders of two
/// lines each with one return; most returns refunded a few days later, one
/// order in fifty with a claim. Returns (session, API key).
async fn seed(database_url: &str, count: usize) -> anyhow::Result<(String, String)> {
    let config = Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: crate::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let state = server::build_state(database_url, config, Arc::new(SystemClock)).await?;
    let merchant = app::merchants::create(
        &state,
        NewMerchant {
            slug: "insights".into(),
            name: "Insights Shop".into(),
            support: SupportContact {
                email: "help@insights.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Insights Returns, 1 Test Street".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR")?,
        },
    )
    .await?;
    let admin = "admin@insights.test";
    app::merchants::create_staff(&state, merchant.id, admin, "Admin", "admin", PASSWORD).await?;
    let session = app::auth::login(&state, admin, PASSWORD).await?.token;
    let api_key = app::auth::create_api_key(&state, merchant.id, "bench").await?;

    let now = state.now();
    // Orders placed over two years up to six days ago: every return (five
    // days after its order) lies in the past.
    let first = now - HISTORY_DAYS * MS_PER_DAY;
    let step = ((HISTORY_DAYS - 6) * MS_PER_DAY) / count.max(1) as i64;
    let mut start = 0usize;
    while start < count {
        let end = (start + SEED_BATCH).min(count);
        let mut tx = state.db.begin().await?;
        let max = |table: &'static str| format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}");
        let orders_before: i64 = sqlx::query(&max("orders"))
            .fetch_one(&mut *tx)
            .await?
            .try_get("m")?;
        let returns_before: i64 = sqlx::query(&max("returns"))
            .fetch_one(&mut *tx)
            .await?
            .try_get("m")?;
        let claims_before: i64 = sqlx::query(&max("claims"))
            .fetch_one(&mut *tx)
            .await?
            .try_get("m")?;
        sqlx::query(
            "WITH RECURSIVE seq(i) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i < $2) \
             INSERT INTO orders (merchant_id, number, buyer_email, buyer_name, locale, currency, placed_at, \
                                 created_at, updated_at, protected) \
             SELECT $3, 'H' || i, 'buyer' || (i % 50000) || '@bench.test', 'Buyer ' || i, 'en', 'EUR', \
                    $4 + i * $5, $4 + i * $5, $4 + i * $5, 1 FROM seq",
        )
        .bind(start as i64)
        .bind(end as i64 - 1)
        .bind(merchant.id)
        .bind(first)
        .bind(step)
        .execute(&mut *tx)
        .await?;
        let day = MS_PER_DAY;
        let per_order = [
            // Two lines over 200 SKUs.
            "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor, returnable) \
             SELECT id, 'SKU-' || (id % 200), 'Product ' || (id % 200), 1, 2500, 1 FROM orders \
             WHERE merchant_id = $1 AND id > $2",
            "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor, returnable) \
             SELECT id, 'SKU-' || ((id + 77) % 200), 'Product ' || ((id + 77) % 200), 2, 4000, 1 FROM orders \
             WHERE merchant_id = $1 AND id > $2",
            "INSERT INTO payments (order_id, method, gateway, reference, currency, captured_minor) \
             SELECT id, 'card', 'simulator', 'pi_' || number, currency, 10500 FROM orders \
             WHERE merchant_id = $1 AND id > $2",
        ];
        for sql in per_order {
            sqlx::query(sql)
                .bind(merchant.id)
                .bind(orders_before)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(&format!(
            "INSERT INTO returns (merchant_id, order_id, rma, status, decision, refund_method, created_at, updated_at) \
             SELECT merchant_id, id, 'R' || id, \
                    CASE WHEN id % 10 < 7 THEN 'refunded' WHEN id % 10 = 7 THEN 'rejected' ELSE 'authorized' END, \
                    'auto_authorize', 'original', placed_at + {}, placed_at + {} FROM orders \
             WHERE merchant_id = $1 AND id > $2",
            5 * day,
            5 * day
        ))
        .bind(merchant.id)
        .bind(orders_before)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO return_lines (return_id, order_line_id, quantity, reason) \
             SELECT r.id, l.id, 1, \
                    CASE r.id % 9 WHEN 0 THEN 'damaged' WHEN 1 THEN 'defective' WHEN 2 THEN 'wrong_item' \
                      WHEN 3 THEN 'not_as_described' WHEN 4 THEN 'too_small' WHEN 5 THEN 'too_large' \
                      WHEN 6 THEN 'changed_mind' WHEN 7 THEN 'arrived_late' ELSE 'other' END \
             FROM returns r JOIN order_lines l ON l.order_id = r.order_id AND l.quantity = 1 \
             WHERE r.merchant_id = $1 AND r.id > $2",
        )
        .bind(merchant.id)
        .bind(returns_before)
        .execute(&mut *tx)
        .await?;
        // Refunded one to ten days after the request, if that is past.
        sqlx::query(&format!(
            "INSERT INTO refunds (merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, \
                                  reason, status, gateway, credit_note, created_by, created_at, updated_at) \
             SELECT r.merchant_id, r.order_id, p.id, r.id, 2500, 'EUR', 'original', 'return', 'succeeded', \
                    'simulator', 'CN-' || r.id, 'bench', r.created_at + (1 + r.id % 10) * {day}, \
                    r.created_at + (1 + r.id % 10) * {day} + 3600000 \
             FROM returns r JOIN payments p ON p.order_id = r.order_id \
             WHERE r.merchant_id = $1 AND r.id > $2 AND r.status = 'refunded' \
               AND r.created_at + (1 + r.id % 10) * {day} + 3600000 < $3"
        ))
        .bind(merchant.id)
        .bind(returns_before)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // One order in fifty has a claim twenty days after it was placed:
        // most answered, some escalated for silence, most closed.
        sqlx::query(&format!(
            "INSERT INTO claims (merchant_id, order_id, kind, status, buyer_text, escalation, outcome, \
                                 answered_at, due_at, created_at, updated_at) \
             SELECT merchant_id, id, \
                    CASE id % 3 WHEN 0 THEN 'not_received' WHEN 1 THEN 'refund_not_received' ELSE 'other_problem' END, \
                    CASE WHEN id % 7 = 0 THEN 'escalated' WHEN placed_at + {due} >= $3 THEN 'awaiting_merchant' \
                      ELSE 'closed' END, \
                    'Where is my money?', \
                    CASE WHEN id % 7 = 0 THEN 'merchant_silent' END, \
                    CASE WHEN id % 7 > 0 AND placed_at + {due} < $3 THEN '{{\"kind\":\"concluded\"}}' END, \
                    CASE WHEN id % 7 > 0 AND placed_at + {due} < $3 THEN placed_at + {answered} END, \
                    placed_at + {due}, placed_at + {opened}, placed_at + {opened} \
             FROM orders WHERE merchant_id = $1 AND id > $2 AND id % 50 = 0 AND placed_at + {opened} < $3",
            answered = 22 * day,
            due = 27 * day,
            opened = 20 * day,
        ))
        .bind(merchant.id)
        .bind(orders_before)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Past deadlines fired (or the worker would fire them while the
        // dashboard is timed), future ones waiting.
        sqlx::query(
            "INSERT INTO deadlines (merchant_id, kind, claim_id, order_id, due_at, fired_at, created_at) \
             SELECT merchant_id, $1, id, order_id, due_at, \
                    CASE WHEN due_at < $3 THEN due_at END, created_at \
             FROM claims WHERE id > $2",
        )
        .bind(app::claims::DEADLINE_ANSWER)
        .bind(claims_before)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        start = end;
        if state.db.backend == Backend::Postgres {
            // Statistics as autovacuum would gather them: without them the
            // planner takes the growing tables for empty ones.
            sqlx::query("ANALYZE").execute(state.db.reader()).await?;
        }
    }
    state.db.close().await;
    Ok((session, api_key))
}
