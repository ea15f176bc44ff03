//! Secrets at rest: payment providers' API keys and webhook signing secrets
//! are stored only sealed with ChaCha20-Poly1305 under a key from the
//! environment (`RESO_SECRET_KEY`, base64 of 32 bytes). Each value gets a
//! random nonce and is bound to where it belongs (associated data), so a
//! sealed value copied into another account's row does not open.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use std::fmt;

/// The environment variable that holds the key.
pub const KEY_VAR: &str = "RESO_SECRET_KEY";
/// Sealed values start with this, so a later key or cipher can be told apart.
const VERSION: &str = "v1:";
const NONCE_LEN: usize = 12;

/// A secret in memory. It prints as `[redacted]` in logs, debug output and
/// error messages; `expose` is the one way to read it, at the call that needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last four characters, to tell keys apart in a list (none of a
    /// secret shorter than 12, where four would give too much away).
    pub fn hint(&self) -> Option<String> {
        let chars: Vec<char> = self.0.chars().collect();
        (chars.len() >= 12).then(|| chars[chars.len() - 4..].iter().collect())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("{KEY_VAR} is not base64 of 32 bytes (make one with `openssl rand -base64 32`)")]
    BadKey,
    #[error(
        "a stored secret cannot be opened: it is damaged, or was sealed under another {KEY_VAR}"
    )]
    CannotOpen,
}

/// The key that seals and opens secrets.
#[derive(Clone)]
pub struct SecretKey(Key);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

impl SecretKey {
    pub fn from_base64(text: &str) -> Result<Self, SecretError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| SecretError::BadKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadKey)?;
        Ok(SecretKey(bytes.into()))
    }

    /// The key in `RESO_SECRET_KEY`, `None` when it is unset or empty.
    pub fn from_env() -> Result<Option<Self>, SecretError> {
        match std::env::var(KEY_VAR) {
            Ok(v) if !v.trim().is_empty() => Self::from_base64(&v).map(Some),
            _ => Ok(None),
        }
    }

    /// A new random key and its base64 text (for the demo's key file).
    pub fn generate() -> (Self, String) {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let text = STANDARD.encode(bytes);
        (SecretKey(bytes.into()), text)
    }

    /// Seals `secret` for the place named by `context` (e.g. the account and
    /// field); only the same context opens it again.
    pub fn seal(&self, secret: &Secret, context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = ChaCha20Poly1305::new(&self.0)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret.expose().as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            // Encryption fails only for messages of gigabytes.
            .expect("a secret this size can be sealed");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Secret, SecretError> {
        let bytes = sealed
            .strip_prefix(VERSION)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or(SecretError::CannotOpen)?;
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let plain = ChaCha20Poly1305::new(&self.0)
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| SecretError::CannotOpen)?;
        String::from_utf8(plain)
            .map(Secret)
            .map_err(|_| SecretError::CannotOpen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_context() {
        let (key, _) = SecretKey::generate();
        let (other, _) = SecretKey::generate();
        let secret = Secret::new("sk_test_51Habcdefghijklmnop");
        let sealed = key.seal(&secret, "1/stripe/secret_key");
        assert!(!sealed.contains("sk_test"));
        assert_eq!(key.open(&sealed, "1/stripe/secret_key"), Ok(secret.clone()));
        assert_eq!(
            other.open(&sealed, "1/stripe/secret_key"),
            Err(SecretError::CannotOpen)
        );
        assert_eq!(
            key.open(&sealed, "2/stripe/secret_key"),
            Err(SecretError::CannotOpen)
        );
        // A fresh nonce each time: the same secret never seals the same way twice.
        assert_ne!(sealed, key.seal(&secret, "1/stripe/secret_key"));
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("whsec_very_secret_value");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert!(!format!("{secret:?}").contains("very"));
        assert_eq!(secret.hint().as_deref(), Some("alue"));
        assert_eq!(Secret::new("short").hint(), None);
    }

    #[test]
    fn a_key_is_base64_of_32_bytes() {
        let (_, text) = SecretKey::generate();
        assert!(SecretKey::from_base64(&text).is_ok());
        assert_eq!(
            SecretKey::from_base64("c2hvcnQ=").unwrap_err(),
            SecretError::BadKey
        );
        assert_eq!(
            SecretKey::from_base64("not base64!").unwrap_err(),
            SecretError::BadKey
        );
    }
}
