//! `reso bench --deadlines N`: N claims whose answer deadline falls due at the
//! same instant (a merchant silent on all of them), fired by the worker's own
//! `app::deadlines::fire_due` until none is left. Each firing is the real work:
//! load the claim, escalate it, record the event and its buyer mail job.
//! On a fresh SQLite file by default; `run_on` takes any database URL.

use crate::app;
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::store::merchants::{Merchant, NewMerchant, SupportContact};
use crate::store::Backend;
use crate::{server, AppState, Config};
use reso_domain::time::MS_PER_DAY;
use reso_domain::Currency;
use sqlx::Row;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const DEFAULT_DEADLINES: usize = 100_000;
/// Rows written per seeding transaction.
const SEED_BATCH: usize = 10_000;
/// Deadlines fired per transaction, as the worker does.
const FIRE_BATCH: i64 = 2_000;

/// One timed run.
#[derive(Debug, Clone)]
pub struct DeadlineFigure {
    pub deadlines: usize,
    pub fired: usize,
    pub seed: Duration,
    pub elapsed: Duration,
}

impl DeadlineFigure {
    pub fn per_second(&self) -> f64 {
        self.fired as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Inserts `count` protected orders (one line, a card payment, a shipment),
/// each with a claim awaiting the merchant's answer by `due_at` and that
/// claim's deadline row. A few big `INSERT … SELECT` per transaction of
/// 10,000: seeding is not what is measured.
pub async fn seed(
    state: &AppState,
    merchant: &Merchant,
    count: usize,
    due_at: i64,
) -> anyhow::Result<()> {
    let now = state.now();
    let placed = now - 10 * MS_PER_DAY;
    let mut start = 0usize;
    while start < count {
        let end = (start + SEED_BATCH).min(count);
        let mut tx = state.db.begin().await?;
        let orders_before: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM orders")
            .fetch_one(&mut *tx)
            .await?
            .try_get("m")?;
        let claims_before: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM claims")
            .fetch_one(&mut *tx)
            .await?
            .try_get("m")?;
        sqlx::query(
            "WITH RECURSIVE seq(i) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT i + 1 FROM seq WHERE i < $2) \
             INSERT INTO orders (merchant_id, number, buyer_email, buyer_name, locale, currency, placed_at, \
                                 created_at, updated_at, protected) \
             SELECT $3, 'D' || i, 'buyer' || i || '@bench.test', 'Buyer ' || i, 'en', $4, $5, $6, $6, 1 FROM seq",
        )
        .bind(start as i64)
        .bind(end as i64 - 1)
        .bind(merchant.id)
        .bind(merchant.currency.as_str())
        .bind(placed)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let per_order = [
            "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor, returnable) \
             SELECT id, 'TENT-2P', 'Two-person tent', 1, 18900, 1 FROM orders WHERE merchant_id = $1 AND id > $2",
            "INSERT INTO payments (order_id, method, gateway, reference, currency, captured_minor) \
             SELECT id, 'card', 'simulator', 'pi_' || number, currency, 18900 FROM orders \
             WHERE merchant_id = $1 AND id > $2",
            "INSERT INTO shipments (order_id, carrier, tracking_number, shipped_at) \
             SELECT id, 'BRT', 'BRT' || number, placed_at + 86400000 FROM orders WHERE merchant_id = $1 AND id > $2",
        ];
        for sql in per_order {
            sqlx::query(sql)
                .bind(merchant.id)
                .bind(orders_before)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO claims (merchant_id, order_id, kind, status, buyer_text, due_at, created_at, updated_at) \
             SELECT merchant_id, id, 'not_received', 'awaiting_merchant', 'The parcel never arrived.', $3, $4, $4 \
             FROM orders WHERE merchant_id = $1 AND id > $2",
        )
        .bind(merchant.id)
        .bind(orders_before)
        .bind(due_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO deadlines (merchant_id, kind, claim_id, order_id, due_at, created_at) \
             SELECT merchant_id, $1, id, order_id, due_at, $2 FROM claims WHERE id > $3",
        )
        .bind(app::claims::DEADLINE_ANSWER)
        .bind(now)
        .bind(claims_before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        start = end;
    }
    Ok(())
}

/// The state on `database_url` on a clock that stands still until moved,
/// and a merchant of its own.
async fn fresh(database_url: &str) -> anyhow::Result<(AppState, ManualClock, Merchant)> {
    let config = Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: crate::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let clock = ManualClock::frozen(SystemClock.now());
    let state = server::build_state(database_url, config, Arc::new(clock.clone())).await?;
    let merchant = app::merchants::create(
        &state,
        NewMerchant {
            // Unique, so that runs can follow each other on one database.
            slug: format!("bench-{}", clock.now().millis()),
            name: "Bench Shop".into(),
            support: SupportContact {
                email: "help@bench.test".into(),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Bench Returns, 1 Test Street".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR")?,
        },
    )
    .await?;
    Ok((state, clock, merchant))
}

/// Seeds `count` due deadlines in a fresh SQLite file and times firing all of them.
pub async fn run(count: usize) -> anyhow::Result<DeadlineFigure> {
    let dir = std::env::temp_dir().join(format!("reso-bench-deadlines-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("deadlines.db").display());
    let figure = run_on(&url, count).await;
    let _ = std::fs::remove_dir_all(&dir);
    figure
}

/// Seeds `count` due deadlines on `database_url` (SQLite or PostgreSQL; it
/// should have no other deadlines due) and times firing all of them.
pub async fn run_on(database_url: &str, count: usize) -> anyhow::Result<DeadlineFigure> {
    let (state, clock, merchant) = fresh(database_url).await?;
    let due_at = state.now() + 5 * MS_PER_DAY;
    let seeding = Instant::now();
    seed(&state, &merchant, count, due_at).await?;
    if state.db.backend == Backend::Postgres {
        // Statistics as autovacuum would gather them in a minute: without
        // them the planner takes the freshly filled tables for empty ones.
        sqlx::query("ANALYZE").execute(state.db.reader()).await?;
    }
    let seed_time = seeding.elapsed();
    clock.advance_ms(5 * MS_PER_DAY + 1);
    let start = Instant::now();
    let fired = app::deadlines::fire_due(&state, FIRE_BATCH)
        .await
        .map_err(|e| anyhow::anyhow!("firing deadlines: {e}"))?;
    let elapsed = start.elapsed();
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deadlines WHERE merchant_id = $1 AND fired_at IS NULL",
    )
    .bind(merchant.id)
    .fetch_one(state.db.reader())
    .await?;
    state.db.close().await;
    anyhow::ensure!(
        left == 0 && fired == count,
        "{fired} of {count} deadlines changed a claim and {left} are still pending"
    );
    Ok(DeadlineFigure {
        deadlines: count,
        fired,
        seed: seed_time,
        elapsed,
    })
}

pub fn report(f: &DeadlineFigure) -> String {
    format!(
        "| due deadlines | fired | seeding (s) | firing (s) | fired per second |\n\
         |---:|---:|---:|---:|---:|\n\
         | {} | {} | {:.1} | {:.2} | {:.0} |\n",
        f.deadlines,
        f.fired,
        f.seed.as_secs_f64(),
        f.elapsed.as_secs_f64(),
        f.per_second()
    )
}
