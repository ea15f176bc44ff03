//! The server under test as a separate `reso serve` process, as it runs in
//! production: its memory is its own to measure, and the load generator's
//! work does not share its runtime.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct ServerProcess {
    child: Child,
    started: Instant,
    log: PathBuf,
}

/// A loopback port nobody listens on now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl ServerProcess {
    /// Starts `reso serve` on `database_url` at 127.0.0.1:`port`; mail goes
    /// to files in `data_dir`, which also holds its output in `{name}.log`.
    pub fn start(
        name: &str,
        database_url: &str,
        data_dir: &Path,
        port: u16,
        reuse_port: bool,
    ) -> anyhow::Result<ServerProcess> {
        std::fs::create_dir_all(data_dir)?;
        let log = data_dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log)?;
        let mut cmd = Command::new(std::env::current_exe()?);
        cmd.arg("serve")
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--database-url")
            .arg(database_url)
            .arg("--data-dir")
            .arg(data_dir);
        if reuse_port {
            cmd.arg("--reuse-port");
        }
        // Only the flags above decide how the server runs.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("RESO_") {
                cmd.env_remove(name);
            }
        }
        let started = Instant::now();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .context("starting reso serve")?;
        Ok(ServerProcess {
            child,
            started,
            log,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the process says it listens (its state is built and its
    /// routes are served); with `--reuse-port` `/healthz` may be answered by
    /// another process, so this asks the process itself.
    pub async fn listening(&mut self, timeout: Duration) -> anyhow::Result<Duration> {
        let give_up = Instant::now() + timeout;
        loop {
            if std::fs::read_to_string(&self.log).is_ok_and(|l| l.contains("Listening on")) {
                return Ok(self.started.elapsed());
            }
            self.check_alive(give_up)?;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Waits until `GET {base}/healthz` answers 200; returns the time since
    /// the process was started.
    pub async fn healthy(&mut self, base: &str, timeout: Duration) -> anyhow::Result<Duration> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let give_up = Instant::now() + timeout;
        loop {
            if let Ok(res) = http.get(format!("{base}/healthz")).send().await {
                if res.status() == reqwest::StatusCode::OK {
                    return Ok(self.started.elapsed());
                }
            }
            self.check_alive(give_up)?;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    fn check_alive(&mut self, give_up: Instant) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            anyhow::bail!("reso serve exited ({status}): {}", self.log_tail());
        }
        anyhow::ensure!(
            Instant::now() < give_up,
            "reso serve did not become ready: {}",
            self.log_tail()
        );
        Ok(())
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Nothing of the run is kept, so a clean shutdown buys nothing.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `reso serve` processes on one loopback port, ready for requests.
pub struct Servers {
    pub base: String,
    pub processes: Vec<ServerProcess>,
}

impl Servers {
    pub async fn start(name: &str, url: &str, dir: &Path, count: usize) -> anyhow::Result<Servers> {
        let port = free_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let shared = count > 1;
        let mut processes = Vec::with_capacity(count);
        for n in 0..count {
            let mut p =
                ServerProcess::start(&format!("{name}-{n}"), url, &dir.join(name), port, shared)?;
            p.listening(Duration::from_secs(60)).await?;
            p.healthy(&base, Duration::from_secs(60)).await?;
            processes.push(p);
        }
        Ok(Servers { base, processes })
    }
}
