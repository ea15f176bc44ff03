//! The shop's past return requests as the decision matrix saw them, for the
//! what-if: three set-based reads (requests, their lines, the claims on their
//! orders), never one query per return.
//!
//! The facts are rebuilt as `app::returns::request` gathered them: the
//! requested goods and reasons from the return's lines, whether photos came
//! with the request from its `return.requested` event, the delivery known at
//! the time (parcels delivered before the request), and the buyer's returns
//! in the year before it.

use super::{StoreError, StoreResult};
use reso_domain::claim::ClaimKind;
use reso_domain::decision::RuleFacts;
use reso_domain::what_if::{PastClaim, PastReturn};
use reso_domain::{Currency, Decision, Money, ReturnReason, ReturnStatus, Timestamp};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// The buyer's history the matrix counts: returns asked for in the year before.
const YEAR_MS: i64 = 365 * 86_400_000;

/// A past request with what the pages show of it besides the facts.
#[derive(Debug, Clone)]
pub struct PastRequest {
    pub past: PastReturn,
    pub order_number: String,
    pub rma: Option<String>,
    pub status: ReturnStatus,
    pub requested_at: i64,
}

#[derive(Debug, Clone)]
pub struct PastClaimRow {
    pub claim: PastClaim,
    pub order_number: String,
    pub status: String,
    pub opened_at: i64,
}

/// The most recent requests of the period, newest first: `$1` merchant,
/// `$2`..`$3` the period (from inclusive, to exclusive), `$4` the limit.
const PICKED: &str = "WITH picked AS (SELECT r.id, r.order_id FROM returns r \
     WHERE r.merchant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 \
     ORDER BY r.created_at DESC, r.id DESC LIMIT $4) ";

/// How many photos came with the request, as its event recorded.
fn photos_in_event(postgres: bool) -> &'static str {
    if postgres {
        "CAST(CAST(e.data AS json) ->> 'photos' AS BIGINT)"
    } else {
        "CAST(json_extract(e.data, '$.photos') AS INTEGER)"
    }
}

/// Every correlated lookup goes through an index: shipments and refunds by
/// order, the buyer's orders by (merchant, e-mail), returns by order, events
/// by return. The request's event is written in the request's transaction,
/// so it is always there; photos added later are not counted.
fn requests_sql(postgres: bool) -> String {
    format!(
        "{PICKED}SELECT r.id, r.order_id, o.number, o.currency, r.rma, r.status, r.decision, r.created_at, \
           (SELECT MAX(s.delivered_at) FROM shipments s \
             WHERE s.order_id = r.order_id AND s.delivered_at <= r.created_at) AS delivered_at, \
           (SELECT COUNT(*) FROM orders bo JOIN returns br ON br.order_id = bo.id \
             WHERE bo.merchant_id = o.merchant_id AND bo.buyer_email = o.buyer_email \
               AND br.created_at >= r.created_at - $5 AND br.id < r.id) AS prior_returns, \
           COALESCE((SELECT {} FROM events e WHERE e.return_id = r.id AND e.kind = 'return.requested' \
                      ORDER BY e.id LIMIT 1), 0) AS photos, \
           (SELECT CAST(COALESCE(SUM(f.amount_minor), 0) AS BIGINT) FROM refunds f \
             WHERE f.order_id = r.order_id AND f.return_id = r.id AND f.status <> 'failed') AS refunded \
         FROM picked p JOIN returns r ON r.id = p.id JOIN orders o ON o.id = r.order_id \
         ORDER BY r.created_at DESC, r.id DESC",
        photos_in_event(postgres)
    )
}

const LINES: &str = "SELECT rl.return_id, rl.quantity, rl.reason, rl.accepted_quantity, ol.unit_price_minor \
     FROM picked p JOIN return_lines rl ON rl.return_id = p.id JOIN order_lines ol ON ol.id = rl.order_line_id \
     ORDER BY rl.return_id, rl.id";

const CLAIMS: &str = "SELECT c.id, c.order_id, c.kind, c.status, c.created_at, o.number, o.currency, \
       (SELECT CAST(COALESCE(SUM(l.quantity * l.unit_price_minor), 0) AS BIGINT) FROM order_lines l \
         WHERE l.order_id = c.order_id) AS order_value \
     FROM claims c JOIN orders o ON o.id = c.order_id \
     WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
       AND c.order_id IN (SELECT order_id FROM picked) \
     ORDER BY c.created_at DESC, c.id DESC";

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// The goods a request asked to return, and the value staff refused at
/// inspection (units not accepted).
#[derive(Default)]
struct LineTotals {
    requested: i64,
    refused_at_inspection: i64,
    reasons: Vec<ReturnReason>,
}

async fn line_totals(
    conn: &mut AnyConnection,
    merchant_id: i64,
    from: i64,
    to: i64,
    limit: i64,
) -> StoreResult<HashMap<i64, LineTotals>> {
    let rows = sqlx::query(&format!("{PICKED}{LINES}"))
        .bind(merchant_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let mut totals: HashMap<i64, LineTotals> = HashMap::new();
    for row in rows {
        let quantity: i64 = row.try_get("quantity")?;
        let price: i64 = row.try_get("unit_price_minor")?;
        let accepted: Option<i64> = row.try_get("accepted_quantity")?;
        let reason: String = row.try_get("reason")?;
        let t = totals.entry(row.try_get("return_id")?).or_default();
        t.requested = t.requested.saturating_add(quantity.saturating_mul(price));
        if let Some(accepted) = accepted {
            let refused = (quantity - accepted).max(0);
            t.refused_at_inspection = t
                .refused_at_inspection
                .saturating_add(refused.saturating_mul(price));
        }
        let reason = ReturnReason::parse(&reason).ok_or_else(|| corrupt(reason))?;
        if !t.reasons.contains(&reason) {
            t.reasons.push(reason);
        }
    }
    Ok(totals)
}

/// The `limit` most recent requests asked for in `from..to`, newest first.
pub async fn past_requests(
    conn: &mut AnyConnection,
    merchant_id: i64,
    from: i64,
    to: i64,
    limit: i64,
) -> StoreResult<Vec<PastRequest>> {
    let postgres = conn.backend_name() == "PostgreSQL";
    let mut lines = line_totals(conn, merchant_id, from, to, limit).await?;
    let rows = sqlx::query(&requests_sql(postgres))
        .bind(merchant_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .bind(YEAR_MS)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let currency: String = row.try_get("currency")?;
        let currency = Currency::parse(&currency).map_err(corrupt)?;
        let status: String = row.try_get("status")?;
        let status = ReturnStatus::parse(&status).ok_or_else(|| corrupt(status))?;
        let decision: String = row.try_get("decision")?;
        let live = [
            Decision::AutoAuthorize,
            Decision::ManualReview,
            Decision::RequestPhotos,
            Decision::RefundWithoutReturn,
        ]
        .into_iter()
        .find(|d| d.code() == decision)
        .ok_or_else(|| corrupt(decision))?;
        let requested_at: i64 = row.try_get("created_at")?;
        let delivered_at: Option<i64> = row.try_get("delivered_at")?;
        let photos: i64 = row.try_get("photos")?;
        let t = lines.remove(&id).unwrap_or_default();
        // A request staff rejected was refused as a whole.
        let refused = if status == ReturnStatus::Rejected {
            t.requested
        } else {
            t.refused_at_inspection
        };
        out.push(PastRequest {
            past: PastReturn {
                return_id: id,
                order_id: row.try_get("order_id")?,
                facts: RuleFacts {
                    amount: Money::new(t.requested, currency),
                    reasons: t.reasons,
                    days_since_delivery: delivered_at
                        .map(|d| Timestamp(requested_at).days_since(Timestamp(d))),
                    prior_returns: row.try_get("prior_returns")?,
                    has_photos: photos > 0,
                },
                live,
                refunded: Money::new(row.try_get("refunded")?, currency),
                refused: Money::new(refused, currency),
            },
            order_number: row.try_get("number")?,
            rma: row.try_get("rma")?,
            status,
            requested_at,
        });
    }
    Ok(out)
}

/// The claims opened in `from..to` on the orders of those requests, newest first.
pub async fn past_claims(
    conn: &mut AnyConnection,
    merchant_id: i64,
    from: i64,
    to: i64,
    limit: i64,
) -> StoreResult<Vec<PastClaimRow>> {
    let rows = sqlx::query(&format!("{PICKED}{CLAIMS}"))
        .bind(merchant_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let kind = ClaimKind::parse(&kind).ok_or_else(|| corrupt(kind))?;
            let currency: String = row.try_get("currency")?;
            let currency = Currency::parse(&currency).map_err(corrupt)?;
            Ok(PastClaimRow {
                claim: PastClaim {
                    claim_id: row.try_get("id")?,
                    order_id: row.try_get("order_id")?,
                    kind,
                    amount: Money::new(row.try_get("order_value")?, currency),
                },
                order_number: row.try_get("number")?,
                status: row.try_get("status")?,
                opened_at: row.try_get("created_at")?,
            })
        })
        .collect()
}
