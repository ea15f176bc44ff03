//! Buyer protection: protecting orders, claims from opening to outcome,
//! mediation, and the deadlines that move claims when someone stays silent.

use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::idempotency::{self, Idempotency, Keyed};
use super::{refunds, Actor, AppError, AppResult};
use crate::store::{self, claims::ClaimRecord, deadlines::NewDeadline, merchants::Merchant, Tx};
use crate::AppState;
use reso_domain::claim::{
    check_message, Claim, ClaimError, ClaimKind, ClaimStatus, Outcome, Protection, ProtectionTerms,
    Reaction, RefundDecision,
};
use reso_domain::document::{check_documents, clean_filename};
use reso_domain::{Money, Timestamp};
use serde_json::json;

pub use super::claim_documents::add_buyer_documents;

impl From<ClaimError> for AppError {
    fn from(e: ClaimError) -> Self {
        match e {
            ClaimError::WrongState(_)
            | ClaimError::AlreadyOpen
            | ClaimError::TooLate
            | ClaimError::DisputeAtProvider => AppError::Conflict(e.to_string()),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

impl From<reso_domain::document::DocumentError> for AppError {
    fn from(e: reso_domain::document::DocumentError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

impl From<reso_domain::claim::TermsError> for AppError {
    fn from(e: reso_domain::claim::TermsError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

/// A file attached to a claim step.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Who acts on a claim. Mediators act for the operator, across merchants.
#[derive(Debug, Clone)]
pub enum Party {
    Buyer(String),
    Merchant(Actor),
    Mediator { id: i64, email: String },
    System,
}

impl Party {
    fn label(&self) -> String {
        match self {
            Party::Buyer(email) => format!("buyer:{email}"),
            Party::Merchant(actor) => actor.label(),
            Party::Mediator { email, .. } => format!("mediator:{email}"),
            Party::System => "system".into(),
        }
    }

    fn role(&self) -> &'static str {
        match self {
            Party::Buyer(_) => "buyer",
            Party::Merchant(_) => "merchant",
            Party::Mediator { .. } | Party::System => "mediator",
        }
    }
}

pub const DEADLINE_ANSWER: &str = "claim_answer";
pub const DEADLINE_REACTION: &str = "claim_reaction";
pub const DEADLINE_DOCUMENTS: &str = "claim_documents";
pub const DEADLINE_REMINDER: &str = "protection_reminder";

pub async fn set_terms(
    state: &AppState,
    merchant_id: i64,
    terms: ProtectionTerms,
    actor: &Actor,
) -> AppResult<Merchant> {
    terms.validate()?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::merchants::update_protection(&mut tx, merchant_id, &terms).await?;
    let merchant = store::merchants::by_id(&mut tx, merchant_id)
        .await
        .or_not_found("merchant")?;
    let event = EventInput {
        order_id: None,
        return_id: None,
        kind: "merchant.protection_updated",
        actor: &actor.label(),
        data: json!({ "terms": terms }),
        buyer: None,
    };
    record(&mut tx, &merchant, event, now).await?;
    tx.commit().await?;
    Ok(merchant)
}

/// Protects an order (at intake, or later by the shop): schedules the day-23 mail.
pub(crate) async fn protect_in(
    tx: &mut Tx,
    merchant: &Merchant,
    order_id: i64,
    placed_at: Timestamp,
    actor: &str,
    now: i64,
) -> AppResult<()> {
    let (already, _) = store::claims::protection_of(tx, order_id).await?;
    if already {
        return Ok(());
    }
    store::claims::set_protected(tx, order_id, true).await?;
    let terms = &merchant.protection;
    let reminder = terms.reminder_at(placed_at).millis();
    // A reminder whose day is already past is not worth a mail.
    if reminder > now {
        let d = NewDeadline {
            merchant_id: merchant.id,
            kind: DEADLINE_REMINDER,
            claim_id: None,
            order_id: Some(order_id),
            due_at: reminder,
        };
        store::deadlines::insert(tx, &d, now).await?;
    }
    let data =
        json!({ "ends_at": terms.protection_ends(placed_at).millis(), "reminder_at": reminder });
    let event = EventInput {
        order_id: Some(order_id),
        return_id: None,
        kind: "order.protected",
        actor,
        data,
        buyer: None,
    };
    record(tx, merchant, event, now).await?;
    Ok(())
}

pub async fn protect(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::orders::lock(&mut tx, order_id, now)
        .await
        .or_not_found("order")?;
    let order = store::orders::load(&mut tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    protect_in(
        &mut tx,
        merchant,
        order_id,
        order.placed_at,
        &actor.label(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Where the protection of an order stands now.
pub async fn protection(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
) -> AppResult<Protection> {
    let mut conn = state.db.reader().acquire().await?;
    let order = store::orders::load(&mut conn, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    let (protected, concluded) = store::claims::protection_of(&mut conn, order_id).await?;
    Ok(Protection::of(
        protected,
        concluded.is_some(),
        order.placed_at,
        &merchant.protection,
        Timestamp(state.now()),
    ))
}

/// "All fine": the buyer ends the protection early.
pub async fn conclude_protection(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    buyer: &str,
) -> AppResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::orders::lock(&mut tx, order_id, now)
        .await
        .or_not_found("order")?;
    let order = store::orders::load(&mut tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    let (protected, concluded) = store::claims::protection_of(&mut tx, order_id).await?;
    match Protection::of(
        protected,
        concluded.is_some(),
        order.placed_at,
        &merchant.protection,
        Timestamp(now),
    ) {
        Protection::Active { .. } => {}
        Protection::NotProtected => return Err(ClaimError::NotProtected.into()),
        Protection::Expired => {
            return Err(ClaimError::ProtectionExpired(merchant.protection.protection_days).into())
        }
        Protection::Concluded => return Err(ClaimError::ProtectionConcluded.into()),
    }
    if store::claims::has_open_claim(&mut tx, order_id).await? {
        return Err(AppError::Conflict(
            "this order has an open claim; it ends with the claim".into(),
        ));
    }
    store::claims::conclude_protection(&mut tx, order_id, now).await?;
    let event = EventInput {
        order_id: Some(order_id),
        return_id: None,
        kind: "protection.concluded",
        actor: &format!("buyer:{buyer}"),
        data: json!({ "order_number": order.number }),
        buyer: None,
    };
    record(&mut tx, merchant, event, now).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn save_documents(
    tx: &mut Tx,
    claim_id: i64,
    party: &Party,
    uploads: &[Upload],
    now: i64,
) -> AppResult<usize> {
    let files: Vec<(&str, &[u8])> = uploads
        .iter()
        .map(|u| (u.filename.as_str(), u.bytes.as_slice()))
        .collect();
    let types = check_documents(&files)?;
    for (u, content_type) in uploads.iter().zip(types) {
        let name = clean_filename(&u.filename);
        let doc = store::claims::Document {
            uploaded_by: party.role(),
            filename: &name,
            content_type,
            body: &u.bytes,
        };
        store::claims::insert_document(tx, claim_id, &doc, now).await?;
    }
    Ok(uploads.len())
}

pub(crate) async fn schedule(tx: &mut Tx, c: &ClaimRecord, kind: &str, now: i64) -> AppResult<()> {
    if let Some(due) = c.claim.due_at {
        let d = NewDeadline {
            merchant_id: c.merchant_id,
            kind,
            claim_id: Some(c.id),
            order_id: Some(c.order_id),
            due_at: due.millis(),
        };
        store::deadlines::insert(tx, &d, now).await?;
    }
    Ok(())
}

/// The claim's event, mailed to the buyer and the merchant's subscribed addresses.
pub(crate) async fn claim_event(
    tx: &mut Tx,
    merchant: &Merchant,
    c: &ClaimRecord,
    kind: &str,
    actor: &str,
    data: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    record(tx, merchant, claim_event_input(c, kind, actor, data), now).await?;
    Ok(())
}

/// A claim's event: its data always tells the claim, its order and where it stands.
pub(crate) fn claim_event_input<'a>(
    c: &'a ClaimRecord,
    kind: &'a str,
    actor: &'a str,
    mut data: serde_json::Value,
) -> EventInput<'a> {
    data["claim_id"] = json!(c.id);
    data["order_number"] = json!(c.order_number);
    data["status"] = json!(c.claim.status.code());
    data["due_at"] = json!(c.claim.due_at.map(Timestamp::millis));
    EventInput {
        order_id: Some(c.order_id),
        return_id: None,
        kind,
        actor,
        data,
        buyer: Some((&c.buyer_email, &c.locale)),
    }
}

/// The buyer opens a claim: not received, refund not received, or another problem.
pub async fn open(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    kind: ClaimKind,
    text: &str,
    uploads: Vec<Upload>,
    buyer: &str,
) -> AppResult<ClaimRecord> {
    check_message(text, kind != ClaimKind::OtherProblem)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::orders::lock(&mut tx, order_id, now)
        .await
        .or_not_found("order")?;
    let order = store::orders::load(&mut tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    let (protected, concluded) = store::claims::protection_of(&mut tx, order_id).await?;
    let protection = Protection::of(
        protected,
        concluded.is_some(),
        order.placed_at,
        &merchant.protection,
        Timestamp(now),
    );
    let has_open = store::claims::has_open_claim(&mut tx, order_id).await?;
    let claim = Claim::open(
        kind,
        protection,
        has_open,
        order.goods_total(),
        &merchant.protection,
        Timestamp(now),
    )?;
    let claim_id =
        store::claims::insert(&mut tx, merchant.id, order_id, &claim, text.trim(), now).await?;
    let party = Party::Buyer(buyer.to_string());
    let documents = save_documents(&mut tx, claim_id, &party, &uploads, now).await?;
    let c = store::claims::load(&mut tx, merchant.id, claim_id).await?;
    schedule(&mut tx, &c, DEADLINE_ANSWER, now).await?;
    let data = json!({ "kind": kind.code(), "text": c.buyer_text, "documents": documents, "amount_minor": c.claim.order_value.minor, "currency": c.claim.order_value.currency });
    claim_event(
        &mut tx,
        merchant,
        &c,
        "claim.opened",
        &party.label(),
        data,
        now,
    )
    .await?;
    if c.claim.status == ClaimStatus::Escalated {
        claim_event(
            &mut tx,
            merchant,
            &c,
            "claim.escalated",
            "system",
            json!({ "escalation": "other_problem" }),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(c)
}

pub(crate) async fn load_for_change(
    tx: &mut Tx,
    merchant_id: i64,
    claim_id: i64,
    now: i64,
) -> AppResult<ClaimRecord> {
    let c = store::claims::load(tx, merchant_id, claim_id)
        .await
        .or_not_found("claim")?;
    store::orders::lock(tx, c.order_id, now).await?;
    Ok(store::claims::load(tx, merchant_id, claim_id).await?)
}

pub(crate) async fn save(
    tx: &mut Tx,
    c: &ClaimRecord,
    expected: ClaimStatus,
    now: i64,
) -> AppResult<()> {
    if !store::claims::save(tx, c, expected, now).await? {
        return Err(AppError::Conflict(
            "the claim changed meanwhile; reload it".into(),
        ));
    }
    Ok(())
}

pub struct Answer {
    pub decision: RefundDecision,
    pub amount_minor: i64,
    pub message: String,
    /// With "yes, after the goods are returned": the return of this order it waits for.
    pub return_id: Option<i64>,
    pub uploads: Vec<Upload>,
}

/// The merchant answers within the deadline. "Yes" refunds through the same
/// path as returns, at once; "yes, after the return" links the return.
pub async fn answer(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    a: Answer,
    actor: &Actor,
) -> AppResult<ClaimRecord> {
    Ok(answer_with_key(state, merchant, claim_id, a, None, actor)
        .await?
        .value)
}

/// `answer` sent with an Idempotency-Key: a retry gets the claim the first
/// request answered instead of "already answered".
pub async fn answer_with_key(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    a: Answer,
    key: Option<&Idempotency<'_>>,
    actor: &Actor,
) -> AppResult<Keyed<ClaimRecord>> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut c = load_for_change(&mut tx, merchant.id, claim_id, now).await?;
    if let Some(answered) = idempotency::replay(&mut tx, merchant.id, key).await? {
        let value = store::claims::load(&mut tx, merchant.id, answered).await?;
        return idempotency::replayed(tx, value).await;
    }
    let expected = c.claim.status;
    let variant = c.claim.answer(
        a.decision,
        a.amount_minor,
        &a.message,
        &merchant.protection,
        Timestamp(now),
    )?;
    if let Some(return_id) = a.return_id {
        let r = store::returns::load(&mut tx, merchant.id, return_id)
            .await
            .or_not_found("return")?;
        if r.order_id != c.order_id {
            return Err(AppError::Invalid(
                "the linked return belongs to another order".into(),
            ));
        }
    } else if a.decision == RefundDecision::YesAfterReturn {
        return Err(AppError::Invalid(
            "link the return the refund waits for".into(),
        ));
    }
    c.answer_decision = Some(a.decision.code().into());
    c.answer_amount_minor = Some(if a.decision == RefundDecision::No {
        0
    } else {
        a.amount_minor
    });
    c.answer_message = Some(a.message.trim().to_string());
    c.answered_at = Some(now);
    c.return_id = a.return_id;
    save(&mut tx, &c, expected, now).await?;
    let party = Party::Merchant(actor.clone());
    save_documents(&mut tx, c.id, &party, &a.uploads, now).await?;
    if a.decision == RefundDecision::Yes {
        let amount = Money::new(a.amount_minor, c.claim.order_value.currency);
        refunds::refund_in(
            &mut tx,
            merchant,
            c.order_id,
            amount,
            "buyer-protection claim",
            actor,
            now,
        )
        .await?;
    }
    schedule(&mut tx, &c, DEADLINE_REACTION, now).await?;
    let data = json!({
        "decision": a.decision.code(), "variant": variant.code(), "amount_minor": c.answer_amount_minor,
        "currency": c.claim.order_value.currency, "message": c.answer_message, "return_id": c.return_id,
    });
    claim_event(
        &mut tx,
        merchant,
        &c,
        "claim.answered",
        &party.label(),
        data,
        now,
    )
    .await?;
    idempotency::remember(&mut tx, merchant.id, key, 200, &c.id, now).await?;
    tx.commit().await?;
    Ok(Keyed {
        value: c,
        replayed: false,
    })
}

/// The buyer's reaction to the merchant's answer.
pub async fn react(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    reaction: Reaction,
    message: &str,
    buyer: &str,
) -> AppResult<ClaimRecord> {
    check_message(message, false)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut c = load_for_change(&mut tx, merchant.id, claim_id, now).await?;
    if !c.buyer_email.eq_ignore_ascii_case(buyer) {
        return Err(AppError::Forbidden(
            "only the buyer of this order can react to the answer".into(),
        ));
    }
    let expected = c.claim.status;
    c.claim.react(reaction)?;
    c.reaction = Some(reaction.code().into());
    c.reacted_at = Some(now);
    save(&mut tx, &c, expected, now).await?;
    let kind = if c.claim.status == ClaimStatus::Closed {
        "claim.closed"
    } else {
        "claim.escalated"
    };
    let data = json!({ "reaction": reaction.code(), "message": message.trim(), "escalation": c.claim.escalation.map(|e| e.code()), "outcome": c.claim.outcome });
    claim_event(
        &mut tx,
        merchant,
        &c,
        kind,
        &format!("buyer:{buyer}"),
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// Opens the transaction of a mediator's step. Mediators work across
/// merchants, so the claim tells whose it is.
async fn begin_mediation(
    state: &AppState,
    claim_id: i64,
    now: i64,
) -> AppResult<(Tx, Merchant, ClaimRecord)> {
    let mut tx = state.db.begin().await?;
    let merchant_id = store::claims::load_any(&mut tx, claim_id)
        .await
        .or_not_found("claim")?
        .merchant_id;
    let merchant = store::merchants::by_id(&mut tx, merchant_id).await?;
    let c = load_for_change(&mut tx, merchant_id, claim_id, now).await?;
    Ok((tx, merchant, c))
}

/// A mediator asks the merchant for more documents, with its own deadline.
pub async fn request_documents(
    state: &AppState,
    claim_id: i64,
    message: &str,
    mediator: &Party,
) -> AppResult<ClaimRecord> {
    check_message(message, true)?;
    let now = state.now();
    let (mut tx, merchant, mut c) = begin_mediation(state, claim_id, now).await?;
    let expected = c.claim.status;
    c.claim
        .request_documents(&merchant.protection, Timestamp(now))?;
    save(&mut tx, &c, expected, now).await?;
    schedule(&mut tx, &c, DEADLINE_DOCUMENTS, now).await?;
    claim_event(
        &mut tx,
        &merchant,
        &c,
        "claim.documents_requested",
        &mediator.label(),
        json!({ "message": message.trim() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// The merchant sends the requested documents: back to the mediators.
pub async fn send_documents(
    state: &AppState,
    merchant: &Merchant,
    claim_id: i64,
    message: &str,
    uploads: Vec<Upload>,
    actor: &Actor,
) -> AppResult<ClaimRecord> {
    check_message(message, false)?;
    if uploads.is_empty() {
        return Err(AppError::Invalid("attach at least one document".into()));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let mut c = load_for_change(&mut tx, merchant.id, claim_id, now).await?;
    let expected = c.claim.status;
    c.claim.documents_sent()?;
    save(&mut tx, &c, expected, now).await?;
    let party = Party::Merchant(actor.clone());
    let count = save_documents(&mut tx, c.id, &party, &uploads, now).await?;
    claim_event(
        &mut tx,
        merchant,
        &c,
        "claim.documents_sent",
        &party.label(),
        json!({ "message": message.trim(), "documents": count }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// The mediator decides: a refund from the merchant (through the refund path)
/// or from the guarantee, or none, with a message to both sides.
pub async fn decide(
    state: &AppState,
    claim_id: i64,
    amount_minor: i64,
    from_guarantee: bool,
    message: &str,
    mediator: &Party,
) -> AppResult<ClaimRecord> {
    check_message(message, true)?;
    let now = state.now();
    let (mut tx, merchant, mut c) = begin_mediation(state, claim_id, now).await?;
    let expected = c.claim.status;
    let outcome = c.claim.decide(amount_minor, from_guarantee)?;
    c.decision_message = Some(message.trim().to_string());
    c.decided_at = Some(now);
    save(&mut tx, &c, expected, now).await?;
    if let Outcome::Decided {
        amount_minor,
        from_guarantee: false,
    } = outcome
    {
        if amount_minor > 0 {
            let amount = Money::new(amount_minor, c.claim.order_value.currency);
            let actor = Actor::System;
            refunds::refund_in(
                &mut tx,
                &merchant,
                c.order_id,
                amount,
                "mediator decision",
                &actor,
                now,
            )
            .await?;
        }
    }
    let data = json!({ "amount_minor": amount_minor, "from_guarantee": from_guarantee, "currency": c.claim.order_value.currency, "message": c.decision_message });
    claim_event(
        &mut tx,
        &merchant,
        &c,
        "claim.decided",
        &mediator.label(),
        data,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// Marks a merchant insolvent: all its open claims go to the mediators, who
/// can then refund them from the guarantee.
pub async fn mark_insolvent(
    state: &AppState,
    merchant_id: i64,
    mediator: &Party,
) -> AppResult<usize> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let merchant = store::merchants::by_id(&mut tx, merchant_id)
        .await
        .or_not_found("merchant")?;
    if !store::merchants::mark_insolvent(&mut tx, merchant_id, now).await? {
        return Err(AppError::Conflict(
            "this merchant is already marked insolvent".into(),
        ));
    }
    let mut escalated = 0;
    for id in store::claims::open_ids_of_merchant(&mut tx, merchant_id).await? {
        let mut c = load_for_change(&mut tx, merchant_id, id, now).await?;
        let expected = c.claim.status;
        if c.claim.merchant_insolvent() {
            save(&mut tx, &c, expected, now).await?;
            claim_event(
                &mut tx,
                &merchant,
                &c,
                "claim.escalated",
                &mediator.label(),
                json!({ "escalation": "merchant_insolvent" }),
                now,
            )
            .await?;
            escalated += 1;
        }
    }
    let event = EventInput {
        order_id: None,
        return_id: None,
        kind: "merchant.insolvent",
        actor: &mediator.label(),
        data: json!({ "escalated_claims": escalated }),
        buyer: None,
    };
    record(&mut tx, &merchant, event, now).await?;
    tx.commit().await?;
    Ok(escalated)
}

pub async fn load(state: &AppState, merchant_id: i64, claim_id: i64) -> AppResult<ClaimRecord> {
    let mut conn = state.db.reader().acquire().await?;
    store::claims::load(&mut conn, merchant_id, claim_id)
        .await
        .or_not_found("claim")
}
