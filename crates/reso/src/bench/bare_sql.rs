//! The same return requests as bare SQL: the statements one request runs in
//! its transaction (lock the order, load it with its lines, payments and
//! shipments, check held quantities and buyer history, insert the return and
//! its line, record its events with their mail jobs and webhook lookups,
//! check the RMA is free, authorize, reload), through the store's own
//! connections and transactions, with no HTTP, JSON or domain code around
//! them. This is the database's own limit here.

use super::data::Dataset;
use super::load::{drive, Outcome};
use crate::store::Db;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn load_return(tx: &mut crate::store::Tx, return_id: i64) -> anyhow::Result<()> {
    sqlx::query(
        "SELECT r.id, r.status, r.rma, o.number, o.buyer_email, o.locale, o.currency FROM returns r \
         JOIN orders o ON o.id = r.order_id WHERE r.id = $1",
    )
    .bind(return_id)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "SELECT rl.order_line_id, ol.sku, ol.title, rl.quantity, ol.unit_price_minor, rl.reason \
         FROM return_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id WHERE rl.return_id = $1 ORDER BY rl.id",
    )
    .bind(return_id)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query("SELECT id FROM return_photos WHERE return_id = $1 ORDER BY id")
        .bind(return_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(())
}

async fn record_event(
    tx: &mut crate::store::Tx,
    merchant_id: i64,
    order_id: i64,
    return_id: i64,
    kind: &str,
    now: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO events (merchant_id, order_id, return_id, kind, actor, data, at) \
         VALUES ($1, $2, $3, $4, 'bench', '{}', $5)",
    )
    .bind(merchant_id)
    .bind(order_id)
    .bind(return_id)
    .bind(kind)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('mail', '{}', $1, $1)",
    )
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "SELECT id FROM webhook_endpoints WHERE merchant_id = $1 AND disabled_at IS NULL ORDER BY id",
    )
    .bind(merchant_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(())
}

async fn one_request(
    db: &Db,
    merchant_id: i64,
    order_number: &str,
    buyer_email: &str,
    sku: &str,
) -> anyhow::Result<()> {
    let now = crate::clock::Clock::now(&crate::clock::SystemClock).millis();
    let order_id: i64 =
        sqlx::query_scalar("SELECT id FROM orders WHERE merchant_id = $1 AND number = $2")
            .bind(merchant_id)
            .bind(order_number)
            .fetch_one(db.reader())
            .await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE orders SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "SELECT id, merchant_id, number, buyer_email, buyer_name, locale, currency, placed_at \
         FROM orders WHERE id = $1 AND merchant_id = $2",
    )
    .bind(order_id)
    .bind(merchant_id)
    .fetch_one(&mut *tx)
    .await?;
    let lines: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, sku FROM order_lines WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&mut *tx)
            .await?;
    let line_id = lines
        .iter()
        .find(|(_, s)| s == sku)
        .map(|(id, _)| *id)
        .ok_or_else(|| anyhow::anyhow!("no line {sku}"))?;
    sqlx::query(
        "SELECT id, method, gateway, reference, captured_minor, refunded_minor FROM payments WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "SELECT id, carrier, tracking_number, shipped_at, delivered_at FROM shipments WHERE order_id = $1 ORDER BY id",
    )
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
        "SELECT COUNT(*) FROM orders o JOIN returns r ON r.order_id = o.id \
         WHERE o.merchant_id = $1 AND o.buyer_email = $2 AND r.created_at >= $3",
    )
    .bind(merchant_id)
    .bind(buyer_email)
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
    record_event(
        &mut tx,
        merchant_id,
        order_id,
        return_id,
        "return.requested",
        now,
    )
    .await?;
    load_return(&mut tx, return_id).await?;
    let rma = format!("RMA-{return_id:08}");
    let _: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM returns WHERE merchant_id = $1 AND rma = $2")
            .bind(merchant_id)
            .bind(&rma)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "UPDATE returns SET rma = $1, status = 'authorized', updated_at = $2 WHERE id = $3",
    )
    .bind(&rma)
    .bind(now)
    .bind(return_id)
    .execute(&mut *tx)
    .await?;
    record_event(
        &mut tx,
        merchant_id,
        order_id,
        return_id,
        "return.authorized",
        now,
    )
    .await?;
    load_return(&mut tx, return_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The writes of buyer return requests, by `clients` tasks, on the database
/// at `url`, for the same orders and lines the HTTP clients would use.
pub async fn return_requests(
    url: &str,
    data: &Arc<Dataset>,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let db = Db::connect(url).await?;
    let shared = (db.clone(), data.clone());
    let outcome = drive(
        clients,
        duration,
        1,
        move || shared.clone(),
        |(db, data), i| {
            let (db, data) = (db.clone(), data.clone());
            async move {
                let (shop, order) = data.order(i);
                let began = Instant::now();
                let done = one_request(
                    &db,
                    data.shops[shop].merchant.id,
                    &order.number,
                    &order.buyer_email,
                    data.sku(i),
                )
                .await;
                (0, done.map(|()| began.elapsed()).map_err(|_| ()))
            }
        },
    )
    .await;
    db.close().await;
    outcome
}
