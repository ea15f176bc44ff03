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
//! - [`ClientAddress`]: who is asking, for the rate limits at the doors.
//! - [`too_many`]: the 429 page with its `Retry-After`.
//! - [`cross_site`]: a form post sent from another site's page.
//!
//! Templates extend `base.html`; the template struct must have a `lang: &str`
//! field (the page's locale) and may fill the blocks `title`, `header` and
//! `content`. Buyer pages carry no cookie or session (the signed link in the
//! URL is the credential), so their forms need no CSRF token; staff forms do.

use crate::app::AppError;
use crate::i18n::{Tr, Translations};
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

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

/// The client's address as the rate limits count it: the peer's address,
/// or, when the peer is a reverse proxy on this host or the private network
/// (loopback, private or unique-local address), the last address that proxy
/// appended to `X-Forwarded-For`. Anything further left in that header was
/// written by the client and is not believed. (Were a proxy's address taken
/// for every client, one attacker's failures would lock everyone out.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl ClientAddress {
    pub fn of(peer: Option<IpAddr>, headers: &HeaderMap) -> ClientAddress {
        // Only the rightmost entry: the one the proxy itself appended.
        let forwarded = || {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()?
                .trim()
                .parse::<IpAddr>()
                .ok()
        };
        let address = match peer {
            Some(ip) if !may_be_proxy(ip) => Some(ip),
            // No peer known: the router is served without connection info
            // (in-process tests); the header is all there is.
            _ => forwarded().or(peer),
        };
        ClientAddress(address.map_or_else(|| "unknown".to_string(), |ip| ip.to_string()))
    }
}

/// Whether a peer may be a reverse proxy in front of Reso: not on the internet.
fn may_be_proxy(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddress::of(peer, &parts.headers))
    }
}

/// The "too many attempts" answer: `page` (with status 429) and a
/// `Retry-After` saying when to try again.
pub fn too_many(mut page: Response, retry_after_secs: i64) -> Response {
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    page.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs.max(1)),
    );
    page
}

/// Whether a form post came from another site's page: the browser says so
/// in `Sec-Fetch-Site`, or names an origin in `Origin` that is neither the
/// `Host` asked for nor Reso's public URL (a proxy may rewrite `Host`).
/// Forms without a session (sign-in) are kept from other sites this way.
pub fn cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = value("origin") else {
        return false;
    };
    let authority = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        rest.split('/').next().unwrap_or("").to_ascii_lowercase()
    };
    let from = authority(origin);
    let ours = [
        value("host").map(str::to_ascii_lowercase),
        Some(authority(public_url)),
    ];
    // An opaque origin (`Origin: null`) is a sandboxed page: never ours.
    origin == "null" || !ours.iter().flatten().any(|a| !a.is_empty() && *a == from)
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
    fn only_a_local_proxy_is_believed_about_the_client() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.4".parse().unwrap(),
        );
        let remote: IpAddr = "192.0.2.1".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(ClientAddress::of(Some(remote), &h).0, "192.0.2.1");
        assert_eq!(ClientAddress::of(Some(local), &h).0, "198.51.100.4");
        let docker: IpAddr = "172.17.0.1".parse().unwrap();
        assert_eq!(ClientAddress::of(Some(docker), &h).0, "198.51.100.4");
        assert_eq!(
            ClientAddress::of(Some(local), &HeaderMap::new()).0,
            "127.0.0.1"
        );
        assert_eq!(ClientAddress::of(None, &HeaderMap::new()).0, "unknown");
    }

    #[test]
    fn a_post_from_another_site_is_recognised() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            h
        };
        let ours = "https://reso.example/";
        let cross = |pairs: &[(&'static str, &'static str)]| cross_site(&headers(pairs), ours);
        assert!(!cross(&[]));
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(cross(&[("sec-fetch-site", "cross-site")]));
        assert!(cross(&[("sec-fetch-site", "same-site")]));
        assert!(!cross(&[
            ("origin", "https://app.example"),
            ("host", "app.example")
        ]));
        // Behind a proxy that rewrites Host, the public URL still vouches.
        assert!(!cross(&[
            ("origin", "https://reso.example"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(cross(&[
            ("origin", "https://evil.example"),
            ("host", "reso.example")
        ]));
        assert!(cross(&[("origin", "null"), ("host", "reso.example")]));
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
