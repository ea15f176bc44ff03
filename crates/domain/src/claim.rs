//! Buyer protection: an order the merchant protects is covered for 30 days.
//! A buyer's claim goes to the merchant, who has 5 days to answer; the buyer
//! then has 20 days to react; disagreement or silence from the merchant goes
//! to the mediators, who decide. Every wait is a deadline.

use crate::calendar::Calendar;
use crate::dispute::{Dispute, DisputeStage, DisputeState};
use crate::money::Money;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The durations of the protection, per merchant (or operator) settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProtectionTerms {
    /// Protection lasts this many days from the order.
    pub protection_days: u32,
    /// The "did everything go well?" mail goes out on this day.
    pub reminder_day: u32,
    /// The merchant answers a claim within this many days.
    pub answer_days: u32,
    /// The buyer reacts to the answer within this many days.
    pub reaction_days: u32,
    /// The merchant sends documents a mediator asked for within this many days.
    pub documents_days: u32,
    /// Whether days are calendar days or business days, and the holidays.
    #[serde(default)]
    pub calendar: Calendar,
    /// Protect every order at intake (otherwise per order).
    #[serde(default)]
    pub protect_all_orders: bool,
}

impl Default for ProtectionTerms {
    fn default() -> Self {
        ProtectionTerms {
            protection_days: 30,
            reminder_day: 23,
            answer_days: 5,
            reaction_days: 20,
            documents_days: 5,
            calendar: Calendar::default(),
            protect_all_orders: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("protection must last 1 to 365 days, with the reminder inside it")]
    BadProtection,
    #[error("answer, reaction and document periods must be 1 to 90 days")]
    BadPeriod,
    #[error(transparent)]
    Holiday(#[from] crate::calendar::BadHoliday),
}

impl ProtectionTerms {
    pub fn validate(&self) -> Result<(), TermsError> {
        if !(1..=365).contains(&self.protection_days)
            || self.reminder_day == 0
            || self.reminder_day >= self.protection_days
        {
            return Err(TermsError::BadProtection);
        }
        for d in [self.answer_days, self.reaction_days, self.documents_days] {
            if !(1..=90).contains(&d) {
                return Err(TermsError::BadPeriod);
            }
        }
        self.calendar.validate()?;
        Ok(())
    }

    /// Protection runs in calendar days from the order, whatever the calendar.
    pub fn protection_ends(&self, placed_at: Timestamp) -> Timestamp {
        placed_at.plus_days(i64::from(self.protection_days))
    }

    pub fn reminder_at(&self, placed_at: Timestamp) -> Timestamp {
        placed_at.plus_days(i64::from(self.reminder_day))
    }

    pub fn answer_due(&self, from: Timestamp) -> Timestamp {
        self.calendar.add_days(from, self.answer_days)
    }

    pub fn reaction_due(&self, from: Timestamp) -> Timestamp {
        self.calendar.add_days(from, self.reaction_days)
    }

    pub fn documents_due(&self, from: Timestamp) -> Timestamp {
        self.calendar.add_days(from, self.documents_days)
    }
}

/// Where an order's protection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    NotProtected,
    Active {
        ends_at: Timestamp,
    },
    /// The buyer said all went well.
    Concluded,
    Expired,
}

impl Protection {
    pub fn of(
        protected: bool,
        concluded: bool,
        placed_at: Timestamp,
        terms: &ProtectionTerms,
        now: Timestamp,
    ) -> Self {
        if !protected {
            return Protection::NotProtected;
        }
        if concluded {
            return Protection::Concluded;
        }
        let ends_at = terms.protection_ends(placed_at);
        if now >= ends_at {
            Protection::Expired
        } else {
            Protection::Active { ends_at }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Goods not arrived, or service not performed.
    NotReceived,
    /// Goods sent back, money not.
    RefundNotReceived,
    /// Anything else: straight to the mediators.
    OtherProblem,
    /// The buyer's bank took the money back through the card scheme; the
    /// payment provider asks the merchant for an answer (see `dispute`).
    Chargeback,
    /// An inquiry or guarantee claim at the payment provider, before any
    /// money moved (PayPal's buyer complaint, a retrieval request).
    ProviderClaim,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 5] = [
        ClaimKind::NotReceived,
        ClaimKind::RefundNotReceived,
        ClaimKind::OtherProblem,
        ClaimKind::Chargeback,
        ClaimKind::ProviderClaim,
    ];

    /// The claims a buyer opens in Reso; the others come from payment providers.
    pub const BUYER_KINDS: [ClaimKind; 3] = [
        ClaimKind::NotReceived,
        ClaimKind::RefundNotReceived,
        ClaimKind::OtherProblem,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClaimKind::NotReceived => "not_received",
            ClaimKind::RefundNotReceived => "refund_not_received",
            ClaimKind::OtherProblem => "other_problem",
            ClaimKind::Chargeback => "chargeback",
            ClaimKind::ProviderClaim => "provider_claim",
        }
    }

    /// A dispute at the payment provider: it follows the provider's news and
    /// deadline, not the buyer-protection steps.
    pub fn is_dispute(self) -> bool {
        matches!(self, ClaimKind::Chargeback | ClaimKind::ProviderClaim)
    }

    /// The kind of claim a dispute at its `stage` is.
    pub fn of_dispute(stage: DisputeStage) -> ClaimKind {
        match stage {
            DisputeStage::Inquiry => ClaimKind::ProviderClaim,
            _ => ClaimKind::Chargeback,
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// The merchant has `answer_days` to answer.
    AwaitingMerchant,
    /// The merchant answered; the buyer has `reaction_days` to react.
    AwaitingBuyer,
    /// With the mediators.
    Escalated,
    /// A mediator asked the merchant for documents, with a deadline.
    AwaitingDocuments,
    /// A dispute the payment provider (or the card issuer) now decides: the
    /// merchant answered, or the provider's deadline passed.
    AwaitingProvider,
    Closed,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 6] = [
        ClaimStatus::AwaitingMerchant,
        ClaimStatus::AwaitingBuyer,
        ClaimStatus::Escalated,
        ClaimStatus::AwaitingDocuments,
        ClaimStatus::AwaitingProvider,
        ClaimStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClaimStatus::AwaitingMerchant => "awaiting_merchant",
            ClaimStatus::AwaitingBuyer => "awaiting_buyer",
            ClaimStatus::Escalated => "escalated",
            ClaimStatus::AwaitingDocuments => "awaiting_documents",
            ClaimStatus::AwaitingProvider => "awaiting_provider",
            ClaimStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is_open(self) -> bool {
        self != ClaimStatus::Closed
    }
}

/// The merchant's "Refund?" answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundDecision {
    Yes,
    /// Yes, once the goods are back (a return is linked).
    YesAfterReturn,
    No,
}

impl RefundDecision {
    pub fn code(self) -> &'static str {
        match self {
            RefundDecision::Yes => "yes",
            RefundDecision::YesAfterReturn => "yes_after_return",
            RefundDecision::No => "no",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            RefundDecision::Yes,
            RefundDecision::YesAfterReturn,
            RefundDecision::No,
        ]
        .into_iter()
        .find(|d| d.code() == code)
    }
}

/// What the buyer may answer depends on what was offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// A: the whole order value.
    FullRefund,
    /// B: less than the order value.
    PartialRefund,
    /// C: nothing.
    NoRefund,
}

impl Variant {
    pub fn code(self) -> &'static str {
        match self {
            Variant::FullRefund => "full_refund",
            Variant::PartialRefund => "partial_refund",
            Variant::NoRefund => "no_refund",
        }
    }

    pub fn reactions(self) -> &'static [Reaction] {
        match self {
            Variant::FullRefund => &[Reaction::Received, Reaction::NotReceived],
            Variant::PartialRefund => &[
                Reaction::Received,
                Reaction::NotReceived,
                Reaction::Disagree,
            ],
            Variant::NoRefund => &[Reaction::Conclude, Reaction::Disagree],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// "I received the refund": closes.
    Received,
    /// "I did not receive it": escalates.
    NotReceived,
    /// "I don't agree": escalates.
    Disagree,
    /// "OK, conclude": closes.
    Conclude,
}

impl Reaction {
    pub fn code(self) -> &'static str {
        match self {
            Reaction::Received => "received",
            Reaction::NotReceived => "not_received",
            Reaction::Disagree => "disagree",
            Reaction::Conclude => "conclude",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Reaction::Received,
            Reaction::NotReceived,
            Reaction::Disagree,
            Reaction::Conclude,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// Why a claim went to the mediators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    OtherProblem,
    MerchantSilent,
    BuyerNotReceived,
    BuyerDisagrees,
    MerchantInsolvent,
}

impl Escalation {
    pub fn code(self) -> &'static str {
        match self {
            Escalation::OtherProblem => "other_problem",
            Escalation::MerchantSilent => "merchant_silent",
            Escalation::BuyerNotReceived => "buyer_not_received",
            Escalation::BuyerDisagrees => "buyer_disagrees",
            Escalation::MerchantInsolvent => "merchant_insolvent",
        }
    }
}

/// How a claim ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The buyer confirmed receiving the refund.
    RefundReceived,
    /// The buyer accepted the answer without a refund.
    Concluded,
    /// The buyer did not react in time: closed as the merchant answered.
    ClosedAsAnswered,
    /// A mediator decided; `amount_minor` 0 means no refund.
    Decided {
        amount_minor: i64,
        from_guarantee: bool,
    },
    /// The payment provider decided the dispute for the merchant.
    DisputeWon,
    /// The payment provider decided for the buyer (or the merchant accepted).
    DisputeLost,
}

/// The parts of a claim the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub kind: ClaimKind,
    pub status: ClaimStatus,
    pub order_value: Money,
    pub variant: Option<Variant>,
    pub escalation: Option<Escalation>,
    pub outcome: Option<Outcome>,
    /// The deadline of the current wait, if any.
    pub due_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("this order is not protected")]
    NotProtected,
    #[error("the protection of this order ended on the {0}th day after the order")]
    ProtectionExpired(u32),
    #[error("the buyer concluded the protection of this order")]
    ProtectionConcluded,
    #[error("this order already has an open claim")]
    AlreadyOpen,
    #[error("the claim is {}, so this cannot be done now", .0.code())]
    WrongState(ClaimStatus),
    #[error("the answer came after the deadline")]
    TooLate,
    #[error("a message explaining the decision is required")]
    MissingMessage,
    #[error("the text is longer than {0} characters")]
    TooLong(usize),
    #[error("the refund amount must be more than zero and at most the order value ({0})")]
    BadAmount(Money),
    #[error("'{}' is not an answer to this offer; choose one of: {}", .0.code(), .1.iter().map(|r| r.code()).collect::<Vec<_>>().join(", "))]
    WrongReaction(Reaction, &'static [Reaction]),
    #[error("a decision amount must be between zero and the order value ({0})")]
    BadDecision(Money),
    #[error("this claim is a dispute at the payment provider: accept it or send evidence")]
    DisputeAtProvider,
    #[error("'{}' claims come from the payment provider; a buyer opens not_received, refund_not_received or other_problem", .0.code())]
    NotABuyerClaim(ClaimKind),
}

pub fn check_message(message: &str, required: bool) -> Result<(), ClaimError> {
    if required && message.trim().is_empty() {
        return Err(ClaimError::MissingMessage);
    }
    if message.chars().count() > 5_000 {
        return Err(ClaimError::TooLong(5_000));
    }
    Ok(())
}

impl Claim {
    /// Opens a claim on an order whose protection is active.
    pub fn open(
        kind: ClaimKind,
        protection: Protection,
        has_open_claim: bool,
        order_value: Money,
        terms: &ProtectionTerms,
        now: Timestamp,
    ) -> Result<Claim, ClaimError> {
        if kind.is_dispute() {
            return Err(ClaimError::NotABuyerClaim(kind));
        }
        match protection {
            Protection::NotProtected => return Err(ClaimError::NotProtected),
            Protection::Expired => {
                return Err(ClaimError::ProtectionExpired(terms.protection_days))
            }
            Protection::Concluded => return Err(ClaimError::ProtectionConcluded),
            Protection::Active { .. } => {}
        }
        if has_open_claim {
            return Err(ClaimError::AlreadyOpen);
        }
        let (status, escalation, due_at) = match kind {
            ClaimKind::OtherProblem => {
                (ClaimStatus::Escalated, Some(Escalation::OtherProblem), None)
            }
            _ => (
                ClaimStatus::AwaitingMerchant,
                None,
                Some(terms.answer_due(now)),
            ),
        };
        Ok(Claim {
            kind,
            status,
            order_value,
            variant: None,
            escalation,
            outcome: None,
            due_at,
        })
    }

    fn expect(&self, status: ClaimStatus) -> Result<(), ClaimError> {
        if self.status != status {
            return Err(ClaimError::WrongState(self.status));
        }
        Ok(())
    }

    /// The merchant's answer: refund or not, how much, and why.
    pub fn answer(
        &mut self,
        decision: RefundDecision,
        amount_minor: i64,
        message: &str,
        terms: &ProtectionTerms,
        now: Timestamp,
    ) -> Result<Variant, ClaimError> {
        if self.kind.is_dispute() {
            return Err(ClaimError::DisputeAtProvider);
        }
        self.expect(ClaimStatus::AwaitingMerchant)?;
        if self.due_at.is_some_and(|due| now >= due) {
            return Err(ClaimError::TooLate);
        }
        check_message(message, true)?;
        let variant = match decision {
            RefundDecision::No => Variant::NoRefund,
            RefundDecision::Yes | RefundDecision::YesAfterReturn => {
                if amount_minor <= 0 || amount_minor > self.order_value.minor {
                    return Err(ClaimError::BadAmount(self.order_value));
                }
                if amount_minor == self.order_value.minor {
                    Variant::FullRefund
                } else {
                    Variant::PartialRefund
                }
            }
        };
        self.variant = Some(variant);
        self.status = ClaimStatus::AwaitingBuyer;
        self.due_at = Some(terms.reaction_due(now));
        Ok(variant)
    }

    /// The buyer's reaction to the answer.
    pub fn react(&mut self, reaction: Reaction) -> Result<(), ClaimError> {
        self.expect(ClaimStatus::AwaitingBuyer)?;
        let variant = self.variant.unwrap_or(Variant::NoRefund);
        if !variant.reactions().contains(&reaction) {
            return Err(ClaimError::WrongReaction(reaction, variant.reactions()));
        }
        self.due_at = None;
        match reaction {
            Reaction::Received => self.close(Outcome::RefundReceived),
            Reaction::Conclude => self.close(Outcome::Concluded),
            Reaction::NotReceived => self.escalate(Escalation::BuyerNotReceived),
            Reaction::Disagree => self.escalate(Escalation::BuyerDisagrees),
        }
        Ok(())
    }

    fn close(&mut self, outcome: Outcome) {
        self.status = ClaimStatus::Closed;
        self.outcome = Some(outcome);
        self.due_at = None;
    }

    fn escalate(&mut self, why: Escalation) {
        self.status = ClaimStatus::Escalated;
        self.escalation = Some(why);
        self.due_at = None;
    }

    /// A deadline fell due. Returns whether it changed anything: a deadline
    /// for a wait that already ended (the merchant answered in time) does nothing.
    pub fn deadline_passed(&mut self, now: Timestamp) -> bool {
        if self.due_at.is_none_or(|due| now < due) {
            return false;
        }
        match self.status {
            // The provider decides without the merchant's answer.
            ClaimStatus::AwaitingMerchant if self.kind.is_dispute() => {
                self.status = ClaimStatus::AwaitingProvider;
                self.due_at = None;
            }
            ClaimStatus::AwaitingMerchant => self.escalate(Escalation::MerchantSilent),
            ClaimStatus::AwaitingBuyer => self.close(Outcome::ClosedAsAnswered),
            // The merchant sent nothing: the mediators decide on what they have.
            ClaimStatus::AwaitingDocuments => {
                self.status = ClaimStatus::Escalated;
                self.due_at = None;
            }
            ClaimStatus::Escalated | ClaimStatus::AwaitingProvider | ClaimStatus::Closed => {
                return false
            }
        }
        true
    }

    /// The claim a dispute at the payment provider is, on an order worth
    /// `order_value`: it mirrors the dispute (see `follow_dispute`).
    pub fn of_dispute(dispute: &Dispute, order_value: Money, now: Timestamp) -> Claim {
        let mut claim = Claim {
            kind: ClaimKind::of_dispute(dispute.stage),
            status: ClaimStatus::AwaitingMerchant,
            order_value,
            variant: None,
            escalation: None,
            outcome: None,
            due_at: None,
        };
        claim.follow_dispute(dispute, now);
        claim
    }

    /// Brings a dispute's claim in line with the dispute; `true` when it
    /// changed. The provider decides such a claim, so its state is the
    /// dispute's: waiting for the merchant until the provider's deadline,
    /// then with the provider, then closed as won or lost.
    pub fn follow_dispute(&mut self, dispute: &Dispute, now: Timestamp) -> bool {
        let before = self.clone();
        self.kind = ClaimKind::of_dispute(dispute.stage);
        let (status, outcome, due_at) = match dispute.state {
            DisputeState::NeedsResponse => match dispute.respond_by {
                Some(due) if now >= due => (ClaimStatus::AwaitingProvider, None, None),
                due => (ClaimStatus::AwaitingMerchant, None, due),
            },
            DisputeState::UnderReview => (ClaimStatus::AwaitingProvider, None, None),
            DisputeState::Won => (ClaimStatus::Closed, Some(Outcome::DisputeWon), None),
            DisputeState::Lost => (ClaimStatus::Closed, Some(Outcome::DisputeLost), None),
        };
        self.status = status;
        self.outcome = outcome;
        self.due_at = due_at;
        *self != before
    }

    /// A mediator asks the merchant for more documents.
    pub fn request_documents(
        &mut self,
        terms: &ProtectionTerms,
        now: Timestamp,
    ) -> Result<(), ClaimError> {
        self.expect(ClaimStatus::Escalated)?;
        self.status = ClaimStatus::AwaitingDocuments;
        self.due_at = Some(terms.documents_due(now));
        Ok(())
    }

    /// The merchant sent the documents: back to the mediators.
    pub fn documents_sent(&mut self) -> Result<(), ClaimError> {
        self.expect(ClaimStatus::AwaitingDocuments)?;
        self.status = ClaimStatus::Escalated;
        self.due_at = None;
        Ok(())
    }

    /// The mediator's decision: a refund (from the merchant or the guarantee) or none.
    pub fn decide(
        &mut self,
        amount_minor: i64,
        from_guarantee: bool,
    ) -> Result<Outcome, ClaimError> {
        if !matches!(
            self.status,
            ClaimStatus::Escalated | ClaimStatus::AwaitingDocuments
        ) {
            return Err(ClaimError::WrongState(self.status));
        }
        if amount_minor < 0 || amount_minor > self.order_value.minor {
            return Err(ClaimError::BadDecision(self.order_value));
        }
        let outcome = Outcome::Decided {
            amount_minor,
            from_guarantee,
        };
        self.close(outcome);
        Ok(outcome)
    }

    /// The merchant became insolvent: every open claim goes to the mediators.
    pub fn merchant_insolvent(&mut self) -> bool {
        // The payment provider decides disputes, whatever becomes of the shop.
        if !self.kind.is_dispute()
            && matches!(
                self.status,
                ClaimStatus::AwaitingMerchant
                    | ClaimStatus::AwaitingBuyer
                    | ClaimStatus::AwaitingDocuments
            )
        {
            self.escalate(Escalation::MerchantInsolvent);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::time::MS_PER_DAY;

    fn day(d: i64) -> Timestamp {
        Timestamp(d * MS_PER_DAY)
    }

    fn value() -> Money {
        Money::new(10_000, Currency::parse("EUR").unwrap())
    }

    fn opened() -> Claim {
        let terms = ProtectionTerms::default();
        let protection = Protection::of(true, false, day(0), &terms, day(10));
        Claim::open(
            ClaimKind::NotReceived,
            protection,
            false,
            value(),
            &terms,
            day(10),
        )
        .unwrap()
    }

    #[test]
    fn protection_lasts_thirty_days() {
        let t = ProtectionTerms::default();
        assert_eq!(
            Protection::of(true, false, day(0), &t, day(29)),
            Protection::Active { ends_at: day(30) }
        );
        assert_eq!(
            Protection::of(true, false, day(0), &t, day(30)),
            Protection::Expired
        );
        assert_eq!(
            Protection::of(false, false, day(0), &t, day(1)),
            Protection::NotProtected
        );
        assert_eq!(
            Protection::of(true, true, day(0), &t, day(1)),
            Protection::Concluded
        );
        assert_eq!(t.reminder_at(day(0)), day(23));
    }

    #[test]
    fn claims_need_active_protection_and_only_one_at_a_time() {
        let t = ProtectionTerms::default();
        let open = |p, has| Claim::open(ClaimKind::NotReceived, p, has, value(), &t, day(40));
        assert_eq!(
            open(Protection::NotProtected, false),
            Err(ClaimError::NotProtected)
        );
        assert_eq!(
            open(Protection::Expired, false),
            Err(ClaimError::ProtectionExpired(30))
        );
        assert_eq!(
            open(Protection::Active { ends_at: day(50) }, true),
            Err(ClaimError::AlreadyOpen)
        );
    }

    #[test]
    fn another_problem_goes_straight_to_the_mediators() {
        let t = ProtectionTerms::default();
        let c = Claim::open(
            ClaimKind::OtherProblem,
            Protection::Active { ends_at: day(30) },
            false,
            value(),
            &t,
            day(1),
        )
        .unwrap();
        assert_eq!(
            (c.status, c.escalation, c.due_at),
            (ClaimStatus::Escalated, Some(Escalation::OtherProblem), None)
        );
    }

    #[test]
    fn variant_a_full_refund() {
        let t = ProtectionTerms::default();
        let mut c = opened();
        assert_eq!(c.due_at, Some(day(15)));
        assert_eq!(
            c.answer(RefundDecision::Yes, 10_000, "Refunded today", &t, day(12)),
            Ok(Variant::FullRefund)
        );
        assert_eq!(c.due_at, Some(day(32)));
        assert!(matches!(
            c.react(Reaction::Disagree),
            Err(ClaimError::WrongReaction(..))
        ));
        c.react(Reaction::Received).unwrap();
        assert_eq!(
            (c.status, c.outcome),
            (ClaimStatus::Closed, Some(Outcome::RefundReceived))
        );
        let mut c = opened();
        c.answer(RefundDecision::Yes, 10_000, "Refunded", &t, day(12))
            .unwrap();
        c.react(Reaction::NotReceived).unwrap();
        assert_eq!(
            (c.status, c.escalation),
            (ClaimStatus::Escalated, Some(Escalation::BuyerNotReceived))
        );
    }

    #[test]
    fn variant_b_partial_refund_can_be_disputed() {
        let t = ProtectionTerms::default();
        let mut c = opened();
        assert_eq!(
            c.answer(
                RefundDecision::YesAfterReturn,
                4_000,
                "Half, after the return",
                &t,
                day(11)
            ),
            Ok(Variant::PartialRefund)
        );
        c.react(Reaction::Disagree).unwrap();
        assert_eq!(c.escalation, Some(Escalation::BuyerDisagrees));
    }

    #[test]
    fn variant_c_no_refund() {
        let t = ProtectionTerms::default();
        let mut c = opened();
        assert_eq!(
            c.answer(
                RefundDecision::No,
                0,
                "The parcel is on its way",
                &t,
                day(11)
            ),
            Ok(Variant::NoRefund)
        );
        assert!(matches!(
            c.react(Reaction::Received),
            Err(ClaimError::WrongReaction(..))
        ));
        c.react(Reaction::Conclude).unwrap();
        assert_eq!(c.outcome, Some(Outcome::Concluded));
    }

    #[test]
    fn bad_answers_change_nothing() {
        let t = ProtectionTerms::default();
        let mut c = opened();
        let before = c.clone();
        assert_eq!(
            c.answer(RefundDecision::Yes, 10_001, "x", &t, day(11)),
            Err(ClaimError::BadAmount(value()))
        );
        assert_eq!(
            c.answer(RefundDecision::Yes, -1, "x", &t, day(11)),
            Err(ClaimError::BadAmount(value()))
        );
        assert_eq!(
            c.answer(RefundDecision::Yes, 0, "x", &t, day(11)),
            Err(ClaimError::BadAmount(value()))
        );
        assert_eq!(
            c.answer(RefundDecision::No, 0, "  ", &t, day(11)),
            Err(ClaimError::MissingMessage)
        );
        assert_eq!(
            c.answer(RefundDecision::No, 0, "late", &t, day(15)),
            Err(ClaimError::TooLate)
        );
        assert_eq!(c, before);
        c.answer(RefundDecision::No, 0, "ok", &t, day(11)).unwrap();
        assert_eq!(
            c.answer(RefundDecision::No, 0, "again", &t, day(11)),
            Err(ClaimError::WrongState(ClaimStatus::AwaitingBuyer))
        );
    }

    #[test]
    fn silences_escalate_or_close() {
        let t = ProtectionTerms::default();
        let mut c = opened();
        assert!(!c.deadline_passed(day(14)), "not due yet");
        assert!(c.deadline_passed(day(15)));
        assert_eq!(c.escalation, Some(Escalation::MerchantSilent));
        assert!(!c.deadline_passed(day(99)), "fires once");

        let mut c = opened();
        c.answer(RefundDecision::Yes, 5_000, "Half", &t, day(11))
            .unwrap();
        assert!(c.deadline_passed(day(31)));
        assert_eq!(c.outcome, Some(Outcome::ClosedAsAnswered));
    }

    #[test]
    fn mediators_ask_for_documents_and_decide() {
        let t = ProtectionTerms::default();
        let mut c = opened();
        c.deadline_passed(day(15));
        c.request_documents(&t, day(16)).unwrap();
        assert_eq!(
            (c.status, c.due_at),
            (ClaimStatus::AwaitingDocuments, Some(day(21)))
        );
        c.documents_sent().unwrap();
        assert_eq!(
            c.decide(10_001, false),
            Err(ClaimError::BadDecision(value()))
        );
        assert_eq!(
            c.decide(7_000, true),
            Ok(Outcome::Decided {
                amount_minor: 7_000,
                from_guarantee: true
            })
        );
        assert_eq!(c.status, ClaimStatus::Closed);
        assert!(c.decide(1, false).is_err());
    }

    #[test]
    fn insolvency_escalates_open_claims() {
        let mut c = opened();
        assert!(c.merchant_insolvent());
        assert_eq!(c.escalation, Some(Escalation::MerchantInsolvent));
        assert!(!c.merchant_insolvent());
    }

    #[test]
    fn terms_are_validated() {
        assert!(ProtectionTerms::default().validate().is_ok());
        let bad = ProtectionTerms {
            reminder_day: 30,
            ..ProtectionTerms::default()
        };
        assert_eq!(bad.validate(), Err(TermsError::BadProtection));
        let bad = ProtectionTerms {
            answer_days: 0,
            ..ProtectionTerms::default()
        };
        assert_eq!(bad.validate(), Err(TermsError::BadPeriod));
    }

    fn dispute(state: DisputeState, respond_by: Option<i64>) -> Dispute {
        Dispute {
            stage: DisputeStage::Chargeback,
            state,
            amount: value(),
            reason_code: "fraudulent".into(),
            respond_by: respond_by.map(day),
            response: None,
            reported_at: day(1),
        }
    }

    #[test]
    fn a_disputes_claim_follows_the_provider() {
        let mut c = Claim::of_dispute(
            &dispute(DisputeState::NeedsResponse, Some(8)),
            value(),
            day(1),
        );
        assert_eq!(
            (c.kind, c.status, c.due_at),
            (
                ClaimKind::Chargeback,
                ClaimStatus::AwaitingMerchant,
                Some(day(8))
            )
        );
        assert!(!c.follow_dispute(&dispute(DisputeState::NeedsResponse, Some(8)), day(2)));
        assert!(c.follow_dispute(&dispute(DisputeState::UnderReview, None), day(3)));
        assert_eq!((c.status, c.due_at), (ClaimStatus::AwaitingProvider, None));
        assert!(c.follow_dispute(&dispute(DisputeState::Won, None), day(9)));
        assert_eq!(
            (c.status, c.outcome),
            (ClaimStatus::Closed, Some(Outcome::DisputeWon))
        );
        let lost = Claim::of_dispute(&dispute(DisputeState::Lost, None), value(), day(9));
        assert_eq!(lost.outcome, Some(Outcome::DisputeLost));
        let mut inquiry = dispute(DisputeState::NeedsResponse, Some(5));
        inquiry.stage = DisputeStage::Inquiry;
        assert_eq!(
            Claim::of_dispute(&inquiry, value(), day(1)).kind,
            ClaimKind::ProviderClaim
        );
        // Past the provider's deadline, reported late: the provider decides.
        let late = Claim::of_dispute(
            &dispute(DisputeState::NeedsResponse, Some(5)),
            value(),
            day(6),
        );
        assert_eq!(late.status, ClaimStatus::AwaitingProvider);
    }

    #[test]
    fn a_missed_provider_deadline_leaves_the_provider_to_decide() {
        let t = ProtectionTerms::default();
        let mut c = Claim::of_dispute(
            &dispute(DisputeState::NeedsResponse, Some(8)),
            value(),
            day(1),
        );
        assert!(!c.deadline_passed(day(7)));
        assert!(c.deadline_passed(day(8)));
        assert_eq!(
            (c.status, c.escalation, c.due_at),
            (ClaimStatus::AwaitingProvider, None, None)
        );
        assert!(!c.deadline_passed(day(9)));
        let mut open = Claim::of_dispute(
            &dispute(DisputeState::NeedsResponse, Some(8)),
            value(),
            day(1),
        );
        assert!(
            !open.merchant_insolvent(),
            "the provider decides, not the mediators"
        );
        assert_eq!(
            open.answer(RefundDecision::Yes, 100, "ok", &t, day(2)),
            Err(ClaimError::DisputeAtProvider)
        );
        let active = Protection::Active { ends_at: day(30) };
        assert_eq!(
            Claim::open(ClaimKind::Chargeback, active, false, value(), &t, day(1)),
            Err(ClaimError::NotABuyerClaim(ClaimKind::Chargeback))
        );
        for k in ClaimKind::ALL {
            assert_eq!(ClaimKind::parse(k.code()), Some(k));
            assert_eq!(k.is_dispute(), !ClaimKind::BUYER_KINDS.contains(&k));
        }
    }
}
