//! The `reso` command line: run the server or the demo, migrate, and the
//! few admin tasks that come before the control center can be used.
//!
//! Exit codes: 0 done, 2 the input was wrong (a usage error, bad value, a
//! rejected CSV row), 1 something failed inside (database, disk).
//! `reconcile` has its own, for cron (see there).

mod admin;
mod audit;
mod backup;
mod import;
mod mediator;
mod reconcile;
mod serve;

use crate::app::AppError;
use crate::clock::SystemClock;
use crate::{server, AppState, Config};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "reso",
    version,
    about = "Reso: returns, refunds and buyer protection for online shops"
)]
pub struct Cli {
    /// How logs are written to stderr: text for people, json (one object a
    /// line, each request's lines carrying its request id) for log collectors.
    #[arg(long, global = true, env = "RESO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// The same as --log-format json (kept for existing set-ups).
    #[arg(long, global = true, env = "RESO_LOG_JSON", hide = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: buyer portal, control center, JSON API and the outbox worker.
    Serve(serve::ServeArgs),
    /// Run the server on a database filled with demo shops, orders and returns.
    Demo(serve::DemoArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(DbArgs),
    /// Merchants (shops).
    #[command(subcommand)]
    Merchant(admin::MerchantCommand),
    /// Staff logins for the control center.
    #[command(subcommand)]
    Staff(admin::StaffCommand),
    /// Keys for the JSON API.
    #[command(subcommand)]
    ApiKey(admin::ApiKeyCommand),
    /// Mediator logins for the mediator console (escalated claims of every shop).
    #[command(subcommand)]
    Mediator(mediator::MediatorCommand),
    /// Import orders from a CSV file (one row per order line).
    #[command(long_about = import::LONG_HELP)]
    ImportOrders(import::ImportArgs),
    /// Compare Reso's refunds with the payment providers', import refunds made
    /// in a provider's dashboard, report differences (exit 1 when any).
    #[command(long_about = reconcile::LONG_HELP)]
    Reconcile(reconcile::ReconcileArgs),
    /// The tamper-evident event log: `audit verify` recomputes each
    /// merchant's hash chain (exit 0 intact, 1 broken, 2 could not check).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Write a consistent copy of the database while Reso runs (SQLite:
    /// VACUUM INTO; PostgreSQL: pg_dump custom format).
    Backup(backup::BackupArgs),
    /// Put a backup into an EMPTY database, then verify its event log.
    Restore(backup::RestoreArgs),
    /// Measure Reso on SQLite and PostgreSQL: return requests over HTTP beside
    /// bare SQL, a mixed day, deadlines, memory, start-up and two processes;
    /// prints Markdown tables and a verdict per goal.
    Bench(BenchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Seconds per scenario on small data, every scenario still run (for CI);
    /// goals are judged but a miss does not fail the command.
    #[arg(long)]
    pub quick: bool,
    /// Which databases to measure.
    #[arg(long, value_enum, default_value_t = BenchBackend::Both)]
    pub backend: BenchBackend,
    /// Concurrent clients per level of return requests, comma-separated
    /// (default 1,8,32,128; 1,32 with --quick).
    #[arg(long, value_delimiter = ',')]
    pub clients: Vec<usize>,
    /// Seconds per level (default 10; 1 with --quick); the mixed day runs twice as long.
    #[arg(long)]
    pub seconds: Option<f64>,
    /// PostgreSQL server to create the benchmark's databases on (the user
    /// needs CREATEDB); without it a throw-away cluster is started when
    /// initdb is installed.
    #[arg(long, value_name = "URL")]
    pub postgres_url: Option<String>,
    /// Instead: time firing N claim deadlines that fall due at once (default
    /// 100000), on a fresh SQLite file, or on the empty PostgreSQL database
    /// --postgres-url names.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "100000")]
    pub deadlines: Option<usize>,
    /// Returns in the database the insights dashboard is timed on (default
    /// 1000000; 2000 with --quick).
    #[arg(long, value_name = "N")]
    pub dashboard_returns: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchBackend {
    Sqlite,
    Postgres,
    Both,
}

/// Where the data lives: a SQLite file in a folder, or PostgreSQL.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Folder for the SQLite database (reso.db) and, without SMTP, the mailbox.
    #[arg(long, env = "RESO_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user:password@host/db); SQLite in --data-dir when absent.
    #[arg(long, env = "RESO_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// The database URL, creating the data folder when SQLite is used.
    pub fn url(&self) -> Result<String, Failure> {
        if let Some(url) = &self.database_url {
            let known = ["postgres://", "postgresql://", "sqlite:"];
            if !known.iter().any(|p| url.starts_with(p)) {
                return Err(Failure::Usage(
                    "--database-url must start with postgres:// (or sqlite:)".into(),
                ));
            }
            return Ok(url.clone());
        }
        sqlite_url(&self.data_dir)
    }
}

pub(crate) fn sqlite_url(dir: &Path) -> Result<String, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::Usage(format!(
            "cannot create the data folder {}: {e}",
            dir.display()
        ))
    })?;
    Ok(format!("sqlite://{}", dir.join("reso.db").display()))
}

/// Why a command failed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The user can fix it: exit code 2.
    #[error("{0}")]
    Usage(String),
    /// Exit code 1.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal(inner) => Failure::Internal(inner),
            AppError::NotFound(what) => Failure::Usage(format!("{what} not found")),
            other => Failure::Usage(other.to_string()),
        }
    }
}

/// Parses the arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let long_running = matches!(cli.command, Command::Serve(_) | Command::Demo(_));
    let json = cli.log_json || cli.log_format == LogFormat::Json;
    init_logging(json, if long_running { "info" } else { "warn" });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Demo(args) => serve::demo(args).await,
        Command::Migrate(db) => migrate(db).await,
        Command::Merchant(cmd) => admin::merchant(cmd).await,
        Command::Staff(cmd) => admin::staff(cmd).await,
        Command::ApiKey(cmd) => admin::api_key(cmd).await,
        Command::Mediator(cmd) => mediator::run(cmd).await,
        Command::ImportOrders(args) => import::run(args).await,
        Command::Reconcile(args) => reconcile::run(args).await,
        Command::Audit(cmd) => audit::run(cmd).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Bench(args) => bench(args).await,
    }
}

/// Logs to stderr, so that stdout carries only what a command reports.
fn init_logging(json: bool, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (impossible here) would only be ignored.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn bench(args: BenchArgs) -> Result<ExitCode, Failure> {
    if let Some(count) = args.deadlines {
        if !(1..=10_000_000).contains(&count) {
            return Err(Failure::Usage(
                "--deadlines takes a number from 1 to 10000000".into(),
            ));
        }
        eprintln!("Firing {count} claim deadlines that fall due at once…");
        let figure = match &args.postgres_url {
            Some(url) => crate::bench::deadlines::run_on(url, count).await?,
            None => crate::bench::deadlines::run(count).await?,
        };
        println!("{}", crate::bench::deadlines::report(&figure));
        return Ok(ExitCode::SUCCESS);
    }
    let mut opts = if args.quick {
        crate::bench::BenchOptions::quick()
    } else {
        crate::bench::BenchOptions::full()
    };
    opts.sqlite = args.backend != BenchBackend::Postgres;
    opts.postgres = args.backend != BenchBackend::Sqlite;
    if let Some(url) = args.postgres_url {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Failure::Usage(
                "--postgres-url must start with postgres://".into(),
            ));
        }
        opts.postgres_url = Some(url);
    }
    if !args.clients.is_empty() {
        if args.clients.iter().any(|c| !(1..=1024).contains(c)) {
            return Err(Failure::Usage(
                "--clients takes numbers from 1 to 1024".into(),
            ));
        }
        opts.clients = args.clients;
    }
    if let Some(n) = args.dashboard_returns {
        if !(1..=10_000_000).contains(&n) {
            return Err(Failure::Usage(
                "--dashboard-returns takes a number from 1 to 10000000".into(),
            ));
        }
        opts.dashboard_returns = n;
    }
    if let Some(s) = args.seconds {
        if !(0.1..=3600.0).contains(&s) {
            return Err(Failure::Usage(
                "--seconds must be between 0.1 and 3600".into(),
            ));
        }
        opts.duration = std::time::Duration::from_secs_f64(s);
        opts.mixed_duration = 2 * opts.duration;
    }
    // Ctrl-C drops the run, which stops its servers and deletes its files.
    let summary = tokio::select! {
        summary = crate::bench::run(&opts) => summary?,
        _ = tokio::signal::ctrl_c() => {
            return Err(Failure::Internal(anyhow::anyhow!("interrupted")));
        }
    };
    println!("{}", summary.markdown);
    if summary.goals_missed > 0 {
        eprintln!("{} goal(s) missed.", summary.goals_missed);
        if !args.quick {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn migrate(db: DbArgs) -> Result<ExitCode, Failure> {
    let url = db.url()?;
    let store = crate::store::Db::connect(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    store.migrate().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    store.close().await;
    println!("Database {} is up to date.", redact(&url));
    Ok(ExitCode::SUCCESS)
}

/// The state the admin commands work with: same database, no listener.
pub(crate) async fn admin_state(db: &DbArgs) -> Result<AppState, Failure> {
    let url = db.url()?;
    let config = Config {
        public_url: std::env::var("RESO_PUBLIC_URL")
            .unwrap_or_else(|_| "http://127.0.0.1:8080".into()),
        smtp: None,
        mail_dir: Some(db.data_dir.join("mail")),
        secure_cookies: false,
        simulator_settle_ms: crate::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let state = server::build_state(&url, config, Arc::new(SystemClock))
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e:#}", redact(&url)))?;
    Ok(state)
}

/// A database URL fit for printing: no password.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://reso:s3cret@db:5432/reso"),
            "postgres://reso:***@db:5432/reso"
        );
        assert_eq!(redact("sqlite://data/reso.db"), "sqlite://data/reso.db");
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
