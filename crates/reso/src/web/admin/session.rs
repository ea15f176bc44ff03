//! Staff sessions: the `reso_session` cookie, the `Staff` extractor that
//! loads the signed-in user and their merchant, and `StaffForm`, which also
//! checks the form's CSRF token before anything else reads the form.

use super::Nav;
use crate::app::{self, Actor, AppError};
use crate::store::auth::StaffUser;
use crate::store::merchants::Merchant;
use crate::web::shared::PageError;
use crate::web::sign_in::CONTROL_CENTER;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "reso_session";
/// Same lifetime as the session row (`app::auth`), so the cookie dies with it.
const SESSION_HOURS: i64 = 12;
/// Settings forms with many rules are the largest; photos never come here.
const FORM_LIMIT: usize = 256 * 1024;

/// The cookie that carries a new session.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(state.config.secure_cookies)
        .max_age(time::Duration::hours(SESSION_HOURS))
        .build()
}

/// The same cookie, expired, to sign out.
pub fn expired_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/").build()
}

/// A signed-in staff user with their merchant and the session's CSRF token.
pub struct Staff {
    pub user: StaffUser,
    pub merchant: Merchant,
    pub csrf: String,
    /// Buyer messages waiting for an answer (for the navigation).
    pub unanswered: i64,
    /// Claims waiting for the shop's answer (for the navigation).
    pub claims_waiting: i64,
    /// The quality alert banner (for every page).
    pub quality: Option<super::quality_alerts::QualityBanner>,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            id: self.user.id,
            email: self.user.email.clone(),
        }
    }

    pub fn nav(&self) -> Nav {
        Nav {
            merchant: self.merchant.name.clone(),
            user: self.user.email.clone(),
            role: self.user.role.clone(),
            csrf: self.csrf.clone(),
            unanswered: self.unanswered,
            claims_waiting: self.claims_waiting,
            quality: self.quality.clone(),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == "admin"
    }

    /// Settings are for admins; agents work the queue.
    pub fn require_admin(&self) -> Result<(), PageError> {
        if self.is_admin() {
            return Ok(());
        }
        Err(PageError::from(AppError::Forbidden(
            "only an admin of this shop can change its settings".into(),
        )))
    }
}

impl FromRequestParts<AppState> for Staff {
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
            return Err(CONTROL_CENTER.to_login(parts));
        };
        let (user, csrf) = match app::auth::session(state, &token).await {
            Ok(found) => found,
            Err(AppError::Unauthorized) => return Err(CONTROL_CENTER.to_login(parts)),
            Err(e) => return Err(PageError::from(e).into_response()),
        };
        let merchant = app::merchants::by_id(state, user.merchant_id)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let unanswered = app::messages::unanswered_count(state, merchant.id)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let claims_waiting = super::claims::waiting_count(state, merchant.id)
            .await
            .map_err(|e| e.into_response())?;
        let quality = super::quality_alerts::QualityBanner::load(state, merchant.id)
            .await
            .map_err(|e| e.into_response())?;
        Ok(Staff {
            user,
            merchant,
            csrf,
            unanswered,
            claims_waiting,
            quality,
        })
    }
}

/// A staff form post: the user, and the form once its CSRF token matched
/// the session's. A missing or wrong token is a 403 and nothing runs.
pub struct StaffForm<T> {
    pub staff: Staff,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let form = crate::web::csrf_form::read_checked(
            &parts.headers,
            body,
            &staff.csrf,
            FORM_LIMIT,
            "Send fewer or shorter entries.",
        )
        .await?;
        Ok(StaffForm { staff, form })
    }
}

/// A form with nothing but its CSRF token (authorize, mark received, sign out).
#[derive(Deserialize)]
pub struct Empty {}
