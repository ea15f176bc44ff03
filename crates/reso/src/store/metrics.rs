//! What `/metrics` reads at scrape time: the backlog of jobs, deadlines and
//! refunds as the shared database holds it now, so that every instance
//! reports the same queue whichever one is scraped.

use super::StoreResult;
use sqlx::{AnyConnection, Row};

/// Jobs of one kind that are not done yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobBacklog {
    pub kind: String,
    /// Not done, due or not (a retry waits for its back-off).
    pub pending: i64,
    /// Not done and due now: what the workers should be running.
    pub due: i64,
    /// When the longest-waiting due job fell due (epoch ms), if any is due.
    pub oldest_due_at: Option<i64>,
}

/// Deadlines not fired yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineBacklog {
    pub pending: i64,
    /// Due but not fired: a worker is behind (or down).
    pub due: i64,
    pub oldest_due_at: Option<i64>,
}

/// Refunds waiting for a payment provider's answer, per gateway and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRefunds {
    pub gateway: String,
    pub currency: String,
    pub count: i64,
    pub amount_minor: i64,
    /// When the oldest of them was issued (epoch ms).
    pub oldest_at: i64,
}

pub async fn job_backlog(conn: &mut AnyConnection, now: i64) -> StoreResult<Vec<JobBacklog>> {
    // Served by the jobs_due index: only rows not done are read.
    let rows = sqlx::query(
        "SELECT kind, COUNT(*) AS pending, \
           CAST(SUM(CASE WHEN run_at <= $1 THEN 1 ELSE 0 END) AS BIGINT) AS due, \
           MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest_due_at \
         FROM jobs WHERE done_at IS NULL GROUP BY kind ORDER BY kind",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(JobBacklog {
                kind: r.try_get("kind")?,
                pending: r.try_get("pending")?,
                due: r.try_get("due")?,
                oldest_due_at: r.try_get("oldest_due_at")?,
            })
        })
        .collect()
}

pub async fn deadline_backlog(conn: &mut AnyConnection, now: i64) -> StoreResult<DeadlineBacklog> {
    // Served by the deadlines_due index. Without rows SUM and MIN are NULL.
    let row = sqlx::query(
        "SELECT COUNT(*) AS pending, \
           CAST(COALESCE(SUM(CASE WHEN due_at <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS due, \
           MIN(CASE WHEN due_at <= $1 THEN due_at END) AS oldest_due_at \
         FROM deadlines WHERE fired_at IS NULL",
    )
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(DeadlineBacklog {
        pending: row.try_get("pending")?,
        due: row.try_get("due")?,
        oldest_due_at: row.try_get("oldest_due_at")?,
    })
}

pub async fn pending_refunds(conn: &mut AnyConnection) -> StoreResult<Vec<PendingRefunds>> {
    // PostgreSQL sums BIGINT as NUMERIC, which the Any driver cannot read.
    let rows = sqlx::query(
        "SELECT gateway, currency, COUNT(*) AS refunds, \
           CAST(SUM(amount_minor) AS BIGINT) AS amount_minor, MIN(created_at) AS oldest_at \
         FROM refunds WHERE status = 'pending' GROUP BY gateway, currency ORDER BY gateway, currency",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PendingRefunds {
                gateway: r.try_get("gateway")?,
                currency: r.try_get("currency")?,
                count: r.try_get("refunds")?,
                amount_minor: r.try_get("amount_minor")?,
                oldest_at: r.try_get("oldest_at")?,
            })
        })
        .collect()
}
