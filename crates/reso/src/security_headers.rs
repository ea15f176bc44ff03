//! Security headers on every response: a Content-Security-Policy that
//! allows only this site's own stylesheet and images (no scripts, no inline
//! styles, no framing), frame denial for old browsers, no MIME sniffing, a
//! referrer policy, a permissions policy that turns off device features
//! Reso never uses, and cross-origin isolation of the window. Downloads
//! (anything sent with `Content-Disposition`) get a sandbox instead, so a
//! hostile file opened in the browser runs nothing and reaches nothing.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// For pages (and every other answer): only same-origin styles and images.
pub const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// For downloads: nothing runs, nothing loads, nothing embeds it.
pub const DOWNLOAD_POLICY: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
     magnetometer=(), microphone=(), payment=(), usb=()";

/// Whether HTTPS is promised to browsers (`Strict-Transport-Security`):
/// only when the cookies are marked secure, i.e. Reso is served over HTTPS.
#[derive(Clone, Copy)]
pub struct Https(pub bool);

pub async fn add(State(https): State<Https>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = if headers.contains_key(header::CONTENT_DISPOSITION) {
        DOWNLOAD_POLICY
    } else {
        PAGE_POLICY
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    if https.0 {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}
