//! A mediator writes in a claim's conversation with the buyer and the
//! merchant, and downloads its attachments. Mediators act across merchants:
//! the claim alone says whose thread it is.

use super::claim_actions::{DecideForm, RequestForm};
use super::claim_page::{build, disposition, served_type, Which};
use super::db_error;
use super::session::Mediator;
use crate::app::{self, messages::Author, messages::Subject, AppError};
use crate::store::claims::ClaimRecord;
use crate::web::buyer::documents::{self, FormError};
use crate::web::shared::{render_status, PageError, PageResult};
use crate::{store, AppState};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

async fn claim_of(state: &AppState, id: i64) -> Result<ClaimRecord, PageError> {
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    match store::claims::load_any(&mut conn, id).await {
        Ok(c) => Ok(c),
        Err(store::StoreError::NotFound) => Err(AppError::NotFound("claim").into()),
        Err(e) => Err(db_error(e)),
    }
}

/// The multipart form (attachments), so its CSRF token is checked here and
/// not by `MediatorForm`.
pub async fn post(
    State(state): State<AppState>,
    mediator: Mediator,
    Path(id): Path<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let form = match multipart {
        Ok(m) => documents::read(m).await,
        Err(_) => Err(FormError::Malformed),
    };
    let form = match form {
        Ok(f) => f,
        Err(FormError::TooLarge) => {
            return Err(PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "These files are too large",
                "Attach at most 10 files of 10 MB each.",
            ))
        }
        Err(FormError::Malformed) => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                "This form could not be read",
                "Reload the page and try again.",
            ))
        }
    };
    let sent = form.field("csrf");
    if sent.is_empty() || !app::auth::same_token(&mediator.csrf, &sent) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "The page was open too long or came from elsewhere. Go back, reload the page and try again.",
        ));
    }
    let c = claim_of(&state, id).await?;
    let merchant = {
        let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
        store::merchants::by_id(&mut conn, c.merchant_id)
            .await
            .map_err(db_error)?
    };
    let body = form.field("body");
    let author = Author::Mediator {
        id: mediator.account.id,
        email: mediator.account.email.clone(),
    };
    match app::messages::post(
        &state,
        &merchant,
        Subject::Claim(c.id),
        &author,
        &body,
        form.documents,
    )
    .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/mediator/claims/{}#conversation", c.id)).into_response())
        }
        Err(e) => Ok(refused(&state, &mediator, c.id, body, e).await),
    }
}

/// The claim page again with why the message was refused, and the text kept.
async fn refused(
    state: &AppState,
    mediator: &Mediator,
    id: i64,
    body: String,
    e: AppError,
) -> Response {
    let shown = PageError::from(e);
    if shown.status == StatusCode::NOT_FOUND || shown.status.is_server_error() {
        return shown.into_response();
    }
    match build(
        state,
        mediator,
        id,
        RequestForm::default(),
        DecideForm::default(),
        Some((Which::Message, shown.message.clone())),
    )
    .await
    {
        Ok(mut page) => {
            page.keep_message(body);
            render_status(shown.status, &page)
        }
        Err(e) => e.into_response(),
    }
}

/// An attachment of the claim's thread, as a download that never renders in the console.
pub async fn attachment(
    State(state): State<AppState>,
    _mediator: Mediator,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> PageResult {
    let c = claim_of(&state, id).await?;
    let (filename, content_type, body) =
        app::messages::attachment(&state, c.merchant_id, Subject::Claim(c.id), attachment_id)
            .await?;
    Ok((
        [
            (header::CONTENT_TYPE, served_type(&content_type).to_string()),
            (header::CONTENT_DISPOSITION, disposition(&filename)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
