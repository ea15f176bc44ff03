//! The SQL side of `reso backup` and `reso restore`: SQLite's online copy,
//! and whether a target database is empty. PostgreSQL's copy is pg_dump's
//! (see cli/backup.rs).

use super::{Backend, Db, StoreResult};
use std::path::Path;

/// Writes a consistent copy of a SQLite database to `to` (which must not
/// exist) while others keep writing: `VACUUM INTO` reads one snapshot.
pub async fn sqlite_copy(db: &Db, to: &Path) -> StoreResult<()> {
    sqlx::query("VACUUM INTO $1")
        .bind(to.to_string_lossy().into_owned())
        .execute(db.reader())
        .await?;
    Ok(())
}

/// How many tables of its own the database holds (0: nothing to lose).
pub async fn table_count(db: &Db) -> StoreResult<i64> {
    let sql = match db.backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_one(db.reader()).await?)
}
