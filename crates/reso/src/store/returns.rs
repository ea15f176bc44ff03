//! Returns (RMAs), their lines and photos.

use super::{StoreError, StoreResult};
use reso_domain::returns::LineDecision;
use reso_domain::{Currency, Money, Order, ReturnLine, ReturnReason, ReturnStatus};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct ReturnRecord {
    pub id: i64,
    pub merchant_id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub buyer_email: String,
    pub locale: String,
    pub currency: Currency,
    pub rma: Option<String>,
    pub status: ReturnStatus,
    pub decision: String,
    pub decision_rule: Option<String>,
    pub keep_goods: bool,
    pub comment: String,
    pub rejection_reason: Option<String>,
    pub refund_method: String,
    pub return_carrier: Option<String>,
    pub return_tracking: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub lines: Vec<ReturnLine>,
    pub photo_ids: Vec<i64>,
}

pub struct NewReturn<'a> {
    pub merchant_id: i64,
    pub order_id: i64,
    pub status: ReturnStatus,
    /// Set when the return is authorized as it is asked for.
    pub rma: Option<&'a str>,
    pub decision: &'a str,
    pub decision_rule: Option<&'a str>,
    pub keep_goods: bool,
    pub comment: &'a str,
    pub refund_method: &'a str,
    pub lines: &'a [ReturnLine],
}

pub(crate) const INSERT: &str = "INSERT INTO returns (merchant_id, order_id, status, rma, decision, decision_rule, keep_goods, comment, refund_method, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (merchant_id, rma) DO NOTHING RETURNING id";

/// The return's lines, bound as one JSON array of
/// `[order_line_id, quantity, reason]` in `$2`.
pub(crate) const INSERT_LINES_SQLITE: &str =
    "INSERT INTO return_lines (return_id, order_line_id, quantity, reason) \
     SELECT $1, value ->> 0, value ->> 1, value ->> 2 FROM json_each($2) ORDER BY key";
pub(crate) const INSERT_LINES_POSTGRES: &str =
    "INSERT INTO return_lines (return_id, order_line_id, quantity, reason) \
     SELECT $1, CAST(value ->> 0 AS BIGINT), CAST(value ->> 1 AS BIGINT), value ->> 2 \
     FROM json_array_elements(CAST($2 AS json)) WITH ORDINALITY AS x(value, ord) ORDER BY ord";

/// Inserts a return with its lines; returns its id, or `None` when its RMA
/// number is already the merchant's (the unique index decides: pick another).
pub async fn insert(
    conn: &mut AnyConnection,
    r: &NewReturn<'_>,
    now: i64,
) -> StoreResult<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(INSERT)
        .bind(r.merchant_id)
        .bind(r.order_id)
        .bind(r.status.code())
        .bind(r.rma)
        .bind(r.decision)
        .bind(r.decision_rule)
        .bind(i64::from(r.keep_goods))
        .bind(r.comment)
        .bind(r.refund_method)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    if !r.lines.is_empty() {
        let lines: Vec<(i64, i64, &str)> = r
            .lines
            .iter()
            .map(|l| (l.order_line_id, l.quantity, l.reason.code()))
            .collect();
        let lines =
            serde_json::to_string(&lines).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = if conn.backend_name() == "PostgreSQL" {
            INSERT_LINES_POSTGRES
        } else {
            INSERT_LINES_SQLITE
        };
        sqlx::query(sql)
            .bind(id)
            .bind(lines)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(id))
}

pub async fn insert_photo(
    conn: &mut AnyConnection,
    return_id: i64,
    content_type: &str,
    body: &[u8],
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO return_photos (return_id, content_type, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(return_id)
        .bind(content_type)
        .bind(body.to_vec())
        .bind(now)
        .fetch_one(conn)
        .await?)
}

/// A photo of a return of this merchant: (content type, bytes).
pub async fn photo(
    conn: &mut AnyConnection,
    merchant_id: i64,
    return_id: i64,
    photo_id: i64,
) -> StoreResult<(String, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT p.content_type, p.body FROM return_photos p JOIN returns r ON r.id = p.return_id \
         WHERE p.id = $1 AND p.return_id = $2 AND r.merchant_id = $3",
    )
    .bind(photo_id)
    .bind(return_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((row.try_get("content_type")?, row.try_get("body")?))
}

/// Saves everything about a return that can change after it was asked for.
pub async fn save(conn: &mut AnyConnection, r: &ReturnRecord, now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE returns SET rma = $1, status = $2, rejection_reason = $3, return_carrier = $4, return_tracking = $5, \
         keep_goods = $6, updated_at = $7 WHERE id = $8 AND merchant_id = $9",
    )
    .bind(&r.rma)
    .bind(r.status.code())
    .bind(&r.rejection_reason)
    .bind(&r.return_carrier)
    .bind(&r.return_tracking)
    .bind(i64::from(r.keep_goods))
    .bind(now)
    .bind(r.id)
    .bind(r.merchant_id)
    .execute(&mut *conn)
    .await?;
    for line in &r.lines {
        if let Some(d) = &line.inspection {
            sqlx::query("UPDATE return_lines SET accepted_quantity = $1, condition_note = $2 WHERE return_id = $3 AND order_line_id = $4")
                .bind(d.accepted_quantity)
                .bind(&d.condition)
                .bind(r.id)
                .bind(line.order_line_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Is this RMA number free for the merchant? (The unique index has the last word.)
pub async fn rma_taken(conn: &mut AnyConnection, merchant_id: i64, rma: &str) -> StoreResult<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM returns WHERE merchant_id = $1 AND rma = $2")
            .bind(merchant_id)
            .bind(rma)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

const HEADER: &str = "SELECT r.id, r.merchant_id, r.order_id, o.number AS order_number, o.buyer_email, o.locale, o.currency, \
     r.rma, r.status, r.decision, r.decision_rule, r.keep_goods, r.comment, r.rejection_reason, r.refund_method, \
     r.return_carrier, r.return_tracking, r.created_at, r.updated_at \
     FROM returns r JOIN orders o ON o.id = r.order_id";

fn header(row: &sqlx::any::AnyRow) -> StoreResult<ReturnRecord> {
    let status: String = row.try_get("status")?;
    let currency: String = row.try_get("currency")?;
    Ok(ReturnRecord {
        id: row.try_get("id")?,
        merchant_id: row.try_get("merchant_id")?,
        order_id: row.try_get("order_id")?,
        order_number: row.try_get("order_number")?,
        buyer_email: row.try_get("buyer_email")?,
        locale: row.try_get("locale")?,
        currency: Currency::parse(&currency).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        rma: row.try_get("rma")?,
        status: ReturnStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        decision: row.try_get("decision")?,
        decision_rule: row.try_get("decision_rule")?,
        keep_goods: row.try_get::<i64, _>("keep_goods")? != 0,
        comment: row.try_get("comment")?,
        rejection_reason: row.try_get("rejection_reason")?,
        refund_method: row.try_get("refund_method")?,
        return_carrier: row.try_get("return_carrier")?,
        return_tracking: row.try_get("return_tracking")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        lines: Vec::new(),
        photo_ids: Vec::new(),
    })
}

pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: i64,
    return_id: i64,
) -> StoreResult<ReturnRecord> {
    let row = sqlx::query(&format!("{HEADER} WHERE r.id = $1 AND r.merchant_id = $2"))
        .bind(return_id)
        .bind(merchant_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut r = header(&row)?;
    let currency = r.currency;
    r.lines = sqlx::query(
        "SELECT rl.order_line_id, ol.sku, ol.title, rl.quantity, ol.unit_price_minor, rl.reason, rl.accepted_quantity, rl.condition_note \
         FROM return_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id WHERE rl.return_id = $1 ORDER BY rl.id",
    )
    .bind(return_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|l| {
        let reason: String = l.try_get("reason")?;
        let accepted: Option<i64> = l.try_get("accepted_quantity")?;
        let note: Option<String> = l.try_get("condition_note")?;
        Ok(ReturnLine {
            order_line_id: l.try_get("order_line_id")?,
            sku: l.try_get("sku")?,
            title: l.try_get("title")?,
            quantity: l.try_get("quantity")?,
            unit_price: Money::new(l.try_get("unit_price_minor")?, currency),
            reason: ReturnReason::parse(&reason).unwrap_or(ReturnReason::Other),
            inspection: accepted.map(|q| LineDecision { accepted_quantity: q, condition: note.unwrap_or_default() }),
        })
    })
    .collect::<StoreResult<Vec<_>>>()?;
    r.photo_ids =
        sqlx::query_scalar("SELECT id FROM return_photos WHERE return_id = $1 ORDER BY id")
            .bind(return_id)
            .fetch_all(conn)
            .await?;
    Ok(r)
}

/// The currency of a return of this merchant (its order's).
pub async fn currency(
    conn: &mut AnyConnection,
    merchant_id: i64,
    return_id: i64,
) -> StoreResult<String> {
    sqlx::query_scalar(
        "SELECT o.currency FROM returns r JOIN orders o ON o.id = r.order_id WHERE r.id = $1 AND r.merchant_id = $2",
    )
    .bind(return_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn id_by_rma(conn: &mut AnyConnection, merchant_id: i64, rma: &str) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT id FROM returns WHERE merchant_id = $1 AND rma = $2")
        .bind(merchant_id)
        .bind(rma)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn ids_for_order(conn: &mut AnyConnection, order_id: i64) -> StoreResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM returns WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Quantities of each order line held by returns that are still going on.
pub async fn held_quantities(
    conn: &mut AnyConnection,
    order_id: i64,
) -> StoreResult<HashMap<i64, i64>> {
    let rows = sqlx::query(
        "SELECT rl.order_line_id, CAST(SUM(rl.quantity) AS BIGINT) AS held FROM return_lines rl JOIN returns r ON r.id = rl.return_id \
         WHERE r.order_id = $1 AND r.status NOT IN ('rejected', 'closed') GROUP BY rl.order_line_id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("order_line_id")?, r.try_get("held")?)))
        .collect()
}

/// What a new return request is checked and decided against, besides the
/// order: the quantities of each line held by returns still going on, and how
/// many returns the buyer asked for at this shop since a given instant.
pub struct RequestHistory {
    pub held: HashMap<i64, i64>,
    pub prior_returns: i64,
}

/// [`RequestHistory`]'s columns about the row `orders`, `since` being `$n`:
/// the lines of returns still going on as a JSON array of
/// `[order_line_id, quantity]`, and the buyer's count.
fn history_columns(postgres: bool, since: &str) -> String {
    let held = if postgres {
        "(SELECT CAST(COALESCE(json_agg(json_build_array(rl.order_line_id, rl.quantity)), '[]') AS TEXT)"
    } else {
        "(SELECT json_group_array(json_array(rl.order_line_id, rl.quantity))"
    };
    format!(
        "{held} FROM return_lines rl JOIN returns r ON r.id = rl.return_id \
           WHERE r.order_id = orders.id AND r.status NOT IN ('rejected', 'closed')) AS held, \
         (SELECT COUNT(*) FROM orders o JOIN returns r ON r.order_id = o.id \
           WHERE o.merchant_id = orders.merchant_id AND o.buyer_email = orders.buyer_email AND r.created_at >= {since}) AS prior"
    )
}

/// SQLite: the single writer already keeps other changes out, so the lock
/// (touching the order) and the reads are one statement.
pub(crate) static LOCK_AND_LOAD_SQLITE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| {
        format!(
            "UPDATE orders SET updated_at = $3 WHERE id = $1 AND merchant_id = $2 RETURNING {}, {}",
            super::orders::order_columns(false),
            history_columns(false, "$4")
        )
    });
/// PostgreSQL: read after the lock (`orders::lock`) is held, so that the
/// statement sees what the order's previous holder committed.
pub(crate) static LOAD_LOCKED_POSTGRES: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| {
        format!(
            "SELECT {}, {} FROM orders WHERE id = $1 AND merchant_id = $2",
            super::orders::order_columns(true),
            history_columns(true, "$3")
        )
    });

/// Locks the order for a new return request (see `orders::lock`) and reads
/// what the request is checked against; `since` starts the buyer's history.
pub async fn lock_order_for_request(
    conn: &mut AnyConnection,
    merchant_id: i64,
    order_id: i64,
    since: i64,
    now: i64,
) -> StoreResult<(Order, RequestHistory)> {
    let row = if conn.backend_name() == "PostgreSQL" {
        super::orders::lock(&mut *conn, order_id, now).await?;
        sqlx::query(&LOAD_LOCKED_POSTGRES)
            .bind(order_id)
            .bind(merchant_id)
            .bind(since)
            .fetch_optional(&mut *conn)
            .await?
    } else {
        sqlx::query(&LOCK_AND_LOAD_SQLITE)
            .bind(order_id)
            .bind(merchant_id)
            .bind(now)
            .bind(since)
            .fetch_optional(&mut *conn)
            .await?
    };
    let row = row.ok_or(StoreError::NotFound)?;
    let order = super::orders::order_from_row(&row)?;
    let lines: Vec<(i64, i64)> = serde_json::from_str(&row.try_get::<String, _>("held")?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut held = HashMap::new();
    for (line, quantity) in lines {
        *held.entry(line).or_insert(0) += quantity;
    }
    Ok((
        order,
        RequestHistory {
            held,
            prior_returns: row.try_get("prior")?,
        },
    ))
}

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<ReturnStatus>,
    /// Only returns asked for before this instant (older than an age).
    pub created_before: Option<i64>,
    /// RMA, order number or buyer e-mail (exact or prefix).
    pub search: Option<String>,
    /// Cursor: only returns with an id below this.
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// The returns queue: newest first, filtered, one page at a time.
pub async fn queue(
    conn: &mut AnyConnection,
    merchant_id: i64,
    f: &QueueFilter,
) -> StoreResult<Vec<ReturnRecord>> {
    let search = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let pattern = search.map(|s| format!("{}%", s.to_lowercase().replace(['%', '_'], "")));
    let rows = sqlx::query(&format!(
        "{HEADER} WHERE r.merchant_id = $1 AND ($2 IS NULL OR r.status = $2) AND r.created_at < $3 AND r.id < $4 \
         AND ($5 IS NULL OR LOWER(r.rma) LIKE $5 OR LOWER(o.number) LIKE $5 OR o.buyer_email LIKE $5) \
         ORDER BY r.id DESC LIMIT $6"
    ))
    .bind(merchant_id)
    .bind(f.status.map(ReturnStatus::code))
    .bind(f.created_before.unwrap_or(i64::MAX))
    .bind(f.before_id.unwrap_or(i64::MAX))
    .bind(pattern)
    .bind(f.limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(header).collect()
}

/// Counts per status, for the queue's tabs.
pub async fn counts(conn: &mut AnyConnection, merchant_id: i64) -> StoreResult<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM returns WHERE merchant_id = $1 GROUP BY status",
    )
    .bind(merchant_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
        .collect()
}

/// The value of the goods asked back on each of these returns of this
/// merchant (minor units), for the queue's amount column in one query.
pub async fn requested_amounts(
    conn: &mut AnyConnection,
    merchant_id: i64,
    return_ids: &[i64],
) -> StoreResult<HashMap<i64, i64>> {
    if return_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (0..return_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT rl.return_id, CAST(SUM(rl.quantity * ol.unit_price_minor) AS BIGINT) AS amount \
         FROM return_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id JOIN returns r ON r.id = rl.return_id \
         WHERE r.merchant_id = $1 AND rl.return_id IN ({}) GROUP BY rl.return_id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(merchant_id);
    for id in return_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("return_id")?, r.try_get("amount")?)))
        .collect()
}
