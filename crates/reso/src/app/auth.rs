//! Passwords, sessions, API keys and the buyer's magic links.

use super::{AppError, AppResult};
use crate::store::{self, auth::StaffUser, StoreError};
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

const SESSION_MS: i64 = 12 * 3600 * 1000;
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
            // Same work either way, so response times do not tell which e-mails exist.
            let _ = password_matches(password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$3G4Vj6mU1pD7o2r1h3ehzZ2Lw7bAbf7H1YkC9GZXc9w");
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

pub async fn session(state: &AppState, token: &str) -> AppResult<(StaffUser, String)> {
    let mut conn = state.db.reader().acquire().await?;
    match store::auth::session_user(&mut conn, &token_hash(token), state.now()).await {
        Err(StoreError::NotFound) => Err(AppError::Unauthorized),
        other => Ok(other?),
    }
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
