//! The return journey: request, decision, authorization with an RMA number,
//! the parcel back, receipt and inspection. Refunds are in `refunds.rs`.

use super::error::NotFoundAs;
use super::events::{record, record_many, EventInput};
use super::idempotency::{self, Idempotency, Keyed};
use super::{refunds, Actor, AppError, AppResult};
use crate::store::{self, merchants::Merchant, returns::ReturnRecord, Tx};
use crate::AppState;
use rand::Rng;
use reso_domain::decision::{Decision, RuleFacts};
use reso_domain::photo::check_photos;
use reso_domain::returns::{self as rules, LineDecision, RequestedLine, ReturnAction};
use reso_domain::{
    Money, RefundMethod, RefundQuote, ReturnPolicy, ReturnStatus, RmaNumber, Timestamp,
};
use serde_json::json;

pub struct Photo {
    pub bytes: Vec<u8>,
}

pub struct ReturnRequest {
    pub lines: Vec<RequestedLine>,
    pub comment: String,
    /// Only used when the policy lets the buyer choose.
    pub refund_method: Option<RefundMethod>,
    pub photos: Vec<Photo>,
}

fn check_text(text: &str, max: usize, what: &str) -> AppResult<()> {
    if text.chars().count() > max {
        return Err(AppError::Invalid(format!(
            "{what} is longer than {max} characters"
        )));
    }
    Ok(())
}

/// A buyer (or staff on their behalf) asks to return lines of an order. The
/// merchant's decision matrix decides at once what happens next.
///
/// The writer's transaction does only what must be read and written under the
/// order's lock: the order, the quantities other returns hold, the buyer's
/// history, the return (authorized at once with its RMA number when the matrix
/// says so), its events and their jobs. What it stores is known here, so it is
/// not read back.
pub async fn request(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    req: ReturnRequest,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    Ok(
        request_with_key(state, merchant, order_id, req, None, actor)
            .await?
            .value,
    )
}

/// `request` sent with an Idempotency-Key: a retry gets the return the first
/// request created (as it is now) instead of a second one.
pub async fn request_with_key(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    req: ReturnRequest,
    key: Option<&Idempotency<'_>>,
    actor: &Actor,
) -> AppResult<Keyed<ReturnRecord>> {
    check_text(&req.comment, 2000, "the comment")?;
    let photo_bytes: Vec<&[u8]> = req.photos.iter().map(|p| p.bytes.as_slice()).collect();
    let photo_types = check_photos(&photo_bytes, 0)?;
    let now = state.now();
    let year_ago = Timestamp(now).plus_days(-365).millis();
    let mut tx = state.db.begin().await?;
    let (order, history) =
        store::returns::lock_order_for_request(&mut tx, merchant.id, order_id, year_ago, now)
            .await
            .or_not_found("order")?;
    // Before the checks: the first request's return now holds the quantities.
    if let Some(return_id) = idempotency::replay(&mut tx, merchant.id, key).await? {
        let value = store::returns::load(&mut tx, merchant.id, return_id).await?;
        return idempotency::replayed(tx, value).await;
    }
    let lines = rules::check_request(
        &order,
        &merchant.policy,
        &history.held,
        &req.lines,
        Timestamp(now),
    )?;
    let mut amount = Money::zero(order.currency);
    for l in &lines {
        amount = amount.checked_add(l.unit_price.checked_mul(l.quantity)?)?;
    }
    let facts = RuleFacts {
        amount,
        reasons: lines.iter().map(|l| l.reason).collect(),
        days_since_delivery: order.delivered_at().map(|d| Timestamp(now).days_since(d)),
        prior_returns: history.prior_returns,
        has_photos: !req.photos.is_empty(),
    };
    let verdict = merchant.matrix.decide(&facts);
    let refund_method = match merchant.policy.refund_method {
        RefundMethod::BuyerChooses => match req.refund_method {
            Some(RefundMethod::StoreCredit) => RefundMethod::StoreCredit,
            _ => RefundMethod::OriginalPayment,
        },
        fixed => fixed,
    };
    let keep_goods = verdict.decision == Decision::RefundWithoutReturn;
    let requested_status = if verdict.decision == Decision::RequestPhotos {
        ReturnStatus::PhotosRequested
    } else {
        ReturnStatus::Requested
    };
    let authorize = verdict.decision == Decision::AutoAuthorize;
    let status = if authorize {
        rules::next_status(requested_status, ReturnAction::Authorize)?
    } else {
        requested_status
    };
    let new = store::returns::NewReturn {
        merchant_id: merchant.id,
        order_id,
        status,
        rma: None,
        decision: verdict.decision.code(),
        decision_rule: verdict.rule.as_deref(),
        keep_goods,
        comment: req.comment.trim(),
        refund_method: refund_method.code(),
        lines: &lines,
    };
    let (return_id, rma) = if authorize {
        insert_with_new_rma(&mut tx, &new, now).await?
    } else {
        let id = store::returns::insert(&mut tx, &new, now)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a return without RMA clashed")))?;
        (id, None)
    };
    let mut photo_ids = Vec::with_capacity(req.photos.len());
    for (photo, content_type) in req.photos.iter().zip(photo_types) {
        photo_ids.push(
            store::returns::insert_photo(&mut tx, return_id, content_type, &photo.bytes, now)
                .await?,
        );
    }
    let mut record_ = ReturnRecord {
        id: return_id,
        merchant_id: merchant.id,
        order_id,
        order_number: order.number.clone(),
        buyer_email: order.buyer_email.to_string(),
        locale: order.locale.clone(),
        currency: order.currency,
        rma: rma.map(|r| r.to_string()),
        status,
        decision: verdict.decision.code().to_string(),
        decision_rule: verdict.rule.clone(),
        keep_goods,
        comment: new.comment.to_string(),
        rejection_reason: None,
        refund_method: refund_method.code().to_string(),
        return_carrier: None,
        return_tracking: None,
        created_at: now,
        updated_at: now,
        lines,
        photo_ids,
    };
    let actor_label = actor.label();
    let buyer = Some((order.buyer_email.as_str(), order.locale.as_str()));
    let requested = json!({
        "order_number": order.number, "amount_minor": amount.minor, "currency": amount.currency,
        "decision": verdict.decision.code(), "rule": verdict.rule, "photos": req.photos.len(),
        "lines": record_.lines.iter().map(|l| json!({"sku": l.sku, "title": l.title, "quantity": l.quantity, "reason": l.reason})).collect::<Vec<_>>(),
    });
    let mut events = vec![EventInput {
        order_id: Some(order_id),
        return_id: Some(return_id),
        kind: "return.requested",
        actor: &actor_label,
        data: requested,
        buyer,
    }];
    if authorize {
        events.push(EventInput {
            order_id: Some(order_id),
            return_id: Some(return_id),
            kind: "return.authorized",
            actor: "system",
            data: authorized_data(merchant, &record_),
            buyer,
        });
    } else if status == ReturnStatus::PhotosRequested {
        events.push(EventInput {
            order_id: Some(order_id),
            return_id: Some(return_id),
            kind: "return.photos_requested",
            actor: "system",
            data: json!({ "order_number": order.number, "message": "" }),
            buyer,
        });
    }
    record_many(
        &mut tx,
        events.into_iter().map(|e| (merchant, e)).collect(),
        now,
    )
    .await?;
    if verdict.decision == Decision::RefundWithoutReturn {
        refunds::refund_return_in(&mut tx, merchant, &mut record_, None, &Actor::System, now)
            .await?;
        // A refund writes rows of its own: read back what was stored.
        record_ = store::returns::load(&mut tx, merchant.id, return_id).await?;
    }
    idempotency::remember(&mut tx, merchant.id, key, 201, &return_id, now).await?;
    tx.commit().await?;
    Ok(Keyed {
        value: record_,
        replayed: false,
    })
}

/// Inserts a return authorized as it is asked for, under a fresh RMA number:
/// the unique index tells when a number is taken, and another is drawn.
async fn insert_with_new_rma(
    tx: &mut Tx,
    new: &store::returns::NewReturn<'_>,
    now: i64,
) -> AppResult<(i64, Option<RmaNumber>)> {
    for _ in 0..8 {
        let rma = RmaNumber::from_random(rand::thread_rng().gen());
        let new = store::returns::NewReturn {
            rma: Some(rma.as_str()),
            ..*new
        };
        if let Some(id) = store::returns::insert(tx, &new, now).await? {
            return Ok((id, Some(rma)));
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not find a free RMA number"
    )))
}

/// What the authorization event tells: the RMA number and how to send the
/// goods back (the currency prices the return label in the buyer's mail).
fn authorized_data(merchant: &Merchant, r: &ReturnRecord) -> serde_json::Value {
    json!({
        "order_number": r.order_number, "rma": r.rma, "return_address": merchant.return_address,
        "return_shipping": merchant.policy.return_shipping, "window_days": merchant.policy.window_days,
        "currency": r.currency,
    })
}

/// Loads a return for a change, with its order locked.
async fn load_for_change(
    tx: &mut Tx,
    merchant: &Merchant,
    return_id: i64,
    now: i64,
) -> AppResult<ReturnRecord> {
    let r = store::returns::load(tx, merchant.id, return_id)
        .await
        .or_not_found("return")?;
    store::orders::lock(tx, r.order_id, now).await?;
    // Reload under the lock: another request may have moved it meanwhile.
    store::returns::load(tx, merchant.id, return_id)
        .await
        .or_not_found("return")
}

fn transition(r: &mut ReturnRecord, action: ReturnAction) -> AppResult<()> {
    r.status = rules::next_status(r.status, action)?;
    Ok(())
}

async fn new_rma(tx: &mut Tx, merchant_id: i64) -> AppResult<RmaNumber> {
    for _ in 0..8 {
        let rma = RmaNumber::from_random(rand::thread_rng().gen());
        if !store::returns::rma_taken(tx, merchant_id, rma.as_str()).await? {
            return Ok(rma);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not find a free RMA number"
    )))
}

async fn authorize_in(
    tx: &mut Tx,
    merchant: &Merchant,
    r: &mut ReturnRecord,
    actor: &Actor,
    now: i64,
) -> AppResult<()> {
    transition(r, ReturnAction::Authorize)?;
    let rma = new_rma(tx, merchant.id).await?;
    r.rma = Some(rma.to_string());
    store::returns::save(tx, r, now).await?;
    let data = authorized_data(merchant, r);
    let event = EventInput {
        order_id: Some(r.order_id),
        return_id: Some(r.id),
        kind: "return.authorized",
        actor: &actor.label(),
        data,
        buyer: Some((&r.buyer_email, &r.locale)),
    };
    record(tx, merchant, event, now).await?;
    Ok(())
}

/// Opens the transaction of one staff or buyer action on a return.
async fn begin_change(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
) -> AppResult<(Tx, ReturnRecord, i64)> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let r = load_for_change(&mut tx, merchant, return_id, now).await?;
    Ok((tx, r, now))
}

async fn finish(mut tx: Tx, merchant_id: i64, return_id: i64) -> AppResult<ReturnRecord> {
    let saved = store::returns::load(&mut tx, merchant_id, return_id).await?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn authorize(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    authorize_in(&mut tx, merchant, &mut r, actor, now).await?;
    finish(tx, merchant.id, return_id).await
}

/// One step of the journey: the action, the event it records and its data.
struct Step<'a> {
    action: ReturnAction,
    kind: &'a str,
    data: serde_json::Value,
}

async fn simple_step(
    tx: &mut Tx,
    merchant: &Merchant,
    r: &mut ReturnRecord,
    step: Step<'_>,
    actor: &Actor,
    now: i64,
) -> AppResult<()> {
    let Step {
        action,
        kind,
        mut data,
    } = step;
    transition(r, action)?;
    store::returns::save(tx, r, now).await?;
    data["order_number"] = json!(r.order_number);
    data["rma"] = json!(r.rma);
    let event = EventInput {
        order_id: Some(r.order_id),
        return_id: Some(r.id),
        kind,
        actor: &actor.label(),
        data,
        buyer: Some((&r.buyer_email, &r.locale)),
    };
    record(tx, merchant, event, now).await?;
    Ok(())
}

pub async fn reject(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::Invalid(
            "a rejection needs a reason the buyer will read".into(),
        ));
    }
    check_text(&reason, 1000, "the reason")?;
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    r.rejection_reason = Some(reason.clone());
    let data = json!({ "reason": reason });
    simple_step(
        &mut tx,
        merchant,
        &mut r,
        Step {
            action: ReturnAction::Reject,
            kind: "return.rejected",
            data,
        },
        actor,
        now,
    )
    .await?;
    finish(tx, merchant.id, return_id).await
}

pub async fn request_photos(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    message: &str,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    check_text(message, 1000, "the message")?;
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    let data = json!({ "message": message.trim() });
    simple_step(
        &mut tx,
        merchant,
        &mut r,
        Step {
            action: ReturnAction::RequestPhotos,
            kind: "return.photos_requested",
            data,
        },
        actor,
        now,
    )
    .await?;
    finish(tx, merchant.id, return_id).await
}

pub async fn add_photos(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    photos: Vec<Photo>,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    if photos.is_empty() {
        return Err(AppError::Invalid("attach at least one photo".into()));
    }
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    let bytes: Vec<&[u8]> = photos.iter().map(|p| p.bytes.as_slice()).collect();
    let types = check_photos(&bytes, r.photo_ids.len())?;
    transition(&mut r, ReturnAction::AddPhotos)?;
    for (p, t) in photos.iter().zip(types) {
        store::returns::insert_photo(&mut tx, r.id, t, &p.bytes, now).await?;
    }
    store::returns::save(&mut tx, &r, now).await?;
    let event = EventInput {
        order_id: Some(r.order_id),
        return_id: Some(r.id),
        kind: "return.photos_added",
        actor: &actor.label(),
        data: json!({ "order_number": r.order_number, "count": photos.len() }),
        buyer: None,
    };
    record(&mut tx, merchant, event, now).await?;
    finish(tx, merchant.id, return_id).await
}

pub async fn ship_back(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    carrier: &str,
    tracking: &str,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    let (carrier, tracking) = (carrier.trim().to_string(), tracking.trim().to_string());
    if tracking.is_empty() || tracking.chars().count() > 128 || carrier.chars().count() > 64 {
        return Err(AppError::Invalid(
            "enter the carrier and a tracking number (up to 128 characters)".into(),
        ));
    }
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    let data = json!({ "carrier": carrier, "tracking_number": tracking });
    r.return_carrier = Some(carrier);
    r.return_tracking = Some(tracking);
    simple_step(
        &mut tx,
        merchant,
        &mut r,
        Step {
            action: ReturnAction::ShipBack,
            kind: "return.in_transit",
            data,
        },
        actor,
        now,
    )
    .await?;
    finish(tx, merchant.id, return_id).await
}

pub async fn mark_received(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    simple_step(
        &mut tx,
        merchant,
        &mut r,
        Step {
            action: ReturnAction::MarkReceived,
            kind: "return.received",
            data: json!({}),
        },
        actor,
        now,
    )
    .await?;
    finish(tx, merchant.id, return_id).await
}

pub async fn withdraw(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    simple_step(
        &mut tx,
        merchant,
        &mut r,
        Step {
            action: ReturnAction::Withdraw,
            kind: "return.withdrawn",
            data: json!({}),
        },
        actor,
        now,
    )
    .await?;
    finish(tx, merchant.id, return_id).await
}

/// Staff inspect every line. When nothing is accepted, the return closes
/// without a refund.
pub async fn inspect(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    decisions: Vec<(i64, LineDecision)>,
    actor: &Actor,
) -> AppResult<ReturnRecord> {
    let (mut tx, mut r, now) = begin_change(state, merchant, return_id).await?;
    r.lines = rules::inspect(&r.lines, &decisions)?;
    let accepted: i64 = r.lines.iter().map(|l| l.accepted_quantity()).sum();
    let data = json!({
        "lines": r.lines.iter().map(|l| json!({
            "sku": l.sku, "quantity": l.quantity, "accepted_quantity": l.accepted_quantity(),
            "condition": l.inspection.as_ref().map(|d| d.condition.clone()),
        })).collect::<Vec<_>>(),
    });
    simple_step(
        &mut tx,
        merchant,
        &mut r,
        Step {
            action: ReturnAction::Inspect,
            kind: "return.inspected",
            data,
        },
        actor,
        now,
    )
    .await?;
    if accepted == 0 {
        r.status = ReturnStatus::Closed;
        store::returns::save(&mut tx, &r, now).await?;
        let event = EventInput {
            order_id: Some(r.order_id),
            return_id: Some(r.id),
            kind: "return.closed",
            actor: &actor.label(),
            data: json!({ "order_number": r.order_number, "rma": r.rma, "why": "no line accepted" }),
            buyer: None,
        };
        record(&mut tx, merchant, event, now).await?;
    }
    finish(tx, merchant.id, return_id).await
}

/// What the refund of this return would be, before it is issued.
pub fn quote(merchant: &Merchant, r: &ReturnRecord) -> AppResult<RefundQuote> {
    // Goods the buyer keeps are not restocked nor shipped: nothing to deduct.
    let policy = if r.keep_goods {
        ReturnPolicy::default()
    } else {
        merchant.policy.clone()
    };
    Ok(RefundQuote::for_return(&r.lines, &policy, r.currency)?)
}

pub async fn load(state: &AppState, merchant_id: i64, return_id: i64) -> AppResult<ReturnRecord> {
    let mut conn = state.db.reader().acquire().await?;
    store::returns::load(&mut conn, merchant_id, return_id)
        .await
        .or_not_found("return")
}
