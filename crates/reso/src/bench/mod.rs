//! `reso bench`: measures buyer return requests through the HTTP API against
//! the same transactions written by bare SQL, side by side in one run, so the
//! ratio means something on a shared, noisy machine.

mod bare_sql;
pub mod deadlines;
mod load;

use crate::app::{self, Actor};
use crate::clock::SystemClock;
use crate::store::merchants::{Merchant, NewMerchant, SupportContact};
use crate::{server, AppState, Config};
use reso_domain::order::{NewLine, NewOrder, NewPayment, NewShipment};
use reso_domain::{Currency, Email, PaymentMethod, Timestamp};
use std::sync::Arc;
use std::time::Duration;

pub struct BenchOptions {
    /// Concurrent clients for each measured level.
    pub clients: Vec<usize>,
    /// How long each level runs.
    pub duration: Duration,
    /// Orders preloaded; requests spread over them.
    pub orders: usize,
}

impl BenchOptions {
    pub fn full() -> Self {
        BenchOptions {
            clients: vec![1, 32],
            duration: Duration::from_secs(10),
            orders: 2_000,
        }
    }

    /// A few seconds in all: keeps the benchmark from rotting in CI.
    pub fn quick() -> Self {
        BenchOptions {
            clients: vec![1, 8],
            duration: Duration::from_millis(1_500),
            orders: 200,
        }
    }
}

/// One measured level.
#[derive(Debug, Clone)]
pub struct Figure {
    pub scenario: &'static str,
    pub clients: usize,
    pub requests: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Figure {
    fn from_latencies(
        scenario: &'static str,
        clients: usize,
        elapsed: Duration,
        mut latencies: Vec<Duration>,
        errors: usize,
    ) -> Self {
        latencies.sort_unstable();
        let pct = |p: f64| -> f64 {
            if latencies.is_empty() {
                return 0.0;
            }
            let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
            latencies[i].as_secs_f64() * 1000.0
        };
        Figure {
            scenario,
            clients,
            requests: latencies.len(),
            errors,
            per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
            p50_ms: pct(0.50),
            p99_ms: pct(0.99),
        }
    }
}

/// A fresh SQLite database with one merchant and `orders` delivered orders.
async fn prepared(
    dir: &std::path::Path,
    name: &str,
    orders: usize,
) -> anyhow::Result<(AppState, Merchant)> {
    let url = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    let config = Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: crate::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let state = server::build_state(&url, config, Arc::new(SystemClock)).await?;
    let merchant = app::merchants::create(
        &state,
        NewMerchant {
            slug: "bench".into(),
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
    let now = state.now();
    for i in 0..orders {
        app::orders::upsert(&state, &merchant, &bench_order(i, now)?, &Actor::System).await?;
    }
    Ok((state, merchant))
}

/// Order `i`: one buyer each, lines with room for many returns.
fn bench_order(i: usize, now: i64) -> anyhow::Result<NewOrder> {
    let day = reso_domain::time::MS_PER_DAY;
    Ok(NewOrder {
        number: format!("B{i:06}"),
        buyer_email: Email::parse(&format!("buyer{i}@bench.test"))?,
        buyer_name: format!("Buyer {i}"),
        locale: "en".into(),
        currency: Currency::parse("EUR")?,
        placed_at: Timestamp(now - 6 * day),
        lines: vec![
            NewLine {
                sku: "SHIRT".into(),
                title: "Shirt".into(),
                quantity: 100_000,
                unit_price_minor: 2_500,
                returnable: true,
            },
            NewLine {
                sku: "SOCKS".into(),
                title: "Socks".into(),
                quantity: 100_000,
                unit_price_minor: 900,
                returnable: true,
            },
        ],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_bench_{i}"),
            captured_minor: 340_000_000,
        }],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{i:08}"),
            shipped_at: Some(Timestamp(now - 4 * day)),
            delivered_at: Some(Timestamp(now - 2 * day)),
        }],
    })
}

/// Runs every scenario and returns the report as Markdown.
pub async fn run(opts: &BenchOptions) -> anyhow::Result<String> {
    let dir = tempfile_dir()?;
    let mut figures = Vec::new();
    for &clients in &opts.clients {
        let (state, merchant) = prepared(&dir, &format!("http-{clients}"), opts.orders).await?;
        figures.push(
            load::return_requests(
                state.clone(),
                &merchant,
                clients,
                opts.orders,
                opts.duration,
            )
            .await?,
        );
        state.db.close().await;
        let (state, merchant) = prepared(&dir, &format!("sql-{clients}"), opts.orders).await?;
        figures.push(
            bare_sql::return_requests(&state, &merchant, clients, opts.orders, opts.duration)
                .await?,
        );
        state.db.close().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(report(&figures))
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("reso-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

pub fn report(figures: &[Figure]) -> String {
    let mut out = String::from(
        "| scenario | clients | requests | errors | per second | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for f in figures {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} |\n",
            f.scenario, f.clients, f.requests, f.errors, f.per_second, f.p50_ms, f.p99_ms
        ));
    }
    for pair in figures.chunks(2) {
        if let [http, sql] = pair {
            if sql.per_second > 0.0 {
                out.push_str(&format!(
                    "\nAt {} clients the HTTP API reaches {:.0} % of the bare-SQL rate.",
                    http.clients,
                    100.0 * http.per_second / sql.per_second
                ));
            }
        }
    }
    out.push('\n');
    out
}
