//! `/s/{slug}/returns`: the buyer gives order number and e-mail and gets a
//! magic link to the order by mail.

use super::{lang_links, shop, LangLink, LangQuery, Shop};
use crate::app::rate_limits::{self, Refusal};
use crate::app::{self, AppError};
use crate::i18n::Tr;
use crate::web::shared::{
    page_locale, render, render_status, too_many, ClientAddress, PageError, PageResult,
};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "buyer/start.html")]
struct StartPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    error: Option<String>,
    order_number: String,
    email: String,
}

#[derive(Template)]
#[template(path = "buyer/link_sent.html")]
struct LinkSentPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    order_number: String,
    #[serde(default)]
    email: String,
}

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let merchant = shop(&state, &slug, &q, &headers).await?;
    let lang = page_locale(q.lang.as_deref(), None, &headers, &merchant.default_locale);
    let page = StartPage {
        lang,
        tr: Tr::new(&state.i18n, lang),
        langs: lang_links(&format!("/s/{}/returns", merchant.slug), lang),
        shop: Shop::of(&merchant),
        error: None,
        order_number: String::new(),
        email: String::new(),
    };
    Ok(render(&page))
}

pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> PageResult<Response> {
    let merchant = shop(&state, &slug, &q, &headers).await?;
    let lang = page_locale(q.lang.as_deref(), None, &headers, &merchant.default_locale);
    let tr = Tr::new(&state.i18n, lang);
    let langs = lang_links(&format!("/s/{}/returns", merchant.slug), lang);
    let again = |status: StatusCode, message_id: &str| {
        let page = StartPage {
            lang,
            tr,
            langs: lang_links(&format!("/s/{}/returns", merchant.slug), lang),
            shop: Shop::of(&merchant),
            error: Some(tr.t(message_id)),
            order_number: form.order_number.trim().to_string(),
            email: form.email.trim().to_string(),
        };
        render_status(status, &page)
    };
    // Counted per client address before the order is looked up, found or not:
    // guessing order numbers and e-mail addresses costs the same as asking.
    match rate_limits::link_request(&state, &client).await {
        Ok(()) => {}
        Err(Refusal::Limited { retry_after_secs }) => {
            return Ok(too_many(
                again(StatusCode::TOO_MANY_REQUESTS, "error-too-many-links"),
                retry_after_secs,
            ))
        }
        Err(Refusal::Failed(e)) => return Err(PageError::from_app(e, tr)),
    }
    match app::buyer::request_link(&state, &merchant, &form.order_number, &form.email).await {
        Ok(_) => Ok(render(&LinkSentPage {
            lang,
            tr,
            shop: Shop::of(&merchant),
            langs,
        })),
        // The same words for an unknown order and a wrong e-mail: nothing to learn by guessing.
        Err(AppError::NotFound(_)) => Ok(again(StatusCode::NOT_FOUND, "error-order-not-found")),
        Err(AppError::Invalid(_)) => Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-order-not-found",
        )),
        // Five links an hour per order: an hour at most before the next.
        Err(AppError::RateLimited) => Ok(too_many(
            again(StatusCode::TOO_MANY_REQUESTS, "error-too-many-links"),
            3600,
        )),
        Err(e) => Err(PageError::from_app(e, tr)),
    }
}
