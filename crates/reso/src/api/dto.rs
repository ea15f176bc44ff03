//! The API's wire types. They convert explicitly to and from the domain, so
//! the API can be documented and versioned without touching the rules.

use super::problem::ApiError;
use crate::store::events::EventRecord;
use crate::store::refunds::RefundRecord;
use crate::store::returns::ReturnRecord;
use reso_domain::order::{NewLine, NewOrder, NewPayment, NewShipment};
use reso_domain::{Currency, Email, Order, PaymentMethod, RefundQuote, ReturnReason, Timestamp};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An instant as RFC 3339 in UTC.
pub fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub fn parse_instant(field: &str, s: &str) -> Result<Timestamp, ApiError> {
    let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
        ApiError::unprocessable(format!(
            "{field}: '{s}' is not an RFC 3339 date-time like 2026-03-01T10:00:00Z"
        ))
    })?;
    Ok(Timestamp(
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerIn {
    pub email: String,
    #[serde(default)]
    pub name: String,
    /// en, it, fr, es or de; others fall back to the shop's default.
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineIn {
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    /// Price of one unit in minor units of the order currency (cents).
    pub unit_price_minor: i64,
    #[serde(default = "yes")]
    pub returnable: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentIn {
    /// card, paypal, buy_now_pay_later, bank_transfer, store_credit or other.
    pub method: String,
    /// The gateway that captured it: simulator, manual (later stripe, paypal, adyen, klarna).
    pub gateway: String,
    /// The gateway's reference of the payment (PaymentIntent, capture id, PSP reference…).
    pub reference: String,
    pub captured_minor: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentIn {
    #[serde(default)]
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// An order as the shop sends it. Sending the same number again updates it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    pub number: String,
    pub buyer: BuyerIn,
    /// ISO 4217 code, e.g. EUR.
    pub currency: String,
    pub placed_at: String,
    pub lines: Vec<LineIn>,
    #[serde(default)]
    pub payments: Vec<PaymentIn>,
    #[serde(default)]
    pub shipments: Vec<ShipmentIn>,
    /// Buyer protection for this order; absent follows the shop's "protect every order" setting.
    #[serde(default)]
    pub protected: Option<bool>,
}

impl OrderIn {
    pub fn into_domain(self, default_locale: &str) -> Result<NewOrder, ApiError> {
        let currency = Currency::parse(&self.currency)
            .map_err(|e| ApiError::unprocessable(format!("currency: {e}")))?;
        let buyer_email = Email::parse(&self.buyer.email)
            .map_err(|e| ApiError::unprocessable(format!("buyer.email: {e}")))?;
        let locale =
            crate::i18n::Translations::pick(self.buyer.locale.as_deref().unwrap_or(default_locale))
                .to_string();
        let mut payments = Vec::with_capacity(self.payments.len());
        for (i, p) in self.payments.into_iter().enumerate() {
            let method = PaymentMethod::parse(&p.method).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "payments[{i}].method: '{}' is not a known payment method",
                    p.method
                ))
            })?;
            payments.push(NewPayment {
                method,
                gateway: p.gateway,
                reference: p.reference,
                captured_minor: p.captured_minor,
            });
        }
        let mut shipments = Vec::with_capacity(self.shipments.len());
        for (i, s) in self.shipments.into_iter().enumerate() {
            let at = |field: &str, v: &Option<String>| -> Result<Option<Timestamp>, ApiError> {
                v.as_deref()
                    .map(|v| parse_instant(&format!("shipments[{i}].{field}"), v))
                    .transpose()
            };
            shipments.push(NewShipment {
                shipped_at: at("shipped_at", &s.shipped_at)?,
                delivered_at: at("delivered_at", &s.delivered_at)?,
                carrier: s.carrier,
                tracking_number: s.tracking_number,
            });
        }
        Ok(NewOrder {
            number: self.number.trim().to_string(),
            buyer_email,
            buyer_name: self.buyer.name,
            locale,
            currency,
            placed_at: parse_instant("placed_at", &self.placed_at)?,
            lines: self
                .lines
                .into_iter()
                .map(|l| NewLine {
                    sku: l.sku,
                    title: l.title,
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    returnable: l.returnable,
                })
                .collect(),
            payments,
            shipments,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerOut {
    pub email: String,
    pub name: String,
    pub locale: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineOut {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub returnable: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentOut {
    pub id: i64,
    pub method: String,
    pub gateway: String,
    pub reference: String,
    pub captured_minor: i64,
    /// Refunds pending at the gateway or succeeded.
    pub refunded_minor: i64,
    pub refundable_minor: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentOut {
    pub id: i64,
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOut {
    pub id: i64,
    pub number: String,
    pub buyer: BuyerOut,
    pub currency: String,
    pub placed_at: String,
    pub lines: Vec<LineOut>,
    pub payments: Vec<PaymentOut>,
    pub shipments: Vec<ShipmentOut>,
    pub goods_total_minor: i64,
    pub captured_total_minor: i64,
    pub refunded_total_minor: i64,
}

impl From<&Order> for OrderOut {
    fn from(o: &Order) -> Self {
        OrderOut {
            id: o.id,
            number: o.number.clone(),
            buyer: BuyerOut {
                email: o.buyer_email.to_string(),
                name: o.buyer_name.clone(),
                locale: o.locale.clone(),
            },
            currency: o.currency.to_string(),
            placed_at: rfc3339(o.placed_at.millis()),
            lines: o
                .lines
                .iter()
                .map(|l| LineOut {
                    id: l.id,
                    sku: l.sku.clone(),
                    title: l.title.clone(),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price.minor,
                    returnable: l.returnable,
                })
                .collect(),
            payments: o
                .payments
                .iter()
                .map(|p| PaymentOut {
                    id: p.id,
                    method: p.method.code().to_string(),
                    gateway: p.gateway.clone(),
                    reference: p.reference.clone(),
                    captured_minor: p.captured.minor,
                    refunded_minor: p.refunded.minor,
                    refundable_minor: p.refundable().minor,
                })
                .collect(),
            shipments: o
                .shipments
                .iter()
                .map(|s| ShipmentOut {
                    id: s.id,
                    carrier: s.carrier.clone(),
                    tracking_number: s.tracking_number.clone(),
                    shipped_at: s.shipped_at.map(|t| rfc3339(t.millis())),
                    delivered_at: s.delivered_at.map(|t| rfc3339(t.millis())),
                })
                .collect(),
            goods_total_minor: o.goods_total().minor,
            captured_total_minor: o.captured_total().minor,
            refunded_total_minor: o.refunded_total().minor,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSummaryOut {
    pub id: i64,
    pub number: String,
    pub buyer_email: String,
    pub currency: String,
    pub placed_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderSummaryOut>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineIn {
    /// The order line's id (from the order) …
    pub order_line_id: Option<i64>,
    /// … or its SKU.
    pub sku: Option<String>,
    pub quantity: i64,
    /// damaged, defective, wrong_item, not_as_described, too_small, too_large, changed_mind, arrived_late or other.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    pub lines: Vec<ReturnLineIn>,
    #[serde(default)]
    pub comment: String,
    /// original_payment or store_credit; used when the policy lets the buyer choose.
    pub refund_method: Option<String>,
}

pub fn parse_reason(field: &str, code: &str) -> Result<ReturnReason, ApiError> {
    ReturnReason::parse(code).ok_or_else(|| {
        let all: Vec<&str> = ReturnReason::ALL.iter().map(|r| r.code()).collect();
        ApiError::unprocessable(format!(
            "{field}: '{code}' is not a return reason; use one of {}",
            all.join(", ")
        ))
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnLineOut {
    pub order_line_id: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub reason: String,
    /// Set once inspected.
    pub accepted_quantity: Option<i64>,
    pub condition: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnShipmentOut {
    pub carrier: String,
    pub tracking_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteOut {
    pub currency: String,
    pub accepted_goods_minor: i64,
    pub restocking_fee_minor: i64,
    pub return_shipping_minor: i64,
    pub total_minor: i64,
}

impl From<&RefundQuote> for QuoteOut {
    fn from(q: &RefundQuote) -> Self {
        QuoteOut {
            currency: q.total.currency.to_string(),
            accepted_goods_minor: q.accepted_goods.minor,
            restocking_fee_minor: q.restocking_fee.minor,
            return_shipping_minor: q.return_shipping.minor,
            total_minor: q.total.minor,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnOut {
    pub id: i64,
    /// Set once authorized, e.g. RMA-7KX4-M2QP.
    pub rma: Option<String>,
    /// requested, photos_requested, authorized, in_transit, received, inspected, refunding, refunded, rejected or closed.
    pub status: String,
    pub order_id: i64,
    pub order_number: String,
    pub buyer_email: String,
    pub currency: String,
    /// What the decision matrix decided, and by which rule.
    pub decision: String,
    pub decision_rule: Option<String>,
    /// The buyer keeps the goods (refund without return).
    pub keep_goods: bool,
    pub comment: String,
    pub rejection_reason: Option<String>,
    pub refund_method: String,
    pub return_shipment: Option<ReturnShipmentOut>,
    pub lines: Vec<ReturnLineOut>,
    pub photo_count: usize,
    /// The refund the lines accepted so far would give.
    pub quote: Option<QuoteOut>,
    pub created_at: String,
    pub updated_at: String,
}

impl ReturnOut {
    pub fn new(r: &ReturnRecord, quote: Option<&RefundQuote>) -> Self {
        ReturnOut {
            id: r.id,
            rma: r.rma.clone(),
            status: r.status.code().to_string(),
            order_id: r.order_id,
            order_number: r.order_number.clone(),
            buyer_email: r.buyer_email.clone(),
            currency: r.currency.to_string(),
            decision: r.decision.clone(),
            decision_rule: r.decision_rule.clone(),
            keep_goods: r.keep_goods,
            comment: r.comment.clone(),
            rejection_reason: r.rejection_reason.clone(),
            refund_method: r.refund_method.clone(),
            return_shipment: r.return_tracking.clone().map(|t| ReturnShipmentOut {
                carrier: r.return_carrier.clone().unwrap_or_default(),
                tracking_number: t,
            }),
            lines: r
                .lines
                .iter()
                .map(|l| ReturnLineOut {
                    order_line_id: l.order_line_id,
                    sku: l.sku.clone(),
                    title: l.title.clone(),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price.minor,
                    reason: l.reason.code().to_string(),
                    accepted_quantity: l.inspection.as_ref().map(|d| d.accepted_quantity),
                    condition: l.inspection.as_ref().map(|d| d.condition.clone()),
                })
                .collect(),
            photo_count: r.photo_ids.len(),
            quote: quote.map(QuoteOut::from),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnPage {
    pub items: Vec<ReturnOut>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// Shown to the buyer.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotosRequestIn {
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentBackIn {
    #[serde(default)]
    pub carrier: String,
    pub tracking_number: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionLineIn {
    pub order_line_id: i64,
    pub accepted_quantity: i64,
    #[serde(default)]
    pub condition: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionIn {
    pub lines: Vec<InspectionLineIn>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRefundIn {
    /// original_payment, store_credit or manual; defaults to what the return asked for.
    pub method: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodwillRefundIn {
    pub amount_minor: i64,
    /// original_payment, store_credit or manual.
    pub method: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundOut {
    pub id: i64,
    pub order_id: i64,
    pub payment_id: i64,
    pub return_id: Option<i64>,
    pub amount_minor: i64,
    pub currency: String,
    pub method: String,
    /// pending (sent to the gateway), succeeded or failed.
    pub status: String,
    pub gateway: String,
    pub gateway_refund_id: Option<String>,
    pub failure: Option<String>,
    /// The credit note number recorded for accounting.
    pub credit_note: String,
    pub reason: String,
    pub created_at: String,
}

impl From<&RefundRecord> for RefundOut {
    fn from(r: &RefundRecord) -> Self {
        RefundOut {
            id: r.id,
            order_id: r.order_id,
            payment_id: r.payment_id,
            return_id: r.return_id,
            amount_minor: r.amount_minor,
            currency: r.currency.clone(),
            method: r.method.clone(),
            status: r.status.clone(),
            gateway: r.gateway.clone(),
            gateway_refund_id: r.gateway_refund_id.clone(),
            failure: r.failure.clone(),
            credit_note: r.credit_note.clone(),
            reason: r.reason.clone(),
            created_at: rfc3339(r.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundList {
    pub items: Vec<RefundOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: String,
    pub order_id: Option<i64>,
    pub return_id: Option<i64>,
    pub at: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<&EventRecord> for EventOut {
    fn from(e: &EventRecord) -> Self {
        EventOut {
            id: e.id,
            kind: e.kind.clone(),
            actor: e.actor.clone(),
            order_id: e.order_id,
            return_id: e.return_id,
            at: rfc3339(e.at),
            data: e.data.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventOut>,
    /// Pass as `after` to continue; the last event's id.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: i64,
    pub url: String,
    /// Returned only when the endpoint is created: verify signatures with it.
    pub secret: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookOut>,
}
