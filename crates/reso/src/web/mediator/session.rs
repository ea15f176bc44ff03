//! Mediator sessions: the `reso_mediator` cookie, the `Mediator` extractor
//! that loads the signed-in mediator, and `MediatorForm`, which checks the
//! form's CSRF token before anything else reads the form. A staff session
//! (`reso_session`) is a different cookie and opens nothing here.

use crate::app::{self, claims::Party, AppError};
use crate::store::mediators::Mediator as Account;
use crate::web::shared::PageError;
use crate::web::sign_in::MEDIATOR_CONSOLE;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "reso_mediator";
/// Same lifetime as the session row (`app::mediators`), so the cookie dies with it.
const SESSION_HOURS: i64 = 12;
/// Decision messages are the longest fields (5,000 characters); documents never come here.
const FORM_LIMIT: usize = 64 * 1024;

/// The cookie that carries a new session, sent only to the mediator console.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/mediator")
        .secure(state.config.secure_cookies)
        .max_age(time::Duration::hours(SESSION_HOURS))
        .build()
}

/// The same cookie, expired, to sign out.
pub fn expired_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .path("/mediator")
        .build()
}

/// A signed-in mediator and the session's CSRF token.
pub struct Mediator {
    pub account: Account,
    pub csrf: String,
}

impl Mediator {
    /// Who acts on a claim, as the claim's events record it.
    pub fn party(&self) -> Party {
        Party::Mediator {
            id: self.account.id,
            email: self.account.email.clone(),
        }
    }

    pub fn nav(&self) -> Nav {
        Nav {
            name: self.account.name.clone(),
            email: self.account.email.clone(),
            csrf: self.csrf.clone(),
        }
    }
}

/// Who is signed in, shown on every console page (with the CSRF token for
/// the sign-out form in the header).
pub struct Nav {
    pub name: String,
    pub email: String,
    pub csrf: String,
}

impl FromRequestParts<AppState> for Mediator {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_string())
            .filter(|t| !t.is_empty())
        else {
            return Err(MEDIATOR_CONSOLE.to_login(parts));
        };
        match app::mediators::session(state, &token).await {
            Ok((account, csrf)) => Ok(Mediator { account, csrf }),
            Err(AppError::Unauthorized) => Err(MEDIATOR_CONSOLE.to_login(parts)),
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// A mediator's form post: the mediator, and the form once its CSRF token
/// matched the session's. A missing or wrong token is a 403 and nothing runs.
pub struct MediatorForm<T> {
    pub mediator: Mediator,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for MediatorForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let mediator = Mediator::from_request_parts(&mut parts, state).await?;
        let form = crate::web::csrf_form::read_checked(
            &parts.headers,
            body,
            &mediator.csrf,
            FORM_LIMIT,
            "Shorten the message and try again.",
        )
        .await?;
        Ok(MediatorForm { mediator, form })
    }
}

/// A form with nothing but its CSRF token (sign out).
#[derive(Deserialize)]
pub struct Empty {}
