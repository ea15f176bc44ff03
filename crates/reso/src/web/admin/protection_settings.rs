//! The merchant's buyer-protection terms (admins only): how long orders are
//! protected, when the reminder goes out, the answer, reaction and document
//! periods, and whether those count business days. The form struct is also
//! the page's model, so a refused form comes back exactly as it was typed.

use super::session::{Staff, StaffForm};
use super::Nav;
use crate::app::{self, AppError, AppResult};
use crate::web::shared::{render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use reso_domain::calendar::{parse_day, Calendar};
use reso_domain::claim::ProtectionTerms;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProtectionForm {
    /// Checkboxes: present (any value) only when ticked.
    pub protect_all_orders: Option<String>,
    pub protection_days: String,
    pub reminder_day: String,
    pub answer_days: String,
    pub reaction_days: String,
    pub documents_days: String,
    pub business_days: Option<String>,
    /// One "YYYY-MM-DD" per line.
    pub holidays: String,
}

impl ProtectionForm {
    pub fn from_terms(t: &ProtectionTerms) -> ProtectionForm {
        let ticked = |on: bool| on.then(|| "on".to_string());
        ProtectionForm {
            protect_all_orders: ticked(t.protect_all_orders),
            protection_days: t.protection_days.to_string(),
            reminder_day: t.reminder_day.to_string(),
            answer_days: t.answer_days.to_string(),
            reaction_days: t.reaction_days.to_string(),
            documents_days: t.documents_days.to_string(),
            business_days: ticked(t.calendar.business_days),
            holidays: t.calendar.holidays.join("\n"),
        }
    }

    pub fn protects_all(&self) -> bool {
        self.protect_all_orders.is_some()
    }

    pub fn counts_business_days(&self) -> bool {
        self.business_days.is_some()
    }

    pub fn to_terms(&self) -> AppResult<ProtectionTerms> {
        let protection_days = days(&self.protection_days, "protection days")?;
        let reminder_day = days(&self.reminder_day, "the reminder day")?;
        if reminder_day >= protection_days {
            return Err(invalid(format!(
                "the reminder day ({reminder_day}) must come before protection ends (day {protection_days})"
            )));
        }
        let mut holidays: Vec<String> = Vec::new();
        for (i, line) in self.holidays.lines().enumerate() {
            let date = line.trim();
            if date.is_empty() {
                continue;
            }
            if parse_day(date).is_none() {
                return Err(invalid(format!(
                    "holidays, line {}: '{date}' is not a date like 2026-12-25",
                    i + 1
                )));
            }
            if !holidays.iter().any(|h| h == date) {
                holidays.push(date.to_string());
            }
        }
        let terms = ProtectionTerms {
            protection_days,
            reminder_day,
            answer_days: days(&self.answer_days, "answer days")?,
            reaction_days: days(&self.reaction_days, "reaction days")?,
            documents_days: days(&self.documents_days, "documents days")?,
            calendar: Calendar {
                business_days: self.counts_business_days(),
                holidays,
            },
            protect_all_orders: self.protects_all(),
        };
        // The domain's own limits (365 days of protection, 90-day periods, 500 holidays).
        terms.validate()?;
        Ok(terms)
    }
}

/// A whole number of days of at least 1.
fn days(text: &str, what: &str) -> AppResult<u32> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err(invalid(format!("{what} must be at least 1"))),
        Ok(n) => Ok(n),
        Err(_) => Err(invalid(format!(
            "{what}: '{}' is not a whole number of days",
            text.trim()
        ))),
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid(message.into())
}

#[derive(Template)]
#[template(path = "admin/protection_settings.html")]
struct ProtectionPage {
    lang: &'static str,
    nav: Nav,
    form: ProtectionForm,
    saved: bool,
    error: Option<String>,
}

fn page(staff: &Staff, form: ProtectionForm, saved: bool, error: Option<PageError>) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = ProtectionPage {
        lang: "en",
        nav: staff.nav(),
        form,
        saved,
        error: error.map(|e| e.message),
    };
    render_status(status, &page)
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(staff: Staff, Query(q): Query<SavedQuery>) -> PageResult {
    staff.require_admin()?;
    let form = ProtectionForm::from_terms(&staff.merchant.protection);
    Ok(page(&staff, form, q.saved.is_some(), None))
}

pub async fn save(State(state): State<AppState>, f: StaffForm<ProtectionForm>) -> PageResult {
    let StaffForm { staff, form } = f;
    staff.require_admin()?;
    let saved = match form.to_terms() {
        Ok(terms) => app::claims::set_terms(&state, staff.merchant.id, terms, &staff.actor()).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/admin/settings/protection?saved=1").into_response()),
        Err(e @ AppError::Invalid(_)) => Ok(page(&staff, form, false, Some(PageError::from(e)))),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProtectionForm {
        ProtectionForm::from_terms(&ProtectionTerms::default())
    }

    #[test]
    fn saved_terms_round_trip_through_the_form() {
        let terms = ProtectionTerms {
            protect_all_orders: true,
            calendar: Calendar {
                business_days: true,
                holidays: vec!["2026-12-25".into(), "2026-12-26".into()],
            },
            ..ProtectionTerms::default()
        };
        assert_eq!(
            ProtectionForm::from_terms(&terms).to_terms().unwrap(),
            terms
        );
    }

    #[test]
    fn holidays_are_trimmed_and_deduplicated() {
        let mut f = form();
        f.holidays = " 2026-12-25 \r\n\n2026-12-25\n2027-01-01".into();
        let t = f.to_terms().unwrap();
        assert_eq!(t.calendar.holidays, ["2026-12-25", "2027-01-01"]);
    }

    #[test]
    fn bad_values_are_refused_with_the_field_named() {
        let refused = |change: fn(&mut ProtectionForm), expected: &str| {
            let mut f = form();
            change(&mut f);
            let err = f.to_terms().expect_err("refused").to_string();
            assert!(err.contains(expected), "{err}");
        };
        refused(|f| f.answer_days = "five".into(), "answer days");
        refused(|f| f.documents_days = "0".into(), "at least 1");
        refused(|f| f.reminder_day = "30".into(), "reminder day");
        refused(|f| f.holidays = "2026-02-30".into(), "line 1");
        refused(|f| f.reaction_days = "91".into(), "90 days");
    }
}
