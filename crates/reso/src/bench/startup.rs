//! Time from starting `reso serve` on an empty database (so migrations
//! included) to its `/healthz` answering 200.

use super::databases::Databases;
use super::server_process::{free_port, ServerProcess};
use std::path::Path;
use std::time::Duration;

/// Each of `runs` starts on a new empty database; the times, sorted.
pub async fn ready_times(
    databases: &Databases,
    work_dir: &Path,
    runs: usize,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        let name = format!("ready-{run}");
        let url = databases.empty(&name).await?;
        let port = free_port()?;
        let mut server = ServerProcess::start(&name, &url, &work_dir.join(&name), port, false)?;
        let base = format!("http://127.0.0.1:{port}");
        times.push(server.healthy(&base, Duration::from_secs(30)).await?);
        drop(server);
        databases.discard(&name).await?;
    }
    times.sort();
    Ok(times)
}
