//! Orders in: shops push orders, payments and shipments; the same order number
//! sent again updates the order instead of duplicating it.

use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::{Actor, AppError, AppResult};
use crate::store::{self, merchants::Merchant};
use crate::AppState;
use reso_domain::order::NewOrder;
use reso_domain::Order;
use serde_json::json;

pub struct Upserted {
    pub order: Order,
    pub created: bool,
}

/// Creates the order, or brings a known one up to date. Lines and payments are
/// matched by SKU and gateway reference; nothing is ever deleted, because an
/// order is evidence in later disputes.
pub async fn upsert(
    state: &AppState,
    merchant: &Merchant,
    input: &NewOrder,
    actor: &Actor,
) -> AppResult<Upserted> {
    upsert_protected(state, merchant, input, None, actor).await
}

/// Like `upsert`, with buyer protection asked for (or not) at intake; `None`
/// follows the merchant's "protect every order" setting for new orders.
pub async fn upsert_protected(
    state: &AppState,
    merchant: &Merchant,
    input: &NewOrder,
    protected: Option<bool>,
    actor: &Actor,
) -> AppResult<Upserted> {
    input.validate()?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let existing = store::orders::id_by_number(&mut tx, merchant.id, &input.number).await?;
    let Some(order_id) = existing else {
        let header = store::orders::OrderHeader {
            merchant_id: merchant.id,
            number: &input.number,
            buyer_email: &input.buyer_email,
            buyer_name: &input.buyer_name,
            locale: &input.locale,
            currency: input.currency,
            placed_at: input.placed_at,
        };
        let order_id = match store::orders::insert_header(&mut tx, &header, now).await {
            Ok(id) => id,
            // Another request created it a moment ago: let the caller retry as an update.
            Err(store::StoreError::Sql(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                return Err(AppError::Conflict(
                    "this order is being created by another request; retry".into(),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        for line in &input.lines {
            store::orders::insert_line(&mut tx, order_id, line).await?;
        }
        for p in &input.payments {
            store::orders::insert_payment(&mut tx, order_id, input.currency, p).await?;
        }
        for s in &input.shipments {
            store::orders::upsert_shipment(&mut tx, order_id, s).await?;
        }
        let event = EventInput {
            order_id: Some(order_id),
            return_id: None,
            kind: "order.created",
            actor: &actor.label(),
            data: json!({ "order_number": input.number }),
            buyer: None,
        };
        record(&mut tx, merchant, event, now).await?;
        if protected.unwrap_or(merchant.protection.protect_all_orders) {
            super::claims::protect_in(
                &mut tx,
                merchant,
                order_id,
                input.placed_at,
                &actor.label(),
                now,
            )
            .await?;
        }
        let order = store::orders::load(&mut tx, merchant.id, order_id).await?;
        tx.commit().await?;
        return Ok(Upserted {
            order,
            created: true,
        });
    };

    store::orders::lock(&mut tx, order_id, now).await?;
    let before = store::orders::load(&mut tx, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    if before.currency != input.currency {
        return Err(AppError::Conflict(format!(
            "order {} is in {}; its currency cannot change",
            before.number, before.currency
        )));
    }
    let mut changes = Vec::new();
    if before.buyer_email != input.buyer_email
        || before.buyer_name != input.buyer_name
        || before.locale != input.locale
    {
        store::orders::update_buyer(
            &mut tx,
            order_id,
            &input.buyer_email,
            &input.buyer_name,
            &input.locale,
        )
        .await?;
        changes.push("buyer".to_string());
    }
    let held = store::returns::held_quantities(&mut tx, order_id).await?;
    for line in &input.lines {
        match before.lines.iter().find(|l| l.sku == line.sku) {
            None => {
                store::orders::insert_line(&mut tx, order_id, line).await?;
                changes.push(format!("line {} added", line.sku));
            }
            Some(old) => {
                let same = old.title == line.title
                    && old.quantity == line.quantity
                    && old.unit_price.minor == line.unit_price_minor
                    && old.returnable == line.returnable;
                if same {
                    continue;
                }
                let in_returns = held.get(&old.id).copied().unwrap_or(0);
                if line.quantity < in_returns
                    || (old.unit_price.minor != line.unit_price_minor && in_returns > 0)
                {
                    return Err(AppError::Conflict(format!(
                        "line {} is part of a return; its quantity cannot drop below {in_returns} nor its price change",
                        line.sku
                    )));
                }
                store::orders::update_line(&mut tx, old.id, line).await?;
                changes.push(format!("line {} updated", line.sku));
            }
        }
    }
    for p in &input.payments {
        match before.payments.iter().find(|q| q.reference == p.reference) {
            None => {
                store::orders::insert_payment(&mut tx, order_id, input.currency, p).await?;
                changes.push(format!("payment {} added", p.reference));
            }
            Some(old)
                if old.captured.minor != p.captured_minor
                    || old.method != p.method
                    || old.gateway != p.gateway =>
            {
                if p.captured_minor < old.refunded.minor {
                    return Err(AppError::Conflict(format!(
                        "payment {} has {} refunded; the captured amount cannot be lower",
                        p.reference, old.refunded
                    )));
                }
                store::orders::update_payment(&mut tx, old.id, p).await?;
                changes.push(format!("payment {} updated", p.reference));
            }
            Some(_) => {}
        }
    }
    for s in &input.shipments {
        let unchanged = before.shipments.iter().any(|o| {
            o.tracking_number == s.tracking_number
                && o.carrier == s.carrier
                && o.shipped_at == s.shipped_at
                && o.delivered_at == s.delivered_at
        });
        if !unchanged {
            store::orders::upsert_shipment(&mut tx, order_id, s).await?;
            changes.push(format!("shipment {}", s.tracking_number));
        }
    }
    if protected == Some(true) {
        super::claims::protect_in(
            &mut tx,
            merchant,
            order_id,
            before.placed_at,
            &actor.label(),
            now,
        )
        .await?;
    }
    if !changes.is_empty() {
        let event = EventInput {
            order_id: Some(order_id),
            return_id: None,
            kind: "order.updated",
            actor: &actor.label(),
            data: json!({ "order_number": input.number, "changes": changes }),
            buyer: None,
        };
        record(&mut tx, merchant, event, now).await?;
    }
    let order = store::orders::load(&mut tx, merchant.id, order_id).await?;
    tx.commit().await?;
    Ok(Upserted {
        order,
        created: false,
    })
}

/// The lines of an order named by its number, to resolve a request's SKUs.
pub async fn lines_by_number(
    state: &AppState,
    merchant_id: i64,
    number: &str,
) -> AppResult<store::orders::OrderLines> {
    let mut conn = state.db.reader().acquire().await?;
    store::orders::lines_by_number(&mut conn, merchant_id, number)
        .await?
        .ok_or(AppError::NotFound("order"))
}

pub async fn by_number(state: &AppState, merchant_id: i64, number: &str) -> AppResult<Order> {
    let mut conn = state.db.reader().acquire().await?;
    let id = store::orders::id_by_number(&mut conn, merchant_id, number)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    store::orders::load(&mut conn, merchant_id, id)
        .await
        .or_not_found("order")
}

pub async fn by_id(state: &AppState, merchant_id: i64, order_id: i64) -> AppResult<Order> {
    let mut conn = state.db.reader().acquire().await?;
    store::orders::load(&mut conn, merchant_id, order_id)
        .await
        .or_not_found("order")
}
