//! /api/v1/quality-alerts: SKUs whose return rate for quality reasons reached
//! the merchant's threshold, and acknowledging them.

use super::auth::ApiCaller;
use super::dto::rfc3339;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app;
use crate::store::quality_alerts::Alert;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct QualityCommentOut {
    pub return_id: i64,
    /// The quality reason the buyer gave.
    pub reason: String,
    pub text: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QualityAlertOut {
    pub id: i64,
    pub sku: String,
    pub title: String,
    /// Units returned for quality reasons per unit sold, in basis points (1400 = 14 %), when raised.
    pub rate_bp: i64,
    pub threshold_bp: i64,
    /// Units sold in orders placed since `window_from`.
    pub sold: i64,
    /// Of those, units returned for quality reasons.
    pub returned: i64,
    /// Quality reason (damaged, defective, not_as_described) → units returned.
    pub by_reason: BTreeMap<String, i64>,
    /// The most recent buyers' comments when raised, newest first (at most 5).
    pub comments: Vec<QualityCommentOut>,
    pub window_from: String,
    pub raised_at: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    /// When the rate dropped below the threshold again; the next crossing raises a new alert.
    pub rearmed_at: Option<String>,
}

impl From<&Alert> for QualityAlertOut {
    fn from(a: &Alert) -> Self {
        QualityAlertOut {
            id: a.id,
            sku: a.sku.clone(),
            title: a.title.clone(),
            rate_bp: a.rate_bp,
            threshold_bp: a.threshold_bp,
            sold: a.sold,
            returned: a.returned,
            by_reason: a.by_reason.iter().cloned().collect(),
            comments: a
                .comments
                .iter()
                .map(|c| QualityCommentOut {
                    return_id: c.return_id,
                    reason: c.reason.clone(),
                    text: c.text.clone(),
                    created_at: rfc3339(c.at),
                })
                .collect(),
            window_from: rfc3339(a.window_from),
            raised_at: rfc3339(a.raised_at),
            acknowledged_at: a.acknowledged_at.map(rfc3339),
            acknowledged_by: a.acknowledged_by.clone(),
            rearmed_at: a.rearmed_at.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QualityAlertList {
    pub items: Vec<QualityAlertOut>,
}

/// The merchant's quality alerts, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/quality-alerts", tag = "quality",
    responses((status = 200, body = QualityAlertList), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<QualityAlertList>> {
    let alerts = app::quality_alerts::list(&state, caller.merchant.id).await?;
    Ok(Json(QualityAlertList {
        items: alerts.iter().map(QualityAlertOut::from).collect(),
    }))
}

/// Marks an alert seen: the control center's banner stops showing it. Doing it twice changes nothing.
#[utoipa::path(post, path = "/api/v1/quality-alerts/{id}/acknowledge", tag = "quality",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("api_key" = [])))]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::not_found("quality alert"))?;
    app::quality_alerts::acknowledge(&state, &caller.merchant, id, &caller.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
