//! The merchant's settings (admins only): contact, policy, decision matrix,
//! notifications, webhook endpoints and API keys.

use super::session::{Staff, StaffForm};
use super::settings_form::{NotifyRow, RuleRow, SettingsForm, OUTCOMES};
use super::Nav;
use crate::app::{self, merchants::LOCALES, AppError};
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use reso_domain::ReturnReason;
use serde::Deserialize;

pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    pub created_at: String,
}

/// Something shown once after a POST: a new webhook secret or API key.
pub struct Revealed {
    /// "webhook" or "api_key".
    pub kind: &'static str,
    pub label: String,
    pub secret: String,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    lang: &'static str,
    nav: Nav,
    form: SettingsForm,
    rules: Vec<RuleRow>,
    notify: Vec<NotifyRow>,
    currency: String,
    locales: &'static [&'static str],
    reasons: Vec<&'static str>,
    outcomes: Vec<&'static str>,
    endpoints: Vec<EndpointRow>,
    revealed: Option<Revealed>,
    saved: bool,
    error: Option<String>,
}

struct Extras {
    revealed: Option<Revealed>,
    saved: bool,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    form: SettingsForm,
    extras: Extras,
    status: StatusCode,
) -> Response {
    let endpoints = match app::webhooks::list(state, staff.merchant.id).await {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let page = SettingsPage {
        lang: "en",
        nav: staff.nav(),
        rules: form.rule_rows(),
        notify: form.notify_rows(),
        form,
        currency: staff.merchant.currency.to_string(),
        locales: LOCALES,
        reasons: ReturnReason::ALL.iter().map(|r| r.code()).collect(),
        outcomes: OUTCOMES.iter().map(|d| d.code()).collect(),
        endpoints: endpoints
            .into_iter()
            .map(|e| EndpointRow {
                id: e.id,
                url: e.url,
                created_at: datetime_of(e.created_at),
            })
            .collect(),
        revealed: extras.revealed,
        saved: extras.saved,
        error: extras.error,
    };
    render_status(status, &page)
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    staff.require_admin()?;
    let form = SettingsForm::from_merchant(&staff.merchant);
    let extras = Extras {
        revealed: None,
        saved: q.saved.is_some(),
        error: None,
    };
    Ok(page(&state, &staff, form, extras, StatusCode::OK).await)
}

pub async fn save(State(state): State<AppState>, f: StaffForm<SettingsForm>) -> PageResult {
    let StaffForm { staff, form } = f;
    staff.require_admin()?;
    let saved = match form.to_settings(staff.merchant.currency) {
        Ok(settings) => {
            app::merchants::update_settings(&state, staff.merchant.id, settings, &staff.actor())
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/admin/settings?saved=1").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let shown = PageError::from(e);
            let extras = Extras {
                revealed: None,
                saved: false,
                error: Some(shown.message),
            };
            Ok(page(&state, &staff, form, extras, shown.status).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// The form again as posted, with why it was refused; nothing was saved.
pub(super) async fn refused_form(
    state: &AppState,
    staff: &Staff,
    form: SettingsForm,
    e: AppError,
) -> Response {
    let shown = PageError::from(e);
    let extras = Extras {
        revealed: None,
        saved: false,
        error: Some(shown.message),
    };
    page(state, staff, form, extras, shown.status).await
}

/// Shows the settings as saved, plus a one-time secret or an error.
async fn saved_page(
    state: &AppState,
    staff: &Staff,
    revealed: Option<Revealed>,
    error: Option<AppError>,
) -> Response {
    let form = SettingsForm::from_merchant(&staff.merchant);
    let (status, error) = match error {
        Some(e) => {
            let shown = PageError::from(e);
            (shown.status, Some(shown.message))
        }
        None => (StatusCode::OK, None),
    };
    page(
        state,
        staff,
        form,
        Extras {
            revealed,
            saved: false,
            error,
        },
        status,
    )
    .await
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    url: String,
}

pub async fn add_webhook(State(state): State<AppState>, f: StaffForm<WebhookForm>) -> PageResult {
    f.staff.require_admin()?;
    Ok(
        match app::merchants::add_webhook(&state, f.staff.merchant.id, &f.form.url).await {
            // The secret is shown here once; the page never shows it again.
            Ok(endpoint) => {
                let revealed = Revealed {
                    kind: "webhook",
                    label: endpoint.url,
                    secret: endpoint.secret,
                };
                saved_page(&state, &f.staff, Some(revealed), None).await
            }
            Err(e) => saved_page(&state, &f.staff, None, Some(e)).await,
        },
    )
}

pub async fn disable_webhook(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<super::session::Empty>,
) -> PageResult {
    f.staff.require_admin()?;
    app::webhooks::disable(&state, f.staff.merchant.id, id).await?;
    Ok(Redirect::to("/admin/settings").into_response())
}

#[derive(Deserialize)]
pub struct ApiKeyForm {
    #[serde(default)]
    name: String,
}

pub async fn create_api_key(State(state): State<AppState>, f: StaffForm<ApiKeyForm>) -> PageResult {
    f.staff.require_admin()?;
    let name = f.form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        let e =
            AppError::Invalid("give the key a name of 1 to 80 characters (what uses it)".into());
        return Ok(saved_page(&state, &f.staff, None, Some(e)).await);
    }
    Ok(
        match app::auth::create_api_key(&state, f.staff.merchant.id, name).await {
            Ok(key) => {
                let revealed = Revealed {
                    kind: "api_key",
                    label: name.to_string(),
                    secret: key,
                };
                saved_page(&state, &f.staff, Some(revealed), None).await
            }
            Err(e) => saved_page(&state, &f.staff, None, Some(e)).await,
        },
    )
}
