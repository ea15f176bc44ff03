//! The buyer portal: the shop's public return policy, the magic-link start
//! page, the order page with the return form, and each return's status page.
//! No cookies and no sessions: the signed link in the URL is the credential,
//! so these forms need no CSRF token.

mod claim_page;
pub(crate) mod documents;
mod help;
mod labels;
mod messages;
mod order_page;
mod protection;
mod return_page;
mod start;
mod upload;

use crate::app::auth::{self, BuyerAccess, LinkError};
use crate::app::{self, AppError};
use crate::i18n::{Tr, LOCALES};
use crate::store::merchants::Merchant;
use crate::web::shared::{page_locale, PageError};
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use fluent_bundle::FluentValue;
use serde::Deserialize;

/// Five photos of 5 MB each, plus the form fields.
const UPLOAD_LIMIT: usize = 26 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/help", get(help::show))
        .route("/s/{slug}/returns", get(start::show).post(start::submit))
        .route("/s/{slug}/o/{token}", get(order_page::show))
        .route(
            "/s/{slug}/o/{token}/returns",
            post(order_page::submit).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/s/{slug}/o/{token}/r/{return_id}", get(return_page::show))
        .route(
            "/s/{slug}/o/{token}/r/{return_id}/tracking",
            post(return_page::ship_back),
        )
        .route(
            "/s/{slug}/o/{token}/r/{return_id}/photos",
            post(return_page::add_photos).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/s/{slug}/o/{token}/r/{return_id}/withdraw",
            post(return_page::withdraw),
        )
        .merge(protection::router())
        .merge(messages::router())
}

/// `?lang=xx` on any buyer page.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
    /// A short confirmation to show after a redirect ("saved").
    pub done: Option<String>,
}

/// The shop as every buyer page shows it (header and support contact).
pub struct Shop {
    pub name: String,
    pub slug: String,
    pub support_email: String,
    pub support_phone: String,
    /// The phone number for a `tel:` link (no spaces).
    pub support_tel: String,
    pub support_hours: String,
    pub support_url: String,
}

impl Shop {
    fn of(m: &Merchant) -> Shop {
        Shop {
            name: m.name.clone(),
            slug: m.slug.clone(),
            support_email: m.support.email.clone(),
            support_phone: m.support.phone.clone(),
            support_tel: m
                .support
                .phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect(),
            support_hours: m.support.hours.clone(),
            support_url: m.support.url.clone(),
        }
    }
}

/// A link to the same page in another language.
pub struct LangLink {
    pub code: &'static str,
    pub href: String,
    pub current: bool,
}

fn lang_links(path: &str, current: &str) -> Vec<LangLink> {
    LOCALES
        .iter()
        .map(|code| LangLink {
            code,
            href: format!("{path}?lang={code}"),
            current: *code == current,
        })
        .collect()
}

/// The shop of the URL, or a 404 page.
async fn shop(
    state: &AppState,
    slug: &str,
    query: &LangQuery,
    headers: &HeaderMap,
) -> Result<Merchant, PageError> {
    match app::merchants::by_slug(state, slug).await {
        Ok(m) => Ok(m),
        Err(AppError::NotFound(_)) => {
            let lang = page_locale(query.lang.as_deref(), None, headers, "en");
            let tr = Tr::new(&state.i18n, lang);
            Err(PageError::localized(
                StatusCode::NOT_FOUND,
                tr,
                "error-title-not-found",
                "error-shop-not-found",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Checks a magic link: tampered → 403, expired → 410 with a way to ask
/// again, another shop's link → 404.
fn access(
    state: &AppState,
    merchant: &Merchant,
    token: &str,
    tr: Tr<'_>,
) -> Result<BuyerAccess, PageError> {
    let again = format!("/s/{}/returns?lang={}", merchant.slug, tr.locale);
    match auth::verify_buyer_link(state, token) {
        Ok(a) if a.merchant_id == merchant.id => Ok(a),
        Ok(_) => Err(PageError::localized(
            StatusCode::NOT_FOUND,
            tr,
            "error-title-not-found",
            "error-order-not-found",
        )),
        Err(LinkError::Tampered) => Err(PageError::localized(
            StatusCode::FORBIDDEN,
            tr,
            "error-title-forbidden",
            "error-link-tampered",
        )
        .with_link(again, tr.t("error-ask-new-link"))),
        Err(LinkError::Expired) => Err(PageError::localized(
            StatusCode::GONE,
            tr,
            "error-title-expired",
            "error-link-expired",
        )
        .with_link(again, tr.t("error-ask-new-link"))),
    }
}

/// An `AppError` from an order-page use case, in the buyer's words.
fn order_error(err: AppError, tr: Tr<'_>, slug: &str) -> PageError {
    match err {
        AppError::NotFound("return") => PageError::localized(
            StatusCode::NOT_FOUND,
            tr,
            "error-title-not-found",
            "error-return-not-found",
        ),
        AppError::NotFound(_) => PageError::localized(
            StatusCode::NOT_FOUND,
            tr,
            "error-title-not-found",
            "error-order-not-found",
        ),
        AppError::Forbidden(_) => PageError::localized(
            StatusCode::FORBIDDEN,
            tr,
            "error-title-forbidden",
            "error-link-tampered",
        )
        .with_link(
            format!("/s/{slug}/returns?lang={}", tr.locale),
            tr.t("error-ask-new-link"),
        ),
        other => PageError::from_app(other, tr),
    }
}

/// A message with several arguments (`Tr` binds at most one).
fn text(tr: Tr<'_>, id: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = args
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(v.as_str())))
        .collect();
    tr.translations.text(tr.locale, id, &args)
}
