//! GET /api/v1/insights: the dashboard's figures as JSON, for the same period
//! and currency choices as the control center's page.

use super::auth::ApiCaller;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use axum_extra::extract::WithRejection;
use reso_domain::insights::{Insights, Period};
use reso_domain::{Currency, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct InsightsQuery {
    /// First day of the period (UTC), YYYY-MM-DD; default 29 days before `to`.
    pub from: Option<String>,
    /// Last day of the period (UTC), included, YYYY-MM-DD; default today. At most two years (731 days) after `from`.
    pub to: Option<String>,
    /// ISO 4217 code of the money figures; default the currency most of the period's orders were placed in.
    pub currency: Option<String>,
}

/// A merchant's period in figures. Rates are in basis points (1 % = 100),
/// `null` when there is nothing to divide by; durations in seconds.
#[derive(Debug, Serialize, ToSchema)]
pub struct InsightsOut {
    /// YYYY-MM-DD, included.
    pub from: String,
    /// YYYY-MM-DD, included.
    pub to: String,
    /// The currency of `refunded_minor`.
    pub currency: String,
    /// Return requests made in the period.
    pub returns: i64,
    /// Units of the lines of orders placed in the period.
    pub sold_units: i64,
    /// Units of the return lines requested in the period (also of older orders).
    pub returned_units: i64,
    pub return_rate_bp: Option<i64>,
    /// The most returned SKUs (at most 20).
    pub skus: Vec<SkuOut>,
    /// SKUs sold or returned in the period that are not listed.
    pub other_skus: usize,
    /// Every return reason, in the taxonomy's order.
    pub reasons: Vec<ReasonOut>,
    /// Refunds in `currency` that succeeded in the period.
    pub refunds_paid: i64,
    pub refunded_minor: i64,
    pub refund_wait: RefundWaitOut,
    pub claims: ClaimsOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkuOut {
    pub sku: String,
    pub sold_units: i64,
    pub returned_units: i64,
    pub return_rate_bp: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonOut {
    /// damaged, defective, wrong_item, not_as_described, too_small, too_large, changed_mind, arrived_late or other.
    pub reason: String,
    pub returned_units: i64,
    /// Units returned for this reason per unit sold.
    pub return_rate_bp: Option<i64>,
    /// This reason's part of all returned units.
    pub share_bp: Option<i64>,
}

/// From return request to refund, for the returns refunded in the period
/// (nearest-rank percentiles).
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundWaitOut {
    pub returns_measured: usize,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

/// Claims opened in the period, as they stand now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimsOut {
    pub total: i64,
    pub by_kind: Vec<ClaimKindOut>,
    /// Why claims went to the mediators (only reasons that occurred).
    pub escalations: Vec<EscalationOut>,
    pub escalated: i64,
    pub answers: AnswersOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimKindOut {
    /// not_received, refund_not_received, other_problem, chargeback or provider_claim.
    pub kind: String,
    pub total: i64,
    /// Counts by outcome: open, refund_received, concluded, closed_as_answered, decided, dispute_won, dispute_lost.
    pub outcomes: Vec<OutcomeCountOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeCountOut {
    pub outcome: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationOut {
    /// other_problem, merchant_silent, buyer_not_received, buyer_disagrees or merchant_insolvent.
    pub escalation: String,
    pub count: i64,
}

/// The merchant's answers owed on the period's claims (buyer-protection answers and dispute answers).
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswersOut {
    pub in_time: i64,
    pub late: i64,
    /// The deadline passed without an answer.
    pub missed: i64,
    /// Not answered yet; the deadline is still ahead.
    pub pending: i64,
    /// in_time per (in_time + late + missed).
    pub in_time_bp: Option<i64>,
}

impl From<&Insights> for InsightsOut {
    fn from(i: &Insights) -> Self {
        let c = &i.claims;
        InsightsOut {
            from: i.period.from_date(),
            to: i.period.to_date(),
            currency: i.currency.to_string(),
            returns: i.returns,
            sold_units: i.sold_units,
            returned_units: i.returned_units,
            return_rate_bp: i.return_rate_bp,
            skus: i
                .skus
                .iter()
                .map(|s| SkuOut {
                    sku: s.sku.clone(),
                    sold_units: s.sold_units,
                    returned_units: s.returned_units,
                    return_rate_bp: s.return_rate_bp,
                })
                .collect(),
            other_skus: i.other_skus,
            reasons: i
                .reasons
                .iter()
                .map(|r| ReasonOut {
                    reason: r.reason.code().into(),
                    returned_units: r.returned_units,
                    return_rate_bp: r.return_rate_bp,
                    share_bp: r.share_bp,
                })
                .collect(),
            refunds_paid: i.refunds_paid,
            refunded_minor: i.refunded.minor,
            refund_wait: RefundWaitOut {
                returns_measured: i.waits.count,
                median_seconds: i.waits.median_ms.map(|ms| ms / 1_000),
                p90_seconds: i.waits.p90_ms.map(|ms| ms / 1_000),
            },
            claims: ClaimsOut {
                total: c.total,
                by_kind: c
                    .by_kind
                    .iter()
                    .map(|k| ClaimKindOut {
                        kind: k.kind.code().into(),
                        total: k.total,
                        outcomes: k
                            .results
                            .iter()
                            .map(|(r, n)| OutcomeCountOut {
                                outcome: r.code().into(),
                                count: *n,
                            })
                            .collect(),
                    })
                    .collect(),
                escalations: c
                    .escalations
                    .iter()
                    .map(|(e, n)| EscalationOut {
                        escalation: e.code().into(),
                        count: *n,
                    })
                    .collect(),
                escalated: c.escalated,
                answers: AnswersOut {
                    in_time: c.answers.in_time,
                    late: c.answers.late,
                    missed: c.answers.missed,
                    pending: c.answers.pending,
                    in_time_bp: c.answered_in_time_bp,
                },
            },
        }
    }
}

/// The insights dashboard's figures for a period: returns and return rates
/// by SKU and reason, refunds paid and how long they took, claims by kind
/// and outcome, answers in time and escalations.
#[utoipa::path(get, path = "/api/v1/insights", tag = "insights", params(InsightsQuery),
    responses((status = 200, body = InsightsOut), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Query(q), _): WithRejection<Query<InsightsQuery>, ApiError>,
) -> ApiResult<Json<InsightsOut>> {
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), Timestamp(state.now()))
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let currency = match q.currency.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => {
            Some(Currency::parse(c).map_err(|e| ApiError::bad_request(format!("currency: {e}")))?)
        }
    };
    let dashboard = app::insights::dashboard(&state, &caller.merchant, period, currency).await?;
    Ok(Json(InsightsOut::from(&dashboard.insights)))
}
