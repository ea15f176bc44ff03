//! `GET /s/{slug}/help`: the shop's return policy and FAQ, written from its
//! policy settings and support contact, in the buyer's language.

use super::{labels, lang_links, shop, text, LangLink, LangQuery, Shop};
use crate::i18n::Tr;
use crate::web::shared::{page_locale, render, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use reso_domain::{Money, RefundMethod, RestockingFee, ReturnShipping};

#[derive(Template)]
#[template(path = "buyer/help.html")]
struct HelpPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    intro: String,
    window: String,
    excluded_skus: Vec<String>,
    fee: String,
    shipping: String,
    show_fault_note: bool,
    refund: String,
}

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let merchant = shop(&state, &slug, &q, &headers).await?;
    let lang = page_locale(q.lang.as_deref(), None, &headers, &merchant.default_locale);
    let tr = Tr::new(&state.i18n, lang);
    let policy = &merchant.policy;
    let money = |minor: i64| Money::new(minor, merchant.currency).to_string();
    let fee = match policy.restocking_fee {
        RestockingFee::None => tr.t("help-fee-none"),
        RestockingFee::Percent { basis_points: 0 } => tr.t("help-fee-none"),
        RestockingFee::Percent { basis_points } => tr.t1(
            "help-fee-percent",
            "percent",
            &labels::percent(basis_points),
        ),
        RestockingFee::Fixed { minor: 0 } => tr.t("help-fee-none"),
        RestockingFee::Fixed { minor } => tr.t1("help-fee-fixed", "amount", &money(minor)),
    };
    let buyer_pays = matches!(policy.return_shipping, ReturnShipping::Buyer { label_cost_minor } if label_cost_minor > 0);
    let shipping = match policy.return_shipping {
        ReturnShipping::Buyer { label_cost_minor } if label_cost_minor > 0 => {
            tr.t1("help-shipping-buyer", "amount", &money(label_cost_minor))
        }
        _ => tr.t("help-shipping-free"),
    };
    let refund = match policy.refund_method {
        RefundMethod::OriginalPayment => tr.t("help-refund-original"),
        RefundMethod::StoreCredit => tr.t("help-refund-credit"),
        RefundMethod::BuyerChooses => tr.t("help-refund-choice"),
    };
    let page = HelpPage {
        lang,
        tr,
        intro: tr.t1("help-intro", "shop", &merchant.name),
        window: text(
            tr,
            "help-window-a",
            &[("days", policy.window_days.to_string())],
        ),
        excluded_skus: policy.non_returnable_skus.clone(),
        fee,
        shipping,
        show_fault_note: buyer_pays || !matches!(policy.restocking_fee, RestockingFee::None),
        refund,
        langs: lang_links(&format!("/s/{}/help", merchant.slug), lang),
        shop: Shop::of(&merchant),
    };
    Ok(render(&page))
}
