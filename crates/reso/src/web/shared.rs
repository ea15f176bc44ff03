//! Page helpers shared by the buyer portal and the staff control center.
//!
//! - [`PageError`]: the one place an error becomes an HTML page with the right
//!   status (`From<AppError>`, so handlers can use `?`). Client mistakes are
//!   4xx; only `AppError::Internal` is a 500, and its detail is logged, not shown.
//! - [`render`]: an askama template as an HTML response.
//! - [`router`]: serves `/static/reso.css` (compiled in, cached for a day).
//! - [`filters`]: askama filters; `use crate::web::shared::filters;` in the
//!   module that declares the template, then `{{ ms|date }}`, `{{ ms|datetime }}`.
//!   `Money` already implements `Display` (`12.50 EUR`).
//! - [`page_locale`]: which language a page speaks (`?lang=` first).
//!
//! Templates extend `base.html`; the template struct must have a `lang: &str`
//! field (the page's locale) and may fill the blocks `title`, `header` and
//! `content`. Buyer pages carry no cookie or session (the signed link in the
//! URL is the credential), so their forms need no CSRF token; staff forms do.

use crate::app::AppError;
use crate::i18n::{Tr, Translations};
use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The stylesheet, compiled into the binary.
pub const CSS: &str = include_str!("../../static/reso.css");

/// `/static/reso.css`.
pub fn router() -> Router<crate::AppState> {
    Router::new().route("/static/reso.css", get(css))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // Not content-hashed, so a day rather than forever: a new release shows within a day.
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        CSS,
    )
        .into_response()
}

/// Renders a template; a rendering failure is our bug, so it is a 500.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            PageError::from(AppError::Internal(anyhow::anyhow!("template: {e}"))).into_response()
        }
    }
}

/// Like [`render`] with another status (e.g. 422 for a form shown again with errors).
pub fn render_status<T: Template>(status: StatusCode, template: &T) -> Response {
    let mut response = render(template);
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    response
}

/// An error shown as a friendly page: a title, a sentence, and optionally a
/// link to the next step ("ask for a new link").
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    pub lang: &'static str,
    pub link: Option<(String, String)>,
}

pub type PageResult<T = Response> = Result<T, PageError>;

impl PageError {
    pub fn new(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        PageError {
            status,
            title: title.into(),
            message: message.into(),
            lang: "en",
            link: None,
        }
    }

    /// An `AppError` with its title in the reader's language. The detail
    /// message comes from the use case (English).
    pub fn from_app(err: AppError, tr: Tr<'_>) -> Self {
        let mut page = PageError::from(err);
        page.title = tr.t(title_id(page.status));
        page.lang = tr.locale;
        page
    }

    /// A page entirely in the reader's language: `title_id` and `message_id` are Fluent ids.
    pub fn localized(status: StatusCode, tr: Tr<'_>, title_id: &str, message_id: &str) -> Self {
        PageError {
            status,
            title: tr.t(title_id),
            message: tr.t(message_id),
            lang: tr.locale,
            link: None,
        }
    }

    pub fn with_link(mut self, href: impl Into<String>, label: impl Into<String>) -> Self {
        self.link = Some((href.into(), label.into()));
        self
    }
}

fn title_id(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "error-title-unauthorized",
        403 => "error-title-forbidden",
        404 => "error-title-not-found",
        409 => "error-title-conflict",
        410 => "error-title-expired",
        422 => "error-title-invalid",
        429 => "error-title-rate-limited",
        _ => "error-title-internal",
    }
}

impl From<AppError> for PageError {
    fn from(err: AppError) -> Self {
        let status = match &err {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = match &err {
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "page failed");
                "Something went wrong on our side. Please try again in a moment.".to_string()
            }
            other => capitalize(&other.to_string()),
        };
        let title = Tr::new(&EN, "en").t(title_id(status));
        PageError {
            status,
            title,
            message,
            lang: "en",
            link: None,
        }
    }
}

// English titles for errors raised before a locale is known.
static EN: std::sync::LazyLock<Translations> =
    std::sync::LazyLock::new(|| Translations::load().expect("bundled translations parse"));

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    lang: &'a str,
    title: &'a str,
    message: &'a str,
    link: Option<&'a (String, String)>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorTemplate {
            lang: self.lang,
            title: &self.title,
            message: &self.message,
            link: self.link.as_ref(),
        };
        let body = page.render().unwrap_or_else(|_| self.message.clone());
        let mut response = Html(body).into_response();
        *response.status_mut() = self.status;
        response
    }
}

/// The page language: `?lang=xx` if given, else the order's locale (order
/// pages), else the browser's Accept-Language, else the shop's default.
pub fn page_locale(
    query_lang: Option<&str>,
    order_locale: Option<&str>,
    headers: &HeaderMap,
    merchant_default: &str,
) -> &'static str {
    let from_browser = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| {
            accept
                .split(',')
                .find_map(|part| supported(part.split(';').next().unwrap_or("")))
        });
    query_lang
        .and_then(supported)
        .or_else(|| order_locale.and_then(supported))
        .or(from_browser)
        .unwrap_or_else(|| Translations::pick(merchant_default))
}

/// The supported locale for a language tag ("de-CH" → "de"), if any.
fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    crate::i18n::LOCALES.iter().copied().find(|l| *l == primary)
}

/// Date and time formatting for templates (UTC).
pub mod filters {
    use std::fmt::Display;

    /// Milliseconds since the epoch as `YYYY-MM-DD` (UTC).
    pub fn date_of(ms: i64) -> String {
        civil(ms).map_or_else(String::new, |(d, _)| d)
    }

    /// Milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC`.
    pub fn datetime_of(ms: i64) -> String {
        civil(ms).map_or_else(String::new, |(d, t)| format!("{d} {t} UTC"))
    }

    fn civil(ms: i64) -> Option<(String, String)> {
        let at =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
        let date = format!(
            "{:04}-{:02}-{:02}",
            at.year(),
            u8::from(at.month()),
            at.day()
        );
        let time = format!("{:02}:{:02}", at.hour(), at.minute());
        Some((date, time))
    }

    fn millis(value: impl Display) -> i64 {
        value.to_string().parse().unwrap_or(0)
    }

    /// `{{ ms|date }}`
    pub fn date(value: impl Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(date_of(millis(value)))
    }

    /// `{{ ms|datetime }}`
    pub fn datetime(value: impl Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(datetime_of(millis(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(filters::date_of(0), "1970-01-01");
        assert_eq!(filters::date_of(1_700_000_000_000), "2023-11-14");
        assert_eq!(
            filters::datetime_of(1_700_000_000_000),
            "2023-11-14 22:13 UTC"
        );
    }

    #[test]
    fn client_mistakes_are_never_5xx() {
        assert_eq!(
            PageError::from(AppError::Invalid("x".into())).status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            PageError::from(AppError::NotFound("order")).status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            PageError::from(AppError::RateLimited).status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }

    #[test]
    fn query_language_wins_then_order_then_browser() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, "de-CH,de;q=0.9".parse().unwrap());
        assert_eq!(page_locale(Some("it"), Some("fr"), &h, "en"), "it");
        assert_eq!(page_locale(None, Some("fr"), &h, "en"), "fr");
        assert_eq!(page_locale(None, None, &h, "en"), "de");
        assert_eq!(page_locale(Some("xx"), None, &HeaderMap::new(), "es"), "es");
    }
}
