//! /api/v1/merchant: the shop's settings (policy, decision matrix, contact).

use super::auth::ApiCaller;
use super::problem::{ApiError, ApiResult, Problem};
use crate::app::{self, merchants::Settings};
use crate::store::merchants::{Merchant, NotificationPrefs, SupportContact};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use axum_extra::extract::WithRejection;
use reso_domain::{DecisionMatrix, ReturnPolicy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SupportContactDto {
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub url: String,
}

/// The merchant's settings. `policy` and `decision_matrix` have the shapes
/// shown in the example (see the README for every field).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MerchantSettings {
    pub name: String,
    pub support: SupportContactDto,
    #[serde(default)]
    pub return_address: String,
    pub default_locale: String,
    #[schema(value_type = Object, example = json!({"window_days": 30, "restocking_fee": {"kind": "percent", "basis_points": 1000},
        "return_shipping": {"paid_by": "buyer", "label_cost_minor": 495}, "refund_method": "original_payment", "non_returnable_skus": ["GIFT-CARD"]}))]
    pub policy: ReturnPolicy,
    #[schema(value_type = Object, example = json!({"rules": [{"name": "Small damaged items: refund, keep the goods",
        "when": {"max_amount_minor": 1500, "reasons": ["damaged"]}, "then": "refund_without_return"}]}))]
    pub decision_matrix: DecisionMatrix,
    /// Event kind → addresses to notify.
    #[serde(default)]
    pub notifications: BTreeMap<String, Vec<String>>,
}

/// The settings' fields are repeated rather than `#[serde(flatten)]`ed: the
/// settings schema forbids unknown fields (to catch typos in PUT), and an
/// `allOf` with it would then forbid `id`, `slug` and `currency` here.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantOut {
    pub id: i64,
    pub slug: String,
    pub currency: String,
    pub name: String,
    pub support: SupportContactDto,
    pub return_address: String,
    pub default_locale: String,
    #[schema(value_type = Object)]
    pub policy: ReturnPolicy,
    #[schema(value_type = Object)]
    pub decision_matrix: DecisionMatrix,
    /// Event kind → addresses to notify.
    pub notifications: BTreeMap<String, Vec<String>>,
}

fn out(m: &Merchant) -> MerchantOut {
    MerchantOut {
        id: m.id,
        slug: m.slug.clone(),
        currency: m.currency.to_string(),
        name: m.name.clone(),
        support: SupportContactDto {
            email: m.support.email.clone(),
            phone: m.support.phone.clone(),
            hours: m.support.hours.clone(),
            url: m.support.url.clone(),
        },
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        decision_matrix: m.matrix.clone(),
        notifications: m.notifications.0.clone(),
    }
}

/// The merchant this API key belongs to, with its settings.
#[utoipa::path(get, path = "/api/v1/merchant", tag = "merchant", responses((status = 200, body = MerchantOut), (status = 401, body = Problem)),
    security(("api_key" = [])))]
pub async fn show(caller: ApiCaller) -> Json<MerchantOut> {
    Json(out(&caller.merchant))
}

/// Replaces the merchant's settings as a whole; invalid settings change nothing.
#[utoipa::path(put, path = "/api/v1/merchant", tag = "merchant", request_body = MerchantSettings,
    responses((status = 200, body = MerchantOut), (status = 422, body = Problem)), security(("api_key" = [])))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    WithRejection(Json(body), _): WithRejection<Json<MerchantSettings>, ApiError>,
) -> ApiResult<Json<MerchantOut>> {
    let settings = Settings {
        name: body.name,
        support: SupportContact {
            email: body.support.email,
            phone: body.support.phone,
            hours: body.support.hours,
            url: body.support.url,
        },
        return_address: body.return_address,
        default_locale: body.default_locale,
        policy: body.policy,
        matrix: body.decision_matrix,
        notifications: NotificationPrefs(body.notifications),
    };
    let m = app::merchants::update_settings(&state, caller.merchant.id, settings, &caller.actor)
        .await?;
    Ok(Json(out(&m)))
}
