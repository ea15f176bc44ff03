//! What payment providers tell Reso on their own (webhooks): checked by the
//! provider's signature, then applied in one transaction with the record of
//! each notification's id, so a repeated delivery changes nothing twice.
//! Refund news moves Reso's refund forward only (pending → succeeded or
//! failed, succeeded → reversed); late and out-of-order news changes nothing.

use super::disputes;
use super::events::{record, EventInput};
use super::payment_providers::{open, OpenError};
use super::refunds::{catch_up_in, settle_in};
use super::{AppError, AppResult};
use crate::gateways::notification::{
    DisputeNews, ProviderNotification, RefundNews, RefundState, Rejection, Subject,
};
use crate::gateways::providers::ProviderAccount;
use crate::gateways::reconciliation::{catch_up, ResoStatus};
use crate::gateways::{self, RefundRequest, Unverified, VerifyNotification};
use crate::store::disputes::StoredDispute;
use crate::store::{self, merchants::Merchant, StoreError, Tx};
use crate::AppState;
use axum::http::HeaderMap;
use reso_domain::dispute::{Dispute, DisputeReport};
use reso_domain::Timestamp;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum IngressError {
    #[error("no payment provider account with this id")]
    UnknownAccount,
    #[error("Reso reads no {0} notifications")]
    Unreadable(&'static str),
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The provider could not confirm the signature now: it delivers again.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for IngressError {
    fn from(e: StoreError) -> Self {
        IngressError::App(e.into())
    }
}

/// What came of a delivery.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Received {
    /// Notifications applied now.
    pub applied: usize,
    /// Notifications seen before (a repeated delivery).
    pub repeated: usize,
}

/// A provider's delivery to the account's webhook URL: verified by the
/// account's provider, then applied.
pub async fn receive(
    state: &AppState,
    account_id: i64,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Received, IngressError> {
    let account = account(state, account_id).await?;
    let notifications =
        gateways::verify_notification(&account, headers, body, Timestamp(state.now()))
            .await
            .map_err(|e| match e {
                Unverified::Rejected(why) => IngressError::Rejected(why),
                Unverified::Unavailable(why) => IngressError::Unavailable(why),
                Unverified::Unreadable(provider) => IngressError::Unreadable(provider),
            });
    apply_verified(state, &account, notifications).await
}

/// `receive` with the signature check given (the provider's own, or a fake
/// one in tests).
pub async fn receive_with(
    state: &AppState,
    account_id: i64,
    verify: VerifyNotification,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Received, IngressError> {
    let account = account(state, account_id).await?;
    let notifications =
        verify(&account, headers, body, Timestamp(state.now())).map_err(IngressError::Rejected);
    apply_verified(state, &account, notifications).await
}

async fn account(state: &AppState, account_id: i64) -> Result<ProviderAccount, IngressError> {
    let mut conn = state
        .db
        .reader()
        .acquire()
        .await
        .map_err(StoreError::from)?;
    let stored = match store::provider_accounts::by_id(&mut conn, account_id).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Err(IngressError::UnknownAccount),
        Err(e) => return Err(e.into()),
    };
    // The server's own trouble (no key, another key): a 5xx, so the
    // provider delivers again once it is mended.
    open(state.sealing_key.as_deref(), &stored).map_err(|e: OpenError| {
        IngressError::App(AppError::Internal(anyhow::anyhow!(
            "provider account {account_id}: {e}"
        )))
    })
}

/// Applies what the provider's check made of a delivery; a refusal is logged.
async fn apply_verified(
    state: &AppState,
    account: &ProviderAccount,
    notifications: Result<Vec<ProviderNotification>, IngressError>,
) -> Result<Received, IngressError> {
    let now = state.now();
    let notifications = notifications.inspect_err(|why| {
        tracing::warn!(account = account.id, provider = account.provider.code(), %why, "provider notification refused");
    })?;
    let mut tx = state.db.begin().await?;
    let merchant = store::merchants::by_id(&mut tx, account.merchant_id).await?;
    let mut received = Received::default();
    for n in &notifications {
        let first = store::provider_notifications::record(
            &mut tx,
            account.id,
            &n.notification_id,
            n.occurred_at.millis(),
            now,
        )
        .await?;
        if !first {
            received.repeated += 1;
            continue;
        }
        apply(&mut tx, account, &merchant, n, now).await?;
        received.applied += 1;
    }
    tx.commit().await?;
    Ok(received)
}

async fn apply(
    tx: &mut Tx,
    account: &ProviderAccount,
    merchant: &Merchant,
    n: &ProviderNotification,
    now: i64,
) -> AppResult<()> {
    match &n.subject {
        Subject::Refund(news) => apply_refund(tx, account, merchant, n, news, now).await,
        Subject::Dispute(news) => record_dispute(tx, account, merchant, n, news, now).await,
    }
}

async fn apply_refund(
    tx: &mut Tx,
    account: &ProviderAccount,
    merchant: &Merchant,
    n: &ProviderNotification,
    news: &RefundNews,
    now: i64,
) -> AppResult<()> {
    let gateway = account.provider.code();
    let reso_id = news
        .reso_reference
        .as_deref()
        .and_then(RefundRequest::refund_id_from);
    let Some(refund) = store::refunds::for_provider_news(
        tx,
        merchant.id,
        gateway,
        &news.gateway_refund_id,
        reso_id,
    )
    .await?
    else {
        return record_unknown_refund(tx, account, merchant, n, news, now).await;
    };
    let Some(status) = ResoStatus::parse(&refund.status) else {
        return Ok(());
    };
    if (&news.state, status) == (&RefundState::Pending, ResoStatus::Pending) {
        let id = &news.gateway_refund_id;
        store::refunds::note_gateway_id(tx, refund.id, id, now).await?;
    }
    // Forward only: echoes of what Reso knows and older news change nothing.
    if let Some(step) = catch_up(status, news, gateway) {
        catch_up_in(tx, refund.id, &step, now).await?;
    }
    Ok(())
}

/// The order a provider's payment reference belongs to, if Reso has it.
async fn order_of(
    tx: &mut Tx,
    merchant_id: i64,
    gateway: &str,
    payment_reference: &str,
) -> AppResult<Option<(i64, String)>> {
    Ok(
        store::provider_notifications::order_of_payment(
            tx,
            merchant_id,
            gateway,
            payment_reference,
        )
        .await?,
    )
}

/// A refund made outside Reso (in the provider's dashboard): kept as an
/// event on its order until reconciliation imports such refunds.
async fn record_unknown_refund(
    tx: &mut Tx,
    account: &ProviderAccount,
    merchant: &Merchant,
    n: &ProviderNotification,
    news: &RefundNews,
    now: i64,
) -> AppResult<()> {
    let gateway = account.provider.code();
    let order = order_of(tx, merchant.id, gateway, &news.payment_reference).await?;
    let state = match &news.state {
        RefundState::Pending => json!({ "state": "pending" }),
        RefundState::Succeeded => json!({ "state": "succeeded" }),
        RefundState::Failed { reason } => json!({ "state": "failed", "reason": reason }),
        RefundState::Reversed { reason } => json!({ "state": "reversed", "reason": reason }),
    };
    let data = json!({
        "gateway": gateway, "notification_id": n.notification_id, "occurred_at": n.occurred_at.millis(),
        "gateway_refund_id": news.gateway_refund_id, "payment_reference": news.payment_reference,
        "reso_reference": news.reso_reference, "amount_minor": news.amount.minor,
        "currency": news.amount.currency.as_str(), "refund": state,
        "order_number": order.as_ref().map(|(_, number)| number),
    });
    record_news(tx, merchant, gateway, order, "refund.unmatched", data, now).await
}

/// A dispute's news: the dispute is opened or moved forward (repeated, late
/// and backward news changes nothing), and what changed goes on the order's
/// timeline. While it is undecided, no refund goes out on its payment.
/// On a known order it is a claim the merchant answers (see `disputes`).
async fn record_dispute(
    tx: &mut Tx,
    account: &ProviderAccount,
    merchant: &Merchant,
    n: &ProviderNotification,
    news: &DisputeNews,
    now: i64,
) -> AppResult<()> {
    let report = DisputeReport {
        stage: news.stage,
        state: news.state,
        amount: news.amount,
        reason_code: news.reason_code.clone(),
        respond_by: news.respond_by,
        at: n.occurred_at,
    };
    let gateway = account.provider.code();
    let stored = match store::disputes::find(tx, account.id, &news.dispute_id).await? {
        Some(mut stored) => {
            if !stored.dispute.apply(report) {
                return Ok(());
            }
            store::disputes::save(tx, stored.id, &stored.dispute, now).await?;
            stored
        }
        None => {
            let payment_id =
                store::disputes::payment_of(tx, merchant.id, gateway, &news.payment_reference)
                    .await?;
            let new = store::disputes::NewDispute {
                merchant_id: merchant.id,
                account_id: account.id,
                dispute_id: &news.dispute_id,
                payment_id,
            };
            let dispute = Dispute::open(report);
            let id = store::disputes::insert(tx, &new, &dispute, now).await?;
            StoredDispute {
                id,
                account_id: account.id,
                provider: gateway.to_string(),
                dispute_id: news.dispute_id.clone(),
                payment_id,
                claim_id: None,
                dispute,
                statement: None,
                refund_refusal: None,
            }
        }
    };
    if let Some(payment_id) = stored.payment_id {
        settle_payment(tx, stored.id, payment_id, &stored.dispute, now).await?;
    }
    let order = order_of(tx, merchant.id, gateway, &news.payment_reference).await?;
    let order_id = order.as_ref().map(|(id, _)| *id);
    disputes::follow(tx, merchant, &stored, order_id, gateway, now).await?;
    let data = json!({
        "gateway": gateway, "notification_id": n.notification_id, "occurred_at": n.occurred_at.millis(),
        "dispute_id": news.dispute_id, "payment_reference": news.payment_reference,
        "amount_minor": news.amount.minor, "currency": news.amount.currency.as_str(),
        "reason_code": news.reason_code, "stage": news.stage.code(),
        "state": news.state.code(), "respond_by": news.respond_by.map(Timestamp::millis),
        "order_number": order.as_ref().map(|(_, number)| number),
    });
    record_news(tx, merchant, gateway, order, "dispute.reported", data, now).await
}

/// What a decided dispute means for its payment. Lost: the buyer got the
/// money back through the chargeback, so it leaves the refundable balance and
/// refunds still waiting to be sent fail (they would pay a second time).
/// Reopened at a later stage or won: the money is the merchant's again.
async fn settle_payment(
    tx: &mut Tx,
    row: i64,
    payment_id: i64,
    dispute: &Dispute,
    now: i64,
) -> AppResult<()> {
    let paid_back = dispute.paid_to_buyer().map_or(0, |m| m.minor);
    if paid_back > 0 {
        for refund_id in store::disputes::unsent_refunds(tx, payment_id).await? {
            settle_in(
                tx,
                refund_id,
                Err("the buyer was paid back by the chargeback".into()),
                now,
            )
            .await?;
        }
    }
    store::disputes::draw(tx, row, payment_id, paid_back).await?;
    Ok(())
}

/// News from a provider that moved nothing yet, on the order's timeline
/// (or the shop's, when no order has that payment).
async fn record_news(
    tx: &mut Tx,
    merchant: &Merchant,
    gateway: &str,
    order: Option<(i64, String)>,
    kind: &str,
    data: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    let event = EventInput {
        order_id: order.map(|(id, _)| id),
        return_id: None,
        kind,
        actor: &format!("gateway:{gateway}"),
        data,
        buyer: None,
    };
    record(tx, merchant, event, now).await?;
    Ok(())
}
