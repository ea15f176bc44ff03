//! `reso backup` and `reso restore`: a consistent copy of a running
//! instance, and putting one back into an empty database.
//!
//! SQLite is copied online with `VACUUM INTO` (one read snapshot; writers go
//! on). PostgreSQL is copied by `pg_dump --format=custom` and put back by
//! `pg_restore` in one transaction; both are looked for in --pg-bin-dir,
//! then on PATH, then in the newest /usr/lib/postgresql/*/bin. pg_dump must
//! be as new as the server.

use super::audit::{open_existing, sqlite_path, summary};
use super::{redact, DbArgs, Failure};
use crate::store::{self, Db};
use anyhow::Context;
use clap::Args;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// File to write; it must not exist. A SQLite database file, or a
    /// pg_dump archive (custom format) for PostgreSQL.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    #[command(flatten)]
    pub tools: PgTools,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `reso backup`.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    #[command(flatten)]
    pub tools: PgTools,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct PgTools {
    /// Folder holding pg_dump and pg_restore (PostgreSQL only); without it
    /// PATH, then the newest /usr/lib/postgresql/*/bin.
    #[arg(long, env = "RESO_PG_BIN_DIR", value_name = "DIR")]
    pub pg_bin_dir: Option<PathBuf>,
}

pub async fn backup(args: BackupArgs) -> Result<ExitCode, Failure> {
    if args.to.exists() {
        return Err(Failure::Usage(format!(
            "{} already exists; name a new file",
            args.to.display()
        )));
    }
    let url = args.db.url()?;
    // Written beside the target and renamed when complete: a file named as
    // the backup is always a whole one.
    let partial = PathBuf::from(format!("{}.partial", args.to.display()));
    let _ = std::fs::remove_file(&partial);
    let made = if sqlite_path(&url).is_some() {
        let db = open_existing(&args.db).await?;
        let copied = store::backup::sqlite_copy(&db, &partial).await;
        db.close().await;
        copied
            .context("VACUUM INTO")
            .map(|()| "SQLite VACUUM INTO".to_string())
    } else {
        let pg_dump = pg_tool("pg_dump", args.tools.pg_bin_dir.as_deref())?;
        let mut cmd = Command::new(&pg_dump);
        cmd.arg("--format=custom").arg("--file").arg(&partial);
        run_pg(cmd, &url).map(|()| pg_dump.display().to_string())
    };
    let made = made.and_then(|how| {
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .and_then(|()| std::fs::rename(&partial, &args.to))
            .context("finishing the backup file")?;
        Ok(how)
    });
    let how = match made {
        Ok(how) => how,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(Failure::Internal(e));
        }
    };
    let bytes = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up {} to {} ({bytes} bytes, with {how}).",
        redact(&url),
        args.to.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, PartialEq, Eq)]
enum BackupKind {
    Sqlite,
    PgDump,
}

fn backup_kind(file: &Path) -> Result<BackupKind, Failure> {
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let n = f.read(&mut head).unwrap_or(0);
    if head[..n].starts_with(b"SQLite format 3\0") {
        Ok(BackupKind::Sqlite)
    } else if head[..n].starts_with(b"PGDMP") {
        Ok(BackupKind::PgDump)
    } else {
        Err(Failure::Usage(format!(
            "{} is not a backup made by reso backup",
            file.display()
        )))
    }
}

pub async fn restore(args: RestoreArgs) -> Result<ExitCode, Failure> {
    let kind = backup_kind(&args.from)?;
    let url = args.db.url()?;
    let target = sqlite_path(&url);
    match (&kind, &target) {
        (BackupKind::Sqlite, None) => {
            return Err(Failure::Usage(
                "this is a SQLite backup; restore it with --data-dir (or a sqlite: URL)".into(),
            ))
        }
        (BackupKind::PgDump, Some(_)) => {
            return Err(Failure::Usage(
                "this is a PostgreSQL backup; restore it with --database-url postgres://…".into(),
            ))
        }
        _ => {}
    }
    let exists = target.as_ref().is_none_or(|p| Path::new(p).exists());
    if exists {
        let db = Db::connect(&url).await.map_err(|e| {
            Failure::Usage(format!("cannot open the database {}: {e}", redact(&url)))
        })?;
        let tables = store::backup::table_count(&db).await;
        db.close().await;
        let tables = tables.map_err(|e| Failure::Internal(e.into()))?;
        if tables > 0 {
            return Err(Failure::Usage(format!(
                "the target database {} is not empty ({tables} tables); restore only into an empty database",
                redact(&url)
            )));
        }
    }
    match &target {
        Some(path) => put_sqlite_file(&args.from, Path::new(path))?,
        None => {
            let pg_restore = pg_tool("pg_restore", args.tools.pg_bin_dir.as_deref())?;
            let mut cmd = Command::new(pg_restore);
            cmd.args([
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
            ])
            .arg(&args.from);
            run_pg(cmd, &url)?;
        }
    }
    // A backup made by an older Reso is brought up to date, then checked.
    let db = Db::connect(&url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the restored database: {e}"))?;
    db.migrate().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let reports = crate::app::audit::verify(&db, None).await?;
    db.close().await;
    println!("Restored {} into {}.", args.from.display(), redact(&url));
    print!("{}", summary(&reports));
    if reports.iter().all(|r| r.is_intact()) {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: the restored event log does not verify");
        Ok(ExitCode::from(1))
    }
}

/// Replaces an empty (or missing) SQLite database by the backup file.
fn put_sqlite_file(from: &Path, to: &Path) -> Result<(), Failure> {
    let partial = PathBuf::from(format!("{}.partial", to.display()));
    let done = (|| -> anyhow::Result<()> {
        std::fs::copy(from, &partial).context("copying the backup")?;
        std::fs::File::open(&partial)?.sync_all()?;
        for leftover in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{leftover}", to.display()));
        }
        std::fs::rename(&partial, to).context("moving the copy into place")?;
        Ok(())
    })();
    done.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Failure::Internal(e)
    })
}

/// Finds a PostgreSQL client program.
fn pg_tool(name: &str, dir: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(Failure::Usage(format!("no {name} in {}", dir.display())))
        };
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if let Some(found) = on_path.into_iter().find(|p| p.is_file()) {
        return Ok(found);
    }
    let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|d| {
            let version = d.file_name().to_str()?.parse().ok()?;
            let path = d.path().join("bin").join(name);
            path.is_file().then_some((version, path))
        })
        .collect();
    installed.sort();
    installed.pop().map(|(_, p)| p).ok_or_else(|| {
        Failure::Usage(format!(
            "{name} not found; install the PostgreSQL client or pass --pg-bin-dir"
        ))
    })
}

/// Runs pg_dump or pg_restore against `url`, the password passed in the
/// environment rather than on the command line others can read.
fn run_pg(mut cmd: Command, url: &str) -> anyhow::Result<()> {
    let (bare, password) = split_password(url);
    cmd.arg("--dbname").arg(bare);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !out.status.success() {
        anyhow::bail!(
            "{:?} failed ({}): {}",
            cmd.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, `secret`).
fn split_password(url: &str) -> (String, Option<String>) {
    if let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) {
        if at > scheme {
            if let Some((user, password)) = url[scheme + 3..at].split_once(':') {
                let bare = format!("{}{user}{}", &url[..scheme + 3], &url[at..]);
                return (bare, Some(percent_decode(password)));
            }
        }
    }
    (url.to_string(), None)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_goes_to_the_environment_decoded() {
        assert_eq!(
            split_password("postgres://reso:p%40ss@db:5432/reso"),
            ("postgres://reso@db:5432/reso".into(), Some("p@ss".into()))
        );
        assert_eq!(
            split_password("postgres://reso@db/reso"),
            ("postgres://reso@db/reso".into(), None)
        );
    }
}
