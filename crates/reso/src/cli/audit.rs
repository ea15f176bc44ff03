//! `reso audit verify`: recompute every merchant's event chain.
//!
//! Exit codes (for cron and monitoring): 0 every chain intact, 1 a chain is
//! broken (the first broken link of each is printed), 2 the check could not
//! run (no database, unknown merchant).

use super::{redact, DbArgs, Failure};
use crate::store::{self, Db};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute each merchant's hash chain over its events and report the
    /// first broken link; exit 0 intact, 1 broken, 2 could not check.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this merchant's chain (its slug).
    #[arg(long, value_name = "SLUG")]
    pub merchant: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(cmd: AuditCommand) -> Result<ExitCode, Failure> {
    let AuditCommand::Verify(args) = cmd;
    // Anything that stops the check is exit 2, whatever its cause.
    verify(args).await.map_err(|e| match e {
        Failure::Internal(inner) => Failure::Usage(format!("{inner:#}")),
        usage => usage,
    })
}

async fn verify(args: VerifyArgs) -> Result<ExitCode, Failure> {
    let db = open_existing(&args.db).await?;
    let merchant_id = match &args.merchant {
        Some(slug) => {
            let mut conn = db.reader().acquire().await.map_err(anyhow::Error::from)?;
            match store::merchants::by_slug(&mut conn, slug).await {
                Ok(m) => Some(m.id),
                Err(store::StoreError::NotFound) => {
                    return Err(Failure::Usage(format!("no merchant with slug {slug:?}")))
                }
                Err(e) => return Err(Failure::Internal(e.into())),
            }
        }
        None => None,
    };
    let reports = crate::app::audit::verify(&db, merchant_id).await?;
    db.close().await;
    print!("{}", summary(&reports));
    Ok(if reports.iter().all(|r| r.is_intact()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One line per merchant.
pub(crate) fn summary(reports: &[crate::app::audit::ChainReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let before = if r.pending > 0 {
            format!(" ({} newer events not sealed yet)", r.pending)
        } else {
            String::new()
        };
        match &r.broken {
            None => out.push_str(&format!(
                "{}: intact, {} events chained{before}, last hash {}\n",
                r.slug,
                r.chained,
                r.last_hash.as_deref().unwrap_or("none")
            )),
            Some(b) => out.push_str(&format!(
                "{}: BROKEN at event {}: {} ({} events chained before it{before})\n",
                r.slug, b.event_id, b.what, r.chained
            )),
        }
    }
    out
}

/// Opens a database that must already exist (a SQLite file is not created
/// by looking at it), without migrating it.
pub(crate) async fn open_existing(db: &DbArgs) -> Result<Db, Failure> {
    let url = db.url()?;
    if let Some(path) = sqlite_path(&url) {
        if !std::path::Path::new(&path).exists() {
            return Err(Failure::Usage(format!("no database at {path}")));
        }
    }
    Db::connect(&url)
        .await
        .map_err(|e| Failure::Usage(format!("cannot open the database {}: {e}", redact(&url))))
}

/// The file of a `sqlite:` URL; `None` for PostgreSQL.
pub(crate) fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest).to_string())
}
