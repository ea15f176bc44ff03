//! The dashboard's counts, aggregated in the database (GROUP BY, COUNT, SUM)
//! over one merchant's period: each query starts from an index on
//! (merchant, instant), so it reads the period's rows and nothing older. Only
//! the refund waits come back row by row (as one text column), because a
//! percentile needs every value.

use super::{Backend, Db, StoreError, StoreResult};
use reso_domain::claim::ClaimKind;
use reso_domain::insights::{parse_escalation, AnswerTally, ClaimResult, ClaimTally, Facts};
use reso_domain::ReturnReason;
use sqlx::{AnyPool, Row};

/// One merchant's period, `[from, until)` in epoch milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub merchant_id: i64,
    pub from: i64,
    pub until: i64,
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// The currencies of the orders placed in the period, the most used first.
pub async fn currencies(pool: &AnyPool, w: Window) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT currency, COUNT(*) AS n FROM orders \
         WHERE merchant_id = $1 AND placed_at >= $2 AND placed_at < $3 \
         GROUP BY currency ORDER BY n DESC, currency",
    )
    .bind(w.merchant_id)
    .bind(w.from)
    .bind(w.until)
    .fetch_all(pool)
    .await?)
}

/// Everything the dashboard counts, its queries run side by side on the
/// reading pool. `currency` selects the refunds; `answer_deadline` is the
/// deadline kind of a merchant's answer to a claim.
pub async fn facts(
    db: &Db,
    w: Window,
    currency: &str,
    now: i64,
    answer_deadline: &str,
) -> StoreResult<Facts> {
    let pool = db.reader();
    let (returns, sold, returned, (refunds_paid, refunded_minor), waits_ms, claims, answers) = tokio::try_join!(
        return_requests(pool, w),
        sold(pool, w),
        returned(pool, w),
        refunds_paid(pool, w, currency),
        waits(pool, db.backend, w, currency),
        claims(pool, db.backend, w),
        answers(pool, w, now, answer_deadline),
    )?;
    Ok(Facts {
        returns,
        sold,
        returned,
        refunds_paid,
        refunded_minor,
        waits_ms,
        claims,
        answers,
    })
}

async fn return_requests(pool: &AnyPool, w: Window) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM returns WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3",
    )
    .bind(w.merchant_id)
    .bind(w.from)
    .bind(w.until)
    .fetch_one(pool)
    .await?)
}

/// Units of the lines of orders placed in the period, by SKU.
async fn sold(pool: &AnyPool, w: Window) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT l.sku, CAST(SUM(l.quantity) AS BIGINT) FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3 \
         GROUP BY l.sku",
    )
    .bind(w.merchant_id)
    .bind(w.from)
    .bind(w.until)
    .fetch_all(pool)
    .await?)
}

/// Units of the lines of returns requested in the period, by SKU and reason.
async fn returned(pool: &AnyPool, w: Window) -> StoreResult<Vec<(String, ReturnReason, i64)>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT l.sku, rl.reason, CAST(SUM(rl.quantity) AS BIGINT) FROM returns r \
         JOIN return_lines rl ON rl.return_id = r.id \
         JOIN order_lines l ON l.id = rl.order_line_id \
         WHERE r.merchant_id = $1 AND r.created_at >= $2 AND r.created_at < $3 \
         GROUP BY l.sku, rl.reason",
    )
    .bind(w.merchant_id)
    .bind(w.from)
    .bind(w.until)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(sku, reason, units)| {
            let reason = ReturnReason::parse(&reason)
                .ok_or_else(|| corrupt(format!("return reason '{reason}'")))?;
            Ok((sku, reason, units))
        })
        .collect()
}

/// Refunds in `currency` that succeeded in the period: how many, how much.
/// A succeeded refund's last change is its success (a reversal changes its
/// status, and it is then no longer counted).
async fn refunds_paid(pool: &AnyPool, w: Window, currency: &str) -> StoreResult<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM refunds \
         WHERE merchant_id = $1 AND currency = $4 AND status = 'succeeded' \
         AND updated_at >= $2 AND updated_at < $3",
    )
    .bind(w.merchant_id)
    .bind(w.from)
    .bind(w.until)
    .bind(currency)
    .fetch_one(pool)
    .await?)
}

/// For each return refunded in the period (in `currency`): from its request
/// to its last refund of the period, in ms, as one comma-separated text.
async fn waits(
    pool: &AnyPool,
    backend: Backend,
    w: Window,
    currency: &str,
) -> StoreResult<Vec<i64>> {
    let per_return = "SELECT MAX(f.updated_at) - r.created_at AS wait FROM refunds f \
         JOIN returns r ON r.id = f.return_id \
         WHERE f.merchant_id = $1 AND f.currency = $4 AND f.status = 'succeeded' \
         AND f.updated_at >= $2 AND f.updated_at < $3 AND f.return_id IS NOT NULL \
         GROUP BY r.id, r.created_at";
    let sql = match backend {
        Backend::Sqlite => format!("SELECT COALESCE(group_concat(wait), '') FROM ({per_return}) t"),
        Backend::Postgres => format!(
            "SELECT COALESCE(string_agg(CAST(wait AS TEXT), ','), '') FROM ({per_return}) t"
        ),
    };
    let text: String = sqlx::query_scalar(&sql)
        .bind(w.merchant_id)
        .bind(w.from)
        .bind(w.until)
        .bind(currency)
        .fetch_one(pool)
        .await?;
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| corrupt(format!("refund wait '{s}'"))))
        .collect()
}

/// Claims opened in the period by kind, how they stand (open, or the kind
/// of their outcome) and why they were escalated.
async fn claims(pool: &AnyPool, backend: Backend, w: Window) -> StoreResult<Vec<ClaimTally>> {
    // The outcome is a JSON document; its `kind` names how the claim ended.
    let outcome = match backend {
        Backend::Sqlite => "json_extract(outcome, '$.kind')",
        Backend::Postgres => "CAST(outcome AS json) ->> 'kind'",
    };
    let sql = format!(
        "SELECT kind, CASE WHEN status = 'closed' THEN {outcome} ELSE 'open' END AS result, \
         escalation, COUNT(*) AS n FROM claims \
         WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3 \
         GROUP BY kind, result, escalation"
    );
    let rows = sqlx::query(&sql)
        .bind(w.merchant_id)
        .bind(w.from)
        .bind(w.until)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get(0)?;
            let result: Option<String> = r.try_get(1)?;
            let escalation: Option<String> = r.try_get(2)?;
            let result = result.unwrap_or_default();
            Ok(ClaimTally {
                kind: ClaimKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("claim kind '{kind}'")))?,
                result: ClaimResult::parse(&result)
                    .ok_or_else(|| corrupt(format!("claim outcome '{result}'")))?,
                escalation: match escalation {
                    None => None,
                    Some(e) => Some(
                        parse_escalation(&e).ok_or_else(|| corrupt(format!("escalation '{e}'")))?,
                    ),
                },
                count: r.try_get(3)?,
            })
        })
        .collect()
}

/// The merchant's answers owed on claims opened in the period. A buyer's
/// claim keeps its answer deadline as a deadline row; a dispute keeps the
/// provider's `respond_by`, and the domain takes a dispute answer only
/// before it, so an answered dispute was answered in time.
async fn answers(
    pool: &AnyPool,
    w: Window,
    now: i64,
    answer_deadline: &str,
) -> StoreResult<AnswerTally> {
    let count = |cond: &str| {
        format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
    };
    let buyer_claims = format!(
        "SELECT {}, {}, {}, {} FROM claims c \
         JOIN deadlines d ON d.claim_id = c.id AND d.kind = $5 \
         WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3",
        count("c.answered_at < d.due_at"),
        count("c.answered_at >= d.due_at"),
        count("c.answered_at IS NULL AND d.due_at <= $4"),
        count("c.answered_at IS NULL AND d.due_at > $4"),
    );
    let disputes = format!(
        "SELECT {}, 0, {}, {} FROM claims c \
         JOIN disputes d ON d.claim_id = c.id \
         WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3 \
         AND d.respond_by IS NOT NULL",
        count("d.response IS NOT NULL"),
        count("d.response IS NULL AND d.respond_by <= $4"),
        count("d.response IS NULL AND d.respond_by > $4"),
    );
    let rows: Vec<(i64, i64, i64, i64)> =
        sqlx::query_as(&format!("{buyer_claims} UNION ALL {disputes}"))
            .bind(w.merchant_id)
            .bind(w.from)
            .bind(w.until)
            .bind(now)
            .bind(answer_deadline)
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().fold(
        AnswerTally::default(),
        |t, (in_time, late, missed, pending)| AnswerTally {
            in_time: t.in_time + in_time,
            late: t.late + late,
            missed: t.missed + missed,
            pending: t.pending + pending,
        },
    ))
}
