//! Delivers one event to one merchant endpoint, signed as the Standard
//! Webhooks specification says (<https://www.standardwebhooks.com>), so
//! receivers can verify it with any of that project's libraries.

use super::{field, int_field, str_field, Done, JobError, JobResult};
use crate::store::{self, jobs::Job, StoreError};
use crate::AppState;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

/// `webhook {endpoint_id, event_id, type, timestamp, data, order_id, return_id}`.
pub async fn run(state: &AppState, job: &Job) -> JobResult {
    let endpoint_id = int_field(job, "endpoint_id")?;
    let event_id = int_field(job, "event_id")?;
    let endpoint = {
        let mut conn = state.db.reader().acquire().await?;
        match store::webhooks::load(&mut conn, endpoint_id).await {
            Ok(e) => e,
            // Disabled or deleted since: nobody wants this event any more.
            Err(StoreError::NotFound) => return Ok(Done::default()),
            Err(e) => return Err(e.into()),
        }
    };
    let body = body(job)?;
    let message_id = format!("evt_{event_id}");
    let timestamp = state.now().div_euclid(1000);
    let signature =
        sign(&endpoint.secret, &message_id, timestamp, &body).map_err(JobError::Permanent)?;
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        // A redirect could carry the signed event somewhere the merchant did not register.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Reso-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| JobError::Retry(e.into()))?;
    let response = client
        .post(&endpoint.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| JobError::Retry(anyhow::anyhow!("POST {}: {e}", endpoint.url)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(Done::default());
    }
    if status == reqwest::StatusCode::GONE {
        // The Standard Webhooks way for a receiver to unsubscribe.
        let mut tx = state.db.begin().await?;
        store::webhooks::disable(&mut tx, endpoint.merchant_id, endpoint.id, state.now()).await?;
        tx.commit().await?;
        tracing::info!(endpoint = endpoint.id, url = %endpoint.url, "webhook endpoint answered 410 Gone; disabled");
        return Ok(Done::default());
    }
    Err(JobError::Retry(anyhow::anyhow!(
        "POST {} answered {status}",
        endpoint.url
    )))
}

/// The JSON body: the same bytes on every attempt, since they are signed.
fn body(job: &Job) -> Result<String, JobError> {
    let kind = str_field(job, "type")?;
    let millis = int_field(job, "timestamp")?;
    let timestamp = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .ok_or_else(|| {
            JobError::Permanent(anyhow::anyhow!(
                "the webhook job's timestamp {millis} is out of range"
            ))
        })?;
    let mut data = match field(job, "data")? {
        Value::Object(map) => map.clone(),
        other => serde_json::Map::from_iter([("value".to_string(), other.clone())]),
    };
    // A magic link is the buyer's key to their order: it goes to the buyer only.
    data.remove("link");
    for key in ["order_id", "return_id", "event_id"] {
        data.insert(
            key.to_string(),
            job.payload.get(key).cloned().unwrap_or(Value::Null),
        );
    }
    Ok(json!({ "type": kind, "timestamp": timestamp, "data": data }).to_string())
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the
/// base64-decoded part of the secret after `whsec_`.
pub fn sign(secret: &str, message_id: &str, timestamp: i64, body: &str) -> anyhow::Result<String> {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| anyhow::anyhow!("the endpoint's signing secret is not base64: {e}"))?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|e| anyhow::anyhow!("signing key: {e}"))?;
    mac.update(format!("{message_id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signs_the_standard_webhooks_example() {
        // The example from the Standard Webhooks specification's test vectors.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
