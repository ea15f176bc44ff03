//! Fresh databases for each measured level: empty ones, and copies of the
//! loaded template (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
//! PostgreSQL), so every level starts from the same data without loading it
//! again.

use super::postgres::Postgres;
use crate::store::Backend;
use std::path::PathBuf;

pub enum Databases {
    Sqlite { dir: PathBuf },
    Postgres { server: Postgres, prefix: String },
}

/// The template every level copies.
const TEMPLATE: &str = "template";

impl Databases {
    pub fn sqlite(dir: PathBuf) -> anyhow::Result<Databases> {
        std::fs::create_dir_all(&dir)?;
        Ok(Databases::Sqlite { dir })
    }

    pub fn postgres(server: Postgres) -> Databases {
        // Our own names, so a shared server's other databases are never touched.
        let prefix = format!("reso_bench_{}_", std::process::id());
        Databases::Postgres { server, prefix }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Databases::Sqlite { .. } => Backend::Sqlite,
            Databases::Postgres { .. } => Backend::Postgres,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Databases::Sqlite { .. } => "SQLite",
            Databases::Postgres { .. } => "PostgreSQL",
        }
    }

    /// An empty database called `name`.
    pub async fn empty(&self, name: &str) -> anyhow::Result<String> {
        match self {
            Databases::Sqlite { dir } => {
                let file = dir.join(format!("{name}.db"));
                remove_sqlite(&file);
                Ok(format!("sqlite://{}", file.display()))
            }
            Databases::Postgres { server, prefix } => {
                server.create(&format!("{prefix}{name}"), None).await
            }
        }
    }

    /// The empty database the data is loaded into.
    pub async fn template(&self) -> anyhow::Result<String> {
        self.empty(TEMPLATE).await
    }

    /// A copy of the loaded template called `name`. Whoever loaded the
    /// template must have closed its connections.
    pub async fn copy(&self, name: &str) -> anyhow::Result<String> {
        match self {
            Databases::Sqlite { dir } => {
                let to = dir.join(format!("{name}.db"));
                remove_sqlite(&to);
                // The WAL too, if closing the template left one: nobody writes now.
                for suffix in ["", "-wal"] {
                    let from = dir.join(format!("{TEMPLATE}.db{suffix}"));
                    if suffix.is_empty() || from.exists() {
                        std::fs::copy(&from, dir.join(format!("{name}.db{suffix}")))?;
                    }
                }
                Ok(format!("sqlite://{}", to.display()))
            }
            Databases::Postgres { server, prefix } => {
                let template = format!("{prefix}{TEMPLATE}");
                server
                    .create(&format!("{prefix}{name}"), Some(&template))
                    .await
            }
        }
    }

    /// Frees the space of a level's database once measured.
    pub async fn discard(&self, name: &str) -> anyhow::Result<()> {
        match self {
            Databases::Sqlite { dir } => {
                remove_sqlite(&dir.join(format!("{name}.db")));
                Ok(())
            }
            Databases::Postgres { server, prefix } => {
                server.drop_database(&format!("{prefix}{name}")).await
            }
        }
    }

    /// The database software's version, for the report's header.
    pub async fn version(&self) -> anyhow::Result<String> {
        match self {
            Databases::Sqlite { .. } => {
                let url = self.empty("version").await?;
                let db = crate::store::Db::connect(&url).await?;
                let v: String = sqlx::query_scalar("SELECT sqlite_version()")
                    .fetch_one(db.reader())
                    .await?;
                db.close().await;
                self.discard("version").await?;
                Ok(v)
            }
            Databases::Postgres { server, .. } => server.version().await,
        }
    }

    /// Drops the template (other levels' databases are discarded as they go).
    pub async fn finish(&self) -> anyhow::Result<()> {
        self.discard(TEMPLATE).await
    }
}

fn remove_sqlite(file: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
