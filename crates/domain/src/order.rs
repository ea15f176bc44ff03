//! Orders as the shop reports them: lines, payments and shipments. They are the
//! evidence in any later dispute, so they are validated once at intake.

use crate::email::Email;
use crate::money::{Currency, Money};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Card,
    Paypal,
    BuyNowPayLater,
    BankTransfer,
    StoreCredit,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 6] = [
        PaymentMethod::Card,
        PaymentMethod::Paypal,
        PaymentMethod::BuyNowPayLater,
        PaymentMethod::BankTransfer,
        PaymentMethod::StoreCredit,
        PaymentMethod::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::Paypal => "paypal",
            PaymentMethod::BuyNowPayLater => "buy_now_pay_later",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::StoreCredit => "store_credit",
            PaymentMethod::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub id: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub returnable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    pub method: PaymentMethod,
    pub gateway: String,
    pub reference: String,
    pub captured: Money,
    /// Refunds pending at the gateway or succeeded: money already promised back.
    pub refunded: Money,
}

impl Payment {
    pub fn refundable(&self) -> Money {
        Money::new(
            (self.captured.minor - self.refunded.minor).max(0),
            self.captured.currency,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipment {
    pub id: i64,
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: i64,
    pub merchant_id: i64,
    pub number: String,
    pub buyer_email: Email,
    pub buyer_name: String,
    pub locale: String,
    pub currency: Currency,
    pub placed_at: Timestamp,
    pub lines: Vec<OrderLine>,
    pub payments: Vec<Payment>,
    pub shipments: Vec<Shipment>,
}

impl Order {
    /// The return window starts when the last parcel arrived.
    pub fn delivered_at(&self) -> Option<Timestamp> {
        self.shipments.iter().filter_map(|s| s.delivered_at).max()
    }

    pub fn line(&self, line_id: i64) -> Option<&OrderLine> {
        self.lines.iter().find(|l| l.id == line_id)
    }

    pub fn goods_total(&self) -> Money {
        let minor = self
            .lines
            .iter()
            .map(|l| l.unit_price.minor.saturating_mul(l.quantity))
            .fold(0i64, i64::saturating_add);
        Money::new(minor, self.currency)
    }

    pub fn captured_total(&self) -> Money {
        let minor = self
            .payments
            .iter()
            .map(|p| p.captured.minor)
            .fold(0i64, i64::saturating_add);
        Money::new(minor, self.currency)
    }

    pub fn refunded_total(&self) -> Money {
        let minor = self
            .payments
            .iter()
            .map(|p| p.refunded.minor)
            .fold(0i64, i64::saturating_add);
        Money::new(minor, self.currency)
    }
}

/// An order as a shop sends it, before it has ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub number: String,
    pub buyer_email: Email,
    pub buyer_name: String,
    pub locale: String,
    pub currency: Currency,
    pub placed_at: Timestamp,
    pub lines: Vec<NewLine>,
    pub payments: Vec<NewPayment>,
    pub shipments: Vec<NewShipment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub returnable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub method: PaymentMethod,
    pub gateway: String,
    pub reference: String,
    pub captured_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShipment {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("the order number must be 1 to 64 printable characters")]
    BadNumber,
    #[error("an order needs at least one line")]
    NoLines,
    #[error("line {0}: the SKU must be 1 to 64 printable characters")]
    BadSku(usize),
    #[error("line {0}: SKU '{1}' appears twice; send one line per SKU")]
    DuplicateSku(usize, String),
    #[error("line {0}: the quantity must be between 1 and 100000")]
    BadQuantity(usize),
    #[error("line {0}: the unit price must not be negative")]
    NegativePrice(usize),
    #[error("payment {0}: the captured amount must not be negative")]
    NegativeCapture(usize),
    #[error("payment {0}: the gateway reference must be 1 to 128 printable characters")]
    BadReference(usize),
    #[error("payment {0}: reference '{1}' appears twice")]
    DuplicateReference(usize, String),
    #[error("shipment {0}: the tracking number must be 1 to 128 printable characters")]
    BadTracking(usize),
    #[error("shipment {0}: delivered before it was shipped")]
    DeliveredBeforeShipped(usize),
    #[error("a text field is longer than 500 characters")]
    TooLong,
    #[error("the totals are out of range")]
    Overflow,
}

fn printable(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

impl NewOrder {
    /// Checks everything a later rule relies on, so that a stored order is
    /// always one the rules can reason about.
    pub fn validate(&self) -> Result<(), OrderError> {
        if !printable(&self.number, 64) {
            return Err(OrderError::BadNumber);
        }
        if self.buyer_name.chars().count() > 500 {
            return Err(OrderError::TooLong);
        }
        if self.lines.is_empty() {
            return Err(OrderError::NoLines);
        }
        let mut total: i64 = 0;
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            if !printable(&line.sku, 64) {
                return Err(OrderError::BadSku(n));
            }
            if self.lines[..i].iter().any(|l| l.sku == line.sku) {
                return Err(OrderError::DuplicateSku(n, line.sku.clone()));
            }
            if !(1..=100_000).contains(&line.quantity) {
                return Err(OrderError::BadQuantity(n));
            }
            if line.unit_price_minor < 0 {
                return Err(OrderError::NegativePrice(n));
            }
            if line.title.chars().count() > 500 {
                return Err(OrderError::TooLong);
            }
            let line_total = line
                .unit_price_minor
                .checked_mul(line.quantity)
                .ok_or(OrderError::Overflow)?;
            total = total.checked_add(line_total).ok_or(OrderError::Overflow)?;
        }
        for (i, p) in self.payments.iter().enumerate() {
            let n = i + 1;
            if p.captured_minor < 0 {
                return Err(OrderError::NegativeCapture(n));
            }
            if !printable(&p.reference, 128) || !printable(&p.gateway, 64) {
                return Err(OrderError::BadReference(n));
            }
            if self.payments[..i]
                .iter()
                .any(|q| q.reference == p.reference)
            {
                return Err(OrderError::DuplicateReference(n, p.reference.clone()));
            }
        }
        for (i, s) in self.shipments.iter().enumerate() {
            if !printable(&s.tracking_number, 128) || s.carrier.chars().count() > 64 {
                return Err(OrderError::BadTracking(i + 1));
            }
            if let (Some(shipped), Some(delivered)) = (s.shipped_at, s.delivered_at) {
                if delivered < shipped {
                    return Err(OrderError::DeliveredBeforeShipped(i + 1));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> NewOrder {
        NewOrder {
            number: "1001".into(),
            buyer_email: Email::parse("ada@example.com").unwrap(),
            buyer_name: "Ada".into(),
            locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
            placed_at: Timestamp(0),
            lines: vec![NewLine {
                sku: "TEE-M".into(),
                title: "T-shirt".into(),
                quantity: 2,
                unit_price_minor: 1500,
                returnable: true,
            }],
            payments: vec![NewPayment {
                method: PaymentMethod::Card,
                gateway: "simulator".into(),
                reference: "pi_1".into(),
                captured_minor: 3000,
            }],
            shipments: vec![],
        }
    }

    #[test]
    fn a_complete_order_is_valid() {
        assert_eq!(order().validate(), Ok(()));
    }

    #[test]
    fn bad_orders_say_what_is_wrong() {
        let mut o = order();
        o.lines[0].quantity = 0;
        assert_eq!(o.validate(), Err(OrderError::BadQuantity(1)));
        let mut o = order();
        o.lines.push(o.lines[0].clone());
        assert!(matches!(o.validate(), Err(OrderError::DuplicateSku(2, _))));
        let mut o = order();
        o.payments[0].captured_minor = -1;
        assert_eq!(o.validate(), Err(OrderError::NegativeCapture(1)));
        let mut o = order();
        o.lines[0].unit_price_minor = i64::MAX;
        assert_eq!(o.validate(), Err(OrderError::Overflow));
        let mut o = order();
        o.number = " ".into();
        assert_eq!(o.validate(), Err(OrderError::BadNumber));
    }
}
