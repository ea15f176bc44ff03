//! A return (RMA) from request to refund: which lines may come back, and which
//! step may follow which.

use crate::money::Money;
use crate::order::Order;
use crate::policy::ReturnPolicy;
use crate::reason::ReturnReason;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    /// Waiting for staff to authorize or reject.
    Requested,
    /// Waiting for the buyer's photos.
    PhotosRequested,
    /// RMA issued; waiting for the parcel.
    Authorized,
    /// The buyer sent the parcel (tracking known).
    InTransit,
    /// The parcel arrived; lines not inspected yet.
    Received,
    /// Lines inspected; the refund of accepted lines is due.
    Inspected,
    /// Refund issued, waiting for the payment provider to confirm.
    Refunding,
    Refunded,
    /// Not authorized; the reason is shown to the buyer.
    Rejected,
    /// Ended with nothing to refund (all lines rejected at inspection), or
    /// withdrawn by the buyer before sending anything.
    Closed,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 10] = [
        ReturnStatus::Requested,
        ReturnStatus::PhotosRequested,
        ReturnStatus::Authorized,
        ReturnStatus::InTransit,
        ReturnStatus::Received,
        ReturnStatus::Inspected,
        ReturnStatus::Refunding,
        ReturnStatus::Refunded,
        ReturnStatus::Rejected,
        ReturnStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested",
            ReturnStatus::PhotosRequested => "photos_requested",
            ReturnStatus::Authorized => "authorized",
            ReturnStatus::InTransit => "in_transit",
            ReturnStatus::Received => "received",
            ReturnStatus::Inspected => "inspected",
            ReturnStatus::Refunding => "refunding",
            ReturnStatus::Refunded => "refunded",
            ReturnStatus::Rejected => "rejected",
            ReturnStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still holds quantities of the order: they cannot be asked for again.
    pub fn holds_quantities(self) -> bool {
        !matches!(self, ReturnStatus::Rejected | ReturnStatus::Closed)
    }
}

/// Everything that can happen to a return. Each is allowed only from some states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnAction {
    Authorize,
    Reject,
    RequestPhotos,
    AddPhotos,
    ShipBack,
    MarkReceived,
    Inspect,
    IssueRefund,
    ConfirmRefund,
    RefundFailed,
    Withdraw,
}

impl ReturnAction {
    pub fn describe(self) -> &'static str {
        match self {
            ReturnAction::Authorize => "authorize",
            ReturnAction::Reject => "reject",
            ReturnAction::RequestPhotos => "ask for photos",
            ReturnAction::AddPhotos => "add photos",
            ReturnAction::ShipBack => "record the return parcel",
            ReturnAction::MarkReceived => "mark as received",
            ReturnAction::Inspect => "inspect",
            ReturnAction::IssueRefund => "refund",
            ReturnAction::ConfirmRefund => "confirm the refund",
            ReturnAction::RefundFailed => "record a failed refund",
            ReturnAction::Withdraw => "withdraw",
        }
    }
}

/// The state that follows `action` in `status`, or why it cannot happen.
pub fn next_status(
    status: ReturnStatus,
    action: ReturnAction,
) -> Result<ReturnStatus, ReturnError> {
    use ReturnAction as A;
    use ReturnStatus as S;
    let next = match (status, action) {
        (S::Requested | S::PhotosRequested, A::Authorize) => S::Authorized,
        (S::Requested | S::PhotosRequested, A::Reject) => S::Rejected,
        (S::Requested, A::RequestPhotos) => S::PhotosRequested,
        (S::Requested, A::AddPhotos) => S::Requested,
        (S::PhotosRequested, A::AddPhotos) => S::Requested,
        // Tracking can be corrected while the parcel travels.
        (S::Authorized | S::InTransit, A::ShipBack) => S::InTransit,
        // Parcels often arrive before anyone typed a tracking number.
        (S::Authorized | S::InTransit, A::MarkReceived) => S::Received,
        (S::Received, A::Inspect) => S::Inspected,
        // A refund without return skips the parcel: it goes out right after the decision.
        (S::Inspected | S::Requested | S::Authorized, A::IssueRefund) => S::Refunding,
        (S::Refunding, A::ConfirmRefund) => S::Refunded,
        (S::Refunding, A::RefundFailed) => S::Inspected,
        (S::Requested | S::PhotosRequested | S::Authorized, A::Withdraw) => S::Closed,
        (from, action) => return Err(ReturnError::NotAllowed { from, action }),
    };
    Ok(next)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDecision {
    pub accepted_quantity: i64,
    pub condition: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLine {
    pub order_line_id: i64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub reason: ReturnReason,
    pub inspection: Option<LineDecision>,
}

impl ReturnLine {
    /// Before inspection (a refund without return) every requested unit counts.
    pub fn accepted_quantity(&self) -> i64 {
        self.inspection
            .as_ref()
            .map_or(self.quantity, |d| d.accepted_quantity)
    }
}

/// A line the buyer asks to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedLine {
    pub order_line_id: i64,
    pub quantity: i64,
    pub reason: ReturnReason,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    #[error("choose at least one item to return")]
    NoLines,
    #[error("line {0} is not part of this order")]
    UnknownLine(i64),
    #[error("line {0} is listed twice")]
    DuplicateLine(i64),
    #[error("'{0}' cannot be returned under the shop's policy")]
    NotReturnable(String),
    #[error("'{sku}': {asked} asked, but only {left} can still be returned")]
    QuantityTooHigh { sku: String, asked: i64, left: i64 },
    #[error("the return window of {window} days after delivery has passed ({days} days ago)")]
    OutsideWindow { days: i64, window: u32 },
    #[error("a return cannot {} when it is {}", action.describe(), from.code())]
    NotAllowed {
        from: ReturnStatus,
        action: ReturnAction,
    },
    #[error("inspection must list every line of the return exactly once")]
    IncompleteInspection,
    #[error("line {0}: accepted quantity must be between 0 and the returned quantity")]
    BadAcceptedQuantity(i64),
    #[error("a reason is required")]
    MissingReason,
    #[error("the text is longer than {0} characters")]
    TooLong(usize),
}

/// Checks a buyer's request against the order, the policy and the quantities
/// already held by other returns, and prices the requested lines.
pub fn check_request(
    order: &Order,
    policy: &ReturnPolicy,
    already_held: &HashMap<i64, i64>,
    requested: &[RequestedLine],
    now: Timestamp,
) -> Result<Vec<ReturnLine>, ReturnError> {
    if requested.is_empty() {
        return Err(ReturnError::NoLines);
    }
    if let Some(delivered) = order.delivered_at() {
        let days = now.days_since(delivered);
        if days > i64::from(policy.window_days) {
            return Err(ReturnError::OutsideWindow {
                days,
                window: policy.window_days,
            });
        }
    }
    let mut lines = Vec::with_capacity(requested.len());
    for (i, req) in requested.iter().enumerate() {
        if requested[..i]
            .iter()
            .any(|r| r.order_line_id == req.order_line_id)
        {
            return Err(ReturnError::DuplicateLine(req.order_line_id));
        }
        let line = order
            .line(req.order_line_id)
            .ok_or(ReturnError::UnknownLine(req.order_line_id))?;
        if !line.returnable || policy.excludes_sku(&line.sku) {
            return Err(ReturnError::NotReturnable(line.title.clone()));
        }
        let left = line.quantity - already_held.get(&line.id).copied().unwrap_or(0);
        if req.quantity < 1 || req.quantity > left {
            return Err(ReturnError::QuantityTooHigh {
                sku: line.sku.clone(),
                asked: req.quantity,
                left: left.max(0),
            });
        }
        lines.push(ReturnLine {
            order_line_id: line.id,
            sku: line.sku.clone(),
            title: line.title.clone(),
            quantity: req.quantity,
            unit_price: line.unit_price,
            reason: req.reason,
            inspection: None,
        });
    }
    Ok(lines)
}

/// Applies an inspection: every line of the return, with how many units were
/// accepted and a note on their condition.
pub fn inspect(
    lines: &[ReturnLine],
    decisions: &[(i64, LineDecision)],
) -> Result<Vec<ReturnLine>, ReturnError> {
    if decisions.len() != lines.len() {
        return Err(ReturnError::IncompleteInspection);
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut matching = decisions.iter().filter(|(id, _)| *id == line.order_line_id);
        let (_, decision) = matching.next().ok_or(ReturnError::IncompleteInspection)?;
        if matching.next().is_some() {
            return Err(ReturnError::IncompleteInspection);
        }
        if !(0..=line.quantity).contains(&decision.accepted_quantity) {
            return Err(ReturnError::BadAcceptedQuantity(line.order_line_id));
        }
        if decision.condition.chars().count() > 1000 {
            return Err(ReturnError::TooLong(1000));
        }
        out.push(ReturnLine {
            inspection: Some(decision.clone()),
            ..line.clone()
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;
    use crate::money::Currency;
    use crate::order::{OrderLine, Shipment};
    use crate::time::MS_PER_DAY;

    fn order(delivered_day: Option<i64>) -> Order {
        let eur = Currency::parse("EUR").unwrap();
        Order {
            id: 1,
            merchant_id: 1,
            number: "1001".into(),
            buyer_email: Email::parse("ada@example.com").unwrap(),
            buyer_name: "Ada".into(),
            locale: "en".into(),
            currency: eur,
            placed_at: Timestamp(0),
            lines: vec![
                OrderLine {
                    id: 10,
                    sku: "TEE".into(),
                    title: "T-shirt".into(),
                    quantity: 2,
                    unit_price: Money::new(1500, eur),
                    returnable: true,
                },
                OrderLine {
                    id: 11,
                    sku: "SOCKS".into(),
                    title: "Socks".into(),
                    quantity: 1,
                    unit_price: Money::new(500, eur),
                    returnable: false,
                },
            ],
            payments: vec![],
            shipments: vec![Shipment {
                id: 1,
                carrier: "DHL".into(),
                tracking_number: "1Z".into(),
                shipped_at: None,
                delivered_at: delivered_day.map(|d| Timestamp(d * MS_PER_DAY)),
            }],
        }
    }

    fn ask(line: i64, quantity: i64) -> RequestedLine {
        RequestedLine {
            order_line_id: line,
            quantity,
            reason: ReturnReason::TooSmall,
        }
    }

    fn day(d: i64) -> Timestamp {
        Timestamp(d * MS_PER_DAY)
    }

    #[test]
    fn a_request_inside_the_window_is_priced() {
        let lines = check_request(
            &order(Some(1)),
            &ReturnPolicy::default(),
            &HashMap::new(),
            &[ask(10, 2)],
            day(5),
        )
        .unwrap();
        assert_eq!(lines[0].unit_price.minor, 1500);
        assert_eq!(lines[0].quantity, 2);
    }

    #[test]
    fn requests_that_break_the_rules_are_refused() {
        let policy = ReturnPolicy::default();
        let o = order(Some(1));
        let none = HashMap::new();
        assert_eq!(
            check_request(&o, &policy, &none, &[], day(2)),
            Err(ReturnError::NoLines)
        );
        assert_eq!(
            check_request(&o, &policy, &none, &[ask(99, 1)], day(2)),
            Err(ReturnError::UnknownLine(99))
        );
        assert!(matches!(
            check_request(&o, &policy, &none, &[ask(11, 1)], day(2)),
            Err(ReturnError::NotReturnable(_))
        ));
        assert!(matches!(
            check_request(&o, &policy, &none, &[ask(10, 3)], day(2)),
            Err(ReturnError::QuantityTooHigh { left: 2, .. })
        ));
        assert!(matches!(
            check_request(&o, &policy, &none, &[ask(10, 0)], day(2)),
            Err(ReturnError::QuantityTooHigh { .. })
        ));
        assert!(matches!(
            check_request(&o, &policy, &none, &[ask(10, 1)], day(32)),
            Err(ReturnError::OutsideWindow {
                days: 31,
                window: 30
            })
        ));
        assert_eq!(
            check_request(&o, &policy, &none, &[ask(10, 1), ask(10, 1)], day(2)),
            Err(ReturnError::DuplicateLine(10))
        );
    }

    #[test]
    fn quantities_held_by_other_returns_cannot_be_asked_again() {
        let held = HashMap::from([(10, 1)]);
        let o = order(Some(1));
        assert!(check_request(&o, &ReturnPolicy::default(), &held, &[ask(10, 1)], day(2)).is_ok());
        assert!(check_request(&o, &ReturnPolicy::default(), &held, &[ask(10, 2)], day(2)).is_err());
    }

    #[test]
    fn undelivered_orders_are_inside_the_window() {
        assert!(check_request(
            &order(None),
            &ReturnPolicy::default(),
            &HashMap::new(),
            &[ask(10, 1)],
            day(400)
        )
        .is_ok());
    }

    #[test]
    fn the_journey_follows_the_allowed_steps() {
        use ReturnAction as A;
        let mut s = ReturnStatus::Requested;
        for a in [
            A::Authorize,
            A::ShipBack,
            A::MarkReceived,
            A::Inspect,
            A::IssueRefund,
            A::ConfirmRefund,
        ] {
            s = next_status(s, a).unwrap();
        }
        assert_eq!(s, ReturnStatus::Refunded);
        assert!(next_status(ReturnStatus::Refunded, A::IssueRefund).is_err());
        assert!(next_status(ReturnStatus::Rejected, A::Authorize).is_err());
        assert!(next_status(ReturnStatus::Requested, A::Inspect).is_err());
        assert_eq!(
            next_status(ReturnStatus::Refunding, A::RefundFailed),
            Ok(ReturnStatus::Inspected)
        );
    }

    #[test]
    fn every_state_answers_every_action_without_panicking() {
        use ReturnAction as A;
        let actions = [
            A::Authorize,
            A::Reject,
            A::RequestPhotos,
            A::AddPhotos,
            A::ShipBack,
            A::MarkReceived,
            A::Inspect,
            A::IssueRefund,
            A::ConfirmRefund,
            A::RefundFailed,
            A::Withdraw,
        ];
        for s in ReturnStatus::ALL {
            for a in actions {
                if let Ok(next) = next_status(s, a) {
                    // Terminal states never move again.
                    assert!(
                        !matches!(
                            s,
                            ReturnStatus::Refunded | ReturnStatus::Rejected | ReturnStatus::Closed
                        ),
                        "{s:?} {a:?} -> {next:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn inspection_covers_every_line_once() {
        let lines = check_request(
            &order(Some(1)),
            &ReturnPolicy::default(),
            &HashMap::new(),
            &[ask(10, 2)],
            day(2),
        )
        .unwrap();
        let ok = LineDecision {
            accepted_quantity: 1,
            condition: "one worn".into(),
        };
        let inspected = inspect(&lines, &[(10, ok.clone())]).unwrap();
        assert_eq!(inspected[0].accepted_quantity(), 1);
        assert_eq!(inspect(&lines, &[]), Err(ReturnError::IncompleteInspection));
        let too_many = LineDecision {
            accepted_quantity: 3,
            condition: String::new(),
        };
        assert_eq!(
            inspect(&lines, &[(10, too_many)]),
            Err(ReturnError::BadAcceptedQuantity(10))
        );
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn action() -> impl Strategy<Value = ReturnAction> {
            use ReturnAction as A;
            prop::sample::select(vec![
                A::Authorize,
                A::Reject,
                A::RequestPhotos,
                A::AddPhotos,
                A::ShipBack,
                A::MarkReceived,
                A::Inspect,
                A::IssueRefund,
                A::ConfirmRefund,
                A::RefundFailed,
                A::Withdraw,
            ])
        }

        proptest! {
            /// Whatever is tried in whatever order, a return only ever moves
            /// along allowed steps: once refunded, rejected or closed it never
            /// moves again, and it is refunded only through a refund in flight.
            #[test]
            fn random_actions_respect_the_journey(actions in prop::collection::vec(action(), 0..40)) {
                let mut status = ReturnStatus::Requested;
                for a in actions {
                    let before = status;
                    match next_status(status, a) {
                        Ok(next) => {
                            prop_assert!(!matches!(before, ReturnStatus::Refunded | ReturnStatus::Rejected | ReturnStatus::Closed));
                            if next == ReturnStatus::Refunded {
                                prop_assert_eq!(before, ReturnStatus::Refunding);
                            }
                            if next == ReturnStatus::Inspected && a == ReturnAction::Inspect {
                                prop_assert_eq!(before, ReturnStatus::Received);
                            }
                            status = next;
                        }
                        Err(ReturnError::NotAllowed { from, .. }) => prop_assert_eq!(from, before),
                        Err(other) => prop_assert!(false, "unexpected error {other:?}"),
                    }
                }
            }
        }
    }
}
