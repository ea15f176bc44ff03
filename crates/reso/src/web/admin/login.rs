//! Signing in and out of the control center.

use super::session::{expired_cookie, session_cookie, Empty, StaffForm, SESSION_COOKIE};
use crate::app;
use crate::web::shared::ClientAddress;
use crate::web::sign_in::{Credentials, NextQuery, CONTROL_CENTER};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum_extra::extract::{CookieJar, Form};

pub async fn show(Query(q): Query<NextQuery>) -> Response {
    CONTROL_CENTER.page(&q)
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    Form(c): Form<Credentials>,
) -> Response {
    if let Some(refused) = CONTROL_CENTER.refuse_cross_site(&headers, &state.config.public_url) {
        return refused;
    }
    let presented = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    let session = app::auth::sign_in(&state, &c.email, &c.password, &client, presented.as_deref())
        .await
        .map(|s| session_cookie(&state, s.token));
    CONTROL_CENTER.signed_in(jar, &c, session)
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    _form: StaffForm<Empty>,
) -> Response {
    let ended = match jar.get(SESSION_COOKIE) {
        Some(token) => app::auth::logout(&state, token.value()).await,
        None => Ok(()),
    };
    CONTROL_CENTER.signed_out(jar, expired_cookie(), ended)
}
