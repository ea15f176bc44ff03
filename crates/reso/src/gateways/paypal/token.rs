//! PayPal's OAuth2 access tokens (client credentials), cached for the whole
//! process. The worker may build a new adapter for every job, so the cache
//! cannot live in the adapter: it is one map keyed by a digest of the API
//! root, client id and client secret. The secret is part of the key so an
//! account saved with the right client id but a wrong secret never borrows
//! another account's token.

use super::super::GatewayError;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// A token is replaced this long before PayPal says it expires (or halfway
/// through a shorter life), so no request goes out with one about to lapse.
const RENEW_BEFORE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub access_token: String,
    renew_at: Instant,
}

impl Token {
    fn new(access_token: String, expires_in: Duration, issued: Instant) -> Token {
        let margin = RENEW_BEFORE.min(expires_in / 2);
        Token {
            access_token,
            renew_at: issued + (expires_in - margin),
        }
    }

    fn usable_at(&self, now: Instant) -> bool {
        now < self.renew_at
    }
}

/// One account's cached token. The async lock makes concurrent refunds of
/// an account wait for one token request instead of each making their own.
type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

static CACHE: LazyLock<Mutex<HashMap<[u8; 32], Slot>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Where an account's token is fetched from and kept.
pub struct Tokens {
    slot: Slot,
    url: String,
    client_id: String,
    client_secret: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds.
    expires_in: u64,
}

impl Tokens {
    pub fn for_account(base_url: &str, client_id: &str, client_secret: &str) -> Tokens {
        let mut digest = Sha256::new();
        for part in [base_url, client_id, client_secret] {
            digest.update((part.len() as u64).to_be_bytes());
            digest.update(part.as_bytes());
        }
        let key: [u8; 32] = digest.finalize().into();
        let slot = CACHE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(key)
            .or_default()
            .clone();
        Tokens {
            slot,
            url: format!("{base_url}/v1/oauth2/token"),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
        }
    }

    /// A token still good for a while: the cached one, or a new one.
    pub async fn get(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Result<String, GatewayError> {
        let mut slot = self.slot.lock().await;
        if let Some(token) = slot.as_ref().filter(|t| t.usable_at(Instant::now())) {
            return Ok(token.access_token.clone());
        }
        let token = self.fetch(http, timeout).await?;
        let access_token = token.access_token.clone();
        *slot = Some(token);
        Ok(access_token)
    }

    /// Forgets `refused`, which PayPal no longer accepts (revoked, or expired
    /// early), unless another request has replaced it already.
    pub async fn discard(&self, refused: &str) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|t| t.access_token == refused) {
            *slot = None;
        }
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Result<Token, GatewayError> {
        let issued = Instant::now();
        let response = http
            .post(&self.url)
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| super::unreachable("token request", &e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| super::unreachable("token request", &e))?;
        if !status.is_success() {
            // A refused credential is the merchant's to fix in their account
            // settings; until then the refund waits instead of failing.
            return Err(GatewayError::Unavailable(format!(
                "PayPal refused an access token ({status}): {}",
                super::error_summary(&body)
            )));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            GatewayError::Unavailable(format!("PayPal's token answer does not parse: {e}"))
        })?;
        Ok(Token::new(
            parsed.access_token,
            Duration::from_secs(parsed.expires_in),
            issued,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_a_minute_before_it_expires() {
        let t0 = Instant::now();
        let token = Token::new("A".into(), Duration::from_secs(32_400), t0);
        assert!(token.usable_at(t0 + Duration::from_secs(32_339)));
        assert!(!token.usable_at(t0 + Duration::from_secs(32_340)));
    }

    #[test]
    fn a_short_lived_token_is_renewed_halfway() {
        let t0 = Instant::now();
        let token = Token::new("A".into(), Duration::from_secs(20), t0);
        assert!(token.usable_at(t0 + Duration::from_secs(9)));
        assert!(!token.usable_at(t0 + Duration::from_secs(10)));
        let expired = Token::new("B".into(), Duration::ZERO, t0);
        assert!(!expired.usable_at(t0));
    }

    #[test]
    fn accounts_share_a_cache_slot_only_with_the_same_credentials() {
        let a = Tokens::for_account("https://api-m.paypal.com", "client", "secret");
        let same = Tokens::for_account("https://api-m.paypal.com", "client", "secret");
        let wrong_secret = Tokens::for_account("https://api-m.paypal.com", "client", "guess");
        let sandbox = Tokens::for_account("https://api-m.sandbox.paypal.com", "client", "secret");
        assert!(Arc::ptr_eq(&a.slot, &same.slot));
        assert!(!Arc::ptr_eq(&a.slot, &wrong_secret.slot));
        assert!(!Arc::ptr_eq(&a.slot, &sandbox.slot));
    }
}
