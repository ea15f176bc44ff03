//! Signing in and out of the mediator console.

use super::session::{expired_cookie, session_cookie, Empty, MediatorForm, SESSION_COOKIE};
use crate::app;
use crate::web::shared::ClientAddress;
use crate::web::sign_in::{Credentials, NextQuery, MEDIATOR_CONSOLE};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum_extra::extract::{CookieJar, Form};

pub async fn show(Query(q): Query<NextQuery>) -> Response {
    MEDIATOR_CONSOLE.page(&q)
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    Form(c): Form<Credentials>,
) -> Response {
    if let Some(refused) = MEDIATOR_CONSOLE.refuse_cross_site(&headers, &state.config.public_url) {
        return refused;
    }
    let presented = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    let session =
        app::mediators::sign_in(&state, &c.email, &c.password, &client, presented.as_deref())
            .await
            .map(|s| session_cookie(&state, s.token));
    MEDIATOR_CONSOLE.signed_in(jar, &c, session)
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    _form: MediatorForm<Empty>,
) -> Response {
    let ended = match jar.get(SESSION_COOKIE) {
        Some(token) => app::mediators::logout(&state, token.value()).await,
        None => Ok(()),
    };
    MEDIATOR_CONSOLE.signed_out(jar, expired_cookie(), ended)
}
