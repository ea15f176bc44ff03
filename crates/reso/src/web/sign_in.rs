//! Signing in to a console — the staff control center or the mediator
//! console: the login page, where a sign-in may lead, and the way back to
//! the login page from a page that needs a session. Each console keeps its
//! own accounts, sessions and cookie; only the door is shared.

use super::shared::{cross_site, render, render_status, too_many, PageError};
use crate::app::rate_limits::Refusal;
use crate::app::{AppError, AppResult};
use askama::Template;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use serde::Deserialize;

/// A console people sign in to.
pub struct Console {
    /// Shown in the page header ("Control center").
    pub name: &'static str,
    pub heading: &'static str,
    /// Every page of the console is under this path.
    pub root: &'static str,
    pub login: &'static str,
    /// Where a sign-in lands when no page was asked for.
    pub home: &'static str,
}

pub const CONTROL_CENTER: Console = Console {
    name: "Control center",
    heading: "Sign in",
    root: "/admin",
    login: "/admin/login",
    home: "/admin/returns",
};

pub const MEDIATOR_CONSOLE: Console = Console {
    name: "Mediator console",
    heading: "Sign in as a mediator",
    root: "/mediator",
    login: "/mediator/login",
    home: "/mediator",
};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    lang: &'a str,
    console: &'a Console,
    email: &'a str,
    next: &'a str,
    failed: bool,
    /// Minutes to wait after too many failed attempts.
    wait_minutes: Option<i64>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// What the login form posts.
#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    next: Option<String>,
}

impl Console {
    /// Where to go after signing in: only a page of this console, so the
    /// login page cannot be used to send people elsewhere.
    pub fn safe_next<'a>(&self, next: Option<&'a str>) -> &'a str {
        match next {
            Some(n)
                if n.starts_with(self.root)
                    && !n.starts_with(self.login)
                    && !n.contains(['\\', '\r', '\n']) =>
            {
                n
            }
            _ => self.home,
        }
    }

    /// The empty login page (`GET`).
    pub fn page(&self, q: &NextQuery) -> Response {
        render(&SignInPage {
            lang: "en",
            console: self,
            email: "",
            next: self.safe_next(q.next.as_deref()),
            failed: false,
            wait_minutes: None,
        })
    }

    /// A login form posted from another site's page (login CSRF: signing
    /// the victim in to the attacker's account) is refused before anything runs.
    pub fn refuse_cross_site(&self, headers: &HeaderMap, public_url: &str) -> Option<Response> {
        cross_site(headers, public_url).then(|| {
            PageError::from(AppError::Forbidden(
                "sign in from this site's own login page".into(),
            ))
            .into_response()
        })
    }

    /// The answer to a login form: into the console with the session's
    /// cookie, or the page again. One message for an unknown e-mail and a
    /// wrong password: the page must not tell which addresses have accounts.
    pub fn signed_in(
        &self,
        jar: CookieJar,
        c: &Credentials,
        session: Result<Cookie<'static>, Refusal>,
    ) -> Response {
        let next = self.safe_next(c.next.as_deref());
        let again = |failed: bool, wait_minutes: Option<i64>| SignInPage {
            lang: "en",
            console: self,
            email: c.email.trim(),
            next,
            failed,
            wait_minutes,
        };
        match session {
            Ok(cookie) => (jar.add(cookie), Redirect::to(next)).into_response(),
            Err(Refusal::Failed(AppError::Unauthorized)) => {
                render_status(StatusCode::UNAUTHORIZED, &again(true, None))
            }
            Err(Refusal::Limited { retry_after_secs }) => too_many(
                render(&again(false, Some((retry_after_secs + 59) / 60))),
                retry_after_secs,
            ),
            Err(Refusal::Failed(e)) => PageError::from(e).into_response(),
        }
    }

    /// Signed out (or the session could not be ended): back to the login page.
    pub fn signed_out(
        &self,
        jar: CookieJar,
        expired: Cookie<'static>,
        ended: AppResult<()>,
    ) -> Response {
        match ended {
            Ok(()) => (jar.remove(expired), Redirect::to(self.login)).into_response(),
            Err(e) => PageError::from(e).into_response(),
        }
    }

    /// A page that needs a session, asked for without one: the login page,
    /// which brings the user back to it afterwards (a POST is not replayed).
    pub fn to_login(&self, parts: &Parts) -> Response {
        let wanted = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or(self.home);
        if parts.method == Method::GET
            && self.safe_next(Some(wanted)) == wanted
            && wanted != self.home
        {
            let encoded: String = wanted.bytes().map(percent_encoded).collect();
            return Redirect::to(&format!("{}?next={encoded}", self.login)).into_response();
        }
        Redirect::to(self.login).into_response()
    }
}

/// One byte of a query value; unreserved characters (and `/`) stay as they are.
fn percent_encoded(b: u8) -> String {
    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
        (b as char).to_string()
    } else {
        format!("%{b:02X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_leads_only_into_its_own_console() {
        let c = &CONTROL_CENTER;
        assert_eq!(c.safe_next(Some("/admin/returns/7")), "/admin/returns/7");
        assert_eq!(c.safe_next(Some("https://evil.example/")), "/admin/returns");
        assert_eq!(c.safe_next(Some("//evil.example/admin")), "/admin/returns");
        assert_eq!(c.safe_next(Some("/admin\\@evil")), "/admin/returns");
        assert_eq!(c.safe_next(Some("/admin/login")), "/admin/returns");
        assert_eq!(c.safe_next(Some("/mediator")), "/admin/returns");
        assert_eq!(c.safe_next(None), "/admin/returns");
        let m = &MEDIATOR_CONSOLE;
        assert_eq!(
            m.safe_next(Some("/mediator/claims/3")),
            "/mediator/claims/3"
        );
        assert_eq!(m.safe_next(Some("/admin/returns")), "/mediator");
        assert_eq!(m.safe_next(Some("/mediator/login?next=x")), "/mediator");
    }

    #[test]
    fn the_way_back_keeps_the_wanted_page_percent_encoded() {
        let (parts, _) = axum::http::Request::get("/admin/returns?status=open&page=2")
            .body(())
            .unwrap()
            .into_parts();
        let response = CONTROL_CENTER.to_login(&parts);
        let location = response.headers()["location"].to_str().unwrap();
        assert_eq!(
            location,
            "/admin/login?next=/admin/returns%3Fstatus%3Dopen%26page%3D2"
        );
    }
}
