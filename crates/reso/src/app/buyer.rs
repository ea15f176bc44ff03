//! What a buyer may do and see without a password: ask for a magic link by
//! order number and e-mail, then read one order and its returns through it.

use super::auth::{self, BuyerAccess, MAGIC_LINK_MS};
use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::{AppError, AppResult};
use crate::store::{
    self, events::EventRecord, merchants::Merchant, refunds::RefundRecord, returns::ReturnRecord,
};
use crate::AppState;
use reso_domain::photo::{check_photos, PhotoError};
use reso_domain::returns::{check_request, RequestedLine};
use reso_domain::{Order, OrderLine, ReturnError, Timestamp};
use serde_json::json;
use std::collections::HashMap;

/// Links one order may ask for per hour: enough for a lost mail, too few to
/// flood a buyer's mailbox.
const LINKS_PER_HOUR: usize = 5;
const HOUR_MS: i64 = 3600 * 1000;

pub struct LinkSent {
    pub expires_at: i64,
}

/// Mails the buyer a signed link to their order. An unknown order number and
/// a wrong e-mail are the same `NotFound`, so the answer does not tell which
/// orders exist.
pub async fn request_link(
    state: &AppState,
    merchant: &Merchant,
    order_number: &str,
    email: &str,
) -> AppResult<LinkSent> {
    let (order_number, email) = (order_number.trim(), email.trim().to_lowercase());
    if order_number.is_empty() || email.is_empty() {
        return Err(AppError::Invalid(
            "enter your order number and e-mail address".into(),
        ));
    }
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let order_id = store::orders::id_by_number(&mut tx, merchant.id, order_number)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    let order = store::orders::load(&mut tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    if order.buyer_email.as_str() != email {
        return Err(AppError::NotFound("order"));
    }
    let recent = store::events::for_order(&mut tx, order_id)
        .await?
        .iter()
        .filter(|e| e.kind == "buyer.link_requested" && e.at > now - HOUR_MS)
        .count();
    if recent >= LINKS_PER_HOUR {
        return Err(AppError::RateLimited);
    }
    let expires_at = now + MAGIC_LINK_MS;
    let access = BuyerAccess {
        merchant_id: merchant.id,
        order_id,
        email: order.buyer_email.as_str().to_string(),
    };
    let token = auth::sign_buyer_link(state, &access, expires_at);
    let link = format!(
        "{}/s/{}/o/{}",
        state.config.public_url.trim_end_matches('/'),
        merchant.slug,
        token
    );
    let event = EventInput {
        order_id: Some(order_id),
        return_id: None,
        kind: "buyer.link_requested",
        actor: &format!("buyer:{email}"),
        data: json!({ "link": link, "expires_at": expires_at, "order_number": order.number }),
        buyer: Some((order.buyer_email.as_str(), order.locale.as_str())),
    };
    record(&mut tx, merchant, event, now).await?;
    tx.commit().await?;
    Ok(LinkSent { expires_at })
}

/// Why a line cannot be chosen for a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// Flagged by the shop at intake, or excluded by the policy.
    NotReturnable,
    /// Every unit is already in a return.
    AllInReturns,
    /// The return window has passed.
    WindowClosed,
}

pub struct BuyerLine {
    pub line: OrderLine,
    /// Units still returnable (bought minus those held by ongoing returns).
    pub left: i64,
    pub blocked: Option<Blocked>,
}

pub struct BuyerOrder {
    pub order: Order,
    pub lines: Vec<BuyerLine>,
    /// Newest first.
    pub returns: Vec<ReturnRecord>,
    /// The last day a return can be asked for, when the order was delivered.
    pub window_ends: Option<i64>,
    /// False once the return window has passed.
    pub window_open: bool,
    /// Units of each line held by ongoing returns.
    pub held: HashMap<i64, i64>,
}

impl BuyerOrder {
    pub fn can_return_something(&self) -> bool {
        self.lines.iter().any(|l| l.blocked.is_none())
    }
}

/// The order a link opens, with what can still be returned. The link must be
/// for this shop and the order must still belong to the e-mail it was sent to.
pub async fn order(
    state: &AppState,
    merchant: &Merchant,
    access: &BuyerAccess,
) -> AppResult<BuyerOrder> {
    let mut conn = state.db.reader().acquire().await?;
    let order = load_order(&mut conn, merchant, access).await?;
    let held = store::returns::held_quantities(&mut conn, order.id).await?;
    let now = Timestamp(state.now());
    let window_ends = order
        .delivered_at()
        .map(|d| d.plus_days(i64::from(merchant.policy.window_days)).millis());
    let window_open = window_ends.is_none_or(|end| now.millis() <= end);
    let lines = order
        .lines
        .iter()
        .map(|l| {
            let left = (l.quantity - held.get(&l.id).copied().unwrap_or(0)).max(0);
            let blocked = if !l.returnable || merchant.policy.excludes_sku(&l.sku) {
                Some(Blocked::NotReturnable)
            } else if left == 0 {
                Some(Blocked::AllInReturns)
            } else if !window_open {
                Some(Blocked::WindowClosed)
            } else {
                None
            };
            BuyerLine {
                line: l.clone(),
                left,
                blocked,
            }
        })
        .collect();
    let mut returns = Vec::new();
    for id in store::returns::ids_for_order(&mut conn, order.id)
        .await?
        .into_iter()
        .rev()
    {
        returns.push(store::returns::load(&mut conn, merchant.id, id).await?);
    }
    Ok(BuyerOrder {
        order,
        lines,
        returns,
        window_ends,
        window_open,
        held,
    })
}

async fn load_order(
    conn: &mut sqlx::AnyConnection,
    merchant: &Merchant,
    access: &BuyerAccess,
) -> AppResult<Order> {
    if access.merchant_id != merchant.id {
        return Err(AppError::NotFound("order"));
    }
    let order = store::orders::load(conn, merchant.id, access.order_id)
        .await
        .or_not_found("order")?;
    if order.buyer_email.as_str() != access.email {
        // The shop changed the buyer's address since the link was sent.
        return Err(AppError::Forbidden(
            "this link was sent to another e-mail address; ask for a new one".into(),
        ));
    }
    Ok(order)
}

/// A return as its buyer sees it.
pub struct BuyerReturn {
    pub ret: ReturnRecord,
    pub order: Order,
    pub events: Vec<EventRecord>,
    pub refunds: Vec<RefundRecord>,
}

/// One return of the link's order; a return of any other order is `NotFound`.
pub async fn return_of(
    state: &AppState,
    merchant: &Merchant,
    access: &BuyerAccess,
    return_id: i64,
) -> AppResult<BuyerReturn> {
    let mut conn = state.db.reader().acquire().await?;
    let order = load_order(&mut conn, merchant, access).await?;
    let ret = store::returns::load(&mut conn, merchant.id, return_id)
        .await
        .or_not_found("return")?;
    if ret.order_id != order.id {
        return Err(AppError::NotFound("return"));
    }
    let events = store::events::for_return(&mut conn, return_id).await?;
    let refunds = store::refunds::for_return(&mut conn, return_id).await?;
    Ok(BuyerReturn {
        ret,
        order,
        events,
        refunds,
    })
}

/// A mistake in a return request, typed so that pages can explain it in the
/// buyer's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestMistake {
    Lines(ReturnError),
    Photos(PhotoError),
}

/// The domain's checks of a return request against what the page showed,
/// before anything is written. `app::returns::request` checks again under
/// the order's lock, so this is for the message only, never the guarantee.
pub fn precheck(
    view: &BuyerOrder,
    merchant: &Merchant,
    lines: &[RequestedLine],
    photos: &[&[u8]],
    now: i64,
) -> Result<(), RequestMistake> {
    check_request(
        &view.order,
        &merchant.policy,
        &view.held,
        lines,
        Timestamp(now),
    )
    .map_err(RequestMistake::Lines)?;
    check_photos(photos, 0).map_err(RequestMistake::Photos)?;
    Ok(())
}
