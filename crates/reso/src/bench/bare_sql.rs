//! The same return requests as bare SQL: the statements one request runs in
//! its transaction (lock the order and load it with its lines, payments,
//! shipments, the held quantities and buyer history, insert the return
//! authorized with its RMA number and its line, append its two events (chained), write
//! their mail and webhook jobs), through the store's own connections,
//! transactions and SQL, with no HTTP or domain code around them. This is the
//! database's own limit here.

use super::data::Dataset;
use super::load::{drive, Outcome};
use crate::store::{events, jobs, returns, Backend, Db};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The store's statements for one database: the HTTP path runs these.
struct Statements {
    postgres: bool,
    insert_lines: &'static str,
    enqueue_jobs: &'static str,
}

impl Statements {
    fn of(postgres: bool) -> Self {
        if postgres {
            Statements {
                postgres,
                insert_lines: returns::INSERT_LINES_POSTGRES,
                enqueue_jobs: jobs::FAN_OUT_POSTGRES,
            }
        } else {
            Statements {
                postgres,
                insert_lines: returns::INSERT_LINES_SQLITE,
                enqueue_jobs: jobs::FAN_OUT_SQLITE,
            }
        }
    }
}

async fn one_request(
    db: &Db,
    sql: &Statements,
    merchant_id: i64,
    order_number: &str,
    buyer_email: &str,
    sku: &str,
) -> anyhow::Result<()> {
    let now = crate::clock::Clock::now(&crate::clock::SystemClock).millis();
    // Before the transaction, from a reader: the order and its line by SKU.
    let lines: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT o.id, l.id AS line_id, l.sku FROM orders o JOIN order_lines l ON l.order_id = o.id \
         WHERE o.merchant_id = $1 AND o.number = $2 ORDER BY l.id",
    )
    .bind(merchant_id)
    .bind(order_number)
    .fetch_all(db.reader())
    .await?;
    let (order_id, line_id, _) = lines
        .iter()
        .find(|(_, _, s)| s == sku)
        .ok_or_else(|| anyhow::anyhow!("no line {sku}"))?;
    let (order_id, line_id) = (*order_id, *line_id);
    let mut tx = db.begin().await?;
    let since = now - 365 * reso_domain::time::MS_PER_DAY;
    // Lock the order and read it with the held quantities and buyer history:
    // one statement on SQLite, the lock then the reads on PostgreSQL.
    if sql.postgres {
        sqlx::query("UPDATE orders SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&returns::LOAD_LOCKED_POSTGRES)
            .bind(order_id)
            .bind(merchant_id)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
    } else {
        sqlx::query(&returns::LOCK_AND_LOAD_SQLITE)
            .bind(order_id)
            .bind(merchant_id)
            .bind(now)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
    }
    let rma = format!("RMA-B{:015X}", rand::random::<u64>() >> 4);
    let return_id: i64 = sqlx::query_scalar(returns::INSERT)
        .bind(merchant_id)
        .bind(order_id)
        .bind("authorized")
        .bind(&rma)
        .bind("auto_authorize")
        .bind(None::<String>)
        .bind(0_i64)
        .bind("bench")
        .bind("original_payment")
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(sql.insert_lines)
        .bind(return_id)
        .bind(json!([[line_id, 1, "too_small"]]).to_string())
        .execute(&mut *tx)
        .await?;
    // The store's append: the chain head locked and moved, hashes in Rust.
    let data = json!({});
    let event = |kind| events::NewEvent {
        merchant_id,
        order_id: Some(order_id),
        return_id: Some(return_id),
        kind,
        actor: "bench",
        data: &data,
    };
    events::append_many(
        &mut tx,
        &[event("return.requested"), event("return.authorized")],
        now,
    )
    .await?;
    // The buyer's mail and the staff notification of the request, the
    // buyer's mail of the authorization, each event's webhook deliveries.
    let mail = json!({"kind": "mail", "payload": {"to": buyer_email}, "per_endpoint_of": null});
    let webhook = json!({"kind": "webhook", "payload": {"return_id": return_id}, "per_endpoint_of": merchant_id});
    sqlx::query(sql.enqueue_jobs)
        .bind(now)
        .bind(now)
        .bind(json!([mail, mail, webhook, mail, webhook]).to_string())
        .execute(&mut *tx)
        .await?;
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
    let sql = Arc::new(Statements::of(db.backend == Backend::Postgres));
    let shared = (db.clone(), data.clone(), sql);
    let outcome = drive(
        clients,
        duration,
        1,
        move || shared.clone(),
        |(db, data, sql), i| {
            let (db, data, sql) = (db.clone(), data.clone(), sql.clone());
            async move {
                let (shop, order) = data.order(i);
                let began = Instant::now();
                let done = one_request(
                    &db,
                    &sql,
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
