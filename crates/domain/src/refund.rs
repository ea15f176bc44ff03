//! How much money goes back, and from which payment. The one rule that must
//! never break: refunds on a payment never add up to more than was captured.

use crate::money::{Money, MoneyError};
use crate::order::Payment;
use crate::policy::{Deductions, ReturnPolicy};
use crate::returns::ReturnLine;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("refund of {asked} exceeds what can still be refunded ({refundable})")]
    ExceedsCaptured { asked: Money, refundable: Money },
    #[error("a refund must be more than zero")]
    NotPositive,
    #[error("the refund is in {0}, the order in {1}")]
    WrongCurrency(String, String),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The refund of a return, computed from the accepted lines and shown to staff
/// before it is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundQuote {
    pub accepted_goods: Money,
    pub restocking_fee: Money,
    pub return_shipping: Money,
    pub total: Money,
}

impl RefundQuote {
    pub fn for_return(
        lines: &[ReturnLine],
        policy: &ReturnPolicy,
        currency: crate::money::Currency,
    ) -> Result<Self, MoneyError> {
        let mut accepted_goods = Money::zero(currency);
        for line in lines {
            let qty = line.accepted_quantity();
            accepted_goods = accepted_goods.checked_add(line.unit_price.checked_mul(qty)?)?;
        }
        let reasons: Vec<_> = lines
            .iter()
            .filter(|l| l.accepted_quantity() > 0)
            .map(|l| l.reason)
            .collect();
        let Deductions {
            restocking_fee,
            return_shipping,
        } = policy.deductions(accepted_goods, &reasons)?;
        let total = accepted_goods
            .checked_sub(restocking_fee)?
            .checked_sub(return_shipping)?;
        Ok(RefundQuote {
            accepted_goods,
            restocking_fee,
            return_shipping,
            total,
        })
    }
}

/// One slice of a refund, taken from one payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    pub payment_id: i64,
    pub amount: Money,
}

/// Splits `amount` over the payments of an order, in the order they were
/// made, never taking more from a payment than it still has refundable.
pub fn allocate(payments: &[Payment], amount: Money) -> Result<Vec<Allocation>, RefundError> {
    if amount.minor <= 0 {
        return Err(RefundError::NotPositive);
    }
    let mut refundable = Money::zero(amount.currency);
    for p in payments {
        if p.captured.currency != amount.currency {
            return Err(RefundError::WrongCurrency(
                amount.currency.to_string(),
                p.captured.currency.to_string(),
            ));
        }
        refundable = refundable.checked_add(p.refundable())?;
    }
    if amount.minor > refundable.minor {
        return Err(RefundError::ExceedsCaptured {
            asked: amount,
            refundable,
        });
    }
    let mut left = amount.minor;
    let mut slices = Vec::new();
    for p in payments {
        if left == 0 {
            break;
        }
        let take = p.refundable().minor.min(left);
        if take > 0 {
            slices.push(Allocation {
                payment_id: p.id,
                amount: Money::new(take, amount.currency),
            });
            left -= take;
        }
    }
    Ok(slices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::order::PaymentMethod;
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn payment(id: i64, captured: i64, refunded: i64) -> Payment {
        Payment {
            id,
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("p{id}"),
            captured: Money::new(captured, eur()),
            refunded: Money::new(refunded, eur()),
        }
    }

    #[test]
    fn refunds_come_from_the_first_payments_first() {
        let payments = [payment(1, 1000, 400), payment(2, 500, 0)];
        let slices = allocate(&payments, Money::new(800, eur())).unwrap();
        assert_eq!(
            slices,
            vec![
                Allocation {
                    payment_id: 1,
                    amount: Money::new(600, eur())
                },
                Allocation {
                    payment_id: 2,
                    amount: Money::new(200, eur())
                },
            ]
        );
    }

    #[test]
    fn more_than_refundable_is_refused() {
        let payments = [payment(1, 1000, 400)];
        assert!(matches!(
            allocate(&payments, Money::new(601, eur())),
            Err(RefundError::ExceedsCaptured { .. })
        ));
        assert_eq!(
            allocate(&payments, Money::new(0, eur())),
            Err(RefundError::NotPositive)
        );
    }

    proptest! {
        /// Whatever the payments and the amount, an allocation either is refused
        /// or takes exactly the amount without overdrawing any payment.
        #[test]
        fn allocation_never_exceeds_what_was_captured(
            caps in proptest::collection::vec((0i64..1_000_000, 0i64..1_000_000), 1..5),
            amount in -10i64..3_000_000,
        ) {
            let payments: Vec<Payment> = caps.iter().enumerate()
                .map(|(i, (c, r))| payment(i as i64, *c, (*r).min(*c)))
                .collect();
            let refundable: i64 = payments.iter().map(|p| p.refundable().minor).sum();
            match allocate(&payments, Money::new(amount, eur())) {
                Ok(slices) => {
                    prop_assert!(amount > 0 && amount <= refundable);
                    prop_assert_eq!(slices.iter().map(|s| s.amount.minor).sum::<i64>(), amount);
                    for s in &slices {
                        let p = payments.iter().find(|p| p.id == s.payment_id).unwrap();
                        prop_assert!(s.amount.minor > 0);
                        prop_assert!(p.refunded.minor + s.amount.minor <= p.captured.minor);
                    }
                }
                Err(_) => prop_assert!(amount <= 0 || amount > refundable),
            }
        }

        /// Successive refunds, however they are sized, never add up to more
        /// than the captured amount of any payment.
        #[test]
        fn repeated_refunds_stop_at_the_captured_amount(
            captured in 1i64..100_000,
            asks in proptest::collection::vec(1i64..50_000, 1..20),
        ) {
            let mut p = payment(1, captured, 0);
            for ask in asks {
                if let Ok(slices) = allocate(std::slice::from_ref(&p), Money::new(ask, eur())) {
                    for s in slices {
                        p.refunded = p.refunded.checked_add(s.amount).unwrap();
                    }
                }
                prop_assert!(p.refunded.minor <= p.captured.minor);
            }
        }
    }

    proptest! {
        /// A return's refund is the accepted goods minus the policy's
        /// deductions, never negative and never more than the goods.
        #[test]
        fn a_quote_stays_between_zero_and_the_goods(
            lines in proptest::collection::vec((1i64..20, 0i64..100_000, 0usize..9, 0i64..20), 1..5),
            fee in 0u32..=10_000,
            fixed in 0i64..100_000,
            label in 0i64..5_000,
            percent in any::<bool>(),
        ) {
            use crate::policy::{RestockingFee, ReturnPolicy, ReturnShipping};
            use crate::reason::ReturnReason;
            use crate::returns::{LineDecision, ReturnLine};
            let lines: Vec<ReturnLine> = lines.iter().enumerate().map(|(i, (qty, price, reason, accepted))| ReturnLine {
                order_line_id: i as i64,
                sku: format!("S{i}"),
                title: String::new(),
                quantity: *qty,
                unit_price: Money::new(*price, eur()),
                reason: ReturnReason::ALL[*reason],
                inspection: Some(LineDecision { accepted_quantity: (*accepted).min(*qty), condition: String::new() }),
            }).collect();
            let policy = ReturnPolicy {
                restocking_fee: if percent { RestockingFee::Percent { basis_points: fee } } else { RestockingFee::Fixed { minor: fixed } },
                return_shipping: ReturnShipping::Buyer { label_cost_minor: label },
                ..ReturnPolicy::default()
            };
            let q = RefundQuote::for_return(&lines, &policy, eur()).unwrap();
            let goods: i64 = lines.iter().map(|l| l.unit_price.minor * l.accepted_quantity()).sum();
            prop_assert_eq!(q.accepted_goods.minor, goods);
            prop_assert!(q.total.minor >= 0 && q.total.minor <= goods);
            prop_assert_eq!(q.total.minor, goods - q.restocking_fee.minor - q.return_shipping.minor);
            if lines.iter().any(|l| l.accepted_quantity() > 0 && l.reason.is_merchant_fault()) {
                prop_assert_eq!(q.total.minor, goods);
            }
        }
    }
}
