//! PostgreSQL for the benchmark: the server at `--postgres-url`, or a
//! throw-away cluster started here when `initdb` is installed (as
//! `scripts/test-postgres.sh` does, but with fsync on: durability is part of
//! what is measured). Each measured level gets a database of its own.

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

pub enum Postgres {
    /// A server someone else runs; only databases created here are dropped.
    External { url: String },
    /// A cluster of our own, stopped and deleted on drop.
    Owned(Cluster),
}

impl Postgres {
    /// The given server, or a throw-away one; `None` when neither is possible.
    pub fn find(url: Option<&str>, work_dir: &Path) -> anyhow::Result<Option<Postgres>> {
        if let Some(url) = url {
            return Ok(Some(Postgres::External {
                url: url.to_string(),
            }));
        }
        match bindir() {
            Some(bin) => Ok(Some(Postgres::Owned(Cluster::start(
                &bin,
                &work_dir.join("postgres"),
            )?))),
            None => Ok(None),
        }
    }

    /// A connection for creating and dropping databases, whose slow
    /// statements (dropping a database takes a while) are not logged.
    async fn admin(&self) -> anyhow::Result<PgConnection> {
        let options = PgConnectOptions::from_str(&self.admin_url())?.disable_statement_logging();
        PgConnection::connect_with(&options)
            .await
            .context("connecting to PostgreSQL")
    }

    fn admin_url(&self) -> String {
        match self {
            Postgres::External { url } => url.clone(),
            Postgres::Owned(c) => c.url("postgres"),
        }
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        with_database(&self.admin_url(), name)
    }

    /// Creates database `name` (dropping an older one), empty or as a copy of
    /// `template`, which nobody may be connected to.
    pub async fn create(&self, name: &str, template: Option<&str>) -> anyhow::Result<String> {
        let mut admin = self.admin().await?;
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS \"{name}\""))
            .execute(&mut admin)
            .await?;
        let copy = template.map_or(String::new(), |t| format!(" TEMPLATE \"{t}\""));
        sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\"{copy}"))
            .execute(&mut admin)
            .await
            .with_context(|| format!("creating database {name}"))?;
        admin.close().await?;
        Ok(self.url(name))
    }

    pub async fn drop_database(&self, name: &str) -> anyhow::Result<()> {
        let mut admin = self.admin().await?;
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(())
    }

    pub async fn version(&self) -> anyhow::Result<String> {
        let mut admin = self.admin().await?;
        let v: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&mut admin)
            .await?;
        admin.close().await?;
        Ok(v)
    }
}

/// `url` with its database (the path) replaced by `name`; the query is kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{name}{query}", &base[..host_end])
}

/// Where `initdb` and `pg_ctl` are: PATH first, then Debian's layout.
fn bindir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
            .collect();
        found.sort();
        found.pop()
    })
}

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn start(bin: &Path, dir: &Path) -> anyhow::Result<Cluster> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("socket"))?;
        if is_root() {
            // initdb refuses to run as root: the cluster belongs to `postgres`.
            run(Command::new("chown").arg("-R").arg("postgres:").arg(dir))?;
        }
        let data = dir.join("data");
        run(as_owner(&bin.join("initdb")).arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
        ]))
        .context("initdb")?;
        let mut last_error = None;
        // Another process may take the port between choosing and binding it.
        for _ in 0..5 {
            let port = super::server_process::free_port()?;
            let options = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
                dir.join("socket").display()
            );
            let started = run(as_owner(&bin.join("pg_ctl"))
                .arg("start")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("postgres.log"))
                .args(["-w", "-t", "60", "-o", &options]));
            match started {
                Ok(()) => {
                    return Ok(Cluster {
                        bin: bin.to_path_buf(),
                        dir: dir.to_path_buf(),
                        port,
                    })
                }
                Err(e) => last_error = Some(e),
            }
        }
        let _ = std::fs::remove_dir_all(dir);
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("pg_ctl start failed")))
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = run(as_owner(&self.bin.join("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w"]));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    // The owner of our own /proc entry is the effective user.
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.stdin(Stdio::null()).output()?;
    anyhow::ensure!(
        out.status.success(),
        "{:?} failed: {}",
        cmd.get_program(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "b1"),
            "postgres://u:p@h:5432/b1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "b1"), "postgres://h/b1");
    }
}
