//! Stripe's record of a payment's refunds, for reconciliation:
//! `GET /v1/refunds?payment_intent=…` (or `charge=…`), a page of up to 100
//! at a time, following `has_more` with `starting_after`.

use super::{payment_field, refund_news, Stripe, StripeError};
use crate::gateways::notification::RefundNews;
use crate::gateways::reconciliation::{ListsRefunds, RefundListFuture};
use crate::gateways::GatewayError;
use serde_json::Value;

/// Stripe's largest page.
const PAGE: &str = "100";

/// More pages than any real payment has refunds for: a provider that keeps
/// saying `has_more` is not followed forever.
const MAX_PAGES: usize = 100;

impl Stripe {
    async fn list_refunds(&self, payment_reference: &str) -> Result<Vec<RefundNews>, GatewayError> {
        let field = payment_field(payment_reference).ok_or_else(|| {
            GatewayError::Unavailable(format!(
                "'{payment_reference}' is not a Stripe PaymentIntent (pi_…) or charge (ch_…, py_…)"
            ))
        })?;
        let mut refunds = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![(field, payment_reference), ("limit", PAGE)];
            if let Some(last) = &after {
                query.push(("starting_after", last));
            }
            let page = self.page(&query).await?;
            let data = page["data"].as_array().ok_or_else(|| {
                GatewayError::Unavailable("Stripe answered a refund list without data".into())
            })?;
            for refund in data {
                refunds.push(refund_news(refund).map_err(|e| {
                    GatewayError::Unavailable(format!(
                        "Stripe listed a refund Reso cannot read: {e}"
                    ))
                })?);
            }
            let last = data.last().and_then(|r| r["id"].as_str());
            match (page["has_more"].as_bool(), last) {
                (Some(true), Some(last)) => after = Some(last.to_string()),
                _ => return Ok(refunds),
            }
        }
        Err(GatewayError::Unavailable(format!(
            "Stripe kept listing refunds of {payment_reference} past {MAX_PAGES} pages"
        )))
    }

    async fn page(&self, query: &[(&str, &str)]) -> Result<Value, GatewayError> {
        let response = self
            .http
            .get(self.url("/v1/refunds"))
            .bearer_auth(&self.account.secret_key)
            .query(query)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| GatewayError::unreachable("Stripe", &e))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| GatewayError::Unavailable(format!("Stripe's answer broke off: {e}")))?;
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if (200..300).contains(&status) {
            return json.ok_or_else(|| {
                GatewayError::Unavailable(format!("Stripe answered {status} with no refund list"))
            });
        }
        let error = json
            .map(|v| StripeError::from(&v["error"]))
            .unwrap_or_default();
        Err(GatewayError::Unavailable(format!(
            "Stripe answered {status} to the refund list: {}",
            error.describe(status)
        )))
    }
}

impl ListsRefunds for Stripe {
    fn refunds_on<'a>(&'a self, payment_reference: &'a str) -> RefundListFuture<'a> {
        Box::pin(self.list_refunds(payment_reference))
    }
}
