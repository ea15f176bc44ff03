//! Quality alerts in the control center: the banner every staff page shows
//! while an alert waits, the alerts page with the buyers' comments and the
//! acknowledge button, and the threshold form (admins).

use super::session::{Empty, Staff, StaffForm};
use super::Nav;
use crate::app::{self, quality_alerts::Banner, AppError, AppResult};
use crate::store::quality_alerts::{Alert, Comment};
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use reso_domain::quality::{QualityRule, Rate};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/quality-alerts", get(show))
        .route("/admin/quality-alerts/rule", post(save_rule))
        .route("/admin/quality-alerts/{id}/acknowledge", post(acknowledge))
}

/// The banner's content: the newest alert nobody acknowledged, and how many wait.
#[derive(Debug, Clone)]
pub struct QualityBanner {
    pub alert_id: i64,
    pub waiting: i64,
    pub sku: String,
    pub rate: String,
    pub returned: i64,
    pub sold: i64,
    /// The latest buyer comment, when there is one.
    pub comment: Option<String>,
}

impl QualityBanner {
    pub async fn load(state: &AppState, merchant_id: i64) -> Result<Option<Self>, PageError> {
        let banner = app::quality_alerts::banner(state, merchant_id).await?;
        Ok(banner.map(|Banner { waiting, newest }| QualityBanner {
            alert_id: newest.id,
            waiting,
            rate: rate_text(newest.rate_bp),
            returned: newest.returned,
            sold: newest.sold,
            comment: newest.comments.first().map(|c| c.text.clone()),
            sku: newest.sku,
        }))
    }
}

fn rate_text(bp: i64) -> String {
    Rate(u32::try_from(bp).unwrap_or(0)).to_string()
}

pub struct AlertView {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub rate: String,
    pub threshold: String,
    pub returned: i64,
    pub sold: i64,
    pub reasons: String,
    pub raised: String,
    pub since: String,
    /// "acknowledged by … on …", or none while it waits.
    pub acknowledged: Option<String>,
    /// Still at or above the threshold (not re-armed).
    pub standing: bool,
    pub comments: Vec<CommentView>,
}

pub struct CommentView {
    pub at: String,
    pub reason: String,
    pub text: String,
    pub return_id: i64,
}

impl CommentView {
    fn of(c: &Comment) -> CommentView {
        CommentView {
            at: datetime_of(c.at),
            reason: c.reason.replace('_', " "),
            text: c.text.clone(),
            return_id: c.return_id,
        }
    }
}

impl AlertView {
    fn of(a: &Alert, comments: &[Comment]) -> AlertView {
        AlertView {
            id: a.id,
            sku: a.sku.clone(),
            title: a.title.clone(),
            rate: rate_text(a.rate_bp),
            threshold: rate_text(a.threshold_bp),
            returned: a.returned,
            sold: a.sold,
            reasons: a
                .by_reason
                .iter()
                .map(|(r, n)| format!("{} {n}", r.replace('_', " ")))
                .collect::<Vec<_>>()
                .join(", "),
            raised: datetime_of(a.raised_at),
            since: datetime_of(a.window_from),
            acknowledged: a.acknowledged_at.map(|at| {
                format!(
                    "{} on {}",
                    a.acknowledged_by.as_deref().unwrap_or("staff"),
                    datetime_of(at)
                )
            }),
            standing: a.rearmed_at.is_none(),
            comments: comments.iter().map(CommentView::of).collect(),
        }
    }
}

/// The threshold form; also the page's model, so a refused form comes back as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RuleForm {
    /// Percent, like "10" or "12.5".
    pub threshold_percent: String,
    pub min_units_sold: String,
    pub window_days: String,
}

impl RuleForm {
    fn of(rule: &QualityRule) -> RuleForm {
        RuleForm {
            threshold_percent: rule
                .threshold()
                .to_string()
                .trim_end_matches(" %")
                .to_string(),
            min_units_sold: rule.min_units_sold.to_string(),
            window_days: rule.window_days.to_string(),
        }
    }

    fn parse(&self) -> AppResult<(Rate, u32, u32)> {
        let invalid = |m: String| AppError::Invalid(m);
        let threshold = Rate::parse_percent(&self.threshold_percent).ok_or_else(|| {
            invalid(format!(
                "threshold: '{}' is not a percentage like 10 or 12.5",
                self.threshold_percent.trim()
            ))
        })?;
        let whole = |text: &str, what: &str| {
            text.trim()
                .parse::<u32>()
                .map_err(|_| invalid(format!("{what}: '{}' is not a whole number", text.trim())))
        };
        Ok((
            threshold,
            whole(&self.min_units_sold, "minimum units sold")?,
            whole(&self.window_days, "window days")?,
        ))
    }
}

#[derive(Template)]
#[template(path = "admin/quality_alerts.html")]
struct AlertsPage {
    lang: &'static str,
    nav: Nav,
    alerts: Vec<AlertView>,
    form: RuleForm,
    is_admin: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    form: RuleForm,
    notice: Option<&'static str>,
    error: Option<PageError>,
) -> PageResult {
    let alerts = app::quality_alerts::list(state, staff.merchant.id).await?;
    let mut views = Vec::with_capacity(alerts.len());
    for a in &alerts {
        // Every comment for alerts that wait; the ones mailed for the rest.
        let comments = if a.acknowledged_at.is_none() {
            app::quality_alerts::comments(state, staff.merchant.id, a).await?
        } else {
            a.comments.clone()
        };
        views.push(AlertView::of(a, &comments));
    }
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    Ok(render_status(
        status,
        &AlertsPage {
            lang: "en",
            nav: staff.nav(),
            alerts: views,
            form,
            is_admin: staff.is_admin(),
            notice,
            error: error.map(|e| e.message),
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let rule = app::quality_alerts::rule(&state, staff.merchant.id).await?;
    let notice = match q.done.as_deref() {
        Some("acknowledged") => Some("Alert acknowledged."),
        Some("rule") => Some("Alert threshold saved. It applies from the next sweep."),
        _ => None,
    };
    page(&state, &staff, RuleForm::of(&rule), notice, None).await
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<Empty>,
) -> PageResult {
    let staff = &f.staff;
    app::quality_alerts::acknowledge(&state, &staff.merchant, id, &staff.actor()).await?;
    Ok(Redirect::to("/admin/quality-alerts?done=acknowledged").into_response())
}

pub async fn save_rule(State(state): State<AppState>, f: StaffForm<RuleForm>) -> PageResult {
    let StaffForm { staff, form } = f;
    staff.require_admin()?;
    let saved = match form.parse() {
        Ok((threshold, min_units_sold, window_days)) => {
            app::quality_alerts::save_rule(
                &state,
                &staff.merchant,
                threshold,
                min_units_sold,
                window_days,
                &staff.actor(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/admin/quality-alerts?done=rule").into_response()),
        Err(e @ AppError::Invalid(_)) => {
            page(&state, &staff, form, None, Some(PageError::from(e))).await
        }
        Err(e) => Err(e.into()),
    }
}
