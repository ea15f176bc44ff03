//! The buyer's side of a conversation with the shop (and the mediators) on a
//! return or a claim of their order: the thread and the message form, in
//! the buyer's language. The signed order link is the credential.

use super::documents::{self, FormError};
use super::{access, lang_links, order_error, shop, LangLink, LangQuery, Shop};
use crate::app::auth::BuyerAccess;
use crate::app::{self, messages::Author, messages::Subject, AppError};
use crate::i18n::Tr;
use crate::store::merchants::Merchant;
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{page_locale, render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, MatchedPath, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/s/{slug}/o/{token}/r/{return_id}/messages",
            get(show)
                .post(send)
                .layer(DefaultBodyLimit::max(documents::BODY_LIMIT)),
        )
        .route(
            "/s/{slug}/o/{token}/r/{return_id}/messages/attachments/{attachment_id}",
            get(attachment),
        )
        .route(
            "/s/{slug}/o/{token}/claims/{id}/messages",
            get(show)
                .post(send)
                .layer(DefaultBodyLimit::max(documents::BODY_LIMIT)),
        )
        .route(
            "/s/{slug}/o/{token}/claims/{id}/messages/attachments/{attachment_id}",
            get(attachment),
        )
}

struct AttachmentView {
    href: String,
    filename: String,
}

struct MessageView {
    mine: bool,
    who: String,
    at: String,
    body: String,
    attachments: Vec<AttachmentView>,
}

#[derive(Template)]
#[template(path = "buyer/messages.html")]
struct ThreadPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    action: String,
    back_href: String,
    heading: String,
    messages: Vec<MessageView>,
    body: String,
    notice: Option<String>,
    error: Option<String>,
}

/// A checked link and the subject it may see.
struct Opened {
    merchant: Merchant,
    access: BuyerAccess,
    subject: Subject,
    order_number: String,
    lang: &'static str,
    /// The thread's own path, without the language.
    base: String,
    back: String,
}

async fn open(
    state: &AppState,
    path: &MatchedPath,
    slug: &str,
    token: &str,
    id: &str,
    q: &LangQuery,
    headers: &HeaderMap,
) -> Result<Opened, PageError> {
    let merchant = shop(state, slug, q, headers).await?;
    let first = page_locale(q.lang.as_deref(), None, headers, &merchant.default_locale);
    let tr = Tr::new(&state.i18n, first);
    let access = access(state, &merchant, token, tr)?;
    let is_claim = path.as_str().contains("/claims/");
    let what = if is_claim { "claim" } else { "return" };
    let not_found = || order_error(AppError::NotFound(what), tr, &merchant.slug);
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let subject = if is_claim {
        Subject::Claim(id)
    } else {
        Subject::Return(id)
    };
    let info = {
        let mut conn = state.db.reader().acquire().await.map_err(AppError::from)?;
        app::messages::subject_info(&mut conn, merchant.id, subject).await
    };
    // Only a return or claim of the link's own order.
    let info = match info {
        Ok(info) if info.order_id == access.order_id => info,
        Ok(_) | Err(AppError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(PageError::from_app(e, tr)),
    };
    let lang = page_locale(
        q.lang.as_deref(),
        Some(&info.locale),
        headers,
        &merchant.default_locale,
    );
    let order_base = format!("/s/{}/o/{token}", merchant.slug);
    let back = match subject {
        Subject::Return(id) => format!("{order_base}/r/{id}"),
        Subject::Claim(id) => format!("{order_base}/claims/{id}"),
    };
    Ok(Opened {
        base: format!("{back}/messages"),
        back,
        merchant,
        access,
        subject,
        order_number: info.order_number,
        lang,
    })
}

async fn page<'a>(
    state: &'a AppState,
    o: &Opened,
    body: String,
    notice: Option<String>,
    error: Option<String>,
) -> Result<ThreadPage<'a>, PageError> {
    let tr = Tr::new(&state.i18n, o.lang);
    let thread = app::messages::thread(state, o.merchant.id, o.subject)
        .await
        .map_err(|e| PageError::from_app(e, tr))?;
    let messages = thread
        .iter()
        .map(|m| MessageView {
            mine: m.author_role == "buyer",
            who: match m.author_role.as_str() {
                "buyer" => tr.t("message-from-you"),
                "mediator" => tr.t("message-from-mediator"),
                _ => o.merchant.name.clone(),
            },
            at: datetime_of(m.created_at),
            body: m.body.clone(),
            attachments: m
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    href: format!("{}/attachments/{}", o.base, a.id),
                    filename: a.filename.clone(),
                })
                .collect(),
        })
        .collect();
    let heading = match o.subject {
        Subject::Return(_) => tr.t1("message-about-return", "number", &o.order_number),
        Subject::Claim(_) => tr.t1("message-about-claim", "number", &o.order_number),
    };
    Ok(ThreadPage {
        lang: o.lang,
        tr,
        shop: Shop::of(&o.merchant),
        langs: lang_links(&o.base, o.lang),
        action: format!("{}?lang={}", o.base, o.lang),
        back_href: format!("{}?lang={}", o.back, o.lang),
        heading,
        messages,
        body,
        notice,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    path: MatchedPath,
    Path(params): Path<Vec<(String, String)>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (slug, token, id) = params3(&params)?;
    let o = open(&state, &path, slug, token, id, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, o.lang);
    let notice = (q.done.as_deref() == Some("sent")).then(|| tr.t("message-sent"));
    let p = page(&state, &o, String::new(), notice, None).await?;
    Ok(render_status(StatusCode::OK, &p))
}

/// slug, token and the subject's id, whatever the id's name in the route.
fn params3(params: &[(String, String)]) -> Result<(&str, &str, &str), PageError> {
    let get = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match (
        get("slug"),
        get("token"),
        get("id").or_else(|| get("return_id")),
    ) {
        (Some(s), Some(t), Some(i)) => Ok((s, t, i)),
        _ => Err(AppError::NotFound("page").into()),
    }
}

pub async fn send(
    State(state): State<AppState>,
    path: MatchedPath,
    Path(params): Path<Vec<(String, String)>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult<Response> {
    let (slug, token, id) = params3(&params)?;
    let o = open(&state, &path, slug, token, id, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, o.lang);
    let form = match multipart {
        Ok(m) => documents::read(m).await,
        Err(_) => Err(FormError::Malformed),
    };
    let form = match form {
        Ok(f) => f,
        Err(FormError::TooLarge) => {
            return Err(PageError::localized(
                StatusCode::PAYLOAD_TOO_LARGE,
                tr,
                "error-title-invalid",
                "message-too-large",
            ))
        }
        Err(FormError::Malformed) => {
            return Err(PageError::localized(
                StatusCode::BAD_REQUEST,
                tr,
                "error-title-invalid",
                "message-unreadable",
            ))
        }
    };
    let body = form.field("body");
    let author = Author::Buyer(o.access.email.clone());
    match app::messages::post(
        &state,
        &o.merchant,
        o.subject,
        &author,
        &body,
        form.documents,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{}?lang={}&done=sent", o.base, o.lang)).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let err = PageError::from_app(e, tr);
            let p = page(&state, &o, body, None, Some(err.message.clone())).await?;
            Ok(render_status(err.status, &p))
        }
        Err(e) => Err(order_error(e, tr, &o.merchant.slug)),
    }
}

pub async fn attachment(
    State(state): State<AppState>,
    path: MatchedPath,
    Path(params): Path<Vec<(String, String)>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (slug, token, id) = params3(&params)?;
    let o = open(&state, &path, slug, token, id, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, o.lang);
    let not_found = || {
        PageError::localized(
            StatusCode::NOT_FOUND,
            tr,
            "error-title-not-found",
            "message-attachment-not-found",
        )
    };
    let attachment_id: i64 = params
        .iter()
        .find(|(k, _)| k == "attachment_id")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(not_found)?;
    match app::messages::attachment(&state, o.merchant.id, o.subject, attachment_id).await {
        Ok((name, content_type, body)) => {
            Ok(crate::api::messages::download(&name, &content_type, body))
        }
        Err(AppError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(PageError::from_app(e, tr)),
    }
}
