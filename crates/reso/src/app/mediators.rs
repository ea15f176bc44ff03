//! The operator's mediator team: accounts and sessions.

use super::auth::{hash_password, random_token, token_hash};
use super::{AppError, AppResult};
use crate::store::{self, mediators::Mediator, StoreError};
use crate::AppState;
use reso_domain::Email;

const SESSION_MS: i64 = 12 * 3600 * 1000;

pub async fn create(state: &AppState, email: &str, name: &str, password: &str) -> AppResult<i64> {
    let email = Email::parse(email)?;
    let hash = hash_password(password)?;
    let mut tx = state.db.begin().await?;
    let id =
        store::mediators::insert(&mut tx, email.as_str(), name.trim(), &hash, state.now()).await?;
    tx.commit().await?;
    Ok(id)
}

pub struct MediatorSession {
    /// For the cookie (pages) or `Authorization: Bearer` (API).
    pub token: String,
    pub csrf: String,
    pub mediator: Mediator,
}

pub async fn login(state: &AppState, email: &str, password: &str) -> AppResult<MediatorSession> {
    let mut conn = state.db.reader().acquire().await?;
    let mediator = match store::mediators::by_email(&mut conn, &email.trim().to_lowercase()).await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Err(AppError::Unauthorized),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if !super::auth::password_matches(password, &mediator.password_hash) {
        return Err(AppError::Unauthorized);
    }
    let token = random_token(32);
    let csrf = random_token(32);
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::mediators::insert_session(
        &mut tx,
        &token_hash(&token),
        mediator.id,
        &csrf,
        now,
        now + SESSION_MS,
    )
    .await?;
    tx.commit().await?;
    Ok(MediatorSession {
        token,
        csrf,
        mediator,
    })
}

/// The mediator of a live session token, with its CSRF token.
pub async fn session(state: &AppState, token: &str) -> AppResult<(Mediator, String)> {
    let mut conn = state.db.reader().acquire().await?;
    match store::mediators::session(&mut conn, &token_hash(token), state.now()).await {
        Err(StoreError::NotFound) => Err(AppError::Unauthorized),
        other => Ok(other?),
    }
}

pub async fn logout(state: &AppState, token: &str) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    store::mediators::delete_session(&mut tx, &token_hash(token)).await?;
    tx.commit().await?;
    Ok(())
}
