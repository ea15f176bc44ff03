//! The outbox: jobs written with the change that caused them, claimed by
//! workers with a lease so that several processes never run one job at once.

use super::{Backend, StoreResult};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
}

pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &serde_json::Value,
    run_at: i64,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(payload.to_string())
    .bind(run_at)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A job to write, or with `per_endpoint_of` one webhook delivery job per
/// active endpoint of that merchant, each payload told its `endpoint_id`.
#[derive(serde::Serialize)]
pub struct QueuedJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub per_endpoint_of: Option<i64>,
}

/// The jobs bound as one JSON array in `$3` (SQLite finds each numbered
/// parameter by a linear scan, so many parameters cost their square),
/// fanned out over the endpoints in the same statement: the lookup takes no
/// statement of its own. Each delivery's payload is the given object's text
/// with `endpoint_id` put first.
pub(crate) const FAN_OUT_SQLITE: &str =
    "WITH j AS MATERIALIZED (SELECT key, jsonb(value) AS b FROM json_each($3)) \
     INSERT INTO jobs (kind, payload, run_at, created_at) \
     SELECT b ->> 'kind', \
       CASE WHEN w.id IS NULL THEN b -> 'payload' \
            ELSE '{\"endpoint_id\":' || w.id || ',' || substr(b -> 'payload', 2) END, $1, $2 \
     FROM j LEFT JOIN webhook_endpoints w \
       ON w.merchant_id = b ->> 'per_endpoint_of' AND w.disabled_at IS NULL \
     WHERE b ->> 'per_endpoint_of' IS NULL OR w.id IS NOT NULL \
     ORDER BY j.key, w.id";
pub(crate) const FAN_OUT_POSTGRES: &str = "INSERT INTO jobs (kind, payload, run_at, created_at) \
     SELECT x.value ->> 'kind', \
       CASE WHEN w.id IS NULL THEN CAST(x.value -> 'payload' AS TEXT) \
            ELSE '{\"endpoint_id\":' || w.id || ',' || substr(CAST(x.value -> 'payload' AS TEXT), 2) END, $1, $2 \
     FROM json_array_elements(CAST($3 AS json)) WITH ORDINALITY AS x(value, ord) \
     LEFT JOIN webhook_endpoints w \
       ON w.merchant_id = CAST(x.value ->> 'per_endpoint_of' AS BIGINT) AND w.disabled_at IS NULL \
     WHERE x.value ->> 'per_endpoint_of' IS NULL OR w.id IS NOT NULL \
     ORDER BY x.ord, w.id";

/// Writes the jobs due at `run_at` with one INSERT, in the order given, each
/// fan-out as its deliveries in endpoint order.
pub async fn enqueue_fanned_out(
    conn: &mut AnyConnection,
    jobs: &[QueuedJob],
    run_at: i64,
    now: i64,
) -> StoreResult<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    if jobs
        .iter()
        .any(|j| j.per_endpoint_of.is_some() && j.payload.as_object().is_none_or(|o| o.is_empty()))
    {
        return Err(super::StoreError::Corrupt(
            "a webhook delivery's payload must be an object with fields".into(),
        ));
    }
    let rows =
        serde_json::to_string(jobs).map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
    let sql = if conn.backend_name() == "PostgreSQL" {
        FAN_OUT_POSTGRES
    } else {
        FAN_OUT_SQLITE
    };
    sqlx::query(sql)
        .bind(run_at)
        .bind(now)
        .bind(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Claims up to `limit` due jobs for `lease_ms`. A worker that dies holding a
/// job loses it when the lease runs out, and another worker takes it again.
pub async fn claim_due(
    conn: &mut AnyConnection,
    backend: Backend,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> StoreResult<Vec<Job>> {
    // PostgreSQL: skip rows another process is claiming right now.
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(&format!(
        "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
           SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 AND (locked_until IS NULL OR locked_until < $2) \
           ORDER BY run_at, id LIMIT $3 {lock}) \
         RETURNING id, kind, payload, attempts"
    ))
    .bind(now + lease_ms)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let payload: String = r.try_get("payload")?;
            Ok(Job {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Extends the lease of the claimed jobs among `ids` not done yet.
pub async fn renew(conn: &mut AnyConnection, ids: &[i64], until: i64) -> StoreResult<()> {
    let ids = serde_json::Value::from(ids).to_string();
    let list = match conn.backend_name() {
        "PostgreSQL" => {
            "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST($2 AS json))"
        }
        _ => "SELECT value FROM json_each($2)",
    };
    sqlx::query(&format!(
        "UPDATE jobs SET locked_until = $1 WHERE done_at IS NULL AND locked_until IS NOT NULL \
         AND id IN ({list})"
    ))
    .bind(until)
    .bind(ids)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn complete(conn: &mut AnyConnection, job_id: i64, now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE jobs SET done_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(job_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a failure; the job runs again at `retry_at`, or never when `None`
/// (it stays in the table, with its error, for staff to see).
pub async fn fail(
    conn: &mut AnyConnection,
    job_id: i64,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE jobs SET last_error = $1, locked_until = NULL, run_at = COALESCE($2, run_at), \
         done_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END WHERE id = $4",
    )
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .bind(job_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Jobs not done yet (for tests, metrics and the demo).
pub async fn pending_count(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL")
            .fetch_one(conn)
            .await?,
    )
}
