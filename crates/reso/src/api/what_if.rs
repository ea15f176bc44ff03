//! /api/v1/decision-matrix/what-if: a draft decision matrix replayed on the
//! shop's past return requests, beside what the live rules did. Changes nothing.

use super::auth::ApiCaller;
use super::dto::{parse_instant, rfc3339};
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::what_if::{self, Period, Replay};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use reso_domain::what_if::DecisionFigures;
use reso_domain::DecisionMatrix;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfIn {
    /// The draft, in the shape of the merchant's `decision_matrix`.
    #[schema(value_type = Object, example = json!({"rules": [{"name": "Small damaged items: refund, keep the goods",
        "when": {"max_amount_minor": 1500, "reasons": ["damaged"]}, "then": "refund_without_return"}]}))]
    pub decision_matrix: DecisionMatrix,
    /// Requests asked for at or after this instant (RFC 3339); default 90 days before `to`.
    #[serde(default)]
    pub from: Option<String>,
    /// Requests asked for before this instant (RFC 3339); default now.
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionFiguresOut {
    /// auto_authorize, refund_without_return, request_photos or manual_review.
    pub decision: String,
    pub count: i64,
    /// The goods these requests asked to return.
    pub amount_minor: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WhatIfSummaryOut {
    pub currency: String,
    pub returns: i64,
    pub live: Vec<DecisionFiguresOut>,
    pub draft: Vec<DecisionFiguresOut>,
    /// Refunded for these requests (pending or paid).
    pub refunded_minor: i64,
    pub changed: i64,
    pub changed_amount_minor: i64,
    /// Would have been refunded without inspection under the draft though staff refused it.
    pub at_risk_minor: i64,
    pub at_risk_returns: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedDecisionOut {
    pub return_id: i64,
    pub order_number: String,
    pub rma: Option<String>,
    pub status: String,
    pub requested_at: String,
    pub live: String,
    pub draft: String,
    /// The draft's rule that decided; absent when none matched (staff review).
    pub draft_rule: Option<String>,
    pub currency: String,
    pub amount_minor: i64,
    pub refunded_minor: i64,
    /// Refused by staff: the whole request if rejected, else units refused at inspection.
    pub refused_minor: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AvoidableClaimOut {
    pub claim_id: i64,
    pub order_number: String,
    pub kind: String,
    pub status: String,
    pub opened_at: String,
    pub currency: String,
    /// The order's goods, the value the claim puts at stake.
    pub amount_minor: i64,
    /// The order's return the draft would have let through sooner.
    pub return_id: i64,
    pub live: String,
    pub draft: String,
}

/// The replay: figures per currency, every request decided otherwise, and
/// the claims on orders whose return the draft would have let through sooner
/// (authorized at once or refunded without return where the live rules had
/// staff look at it) — claims the draft might have avoided.
#[derive(Debug, Serialize, ToSchema)]
pub struct WhatIfOut {
    pub from: String,
    pub to: String,
    /// The most recent requests of the period are replayed, at most `limit`.
    pub replayed: i64,
    pub limit: i64,
    pub limit_reached: bool,
    pub summaries: Vec<WhatIfSummaryOut>,
    pub changed: Vec<ChangedDecisionOut>,
    pub claims_maybe_avoided: Vec<AvoidableClaimOut>,
}

fn figures(rows: &[DecisionFigures]) -> Vec<DecisionFiguresOut> {
    rows.iter()
        .map(|f| DecisionFiguresOut {
            decision: f.decision.code().into(),
            count: f.count,
            amount_minor: f.amount.minor,
        })
        .collect()
}

fn out(r: &Replay) -> WhatIfOut {
    let summaries = r
        .result
        .summaries
        .iter()
        .map(|s| WhatIfSummaryOut {
            currency: s.currency.to_string(),
            returns: s.returns,
            live: figures(&s.live),
            draft: figures(&s.draft),
            refunded_minor: s.refunded.minor,
            changed: s.changed,
            changed_amount_minor: s.changed_amount.minor,
            at_risk_minor: s.at_risk.minor,
            at_risk_returns: s.at_risk_returns,
        })
        .collect();
    let changed = r
        .result
        .changed
        .iter()
        .filter_map(|c| {
            let req = r.request(c.return_id)?;
            Some(ChangedDecisionOut {
                return_id: c.return_id,
                order_number: req.order_number.clone(),
                rma: req.rma.clone(),
                status: req.status.code().into(),
                requested_at: rfc3339(req.requested_at),
                live: c.from.code().into(),
                draft: c.to.code().into(),
                draft_rule: c.rule.clone(),
                currency: c.amount.currency.to_string(),
                amount_minor: c.amount.minor,
                refunded_minor: c.refunded.minor,
                refused_minor: c.refused.minor,
            })
        })
        .collect();
    let claims = r
        .result
        .claims
        .iter()
        .filter_map(|c| {
            let row = r.claim(c.claim_id)?;
            Some(AvoidableClaimOut {
                claim_id: c.claim_id,
                order_number: row.order_number.clone(),
                kind: c.kind.code().into(),
                status: row.status.clone(),
                opened_at: rfc3339(row.opened_at),
                currency: c.amount.currency.to_string(),
                amount_minor: c.amount.minor,
                return_id: c.return_id,
                live: c.from.code().into(),
                draft: c.to.code().into(),
            })
        })
        .collect();
    WhatIfOut {
        from: rfc3339(r.period.from),
        to: rfc3339(r.period.to),
        replayed: r.requests.len() as i64,
        limit: what_if::MAX_REQUESTS,
        limit_reached: r.limit_reached,
        summaries,
        changed,
        claims_maybe_avoided: claims,
    }
}

/// A draft the client got wrong is a bad request here: nothing is stored, so
/// there is no state it could be unprocessable against.
fn bad_request(e: ApiError) -> ApiError {
    if e.status == StatusCode::UNPROCESSABLE_ENTITY {
        ApiError::bad_request(e.detail)
    } else {
        e
    }
}

/// Replays a draft decision matrix on the shop's past return requests of a
/// period (default: the last 90 days; at most the 10,000 most recent) and
/// compares with what the live rules did. Saves nothing.
#[utoipa::path(post, path = "/api/v1/decision-matrix/what-if", tag = "merchant", request_body = WhatIfIn,
    responses((status = 200, body = WhatIfOut), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn replay(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Result<Json<WhatIfIn>, JsonRejection>,
) -> ApiResult<Json<WhatIfOut>> {
    let Json(body) = body.map_err(|r| bad_request(r.into()))?;
    let instant = |field: &str, v: &Option<String>| {
        v.as_deref()
            .map(|s| parse_instant(field, s).map(|t| t.millis()))
            .transpose()
            .map_err(bad_request)
    };
    let from = instant("from", &body.from)?;
    let to = instant("to", &body.to)?;
    let result = async {
        let period = Period::resolve(from, to, state.now())?;
        what_if::replay(&state, &caller.merchant, body.decision_matrix, period).await
    }
    .await
    .map_err(|e| bad_request(e.into()))?;
    Ok(Json(out(&result)))
}
