//! SQL storage on SQLite (the embedded default) or PostgreSQL, through one set
//! of queries that both accept. Only the connection set-up differs.

pub mod auth;
pub mod claims;
pub mod deadlines;
pub mod events;
pub mod jobs;
pub mod mediators;
pub mod merchants;
pub mod messages;
pub mod orders;
pub mod refunds;
pub mod returns;
pub mod webhooks;

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database. SQLite allows one writer at a time, so writes go through a
/// pool of one connection (no "database is locked" under load) while reads
/// use several; on PostgreSQL both are the same pool.
#[derive(Clone)]
pub struct Db {
    writer: AnyPool,
    reader: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflicts with existing data: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Turns a violated UNIQUE constraint into a conflict the caller can explain,
/// instead of checking first and racing.
pub fn conflict_on_unique<T>(result: Result<T, sqlx::Error>, what: &str) -> StoreResult<T> {
    match result {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::Conflict(what.to_string()))
        }
        other => Ok(other?),
    }
}

pub fn affected(result: AnyQueryResult) -> u64 {
    result.rows_affected()
}

impl Db {
    /// `url` is `sqlite://path/to/file.db` or `postgres://…`.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            return Ok(Db {
                writer: pool.clone(),
                reader: pool,
                backend: Backend::Postgres,
            });
        }
        let url = if url.contains('?') {
            url.to_string()
        } else {
            format!("{url}?mode=rwc")
        };
        sqlx::any::AnyConnectOptions::from_str(&url)?;
        // WAL lets readers run beside the writer; synchronous=FULL keeps every
        // acknowledged commit on disk across a power cut.
        let pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                       PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
        let writer = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move { conn.execute(pragmas).await.map(|_| ()) })
            })
            .connect(&url)
            .await?;
        let reader = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move { conn.execute(pragmas).await.map(|_| ()) })
            })
            .connect(&url)
            .await?;
        Ok(Db {
            writer,
            reader,
            backend: Backend::Sqlite,
        })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("migrations/sqlite")
                    .run(&self.writer)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.writer)
                    .await?
            }
        }
        Ok(())
    }

    /// A transaction for a change of state.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(self.writer.begin().await?)
    }

    /// For reads that need no transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}
