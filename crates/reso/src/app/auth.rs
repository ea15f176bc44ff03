//! Passwords, sessions, API keys and the buyer's magic links.

use super::rate_limits::{self, Door, Refusal};
use super::{AppError, AppResult};
use crate::store::auth::{LiveSession, SessionKind, StaffUser};
use crate::store::{self, StoreError};
use crate::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A session ends 12 hours after sign-in (absolute) …
pub const SESSION_MS: i64 = 12 * 3600 * 1000;
/// … or after an hour without a request (idle), whichever comes first.
pub const SESSION_IDLE_MS: i64 = 3600 * 1000;
/// A session's last use is written at most once a minute, not on every request.
const TOUCH_EVERY_MS: i64 = 60 * 1000;
pub const MAGIC_LINK_MS: i64 = 24 * 3600 * 1000;

pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Tokens are stored as their SHA-256: a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn hash_password(password: &str) -> AppResult<String> {
    if password.chars().count() < 8 {
        return Err(AppError::Invalid(
            "a password needs at least 8 characters".into(),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing failed: {e}")))
}

pub(crate) fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// The work of a password check for an e-mail without an account, so
/// response times do not tell which e-mails exist.
pub(crate) fn unknown_account(password: &str) {
    let _ = password_matches(password, STAND_IN_HASH);
}

/// A well-formed Argon2 hash (of no one's password) with default costs.
const STAND_IN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$3G4Vj6mU1pD7o2r1h3ehzZ2Lw7bAbf7H1YkC9GZXc9w";

/// A new session: (token for the cookie, CSRF token for the forms).
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub user: StaffUser,
}

pub async fn login(state: &AppState, email: &str, password: &str) -> AppResult<Session> {
    let mut conn = state.db.reader().acquire().await?;
    let user = match store::auth::staff_by_email(&mut conn, &email.trim().to_lowercase()).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => {
            unknown_account(password);
            return Err(AppError::Unauthorized);
        }
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if !password_matches(password, &user.password_hash) {
        return Err(AppError::Unauthorized);
    }
    let token = random_token(32);
    let csrf = random_token(32);
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::auth::insert_session(
        &mut tx,
        &token_hash(&token),
        user.id,
        &csrf,
        now,
        now + SESSION_MS,
    )
    .await?;
    tx.commit().await?;
    Ok(Session { token, csrf, user })
}

/// Signs a staff user in from the `client` address, within the sign-in
/// rate limits. The session the browser presented, if any, is ended: a
/// sign-in always starts a new session and never keeps an old token alive.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
    presented: Option<&str>,
) -> Result<Session, Refusal> {
    let session = rate_limits::sign_in(
        state,
        Door::Staff,
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

/// The user of a live session and its CSRF token; the session counts as used.
pub async fn session(state: &AppState, token: &str) -> AppResult<(StaffUser, String)> {
    let now = state.now();
    let hash = token_hash(token);
    let mut conn = state.db.reader().acquire().await?;
    let live = match store::auth::session_user(&mut conn, &hash, now, now - SESSION_IDLE_MS).await {
        Err(StoreError::NotFound) => return Err(AppError::Unauthorized),
        other => other?,
    };
    drop(conn);
    touch(state, SessionKind::Staff, &hash, &live).await?;
    Ok((live.owner, live.csrf))
}

/// Keeps a session from idling out; written only when the last write is a minute old.
pub(crate) async fn touch<T>(
    state: &AppState,
    kind: SessionKind,
    hash: &str,
    live: &LiveSession<T>,
) -> AppResult<()> {
    let now = state.now();
    if now - live.last_seen_at < TOUCH_EVERY_MS {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    store::auth::touch_session(&mut tx, kind, hash, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a staff user of the merchant another role. Their sessions end with
/// the change: whoever holds one signs in again and gets a fresh session
/// for the new privileges.
pub async fn change_role(
    state: &AppState,
    merchant_id: i64,
    email: &str,
    role: &str,
) -> AppResult<()> {
    if !matches!(role, "admin" | "agent") {
        return Err(AppError::Invalid("a role is admin or agent".into()));
    }
    let email = email.trim().to_lowercase();
    let mut tx = state.db.begin().await?;
    let user_id = match store::auth::set_role(&mut tx, merchant_id, &email, role).await {
        Err(StoreError::NotFound) => return Err(AppError::NotFound("staff user")),
        other => other?,
    };
    store::auth::delete_sessions_of(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn logout(state: &AppState, token: &str) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    store::auth::delete_session(&mut tx, &token_hash(token)).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates an API key and returns it once, in full: only its hash is kept.
pub async fn create_api_key(state: &AppState, merchant_id: i64, name: &str) -> AppResult<String> {
    let prefix = random_token(6);
    let key = format!("reso_{prefix}_{}", random_token(24));
    let mut tx = state.db.begin().await?;
    store::auth::insert_api_key(
        &mut tx,
        merchant_id,
        name,
        &prefix,
        &token_hash(&key),
        state.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

/// (api key id, merchant id) for a presented key.
pub async fn api_key(state: &AppState, key: &str) -> AppResult<(i64, i64)> {
    let mut conn = state.db.reader().acquire().await?;
    match store::auth::api_key(&mut conn, &token_hash(key)).await {
        Err(StoreError::NotFound) => Err(AppError::Unauthorized),
        other => Ok(other?),
    }
}

/// What a valid magic link lets a buyer see: one order of one merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerAccess {
    pub merchant_id: i64,
    pub order_id: i64,
    pub email: String,
}

fn link_mac(secret: &[u8], merchant_id: i64, order_id: i64, email: &str, expires: i64) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(format!("buyer-link\n{merchant_id}\n{order_id}\n{email}\n{expires}").as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// A signed, expiring token for one buyer and one order.
pub fn sign_buyer_link(state: &AppState, access: &BuyerAccess, expires: i64) -> String {
    let mac = link_mac(
        &state.secret,
        access.merchant_id,
        access.order_id,
        &access.email,
        expires,
    );
    let claims = format!(
        "{}.{}.{}.{}",
        access.merchant_id,
        access.order_id,
        expires,
        URL_SAFE_NO_PAD.encode(&access.email)
    );
    format!("{claims}.{}", URL_SAFE_NO_PAD.encode(mac))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link is not valid; ask for a new one")]
    Tampered,
    #[error("this link has expired; ask for a new one")]
    Expired,
}

pub fn verify_buyer_link(state: &AppState, token: &str) -> Result<BuyerAccess, LinkError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [merchant, order, expires, email, mac] = parts.as_slice() else {
        return Err(LinkError::Tampered);
    };
    let parse = |s: &str| s.parse::<i64>().map_err(|_| LinkError::Tampered);
    let (merchant_id, order_id, expires) = (parse(merchant)?, parse(order)?, parse(expires)?);
    let email = URL_SAFE_NO_PAD
        .decode(email)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(LinkError::Tampered)?;
    let expected = URL_SAFE_NO_PAD.encode(link_mac(
        &state.secret,
        merchant_id,
        order_id,
        &email,
        expires,
    ));
    if !same_token(&expected, mac) {
        return Err(LinkError::Tampered);
    }
    if state.now() > expires {
        return Err(LinkError::Expired);
    }
    Ok(BuyerAccess {
        merchant_id,
        order_id,
        email,
    })
}

/// Constant-time comparison for CSRF tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_account_costs_a_full_password_check() {
        // If the stand-in did not parse, no hashing would run and timing would tell.
        assert!(PasswordHash::new(STAND_IN_HASH).is_ok());
        assert!(!password_matches("guess", STAND_IN_HASH));
    }
}
