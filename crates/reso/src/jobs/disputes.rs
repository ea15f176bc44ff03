//! Sends the merchant's answer to a dispute through the provider's API: the
//! evidence kept when the merchant answered, under the answer's idempotency
//! key, the same on every retry, so a retry after a time-out never answers
//! twice (nor sends other bytes under the same key).

use super::{int_field, str_field, Done, JobError, JobResult};
use crate::app::disputes::answer_sent;
use crate::app::payment_providers::account_for;
use crate::gateways::disputes::{self, AnswerReceipt, DisputeAnswer};
use crate::gateways::provider_http;
use crate::gateways::providers::Provider;
use crate::store::{self, jobs::Job};
use crate::AppState;
use anyhow::anyhow;
use reso_domain::dispute::{DisputeState, MerchantResponse};

/// `dispute_answer {dispute, merchant_id, idempotency_key}`: sends the kept
/// answer; a refusal puts the claim back to the merchant.
pub async fn answer(state: &AppState, job: &Job) -> JobResult {
    let row = int_field(job, "dispute")?;
    let merchant_id = int_field(job, "merchant_id")?;
    let key = str_field(job, "idempotency_key")?;
    let stored = {
        let mut conn = state.db.reader().acquire().await?;
        store::disputes::load(&mut conn, row).await?
    };
    // Refused meanwhile, decided meanwhile, or a later stage reopened it:
    // this answer is no longer the one awaited.
    let (Some(response), DisputeState::UnderReview) =
        (stored.dispute.response, stored.dispute.state)
    else {
        return Ok(Done::default());
    };
    let provider = Provider::parse(&stored.provider)
        .ok_or_else(|| JobError::Permanent(anyhow!("dispute {row}: unknown provider")))?;
    let account = account_for(state, merchant_id, provider)
        .await
        .map_err(|e| JobError::Retry(anyhow!("dispute {row}: {e}")))?
        .filter(|a| a.id == stored.account_id)
        .ok_or_else(|| {
            JobError::Permanent(anyhow!(
                "dispute {row}: the {} account it came through is no longer connected",
                provider.code()
            ))
        })?;
    let http = provider_http().map_err(|e| JobError::Retry(e.into()))?;
    let adapter = disputes::for_account(&account, http).ok_or_else(|| {
        JobError::Permanent(anyhow!(
            "dispute {row}: {} takes no dispute answers",
            provider.code()
        ))
    })?;
    let statement = stored.statement.clone().unwrap_or_default();
    let answer = match response {
        MerchantResponse::Accepted => DisputeAnswer::Accept { note: statement },
        MerchantResponse::Evidence => {
            let mut conn = state.db.reader().acquire().await?;
            let kept = store::disputes::evidence_of(&mut conn, row)
                .await?
                .ok_or_else(|| JobError::Permanent(anyhow!("dispute {row}: no evidence kept")))?;
            let evidence = serde_json::from_str(&kept)
                .map_err(|e| JobError::Permanent(anyhow!("dispute {row}: kept evidence: {e}")))?;
            DisputeAnswer::Evidence(Box::new(evidence))
        }
    };
    let receipt = adapter
        .answer(&stored.dispute_id, &answer, key)
        .await
        .map_err(|e| JobError::Retry(anyhow!("dispute {row}: {e}")))?;
    match receipt {
        AnswerReceipt::Submitted => answer_sent(state, row, None).await?,
        AnswerReceipt::Refused { reason } => answer_sent(state, row, Some(&reason)).await?,
    }
    Ok(Done::default())
}
