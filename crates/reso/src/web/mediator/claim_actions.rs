//! What a mediator does on a claim: ask the merchant for more documents,
//! decide, or mark the merchant insolvent. Each is a CSRF-checked form that
//! calls the same use case as the API; an error shows the page again.

use super::claim_page::{again, Which};
use super::db_error;
use super::session::MediatorForm;
use crate::app::{self, AppError};
use crate::web::admin::money::parse_major;
use crate::web::shared::PageError;
use crate::{store, AppState};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The document request as typed (kept after an error).
#[derive(Deserialize, Default)]
pub struct RequestForm {
    #[serde(default)]
    pub message: String,
}

/// The decision as typed (kept after an error).
#[derive(Deserialize, Default)]
pub struct DecideForm {
    /// "yes" (a refund) or "no".
    #[serde(default)]
    pub refund: String,
    /// In major units ("12.50"), with a refund.
    #[serde(default)]
    pub amount: String,
    /// "merchant" or "guarantee", with a refund.
    #[serde(default)]
    pub paid_by: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize)]
pub struct InsolventForm {
    /// The checkbox: marking a shop insolvent cannot be undone here.
    #[serde(default)]
    confirm: Option<String>,
}

fn claim_url(id: i64) -> String {
    format!("/mediator/claims/{id}")
}

pub async fn request_documents(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: MediatorForm<RequestForm>,
) -> Response {
    let MediatorForm { mediator, form } = f;
    match app::claims::request_documents(&state, id, &form.message, &mediator.party()).await {
        Ok(_) => Redirect::to(&claim_url(id)).into_response(),
        Err(e) => {
            again(
                &state,
                &mediator,
                id,
                form,
                DecideForm::default(),
                Which::Request,
                e,
            )
            .await
        }
    }
}

/// (amount in minor units, from the guarantee) of a decision form.
async fn read_decision(
    state: &AppState,
    id: i64,
    form: &DecideForm,
) -> Result<(i64, bool), AppError> {
    match form.refund.as_str() {
        "no" => Ok((0, false)),
        "yes" => {
            let mut conn = state.db.reader().acquire().await?;
            let claim = match store::claims::load_any(&mut conn, id).await {
                Ok(c) => c,
                Err(store::StoreError::NotFound) => return Err(AppError::NotFound("claim")),
                Err(e) => return Err(e.into()),
            };
            drop(conn);
            let minor = parse_major(&form.amount, claim.claim.order_value.currency)
                .map_err(|e| AppError::Invalid(format!("refund amount: {e}")))?;
            if minor == 0 {
                return Err(AppError::Invalid(
                    "enter the refund amount, or choose no refund".into(),
                ));
            }
            let from_guarantee = match form.paid_by.as_str() {
                "merchant" => false,
                "guarantee" => true,
                _ => {
                    return Err(AppError::Invalid(
                        "choose who pays the refund: the merchant or the guarantee".into(),
                    ))
                }
            };
            Ok((minor, from_guarantee))
        }
        _ => Err(AppError::Invalid("choose a refund or no refund".into())),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: MediatorForm<DecideForm>,
) -> Response {
    let MediatorForm { mediator, form } = f;
    let done = match read_decision(&state, id, &form).await {
        Ok((amount, from_guarantee)) => {
            app::claims::decide(
                &state,
                id,
                amount,
                from_guarantee,
                &form.message,
                &mediator.party(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Redirect::to(&claim_url(id)).into_response(),
        Err(e) => {
            again(
                &state,
                &mediator,
                id,
                RequestForm::default(),
                form,
                Which::Decide,
                e,
            )
            .await
        }
    }
}

/// Marks the merchant of claim `id` insolvent; its open claims escalate.
pub async fn mark_insolvent(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: MediatorForm<InsolventForm>,
) -> Response {
    let MediatorForm { mediator, form } = f;
    let merchant_id = {
        let mut conn = match state.db.reader().acquire().await {
            Ok(conn) => conn,
            Err(e) => return db_error(e).into_response(),
        };
        match store::claims::load_any(&mut conn, id).await {
            Ok(c) => c.merchant_id,
            Err(store::StoreError::NotFound) => {
                return PageError::from(AppError::NotFound("claim")).into_response()
            }
            Err(e) => return db_error(e).into_response(),
        }
    };
    let done = if form.confirm.as_deref() == Some("yes") {
        app::claims::mark_insolvent(&state, merchant_id, &mediator.party()).await
    } else {
        Err(AppError::Invalid(
            "tick the box to confirm that the merchant is insolvent".into(),
        ))
    };
    match done {
        Ok(escalated) => {
            Redirect::to(&format!("{}?escalated={escalated}", claim_url(id))).into_response()
        }
        Err(e) => {
            again(
                &state,
                &mediator,
                id,
                RequestForm::default(),
                DecideForm::default(),
                Which::Insolvent,
                e,
            )
            .await
        }
    }
}
