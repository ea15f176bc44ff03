//! "Try these rules on past returns": the settings form's draft decision
//! matrix replayed on the shop's past return requests (admins only). The
//! page carries the posted form along, so the same draft can be replayed for
//! another period or saved as the live rules by the existing settings save.

use super::session::Staff;
use super::settings::refused_form;
use super::settings_form::SettingsForm;
use super::Nav;
use crate::app::what_if::{self, Period, Replay};
use crate::app::AppError;
use crate::web::shared::filters::{date_of, datetime_of};
use crate::web::shared::{render, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::response::{IntoResponse, Response};
use reso_domain::what_if::DecisionFigures;
use reso_domain::Timestamp;
use serde::Deserialize;

/// As the settings form's own limit: a matrix of many rules is the largest.
const FORM_LIMIT: usize = 256 * 1024;
/// Changed decisions listed on the page; the count gives the rest.
const LISTED: usize = 100;
/// The page's own fields, never carried on as settings.
const OWN_FIELDS: [&str; 3] = ["csrf", "what_if_from", "what_if_to"];

/// The period typed on the result page, as `YYYY-MM-DD` days (UTC), both included.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PeriodFields {
    what_if_from: String,
    what_if_to: String,
}

/// The settings form as posted, read three ways: the settings, the period,
/// and every field as sent (to carry on unchanged).
pub struct WhatIfPost {
    staff: Staff,
    form: SettingsForm,
    period: PeriodFields,
    posted: Vec<(String, String)>,
}

/// The body read as `T` once its CSRF token matched the session's.
async fn checked<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    bytes: &axum::body::Bytes,
    csrf: &str,
) -> Result<T, Response> {
    let body = Body::from(bytes.clone());
    crate::web::csrf_form::read_checked(headers, body, csrf, FORM_LIMIT, "Send fewer rules.").await
}

impl FromRequest<AppState> for WhatIfPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| {
            PageError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "This form is too large",
                "Send fewer or shorter entries.",
            )
            .into_response()
        })?;
        let headers = &parts.headers;
        let form: SettingsForm = checked(headers, &bytes, &staff.csrf).await?;
        let period: PeriodFields = checked(headers, &bytes, &staff.csrf).await?;
        let posted: Vec<(String, String)> = checked(headers, &bytes, &staff.csrf).await?;
        Ok(WhatIfPost {
            staff,
            form,
            period,
            posted,
        })
    }
}

struct SummaryRow {
    decision: &'static str,
    live_count: i64,
    live_amount: String,
    draft_count: i64,
    draft_amount: String,
}

struct SummaryView {
    currency: String,
    returns: i64,
    rows: Vec<SummaryRow>,
    refunded: String,
    changed: i64,
    changed_amount: String,
    at_risk: String,
    at_risk_returns: i64,
}

struct ChangedRow {
    return_id: i64,
    order_number: String,
    rma: String,
    status: &'static str,
    requested_at: String,
    amount: String,
    from: &'static str,
    to: &'static str,
    rule: String,
    refunded: String,
    refused: String,
}

struct ClaimRow {
    claim_id: i64,
    order_number: String,
    kind: &'static str,
    status: String,
    opened_at: String,
    amount: String,
    return_id: i64,
    from: &'static str,
    to: &'static str,
}

struct RuleLine {
    name: String,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "admin/what_if.html")]
struct WhatIfPage {
    lang: &'static str,
    nav: Nav,
    from_day: String,
    to_day: String,
    replayed: usize,
    /// The most requests replayed, as the page writes it ("10,000").
    limit: String,
    limit_reached: bool,
    rules: Vec<RuleLine>,
    summaries: Vec<SummaryView>,
    changed_count: usize,
    changed: Vec<ChangedRow>,
    claims: Vec<ClaimRow>,
    /// The settings form as posted, carried on as hidden fields.
    carried: Vec<(String, String)>,
}

/// A `YYYY-MM-DD` day (UTC) as the instant it starts; empty is no day.
fn day_start(field: &str, text: &str) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(text, format).map_err(|_| {
        AppError::Invalid(format!("{field}: '{text}' is not a day like 2026-03-01"))
    })?;
    Ok(Some(day.midnight().assume_utc().unix_timestamp() * 1000))
}

fn period_of(fields: &PeriodFields, now: i64) -> Result<Period, AppError> {
    let from = day_start("from", &fields.what_if_from)?;
    // The last day is included: the period ends when the next one starts.
    let to = day_start("to", &fields.what_if_to)?.map(|t| Timestamp(t).plus_days(1).millis());
    Period::resolve(from, to, now)
}

/// A count with thousands separated by commas, as the pages write numbers.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

fn summary_rows(live: &[DecisionFigures], draft: &[DecisionFigures]) -> Vec<SummaryRow> {
    live.iter()
        .zip(draft)
        .map(|(l, d)| SummaryRow {
            decision: l.decision.code(),
            live_count: l.count,
            live_amount: l.amount.to_string(),
            draft_count: d.count,
            draft_amount: d.amount.to_string(),
        })
        .collect()
}

fn view(r: &Replay, nav: Nav, carried: Vec<(String, String)>) -> WhatIfPage {
    let summaries = r
        .result
        .summaries
        .iter()
        .map(|s| SummaryView {
            currency: s.currency.to_string(),
            returns: s.returns,
            rows: summary_rows(&s.live, &s.draft),
            refunded: s.refunded.to_string(),
            changed: s.changed,
            changed_amount: s.changed_amount.to_string(),
            at_risk: s.at_risk.to_string(),
            at_risk_returns: s.at_risk_returns,
        })
        .collect();
    let changed = r
        .result
        .changed
        .iter()
        .take(LISTED)
        .filter_map(|c| {
            let req = r.request(c.return_id)?;
            Some(ChangedRow {
                return_id: c.return_id,
                order_number: req.order_number.clone(),
                rma: req.rma.clone().unwrap_or_default(),
                status: req.status.code(),
                requested_at: datetime_of(req.requested_at),
                amount: c.amount.to_string(),
                from: c.from.code(),
                to: c.to.code(),
                rule: c.rule.clone().unwrap_or_default(),
                refunded: c.refunded.to_string(),
                refused: c.refused.to_string(),
            })
        })
        .collect();
    let claims = r
        .result
        .claims
        .iter()
        .filter_map(|c| {
            let row = r.claim(c.claim_id)?;
            Some(ClaimRow {
                claim_id: c.claim_id,
                order_number: row.order_number.clone(),
                kind: c.kind.code(),
                status: row.status.clone(),
                opened_at: datetime_of(row.opened_at),
                amount: c.amount.to_string(),
                return_id: c.return_id,
                from: c.from.code(),
                to: c.to.code(),
            })
        })
        .collect();
    WhatIfPage {
        lang: "en",
        nav,
        from_day: date_of(r.period.from),
        to_day: date_of(r.period.to - 1),
        replayed: r.requests.len(),
        limit: thousands(what_if::MAX_REQUESTS),
        limit_reached: r.limit_reached,
        rules: r
            .draft
            .rules
            .iter()
            .map(|rule| RuleLine {
                name: rule.name.clone(),
                outcome: rule.then.code(),
            })
            .collect(),
        summaries,
        changed_count: r.result.changed.len(),
        changed,
        claims,
        carried,
    }
}

/// POST /admin/settings/decision-matrix/what-if
pub async fn try_rules(State(state): State<AppState>, post: WhatIfPost) -> PageResult {
    let WhatIfPost {
        staff,
        form,
        period,
        posted,
    } = post;
    staff.require_admin()?;
    let replayed = match form.matrix(staff.merchant.currency) {
        Ok(draft) => match period_of(&period, state.now()) {
            Ok(period) => what_if::replay(&state, &staff.merchant, draft, period).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match replayed {
        Ok(r) => {
            let carried = posted
                .into_iter()
                .filter(|(name, _)| !OWN_FIELDS.contains(&name.as_str()))
                .collect();
            Ok(render(&view(&r, staff.nav(), carried)))
        }
        // A bad draft or period: the form again as typed, nothing saved.
        Err(e @ AppError::Invalid(_)) => Ok(refused_form(&state, &staff, form, e).await),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_utc_and_the_last_one_is_included() {
        let fields = PeriodFields {
            what_if_from: "2026-03-01".into(),
            what_if_to: "2026-03-02".into(),
        };
        let now = 1_800_000_000_000;
        let p = period_of(&fields, now).unwrap();
        assert_eq!(p.from, 1_772_323_200_000);
        assert_eq!(p.to, 1_772_323_200_000 + 2 * 86_400_000);
        let bad = PeriodFields {
            what_if_from: "March".into(),
            ..PeriodFields::default()
        };
        assert!(period_of(&bad, now).is_err());
        let backwards = PeriodFields {
            what_if_from: "2026-03-02".into(),
            what_if_to: "2026-03-01".into(),
        };
        assert!(period_of(&backwards, now).is_err());
    }

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
