//! The outbox worker. Use cases write jobs in the same transaction as the
//! change that causes them; this worker claims the due ones with a lease, runs
//! them (mail, webhooks, gateway refunds), and marks each done, or failed with
//! a retry after 1 min × 2^(attempts − 1), at most 6 h apart, giving up after
//! 10 attempts with the last error kept on the row for staff to see.
//!
//! Every job can run more than once (a worker may die after the side effect
//! and before marking it done), so each is written to be harmless twice.

pub mod disputes;
pub mod gateway;
pub mod mail;
pub mod webhooks;

use crate::store::{self, jobs::Job};
use crate::AppState;
use serde_json::Value;
use std::time::Duration;

/// Jobs claimed at once. Small, because they run one after the other.
const BATCH: i64 = 10;
/// Longest a single job may take before it counts as failed.
const JOB_TIMEOUT: Duration = Duration::from_secs(60);
/// A claimed job is invisible to other workers this long (ms), and the
/// worker renews the lease of its batch while it runs (`RENEW_EVERY`), so
/// two workers never run the same job at once; the jobs of a worker that
/// died (a crash, a SIGKILL) are taken up again by any worker within this.
const LEASE_MS: i64 = 2 * 60_000;
/// Well inside the lease, so a slow batch never loses it.
const RENEW_EVERY: Duration = Duration::from_secs(30);
pub const MAX_ATTEMPTS: i64 = 10;
/// One call never runs more than this, so a job that keeps creating due jobs
/// cannot hold the worker forever.
const MAX_PER_CALL: usize = 1_000;
const IDLE: Duration = Duration::from_millis(250);

/// Why a job did not finish.
#[derive(Debug)]
pub enum JobError {
    /// Worth trying again later: a network error, a busy server, a 5xx.
    Retry(anyhow::Error),
    /// Will never work (a malformed payload, a permanent SMTP refusal): kept
    /// with its error, not retried.
    Permanent(anyhow::Error),
}

impl From<anyhow::Error> for JobError {
    fn from(e: anyhow::Error) -> Self {
        JobError::Retry(e)
    }
}

// A database hiccup in the middle of a job is worth another try.
impl From<store::StoreError> for JobError {
    fn from(e: store::StoreError) -> Self {
        JobError::Retry(e.into())
    }
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Retry(e.into())
    }
}

impl From<crate::app::AppError> for JobError {
    fn from(e: crate::app::AppError) -> Self {
        JobError::Retry(e.into())
    }
}

/// A job that finished, and the jobs it leaves for later (written in the same
/// transaction that marks it done, so a follow-up is never lost nor doubled).
#[derive(Debug, Default)]
pub struct Done {
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug)]
pub struct FollowUp {
    pub kind: &'static str,
    pub payload: Value,
    pub run_at: i64,
}

pub type JobResult = Result<Done, JobError>;

/// Delay before the next try of a job that failed on its `attempts`-th try.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    (60_000i64 << doublings).min(6 * 3_600_000)
}

/// Deadlines fired per transaction.
const DEADLINE_BATCH: i64 = 2_000;

/// Fires the deadlines due now, then runs every job that is due now (by
/// `state.clock`), including those that running them makes due; returns how
/// many deadlines changed something plus how many jobs ran.
pub async fn run_pending(state: &AppState) -> anyhow::Result<usize> {
    // Deadlines first: what they decide (an escalation, a closed claim) is
    // mailed by the jobs they write, in this same pass.
    let mut ran = crate::app::deadlines::fire_due(state, DEADLINE_BATCH)
        .await
        .map_err(|e| anyhow::anyhow!("firing deadlines: {e}"))?;
    // Quality alerts next, so their mails go out in this pass. A failed
    // sweep must not hold up mail and refunds: it is tried on the next pass.
    match crate::app::quality_alerts::sweep_if_due(state).await {
        Ok(raised) => ran += raised,
        Err(e) => tracing::error!(error = %e, "could not sweep for quality alerts"),
    }
    while ran < MAX_PER_CALL {
        let jobs = {
            let mut tx = state.db.begin().await?;
            let jobs =
                store::jobs::claim_due(&mut tx, state.db.backend, state.now(), LEASE_MS, BATCH)
                    .await?;
            tx.commit().await?;
            jobs
        };
        if jobs.is_empty() {
            break;
        }
        let renewer = renew_while_running(state, jobs.iter().map(|j| j.id).collect());
        let mut outcomes = Vec::with_capacity(jobs.len());
        // One after the other: a buyer's mails arrive in the order written.
        for job in jobs {
            let outcome = run_one(state, &job).await;
            outcomes.push((job, outcome));
            ran += 1;
        }
        renewer.abort();
        record_outcomes(state, outcomes).await?;
    }
    // Last, so that what this pass wrote is sealed with the rest. A failure
    // here must not hold up mail and refunds: it is logged, and the next
    // pass tries again (`reso audit verify` shows what waits).
    if let Err(e) = crate::app::event_seal::seal_pending(&state.db).await {
        tracing::error!(error = %e, "could not seal the event log");
    }
    Ok(ran)
}

/// Keeps the batch's lease while it runs: every `RENEW_EVERY`, its jobs not
/// yet done are leased again for `LEASE_MS`. A fast batch never renews.
fn renew_while_running(state: &AppState, ids: Vec<i64>) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            let until = state.now() + LEASE_MS;
            let renewed = async {
                let mut tx = state.db.begin().await?;
                store::jobs::renew(&mut tx, &ids, until).await?;
                tx.commit().await
            };
            if let Err(e) = renewed.await {
                tracing::warn!(error = %e, "could not renew the lease of running jobs");
            }
        }
    })
}

/// Runs due jobs until the process ends. Errors are logged and the loop goes
/// on; a panicking job only loses its lease and is retried later.
pub async fn run_forever(state: AppState) {
    loop {
        let s = state.clone();
        let pause = match tokio::spawn(async move { run_pending(&s).await }).await {
            Ok(Ok(0)) => IDLE,
            Ok(Ok(_)) => Duration::ZERO,
            Ok(Err(e)) => {
                tracing::error!(error = %format!("{e:#}"), "outbox worker could not run jobs");
                // The database is probably unreachable: do not spin.
                Duration::from_secs(5)
            }
            Err(e) => {
                tracing::error!(error = %e, "outbox worker task panicked");
                Duration::from_secs(5)
            }
        };
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
}

async fn dispatch(state: &AppState, job: &Job) -> JobResult {
    match job.kind.as_str() {
        "mail" => mail::run(state, job).await,
        "webhook" => webhooks::run(state, job).await,
        "gateway_refund" => gateway::send(state, job).await,
        "gateway_poll" => gateway::poll(state, job).await,
        crate::app::disputes::ANSWER_JOB => disputes::answer(state, job).await,
        // Retried rather than dropped: during a rolling upgrade a newer
        // instance may know this kind.
        other => Err(JobError::Retry(anyhow::anyhow!(
            "no handler for job kind '{other}'"
        ))),
    }
}

/// Runs one job's side effect; what came of it is recorded afterwards.
async fn run_one(state: &AppState, job: &Job) -> JobResult {
    if job.attempts > MAX_ATTEMPTS {
        // Claimed more often than it was allowed to fail: earlier runs died
        // (crash, panic) before recording anything.
        return Err(JobError::Permanent(anyhow::anyhow!(
            "did not finish in {MAX_ATTEMPTS} attempts"
        )));
    }
    match tokio::time::timeout(JOB_TIMEOUT, dispatch(state, job)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(JobError::Retry(anyhow::anyhow!(
            "timed out after {} s",
            JOB_TIMEOUT.as_secs()
        ))),
    }
}

/// Records what came of a batch of jobs in one transaction: one commit (one
/// fsync) for the batch instead of one per job. A crash before it means the
/// batch runs again when its lease ends — as with any job, harmless twice.
async fn record_outcomes(state: &AppState, ran: Vec<(Job, JobResult)>) -> anyhow::Result<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    for (job, outcome) in ran {
        match outcome {
            Ok(done) => {
                for f in &done.follow_ups {
                    store::jobs::enqueue(&mut tx, f.kind, &f.payload, f.run_at, now).await?;
                }
                store::jobs::complete(&mut tx, job.id, now).await?;
            }
            Err(JobError::Retry(e)) if job.attempts < MAX_ATTEMPTS => {
                let retry_at = now + backoff_ms(job.attempts);
                let error = format!("{e:#}");
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, %error, "job failed; will retry");
                store::jobs::fail(&mut tx, job.id, &error, Some(retry_at), now).await?;
            }
            Err(JobError::Retry(e) | JobError::Permanent(e)) => {
                let error = format!("{e:#}");
                tracing::error!(job = job.id, kind = %job.kind, attempts = job.attempts, %error, "job failed; giving up");
                store::jobs::fail(&mut tx, job.id, &error, None, now).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Reads a required field of a job's payload; a missing one is a bug in
/// whoever wrote the job, so retrying would not help.
pub(crate) fn field<'a>(job: &'a Job, name: &str) -> Result<&'a Value, JobError> {
    job.payload
        .get(name)
        .filter(|v| !v.is_null())
        .ok_or_else(|| JobError::Permanent(anyhow::anyhow!("the {} job has no '{name}'", job.kind)))
}

pub(crate) fn int_field(job: &Job, name: &str) -> Result<i64, JobError> {
    field(job, name)?.as_i64().ok_or_else(|| {
        JobError::Permanent(anyhow::anyhow!(
            "the {} job's '{name}' is not a number",
            job.kind
        ))
    })
}

pub(crate) fn str_field<'a>(job: &'a Job, name: &str) -> Result<&'a str, JobError> {
    field(job, name)?.as_str().ok_or_else(|| {
        JobError::Permanent(anyhow::anyhow!(
            "the {} job's '{name}' is not text",
            job.kind
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn back_off_doubles_from_a_minute_and_stops_at_six_hours() {
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(2), 120_000);
        assert_eq!(backoff_ms(5), 16 * 60_000);
        assert_eq!(backoff_ms(9), 256 * 60_000);
        assert_eq!(backoff_ms(10), 6 * 3_600_000);
        assert_eq!(backoff_ms(0), 60_000);
        assert_eq!(backoff_ms(1_000), 6 * 3_600_000);
    }
}
