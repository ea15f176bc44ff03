//! PostgreSQL with two `reso serve` processes behind one address
//! (`--reuse-port`): return requests against one process, then two.

use super::data::Dataset;
use super::databases::Databases;
use super::server_process::Servers;
use super::{load, BenchOptions, Figure, GOAL_CLIENTS};
use std::path::Path;
use std::sync::Arc;

/// Return requests at the goal's concurrency against one process, then two
/// sharing the port.
pub async fn two_processes(
    databases: &Databases,
    data: &Arc<Dataset>,
    opts: &BenchOptions,
    dir: &Path,
) -> anyhow::Result<(Figure, Figure)> {
    let mut figures = Vec::with_capacity(2);
    for processes in [1, 2] {
        eprintln!(
            "{}: return requests at {GOAL_CLIENTS} clients on {processes} process(es)…",
            databases.label()
        );
        let name = format!("processes-{processes}");
        let url = databases.copy(&name).await?;
        let server = Servers::start(&name, &url, dir, processes).await?;
        let outcome =
            load::return_requests(&server.base, data, GOAL_CLIENTS, opts.duration).await?;
        drop(server);
        databases.discard(&name).await?;
        let scenario = if processes == 1 {
            "one process"
        } else {
            "two processes"
        };
        figures.push(Figure::overall(
            databases.label(),
            scenario,
            GOAL_CLIENTS,
            &outcome,
        ));
    }
    let two = figures.pop().expect("two runs");
    let one = figures.pop().expect("two runs");
    Ok((one, two))
}
