//! `reso bench` keeps working: the quick run exercises every scenario and
//! prints every table, and `reso serve --reuse-port` lets two processes share
//! one port, which the two-process scenario relies on.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn reso() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reso"));
    cmd.env_remove("RESO_DATABASE_URL").env_remove("RESO_ADDR");
    cmd
}

/// The cells of a Markdown table row.
fn cells(row: &str) -> Vec<&str> {
    row.trim()
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .collect()
}

#[test]
fn the_quick_benchmark_runs_every_scenario_and_prints_every_table() {
    let out = reso()
        .args(["bench", "--quick", "--backend", "sqlite"])
        .output()
        .expect("run reso bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Goals are judged but never fail a quick run.
    assert!(out.status.success(), "{stderr}\n{stdout}");
    for heading in [
        "**Run**: ",
        "### Buyer return requests: HTTP API against bare SQL",
        "### A mixed day at 32 clients",
        "### Deadlines falling due at once",
        "### The insights dashboard on a large history",
        "### Memory and start-up of the server process",
        "### Goals",
    ] {
        assert!(stdout.contains(heading), "no {heading:?} in\n{stdout}");
    }
    assert!(stdout.contains("SQLite 3."), "{stdout}");

    // Every request scenario ran, and nothing failed.
    let mut seen = Vec::new();
    for row in stdout.lines().filter(|l| l.starts_with("| SQLite |")) {
        let c = cells(row);
        if c.len() == 8 {
            let requests: usize = c[3].parse().expect("requests");
            assert!(requests > 0, "no requests: {row}");
            assert_eq!(c[4], "0", "errors: {row}");
            seen.push(format!("{} at {}", c[1], c[2]));
        }
    }
    for scenario in [
        "return request via HTTP API at 1",
        "same transactions, bare SQL at 1",
        "return request via HTTP API at 32",
        "same transactions, bare SQL at 32",
        "page reads at 32",
        "API lists at 32",
        "return requests at 32",
        "staff actions at 32",
    ] {
        assert!(
            seen.iter().any(|s| s == scenario),
            "{scenario} missing in\n{stdout}"
        );
    }
    let deadlines = stdout
        .lines()
        .find(|l| l.starts_with("| SQLite | 1000 |"))
        .unwrap_or_else(|| panic!("no deadline row in\n{stdout}"));
    assert_eq!(cells(deadlines)[2], "1000", "every deadline fired");
    // Each of the dashboard's four requests answered on 2,000 returns.
    let dashboard: Vec<_> = stdout
        .lines()
        .filter(|l| l.starts_with("| SQLite | 2000 |"))
        .map(cells)
        .collect();
    assert_eq!(dashboard.len(), 4, "{stdout}");
    assert!(
        dashboard.iter().any(|c| c[3] == "page, last 30 days"),
        "{stdout}"
    );
    for c in &dashboard {
        let median: f64 = c[4].parse().expect("median ms");
        assert!(median > 0.0, "{c:?}");
    }
    let memory = stdout
        .lines()
        .skip_while(|l| !l.starts_with("### Memory"))
        .find(|l| l.starts_with("| SQLite |"))
        .expect("memory row");
    let idle_mb: f64 = cells(memory)[1].parse().expect("idle RSS");
    assert!(idle_mb > 1.0, "{memory}");
    for goal in [
        "HTTP reach half",
        "resident memory at idle",
        "ready after start",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(goal) && (l.contains("| met |") || l.contains("missed by"))),
            "no verdict for {goal:?} in\n{stdout}"
        );
    }
}

/// Starts `reso serve` and returns it once it says it listens, or its output.
fn serve(port: u16, dir: &std::path::Path, reuse_port: bool) -> Result<Child, String> {
    let mut cmd = reso();
    cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if reuse_port {
        cmd.arg("--reuse-port");
    }
    let mut child = cmd.spawn().expect("start reso serve");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    for line in stdout.lines().map_while(Result::ok) {
        if line.starts_with("Listening on") {
            return Ok(child);
        }
    }
    let out = child.wait_with_output().expect("wait");
    Err(String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn two_servers_share_a_port_with_reuse_port() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut first = serve(port, dir.path(), true).expect("first server");
    let mut second = serve(port, dir.path(), true).expect("second server on the same port");
    match serve(port, dir.path(), false) {
        Ok(mut joined) => {
            let _ = joined.kill();
            panic!("a server without --reuse-port must not join the shared port");
        }
        Err(stderr) => assert!(stderr.contains("cannot listen"), "{stderr}"),
    }
    for server in [&mut first, &mut second] {
        assert!(
            server.try_wait().expect("status").is_none(),
            "still running"
        );
        let _ = server.kill();
        let _ = server.wait();
    }
}
