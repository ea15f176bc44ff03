//! `reso bench`: the speed of Reso on SQLite and on PostgreSQL, measured side
//! by side in one run so the ratios mean something on a shared, noisy
//! machine. The server under test runs as its own `reso serve` process on a
//! fresh copy of a database loaded through the use cases; the clients run
//! here. Scenarios: buyer return requests over HTTP against the same
//! transactions in bare SQL, a mixed day, deadlines falling due at once,
//! memory and start-up, and (PostgreSQL) two server processes on one port.

mod bare_sql;
pub mod dashboard;
mod data;
mod databases;
pub mod deadlines;
mod goals;
mod load;
mod memory;
mod mixed;
mod postgres;
mod report;
mod scale;
mod server_process;
mod startup;

use crate::store::Backend;
use dashboard::DashboardFigure;
use data::DataSize;
use databases::Databases;
use deadlines::DeadlineFigure;
use load::Outcome;
use server_process::Servers;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The concurrency the goals are stated at; the mixed day and the
/// two-process comparison run at it.
pub const GOAL_CLIENTS: usize = 32;
const HTTP: &str = "return request via HTTP API";
const BARE_SQL: &str = "same transactions, bare SQL";

pub struct BenchOptions {
    pub sqlite: bool,
    pub postgres: bool,
    /// A PostgreSQL server to create the databases on; without it one is
    /// started here when `initdb` is installed.
    pub postgres_url: Option<String>,
    /// Concurrent clients for each level of return requests.
    pub clients: Vec<usize>,
    /// How long each level (and each half of the two-process comparison) runs.
    pub duration: Duration,
    /// How long the mixed day runs.
    pub mixed_duration: Duration,
    pub data: DataSize,
    pub deadlines: usize,
    /// Returns in the database the insights dashboard is timed on.
    pub dashboard_returns: usize,
    /// Starts timed on an empty database.
    pub ready_runs: usize,
}

impl BenchOptions {
    pub fn full() -> Self {
        BenchOptions {
            sqlite: true,
            postgres: true,
            postgres_url: None,
            clients: vec![1, 8, 32, 128],
            duration: Duration::from_secs(10),
            mixed_duration: Duration::from_secs(20),
            data: DataSize {
                shops: 4,
                orders_per_shop: 1_000,
                open_returns_per_shop: 100,
            },
            deadlines: deadlines::DEFAULT_DEADLINES,
            dashboard_returns: dashboard::DEFAULT_RETURNS,
            ready_runs: 7,
        }
    }

    /// Seconds per scenario, small data: keeps the benchmark from rotting in CI.
    pub fn quick() -> Self {
        BenchOptions {
            clients: vec![1, GOAL_CLIENTS],
            duration: Duration::from_secs(1),
            mixed_duration: Duration::from_secs(2),
            data: DataSize {
                shops: 2,
                orders_per_shop: 60,
                open_returns_per_shop: 10,
            },
            deadlines: 1_000,
            dashboard_returns: 2_000,
            ready_runs: 2,
            ..BenchOptions::full()
        }
    }
}

/// One measured level, or one class of requests in it.
#[derive(Debug, Clone)]
pub struct Figure {
    pub database: &'static str,
    pub scenario: String,
    pub clients: usize,
    pub requests: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Figure {
    fn new(
        database: &'static str,
        scenario: &str,
        clients: usize,
        elapsed: Duration,
        latencies: &[Duration],
        errors: usize,
    ) -> Self {
        let mut sorted = latencies.to_vec();
        sorted.sort_unstable();
        let pct = |p: f64| -> f64 {
            if sorted.is_empty() {
                return 0.0;
            }
            let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
            sorted[i].as_secs_f64() * 1000.0
        };
        Figure {
            database,
            scenario: scenario.to_string(),
            clients,
            requests: sorted.len(),
            errors,
            per_second: sorted.len() as f64 / elapsed.as_secs_f64(),
            p50_ms: pct(0.50),
            p99_ms: pct(0.99),
        }
    }

    /// All requests of a run in one figure.
    fn overall(database: &'static str, scenario: &str, clients: usize, o: &Outcome) -> Self {
        let all: Vec<Duration> = o.latencies.concat();
        Figure::new(
            database,
            scenario,
            clients,
            o.elapsed,
            &all,
            o.errors.iter().sum(),
        )
    }
}

/// Everything measured on one database.
pub struct DatabaseResults {
    pub database: &'static str,
    pub backend: Backend,
    pub version: String,
    /// HTTP and bare SQL, level by level.
    pub requests: Vec<Figure>,
    /// One figure per class of the mixed day, then all of them.
    pub mixed: Vec<Figure>,
    pub deadlines: Option<DeadlineFigure>,
    /// The dashboard's requests, and how long seeding its returns took.
    pub dashboard: Option<(Vec<DashboardFigure>, Duration)>,
    pub idle_rss: Option<u64>,
    pub peak_rss: Option<u64>,
    /// Sorted.
    pub ready: Vec<Duration>,
    /// One process, then two.
    pub scale: Option<(Figure, Figure)>,
}

impl DatabaseResults {
    fn at(&self, scenario: &str, clients: usize) -> Option<&Figure> {
        self.requests
            .iter()
            .find(|f| f.scenario == scenario && f.clients == clients)
    }

    pub fn http_at(&self, clients: usize) -> Option<&Figure> {
        self.at(HTTP, clients)
    }

    pub fn bare_sql_at(&self, clients: usize) -> Option<&Figure> {
        self.at(BARE_SQL, clients)
    }

    pub fn ready_median(&self) -> Option<Duration> {
        self.ready.get(self.ready.len() / 2).copied()
    }
}

/// The report and how many goals it missed.
pub struct Summary {
    pub markdown: String,
    pub goals_missed: usize,
}

/// Runs every scenario on every database asked for.
pub async fn run(opts: &BenchOptions) -> anyhow::Result<Summary> {
    let started = time::OffsetDateTime::now_utc();
    let work = WorkDir::create()?;
    let mut results = Vec::new();
    let mut notes = Vec::new();
    if opts.sqlite {
        let sqlite = Databases::sqlite(work.path.join("sqlite"))?;
        results.push(measure(&sqlite, opts, &work.path.join("sqlite-serve")).await?);
    }
    if opts.postgres {
        match postgres::Postgres::find(opts.postgres_url.as_deref(), &work.path)? {
            Some(server) => {
                let pg = Databases::postgres(server);
                let measured = measure(&pg, opts, &work.path.join("postgres-serve")).await;
                pg.finish().await?;
                results.push(measured?);
            }
            None if !opts.sqlite => anyhow::bail!(
                "no PostgreSQL to measure: give --postgres-url or install PostgreSQL (initdb)"
            ),
            None => notes.push(
                "PostgreSQL not measured: no --postgres-url given and no initdb found \
                 (apt-get install postgresql)."
                    .to_string(),
            ),
        }
    }
    let verdicts = goals::verdicts(&results);
    Ok(Summary {
        markdown: report::render(started, &results, &notes, &verdicts),
        goals_missed: verdicts.iter().filter(|v| v.met == Some(false)).count(),
    })
}

/// Every scenario on one database.
async fn measure(
    databases: &Databases,
    opts: &BenchOptions,
    dir: &Path,
) -> anyhow::Result<DatabaseResults> {
    let label = databases.label();
    eprintln!("{label}: loading the data through the use cases…");
    let template = databases.template().await?;
    let data = Arc::new(data::load(&template, opts.data).await?);
    let mut results = DatabaseResults {
        database: label,
        backend: databases.backend(),
        version: databases.version().await?,
        requests: Vec::new(),
        mixed: Vec::new(),
        deadlines: None,
        dashboard: None,
        idle_rss: None,
        peak_rss: None,
        ready: Vec::new(),
        scale: None,
    };

    for &clients in &opts.clients {
        eprintln!("{label}: return requests at {clients} clients…");
        let name = format!("http-{clients}");
        let url = databases.copy(&name).await?;
        let server = Servers::start(&name, &url, dir, 1).await?;
        let outcome = load::return_requests(&server.base, &data, clients, opts.duration).await?;
        drop(server);
        databases.discard(&name).await?;
        results
            .requests
            .push(Figure::overall(label, HTTP, clients, &outcome));

        let name = format!("sql-{clients}");
        let url = databases.copy(&name).await?;
        let outcome = bare_sql::return_requests(&url, &data, clients, opts.duration).await?;
        databases.discard(&name).await?;
        results
            .requests
            .push(Figure::overall(label, BARE_SQL, clients, &outcome));
    }

    eprintln!("{label}: a mixed day at {GOAL_CLIENTS} clients…");
    let url = databases.copy("mixed").await?;
    let server = Servers::start("mixed", &url, dir, 1).await?;
    // Let the worker's first pass over the loaded data's jobs settle.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pid = server.processes[0].pid();
    results.idle_rss = Some(memory::resident(pid)?.0);
    let outcome = mixed::run(&server.base, &data, GOAL_CLIENTS, opts.mixed_duration).await?;
    results.peak_rss = Some(memory::resident(pid)?.1);
    drop(server);
    databases.discard("mixed").await?;
    for (class, (name, _)) in mixed::CLASSES.iter().enumerate() {
        results.mixed.push(Figure::new(
            label,
            name,
            GOAL_CLIENTS,
            outcome.elapsed,
            &outcome.latencies[class],
            outcome.errors[class],
        ));
    }
    results
        .mixed
        .push(Figure::overall(label, "all", GOAL_CLIENTS, &outcome));

    eprintln!("{label}: start-up on an empty database…");
    results.ready = startup::ready_times(databases, dir, opts.ready_runs).await?;

    results.deadlines = Some(fire_deadlines(databases, opts.deadlines).await?);

    eprintln!(
        "{label}: the insights dashboard with {} returns…",
        opts.dashboard_returns
    );
    let url = databases.empty("dashboard").await?;
    results.dashboard = Some(dashboard::run_on(&url, opts.dashboard_returns, dir).await?);
    databases.discard("dashboard").await?;

    if databases.backend() == Backend::Postgres {
        results.scale = Some(scale::two_processes(databases, &data, opts, dir).await?);
    }
    Ok(results)
}

/// The one call site of the deadline scenario: the worker's firing code on a
/// fresh, empty database of the kind measured.
async fn fire_deadlines(databases: &Databases, count: usize) -> anyhow::Result<DeadlineFigure> {
    eprintln!(
        "{}: {count} deadlines falling due at once…",
        databases.label()
    );
    let url = databases.empty("deadlines").await?;
    let figure = deadlines::run_on(&url, count).await?;
    databases.discard("deadlines").await?;
    Ok(figure)
}

/// A temporary folder for the run's databases and server output, deleted at
/// the end (also on failure or Ctrl-C, which drops the run).
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn create() -> anyhow::Result<WorkDir> {
        let path = std::env::temp_dir().join(format!("reso-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)?;
        Ok(WorkDir { path })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
