//! The goals of the speed issue, each judged against this run's figures.

use super::{DatabaseResults, GOAL_CLIENTS};
use crate::store::Backend;

pub struct Verdict {
    pub goal: String,
    pub database: &'static str,
    pub measured: String,
    pub target: String,
    /// `None` when not measured in this run.
    pub met: Option<bool>,
    /// "met", "missed by 23 %" or "not measured".
    pub verdict: String,
}

enum Want {
    AtLeast(f64),
    Below(f64),
}

fn judge(
    goal: String,
    database: &'static str,
    value: Option<f64>,
    want: Want,
    show: impl Fn(f64) -> String,
) -> Verdict {
    let target = match want {
        Want::AtLeast(t) => format!("≥ {}", show(t)),
        Want::Below(t) => format!("< {}", show(t)),
    };
    let Some(v) = value else {
        return Verdict {
            goal,
            database,
            measured: "–".into(),
            target,
            met: None,
            verdict: "not measured".into(),
        };
    };
    let (met, short) = match want {
        Want::AtLeast(t) => (v >= t, (t - v) / t),
        Want::Below(t) => (v < t, (v - t) / t),
    };
    let verdict = if met {
        "met".to_string()
    } else {
        format!("missed by {:.0} %", 100.0 * short)
    };
    Verdict {
        goal,
        database,
        measured: show(v),
        target,
        met: Some(met),
        verdict,
    }
}

pub fn verdicts(results: &[DatabaseResults]) -> Vec<Verdict> {
    let c = GOAL_CLIENTS;
    let ratio = |x: f64| format!("{x:.2} ×");
    let ms = |x: f64| format!("{x:.1} ms");
    let mut out = Vec::new();
    for r in results {
        let db = r.database;
        let http = r.http_at(c);
        let sql = r.bare_sql_at(c);
        let share = match (http, sql) {
            (Some(h), Some(s)) if s.per_second > 0.0 => Some(h.per_second / s.per_second),
            _ => None,
        };
        out.push(judge(
            format!("return requests via HTTP reach half the bare-SQL rate at {c} clients"),
            db,
            share,
            Want::AtLeast(0.5),
            ratio,
        ));
        out.push(judge(
            format!("p99 of return requests at {c} clients"),
            db,
            http.map(|h| h.p99_ms),
            Want::Below(25.0),
            ms,
        ));
        out.push(judge(
            format!("p99 of page reads in the mixed day at {c} clients"),
            db,
            r.mixed
                .iter()
                .find(|f| f.scenario == "page reads")
                .map(|f| f.p99_ms),
            Want::Below(25.0),
            ms,
        ));
        out.push(judge(
            match &r.deadlines {
                Some(d) => format!("deadlines fired per second ({} due at once)", d.deadlines),
                None => "deadlines fired per second".into(),
            },
            db,
            r.deadlines.as_ref().map(|d| d.per_second()),
            Want::AtLeast(50_000.0),
            |x| format!("{x:.0}/s"),
        ));
        let dashboard = r.dashboard.as_ref().and_then(|(figures, _)| {
            figures
                .iter()
                .find(|f| f.request.starts_with("page, last 30"))
        });
        out.push(judge(
            match dashboard {
                Some(f) => format!(
                    "dashboard page with {} returns (p90, last 30 days)",
                    f.returns
                ),
                None => "dashboard page (p90)".into(),
            },
            db,
            dashboard.map(|f| f.p90_ms()),
            Want::Below(200.0),
            ms,
        ));
        out.push(judge(
            "resident memory at idle".into(),
            db,
            r.idle_rss.map(|b| b as f64 / MB),
            Want::Below(30.0),
            |x| format!("{x:.1} MB"),
        ));
        out.push(judge(
            "ready after start on an empty database (median)".into(),
            db,
            r.ready_median().map(|d| d.as_secs_f64() * 1000.0),
            Want::Below(200.0),
            |x| format!("{x:.0} ms"),
        ));
        if r.backend == Backend::Postgres {
            let scale = match &r.scale {
                Some((one, two)) if one.per_second > 0.0 => Some(two.per_second / one.per_second),
                _ => None,
            };
            out.push(judge(
                format!("two processes against one, return requests at {c} clients"),
                db,
                scale,
                Want::AtLeast(1.6),
                ratio,
            ));
        }
    }
    out
}

pub const MB: f64 = 1024.0 * 1024.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_miss_says_by_how_much() {
        let v = judge("g".into(), "SQLite", Some(40.0), Want::Below(25.0), |x| {
            format!("{x}")
        });
        assert_eq!((v.met, v.verdict.as_str()), (Some(false), "missed by 60 %"));
        let v = judge("g".into(), "SQLite", Some(0.4), Want::AtLeast(0.5), |x| {
            format!("{x}")
        });
        assert_eq!(v.verdict, "missed by 20 %");
        let v = judge("g".into(), "SQLite", None, Want::AtLeast(0.5), |x| {
            format!("{x}")
        });
        assert_eq!((v.met, v.verdict.as_str()), (None, "not measured"));
    }
}
