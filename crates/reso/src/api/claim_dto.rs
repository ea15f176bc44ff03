//! Wire types of buyer protection: claims, their documents, protection and
//! its terms. They convert explicitly from the domain and the store.

use super::dto::{rfc3339, EventOut, ShipmentOut};
use super::problem::ApiError;
use crate::store::claims::{ClaimRecord, DocumentInfo};
use crate::store::disputes::StoredDispute;
use crate::store::events::EventRecord;
use crate::store::returns::ReturnRecord;
use reso_domain::calendar::Calendar;
use reso_domain::claim::{Outcome, Protection, ProtectionTerms};
use reso_domain::{Order, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A claim in a list: what it is about and how long is left to act.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimSummaryOut {
    pub id: i64,
    pub merchant_id: i64,
    pub order_number: String,
    pub buyer_email: String,
    /// not_received, refund_not_received or other_problem.
    pub kind: String,
    /// awaiting_merchant, awaiting_buyer, escalated, awaiting_documents or closed.
    pub status: String,
    pub escalation: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    /// The deadline of the current wait, if any.
    pub due_at: Option<String>,
    /// Seconds until `due_at` (0 once it has passed).
    pub seconds_left: Option<i64>,
    pub created_at: String,
}

impl ClaimSummaryOut {
    pub fn new(c: &ClaimRecord, now: i64) -> Self {
        let due = c.claim.due_at.map(|t| t.millis());
        ClaimSummaryOut {
            id: c.id,
            merchant_id: c.merchant_id,
            order_number: c.order_number.clone(),
            buyer_email: c.buyer_email.clone(),
            kind: c.claim.kind.code().to_string(),
            status: c.claim.status.code().to_string(),
            escalation: c.claim.escalation.map(|e| e.code().to_string()),
            amount_minor: c.claim.order_value.minor,
            currency: c.claim.order_value.currency.to_string(),
            due_at: due.map(rfc3339),
            seconds_left: due.map(|d| ((d - now) / 1000).max(0)),
            created_at: rfc3339(c.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimList {
    pub items: Vec<ClaimSummaryOut>,
}

/// A document attached to a claim; its bytes are a separate download.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: i64,
    /// buyer, merchant or mediator.
    pub uploaded_by: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: String,
}

impl From<&DocumentInfo> for DocumentOut {
    fn from(d: &DocumentInfo) -> Self {
        DocumentOut {
            id: d.id,
            uploaded_by: d.uploaded_by.clone(),
            filename: d.filename.clone(),
            content_type: d.content_type.clone(),
            size_bytes: d.size,
            created_at: rfc3339(d.created_at),
        }
    }
}

/// The merchant's answer to the claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerOut {
    /// yes, yes_after_return or no.
    pub refund: String,
    pub amount_minor: i64,
    pub message: String,
    pub return_id: Option<i64>,
    pub answered_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionOut {
    /// received, not_received, disagree or conclude.
    pub reaction: String,
    pub reacted_at: String,
}

/// A mediator's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    /// 0 means no refund.
    pub amount_minor: i64,
    /// Paid by the protection guarantee instead of the merchant.
    pub from_guarantee: bool,
    pub message: String,
    pub decided_at: String,
}

/// A return of the claim's order, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnSummaryOut {
    pub id: i64,
    pub rma: Option<String>,
    pub status: String,
    pub created_at: String,
}

impl From<&ReturnRecord> for ReturnSummaryOut {
    fn from(r: &ReturnRecord) -> Self {
        ReturnSummaryOut {
            id: r.id,
            rma: r.rma.clone(),
            status: r.status.code().to_string(),
            created_at: rfc3339(r.created_at),
        }
    }
}

/// One claim with everything needed to answer or decide it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimOut {
    pub id: i64,
    pub merchant_id: i64,
    pub order_number: String,
    pub order_placed_at: String,
    /// The order value, the most a claim can refund.
    pub amount_minor: i64,
    pub currency: String,
    pub buyer_email: String,
    pub kind: String,
    pub status: String,
    /// The buyer's statement.
    pub text: String,
    pub documents: Vec<DocumentOut>,
    /// full_refund, partial_refund or no_refund, once answered.
    pub variant: Option<String>,
    /// Why the claim went to the mediators.
    pub escalation: Option<String>,
    /// refund_received, concluded, closed_as_answered or decided.
    pub outcome: Option<String>,
    pub answer: Option<AnswerOut>,
    pub reaction: Option<ReactionOut>,
    pub decision: Option<DecisionOut>,
    pub due_at: Option<String>,
    pub seconds_left: Option<i64>,
    /// The order's shipments, with tracking and delivery dates.
    pub shipments: Vec<ShipmentOut>,
    /// The order's returns.
    pub returns: Vec<ReturnSummaryOut>,
    /// The claim's timeline: every step with the statements made in it.
    pub events: Vec<EventOut>,
    /// For a chargeback or provider claim: the dispute at the payment provider.
    pub dispute: Option<DisputeOut>,
    pub created_at: String,
    pub updated_at: String,
}

/// A dispute at a payment provider, as the provider reported it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeOut {
    /// stripe, paypal or adyen.
    pub provider: String,
    /// The provider's id of the dispute.
    pub dispute_id: String,
    /// inquiry, chargeback, second_chargeback, pre_arbitration or arbitration.
    pub stage: String,
    /// needs_response, under_review, won or lost.
    pub state: String,
    /// The provider's or card scheme's reason code.
    pub reason_code: String,
    /// The disputed amount.
    pub amount_minor: i64,
    pub currency: String,
    /// When the provider stops taking the merchant's answer.
    pub respond_by: Option<String>,
    /// Answer time left while an answer is awaited.
    pub seconds_left: Option<i64>,
    /// accepted or evidence, once answered.
    pub response: Option<String>,
    /// The merchant's statement sent with the answer.
    pub statement: Option<String>,
}

impl DisputeOut {
    pub fn new(stored: &StoredDispute, now: i64) -> DisputeOut {
        let d = &stored.dispute;
        DisputeOut {
            provider: stored.provider.clone(),
            dispute_id: stored.dispute_id.clone(),
            stage: d.stage.code().into(),
            state: d.state.code().into(),
            reason_code: d.reason_code.clone(),
            amount_minor: d.amount.minor,
            currency: d.amount.currency.to_string(),
            respond_by: d.respond_by.map(|t| rfc3339(t.millis())),
            seconds_left: d.time_left_ms(Timestamp(now)).map(|ms| ms / 1000),
            response: d.response.map(|r| r.code().into()),
            statement: stored.statement.clone(),
        }
    }
}

fn outcome_code(o: &Outcome) -> &'static str {
    match o {
        Outcome::RefundReceived => "refund_received",
        Outcome::Concluded => "concluded",
        Outcome::ClosedAsAnswered => "closed_as_answered",
        Outcome::Decided { .. } => "decided",
        Outcome::DisputeWon => "dispute_won",
        Outcome::DisputeLost => "dispute_lost",
    }
}

/// What a claim page shows besides the claim row.
pub struct ClaimContext<'a> {
    pub documents: &'a [DocumentInfo],
    pub order: &'a Order,
    pub returns: &'a [ReturnRecord],
    /// The order's events; those of this claim are kept.
    pub events: &'a [EventRecord],
    /// The dispute, when the claim is a chargeback or provider claim.
    pub dispute: Option<&'a StoredDispute>,
    pub now: i64,
}

impl ClaimOut {
    pub fn new(c: &ClaimRecord, ctx: &ClaimContext<'_>) -> Self {
        let summary = ClaimSummaryOut::new(c, ctx.now);
        let answer = match (&c.answer_decision, c.answered_at) {
            (Some(refund), Some(at)) => Some(AnswerOut {
                refund: refund.clone(),
                amount_minor: c.answer_amount_minor.unwrap_or(0),
                message: c.answer_message.clone().unwrap_or_default(),
                return_id: c.return_id,
                answered_at: rfc3339(at),
            }),
            _ => None,
        };
        let reaction = match (&c.reaction, c.reacted_at) {
            (Some(r), Some(at)) => Some(ReactionOut {
                reaction: r.clone(),
                reacted_at: rfc3339(at),
            }),
            _ => None,
        };
        let decision = match (c.claim.outcome, c.decided_at) {
            (
                Some(Outcome::Decided {
                    amount_minor,
                    from_guarantee,
                }),
                Some(at),
            ) => Some(DecisionOut {
                amount_minor,
                from_guarantee,
                message: c.decision_message.clone().unwrap_or_default(),
                decided_at: rfc3339(at),
            }),
            _ => None,
        };
        ClaimOut {
            id: c.id,
            merchant_id: c.merchant_id,
            order_number: c.order_number.clone(),
            order_placed_at: rfc3339(c.order_placed_at),
            amount_minor: summary.amount_minor,
            currency: summary.currency,
            buyer_email: c.buyer_email.clone(),
            kind: summary.kind,
            status: summary.status,
            text: c.buyer_text.clone(),
            documents: ctx.documents.iter().map(DocumentOut::from).collect(),
            variant: c.claim.variant.map(|v| v.code().to_string()),
            escalation: summary.escalation,
            outcome: c
                .claim
                .outcome
                .as_ref()
                .map(|o| outcome_code(o).to_string()),
            answer,
            reaction,
            decision,
            due_at: summary.due_at,
            seconds_left: summary.seconds_left,
            shipments: super::dto::OrderOut::from(ctx.order).shipments,
            returns: ctx.returns.iter().map(ReturnSummaryOut::from).collect(),
            events: ctx
                .events
                .iter()
                .filter(|e| e.data.get("claim_id").and_then(|v| v.as_i64()) == Some(c.id))
                .map(EventOut::from)
                .collect(),
            dispute: ctx.dispute.map(|d| DisputeOut::new(d, ctx.now)),
            created_at: summary.created_at,
            updated_at: rfc3339(c.updated_at),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    /// yes, yes_after_return or no.
    pub refund: String,
    /// For yes and yes_after_return: defaults to the order value; lower it for a partial refund.
    pub amount_minor: Option<i64>,
    /// Explains the decision to the buyer; required.
    #[serde(default)]
    pub message: String,
    /// For yes_after_return: the return of this order the refund waits for.
    pub return_id: Option<i64>,
}

/// The merchant's answer to a dispute at the payment provider.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeAnswerIn {
    /// accept (the buyer keeps the money) or evidence (fight it with the
    /// evidence pack and this statement).
    pub answer: String,
    /// With evidence: why the charge is right (required, at most 20,000
    /// characters). With accept: an optional note for the provider.
    #[serde(default)]
    pub statement: String,
    /// Why no refund is owed, when the merchant refused one.
    pub refund_refusal: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimIn {
    /// not_received, refund_not_received or other_problem.
    pub kind: String,
    /// What happened, in the buyer's words (required except for other_problem).
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionIn {
    /// received, not_received, disagree or conclude, as the offer allows.
    pub reaction: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentsRequestIn {
    /// What the mediator needs from the merchant; required.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// 0 for no refund; at most the order value.
    pub amount_minor: i64,
    /// Refund from the guarantee instead of the merchant's payments.
    #[serde(default)]
    pub from_guarantee: bool,
    /// Sent to both sides; required.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediatorLoginIn {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediatorTokenOut {
    /// Send as `Authorization: Bearer <token>`; valid for 12 hours.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InsolvencyOut {
    pub merchant: String,
    /// Open claims sent to the mediators.
    pub escalated_claims: usize,
}

/// Where an order's protection stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProtectionOut {
    pub order_number: String,
    /// not_protected, active, concluded or expired.
    pub status: String,
    /// While active: when it ends.
    pub ends_at: Option<String>,
}

impl ProtectionOut {
    pub fn new(order_number: &str, p: Protection) -> Self {
        let (status, ends_at) = match p {
            Protection::NotProtected => ("not_protected", None),
            Protection::Active { ends_at } => ("active", Some(rfc3339(ends_at.millis()))),
            Protection::Concluded => ("concluded", None),
            Protection::Expired => ("expired", None),
        };
        ProtectionOut {
            order_number: order_number.to_string(),
            status: status.to_string(),
            ends_at,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDto {
    /// Count Monday to Friday only, minus the holidays.
    #[serde(default)]
    pub business_days: bool,
    /// Holidays as YYYY-MM-DD.
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// The merchant's protection durations, in days.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtectionTermsDto {
    /// How long protection lasts from the order (calendar days), 1 to 365.
    pub protection_days: u32,
    /// The day of the "did everything go well?" mail, before the end.
    pub reminder_day: u32,
    /// Days the merchant has to answer a claim, 1 to 90.
    pub answer_days: u32,
    /// Days the buyer has to react to the answer, 1 to 90.
    pub reaction_days: u32,
    /// Days the merchant has to send documents a mediator asked for, 1 to 90.
    pub documents_days: u32,
    #[serde(default)]
    pub calendar: CalendarDto,
    /// Protect every new order unless the order says otherwise.
    #[serde(default)]
    pub protect_all_orders: bool,
}

impl From<&ProtectionTerms> for ProtectionTermsDto {
    fn from(t: &ProtectionTerms) -> Self {
        ProtectionTermsDto {
            protection_days: t.protection_days,
            reminder_day: t.reminder_day,
            answer_days: t.answer_days,
            reaction_days: t.reaction_days,
            documents_days: t.documents_days,
            calendar: CalendarDto {
                business_days: t.calendar.business_days,
                holidays: t.calendar.holidays.clone(),
            },
            protect_all_orders: t.protect_all_orders,
        }
    }
}

impl ProtectionTermsDto {
    pub fn into_domain(self) -> Result<ProtectionTerms, ApiError> {
        let terms = ProtectionTerms {
            protection_days: self.protection_days,
            reminder_day: self.reminder_day,
            answer_days: self.answer_days,
            reaction_days: self.reaction_days,
            documents_days: self.documents_days,
            calendar: Calendar {
                business_days: self.calendar.business_days,
                holidays: self.calendar.holidays,
            },
            protect_all_orders: self.protect_all_orders,
        };
        terms
            .validate()
            .map_err(|e| ApiError::unprocessable(e.to_string()))?;
        Ok(terms)
    }
}

/// The buyer's order as a magic link opens it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerOrderOut {
    pub order: super::dto::OrderOut,
    pub protection: ProtectionOut,
    pub claims: Vec<ClaimOut>,
}
