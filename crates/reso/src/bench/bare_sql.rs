//! The same return requests as bare SQL: the statements one request runs (lock
//! the order, read it, check held quantities and buyer history, insert the
//! return, its line, its events and outbox jobs, authorize it), with no HTTP,
//! JSON or domain code around them. This is the database's own limit here.

use super::Figure;
use crate::store::merchants::Merchant;
use crate::store::Db;
use crate::AppState;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn one_request(
    db: &Db,
    merchant_id: i64,
    order_number: &str,
    sku: &str,
    i: usize,
) -> anyhow::Result<()> {
    let now = crate::clock::Clock::now(&crate::clock::SystemClock).millis();
    let mut tx = db.begin().await?;
    let order_id: i64 =
        sqlx::query_scalar("SELECT id FROM orders WHERE merchant_id = $1 AND number = $2")
            .bind(merchant_id)
            .bind(order_number)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE orders SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT id, buyer_email, currency FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
    let line_id: i64 =
        sqlx::query_scalar("SELECT id FROM order_lines WHERE order_id = $1 AND sku = $2")
            .bind(order_id)
            .bind(sku)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("SELECT id FROM payments WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query("SELECT id FROM shipments WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query(
        "SELECT rl.order_line_id, CAST(SUM(rl.quantity) AS BIGINT) FROM return_lines rl JOIN returns r ON r.id = rl.return_id \
         WHERE r.order_id = $1 AND r.status NOT IN ('rejected', 'closed') GROUP BY rl.order_line_id",
    )
    .bind(order_id)
    .fetch_all(&mut *tx)
    .await?;
    let _: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o JOIN returns r ON r.order_id = o.id WHERE o.merchant_id = $1 AND o.buyer_email = $2 AND r.created_at >= $3",
    )
    .bind(merchant_id)
    .bind(format!("buyer{}@bench.test", i))
    .bind(now - 365 * reso_domain::time::MS_PER_DAY)
    .fetch_one(&mut *tx)
    .await?;
    let return_id: i64 = sqlx::query_scalar(
        "INSERT INTO returns (merchant_id, order_id, status, decision, keep_goods, comment, refund_method, created_at, updated_at) \
         VALUES ($1, $2, 'requested', 'auto_authorize', 0, 'bench', 'original_payment', $3, $3) RETURNING id",
    )
    .bind(merchant_id)
    .bind(order_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO return_lines (return_id, order_line_id, quantity, reason) VALUES ($1, $2, 1, 'too_small')")
        .bind(return_id)
        .bind(line_id)
        .execute(&mut *tx)
        .await?;
    for kind in ["return.requested", "return.authorized"] {
        sqlx::query("INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) VALUES ($1, $2, $3, $4, 'bench', '{}', $5)")
            .bind(merchant_id)
            .bind(order_id)
            .bind(return_id)
            .bind(kind)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('mail', '{}', $1, $1)",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE returns SET rma = $1, status = 'authorized', updated_at = $2 WHERE id = $3",
    )
    .bind(format!("RMA-{return_id:08}"))
    .bind(now)
    .bind(return_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("SELECT id FROM returns WHERE id = $1")
        .bind(return_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn return_requests(
    state: &AppState,
    merchant: &Merchant,
    clients: usize,
    orders: usize,
    duration: Duration,
) -> anyhow::Result<Figure> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (db, next, merchant_id) = (state.db.clone(), next.clone(), merchant.id);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let sku = if i % 2 == 0 { "SHIRT" } else { "SOCKS" };
                let began = Instant::now();
                match one_request(
                    &db,
                    merchant_id,
                    &format!("B{:06}", i % orders),
                    sku,
                    i % orders,
                )
                .await
                {
                    Ok(()) => latencies.push(began.elapsed()),
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        latencies.extend(l);
        errors += e;
    }
    Ok(Figure::from_latencies(
        "same transactions, bare SQL",
        clients,
        start.elapsed(),
        latencies,
        errors,
    ))
}
