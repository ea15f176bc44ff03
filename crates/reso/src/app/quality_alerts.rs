//! Quality alerts: the worker's sweep, every quarter of an hour by the clock,
//! looks at the SKUs that got quality returns since the last sweep (and those
//! with a standing alert), measures them in one set-based read, lets the
//! domain decide, and records new alerts with their event (and so the staff
//! mail and webhooks) in one transaction. Never on the return-request path.

use super::error::NotFoundAs;
use super::events::{record, record_many, EventInput};
use super::{Actor, AppError, AppResult};
use crate::store::quality_alerts::{
    self as q, Alert, Comment, Measure, Measured, NewAlert, SweepMark,
};
use crate::store::{self, merchants::Merchant};
use crate::AppState;
use reso_domain::quality::{assess, AlertState, QualityRule, Rate, Verdict};
use serde_json::{json, Map, Value};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// The event an alert raises: staff are mailed and webhooks told.
pub const RAISED: &str = "quality.alert_raised";
pub const ACKNOWLEDGED: &str = "quality.alert_acknowledged";
pub const RULE_CHANGED: &str = "quality.rule_changed";

/// How often the sweep runs. Alerts are about trends over weeks: a quarter
/// of an hour is prompt enough and keeps the sweep's cost negligible.
pub const SWEEP_EVERY_MS: i64 = 15 * 60_000;
/// Returns younger than this are looked at again by the next sweep: a
/// return with a smaller id may still be committing (PostgreSQL).
const SETTLE_MS: i64 = 60_000;
/// Comments carried by an alert into the mail and the banner.
pub const COMMENTS_IN_ALERT: i64 = 5;
/// Comments on an alert's page: all of a bad batch, within reason.
const COMMENTS_ON_PAGE: i64 = 500;
const ALERTS_LISTED: i64 = 200;

/// What one sweep decided for one SKU.
struct Raise {
    merchant_id: i64,
    sku: String,
    title: String,
    rule: QualityRule,
    since: i64,
    rate: Rate,
    sold: u64,
    returned: u64,
    by_reason: Value,
    comments: Vec<Comment>,
}

/// Runs the sweep when one is due (also the first time after a start, so a
/// sweep missed while Reso was down runs then); returns how many alerts it raised.
pub async fn sweep_if_due(state: &AppState) -> AppResult<usize> {
    let now = state.now();
    let mut conn = state.db.reader().acquire().await?;
    let seen = q::sweep_mark(&mut conn).await?;
    if now < seen.swept_at + SWEEP_EVERY_MS {
        return Ok(0);
    }
    let next = SweepMark {
        last_return_id: q::settled_return_id(&mut conn, seen.last_return_id, now - SETTLE_MS)
            .await?,
        swept_at: now,
    };
    // Read outside the write transaction: SQLite's single writer (and so the
    // return requests) never waits for the sweep's reads.
    let candidates = q::candidates(&mut conn, seen.last_return_id).await?;
    let mut merchant_ids: Vec<i64> = candidates.iter().map(|(m, _)| *m).collect();
    merchant_ids.sort_unstable();
    merchant_ids.dedup();
    let rules = q::rules_of(&mut conn, &merchant_ids).await?;
    let rule_of = |m: i64| rules.get(&m).copied().unwrap_or_default();
    let measures: Vec<Measure<'_>> = candidates
        .iter()
        .map(|(m, sku)| Measure {
            merchant_id: *m,
            sku,
            since: rule_of(*m).window_start(now),
        })
        .collect();
    let measured = q::measure(&mut conn, &measures).await?;
    let standing = q::standing(&mut conn).await?;
    let (mut raises, rearms) = decide(&measures, &measured, &standing, rule_of);
    for r in &mut raises {
        r.comments =
            q::comments(&mut conn, r.merchant_id, &r.sku, r.since, COMMENTS_IN_ALERT).await?;
    }
    drop(conn);
    if !record_sweep(state, seen, next, &raises, &rearms).await? {
        // Another worker swept meanwhile: what it found stands.
        return Ok(0);
    }
    if !raises.is_empty() || !rearms.is_empty() {
        tracing::info!(
            raised = raises.len(),
            rearmed = rearms.len(),
            "quality alert sweep"
        );
    }
    Ok(raises.len())
}

/// Asks the domain about each measured SKU: the alerts to raise, and the
/// standing alerts to re-arm.
fn decide(
    measures: &[Measure<'_>],
    measured: &HashMap<(i64, String), Measured>,
    standing: &HashMap<(i64, String), i64>,
    rule_of: impl Fn(i64) -> QualityRule,
) -> (Vec<Raise>, Vec<i64>) {
    let mut raises = Vec::new();
    let mut rearms = Vec::new();
    for m in measures {
        let key = (m.merchant_id, m.sku.to_string());
        let found = measured.get(&key).cloned().unwrap_or_default();
        let rule = rule_of(m.merchant_id);
        let state_now = match standing.get(&key) {
            Some(_) => AlertState::Raised,
            None => AlertState::Armed,
        };
        match assess(&rule, &found.figures, state_now) {
            Verdict::Raise => raises.push(Raise {
                merchant_id: m.merchant_id,
                sku: key.1,
                title: found.title,
                rule,
                since: m.since,
                rate: found.figures.rate().unwrap_or(Rate(0)),
                sold: found.figures.sold,
                returned: found.figures.quality_returned(),
                by_reason: Value::Object(
                    found
                        .figures
                        .returned
                        .iter()
                        .map(|(r, n)| (r.code().to_string(), json!(n)))
                        .collect::<Map<_, _>>(),
                ),
                comments: Vec::new(),
            }),
            Verdict::Rearm => rearms.extend(standing.get(&key).copied()),
            Verdict::Keep => {}
        }
    }
    (raises, rearms)
}

/// In one transaction: moves the sweep mark on from what this sweep read
/// (false, and nothing written, if another sweep moved it first), re-arms,
/// and records each new alert with its event, and so its mail and webhooks.
async fn record_sweep(
    state: &AppState,
    seen: SweepMark,
    next: SweepMark,
    raises: &[Raise],
    rearms: &[i64],
) -> AppResult<bool> {
    let now = next.swept_at;
    let mut tx = state.db.begin().await?;
    if !q::advance_sweep(&mut tx, seen, next).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    q::rearm(&mut tx, rearms, now).await?;
    let mut merchants: HashMap<i64, Merchant> = HashMap::new();
    for r in raises {
        if let Entry::Vacant(e) = merchants.entry(r.merchant_id) {
            e.insert(store::merchants::by_id(&mut tx, r.merchant_id).await?);
        }
    }
    let mut events = Vec::with_capacity(raises.len());
    for r in raises {
        let id = q::insert(
            &mut tx,
            &NewAlert {
                merchant_id: r.merchant_id,
                sku: &r.sku,
                title: &r.title,
                rate_bp: i64::from(r.rate.basis_points()),
                threshold_bp: i64::from(r.rule.threshold_bp),
                sold: i64::try_from(r.sold).unwrap_or(i64::MAX),
                returned: i64::try_from(r.returned).unwrap_or(i64::MAX),
                by_reason: &r.by_reason,
                comments: &r.comments,
                window_from: r.since,
            },
            now,
        )
        .await?;
        events.push((&merchants[&r.merchant_id], raised_event(id, r)));
    }
    record_many(&mut tx, events, now).await?;
    tx.commit().await?;
    Ok(true)
}

fn raised_event(alert_id: i64, r: &Raise) -> EventInput<'static> {
    let comments: Vec<Value> = r
        .comments
        .iter()
        .map(|c| json!({"return_id": c.return_id, "at": c.at, "reason": c.reason, "text": c.text}))
        .collect();
    EventInput {
        order_id: None,
        return_id: None,
        kind: RAISED,
        actor: "system",
        data: json!({
            "alert_id": alert_id,
            "sku": r.sku,
            "title": r.title,
            "rate_bp": r.rate.basis_points(),
            "rate": r.rate.to_string(),
            "threshold_bp": r.rule.threshold_bp,
            "threshold": r.rule.threshold().to_string(),
            "sold": r.sold,
            "returned": r.returned,
            "by_reason": r.by_reason,
            "window_days": r.rule.window_days,
            "comments": comments,
        }),
        buyer: None,
    }
}

/// The merchant's rule (the defaults until they change it).
pub async fn rule(state: &AppState, merchant_id: i64) -> AppResult<QualityRule> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(q::rule(&mut conn, merchant_id).await?)
}

/// Changes the merchant's rule; a rule outside its bounds changes nothing.
/// It applies from the next sweep on, to SKUs that get new quality returns.
pub async fn save_rule(
    state: &AppState,
    merchant: &Merchant,
    threshold: Rate,
    min_units_sold: u32,
    window_days: u32,
    actor: &Actor,
) -> AppResult<QualityRule> {
    let rule = QualityRule::new(threshold.basis_points(), min_units_sold, window_days)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    q::save_rule(&mut tx, merchant.id, &rule, now).await?;
    let label = actor.label();
    record(
        &mut tx,
        merchant,
        EventInput {
            order_id: None,
            return_id: None,
            kind: RULE_CHANGED,
            actor: &label,
            data: json!({"threshold_bp": rule.threshold_bp, "min_units_sold": rule.min_units_sold,
                "window_days": rule.window_days}),
            buyer: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rule)
}

/// The merchant's alerts, newest first.
pub async fn list(state: &AppState, merchant_id: i64) -> AppResult<Vec<Alert>> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(q::list(&mut conn, merchant_id, ALERTS_LISTED).await?)
}

/// What the control center's banner shows: how many alerts wait, and the newest.
pub struct Banner {
    pub waiting: i64,
    pub newest: Alert,
}

pub async fn banner(state: &AppState, merchant_id: i64) -> AppResult<Option<Banner>> {
    let mut conn = state.db.reader().acquire().await?;
    let (waiting, newest) = q::unacknowledged(&mut conn, merchant_id).await?;
    Ok(newest.map(|newest| Banner { waiting, newest }))
}

/// Every buyer comment on the alert's SKU since its window began, newest first.
pub async fn comments(
    state: &AppState,
    merchant_id: i64,
    alert: &Alert,
) -> AppResult<Vec<Comment>> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(q::comments(
        &mut conn,
        merchant_id,
        &alert.sku,
        alert.window_from,
        COMMENTS_ON_PAGE,
    )
    .await?)
}

/// Staff saw the alert: the banner stops showing it. Acknowledging twice is
/// harmless; another merchant's alert is not found.
pub async fn acknowledge(
    state: &AppState,
    merchant: &Merchant,
    alert_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let now = state.now();
    let label = actor.label();
    let mut tx = state.db.begin().await?;
    let changed = q::acknowledge(&mut tx, merchant.id, alert_id, &label, now)
        .await
        .or_not_found("quality alert")?;
    if changed {
        record(
            &mut tx,
            merchant,
            EventInput {
                order_id: None,
                return_id: None,
                kind: ACKNOWLEDGED,
                actor: &label,
                data: json!({"alert_id": alert_id}),
                buyer: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
