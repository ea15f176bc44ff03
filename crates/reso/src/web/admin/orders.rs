//! An order as evidence: buyer, lines, payments and what is still refundable,
//! shipments, its returns and refunds, the timeline, and a goodwill refund.

use super::money::{format_major, parse_major};
use super::return_actions::{already_answered, valid_token};
use super::session::{Staff, StaffForm};
use super::timeline::{EventView, RefundView};
use super::{db_error, Nav};
use crate::app::refunds::{Idempotency, Method};
use crate::app::{self, AppError};
use crate::web::shared::filters::datetime_of;
use crate::web::shared::{render_status, PageError, PageResult};
use crate::{store, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use reso_domain::Order;
use serde::Deserialize;

pub struct PaymentView {
    pub method: &'static str,
    pub gateway: String,
    pub reference: String,
    pub captured: String,
    pub refunded: String,
    pub refundable: String,
}

pub struct ShipmentView {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
}

pub struct ReturnRow {
    pub id: i64,
    pub rma: Option<String>,
    pub status: &'static str,
    pub created_at: String,
}

/// What staff typed into the goodwill form, shown again after an error.
#[derive(Deserialize, Default)]
pub struct GoodwillForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "admin/order.html")]
struct OrderPage {
    lang: &'static str,
    nav: Nav,
    order: Order,
    placed_at: String,
    goods_total: String,
    captured_total: String,
    refunded_total: String,
    refundable_total: String,
    payments: Vec<PaymentView>,
    shipments: Vec<ShipmentView>,
    returns: Vec<ReturnRow>,
    refunds: Vec<RefundView>,
    events: Vec<EventView>,
    /// The amount field's decimals, for its hint ("12.50").
    example_amount: String,
    goodwill: GoodwillForm,
    error: Option<String>,
}

async fn build(
    state: &AppState,
    staff: &Staff,
    order_id: i64,
    goodwill: GoodwillForm,
    error: Option<String>,
) -> Result<OrderPage, PageError> {
    let merchant_id = staff.merchant.id;
    let order = app::orders::by_id(state, merchant_id, order_id).await?;
    let mut conn = state.db.reader().acquire().await.map_err(db_error)?;
    let mut returns = Vec::new();
    for id in store::returns::ids_for_order(&mut conn, order.id)
        .await
        .map_err(db_error)?
    {
        let r = store::returns::load(&mut conn, merchant_id, id)
            .await
            .map_err(db_error)?;
        returns.push(ReturnRow {
            id: r.id,
            rma: r.rma,
            status: r.status.code(),
            created_at: datetime_of(r.created_at),
        });
    }
    let refunds = store::refunds::for_order(&mut conn, order.id)
        .await
        .map_err(db_error)?;
    let events = store::events::for_order(&mut conn, order.id)
        .await
        .map_err(db_error)?;
    drop(conn);
    let currency = order.currency;
    let refundable_minor: i64 = order.payments.iter().map(|p| p.refundable().minor).sum();
    let goodwill = GoodwillForm {
        token: app::auth::random_token(18),
        ..goodwill
    };
    Ok(OrderPage {
        lang: "en",
        nav: staff.nav(),
        placed_at: datetime_of(order.placed_at.millis()),
        goods_total: order.goods_total().to_string(),
        captured_total: order.captured_total().to_string(),
        refunded_total: order.refunded_total().to_string(),
        refundable_total: reso_domain::Money::new(refundable_minor, currency).to_string(),
        payments: order
            .payments
            .iter()
            .map(|p| PaymentView {
                method: p.method.code(),
                gateway: p.gateway.clone(),
                reference: p.reference.clone(),
                captured: p.captured.to_string(),
                refunded: p.refunded.to_string(),
                refundable: p.refundable().to_string(),
            })
            .collect(),
        shipments: order
            .shipments
            .iter()
            .map(|s| ShipmentView {
                carrier: s.carrier.clone(),
                tracking_number: s.tracking_number.clone(),
                shipped_at: s.shipped_at.map(|t| datetime_of(t.millis())),
                delivered_at: s.delivered_at.map(|t| datetime_of(t.millis())),
            })
            .collect(),
        returns,
        refunds: refunds.iter().map(RefundView::from_record).collect(),
        events: events.iter().map(EventView::from_record).collect(),
        example_amount: format_major(1250, currency),
        goodwill,
        error,
        order,
    })
}

pub async fn show(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> PageResult {
    let page = build(&state, &staff, id, GoodwillForm::default(), None).await?;
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn goodwill(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: StaffForm<GoodwillForm>,
) -> Response {
    let StaffForm { staff, form } = f;
    let done = issue(&state, &staff, id, &form).await;
    match done {
        Ok(()) => Redirect::to(&format!("/admin/orders/{id}")).into_response(),
        Err(e) => {
            let shown = PageError::from(e);
            if shown.status == StatusCode::NOT_FOUND || shown.status.is_server_error() {
                return shown.into_response();
            }
            // Keep what was typed, but a fresh token: the failed attempt issued nothing.
            let again = GoodwillForm {
                token: String::new(),
                ..form
            };
            match build(&state, &staff, id, again, Some(shown.message.clone())).await {
                Ok(page) => render_status(shown.status, &page),
                Err(e) => e.into_response(),
            }
        }
    }
}

async fn issue(
    state: &AppState,
    staff: &Staff,
    order_id: i64,
    form: &GoodwillForm,
) -> Result<(), AppError> {
    let order = app::orders::by_id(state, staff.merchant.id, order_id).await?;
    let amount_minor = parse_major(&form.amount, order.currency)
        .map_err(|e| AppError::Invalid(format!("amount: {e}")))?;
    let method = Method::parse(&form.method)
        .ok_or_else(|| AppError::Invalid("choose how the money goes back".into()))?;
    if !valid_token(&form.token) {
        return Err(AppError::Invalid(
            "this refund form is damaged; reload the page".into(),
        ));
    }
    let key = format!("web:goodwill:{order_id}:{}", form.token);
    let request_hash = app::auth::token_hash(&format!(
        "goodwill\n{order_id}\n{amount_minor}\n{}\n{}",
        method.code(),
        form.reason.trim()
    ));
    let idempotency = Idempotency {
        key: &key,
        request_hash,
    };
    let actor = staff.actor();
    match app::refunds::refund_goodwill(
        state,
        &staff.merchant,
        order_id,
        amount_minor,
        method,
        &form.reason,
        Some(idempotency),
        &actor,
    )
    .await
    {
        Ok(_) => Ok(()),
        // The twin of a double click got there first: its refund is the one.
        Err(AppError::Conflict(_)) if already_answered(state, staff.merchant.id, &key).await => {
            Ok(())
        }
        Err(e) => Err(e),
    }
}
