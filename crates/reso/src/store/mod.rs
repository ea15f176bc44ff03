//! SQL storage on SQLite (the embedded default) or PostgreSQL, through one set
//! of queries that both accept. Only the connection set-up differs.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod claims;
pub mod deadlines;
pub mod disputes;
pub mod event_chain;
pub mod events;
pub mod exports;
mod group_commit;
pub mod idempotency;
pub mod insights;
pub mod jobs;
pub mod mediators;
pub mod merchants;
pub mod messages;
pub mod metrics;
pub mod orders;
pub mod provider_accounts;
pub mod provider_notifications;
pub mod quality_alerts;
pub mod reconciliation;
pub mod refunds;
pub mod returns;
pub mod webhooks;
pub mod what_if;

use group_commit::{GroupTx, GroupWriter};
use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::time::Duration;

/// A transaction for a change of state: on PostgreSQL a plain database
/// transaction, on SQLite a member of a group commit. Either way `commit`
/// returns once the change is durable, and dropping it undoes it.
pub struct Tx(TxKind);

enum TxKind {
    Pool(Transaction<'static, Any>),
    Group(GroupTx),
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self.0 {
            TxKind::Pool(tx) => Ok(tx.commit().await?),
            TxKind::Group(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> StoreResult<()> {
        match self.0 {
            TxKind::Pool(tx) => Ok(tx.rollback().await?),
            TxKind::Group(tx) => tx.rollback().await,
        }
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            TxKind::Pool(tx) => tx,
            TxKind::Group(tx) => tx,
        }
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            TxKind::Pool(tx) => tx,
            TxKind::Group(tx) => tx,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database. SQLite allows one writer at a time, so writes go through
/// one connection with group commit (no "database is locked" under load,
/// one fsync for many requests) while reads use a pool; on PostgreSQL both
/// are the same pool.
#[derive(Clone)]
pub struct Db {
    writer: Writer,
    reader: AnyPool,
    pub backend: Backend,
}

#[derive(Clone)]
enum Writer {
    Pool(AnyPool),
    Group(GroupWriter),
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
                writer: Writer::Pool(pool.clone()),
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
        // Statement journals and sorts stay in memory: they never need to
        // survive a crash (the WAL does), and a temp file costs a write each.
        let pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                       PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                       PRAGMA temp_store = MEMORY;";
        let writer = GroupWriter::start(group_commit::connect(&url, pragmas).await?);
        let reader = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move { conn.execute(pragmas).await.map(|_| ()) })
            })
            .connect(&url)
            .await?;
        Ok(Db {
            writer: Writer::Group(writer),
            reader,
            backend: Backend::Sqlite,
        })
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.writer {
            Writer::Group(group) => group.migrate(&sqlx::migrate!("migrations/sqlite")).await,
            Writer::Pool(pool) => {
                let mut conn = pool.acquire().await?;
                // Each migration's commit need not wait for the disk: the
                // first acknowledged write after it flushes the log up to
                // itself, schema included, and a migration lost in a crash
                // before that simply runs again on the next start.
                conn.execute("SET synchronous_commit = off").await?;
                let migrated = sqlx::migrate!("migrations/postgres").run(&mut *conn).await;
                conn.execute("RESET synchronous_commit").await?;
                Ok(migrated?)
            }
        }
    }

    /// A transaction for a change of state.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(Tx(match &self.writer {
            Writer::Pool(pool) => TxKind::Pool(pool.begin().await?),
            Writer::Group(group) => TxKind::Group(group.begin().await?),
        }))
    }

    /// For reads that need no transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    pub async fn close(&self) {
        match &self.writer {
            Writer::Pool(pool) => pool.close().await,
            Writer::Group(group) => group.close().await,
        }
        self.reader.close().await;
    }
}
