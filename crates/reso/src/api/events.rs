//! /api/v1/events and /api/v1/webhooks: what happened, and where to push it.

use super::auth::ApiCaller;
use super::dto::*;
use super::orders::page_limit;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{self, AppError};
use crate::store;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
pub struct FeedQuery {
    /// Events after this id (the `next_cursor` of the previous page); from the start when absent.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// The merchant's events, oldest first: a feed to poll instead of, or beside, webhooks.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(FeedQuery),
    responses((status = 200, body = EventPage), (status = 400, body = Problem)), security(("api_key" = [])))]
pub async fn feed(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Query(q), _): WithRejection<Query<FeedQuery>, ApiError>,
) -> ApiResult<Json<EventPage>> {
    let limit = page_limit(q.limit)?;
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let events =
        store::events::for_merchant(&mut conn, caller.merchant.id, q.after.unwrap_or(0), limit)
            .await
            .map_err(AppError::from)?;
    let next_cursor = events.last().map(|e| e.id.to_string());
    Ok(Json(EventPage {
        items: events.iter().map(EventOut::from).collect(),
        next_cursor,
    }))
}

/// Registers an endpoint for signed webhooks (Standard Webhooks). The secret is shown once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookIn,
    responses((status = 201, body = WebhookOut), (status = 422, body = Problem)), security(("api_key" = [])))]
pub async fn add_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Json(body), _): WithRejection<Json<WebhookIn>, ApiError>,
) -> ApiResult<(StatusCode, Json<WebhookOut>)> {
    let e = app::merchants::add_webhook(&state, caller.merchant.id, &body.url).await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookOut {
            id: e.id,
            url: e.url,
            secret: Some(e.secret),
            created_at: rfc3339(e.created_at),
        }),
    ))
}

/// The merchant's active webhook endpoints.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", responses((status = 200, body = WebhookList)), security(("api_key" = [])))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<WebhookList>> {
    let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
    let endpoints = store::webhooks::for_merchant(&mut conn, caller.merchant.id)
        .await
        .map_err(AppError::from)?;
    let items = endpoints
        .into_iter()
        .map(|e| WebhookOut {
            id: e.id,
            url: e.url,
            secret: None,
            created_at: rfc3339(e.created_at),
        })
        .collect();
    Ok(Json(WebhookList { items }))
}

/// Stops sending to an endpoint.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem)), security(("api_key" = [])))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::not_found("webhook endpoint"))?;
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    let done = store::webhooks::disable(&mut tx, caller.merchant.id, id, state.now())
        .await
        .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    if done {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("webhook endpoint"))
    }
}
