//! Connecting a merchant's payment-provider accounts: checked in full before
//! anything is stored, secrets sealed under `RESO_SECRET_KEY`, never shown
//! again (a list says which are configured, with their last four characters).

use super::events::{record, EventInput};
use super::{Actor, AppError, AppResult};
use crate::gateways::providers::{seal_context, Mode, Provider, ProviderAccount};
use crate::secrets::{Secret, SecretError, SecretKey, KEY_VAR};
use crate::store::{self, provider_accounts::StoredAccount};
use crate::AppState;
use reqwest::Url;
use serde_json::json;
use std::collections::BTreeMap;
use std::net::IpAddr;

const MAX_SETTING: usize = 500;
const MAX_SECRET: usize = 4_096;

/// What the merchant sends to connect an account (or replace it as a whole).
pub struct Connection {
    /// The provider's API root; the provider's own for `mode` when absent.
    pub base_url: Option<String>,
    pub mode: Mode,
    pub settings: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, Secret>,
}

/// A connected account as the merchant may see it: no secret, only whether
/// each is configured and its last four characters.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub id: i64,
    pub provider: Provider,
    pub base_url: String,
    pub settings: BTreeMap<String, String>,
    /// Secret name → its last four characters, when long enough to show them.
    pub secrets: BTreeMap<String, Option<String>>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The provider a path names; the built-in gateways need no account.
pub fn provider(code: &str) -> AppResult<Provider> {
    Provider::parse(code).ok_or_else(|| {
        if crate::app::refunds::BUILT_IN_GATEWAYS.contains(&code) {
            AppError::Invalid(format!("'{code}' is built into Reso and needs no account"))
        } else {
            AppError::Invalid(format!(
                "unknown payment provider '{code}'; Reso connects {}",
                Provider::ALL.map(Provider::code).join(", ")
            ))
        }
    })
}

fn view(a: &StoredAccount) -> AppResult<AccountView> {
    let provider = Provider::parse(&a.provider).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "stored account of unknown provider '{}'",
            a.provider
        ))
    })?;
    Ok(AccountView {
        id: a.id,
        provider,
        base_url: a.base_url.clone(),
        settings: a.settings.clone(),
        secrets: a
            .sealed
            .keys()
            .map(|name| (name.clone(), a.hints.get(name).cloned()))
            .collect(),
        created_at: a.created_at,
        updated_at: a.updated_at,
    })
}

/// Loopback hosts may speak plain HTTP (a local fake provider in tests);
/// every other provider URL must be HTTPS.
fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

fn base_url(provider: Provider, c: &Connection) -> AppResult<String> {
    let text = match c.base_url.as_deref().map(str::trim) {
        Some(given) if !given.is_empty() => given.to_string(),
        _ => provider
            .default_base_url(c.mode)
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "{} has no single live API root: give base_url (your live URL with its prefix)",
                    provider.code()
                ))
            })?
            .to_string(),
    };
    let url = Url::parse(&text)
        .map_err(|e| AppError::Invalid(format!("base_url '{text}' is not a URL: {e}")))?;
    let fine = match url.scheme() {
        "https" => true,
        "http" => is_loopback(&url),
        _ => false,
    };
    if !fine {
        return Err(AppError::Invalid(
            "base_url must be https:// (plain http only to a loopback address)".into(),
        ));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
        || text.len() > 2_000
    {
        return Err(AppError::Invalid(
            "base_url must be a plain API root: no credentials, query or fragment".into(),
        ));
    }
    Ok(text.trim_end_matches('/').to_string())
}

/// Every named value present, non-empty and not too long, and no other.
fn check_names<'a, V>(
    provider: Provider,
    kind: &str,
    expected: &[&str],
    given: &'a BTreeMap<String, V>,
    text: impl Fn(&'a V) -> &'a str,
    max: usize,
) -> AppResult<()> {
    if let Some(unknown) = given.keys().find(|k| !expected.contains(&k.as_str())) {
        return Err(AppError::Invalid(format!(
            "{} has no {kind} '{unknown}'; expected: {}",
            provider.code(),
            expected.join(", ")
        )));
    }
    for name in expected {
        match given.get(*name).map(&text).map(str::trim) {
            None | Some("") => {
                return Err(AppError::Invalid(format!(
                    "{} needs the {kind} '{name}'",
                    provider.code()
                )))
            }
            Some(v) if v.chars().count() > max => {
                return Err(AppError::Invalid(format!(
                    "the {kind} '{name}' is longer than {max} characters"
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn sealing_key(state: &AppState) -> AppResult<&SecretKey> {
    state.sealing_key.as_deref().ok_or_else(|| {
        AppError::Conflict(format!(
            "this Reso server cannot store provider secrets: start it with {KEY_VAR} set \
             to base64 of 32 random bytes (e.g. `openssl rand -base64 32`)"
        ))
    })
}

/// Connects the merchant's account at `provider` on Reso's own behalf
/// (demo data, tests); see `connect_by`.
pub async fn connect(
    state: &AppState,
    merchant_id: i64,
    provider: Provider,
    c: Connection,
) -> AppResult<AccountView> {
    connect_by(state, merchant_id, provider, c, &Actor::System).await
}

/// Connects the merchant's account at `provider`, or replaces it as a whole,
/// on the shop's timeline as done by `actor` (which secrets were set, never
/// their values). Everything is checked before anything is stored.
pub async fn connect_by(
    state: &AppState,
    merchant_id: i64,
    provider: Provider,
    c: Connection,
    actor: &Actor,
) -> AppResult<AccountView> {
    let base_url = base_url(provider, &c)?;
    check_names(
        provider,
        "setting",
        provider.settings(),
        &c.settings,
        String::as_str,
        MAX_SETTING,
    )?;
    check_names(
        provider,
        "secret",
        provider.secrets(),
        &c.secrets,
        Secret::expose,
        MAX_SECRET,
    )?;
    let key = sealing_key(state)?;
    let settings: BTreeMap<String, String> = c
        .settings
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    let mut sealed = BTreeMap::new();
    let mut hints = BTreeMap::new();
    for (name, value) in &c.secrets {
        let value = Secret::new(value.expose().trim());
        sealed.insert(
            name.clone(),
            key.seal(&value, &seal_context(merchant_id, provider, name)),
        );
        if let Some(hint) = value.hint() {
            hints.insert(name.clone(), hint);
        }
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let id = store::provider_accounts::upsert(
        &mut tx,
        &store::provider_accounts::NewAccount {
            merchant_id,
            provider: provider.code(),
            base_url: &base_url,
            settings: &settings,
            sealed: &sealed,
            hints: &hints,
        },
        now,
    )
    .await?;
    let stored = store::provider_accounts::by_id(&mut tx, id).await?;
    let data = json!({
        "provider": provider.code(), "base_url": base_url, "settings": settings,
        "secrets_set": c.secrets.keys().collect::<Vec<_>>(),
    });
    shop_event(
        &mut tx,
        merchant_id,
        "payment_provider.connected",
        actor,
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    view(&stored)
}

/// A change to the shop's provider accounts, on the shop's timeline.
async fn shop_event(
    tx: &mut store::Tx,
    merchant_id: i64,
    kind: &str,
    actor: &Actor,
    data: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    let merchant = store::merchants::by_id(tx, merchant_id).await?;
    let event = EventInput {
        order_id: None,
        return_id: None,
        kind,
        actor: &actor.label(),
        data,
        buyer: None,
    };
    record(tx, &merchant, event, now).await?;
    Ok(())
}

pub async fn list(state: &AppState, merchant_id: i64) -> AppResult<Vec<AccountView>> {
    let mut conn = state.db.reader().acquire().await?;
    store::provider_accounts::list(&mut conn, merchant_id)
        .await?
        .iter()
        .map(view)
        .collect()
}

/// Disconnects the account. Refused while a dispute that came through it is
/// undecided: its answer and its decision come through this account.
pub async fn disconnect(
    state: &AppState,
    merchant_id: i64,
    provider: Provider,
    actor: &Actor,
) -> AppResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let undecided = store::disputes::undecided_at(&mut tx, merchant_id, provider.code()).await?;
    if undecided > 0 {
        return Err(AppError::Conflict(format!(
            "{undecided} dispute(s) through this {} account are undecided; it stays connected until the provider decides them",
            provider.code()
        )));
    }
    if !store::provider_accounts::delete(&mut tx, merchant_id, provider.code()).await? {
        return Err(AppError::NotFound("payment provider account"));
    }
    let data = json!({ "provider": provider.code() });
    shop_event(
        &mut tx,
        merchant_id,
        "payment_provider.disconnected",
        actor,
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why a stored account could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{KEY_VAR} is not set: the provider account's secrets cannot be opened")]
    NoKey,
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// A stored account with its secrets opened, for an adapter.
pub fn open(key: Option<&SecretKey>, a: &StoredAccount) -> Result<ProviderAccount, OpenError> {
    let provider = Provider::parse(&a.provider).ok_or_else(|| {
        store::StoreError::Corrupt(format!("account of unknown provider '{}'", a.provider))
    })?;
    let key = key.ok_or(OpenError::NoKey)?;
    let mut secrets = BTreeMap::new();
    for (name, sealed) in &a.sealed {
        let context = seal_context(a.merchant_id, provider, name);
        secrets.insert(name.clone(), key.open(sealed, &context)?);
    }
    Ok(ProviderAccount {
        id: a.id,
        merchant_id: a.merchant_id,
        provider,
        base_url: a.base_url.clone(),
        settings: a.settings.clone(),
        secrets,
    })
}

/// The merchant's account at `provider`, opened; `None` when not connected.
pub async fn account_for(
    state: &AppState,
    merchant_id: i64,
    provider: Provider,
) -> Result<Option<ProviderAccount>, OpenError> {
    let mut conn = state
        .db
        .reader()
        .acquire()
        .await
        .map_err(store::StoreError::from)?;
    let stored =
        store::provider_accounts::for_provider(&mut conn, merchant_id, provider.code()).await?;
    stored
        .map(|a| open(state.sealing_key.as_deref(), &a))
        .transpose()
}
