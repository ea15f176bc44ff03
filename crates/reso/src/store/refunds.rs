//! Refunds and the payment balances they draw on.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    pub id: i64,
    pub merchant_id: i64,
    pub order_id: i64,
    pub payment_id: i64,
    pub return_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub method: String,
    pub reason: String,
    pub status: String,
    pub gateway: String,
    pub gateway_refund_id: Option<String>,
    pub failure: Option<String>,
    pub credit_note: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Draws `amount` from a payment's refundable balance, or reports that it no
/// longer has that much. The condition is checked by the UPDATE itself, so two
/// refunds at once can never both pass (PostgreSQL re-checks it after waiting
/// for the row lock; SQLite has one writer).
pub async fn reserve(conn: &mut AnyConnection, payment_id: i64, amount: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE payments SET refunded_minor = refunded_minor + $1 WHERE id = $2 AND refunded_minor + $1 <= captured_minor",
    )
    .bind(amount)
    .bind(payment_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives back a reservation when the gateway finally refused the refund.
pub async fn release(conn: &mut AnyConnection, payment_id: i64, amount: i64) -> StoreResult<()> {
    sqlx::query("UPDATE payments SET refunded_minor = refunded_minor - $1 WHERE id = $2")
        .bind(amount)
        .bind(payment_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct NewRefund<'a> {
    pub merchant_id: i64,
    pub order_id: i64,
    pub payment_id: i64,
    pub return_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub method: &'a str,
    pub reason: &'a str,
    pub status: &'a str,
    pub gateway: &'a str,
    pub credit_note: &'a str,
    pub created_by: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, r: &NewRefund<'_>, now: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO refunds (merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, reason, status, \
         gateway, credit_note, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(r.merchant_id)
    .bind(r.order_id)
    .bind(r.payment_id)
    .bind(r.return_id)
    .bind(r.amount_minor)
    .bind(r.currency)
    .bind(r.method)
    .bind(r.reason)
    .bind(r.status)
    .bind(r.gateway)
    .bind(r.credit_note)
    .bind(r.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Moves a pending refund to its final status. Returns false when it was no
/// longer pending, so a repeated gateway answer changes nothing twice.
pub async fn settle(
    conn: &mut AnyConnection,
    refund_id: i64,
    status: &str,
    gateway_refund_id: Option<&str>,
    failure: Option<&str>,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE refunds SET status = $1, gateway_refund_id = COALESCE($2, gateway_refund_id), failure = $3, updated_at = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status)
    .bind(gateway_refund_id)
    .bind(failure)
    .bind(now)
    .bind(refund_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a succeeded refund reversed by its provider. False when it had not
/// succeeded, so repeated or late news changes nothing twice.
pub async fn reverse(
    conn: &mut AnyConnection,
    refund_id: i64,
    reason: &str,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE refunds SET status = 'reversed', failure = $1, updated_at = $2 WHERE id = $3 AND status = 'succeeded'",
    )
    .bind(reason)
    .bind(now)
    .bind(refund_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the provider's id of a refund still pending, once the provider
/// names it (its notifications may come before the worker's answer).
pub async fn note_gateway_id(
    conn: &mut AnyConnection,
    refund_id: i64,
    gateway_refund_id: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE refunds SET gateway_refund_id = $1, updated_at = $2 \
         WHERE id = $3 AND status = 'pending' AND gateway_refund_id IS NULL",
    )
    .bind(gateway_refund_id)
    .bind(now)
    .bind(refund_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The merchant's refund through `gateway` that a provider's news names: by
/// the provider's refund id, else by Reso's own id echoed back (only while
/// the refund has no other provider id).
pub async fn for_provider_news(
    conn: &mut AnyConnection,
    merchant_id: i64,
    gateway: &str,
    gateway_refund_id: &str,
    reso_refund_id: Option<i64>,
) -> StoreResult<Option<RefundRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM refunds WHERE merchant_id = $1 AND gateway = $2 AND gateway_refund_id = $3"
    ))
    .bind(merchant_id)
    .bind(gateway)
    .bind(gateway_refund_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = row {
        return from_row(&row).map(Some);
    }
    let Some(id) = reso_refund_id else {
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM refunds WHERE id = $1 AND merchant_id = $2 AND gateway = $3 \
         AND (gateway_refund_id IS NULL OR gateway_refund_id = $4)"
    ))
    .bind(id)
    .bind(merchant_id)
    .bind(gateway)
    .bind(gateway_refund_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

const COLUMNS: &str = "id, merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, reason, status, \
     gateway, gateway_refund_id, failure, credit_note, created_by, created_at, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<RefundRecord> {
    Ok(RefundRecord {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        order_id: r.try_get("order_id")?,
        payment_id: r.try_get("payment_id")?,
        return_id: r.try_get("return_id")?,
        amount_minor: r.try_get("amount_minor")?,
        currency: r.try_get("currency")?,
        method: r.try_get("method")?,
        reason: r.try_get("reason")?,
        status: r.try_get("status")?,
        gateway: r.try_get("gateway")?,
        gateway_refund_id: r.try_get("gateway_refund_id")?,
        failure: r.try_get("failure")?,
        credit_note: r.try_get("credit_note")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn load(conn: &mut AnyConnection, refund_id: i64) -> StoreResult<RefundRecord> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM refunds WHERE id = $1"))
        .bind(refund_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn for_order(conn: &mut AnyConnection, order_id: i64) -> StoreResult<Vec<RefundRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM refunds WHERE order_id = $1 ORDER BY id"
    ))
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn for_return(
    conn: &mut AnyConnection,
    return_id: i64,
) -> StoreResult<Vec<RefundRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM refunds WHERE return_id = $1 ORDER BY id"
    ))
    .bind(return_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
