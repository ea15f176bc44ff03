//! Quality alerts as rows: the merchants' thresholds, the alerts with the
//! figures they were raised on, and the sweep's place in the returns. The
//! figures of many SKUs are read in one set-based query per chunk.

use super::{StoreError, StoreResult};
use reso_domain::quality::{QualityRule, SkuFigures, QUALITY_REASONS};
use reso_domain::ReturnReason;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Candidates per figures query: 3 binds each, far under SQLite's limit.
const FIGURES_CHUNK: usize = 300;

/// Quality reason codes as an SQL list, from the domain's own list.
fn quality_codes() -> String {
    QUALITY_REASONS
        .iter()
        .map(|r| format!("'{}'", r.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn to_u32(v: i64) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{v} is not a quality rule value")))
}

/// The merchants' rules; merchants without a row of their own get none here
/// (the caller applies the defaults).
pub async fn rules_of(
    conn: &mut AnyConnection,
    merchant_ids: &[i64],
) -> StoreResult<HashMap<i64, QualityRule>> {
    let mut rules = HashMap::new();
    for chunk in merchant_ids.chunks(500) {
        let marks = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT merchant_id, threshold_bp, min_units_sold, window_days FROM quality_alert_rules \
             WHERE merchant_id IN ({marks})"
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let rule = QualityRule::new(
                to_u32(row.try_get("threshold_bp")?)?,
                to_u32(row.try_get("min_units_sold")?)?,
                to_u32(row.try_get("window_days")?)?,
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            rules.insert(row.try_get("merchant_id")?, rule);
        }
    }
    Ok(rules)
}

pub async fn rule(conn: &mut AnyConnection, merchant_id: i64) -> StoreResult<QualityRule> {
    Ok(rules_of(conn, &[merchant_id])
        .await?
        .remove(&merchant_id)
        .unwrap_or_default())
}

pub async fn save_rule(
    conn: &mut AnyConnection,
    merchant_id: i64,
    rule: &QualityRule,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO quality_alert_rules (merchant_id, threshold_bp, min_units_sold, window_days, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (merchant_id) DO UPDATE SET \
         threshold_bp = excluded.threshold_bp, min_units_sold = excluded.min_units_sold, \
         window_days = excluded.window_days, updated_at = excluded.updated_at",
    )
    .bind(merchant_id)
    .bind(i64::from(rule.threshold_bp))
    .bind(i64::from(rule.min_units_sold))
    .bind(i64::from(rule.window_days))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Where the last sweep got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepMark {
    pub last_return_id: i64,
    pub swept_at: i64,
}

pub async fn sweep_mark(conn: &mut AnyConnection) -> StoreResult<SweepMark> {
    let row = sqlx::query("SELECT last_return_id, swept_at FROM quality_sweeps WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok(SweepMark {
        last_return_id: row.try_get("last_return_id")?,
        swept_at: row.try_get("swept_at")?,
    })
}

/// Moves the mark on from `seen`, in the transaction that records what the
/// sweep found; false when another worker swept meanwhile (its findings stand).
pub async fn advance_sweep(
    conn: &mut AnyConnection,
    seen: SweepMark,
    next: SweepMark,
) -> StoreResult<bool> {
    let moved = sqlx::query(
        "UPDATE quality_sweeps SET last_return_id = $1, swept_at = $2 \
         WHERE id = 1 AND last_return_id = $3 AND swept_at = $4",
    )
    .bind(next.last_return_id)
    .bind(next.swept_at)
    .bind(seen.last_return_id)
    .bind(seen.swept_at)
    .execute(conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// The last return the next sweep need not see again: the newest one after
/// `after` created before `settled_before`. Younger ones are looked at again,
/// since on PostgreSQL a return with a smaller id may still be committing.
pub async fn settled_return_id(
    conn: &mut AnyConnection,
    after: i64,
    settled_before: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(id), $1) AS BIGINT) FROM returns WHERE id > $1 AND created_at <= $2",
    )
    .bind(after)
    .bind(settled_before)
    .fetch_one(conn)
    .await?)
}

/// The SKUs to look at: those with quality returns after return `after`
/// (found through the returns' primary key, so the cost follows the new
/// returns), and those with a standing alert (their rate may have dropped).
pub async fn candidates(conn: &mut AnyConnection, after: i64) -> StoreResult<Vec<(i64, String)>> {
    let sql = format!(
        "SELECT r.merchant_id, ol.sku FROM returns r \
           JOIN return_lines rl ON rl.return_id = r.id \
           JOIN order_lines ol ON ol.id = rl.order_line_id \
         WHERE r.id > $1 AND rl.reason IN ({}) \
         UNION \
         SELECT merchant_id, sku FROM quality_alerts WHERE rearmed_at IS NULL",
        quality_codes()
    );
    let rows = sqlx::query(&sql).bind(after).fetch_all(conn).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("merchant_id")?, r.try_get("sku")?)))
        .collect()
}

/// A SKU to measure: its merchant, and where the merchant's window starts.
pub struct Measure<'a> {
    pub merchant_id: i64,
    pub sku: &'a str,
    pub since: i64,
}

/// A SKU's figures over its window, with its product title.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub title: String,
    pub figures: SkuFigures,
}

/// Units sold in orders placed since each SKU's window start, and how many of
/// those units came back for each quality reason: the whole cohort in one query
/// per chunk (order lines by SKU, their returns through the order).
///
/// `CROSS JOIN` keeps SQLite's join order (it never reorders one): from the
/// SKUs to their lines by `order_lines_by_sku`, then each order by its key.
/// Left free, it scanned every order of the merchant in the window instead
/// (19 s instead of 0.3 s for 288 SKUs among 200,000 orders). PostgreSQL
/// plans a `CROSS JOIN` with its conditions like any join.
pub async fn measure(
    conn: &mut AnyConnection,
    skus: &[Measure<'_>],
) -> StoreResult<HashMap<(i64, String), Measured>> {
    let mut out: HashMap<(i64, String), Measured> = HashMap::new();
    for chunk in skus.chunks(FIGURES_CHUNK) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = 3 * i;
                format!(
                    "(CAST(${} AS BIGINT), CAST(${} AS TEXT), CAST(${} AS BIGINT))",
                    b + 1,
                    b + 2,
                    b + 3
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "WITH c (merchant_id, sku, since) AS (VALUES {values}), \
             sold AS (SELECT c.merchant_id, c.sku, ol.id AS line_id, ol.order_id, ol.quantity, ol.title \
                      FROM c CROSS JOIN order_lines ol CROSS JOIN orders o \
                      WHERE ol.sku = c.sku AND o.id = ol.order_id AND o.merchant_id = c.merchant_id \
                        AND o.placed_at >= c.since) \
             SELECT merchant_id, sku, '' AS reason, CAST(SUM(quantity) AS BIGINT) AS units, MAX(title) AS title \
               FROM sold GROUP BY merchant_id, sku \
             UNION ALL \
             SELECT s.merchant_id, s.sku, rl.reason, CAST(SUM(rl.quantity) AS BIGINT) AS units, '' AS title \
               FROM sold s JOIN returns r ON r.order_id = s.order_id \
               JOIN return_lines rl ON rl.return_id = r.id AND rl.order_line_id = s.line_id \
              WHERE rl.reason IN ({}) GROUP BY s.merchant_id, s.sku, rl.reason",
            quality_codes()
        );
        let mut q = sqlx::query(&sql);
        for m in chunk {
            q = q.bind(m.merchant_id).bind(m.sku).bind(m.since);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let key = (row.try_get("merchant_id")?, row.try_get("sku")?);
            let units: i64 = row.try_get("units")?;
            let units = u64::try_from(units).unwrap_or(0);
            let reason: String = row.try_get("reason")?;
            let entry = out.entry(key).or_default();
            match ReturnReason::parse(&reason) {
                Some(r) => entry.figures.returned.push((r, units)),
                None => {
                    entry.figures.sold = units;
                    entry.title = row.try_get("title")?;
                }
            }
        }
    }
    for m in out.values_mut() {
        m.figures.returned.sort_by_key(|(r, _)| r.code());
    }
    Ok(out)
}

/// A buyer's words on a quality return.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    pub return_id: i64,
    pub at: i64,
    pub reason: String,
    pub text: String,
}

/// The comments of the SKU's quality returns in the cohort, newest first.
pub async fn comments(
    conn: &mut AnyConnection,
    merchant_id: i64,
    sku: &str,
    since: i64,
    limit: i64,
) -> StoreResult<Vec<Comment>> {
    let sql = format!(
        "SELECT r.id, r.created_at, MIN(rl.reason) AS reason, r.comment FROM order_lines ol \
           CROSS JOIN orders o \
           JOIN returns r ON r.order_id = o.id \
           JOIN return_lines rl ON rl.return_id = r.id AND rl.order_line_id = ol.id \
         WHERE ol.sku = $1 AND o.id = ol.order_id AND o.merchant_id = $2 AND o.placed_at >= $3 \
           AND rl.reason IN ({}) AND r.comment <> '' \
         GROUP BY r.id, r.created_at, r.comment ORDER BY r.created_at DESC, r.id DESC LIMIT $4",
        quality_codes()
    );
    let rows = sqlx::query(&sql)
        .bind(sku)
        .bind(merchant_id)
        .bind(since)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Comment {
                return_id: r.try_get("id")?,
                at: r.try_get("created_at")?,
                reason: r.try_get("reason")?,
                text: r.try_get("comment")?,
            })
        })
        .collect()
}

/// The standing alert of each SKU that has one.
pub async fn standing(conn: &mut AnyConnection) -> StoreResult<HashMap<(i64, String), i64>> {
    let rows =
        sqlx::query("SELECT id, merchant_id, sku FROM quality_alerts WHERE rearmed_at IS NULL")
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok((
                (r.try_get("merchant_id")?, r.try_get("sku")?),
                r.try_get("id")?,
            ))
        })
        .collect()
}

pub struct NewAlert<'a> {
    pub merchant_id: i64,
    pub sku: &'a str,
    pub title: &'a str,
    pub rate_bp: i64,
    pub threshold_bp: i64,
    pub sold: i64,
    pub returned: i64,
    pub by_reason: &'a serde_json::Value,
    pub comments: &'a [Comment],
    pub window_from: i64,
}

/// Records a raised alert; a conflict when the SKU already has a standing one.
pub async fn insert(conn: &mut AnyConnection, a: &NewAlert<'_>, now: i64) -> StoreResult<i64> {
    let comments =
        serde_json::to_string(a.comments).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    super::conflict_on_unique(
        sqlx::query_scalar(
            "INSERT INTO quality_alerts (merchant_id, sku, title, rate_bp, threshold_bp, sold, returned, \
               by_reason, comments, window_from, raised_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(a.merchant_id)
        .bind(a.sku)
        .bind(a.title)
        .bind(a.rate_bp)
        .bind(a.threshold_bp)
        .bind(a.sold)
        .bind(a.returned)
        .bind(a.by_reason.to_string())
        .bind(comments)
        .bind(a.window_from)
        .bind(now)
        .fetch_one(conn)
        .await,
        "this SKU already has a standing quality alert",
    )
}

/// Re-arms standing alerts whose rate dropped below the threshold.
pub async fn rearm(conn: &mut AnyConnection, ids: &[i64], now: i64) -> StoreResult<()> {
    for id in ids {
        sqlx::query(
            "UPDATE quality_alerts SET rearmed_at = $1 WHERE id = $2 AND rearmed_at IS NULL",
        )
        .bind(now)
        .bind(*id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An alert as staff and the API see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub rate_bp: i64,
    pub threshold_bp: i64,
    pub sold: i64,
    pub returned: i64,
    /// Quality reason code → units, when raised.
    pub by_reason: Vec<(String, i64)>,
    /// The most recent comments when raised (at most a handful).
    pub comments: Vec<Comment>,
    pub window_from: i64,
    pub raised_at: i64,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
    pub rearmed_at: Option<i64>,
}

const ALERT_COLUMNS: &str =
    "id, sku, title, rate_bp, threshold_bp, sold, returned, by_reason, comments, \
     window_from, raised_at, acknowledged_at, acknowledged_by, rearmed_at";

fn alert_of(row: &sqlx::any::AnyRow) -> StoreResult<Alert> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("quality alert: {e}"));
    let by_reason: String = row.try_get("by_reason")?;
    let by_reason: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&by_reason).map_err(corrupt)?;
    let comments: String = row.try_get("comments")?;
    Ok(Alert {
        id: row.try_get("id")?,
        sku: row.try_get("sku")?,
        title: row.try_get("title")?,
        rate_bp: row.try_get("rate_bp")?,
        threshold_bp: row.try_get("threshold_bp")?,
        sold: row.try_get("sold")?,
        returned: row.try_get("returned")?,
        by_reason: by_reason
            .into_iter()
            .map(|(k, v)| (k, v.as_i64().unwrap_or(0)))
            .collect(),
        comments: serde_json::from_str(&comments).map_err(corrupt)?,
        window_from: row.try_get("window_from")?,
        raised_at: row.try_get("raised_at")?,
        acknowledged_at: row.try_get("acknowledged_at")?,
        acknowledged_by: row.try_get("acknowledged_by")?,
        rearmed_at: row.try_get("rearmed_at")?,
    })
}

/// The merchant's alerts, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    merchant_id: i64,
    limit: i64,
) -> StoreResult<Vec<Alert>> {
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM quality_alerts WHERE merchant_id = $1 ORDER BY id DESC LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(merchant_id)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(alert_of).collect()
}

/// How many alerts nobody acknowledged yet, and the newest of them.
pub async fn unacknowledged(
    conn: &mut AnyConnection,
    merchant_id: i64,
) -> StoreResult<(i64, Option<Alert>)> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM quality_alerts WHERE merchant_id = $1 AND acknowledged_at IS NULL",
    )
    .bind(merchant_id)
    .fetch_one(&mut *conn)
    .await?;
    if count == 0 {
        return Ok((0, None));
    }
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM quality_alerts WHERE merchant_id = $1 AND acknowledged_at IS NULL \
         ORDER BY id DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(merchant_id)
        .fetch_optional(conn)
        .await?;
    Ok((count, row.as_ref().map(alert_of).transpose()?))
}

/// Marks one of the merchant's alerts seen; false if it was already, and
/// not found when it is not the merchant's.
pub async fn acknowledge(
    conn: &mut AnyConnection,
    merchant_id: i64,
    id: i64,
    by: &str,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE quality_alerts SET acknowledged_at = $1, acknowledged_by = $2 \
         WHERE id = $3 AND merchant_id = $4 AND acknowledged_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(id)
    .bind(merchant_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM quality_alerts WHERE id = $1 AND merchant_id = $2",
    )
    .bind(id)
    .bind(merchant_id)
    .fetch_one(conn)
    .await?;
    if exists == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(false)
}
