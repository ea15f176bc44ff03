//! Signing in and out of the mediator console.

use super::session::{
    expired_cookie, safe_next, session_cookie, Empty, MediatorForm, SESSION_COOKIE,
};
use crate::app::{self, AppError};
use crate::web::shared::{render, render_status, PageError};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, Form};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "mediator/login.html")]
struct LoginPage<'a> {
    lang: &'a str,
    email: &'a str,
    next: &'a str,
    failed: bool,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn show(Query(q): Query<NextQuery>) -> Response {
    render(&LoginPage {
        lang: "en",
        email: "",
        next: safe_next(q.next.as_deref()),
        failed: false,
    })
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(c): Form<Credentials>,
) -> Response {
    let next = safe_next(c.next.as_deref());
    match app::mediators::login(&state, &c.email, &c.password).await {
        Ok(session) => {
            let jar = jar.add(session_cookie(&state, session.token));
            (jar, Redirect::to(next)).into_response()
        }
        // One message for an unknown e-mail and a wrong password: the page
        // must not tell which addresses have accounts.
        Err(AppError::Unauthorized) => render_status(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                lang: "en",
                email: c.email.trim(),
                next,
                failed: true,
            },
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    _form: MediatorForm<Empty>,
) -> Response {
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        if let Err(e) = app::mediators::logout(&state, &token).await {
            return PageError::from(e).into_response();
        }
    }
    (
        jar.remove(expired_cookie()),
        Redirect::to("/mediator/login"),
    )
        .into_response()
}
