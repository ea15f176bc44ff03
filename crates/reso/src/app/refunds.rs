//! Money back. Every refund — of a return, a goodwill gesture, store credit —
//! goes through `issue`: allocate over the order's payments, draw each
//! payment's refundable balance with a conditional update, record a credit
//! note, and hand the gateway call to the outbox.

use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::idempotency;
use super::{Actor, AppError, AppResult};
use crate::gateways::reconciliation::CatchUp;
use crate::store::{self, merchants::Merchant, refunds::RefundRecord, returns::ReturnRecord, Tx};
use crate::AppState;
use reso_domain::refund::allocate;
use reso_domain::returns::{next_status, ReturnAction};
use reso_domain::{Money, RefundMethod, ReturnStatus};
use serde_json::json;

/// How the money goes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Through the payment's gateway (the simulator, or later Stripe & co.).
    OriginalPayment,
    StoreCredit,
    /// Staff paid it back outside Reso (bank transfer, cash); Reso records it.
    Manual,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::OriginalPayment => "original_payment",
            Method::StoreCredit => "store_credit",
            Method::Manual => "manual",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Method::OriginalPayment, Method::StoreCredit, Method::Manual]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

/// Gateways built into Reso, which need no account. "manual" means the shop
/// refunds by hand.
pub const BUILT_IN_GATEWAYS: &[&str] = &["simulator", "manual"];

/// Can a refund go through this payment gateway: a built-in one, or a
/// provider the merchant has connected an account of?
async fn can_refund_through(tx: &mut Tx, merchant_id: i64, gateway: &str) -> AppResult<bool> {
    if BUILT_IN_GATEWAYS.contains(&gateway) {
        return Ok(true);
    }
    if crate::gateways::providers::Provider::parse(gateway).is_none() {
        return Ok(false);
    }
    Ok(
        store::provider_accounts::for_provider(tx, merchant_id, gateway)
            .await?
            .is_some(),
    )
}

pub use super::idempotency::Idempotency;

struct Issue<'a> {
    order_id: i64,
    return_id: Option<i64>,
    amount: Money,
    method: Method,
    reason: &'a str,
}

/// Issues one refund, split over the order's payments. Runs inside the
/// caller's transaction; the order must be locked.
async fn issue(
    tx: &mut Tx,
    merchant: &Merchant,
    i: Issue<'_>,
    actor: &Actor,
    now: i64,
) -> AppResult<Vec<i64>> {
    let order = store::orders::load(tx, merchant.id, i.order_id)
        .await
        .or_not_found("order")?;
    if i.amount.currency != order.currency {
        return Err(AppError::Invalid(format!(
            "the order is in {}, not {}",
            order.currency, i.amount.currency
        )));
    }
    let slices = allocate(&order.payments, i.amount)?;
    let mut ids = Vec::with_capacity(slices.len());
    for slice in slices {
        let payment = order
            .payments
            .iter()
            .find(|p| p.id == slice.payment_id)
            .ok_or(AppError::NotFound("payment"))?;
        // A chargeback may already be paying the buyer back: refunding too
        // would pay twice. The merchant answers the dispute instead.
        if store::disputes::undecided_on(tx, payment.id).await? {
            return Err(AppError::Conflict(
                "the payment is under a dispute with the payment provider (a chargeback or \
                 provider claim); no refund can go out on it until the dispute is decided"
                    .into(),
            ));
        }
        // The database re-checks the balance: a concurrent refund that got there
        // first makes this one fail instead of overdrawing the payment.
        if !store::refunds::reserve(tx, payment.id, slice.amount.minor).await? {
            return Err(AppError::Conflict(
                "the payment's refundable balance changed; reload and try again".into(),
            ));
        }
        let gateway = match i.method {
            Method::OriginalPayment => {
                if !can_refund_through(tx, merchant.id, &payment.gateway).await? {
                    return Err(AppError::Conflict(format!(
                        "cannot refund through gateway '{}': connect its account \
                         (PUT /api/v1/payment-providers/{}) or refund manually or as store credit",
                        payment.gateway, payment.gateway
                    )));
                }
                payment.gateway.as_str()
            }
            Method::StoreCredit => "store_credit",
            Method::Manual => "manual",
        };
        // Only a gateway that sends money (the simulator, a provider) keeps
        // the refund pending until it answers.
        let settled_now = i.method != Method::OriginalPayment || gateway == "manual";
        let number = store::merchants::next_counter(tx, merchant.id, "credit_note").await?;
        let credit_note = format!("CN-{number:06}");
        let refund_id = store::refunds::insert(
            tx,
            &store::refunds::NewRefund {
                merchant_id: merchant.id,
                order_id: order.id,
                payment_id: payment.id,
                return_id: i.return_id,
                amount_minor: slice.amount.minor,
                currency: order.currency.as_str(),
                method: i.method.code(),
                reason: i.reason,
                status: if settled_now { "succeeded" } else { "pending" },
                gateway,
                credit_note: &credit_note,
                created_by: &actor.label(),
            },
            now,
        )
        .await?;
        let data = json!({
            "order_number": order.number, "refund_id": refund_id, "amount_minor": slice.amount.minor,
            "currency": order.currency, "method": i.method.code(), "payment_method": payment.method.code(),
            "credit_note": credit_note, "reason": i.reason, "gateway": gateway,
        });
        let kind = if settled_now {
            "refund.succeeded"
        } else {
            "refund.created"
        };
        let event = EventInput {
            order_id: Some(order.id),
            return_id: i.return_id,
            kind,
            actor: &actor.label(),
            data,
            buyer: Some((order.buyer_email.as_str(), order.locale.as_str())),
        };
        record(tx, merchant, event, now).await?;
        if !settled_now {
            store::jobs::enqueue(
                tx,
                "gateway_refund",
                &json!({ "refund_id": refund_id }),
                now,
                now,
            )
            .await?;
        }
        ids.push(refund_id);
    }
    Ok(ids)
}

/// A refund decided outside a return (a claim answer, a mediator's
/// decision), inside the caller's transaction with the order locked.
pub(crate) async fn refund_in(
    tx: &mut Tx,
    merchant: &Merchant,
    order_id: i64,
    amount: Money,
    reason: &str,
    actor: &Actor,
    now: i64,
) -> AppResult<Vec<i64>> {
    let order = store::orders::load(tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    // Through the gateway where Reso has an adapter; otherwise recorded as
    // paid by the shop itself, so the claim's answer never waits for one.
    let mut through_gateway = true;
    for p in &order.payments {
        through_gateway &= can_refund_through(tx, merchant.id, &p.gateway).await?;
    }
    let method = if through_gateway {
        Method::OriginalPayment
    } else {
        Method::Manual
    };
    let i = Issue {
        order_id,
        return_id: None,
        amount,
        method,
        reason,
    };
    issue(tx, merchant, i, actor, now).await
}

/// Refunds a return (inspected, or one whose goods the buyer keeps).
pub(crate) async fn refund_return_in(
    tx: &mut Tx,
    merchant: &Merchant,
    r: &mut ReturnRecord,
    method: Option<Method>,
    actor: &Actor,
    now: i64,
) -> AppResult<Vec<i64>> {
    if r.status != ReturnStatus::Inspected && !r.keep_goods {
        return Err(AppError::Conflict(format!(
            "a return can be refunded once inspected; this one is {}",
            r.status.code()
        )));
    }
    r.status = next_status(r.status, ReturnAction::IssueRefund)?;
    let quote = super::returns::quote(merchant, r)?;
    if quote.total.minor <= 0 {
        return Err(AppError::Conflict(
            "nothing to refund on this return".into(),
        ));
    }
    let method = method.unwrap_or(match RefundMethod::parse(&r.refund_method) {
        Some(RefundMethod::StoreCredit) => Method::StoreCredit,
        _ => Method::OriginalPayment,
    });
    let reason = if r.keep_goods {
        "refund without return"
    } else {
        "return"
    };
    let issue_ = Issue {
        order_id: r.order_id,
        return_id: Some(r.id),
        amount: quote.total,
        method,
        reason,
    };
    let ids = issue(tx, merchant, issue_, actor, now).await?;
    store::returns::save(tx, r, now).await?;
    settle_return_if_done(tx, merchant, r.id, now).await?;
    Ok(ids)
}

/// A return is refunded when all its refunds succeeded.
async fn settle_return_if_done(
    tx: &mut Tx,
    merchant: &Merchant,
    return_id: i64,
    now: i64,
) -> AppResult<()> {
    let mut r = store::returns::load(tx, merchant.id, return_id).await?;
    if r.status != ReturnStatus::Refunding {
        return Ok(());
    }
    let refunds = store::refunds::for_return(tx, return_id).await?;
    let live: Vec<&RefundRecord> = refunds.iter().filter(|f| f.status != "failed").collect();
    if live.is_empty() || live.iter().any(|f| f.status == "pending") {
        return Ok(());
    }
    r.status = next_status(r.status, ReturnAction::ConfirmRefund)?;
    store::returns::save(tx, &r, now).await?;
    let total: i64 = live.iter().map(|f| f.amount_minor).sum();
    let event = EventInput {
        order_id: Some(r.order_id),
        return_id: Some(r.id),
        kind: "return.refunded",
        actor: "system",
        data: json!({ "order_number": r.order_number, "rma": r.rma, "amount_minor": total, "currency": r.currency }),
        buyer: None,
    };
    record(tx, merchant, event, now).await?;
    Ok(())
}

pub struct Issued {
    pub refunds: Vec<RefundRecord>,
    /// False when this was a replay of an earlier request.
    pub created: bool,
}

async fn load_all(tx: &mut Tx, ids: &[i64]) -> AppResult<Vec<RefundRecord>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(store::refunds::load(tx, *id).await?);
    }
    Ok(out)
}

/// The refunds an earlier request with the same key issued.
async fn replayed(mut tx: Tx, ids: Vec<i64>) -> AppResult<Issued> {
    let refunds = load_all(&mut tx, &ids).await?;
    let replay = idempotency::replayed(tx, refunds).await?;
    Ok(Issued {
        refunds: replay.value,
        created: false,
    })
}

/// Staff refund an inspected return: the quoted amount, to the method the
/// return asked for unless staff choose another.
pub async fn refund_return(
    state: &AppState,
    merchant: &Merchant,
    return_id: i64,
    method: Option<Method>,
    key: Option<Idempotency<'_>>,
    actor: &Actor,
) -> AppResult<Issued> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let r = store::returns::load(&mut tx, merchant.id, return_id)
        .await
        .or_not_found("return")?;
    store::orders::lock(&mut tx, r.order_id, now).await?;
    if let Some(ids) = idempotency::replay(&mut tx, merchant.id, key.as_ref()).await? {
        return replayed(tx, ids).await;
    }
    let mut r = store::returns::load(&mut tx, merchant.id, return_id).await?;
    let ids = refund_return_in(&mut tx, merchant, &mut r, method, actor, now).await?;
    idempotency::remember(&mut tx, merchant.id, key.as_ref(), 201, &ids, now).await?;
    let refunds = load_all(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(Issued {
        refunds,
        created: true,
    })
}

/// A refund without a return: goodwill for an unhappy buyer, a price
/// adjustment, a lost parcel. Same path, same limits.
#[expect(
    clippy::too_many_arguments,
    reason = "each is a distinct fact of the request; a struct would only rename them"
)]
pub async fn refund_goodwill(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
    amount_minor: i64,
    method: Method,
    reason: &str,
    key: Option<Idempotency<'_>>,
    actor: &Actor,
) -> AppResult<Issued> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::Invalid(
            "a goodwill refund needs a reason (up to 500 characters)".into(),
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    store::orders::lock(&mut tx, order_id, now)
        .await
        .or_not_found("order")?;
    if let Some(ids) = idempotency::replay(&mut tx, merchant.id, key.as_ref()).await? {
        return replayed(tx, ids).await;
    }
    let order = store::orders::load(&mut tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    let issue_ = Issue {
        order_id,
        return_id: None,
        amount: Money::new(amount_minor, order.currency),
        method,
        reason,
    };
    let ids = issue(&mut tx, merchant, issue_, actor, now).await?;
    idempotency::remember(&mut tx, merchant.id, key.as_ref(), 201, &ids, now).await?;
    let refunds = load_all(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(Issued {
        refunds,
        created: true,
    })
}

/// The gateway's final word on a pending refund. Repeated or late answers
/// change nothing twice.
pub async fn settle(
    state: &AppState,
    refund_id: i64,
    outcome: Result<String, String>,
) -> AppResult<()> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    settle_in(&mut tx, refund_id, outcome, now).await?;
    tx.commit().await?;
    Ok(())
}

/// `settle` inside the caller's transaction (the worker's answer, or a
/// provider's notification); false when the refund was no longer pending.
pub(crate) async fn settle_in(
    tx: &mut Tx,
    refund_id: i64,
    outcome: Result<String, String>,
    now: i64,
) -> AppResult<bool> {
    let refund = store::refunds::load(tx, refund_id)
        .await
        .or_not_found("refund")?;
    store::orders::lock(tx, refund.order_id, now).await?;
    let merchant = store::merchants::by_id(tx, refund.merchant_id).await?;
    let order = store::orders::load(tx, merchant.id, refund.order_id).await?;
    let (status, gateway_id, failure) = match &outcome {
        Ok(id) => ("succeeded", Some(id.as_str()), None),
        Err(why) => ("failed", None, Some(why.as_str())),
    };
    if !store::refunds::settle(tx, refund_id, status, gateway_id, failure, now).await? {
        return Ok(false);
    }
    let mut data = json!({
        "order_number": order.number, "refund_id": refund_id, "amount_minor": refund.amount_minor,
        "currency": refund.currency, "method": refund.method, "credit_note": refund.credit_note,
        "gateway": refund.gateway, "gateway_refund_id": gateway_id,
        "payment_method": order.payments.iter().find(|p| p.id == refund.payment_id).map(|p| p.method.code()),
    });
    if let Err(why) = &outcome {
        // The money was not sent: it is owed again.
        store::refunds::release(tx, refund.payment_id, refund.amount_minor).await?;
        data["failure"] = json!(why);
        if let Some(return_id) = refund.return_id {
            let mut r = store::returns::load(tx, merchant.id, return_id).await?;
            if r.status == ReturnStatus::Refunding {
                r.status = next_status(r.status, ReturnAction::RefundFailed)?;
                store::returns::save(tx, &r, now).await?;
            }
        }
    }
    let kind = if outcome.is_ok() {
        "refund.succeeded"
    } else {
        "refund.failed"
    };
    let event = EventInput {
        order_id: Some(order.id),
        return_id: refund.return_id,
        kind,
        actor: &format!("gateway:{}", refund.gateway),
        data,
        buyer: Some((order.buyer_email.as_str(), order.locale.as_str())),
    };
    record(tx, &merchant, event, now).await?;
    if let Some(return_id) = refund.return_id {
        settle_return_if_done(tx, &merchant, return_id, now).await?;
    }
    Ok(true)
}

/// A refund that had succeeded and that its provider took back later: the
/// money is owed to the buyer again, and the shop is told (`refund.reversed`
/// is mailed to its support address unless someone subscribed to it).
/// False when the refund had not succeeded (late or repeated news).
pub(crate) async fn reverse_in(
    tx: &mut Tx,
    refund_id: i64,
    reason: &str,
    now: i64,
) -> AppResult<bool> {
    let refund = store::refunds::load(tx, refund_id)
        .await
        .or_not_found("refund")?;
    store::orders::lock(tx, refund.order_id, now).await?;
    if !store::refunds::reverse(tx, refund_id, reason, now).await? {
        return Ok(false);
    }
    store::refunds::release(tx, refund.payment_id, refund.amount_minor).await?;
    let merchant = store::merchants::by_id(tx, refund.merchant_id).await?;
    let order = store::orders::load(tx, merchant.id, refund.order_id).await?;
    let data = json!({
        "order_number": order.number, "refund_id": refund_id, "amount_minor": refund.amount_minor,
        "currency": refund.currency, "method": refund.method, "credit_note": refund.credit_note,
        "gateway": refund.gateway, "gateway_refund_id": refund.gateway_refund_id, "failure": reason,
    });
    let event = EventInput {
        order_id: Some(order.id),
        return_id: refund.return_id,
        kind: "refund.reversed",
        actor: &format!("gateway:{}", refund.gateway),
        data,
        buyer: None,
    };
    record(tx, &merchant, event, now).await?;
    Ok(true)
}

/// Moves a refund forward to what its provider says (a notification, or
/// reconciliation); false when it had moved already.
pub(crate) async fn catch_up_in(
    tx: &mut Tx,
    refund_id: i64,
    step: &CatchUp,
    now: i64,
) -> AppResult<bool> {
    match step {
        CatchUp::Succeed { gateway_refund_id } => {
            settle_in(tx, refund_id, Ok(gateway_refund_id.clone()), now).await
        }
        CatchUp::Fail { reason } => settle_in(tx, refund_id, Err(reason.clone()), now).await,
        CatchUp::Reverse { reason } => reverse_in(tx, refund_id, reason, now).await,
    }
}

pub async fn for_order(state: &AppState, order_id: i64) -> AppResult<Vec<RefundRecord>> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(store::refunds::for_order(&mut conn, order_id).await?)
}
