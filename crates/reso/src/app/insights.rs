//! The insights dashboard: a merchant's period counted by the database and
//! turned into figures by the domain. The page and the API call this.

use super::claims::DEADLINE_ANSWER;
use super::AppResult;
use crate::store::insights::{self, Window};
use crate::store::merchants::Merchant;
use crate::AppState;
use reso_domain::insights::{Insights, Period};
use reso_domain::Currency;

pub struct Dashboard {
    pub insights: Insights,
    /// The currencies there is something to show in: those of the period's
    /// orders (most used first), the merchant's own, and the one shown.
    pub currencies: Vec<Currency>,
}

/// The figures of `period`. Money is in `currency`, by default the one most
/// of the period's orders were placed in (else the merchant's own).
pub async fn dashboard(
    state: &AppState,
    merchant: &Merchant,
    period: Period,
    currency: Option<Currency>,
) -> AppResult<Dashboard> {
    let window = Window {
        merchant_id: merchant.id,
        from: period.starts_at().millis(),
        until: period.ends_before().millis(),
    };
    let offered = |found: Vec<(String, i64)>| -> Vec<Currency> {
        found
            .iter()
            .filter_map(|(code, _)| Currency::parse(code).ok())
            .collect()
    };
    let now = state.now();
    let (mut currencies, chosen, facts) = match currency {
        // The currency is known: the choices are read beside the figures.
        Some(chosen) => {
            let (found, facts) = tokio::try_join!(
                insights::currencies(state.db.reader(), window),
                insights::facts(&state.db, window, chosen.as_str(), now, DEADLINE_ANSWER),
            )?;
            (offered(found), chosen, facts)
        }
        None => {
            let currencies = offered(insights::currencies(state.db.reader(), window).await?);
            let chosen = currencies.first().copied().unwrap_or(merchant.currency);
            let facts =
                insights::facts(&state.db, window, chosen.as_str(), now, DEADLINE_ANSWER).await?;
            (currencies, chosen, facts)
        }
    };
    for c in [merchant.currency, chosen] {
        if !currencies.contains(&c) {
            currencies.push(c);
        }
    }
    Ok(Dashboard {
        insights: Insights::of(period, chosen, facts),
        currencies,
    })
}
