//! Reso's application: the edges around the domain. `app/` holds the use
//! cases; `store/` (SQL), `api/` (JSON), `web/` (HTML), `jobs/` (outbox,
//! mail, webhooks) and `gateways/` (payment providers) carry data in and out.

pub mod api;
pub mod app;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod demo;
pub mod gateways;
pub mod i18n;
pub mod jobs;
pub mod metrics;
pub mod secrets;
pub mod security_headers;
pub mod server;
pub mod store;
pub mod web;

use clock::Clock;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Where buyers and staff reach this server; used for links in e-mails.
    pub public_url: String,
    /// Mail goes out through SMTP when set…
    pub smtp: Option<SmtpConfig>,
    /// …and is written as .eml files here when not (the demo's mailbox).
    pub mail_dir: Option<PathBuf>,
    /// Cookies only over HTTPS (off for plain-HTTP local use).
    pub secure_cookies: bool,
    /// How long the payment simulator keeps a refund pending.
    pub simulator_settle_ms: i64,
}

/// Everything a request or a job needs, passed explicitly (no globals).
#[derive(Clone)]
pub struct AppState {
    pub db: store::Db,
    pub clock: Arc<dyn Clock>,
    /// Signs magic links; generated once per installation and kept in the database.
    pub secret: Arc<Vec<u8>>,
    pub config: Arc<Config>,
    pub i18n: Arc<i18n::Translations>,
    /// Request latencies and the `/metrics` access rule.
    pub metrics: Arc<metrics::Metrics>,
    /// Seals and opens payment providers' secrets (`RESO_SECRET_KEY`); without
    /// it Reso runs, but refuses to store a provider secret.
    pub sealing_key: Option<Arc<secrets::SecretKey>>,
}

impl AppState {
    pub fn now(&self) -> i64 {
        self.clock.now().millis()
    }
}
