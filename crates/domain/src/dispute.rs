//! Chargebacks and payment-provider claims: a dispute the payment provider
//! opens on a payment, with the provider's reason code and its own deadline
//! for the merchant's answer. The merchant accepts it or answers with
//! evidence; the provider (or the card issuer behind it) decides.
//!
//! Providers report a dispute many times, and not always in order: news is
//! applied only when it moves the dispute forward, so a repeated, late or
//! out-of-order notification changes nothing. And while a dispute is open
//! on a payment, no refund may go out on it: the buyer would be paid twice,
//! once by the merchant and once by the chargeback.

use crate::money::{Money, MoneyError};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// How far a dispute has gone; a later stage reopens a decided one (the
/// issuer may come back after the merchant won the first round).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStage {
    /// Before a chargeback: an inquiry, retrieval request or notice of one
    /// (a "provider claim": the money has not moved yet).
    Inquiry,
    Chargeback,
    SecondChargeback,
    PreArbitration,
    Arbitration,
}

impl DisputeStage {
    pub const ALL: [DisputeStage; 5] = [
        DisputeStage::Inquiry,
        DisputeStage::Chargeback,
        DisputeStage::SecondChargeback,
        DisputeStage::PreArbitration,
        DisputeStage::Arbitration,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DisputeStage::Inquiry => "inquiry",
            DisputeStage::Chargeback => "chargeback",
            DisputeStage::SecondChargeback => "second_chargeback",
            DisputeStage::PreArbitration => "pre_arbitration",
            DisputeStage::Arbitration => "arbitration",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a dispute stands, as the provider reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeState {
    /// Waiting for the merchant's answer until the provider's deadline.
    NeedsResponse,
    /// Answered (evidence sent, or accepted); the provider or issuer decides.
    UnderReview,
    Won,
    Lost,
}

impl DisputeState {
    pub const ALL: [DisputeState; 4] = [
        DisputeState::NeedsResponse,
        DisputeState::UnderReview,
        DisputeState::Won,
        DisputeState::Lost,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DisputeState::NeedsResponse => "needs_response",
            DisputeState::UnderReview => "under_review",
            DisputeState::Won => "won",
            DisputeState::Lost => "lost",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is_decided(self) -> bool {
        matches!(self, DisputeState::Won | DisputeState::Lost)
    }

    /// Within one stage a dispute only moves forward: asked, answered, decided.
    fn rank(self) -> u8 {
        match self {
            DisputeState::NeedsResponse => 0,
            DisputeState::UnderReview => 1,
            DisputeState::Won | DisputeState::Lost => 2,
        }
    }
}

/// What the merchant did about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MerchantResponse {
    /// Gave in: the buyer keeps the money.
    Accepted,
    /// Sent evidence (the evidence pack) to fight it.
    Evidence,
}

impl MerchantResponse {
    pub fn code(self) -> &'static str {
        match self {
            MerchantResponse::Accepted => "accepted",
            MerchantResponse::Evidence => "evidence",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [MerchantResponse::Accepted, MerchantResponse::Evidence]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// One report from the provider about a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeReport {
    pub stage: DisputeStage,
    pub state: DisputeState,
    pub amount: Money,
    pub reason_code: String,
    pub respond_by: Option<Timestamp>,
    /// When the provider says this happened.
    pub at: Timestamp,
}

/// The parts of a dispute the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    pub stage: DisputeStage,
    pub state: DisputeState,
    pub amount: Money,
    pub reason_code: String,
    pub respond_by: Option<Timestamp>,
    pub response: Option<MerchantResponse>,
    /// The time of the newest report applied; older ones are late news.
    pub reported_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputeError {
    #[error("the dispute is {}, so it cannot be answered now", .0.code())]
    NotAwaitingAnswer(DisputeState),
    #[error("the provider stopped accepting answers at its deadline")]
    TooLate,
    #[error("evidence needs at least one document or a statement")]
    NoEvidence,
}

impl Dispute {
    /// A dispute as the provider first reports it.
    pub fn open(report: DisputeReport) -> Dispute {
        Dispute {
            stage: report.stage,
            state: report.state,
            amount: report.amount,
            reason_code: report.reason_code,
            respond_by: report.respond_by,
            response: None,
            reported_at: report.at,
        }
    }

    /// Applies the provider's news; `true` when it changed the dispute. News
    /// older than what was applied, of an earlier stage, or of an earlier
    /// state in the same stage is late or repeated: nothing changes. A
    /// later stage starts a new round, with a new deadline and no answer yet.
    pub fn apply(&mut self, report: DisputeReport) -> bool {
        if report.at < self.reported_at || report.stage < self.stage {
            return false;
        }
        if report.stage == self.stage {
            let forward = report.state.rank() > self.state.rank()
                // Same rank, a new deadline or amount (the provider extended or corrected it).
                || (report.state == self.state
                    && (report.respond_by != self.respond_by || report.amount != self.amount));
            if !forward || self.state.is_decided() {
                return false;
            }
        } else {
            self.response = None;
        }
        self.stage = report.stage;
        self.state = report.state;
        self.amount = report.amount;
        if !report.reason_code.is_empty() {
            self.reason_code = report.reason_code;
        }
        if report.respond_by.is_some() || report.state == DisputeState::NeedsResponse {
            self.respond_by = report.respond_by;
        }
        self.reported_at = report.at;
        true
    }

    /// The merchant's answer, before the provider's deadline.
    pub fn answer(
        &mut self,
        response: MerchantResponse,
        evidence_items: usize,
        now: Timestamp,
    ) -> Result<(), DisputeError> {
        if self.state != DisputeState::NeedsResponse || self.response.is_some() {
            return Err(DisputeError::NotAwaitingAnswer(self.state));
        }
        if self.respond_by.is_some_and(|due| now >= due) {
            return Err(DisputeError::TooLate);
        }
        if response == MerchantResponse::Evidence && evidence_items == 0 {
            return Err(DisputeError::NoEvidence);
        }
        self.response = Some(response);
        self.state = DisputeState::UnderReview;
        Ok(())
    }

    /// The provider refused the merchant's answer (its deadline passed there,
    /// the evidence was not taken): the dispute waits for an answer again.
    pub fn answer_refused(&mut self) {
        if self.state == DisputeState::UnderReview && self.response.is_some() {
            self.state = DisputeState::NeedsResponse;
            self.response = None;
        }
    }

    /// Undecided: the money is in question, so no refund goes out on the payment.
    pub fn is_open(&self) -> bool {
        !self.state.is_decided()
    }

    /// The money the buyer got back through the dispute (taken from the
    /// merchant by the provider); it can no longer be refunded.
    pub fn paid_to_buyer(&self) -> Option<Money> {
        (self.state == DisputeState::Lost && self.stage != DisputeStage::Inquiry)
            .then_some(self.amount)
    }

    /// Answer time left, for the countdown; `None` without a deadline.
    pub fn time_left_ms(&self, now: Timestamp) -> Option<i64> {
        self.respond_by
            .filter(|_| self.state == DisputeState::NeedsResponse)
            .map(|due| (due.millis() - now.millis()).max(0))
    }
}

/// Why a refund cannot go out on a payment because of its disputes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputedPayment {
    #[error("the payment is under a dispute with the payment provider; answer the dispute instead of refunding")]
    UnderDispute,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What may still be refunded on a payment: what was captured, less what
/// was refunded and what lost disputes already gave back; nothing while a
/// dispute is open.
pub fn refundable(
    captured: Money,
    refunded: Money,
    disputes: &[Dispute],
) -> Result<Money, DisputedPayment> {
    if disputes.iter().any(Dispute::is_open) {
        return Err(DisputedPayment::UnderDispute);
    }
    let mut left = captured.checked_sub(refunded)?;
    for paid in disputes.iter().filter_map(Dispute::paid_to_buyer) {
        left = left.checked_sub(paid)?;
    }
    Ok(Money::new(left.minor.max(0), captured.currency))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    const DAY: i64 = 86_400_000;

    fn report(stage: DisputeStage, state: DisputeState, at_day: i64) -> DisputeReport {
        DisputeReport {
            stage,
            state,
            amount: eur(5_000),
            reason_code: "13.1".into(),
            respond_by: (state == DisputeState::NeedsResponse)
                .then(|| Timestamp((at_day + 7) * DAY)),
            at: Timestamp(at_day * DAY),
        }
    }

    use DisputeStage::*;
    use DisputeState::*;

    #[test]
    fn repeated_late_and_out_of_order_news_change_nothing() {
        let mut d = Dispute::open(report(Chargeback, NeedsResponse, 1));
        assert!(!d.apply(report(Chargeback, NeedsResponse, 1)), "repeated");
        assert!(d.apply(report(Chargeback, UnderReview, 3)));
        assert!(!d.apply(report(Chargeback, NeedsResponse, 2)), "late");
        assert!(!d.apply(report(Chargeback, NeedsResponse, 4)), "backwards");
        assert!(d.apply(report(Chargeback, Won, 5)));
        assert!(!d.apply(report(Chargeback, Lost, 6)), "a decision is final");
        assert!(!d.apply(report(Inquiry, NeedsResponse, 7)), "earlier stage");
        assert_eq!((d.stage, d.state), (Chargeback, Won));
    }

    #[test]
    fn a_later_stage_reopens_with_a_new_deadline_and_no_answer() {
        let mut d = Dispute::open(report(Chargeback, NeedsResponse, 1));
        d.answer(MerchantResponse::Evidence, 2, Timestamp(2 * DAY))
            .unwrap();
        assert!(d.apply(report(Chargeback, Won, 10)));
        assert!(d.apply(report(PreArbitration, NeedsResponse, 20)));
        assert_eq!(d.state, NeedsResponse);
        assert_eq!(d.response, None);
        assert_eq!(d.respond_by, Some(Timestamp(27 * DAY)));
        assert!(d.is_open());
    }

    #[test]
    fn the_merchant_answers_once_and_before_the_providers_deadline() {
        let mut d = Dispute::open(report(Chargeback, NeedsResponse, 1));
        assert_eq!(
            d.clone()
                .answer(MerchantResponse::Accepted, 0, Timestamp(8 * DAY)),
            Err(DisputeError::TooLate)
        );
        assert_eq!(
            d.clone()
                .answer(MerchantResponse::Evidence, 0, Timestamp(2 * DAY)),
            Err(DisputeError::NoEvidence)
        );
        d.answer(MerchantResponse::Accepted, 0, Timestamp(2 * DAY))
            .unwrap();
        assert_eq!(d.state, UnderReview);
        assert_eq!(
            d.answer(MerchantResponse::Evidence, 3, Timestamp(2 * DAY)),
            Err(DisputeError::NotAwaitingAnswer(UnderReview))
        );
        assert_eq!(d.time_left_ms(Timestamp(2 * DAY)), None);
        d.answer_refused();
        assert_eq!((d.state, d.response), (NeedsResponse, None));
        d.answer(MerchantResponse::Evidence, 1, Timestamp(3 * DAY))
            .unwrap();
    }

    #[test]
    fn no_refund_while_a_dispute_is_open_and_a_lost_one_counts_as_paid() {
        let captured = eur(10_000);
        let open = Dispute::open(report(Chargeback, NeedsResponse, 1));
        assert_eq!(
            refundable(captured, eur(0), std::slice::from_ref(&open)),
            Err(DisputedPayment::UnderDispute)
        );
        let mut lost = open.clone();
        assert!(lost.apply(report(Chargeback, Lost, 9)));
        assert_eq!(
            refundable(captured, eur(2_000), &[lost.clone()]),
            Ok(eur(3_000))
        );
        // A refund that went out before the chargeback was lost: never below zero.
        assert_eq!(refundable(captured, eur(8_000), &[lost]), Ok(eur(0)));
        // An inquiry lost moves no money by itself.
        let mut inquiry = Dispute::open(report(Inquiry, NeedsResponse, 1));
        assert!(inquiry.apply(report(Inquiry, Lost, 3)));
        assert_eq!(refundable(captured, eur(0), &[inquiry]), Ok(captured));
        let mut won = Dispute::open(report(Chargeback, NeedsResponse, 1));
        assert!(won.apply(report(Chargeback, Won, 9)));
        assert_eq!(refundable(captured, eur(0), &[won]), Ok(captured));
    }

    #[test]
    fn the_countdown_runs_only_while_an_answer_is_awaited() {
        let d = Dispute::open(report(Chargeback, NeedsResponse, 1));
        assert_eq!(d.time_left_ms(Timestamp(2 * DAY)), Some(6 * DAY));
        assert_eq!(d.time_left_ms(Timestamp(30 * DAY)), Some(0));
    }

    #[test]
    fn codes_round_trip() {
        for s in DisputeStage::ALL {
            assert_eq!(DisputeStage::parse(s.code()), Some(s));
        }
        for s in DisputeState::ALL {
            assert_eq!(DisputeState::parse(s.code()), Some(s));
        }
        for r in [MerchantResponse::Accepted, MerchantResponse::Evidence] {
            assert_eq!(MerchantResponse::parse(r.code()), Some(r));
        }
    }
}
