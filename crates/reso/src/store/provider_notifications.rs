//! Notifications received from payment providers, by the provider's own id:
//! the record that makes a repeated delivery change nothing twice.

use super::StoreResult;
use sqlx::AnyConnection;

/// Records that the account's notification `notification_id` is being
/// applied; false when it was recorded before (a repeated delivery). In the
/// transaction that applies it: both stay or neither does. A concurrent
/// delivery of the same notification waits on the unique key and then finds
/// it taken.
pub async fn record(
    conn: &mut AnyConnection,
    account_id: i64,
    notification_id: &str,
    occurred_at: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO provider_notifications (account_id, notification_id, occurred_at, received_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, notification_id) DO NOTHING",
    )
    .bind(account_id)
    .bind(notification_id)
    .bind(occurred_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The merchant's order (id, number) that paid through `gateway` with the
/// provider's payment `reference`, if Reso has it.
pub async fn order_of_payment(
    conn: &mut AnyConnection,
    merchant_id: i64,
    gateway: &str,
    reference: &str,
) -> StoreResult<Option<(i64, String)>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT o.id, o.number FROM payments p JOIN orders o ON o.id = p.order_id \
         WHERE o.merchant_id = $1 AND p.gateway = $2 AND p.reference = $3 ORDER BY o.id LIMIT 1",
    )
    .bind(merchant_id)
    .bind(gateway)
    .bind(reference)
    .fetch_optional(conn)
    .await?;
    Ok(row)
}
