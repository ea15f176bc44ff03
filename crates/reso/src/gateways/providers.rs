//! The payment providers a merchant connects an account of (the simulator and
//! the manual gateway need none), what each account needs, and an account
//! as adapters receive it: secrets opened, in memory only.

use crate::secrets::Secret;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Stripe,
    Paypal,
    Adyen,
    Klarna,
}

/// Where a connected account's requests go when the merchant names no base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    Test,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::Stripe,
        Provider::Paypal,
        Provider::Adyen,
        Provider::Klarna,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Provider::Stripe => "stripe",
            Provider::Paypal => "paypal",
            Provider::Adyen => "adyen",
            Provider::Klarna => "klarna",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The provider's API root, `None` where it has no single one (Adyen's
    /// live URL carries the merchant's own prefix, so it must be given).
    pub fn default_base_url(self, mode: Mode) -> Option<&'static str> {
        match (self, mode) {
            // Stripe tells live from test by the key, not the host.
            (Provider::Stripe, _) => Some("https://api.stripe.com"),
            (Provider::Paypal, Mode::Live) => Some("https://api-m.paypal.com"),
            (Provider::Paypal, Mode::Test) => Some("https://api-m.sandbox.paypal.com"),
            (Provider::Adyen, Mode::Live) => None,
            (Provider::Adyen, Mode::Test) => Some("https://checkout-test.adyen.com"),
            (Provider::Klarna, Mode::Live) => Some("https://api.klarna.com"),
            (Provider::Klarna, Mode::Test) => Some("https://api.playground.klarna.com"),
        }
    }

    /// Public settings the account must have.
    pub fn settings(self) -> &'static [&'static str] {
        match self {
            Provider::Stripe => &[],
            // The webhook id is what PayPal's signature verification names.
            Provider::Paypal => &["client_id", "webhook_id"],
            Provider::Adyen => &["merchant_account"],
            Provider::Klarna => &["username"],
        }
    }

    /// Secrets the account must have; stored only sealed.
    pub fn secrets(self) -> &'static [&'static str] {
        match self {
            Provider::Stripe => &["secret_key", "webhook_secret"],
            Provider::Paypal => &["client_secret"],
            Provider::Adyen => &["api_key", "hmac_key"],
            Provider::Klarna => &["password"],
        }
    }
}

/// A merchant's connected account, secrets opened. Its `Debug` shows no
/// secret (`Secret` redacts itself).
#[derive(Debug, Clone)]
pub struct ProviderAccount {
    pub id: i64,
    pub merchant_id: i64,
    pub provider: Provider,
    pub base_url: String,
    pub settings: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, Secret>,
}

impl ProviderAccount {
    /// A setting the provider requires (checked when the account was saved).
    pub fn setting(&self, name: &str) -> String {
        self.settings.get(name).cloned().unwrap_or_default()
    }

    /// A secret the provider requires, as adapters need it: in plain text.
    pub fn secret(&self, name: &str) -> String {
        self.secrets
            .get(name)
            .map(|s| s.expose().to_string())
            .unwrap_or_default()
    }
}

/// Where the sealed secret `name` of the merchant's account belongs; bound
/// into the seal, so it opens nowhere else.
pub fn seal_context(merchant_id: i64, provider: Provider, name: &str) -> String {
    format!(
        "reso/provider-account/{merchant_id}/{}/{name}",
        provider.code()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_names_its_needs() {
        for p in Provider::ALL {
            assert_eq!(Provider::parse(p.code()), Some(p));
            assert!(!p.secrets().is_empty());
            assert!(p.default_base_url(Mode::Test).is_some());
        }
        assert_eq!(Provider::parse("simulator"), None);
        assert_eq!(Provider::Adyen.default_base_url(Mode::Live), None);
    }
}
