//! Exports: a merchant's returns (one row per returned line), refunds and
//! claims of a period, read in pages ordered by (created_at, id) and resumed
//! after the last row read (keyset paging), so an export of any size never
//! holds more than one page. The merchant id always comes from the caller's
//! credentials.

use super::StoreResult;
use sqlx::{AnyConnection, Row};

/// Where a page resumes: after the row with this creation instant, id and
/// (for returns) line id. Rows of refunds and claims have `line` 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
    pub line: i64,
}

/// What every export is narrowed by.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub merchant_id: i64,
    /// Created at or after this instant (ms).
    pub from_ms: i64,
    /// Created before this instant (ms).
    pub until_ms: i64,
    /// A status code; for claims also "open" (every status but closed).
    pub status: Option<String>,
    pub currency: Option<String>,
    /// Returns only: RMA, order number or buyer e-mail (prefix), as the queue searches.
    pub search: Option<String>,
}

impl Scope {
    /// The first row's lower bound: the cursor, but never before the period.
    fn after(&self, cursor: Option<Cursor>) -> Cursor {
        let start = Cursor {
            at: self.from_ms,
            id: 0,
            line: 0,
        };
        cursor.filter(|c| c.at >= self.from_ms).unwrap_or(start)
    }
}

/// One line of a return, with its return and order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLineRow {
    pub return_id: i64,
    pub line_id: i64,
    pub rma: Option<String>,
    pub order_number: String,
    pub status: String,
    pub requested_at: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub accepted_quantity: Option<i64>,
    pub reason: String,
    pub unit_price_minor: i64,
    pub currency: String,
}

impl ReturnLineRow {
    pub fn cursor(&self) -> Cursor {
        Cursor {
            at: self.requested_at,
            id: self.return_id,
            line: self.line_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRow {
    pub id: i64,
    pub credit_note: String,
    pub order_number: String,
    pub return_id: Option<i64>,
    pub rma: Option<String>,
    pub status: String,
    pub method: String,
    pub reason: String,
    pub gateway: String,
    pub amount_minor: i64,
    pub currency: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl RefundRow {
    pub fn cursor(&self) -> Cursor {
        Cursor {
            at: self.created_at,
            id: self.id,
            line: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub id: i64,
    pub order_number: String,
    pub kind: String,
    pub status: String,
    pub escalation: Option<String>,
    /// The outcome as stored (JSON), once closed.
    pub outcome: Option<String>,
    pub order_value_minor: i64,
    pub currency: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ClaimRow {
    pub fn cursor(&self) -> Cursor {
        Cursor {
            at: self.created_at,
            id: self.id,
            line: 0,
        }
    }
}

/// The search pattern of the returns queue (`store::returns::queue`).
fn search_pattern(search: Option<&str>) -> Option<String> {
    search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("{}%", s.to_lowercase().replace(['%', '_'], "")))
}

/// Up to `limit` return lines after `cursor`, oldest return first.
pub async fn return_lines(
    conn: &mut AnyConnection,
    scope: &Scope,
    cursor: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<ReturnLineRow>> {
    let after = scope.after(cursor);
    let rows = sqlx::query(
        "SELECT r.id AS return_id, rl.id AS line_id, r.rma, o.number AS order_number, r.status, \
           r.created_at, ol.sku, ol.title, rl.quantity, rl.accepted_quantity, rl.reason, \
           ol.unit_price_minor, o.currency \
         FROM returns r JOIN orders o ON o.id = r.order_id \
           JOIN return_lines rl ON rl.return_id = r.id JOIN order_lines ol ON ol.id = rl.order_line_id \
         WHERE r.merchant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 \
           AND (r.created_at > $2 OR r.id > $4 OR (r.id = $4 AND rl.id > $5)) \
           AND ($6 IS NULL OR r.status = $6) AND ($7 IS NULL OR o.currency = $7) \
           AND ($8 IS NULL OR LOWER(r.rma) LIKE $8 OR LOWER(o.number) LIKE $8 OR o.buyer_email LIKE $8) \
         ORDER BY r.created_at, r.id, rl.id LIMIT $9",
    )
    .bind(scope.merchant_id)
    .bind(after.at)
    .bind(scope.until_ms)
    .bind(after.id)
    .bind(after.line)
    .bind(scope.status.as_deref())
    .bind(scope.currency.as_deref())
    .bind(search_pattern(scope.search.as_deref()))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReturnLineRow {
                return_id: r.try_get("return_id")?,
                line_id: r.try_get("line_id")?,
                rma: r.try_get("rma")?,
                order_number: r.try_get("order_number")?,
                status: r.try_get("status")?,
                requested_at: r.try_get("created_at")?,
                sku: r.try_get("sku")?,
                title: r.try_get("title")?,
                quantity: r.try_get("quantity")?,
                accepted_quantity: r.try_get("accepted_quantity")?,
                reason: r.try_get("reason")?,
                unit_price_minor: r.try_get("unit_price_minor")?,
                currency: r.try_get("currency")?,
            })
        })
        .collect()
}

/// Up to `limit` refunds after `cursor`, oldest first.
pub async fn refunds(
    conn: &mut AnyConnection,
    scope: &Scope,
    cursor: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<RefundRow>> {
    let after = scope.after(cursor);
    let rows = sqlx::query(
        "SELECT f.id, f.credit_note, o.number AS order_number, f.return_id, r.rma, f.status, f.method, \
           f.reason, f.gateway, f.amount_minor, f.currency, f.created_at, f.updated_at \
         FROM refunds f JOIN orders o ON o.id = f.order_id LEFT JOIN returns r ON r.id = f.return_id \
         WHERE f.merchant_id = $1 AND f.created_at >= $2 AND f.created_at < $3 \
           AND (f.created_at > $2 OR f.id > $4) \
           AND ($5 IS NULL OR f.status = $5) AND ($6 IS NULL OR f.currency = $6) \
         ORDER BY f.created_at, f.id LIMIT $7",
    )
    .bind(scope.merchant_id)
    .bind(after.at)
    .bind(scope.until_ms)
    .bind(after.id)
    .bind(scope.status.as_deref())
    .bind(scope.currency.as_deref())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RefundRow {
                id: r.try_get("id")?,
                credit_note: r.try_get("credit_note")?,
                order_number: r.try_get("order_number")?,
                return_id: r.try_get("return_id")?,
                rma: r.try_get("rma")?,
                status: r.try_get("status")?,
                method: r.try_get("method")?,
                reason: r.try_get("reason")?,
                gateway: r.try_get("gateway")?,
                amount_minor: r.try_get("amount_minor")?,
                currency: r.try_get("currency")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}

/// Up to `limit` claims after `cursor`, oldest first. The status "open"
/// means every claim not closed, as the claims list shows by default.
pub async fn claims(
    conn: &mut AnyConnection,
    scope: &Scope,
    cursor: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<ClaimRow>> {
    let after = scope.after(cursor);
    let rows = sqlx::query(
        "SELECT c.id, o.number AS order_number, c.kind, c.status, c.escalation, c.outcome, \
           (SELECT CAST(COALESCE(SUM(l.quantity * l.unit_price_minor), 0) AS BIGINT) \
              FROM order_lines l WHERE l.order_id = c.order_id) AS order_value_minor, \
           o.currency, c.created_at, c.updated_at \
         FROM claims c JOIN orders o ON o.id = c.order_id \
         WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
           AND (c.created_at > $2 OR c.id > $4) \
           AND ($5 IS NULL OR c.status = $5 OR ($5 = 'open' AND c.status <> 'closed')) \
           AND ($6 IS NULL OR o.currency = $6) \
         ORDER BY c.created_at, c.id LIMIT $7",
    )
    .bind(scope.merchant_id)
    .bind(after.at)
    .bind(scope.until_ms)
    .bind(after.id)
    .bind(scope.status.as_deref())
    .bind(scope.currency.as_deref())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClaimRow {
                id: r.try_get("id")?,
                order_number: r.try_get("order_number")?,
                kind: r.try_get("kind")?,
                status: r.try_get("status")?,
                escalation: r.try_get("escalation")?,
                outcome: r.try_get("outcome")?,
                order_value_minor: r.try_get("order_value_minor")?,
                currency: r.try_get("currency")?,
                created_at: r.try_get("created_at")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}
