//! A merchant's published return policy, and the deductions it allows.

use crate::money::{Money, MoneyError};
use crate::reason::ReturnReason;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RestockingFee {
    None,
    /// A share of the accepted goods' value, in basis points (1000 = 10 %).
    Percent {
        basis_points: u32,
    },
    /// A flat amount per return, in the order's currency minor units.
    Fixed {
        minor: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "paid_by", rename_all = "snake_case")]
pub enum ReturnShipping {
    /// The shop pays: the buyer sends the goods back for free.
    Merchant,
    /// The buyer pays: this label cost is deducted from the refund, unless the
    /// shop was at fault (damaged, defective, wrong item, not as described).
    Buyer { label_cost_minor: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundMethod {
    OriginalPayment,
    StoreCredit,
    /// The buyer chooses between the two when asking for the return.
    BuyerChooses,
}

impl RefundMethod {
    pub fn code(self) -> &'static str {
        match self {
            RefundMethod::OriginalPayment => "original_payment",
            RefundMethod::StoreCredit => "store_credit",
            RefundMethod::BuyerChooses => "buyer_chooses",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            RefundMethod::OriginalPayment,
            RefundMethod::StoreCredit,
            RefundMethod::BuyerChooses,
        ]
        .into_iter()
        .find(|m| m.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPolicy {
    /// Days from delivery during which a return can be asked for.
    pub window_days: u32,
    pub restocking_fee: RestockingFee,
    pub return_shipping: ReturnShipping,
    pub refund_method: RefundMethod,
    /// SKUs that can never be returned (hygiene goods, personalised items),
    /// on top of lines the shop flags as not returnable at intake.
    pub non_returnable_skus: Vec<String>,
}

impl Default for ReturnPolicy {
    /// The EU-style baseline: 30 days, no fee, free return shipping, money back
    /// to the original payment method.
    fn default() -> Self {
        ReturnPolicy {
            window_days: 30,
            restocking_fee: RestockingFee::None,
            return_shipping: ReturnShipping::Merchant,
            refund_method: RefundMethod::OriginalPayment,
            non_returnable_skus: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the return window must be between 0 and 3650 days")]
    BadWindow,
    #[error("a restocking fee percentage must be between 0 and 100")]
    BadPercent,
    #[error("fees must not be negative")]
    NegativeFee,
}

/// What the policy takes off a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deductions {
    pub restocking_fee: Money,
    pub return_shipping: Money,
}

impl ReturnPolicy {
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.window_days > 3650 {
            return Err(PolicyError::BadWindow);
        }
        match self.restocking_fee {
            RestockingFee::Percent { basis_points } if basis_points > 10_000 => {
                return Err(PolicyError::BadPercent)
            }
            RestockingFee::Fixed { minor } if minor < 0 => return Err(PolicyError::NegativeFee),
            _ => {}
        }
        if let ReturnShipping::Buyer { label_cost_minor } = self.return_shipping {
            if label_cost_minor < 0 {
                return Err(PolicyError::NegativeFee);
            }
        }
        Ok(())
    }

    pub fn excludes_sku(&self, sku: &str) -> bool {
        self.non_returnable_skus.iter().any(|s| s == sku)
    }

    /// Deductions for a return whose accepted goods are worth `accepted`.
    /// Nothing is deducted when the shop was at fault, and deductions never
    /// exceed the goods' value (a refund is never negative).
    pub fn deductions(
        &self,
        accepted: Money,
        reasons: &[ReturnReason],
    ) -> Result<Deductions, MoneyError> {
        let zero = Money::zero(accepted.currency);
        if accepted.is_zero() || reasons.iter().any(|r| r.is_merchant_fault()) {
            return Ok(Deductions {
                restocking_fee: zero,
                return_shipping: zero,
            });
        }
        let restocking_fee = match self.restocking_fee {
            RestockingFee::None => zero,
            RestockingFee::Percent { basis_points } => accepted.percent_bp(basis_points)?,
            RestockingFee::Fixed { minor } => Money::new(minor, accepted.currency),
        }
        .min(accepted);
        let left = accepted.checked_sub(restocking_fee)?;
        let return_shipping = match self.return_shipping {
            ReturnShipping::Merchant => zero,
            ReturnShipping::Buyer { label_cost_minor } => {
                Money::new(label_cost_minor, accepted.currency).min(left)
            }
        };
        Ok(Deductions {
            restocking_fee,
            return_shipping,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    #[test]
    fn default_policy_deducts_nothing() {
        let d = ReturnPolicy::default()
            .deductions(eur(5000), &[ReturnReason::ChangedMind])
            .unwrap();
        assert_eq!(d.restocking_fee, eur(0));
        assert_eq!(d.return_shipping, eur(0));
    }

    #[test]
    fn fees_apply_to_buyer_reasons_only() {
        let policy = ReturnPolicy {
            restocking_fee: RestockingFee::Percent { basis_points: 1000 },
            return_shipping: ReturnShipping::Buyer {
                label_cost_minor: 495,
            },
            ..ReturnPolicy::default()
        };
        let d = policy
            .deductions(eur(5000), &[ReturnReason::TooSmall])
            .unwrap();
        assert_eq!(d.restocking_fee, eur(500));
        assert_eq!(d.return_shipping, eur(495));
        let d = policy
            .deductions(eur(5000), &[ReturnReason::Defective])
            .unwrap();
        assert_eq!(d.restocking_fee, eur(0));
        assert_eq!(d.return_shipping, eur(0));
    }

    #[test]
    fn deductions_never_exceed_the_goods() {
        let policy = ReturnPolicy {
            restocking_fee: RestockingFee::Fixed { minor: 800 },
            return_shipping: ReturnShipping::Buyer {
                label_cost_minor: 800,
            },
            ..ReturnPolicy::default()
        };
        let d = policy
            .deductions(eur(1000), &[ReturnReason::ChangedMind])
            .unwrap();
        assert_eq!(d.restocking_fee, eur(800));
        assert_eq!(d.return_shipping, eur(200));
    }
}
