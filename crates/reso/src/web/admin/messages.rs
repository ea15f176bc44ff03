//! Staff side of the conversations: the threads waiting for an answer,
//! oldest first, and each return's or claim's thread with the reply form.

use super::session::{Empty, Staff, StaffForm};
use super::Nav;
use crate::app::{self, messages::Author, messages::Subject, AppError};
use crate::store::messages::MessageRecord;
use crate::web::buyer::documents::{self, FormError};
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, MatchedPath, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/messages", get(waiting))
        .merge(thread_routes("returns"))
        .merge(thread_routes("claims"))
}

fn thread_routes(kind: &str) -> Router<AppState> {
    Router::new()
        .route(
            &format!("/admin/{kind}/{{id}}/messages"),
            get(show)
                .post(reply)
                .layer(DefaultBodyLimit::max(documents::BODY_LIMIT)),
        )
        .route(
            &format!("/admin/{kind}/{{id}}/messages/read"),
            post(mark_read),
        )
        .route(
            &format!("/admin/{kind}/{{id}}/messages/attachments/{{attachment_id}}"),
            get(attachment),
        )
}

/// The thread of `/admin/returns/7/…` or `/admin/claims/3/…`.
fn subject(path: &MatchedPath, id: &str) -> Result<Subject, PageError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound("page"))?;
    if path.as_str().starts_with("/admin/claims/") {
        Ok(Subject::Claim(id))
    } else {
        Ok(Subject::Return(id))
    }
}

pub fn thread_path(s: Subject) -> String {
    match s {
        Subject::Return(id) => format!("/admin/returns/{id}/messages"),
        Subject::Claim(id) => format!("/admin/claims/{id}/messages"),
    }
}

fn subject_path(s: Subject) -> String {
    match s {
        Subject::Return(id) => format!("/admin/returns/{id}"),
        Subject::Claim(id) => format!("/admin/claims/{id}"),
    }
}

fn subject_label(s: Subject) -> String {
    match s {
        Subject::Return(id) => format!("Return #{id}"),
        Subject::Claim(id) => format!("Claim #{id}"),
    }
}

pub struct WaitingRow {
    pub href: String,
    pub label: String,
    pub order_number: String,
    pub buyer_email: String,
    pub count: i64,
    pub since: String,
    pub last_body: String,
}

#[derive(Template)]
#[template(path = "admin/messages.html")]
pub struct WaitingPage {
    lang: &'static str,
    nav: Nav,
    rows: Vec<WaitingRow>,
}

/// Threads with buyer messages the shop has not answered, the longest waiting first.
pub async fn waiting(State(state): State<AppState>, staff: Staff) -> PageResult {
    let list = app::messages::unanswered(&state, staff.merchant.id, 200).await?;
    let rows = list
        .into_iter()
        .map(|u| {
            let last_body: String = u.last_body.chars().take(140).collect();
            WaitingRow {
                href: thread_path(u.subject),
                label: subject_label(u.subject),
                order_number: u.order_number,
                buyer_email: u.buyer_email,
                count: u.count,
                since: datetime_of(u.oldest_at),
                last_body,
            }
        })
        .collect();
    let page = WaitingPage {
        lang: "en",
        nav: staff.nav(),
        rows,
    };
    Ok(render_status(StatusCode::OK, &page))
}

pub struct AttachmentView {
    pub href: String,
    pub filename: String,
    pub size_kb: i64,
}

pub struct MessageView {
    pub author_role: String,
    pub author: String,
    pub body: String,
    pub at: String,
    pub waiting: bool,
    pub attachments: Vec<AttachmentView>,
}

impl MessageView {
    pub fn of(m: &MessageRecord, base: &str) -> MessageView {
        MessageView {
            author_role: m.author_role.clone(),
            author: m.author.clone(),
            body: m.body.clone(),
            at: datetime_of(m.created_at),
            waiting: m.author_role == "buyer" && m.handled_at.is_none(),
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    href: format!("{base}/attachments/{}", a.id),
                    filename: a.filename.clone(),
                    size_kb: (a.size + 1023) / 1024,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/messages_thread.html")]
pub struct ThreadPage {
    lang: &'static str,
    nav: Nav,
    title: String,
    back: String,
    order_number: String,
    order_href: String,
    buyer_email: String,
    action: String,
    messages: Vec<MessageView>,
    waiting: bool,
    body: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    s: Subject,
    body: String,
    error: Option<String>,
) -> Result<ThreadPage, PageError> {
    let info = {
        let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
        app::messages::subject_info(&mut conn, staff.merchant.id, s).await?
    };
    let thread = app::messages::thread(state, staff.merchant.id, s).await?;
    let base = thread_path(s);
    let messages: Vec<MessageView> = thread.iter().map(|m| MessageView::of(m, &base)).collect();
    Ok(ThreadPage {
        lang: "en",
        nav: staff.nav(),
        title: format!("Messages · {}", subject_label(s)),
        back: subject_path(s),
        order_number: info.order_number,
        order_href: format!("/admin/orders/{}", info.order_id),
        buyer_email: info.buyer_email,
        action: base,
        waiting: messages.iter().any(|m| m.waiting),
        messages,
        body,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    path: MatchedPath,
    Path(id): Path<String>,
) -> PageResult {
    let s = subject(&path, &id)?;
    let p = page(&state, &staff, s, String::new(), None).await?;
    Ok(render_status(StatusCode::OK, &p))
}

/// The reply form is multipart (attachments), so its CSRF token is checked here.
pub async fn reply(
    State(state): State<AppState>,
    staff: Staff,
    path: MatchedPath,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let s = subject(&path, &id)?;
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
    if sent.is_empty() || !app::auth::same_token(&staff.csrf, &sent) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "The page was open too long or came from elsewhere. Go back, reload the page and try again.",
        ));
    }
    let body = form.field("body");
    let author = Author::Staff(staff.actor());
    match app::messages::post(&state, &staff.merchant, s, &author, &body, form.documents).await {
        Ok(_) => Ok(Redirect::to(&thread_path(s)).into_response()),
        Err(e) => Ok(refused(&state, &staff, s, body, e).await),
    }
}

/// The thread again with why the message was refused, and the text kept.
async fn refused(
    state: &AppState,
    staff: &Staff,
    s: Subject,
    body: String,
    e: AppError,
) -> Response {
    let err = PageError::from(e);
    if err.status == StatusCode::NOT_FOUND || err.status.is_server_error() {
        return err.into_response();
    }
    match page(state, staff, s, body, Some(err.message.clone())).await {
        Ok(p) => render_status(err.status, &p),
        Err(e) => e.into_response(),
    }
}

pub async fn mark_read(
    State(state): State<AppState>,
    path: MatchedPath,
    Path(id): Path<String>,
    form: StaffForm<Empty>,
) -> PageResult {
    let s = subject(&path, &id)?;
    let staff = form.staff;
    app::messages::mark_read(&state, &staff.merchant, s, &staff.actor()).await?;
    Ok(Redirect::to(&thread_path(s)).into_response())
}

pub async fn attachment(
    State(state): State<AppState>,
    staff: Staff,
    path: MatchedPath,
    Path((id, attachment_id)): Path<(String, String)>,
) -> PageResult {
    let s = subject(&path, &id)?;
    let attachment_id: i64 = attachment_id
        .parse()
        .map_err(|_| AppError::NotFound("attachment"))?;
    let (name, content_type, body) =
        app::messages::attachment(&state, staff.merchant.id, s, attachment_id).await?;
    Ok(crate::api::messages::download(&name, &content_type, body))
}
