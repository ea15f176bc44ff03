//! The development clock. With `reso serve --dev-clock` (refused together
//! with the production flag) time can be moved forward through the API, so
//! deadlines can be shown in the demo and tested end to end. Without the flag
//! this router is not mounted and its paths answer 404.

use super::auth::ApiCaller;
use super::problem::ApiError;
use crate::clock::ManualClock;
use crate::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use axum_extra::extract::WithRejection;
use reso_domain::time::MS_PER_DAY;
use serde::{Deserialize, Serialize};

/// One call moves the clock at most this far: a year covers every deadline.
pub const MAX_ADVANCE_DAYS: i64 = 366;

const MS_PER_HOUR: i64 = 3_600_000;
const MS_PER_MINUTE: i64 = 60_000;

/// How far to move the clock; the parts add up.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    #[serde(default)]
    pub days: i64,
    #[serde(default)]
    pub hours: i64,
    #[serde(default)]
    pub minutes: i64,
}

impl Advance {
    /// The step in milliseconds: forward only, more than nothing, at most a year.
    pub fn millis(&self) -> Result<i64, String> {
        let parts = [
            ("days", self.days, MS_PER_DAY),
            ("hours", self.hours, MS_PER_HOUR),
            ("minutes", self.minutes, MS_PER_MINUTE),
        ];
        let max = MAX_ADVANCE_DAYS * MS_PER_DAY;
        let mut total: i64 = 0;
        for (name, value, unit) in parts {
            if value < 0 {
                return Err(format!(
                    "'{name}' must not be negative: the clock only moves forward"
                ));
            }
            total = value
                .checked_mul(unit)
                .and_then(|ms| total.checked_add(ms))
                .filter(|t| *t <= max)
                .ok_or_else(|| {
                    format!("the clock moves at most {MAX_ADVANCE_DAYS} days per call")
                })?;
        }
        if total == 0 {
            return Err("give a positive number of 'days', 'hours' or 'minutes'".into());
        }
        Ok(total)
    }
}

#[derive(Debug, Serialize)]
pub struct ClockOut {
    /// The application's time, RFC 3339 in UTC.
    pub now: String,
    pub now_ms: i64,
    /// How far this call moved it (0 for a read).
    pub advanced_ms: i64,
}

fn view(state: &AppState, advanced_ms: i64) -> ClockOut {
    let now_ms = state.now();
    let now = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    ClockOut {
        now,
        now_ms,
        advanced_ms,
    }
}

/// `GET /api/dev/clock`: the application's current time.
async fn show(_caller: ApiCaller, State(state): State<AppState>) -> Json<ClockOut> {
    Json(view(&state, 0))
}

/// `POST /api/dev/clock/advance` `{days?, hours?, minutes?}`: moves the clock
/// forward. The worker fires what fell due on its next pass (within 250 ms).
async fn advance(
    _caller: ApiCaller,
    State(state): State<AppState>,
    Extension(clock): Extension<ManualClock>,
    WithRejection(Json(step), _): WithRejection<Json<Advance>, ApiError>,
) -> Result<Json<ClockOut>, ApiError> {
    let ms = step.millis().map_err(ApiError::unprocessable)?;
    clock.advance_ms(ms);
    tracing::info!(advanced_ms = ms, "dev clock moved forward");
    Ok(Json(view(&state, ms)))
}

/// The routes, bound to the clock the server runs on (any merchant's API key
/// may move it: the flag is for demos and tests, never production).
pub fn router(clock: ManualClock) -> Router<AppState> {
    Router::new()
        .route("/api/dev/clock", get(show))
        .route("/api/dev/clock/advance", post(advance))
        .layer(Extension(clock))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(days: i64, hours: i64, minutes: i64) -> Result<i64, String> {
        Advance {
            days,
            hours,
            minutes,
        }
        .millis()
    }

    #[test]
    fn steps_add_up_and_stay_forward_and_bounded() {
        assert_eq!(
            step(1, 2, 3),
            Ok(MS_PER_DAY + 2 * MS_PER_HOUR + 3 * MS_PER_MINUTE)
        );
        assert!(step(0, 0, 0).is_err());
        assert!(step(-1, 0, 0).is_err());
        assert!(step(0, -5, 10).is_err());
        assert!(step(MAX_ADVANCE_DAYS, 0, 0).is_ok());
        assert!(step(MAX_ADVANCE_DAYS, 0, 1).is_err());
        assert!(step(i64::MAX, 0, 0).is_err());
        assert!(step(0, 0, i64::MAX).is_err());
    }
}
