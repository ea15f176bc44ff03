//! Klarna's record of an order's refunds, for reconciliation:
//! `GET /ordermanagement/v1/orders/{order_id}` answers the order with its
//! `refunds[]` (`refund_id`, `refunded_amount` in minor units of the order's
//! `purchase_currency`, `reference` as the merchant sent it). Klarna keeps
//! only registered refunds, so each one listed has succeeded.

use super::{is_klarna_id, unavailable, Klarna};
use crate::gateways::notification::{RefundNews, RefundState};
use crate::gateways::reconciliation::{ListsRefunds, RefundListFuture};
use crate::gateways::GatewayError;
use reso_domain::{Currency, Money};
use serde_json::Value;

impl Klarna {
    async fn list_refunds(&self, order_id: &str) -> Result<Vec<RefundNews>, GatewayError> {
        if !is_klarna_id(order_id) {
            return Err(GatewayError::Unavailable(format!(
                "'{order_id}' is not a Klarna order id"
            )));
        }
        let response = self
            .http
            .get(self.url(&format!("/ordermanagement/v1/orders/{order_id}")))
            .basic_auth(&self.account.username, Some(&self.account.password))
            .timeout(self.timeout)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(GatewayError::Unavailable(format!(
                "Klarna answered {status} about order {order_id}"
            )));
        }
        let order: Value = response.json().await.map_err(|e| {
            GatewayError::Unavailable(format!("Klarna answered {status} with no order: {e}"))
        })?;
        order_refunds(order_id, &order)
            .map_err(|what| GatewayError::Unavailable(format!("Klarna's order {order_id}: {what}")))
    }
}

impl ListsRefunds for Klarna {
    fn refunds_on<'a>(&'a self, payment_reference: &'a str) -> RefundListFuture<'a> {
        Box::pin(self.list_refunds(payment_reference))
    }
}

/// The refunds of a Klarna order, with ids as the adapter names them
/// (`{order_id}/{refund_id}`).
fn order_refunds(order_id: &str, order: &Value) -> Result<Vec<RefundNews>, String> {
    let currency = order["purchase_currency"]
        .as_str()
        .and_then(|c| Currency::parse(c).ok())
        .ok_or("no purchase_currency")?;
    order["refunds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|refund| {
            let id = refund["refund_id"]
                .as_str()
                .ok_or("a refund without refund_id")?;
            let minor = refund["refunded_amount"]
                .as_i64()
                .ok_or("a refund without refunded_amount")?;
            Ok(RefundNews {
                gateway_refund_id: format!("{order_id}/{id}"),
                payment_reference: order_id.to_string(),
                reso_reference: refund["reference"].as_str().map(str::to_string),
                amount: Money::new(minor, currency),
                state: RefundState::Succeeded,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_orders_refunds_are_read() {
        let order = json!({
            "order_id": "ord-1", "purchase_currency": "SEK",
            "refunds": [
                {"refund_id": "r-1", "refunded_amount": 5000, "reference": "reso-refund-7", "refunded_at": "2026-03-01T10:00:00Z"},
                {"refund_id": "r-2", "refunded_amount": 1200}
            ]
        });
        let refunds = order_refunds("ord-1", &order).unwrap();
        assert_eq!(refunds.len(), 2);
        assert_eq!(refunds[0].gateway_refund_id, "ord-1/r-1");
        assert_eq!(refunds[0].reso_reference.as_deref(), Some("reso-refund-7"));
        assert_eq!(refunds[1].amount.minor, 1200);
        assert_eq!(refunds[1].amount.currency.as_str(), "SEK");
        assert_eq!(refunds[1].reso_reference, None);
        // An order with no refunds has none; one Reso cannot read is an error.
        let bare = json!({"purchase_currency": "EUR"});
        assert_eq!(order_refunds("ord-1", &bare), Ok(vec![]));
        let broken = json!({"purchase_currency": "EUR", "refunds": [{"refunded_amount": 1}]});
        assert!(order_refunds("ord-1", &broken).is_err());
        assert!(order_refunds("ord-1", &json!({})).is_err());
    }
}
