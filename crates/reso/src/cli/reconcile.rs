//! `reso reconcile`: Reso's refunds compared with the payment providers',
//! refunds made in a provider's dashboard imported, one line per difference
//! on stdout (or one JSON document with --json).
//!
//! Exit codes differ from the other commands, for cron: 0 nothing differed,
//! 1 differences were found, 2 something could not be checked (a provider
//! unreachable, the database, a bad option).

use super::{admin_state, DbArgs, Failure};
use crate::app::reconciliation::{reconcile, Report, Scope};
use crate::gateways::{self, providers::Provider};
use crate::secrets::SecretKey;
use clap::{Args, ValueEnum};
use reso_domain::Timestamp;
use std::process::ExitCode;
use std::sync::Arc;

pub const LONG_HELP: &str = "\
Compare Reso's refunds with the payment providers' and import refunds made in
a provider's dashboard.

For every payment through a connected provider (on orders placed since
--since), Reso asks the provider for the payment's refunds where it can list
them (Stripe, Klarna), and reads the refunds the provider's notifications
named that Reso could not match (all providers; the only source for PayPal
and Adyen, which cannot list a payment's refunds). One line per difference:
  missing_at_provider  Reso sent it or has it succeeded; the provider has none
  amount_differs       the same refund for another amount
  state_differs        e.g. pending in Reso, succeeded at the provider: Reso
                       moves forward as the provider's notification would
  unknown_to_reso      made at the provider: imported (refund row, balance,
                       `refund.imported` on the order's timeline)
  over_captured        an imported refund goes beyond what was captured
With --dry-run nothing changes. Running it again imports nothing twice.

Exit code 0 when nothing differed, 1 when differences were found, 2 when
something could not be checked (the other payments are still checked).";

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Only this merchant (its slug); every merchant by default.
    #[arg(long)]
    merchant: Option<String>,
    /// Only this provider; every connected one by default.
    #[arg(long, value_enum)]
    provider: Option<ProviderArg>,
    /// Only payments of orders placed on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Report the differences, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the report as one JSON document.
    #[arg(long)]
    json: bool,
    /// The key the providers' secrets are sealed with (as for `reso serve`).
    #[arg(long, env = "RESO_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProviderArg {
    Stripe,
    Paypal,
    Adyen,
    Klarna,
}

impl From<ProviderArg> for Provider {
    fn from(p: ProviderArg) -> Provider {
        match p {
            ProviderArg::Stripe => Provider::Stripe,
            ProviderArg::Paypal => Provider::Paypal,
            ProviderArg::Adyen => Provider::Adyen,
            ProviderArg::Klarna => Provider::Klarna,
        }
    }
}

/// Any failure is exit code 2 here: 1 means "differences found".
pub async fn run(args: ReconcileArgs) -> Result<ExitCode, Failure> {
    match check(args).await {
        Ok(code) => Ok(code),
        Err(failure) => {
            eprintln!("error: {failure:#}");
            Ok(ExitCode::from(2))
        }
    }
}

async fn check(args: ReconcileArgs) -> Result<ExitCode, Failure> {
    let since = args.since.as_deref().map(day_start).transpose()?;
    let sealing_key = match args.secret_key.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(Arc::new(
            SecretKey::from_base64(text).map_err(|e| Failure::Usage(e.to_string()))?,
        )),
        _ => None,
    };
    let scope = Scope {
        merchant: args.merchant.map(|m| m.trim().to_string()),
        provider: args.provider.map(Provider::from),
        since,
        dry_run: args.dry_run,
    };
    let mut state = admin_state(&args.db).await?;
    state.sealing_key = sealing_key;
    let http = gateways::provider_http().map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = reconcile(&state, &scope, &http).await;
    state.db.close().await;
    let report = report?;
    print(&report, args.json)?;
    Ok(exit_code(&report))
}

fn print(report: &Report, json: bool) -> Result<(), Failure> {
    if json {
        let text = serde_json::to_string_pretty(report).map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("{text}");
    } else {
        for finding in &report.findings {
            println!("{finding}");
        }
        for trouble in &report.errors {
            println!("{trouble}");
        }
        let dry = if report.dry_run {
            " (dry run: nothing changed)"
        } else {
            ""
        };
        println!(
            "{} payments checked, {} differences, {} errors{dry}",
            report.payments_checked,
            report.findings.len(),
            report.errors.len()
        );
    }
    for finding in report.over_captured() {
        eprintln!("WARNING: {finding}");
    }
    for trouble in &report.errors {
        eprintln!("error: {trouble}");
    }
    Ok(())
}

fn exit_code(report: &Report) -> ExitCode {
    if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if !report.findings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Midnight UTC at the start of `day` (YYYY-MM-DD).
fn day_start(day: &str) -> Result<Timestamp, Failure> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day.trim(), format)
        .map_err(|_| Failure::Usage(format!("--since takes a day as YYYY-MM-DD, not '{day}'")))?;
    let seconds = date.midnight().assume_utc().unix_timestamp();
    Ok(Timestamp(seconds * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_a_day_in_utc() {
        assert_eq!(
            day_start("2026-03-02").unwrap(),
            Timestamp(1_772_409_600_000)
        );
        assert!(day_start("2026-02-30").is_err());
        assert!(day_start("02/03/2026").is_err());
    }
}
