//! Adyen disputes through the DisputeService: accept, or supply defense documents and defend.
//!
//! The DisputeService (v30) lives in Adyen's Customer Area, not with the
//! Checkout API the account's `base_url` names, so its root is derived:
//! an Adyen host (`*.adyen.com`, `*.adyenpayments.com`) means
//! `https://ca-test.adyen.com/ca/services/DisputeService/v30` when the host
//! is a test one and `https://ca-live.adyen.com/…` when it says `live`; any
//! other base URL (a fake Adyen in tests, a proxy) gets
//! `{base_url}/ca/services/DisputeService/v30`, a trailing API version
//! (`/v72`) taken off first.
//!
//! Accepting is one `acceptDispute` (Adyen takes no note). Defending is
//! `retrieveApplicableDefenseReasons` (a read), then `supplyDefenseDocument`
//! and `defendDispute`, each with its own idempotency key derived from the
//! answer's (`{key}-documents`, `{key}-defend`), so a retry after a lost
//! answer gets Adyen's first answer back instead of defending twice. Adyen
//! says no either with an error status or with `200` and
//! `disputeServiceResult.success = false`; both are final. Which defense
//! reason and which documents: `defense`.

mod defense;

use super::AdyenAccount;
use crate::gateways::disputes::{
    AnswerFuture, AnswerReceipt, AnswersDisputes, DisputeAnswer, DisputeEvidence,
};
use crate::gateways::GatewayError;
use defense::DefenseReason;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

/// Documents run to megabytes: more patience than for a refund.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

const SERVICE_PATH: &str = "/ca/services/DisputeService/v30";
const TEST_ROOT: &str = "https://ca-test.adyen.com/ca/services/DisputeService/v30";
const LIVE_ROOT: &str = "https://ca-live.adyen.com/ca/services/DisputeService/v30";

/// Answers disputes on one merchant's Adyen account.
#[derive(Debug)]
pub struct AdyenDisputes {
    account: AdyenAccount,
    http: reqwest::Client,
    timeout: Duration,
}

/// How one DisputeService call ended, when Adyen answered at all.
#[derive(Debug, PartialEq)]
enum Step {
    Done(Value),
    Refused(String),
}

impl AdyenDisputes {
    pub fn new(account: AdyenAccount, http: reqwest::Client) -> AdyenDisputes {
        AdyenDisputes {
            account,
            http,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn send(
        &self,
        dispute_id: &str,
        answer: &DisputeAnswer,
        key: &str,
    ) -> Result<AnswerReceipt, GatewayError> {
        match answer {
            DisputeAnswer::Accept { .. } => {
                let body = self.request(dispute_id, json!({}));
                Ok(match self.call("acceptDispute", &body, Some(key)).await? {
                    Step::Done(_) => AnswerReceipt::Submitted,
                    Step::Refused(reason) => AnswerReceipt::Refused { reason },
                })
            }
            DisputeAnswer::Evidence(evidence) => self.defend(dispute_id, evidence, key).await,
        }
    }

    async fn defend(
        &self,
        dispute_id: &str,
        evidence: &DisputeEvidence,
        key: &str,
    ) -> Result<AnswerReceipt, GatewayError> {
        let refused = |reason| Ok(AnswerReceipt::Refused { reason });
        let body = self.request(dispute_id, json!({}));
        let reasons = match self
            .call("retrieveApplicableDefenseReasons", &body, None)
            .await?
        {
            Step::Done(answer) => answer,
            Step::Refused(reason) => return refused(reason),
        };
        let offered: Vec<DefenseReason> = match serde_json::from_value(
            reasons.get("defenseReasons").cloned().unwrap_or(json!([])),
        ) {
            Ok(offered) => offered,
            Err(e) => {
                return Err(GatewayError::Unavailable(format!(
                    "Adyen's defense reasons do not parse: {e}"
                )))
            }
        };
        let defense = match defense::plan(&offered, evidence) {
            Ok(defense) => defense,
            Err(reason) => {
                return refused(format!(
                    "Reso cannot defend this dispute at Adyen: {reason}"
                ))
            }
        };
        if !defense.left_out.is_empty() {
            tracing::warn!(
                dispute = dispute_id,
                left_out = ?defense.left_out,
                "evidence files Adyen does not take were left out of the defense"
            );
        }

        let documents = self.request(dispute_id, json!({ "defenseDocuments": defense.documents }));
        if let Step::Refused(reason) = self
            .call(
                "supplyDefenseDocument",
                &documents,
                Some(&format!("{key}-documents")),
            )
            .await?
        {
            return refused(reason);
        }
        let defend = self.request(
            dispute_id,
            json!({ "defenseReasonCode": defense.reason_code }),
        );
        Ok(
            match self
                .call("defendDispute", &defend, Some(&format!("{key}-defend")))
                .await?
            {
                Step::Done(_) => AnswerReceipt::Submitted,
                Step::Refused(reason) => AnswerReceipt::Refused { reason },
            },
        )
    }

    /// `fields` with the merchant account and the dispute every call names.
    fn request(&self, dispute_id: &str, mut fields: Value) -> Value {
        fields["merchantAccountCode"] = json!(self.account.merchant_account);
        fields["disputePspReference"] = json!(dispute_id);
        fields
    }

    async fn call(
        &self,
        operation: &str,
        body: &Value,
        key: Option<&str>,
    ) -> Result<Step, GatewayError> {
        let url = format!("{}/{operation}", service_root(&self.account.base_url));
        let mut request = self
            .http
            .post(url)
            .timeout(self.timeout)
            .header("X-API-Key", &self.account.api_key)
            .json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let who = format!("Adyen {operation}");
        let response = request
            .send()
            .await
            .map_err(|e| GatewayError::unreachable(&who, &e))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| GatewayError::unreachable(&who, &e))?;
        step_answer(operation, status, &bytes)
    }
}

impl AnswersDisputes for AdyenDisputes {
    fn answer<'a>(
        &'a self,
        dispute_id: &'a str,
        answer: &'a DisputeAnswer,
        idempotency_key: &'a str,
    ) -> AnswerFuture<'a> {
        Box::pin(self.send(dispute_id, answer, idempotency_key))
    }
}

/// The DisputeService root for an account whose Checkout `base_url` is given.
pub fn service_root(base_url: &str) -> String {
    let root = base_url.trim_end_matches('/');
    let host = reqwest::Url::parse(root)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    if let Some(host) = host {
        if host.ends_with(".adyen.com") || host.ends_with(".adyenpayments.com") {
            return if host.contains("live") {
                LIVE_ROOT
            } else {
                TEST_ROOT
            }
            .to_string();
        }
    }
    let (rest, last) = root.rsplit_once('/').unwrap_or((root, ""));
    let versioned =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    let root = if versioned { rest } else { root };
    format!("{root}{SERVICE_PATH}")
}

/// What each operation is, to the merchant reading a refusal.
fn described(operation: &str) -> &'static str {
    match operation {
        "acceptDispute" => "accepting the dispute",
        "retrieveApplicableDefenseReasons" => "looking up the dispute's defenses",
        "supplyDefenseDocument" => "the defense documents",
        "defendDispute" => "defending the dispute",
        _ => "the dispute answer",
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceAnswer {
    dispute_service_result: ServiceResult,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceResult {
    success: bool,
    error_message: Option<String>,
}

/// What Adyen's answer to one DisputeService call means.
fn step_answer(operation: &str, status: u16, body: &[u8]) -> Result<Step, GatewayError> {
    let what = described(operation);
    match status {
        200..=299 => {
            let value: Value = serde_json::from_slice(body).map_err(|e| {
                GatewayError::Unavailable(format!(
                    "Adyen's answer to {operation} does not parse: {e}"
                ))
            })?;
            // Taken, but unreadable: asking again with the same key is safe.
            let answer: ServiceAnswer = serde_json::from_value(value.clone()).map_err(|e| {
                GatewayError::Unavailable(format!(
                    "Adyen's answer to {operation} does not parse: {e}"
                ))
            })?;
            let result = answer.dispute_service_result;
            if result.success {
                Ok(Step::Done(value))
            } else {
                let message = result
                    .error_message
                    .filter(|m| !m.trim().is_empty())
                    .unwrap_or_else(|| "no reason given".into());
                Ok(Step::Refused(format!("Adyen refused {what}: {message}")))
            }
        }
        // Time-out, an idempotent request still running, throttling, outage.
        408 | 409 | 425 | 429 | 500..=599 => Err(GatewayError::Unavailable(format!(
            "Adyen answered {operation} with {status}{}",
            super::describe(body)
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ))),
        401 | 403 => {
            Ok(Step::Refused(format!(
            "Adyen did not let Reso in for {what} (HTTP {status}): check the API key and that its \
             credential has the \"API dispute management\" role{}",
            super::describe(body).map(|d| format!("; Adyen says: {d}")).unwrap_or_default()
        )))
        }
        400..=499 => Ok(Step::Refused(format!(
            "Adyen refused {what}: {}",
            super::describe(body).unwrap_or_else(|| format!("HTTP {status}"))
        ))),
        _ => Err(GatewayError::Unavailable(format!(
            "Adyen answered {operation} with HTTP {status}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dispute_service_of_adyens_own_hosts_and_of_any_other() {
        assert_eq!(
            service_root("https://checkout-test.adyen.com/v72"),
            TEST_ROOT
        );
        assert_eq!(service_root("https://checkout-test.adyen.com"), TEST_ROOT);
        assert_eq!(
            service_root(
                "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout"
            ),
            LIVE_ROOT
        );
        assert_eq!(
            service_root("https://checkout-live.adyen.com/v71/"),
            LIVE_ROOT
        );
        assert_eq!(
            service_root("http://127.0.0.1:4010/v72"),
            "http://127.0.0.1:4010/ca/services/DisputeService/v30"
        );
        assert_eq!(
            service_root("http://127.0.0.1:4010/"),
            "http://127.0.0.1:4010/ca/services/DisputeService/v30"
        );
        assert_eq!(
            service_root("https://adyen-proxy.shop.example/checkout"),
            "https://adyen-proxy.shop.example/checkout/ca/services/DisputeService/v30"
        );
    }

    #[test]
    fn success_is_done_and_success_false_is_a_refusal_with_adyens_message() {
        assert!(matches!(
            step_answer(
                "acceptDispute",
                200,
                br#"{"disputeServiceResult":{"success":true}}"#
            ),
            Ok(Step::Done(_))
        ));
        assert_eq!(
            step_answer(
                "defendDispute",
                200,
                br#"{"disputeServiceResult":{"success":false,"errorMessage":"Defense period ended"}}"#
            ),
            Ok(Step::Refused("Adyen refused defending the dispute: Defense period ended".into()))
        );
        assert_eq!(
            step_answer(
                "acceptDispute",
                200,
                br#"{"disputeServiceResult":{"success":false}}"#
            ),
            Ok(Step::Refused(
                "Adyen refused accepting the dispute: no reason given".into()
            ))
        );
    }

    #[test]
    fn client_errors_are_final_and_outages_are_retried() {
        let error = br#"{"status":422,"errorCode":"000","message":"Dispute is not open any more","errorType":"validation"}"#;
        assert_eq!(
            step_answer("supplyDefenseDocument", 422, error),
            Ok(Step::Refused(
                "Adyen refused the defense documents: Dispute is not open any more (error 000)"
                    .into()
            ))
        );
        assert!(matches!(
            step_answer("acceptDispute", 401, b""),
            Ok(Step::Refused(r)) if r.contains("HTTP 401") && r.contains("API dispute management")
        ));
        assert!(matches!(
            step_answer("acceptDispute", 500, br#"{"status":500,"message":"Internal error"}"#),
            Err(GatewayError::Unavailable(m)) if m.contains("500") && m.contains("Internal error")
        ));
        assert!(step_answer("acceptDispute", 429, b"").is_err());
        assert!(step_answer("acceptDispute", 503, b"<html>").is_err());
        // Taken but unreadable: retried with the same key, never a refusal.
        assert!(step_answer("defendDispute", 200, b"{").is_err());
        assert!(step_answer("defendDispute", 200, b"{}").is_err());
    }

    #[test]
    fn every_request_names_the_merchant_account_and_the_dispute() {
        let disputes = AdyenDisputes::new(
            AdyenAccount {
                base_url: "https://checkout-test.adyen.com/v72".into(),
                api_key: "k".into(),
                merchant_account: "ShopNL".into(),
                hmac_key: "00".into(),
            },
            reqwest::Client::new(),
        );
        assert_eq!(
            disputes.request(
                "DZ4DPSHB4WD2WN82",
                json!({"defenseReasonCode": "SupplyDefenseMaterial"})
            ),
            json!({
                "defenseReasonCode": "SupplyDefenseMaterial",
                "disputePspReference": "DZ4DPSHB4WD2WN82",
                "merchantAccountCode": "ShopNL",
            })
        );
    }

    #[test]
    fn the_api_key_stays_out_of_debug_output() {
        let disputes = AdyenDisputes::new(
            AdyenAccount {
                base_url: "https://checkout-test.adyen.com/v72".into(),
                api_key: "AQE-secret-key".into(),
                merchant_account: "ShopNL".into(),
                hmac_key: "00".into(),
            },
            reqwest::Client::new(),
        );
        let shown = format!("{disputes:?}");
        assert!(!shown.contains("AQE-secret-key"));
        assert!(shown.contains("ShopNL"));
    }
}
