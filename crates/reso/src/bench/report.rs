//! The benchmark's output: Markdown tables that `BENCHMARKS.md` can hold
//! verbatim, under a line that says when and on what they were measured.

use super::goals::{Verdict, MB};
use super::{DatabaseResults, Figure, GOAL_CLIENTS};

/// The report of a run that started at `started`.
pub fn render(
    started: time::OffsetDateTime,
    results: &[DatabaseResults],
    notes: &[String],
    verdicts: &[Verdict],
) -> String {
    let mut out = header(started, results);
    for note in notes {
        out.push_str(&format!("\n> {note}\n"));
    }
    out.push_str("\n### Buyer return requests: HTTP API against bare SQL\n\n");
    out.push_str(&figure_table(
        results.iter().flat_map(|r| r.requests.iter()),
        "scenario",
    ));
    out.push_str(&ratio_table(results));
    out.push_str(&format!(
        "\n### A mixed day at {GOAL_CLIENTS} clients (70 % reads, 20 % return requests, 10 % staff actions)\n\n"
    ));
    out.push_str(&figure_table(
        results.iter().flat_map(|r| r.mixed.iter()),
        "class",
    ));
    out.push_str("\n### Deadlines falling due at once\n\n");
    out.push_str(&deadline_table(results));
    out.push_str("\n### The insights dashboard on a large history (one request at a time)\n\n");
    out.push_str(&dashboard_table(results));
    out.push_str("\n### Memory and start-up of the server process\n\n");
    out.push_str(&memory_table(results));
    if results.iter().any(|r| r.scale.is_some()) {
        out.push_str(&format!(
            "\n### Two `reso serve` processes behind one address (return requests, {GOAL_CLIENTS} clients)\n\n"
        ));
        out.push_str(&figure_table(
            results
                .iter()
                .filter_map(|r| r.scale.as_ref())
                .flat_map(|(one, two)| [one, two]),
            "processes",
        ));
    }
    out.push_str("\n### Goals\n\n");
    out.push_str(&goal_table(verdicts));
    out
}

/// Date, machine and software, in one line.
fn header(started: time::OffsetDateTime, results: &[DatabaseResults]) -> String {
    let date = started
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    let versions: Vec<String> = results
        .iter()
        .map(|r| format!("{} {}", r.database, r.version))
        .collect();
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    format!(
        "**Run**: {date} · {} · {} · Reso {}, {build}\n",
        machine(),
        versions.join(" · "),
        env!("CARGO_PKG_VERSION"),
    )
}

/// CPU model, cores and memory, from /proc.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_string();
    let cores = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or("memory unknown".into(), |kb| {
            format!("{:.1} GiB", kb / 1024.0 / 1024.0)
        });
    format!("{model}, {cores} cores, {memory}")
}

fn figure_table<'a>(figures: impl Iterator<Item = &'a Figure>, what: &str) -> String {
    let mut out = format!(
        "| database | {what} | clients | requests | errors | per second | p50 ms | p99 ms |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n"
    );
    for f in figures {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} |\n",
            f.database,
            f.scenario,
            f.clients,
            f.requests,
            f.errors,
            f.per_second,
            f.p50_ms,
            f.p99_ms
        ));
    }
    out
}

fn ratio_table(results: &[DatabaseResults]) -> String {
    let mut out = String::from(
        "\n| database | clients | HTTP per second | bare SQL per second | HTTP / bare SQL |\n\
         |---|---:|---:|---:|---:|\n",
    );
    for r in results {
        for http in r.requests.iter().filter(|f| f.scenario == super::HTTP) {
            if let Some(sql) = r.bare_sql_at(http.clients) {
                let share = if sql.per_second > 0.0 {
                    format!("{:.2}", http.per_second / sql.per_second)
                } else {
                    "–".into()
                };
                out.push_str(&format!(
                    "| {} | {} | {:.0} | {:.0} | {share} |\n",
                    r.database, http.clients, http.per_second, sql.per_second
                ));
            }
        }
    }
    out
}

fn deadline_table(results: &[DatabaseResults]) -> String {
    let mut out = String::from(
        "| database | due deadlines | fired | seeding s | firing s | fired per second |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for r in results {
        match &r.deadlines {
            Some(d) => out.push_str(&format!(
                "| {} | {} | {} | {:.1} | {:.2} | {:.0} |\n",
                r.database,
                d.deadlines,
                d.fired,
                d.seed.as_secs_f64(),
                d.elapsed.as_secs_f64(),
                d.per_second()
            )),
            None => out.push_str(&format!(
                "| {} | – | – | – | – | not measured |\n",
                r.database
            )),
        }
    }
    out
}

fn dashboard_table(results: &[DatabaseResults]) -> String {
    let mut out = String::from(
        "| database | returns in the database | seeding s | request | median ms | p90 ms | max ms |\n\
         |---|---:|---:|---|---:|---:|---:|\n",
    );
    for r in results {
        let Some((figures, seeding)) = &r.dashboard else {
            out.push_str(&format!(
                "| {} | – | – | – | – | – | not measured |\n",
                r.database
            ));
            continue;
        };
        for f in figures {
            out.push_str(&format!(
                "| {} | {} | {:.0} | {} | {:.1} | {:.1} | {:.1} |\n",
                r.database,
                f.returns,
                seeding.as_secs_f64(),
                f.request,
                f.median_ms(),
                f.p90_ms(),
                f.max_ms()
            ));
        }
    }
    out
}

fn memory_table(results: &[DatabaseResults]) -> String {
    let mut out = String::from(
        "| database | idle RSS MB | peak RSS MB (after the mixed day) | ready ms, median | ready ms, min–max | starts |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let mb = |b: Option<u64>| b.map_or("–".into(), |b| format!("{:.1}", b as f64 / MB));
    for r in results {
        let ms = |d: std::time::Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
        let (median, range) = match (r.ready_median(), r.ready.first(), r.ready.last()) {
            (Some(m), Some(lo), Some(hi)) => (ms(m), format!("{}–{}", ms(*lo), ms(*hi))),
            _ => ("–".into(), "–".into()),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {median} | {range} | {} |\n",
            r.database,
            mb(r.idle_rss),
            mb(r.peak_rss),
            r.ready.len()
        ));
    }
    out
}

fn goal_table(verdicts: &[Verdict]) -> String {
    let mut out = String::from(
        "| goal | database | measured | target | verdict |\n|---|---|---:|---:|---|\n",
    );
    for v in verdicts {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            v.goal, v.database, v.measured, v.target, v.verdict
        ));
    }
    out
}
