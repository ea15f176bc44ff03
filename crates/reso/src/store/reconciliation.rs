//! What reconciliation reads and writes: the payments to compare with their
//! provider, and refunds imported from a provider's record.

use super::StoreResult;
use sqlx::{AnyConnection, Row};

/// A payment through a provider, with its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderPayment {
    pub id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub gateway: String,
    pub reference: String,
    /// The payment method's code (card, paypal, …).
    pub method: String,
    pub currency: String,
}

/// The merchant's payments through `gateway` on orders placed at or after
/// `since` (ms), oldest first.
pub async fn payments(
    conn: &mut AnyConnection,
    merchant_id: i64,
    gateway: &str,
    since: i64,
) -> StoreResult<Vec<ProviderPayment>> {
    let rows = sqlx::query(
        "SELECT p.id, p.order_id, o.number, p.gateway, p.reference, p.method, p.currency \
         FROM payments p JOIN orders o ON o.id = p.order_id \
         WHERE o.merchant_id = $1 AND p.gateway = $2 AND o.placed_at >= $3 ORDER BY p.id",
    )
    .bind(merchant_id)
    .bind(gateway)
    .bind(since)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ProviderPayment {
                id: r.try_get("id")?,
                order_id: r.try_get("order_id")?,
                order_number: r.try_get("number")?,
                gateway: r.try_get("gateway")?,
                reference: r.try_get("reference")?,
                method: r.try_get("method")?,
                currency: r.try_get("currency")?,
            })
        })
        .collect()
}

/// Draws a refund made at the provider from the payment's balance, as far
/// as the balance goes: the provider already paid it, so it is recorded
/// whatever Reso thought was left. Returns the part beyond what was captured
/// (0 when it fitted). The payment's row is locked first (PostgreSQL; SQLite
/// has one writer), so the balance read is the one written.
pub async fn draw_paid(conn: &mut AnyConnection, payment_id: i64, amount: i64) -> StoreResult<i64> {
    sqlx::query("UPDATE payments SET refunded_minor = refunded_minor WHERE id = $1")
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    let (captured, refunded): (i64, i64) =
        sqlx::query_as("SELECT captured_minor, refunded_minor FROM payments WHERE id = $1")
            .bind(payment_id)
            .fetch_one(&mut *conn)
            .await?;
    let left = (captured - refunded).max(0);
    let drawn = amount.min(left);
    // The balance never goes past what was captured (its CHECK holds); the
    // excess is the caller's to report.
    sqlx::query("UPDATE payments SET refunded_minor = refunded_minor + $1 WHERE id = $2")
        .bind(drawn)
        .bind(payment_id)
        .execute(conn)
        .await?;
    Ok(amount - drawn)
}

/// A refund as the provider recorded it.
pub struct ImportedRefund<'a> {
    pub merchant_id: i64,
    pub order_id: i64,
    pub payment_id: i64,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub reason: &'a str,
    pub status: &'a str,
    pub gateway: &'a str,
    pub gateway_refund_id: &'a str,
    pub failure: Option<&'a str>,
    pub credit_note: &'a str,
    pub created_by: &'a str,
}

pub async fn insert_imported(
    conn: &mut AnyConnection,
    r: &ImportedRefund<'_>,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO refunds (merchant_id, order_id, payment_id, return_id, amount_minor, currency, method, reason, status, \
         gateway, gateway_refund_id, failure, credit_note, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, NULL, $4, $5, 'original_payment', $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(r.merchant_id)
    .bind(r.order_id)
    .bind(r.payment_id)
    .bind(r.amount_minor)
    .bind(r.currency)
    .bind(r.reason)
    .bind(r.status)
    .bind(r.gateway)
    .bind(r.gateway_refund_id)
    .bind(r.failure)
    .bind(r.credit_note)
    .bind(r.created_by)
    .bind(now)
    .fetch_one(conn)
    .await?)
}
