//! Group commit for SQLite's single writer.
//!
//! Every commit on SQLite with `synchronous = FULL` waits for the disk, and
//! only one writer can work at a time: with many clients, requests queue
//! behind each other's fsync. Here each transaction runs as a savepoint
//! inside one open database transaction; when it is done it waits while a
//! committer task commits everything released so far with one fsync, and
//! only then is it acknowledged. Durability is unchanged — nobody hears
//! "committed" before the disk has it — but one fsync serves a whole queue.
//!
//! If the group's commit fails, every member of the group gets the error:
//! their savepoints were part of it.

use super::StoreResult;
use sqlx::{AnyConnection, Connection, Executor};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use tokio::sync::{watch, Mutex, Notify, OwnedMutexGuard};

/// The outcome of one group's commit, shared by its members.
type Outcome = Option<Result<(), String>>;

pub(super) struct Writer {
    conn: AnyConnection,
    /// The group's database transaction is open.
    open: bool,
    /// A member went away without committing: undo its savepoint before
    /// anyone else uses the connection.
    undo_pending: bool,
    /// Tells the members of the open group how its commit went.
    outcome: Arc<watch::Sender<Outcome>>,
    closed: bool,
}

/// The single SQLite writer connection and its committer.
#[derive(Clone)]
pub(super) struct GroupWriter {
    writer: Arc<Mutex<Writer>>,
    wake: Arc<Notify>,
}

impl GroupWriter {
    pub(super) fn start(conn: AnyConnection) -> GroupWriter {
        let group = GroupWriter {
            writer: Arc::new(Mutex::new(Writer {
                conn,
                open: false,
                undo_pending: false,
                outcome: Arc::new(watch::channel(None).0),
                closed: false,
            })),
            wake: Arc::new(Notify::new()),
        };
        tokio::spawn(group.clone().commit_groups());
        group
    }

    /// Opens a member transaction: waits for the connection, then a savepoint.
    pub(super) async fn begin(&self) -> StoreResult<GroupTx> {
        let mut w = self.writer.clone().lock_owned().await;
        if w.closed {
            return Err(sqlx::Error::PoolClosed.into());
        }
        w.settle_undo().await;
        if !w.open {
            w.conn.execute("BEGIN IMMEDIATE").await?;
            w.open = true;
        }
        if let Err(e) = w.conn.execute("SAVEPOINT member").await {
            w.abandon_group(&e.to_string()).await;
            return Err(e.into());
        }
        Ok(GroupTx {
            writer: Some(w),
            wake: self.wake.clone(),
        })
    }

    /// Runs migrations on the connection, outside any group.
    pub(super) async fn migrate(&self, migrator: &sqlx::migrate::Migrator) -> StoreResult<()> {
        let mut w = self.writer.lock().await;
        w.settle_undo().await;
        w.commit_group().await;
        migrator.run(&mut w.conn).await?;
        Ok(())
    }

    /// Commits what is pending and stops the committer.
    pub(super) async fn close(&self) {
        let mut w = self.writer.lock().await;
        w.settle_undo().await;
        w.commit_group().await;
        w.closed = true;
        drop(w);
        self.wake.notify_one();
    }

    async fn commit_groups(self) {
        loop {
            self.wake.notified().await;
            let mut w = self.writer.lock().await;
            if w.closed {
                return;
            }
            w.settle_undo().await;
            w.commit_group().await;
        }
    }
}

impl Writer {
    async fn settle_undo(&mut self) {
        if !self.undo_pending {
            return;
        }
        self.undo_pending = false;
        let undone = self
            .conn
            .execute("ROLLBACK TO member; RELEASE member")
            .await;
        if let Err(e) = undone {
            // SQLite rolled the whole transaction back by itself (disk full,
            // I/O error): the group is gone.
            self.abandon_group(&e.to_string()).await;
        }
    }

    async fn commit_group(&mut self) {
        if !self.open {
            return;
        }
        let result = self.conn.execute("COMMIT").await;
        match result {
            Ok(_) => self.finish_group(Ok(())),
            Err(e) => self.abandon_group(&e.to_string()).await,
        }
    }

    /// Rolls the group back and tells its members it failed.
    async fn abandon_group(&mut self, why: &str) {
        if self.open {
            // Fails harmlessly if SQLite already rolled back.
            let _ = self.conn.execute("ROLLBACK").await;
        }
        self.finish_group(Err(why.to_string()));
    }

    fn finish_group(&mut self, outcome: Result<(), String>) {
        self.open = false;
        let finished = std::mem::replace(&mut self.outcome, Arc::new(watch::channel(None).0));
        finished.send_replace(Some(outcome));
    }
}

/// One member's transaction. Dropped without `commit`, it is undone.
pub struct GroupTx {
    writer: Option<OwnedMutexGuard<Writer>>,
    wake: Arc<Notify>,
}

impl GroupTx {
    /// Releases the savepoint into the group and waits until the group's
    /// commit is on disk.
    pub(super) async fn commit(mut self) -> StoreResult<()> {
        let Some(mut w) = self.writer.take() else {
            return Ok(());
        };
        if let Err(e) = w.conn.execute("RELEASE member").await {
            w.abandon_group(&e.to_string()).await;
            return Err(e.into());
        }
        let mut outcome = w.outcome.subscribe();
        drop(w);
        self.wake.notify_one();
        let done = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .clone();
        match done {
            Some(Err(why)) => {
                Err(sqlx::Error::Protocol(format!("group commit failed: {why}")).into())
            }
            _ => Ok(()),
        }
    }

    pub(super) async fn rollback(mut self) -> StoreResult<()> {
        if let Some(mut w) = self.writer.take() {
            w.undo_pending = true;
            w.settle_undo().await;
            drop(w);
            // The group may now be empty; its transaction must not stay
            // open and keep the database locked for other processes.
            self.wake.notify_one();
        }
        Ok(())
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        if let Some(mut w) = self.writer.take() {
            w.undo_pending = true;
            drop(w);
            self.wake.notify_one();
        }
    }
}

impl Deref for GroupTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.writer.as_ref().expect("transaction in use").conn
    }
}

impl DerefMut for GroupTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.writer.as_mut().expect("transaction in use").conn
    }
}

/// Opens the writer connection with the pragmas every connection gets.
pub(super) async fn connect(url: &str, pragmas: &'static str) -> StoreResult<AnyConnection> {
    let mut conn = AnyConnection::connect(url).await?;
    conn.execute(pragmas).await?;
    Ok(conn)
}
