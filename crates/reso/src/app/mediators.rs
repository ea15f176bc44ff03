//! The operator's mediator team: accounts and sessions.

use super::auth::{hash_password, random_token, token_hash, SESSION_IDLE_MS, SESSION_MS};
use super::rate_limits::{self, Door, Refusal};
use super::{AppError, AppResult};
use crate::store::auth::SessionKind;
use crate::store::{self, mediators::Mediator, StoreError};
use crate::AppState;
use reso_domain::Email;

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
        Err(StoreError::NotFound) => {
            super::auth::unknown_account(password);
            return Err(AppError::Unauthorized);
        }
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

/// Signs a mediator in from the `client` address, within the sign-in rate
/// limits; the session the client presented, if any, is ended.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
    presented: Option<&str>,
) -> Result<MediatorSession, Refusal> {
    let session = rate_limits::sign_in(
        state,
        Door::Mediator,
        email,
        client,
        login(state, email, password),
    )
    .await?;
    if let Some(old) = presented {
        logout(state, old).await?;
    }
    Ok(session)
}

/// The mediator of a live session token, with its CSRF token; the session counts as used.
pub async fn session(state: &AppState, token: &str) -> AppResult<(Mediator, String)> {
    let now = state.now();
    let hash = token_hash(token);
    let mut conn = state.db.reader().acquire().await?;
    let live = match store::mediators::session(&mut conn, &hash, now, now - SESSION_IDLE_MS).await {
        Err(StoreError::NotFound) => return Err(AppError::Unauthorized),
        other => other?,
    };
    drop(conn);
    super::auth::touch(state, SessionKind::Mediator, &hash, &live).await?;
    Ok((live.owner, live.csrf))
}

pub async fn logout(state: &AppState, token: &str) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    store::mediators::delete_session(&mut tx, &token_hash(token)).await?;
    tx.commit().await?;
    Ok(())
}
