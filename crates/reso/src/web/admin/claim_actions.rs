//! The merchant's steps on a claim: the answer ("Refund?" yes / yes after the
//! return / no, amount, mandatory message, documents) and the documents a
//! mediator asked for. Both are multipart forms, so the CSRF token is checked
//! here rather than by `StaffForm`, which reads url-encoded forms.

use super::claims::build;
use super::money::parse_major;
use super::session::{Staff, StaffForm};
use crate::app::claims::Answer;
use crate::app::disputes::DisputeReply;
use crate::app::{self, AppError};
use crate::web::buyer::documents::{self, ClaimForm, FormError};
use crate::web::shared::{render_status, PageError};
use crate::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use reso_domain::claim::RefundDecision;
use reso_domain::dispute::MerchantResponse;

/// What staff typed into the answer form, shown again after a mistake.
#[derive(Default)]
pub struct AnswerInput {
    pub decision: String,
    pub amount: String,
    pub return_id: String,
    pub message: String,
    pub had_documents: bool,
}

/// What staff typed into the documents form.
#[derive(Default)]
pub struct DocumentsInput {
    pub message: String,
    pub had_documents: bool,
}

/// What staff typed into the dispute answer form.
#[derive(Default, serde::Deserialize)]
pub struct DisputeInput {
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub statement: String,
    #[serde(default)]
    pub refund_refusal: String,
}

/// Everything typed into the claim page's forms, shown again after a mistake.
#[derive(Default)]
pub struct Typed {
    pub answer: Option<AnswerInput>,
    pub documents: DocumentsInput,
    pub dispute: DisputeInput,
}

/// Reads the multipart form and checks its CSRF token against the session's.
async fn read_form(
    staff: &Staff,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<ClaimForm, Response> {
    let form = match multipart {
        Ok(m) => documents::read(m).await,
        Err(_) => Err(FormError::Malformed),
    };
    let form = match form {
        Ok(f) => f,
        Err(FormError::TooLarge) => {
            return Err(PageError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "This form is too large",
                "Attach at most 10 documents of 10 MB each.",
            )
            .into_response())
        }
        Err(FormError::Malformed) => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                "This form could not be read",
                "Reload the page and try again.",
            )
            .into_response())
        }
    };
    let sent = form.field("csrf");
    if sent.is_empty() || !app::auth::same_token(&staff.csrf, &sent) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "The page was open too long or came from elsewhere. Go back, reload the page and try again.",
        )
        .into_response());
    }
    Ok(form)
}

/// The claim page again with the error, or the error page when there is no page to show.
async fn again(state: &AppState, staff: &Staff, id: i64, err: AppError, typed: Typed) -> Response {
    let shown = PageError::from(err);
    if shown.status == StatusCode::NOT_FOUND || shown.status.is_server_error() {
        return shown.into_response();
    }
    match build(state, staff, id, typed, Some(shown.message.clone())).await {
        Ok(page) => render_status(shown.status, &page),
        Err(e) => e.into_response(),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match read_form(&staff, multipart).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let typed = AnswerInput {
        decision: form.field("decision"),
        amount: form.field("amount"),
        return_id: form.field("return_id"),
        message: form.field("message"),
        had_documents: !form.documents.is_empty(),
    };
    match submit_answer(&state, &staff, id, form).await {
        Ok(()) => Redirect::to(&format!("/admin/claims/{id}")).into_response(),
        Err(e) => {
            let typed = Typed {
                answer: Some(typed),
                ..Typed::default()
            };
            again(&state, &staff, id, e, typed).await
        }
    }
}

async fn submit_answer(
    state: &AppState,
    staff: &Staff,
    id: i64,
    form: ClaimForm,
) -> Result<(), AppError> {
    let c = app::claims::load(state, staff.merchant.id, id).await?;
    let decision = RefundDecision::parse(form.field("decision").trim())
        .ok_or_else(|| AppError::Invalid("choose whether you refund".into()))?;
    let amount_minor = match decision {
        RefundDecision::No => 0,
        _ => parse_major(&form.field("amount"), c.claim.order_value.currency)
            .map_err(|e| AppError::Invalid(format!("amount: {e}")))?,
    };
    let return_id = match decision {
        RefundDecision::YesAfterReturn => Some(
            form.field("return_id")
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::Invalid("choose the return the refund waits for".into()))?,
        ),
        _ => None,
    };
    let message = form.field("message");
    let answer = Answer {
        decision,
        amount_minor,
        message,
        return_id,
        uploads: form.documents,
    };
    app::claims::answer(state, &staff.merchant, id, answer, &staff.actor()).await?;
    Ok(())
}

pub async fn send_documents(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let form = match read_form(&staff, multipart).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let message = form.field("message");
    let typed = DocumentsInput {
        message: message.clone(),
        had_documents: !form.documents.is_empty(),
    };
    let actor = staff.actor();
    match app::claims::send_documents(
        &state,
        &staff.merchant,
        id,
        &message,
        form.documents,
        &actor,
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("/admin/claims/{id}")).into_response(),
        Err(e) => {
            let typed = Typed {
                documents: typed,
                ..Typed::default()
            };
            again(&state, &staff, id, e, typed).await
        }
    }
}

/// The merchant answers a dispute at the payment provider: accept it, or
/// send evidence with a statement.
pub async fn answer_dispute(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { staff, form }: StaffForm<DisputeInput>,
) -> Response {
    let response = match form.answer.as_str() {
        "accept" => Some(MerchantResponse::Accepted),
        "evidence" => Some(MerchantResponse::Evidence),
        _ => None,
    };
    let result = match response {
        None => Err(AppError::Invalid(
            "choose whether you accept the dispute or send evidence".into(),
        )),
        Some(response) => {
            let refusal = form.refund_refusal.trim();
            let reply = DisputeReply {
                response,
                statement: form.statement.clone(),
                refund_refusal: (!refusal.is_empty()).then(|| refusal.to_string()),
            };
            app::disputes::answer(&state, &staff.merchant, id, reply, &staff.actor()).await
        }
    };
    match result {
        Ok(_) => Redirect::to(&format!("/admin/claims/{id}")).into_response(),
        Err(e) => {
            let typed = Typed {
                dispute: form,
                ..Typed::default()
            };
            again(&state, &staff, id, e, typed).await
        }
    }
}
