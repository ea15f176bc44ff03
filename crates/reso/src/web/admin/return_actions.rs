//! Staff actions on a return. Each is extract → use case → 303 back to the
//! return; a refused action shows the return again with the reason.

use super::return_page::with_error;
use super::session::{Empty, StaffForm};
use crate::app::refunds::{Idempotency, Method};
use crate::app::{self, AppError, AppResult};
use crate::store::returns::ReturnRecord;
use crate::{store, AppState};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use reso_domain::LineDecision;
use serde::Deserialize;

fn back(return_id: i64) -> Response {
    Redirect::to(&format!("/admin/returns/{return_id}")).into_response()
}

async fn answer(
    state: &AppState,
    form: &StaffForm<impl Sized>,
    return_id: i64,
    done: AppResult<ReturnRecord>,
) -> Response {
    match done {
        Ok(_) => back(return_id),
        Err(e) => with_error(state, &form.staff, return_id, e).await,
    }
}

pub async fn authorize(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<Empty>,
) -> Response {
    let done = app::returns::authorize(&state, &f.staff.merchant, id, &f.staff.actor()).await;
    answer(&state, &f, id, done).await
}

#[derive(Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

pub async fn reject(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<RejectForm>,
) -> Response {
    let done = app::returns::reject(
        &state,
        &f.staff.merchant,
        id,
        &f.form.reason,
        &f.staff.actor(),
    )
    .await;
    answer(&state, &f, id, done).await
}

#[derive(Deserialize)]
pub struct PhotosForm {
    #[serde(default)]
    message: String,
}

pub async fn request_photos(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<PhotosForm>,
) -> Response {
    let done = app::returns::request_photos(
        &state,
        &f.staff.merchant,
        id,
        &f.form.message,
        &f.staff.actor(),
    )
    .await;
    answer(&state, &f, id, done).await
}

#[derive(Deserialize)]
pub struct TrackingForm {
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    tracking: String,
}

pub async fn tracking(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<TrackingForm>,
) -> Response {
    let done = app::returns::ship_back(
        &state,
        &f.staff.merchant,
        id,
        &f.form.carrier,
        &f.form.tracking,
        &f.staff.actor(),
    )
    .await;
    answer(&state, &f, id, done).await
}

pub async fn receive(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<Empty>,
) -> Response {
    let done = app::returns::mark_received(&state, &f.staff.merchant, id, &f.staff.actor()).await;
    answer(&state, &f, id, done).await
}

/// Every line of the return, in one form: `line`, `accepted` and
/// `condition` repeat once per line, in the same order.
#[derive(Deserialize)]
pub struct InspectForm {
    #[serde(default)]
    line: Vec<String>,
    #[serde(default)]
    accepted: Vec<String>,
    #[serde(default)]
    condition: Vec<String>,
}

fn decisions(form: &InspectForm) -> AppResult<Vec<(i64, LineDecision)>> {
    if form.line.is_empty()
        || form.line.len() != form.accepted.len()
        || form.line.len() != form.condition.len()
    {
        return Err(AppError::Invalid(
            "the inspection form is incomplete; reload the page and inspect every line".into(),
        ));
    }
    form.line
        .iter()
        .zip(&form.accepted)
        .zip(&form.condition)
        .map(|((line, accepted), condition)| {
            let line_id: i64 = line.trim().parse().map_err(|_| {
                AppError::Invalid("the inspection form is damaged; reload the page".into())
            })?;
            let accepted_quantity: i64 = accepted.trim().parse().map_err(|_| {
                AppError::Invalid(format!(
                    "line {line_id}: the accepted quantity must be a whole number"
                ))
            })?;
            Ok((
                line_id,
                LineDecision {
                    accepted_quantity,
                    condition: condition.trim().to_string(),
                },
            ))
        })
        .collect()
}

pub async fn inspect(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<InspectForm>,
) -> Response {
    let done = match decisions(&f.form) {
        Ok(d) => app::returns::inspect(&state, &f.staff.merchant, id, d, &f.staff.actor()).await,
        Err(e) => Err(e),
    };
    answer(&state, &f, id, done).await
}

#[derive(Deserialize)]
pub struct RefundForm {
    #[serde(default)]
    method: String,
    /// The one-time token rendered into the form.
    #[serde(default)]
    token: String,
}

/// A usable one-time form token (we made it: URL-safe base64, not too short).
pub fn valid_token(token: &str) -> bool {
    (16..=64).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Did a request with this key already succeed? (A double click whose twin
/// was a moment faster: its refund stands, so this one is not an error.)
pub async fn already_answered(state: &AppState, merchant_id: i64, key: &str) -> bool {
    let Ok(mut conn) = state.db.reader().acquire().await else {
        return false;
    };
    matches!(
        store::idempotency::find(&mut conn, merchant_id, key).await,
        Ok(Some(_))
    )
}

pub async fn refund(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<RefundForm>,
) -> Response {
    let Some(method) = Method::parse(&f.form.method) else {
        return with_error(
            &state,
            &f.staff,
            id,
            AppError::Invalid("choose how the money goes back".into()),
        )
        .await;
    };
    if !valid_token(&f.form.token) {
        return with_error(
            &state,
            &f.staff,
            id,
            AppError::Invalid("this refund form is damaged; reload the page".into()),
        )
        .await;
    }
    // The same form sent twice carries the same token, so it maps to one key
    // and the second submit replays the first answer instead of refunding again.
    let key = format!("web:return-refund:{id}:{}", f.form.token);
    let request_hash = app::auth::token_hash(&format!("return-refund\n{id}\n{}", method.code()));
    let idempotency = Idempotency {
        key: &key,
        request_hash,
    };
    match app::refunds::refund_return(
        &state,
        &f.staff.merchant,
        id,
        Some(method),
        Some(idempotency),
        &f.staff.actor(),
    )
    .await
    {
        Ok(_) => back(id),
        Err(AppError::Conflict(_)) if already_answered(&state, f.staff.merchant.id, &key).await => {
            back(id)
        }
        Err(e) => with_error(&state, &f.staff, id, e).await,
    }
}
