//! `/s/{slug}/o/{token}`: the order a magic link opens, its returns, and the
//! form to ask for a new return (multipart, with photos).

use super::upload::{self, UploadError};
use super::{access, labels, lang_links, order_error, shop, text, LangLink, LangQuery, Shop};
use crate::app::buyer::{Blocked, BuyerOrder, RequestMistake};
use crate::app::returns::{Photo, ReturnRequest};
use crate::app::{self, Actor, AppError};
use crate::i18n::Tr;
use crate::store::merchants::Merchant;
use crate::web::shared::{filters, page_locale, render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use reso_domain::photo::PhotoError;
use reso_domain::returns::RequestedLine;
use reso_domain::{RefundMethod, ReturnError, ReturnReason};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "buyer/order.html")]
struct OrderPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    title: String,
    hello: Option<String>,
    placed: String,
    notice: Option<String>,
    returns: Vec<ReturnSummary>,
    window_note: Option<String>,
    window_closed: bool,
    error: Option<String>,
    had_photos: bool,
    action: String,
    can_request: bool,
    lines: Vec<LineView>,
    comment: String,
    choose_method: bool,
    method_credit: bool,
    /// The buyer-protection section (see `protection.rs`).
    protection: Option<super::protection::Section>,
}

struct SelectOption {
    value: String,
    label: String,
    selected: bool,
}

struct LineView {
    id: i64,
    title: String,
    sku: String,
    bought: String,
    price: String,
    left: String,
    left_count: i64,
    selectable: bool,
    why_not: String,
    /// A select for small quantities, a number field for bulk lines.
    use_select: bool,
    chosen_qty: i64,
    qty_options: Vec<SelectOption>,
    reason_options: Vec<SelectOption>,
}

struct ReturnSummary {
    href: String,
    heading: String,
    status_label: String,
    status_class: &'static str,
    opened: String,
    items: String,
}

/// What the buyer entered, to show the form again after a mistake.
#[derive(Default)]
struct Entered {
    fields: HashMap<String, String>,
    had_photos: bool,
    error: Option<String>,
}

/// Query-string suffix that keeps the page language across links and forms.
fn lang_suffix(lang: &str) -> String {
    format!("?lang={lang}")
}

fn page<'a>(
    tr: Tr<'a>,
    merchant: &Merchant,
    token: &str,
    view: &BuyerOrder,
    entered: Entered,
    notice: Option<String>,
) -> OrderPage<'a> {
    let lang = tr.locale;
    let base = format!("/s/{}/o/{}", merchant.slug, token);
    let order = &view.order;
    let field = |name: String| entered.fields.get(&name).cloned().unwrap_or_default();
    let lines = view
        .lines
        .iter()
        .map(|bl| {
            let l = &bl.line;
            let chosen_qty = field(format!("qty_{}", l.id))
                .trim()
                .parse::<i64>()
                .unwrap_or(0)
                .clamp(0, bl.left);
            let chosen_reason = field(format!("reason_{}", l.id));
            let why_not = match bl.blocked {
                Some(Blocked::NotReturnable) => tr.t("order-not-returnable"),
                Some(Blocked::AllInReturns) => tr.t("order-all-in-returns"),
                Some(Blocked::WindowClosed) => tr.t("order-window-closed"),
                None => String::new(),
            };
            LineView {
                id: l.id,
                title: l.title.clone(),
                sku: l.sku.clone(),
                bought: tr.t1("order-bought", "quantity", &l.quantity.to_string()),
                price: tr.t1("order-unit-price", "price", &l.unit_price.to_string()),
                left: tr.t1("order-left", "quantity", &bl.left.to_string()),
                left_count: bl.left,
                selectable: bl.blocked.is_none(),
                why_not,
                use_select: bl.left <= 20,
                chosen_qty,
                qty_options: (0..=bl.left.min(20))
                    .map(|q| SelectOption {
                        value: q.to_string(),
                        label: q.to_string(),
                        selected: q == chosen_qty,
                    })
                    .collect(),
                reason_options: ReturnReason::ALL
                    .iter()
                    .map(|r| SelectOption {
                        value: r.code().to_string(),
                        label: labels::reason(tr, *r),
                        selected: r.code() == chosen_reason,
                    })
                    .collect(),
            }
        })
        .collect();
    let returns = view
        .returns
        .iter()
        .map(|r| ReturnSummary {
            href: format!("{base}/r/{}{}", r.id, lang_suffix(lang)),
            heading: r.rma.as_ref().map_or_else(
                || tr.t("return-title"),
                |rma| tr.t1("return-title-rma", "rma", rma),
            ),
            status_label: labels::status(tr, r.status),
            status_class: labels::status_class(r.status),
            opened: tr.t1(
                "order-return-opened",
                "date",
                &filters::date_of(r.created_at),
            ),
            items: r
                .lines
                .iter()
                .map(|l| format!("{} × {}", l.quantity, l.title))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let window_closed = !view.window_open;
    let window_note = view.window_ends.map(|end| {
        let id = if window_closed {
            "order-window-passed"
        } else {
            "order-window-until"
        };
        tr.t1(id, "date", &filters::date_of(end))
    });
    OrderPage {
        lang,
        tr,
        shop: Shop::of(merchant),
        langs: lang_links(&base, lang),
        title: tr.t1("order-title", "number", &order.number),
        hello: Some(order.buyer_name.trim())
            .filter(|n| !n.is_empty())
            .map(|n| tr.t1("order-hello", "name", n)),
        placed: tr.t1(
            "order-placed",
            "date",
            &filters::date_of(order.placed_at.millis()),
        ),
        notice,
        returns,
        window_note,
        window_closed,
        had_photos: entered.had_photos,
        action: format!("{base}/returns{}", lang_suffix(lang)),
        can_request: view.can_return_something(),
        lines,
        comment: field("comment".into()),
        choose_method: merchant.policy.refund_method == RefundMethod::BuyerChooses,
        method_credit: field("refund_method".into()) == "store_credit",
        error: entered.error,
        protection: None,
    }
}

/// Loads what every order page needs: the shop, the checked link, the order
/// and the language to speak.
async fn open(
    state: &AppState,
    slug: &str,
    token: &str,
    q: &LangQuery,
    headers: &HeaderMap,
) -> Result<(Merchant, app::auth::BuyerAccess, BuyerOrder, &'static str), PageError> {
    let merchant = shop(state, slug, q, headers).await?;
    let first = page_locale(q.lang.as_deref(), None, headers, &merchant.default_locale);
    let tr = Tr::new(&state.i18n, first);
    let access = access(state, &merchant, token, tr)?;
    let view = app::buyer::order(state, &merchant, &access)
        .await
        .map_err(|e| order_error(e, tr, &merchant.slug))?;
    let lang = page_locale(
        q.lang.as_deref(),
        Some(&view.order.locale),
        headers,
        &merchant.default_locale,
    );
    Ok((merchant, access, view, lang))
}

pub async fn show(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (merchant, _, view, lang) = open(&state, &slug, &token, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let notice = (q.done.as_deref() == Some("withdrawn")).then(|| tr.t("saved-withdrawn"));
    let protection = super::protection::section(
        &state,
        tr,
        &merchant,
        &token,
        &view.order,
        q.done.as_deref(),
    )
    .await?;
    let mut shown = page(tr, &merchant, &token, &view, Entered::default(), notice);
    shown.protection = Some(protection);
    Ok(render_status(StatusCode::OK, &shown))
}

pub async fn submit(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    let (merchant, access, view, lang) = open(&state, &slug, &token, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let form = match multipart {
        Ok(m) => upload::read(m).await,
        Err(_) => Err(UploadError::Malformed),
    };
    let form = match form {
        Ok(f) => f,
        Err(UploadError::TooLarge) => {
            return Err(PageError::localized(
                StatusCode::PAYLOAD_TOO_LARGE,
                tr,
                "error-title-invalid",
                "error-too-large",
            ))
        }
        Err(UploadError::Malformed) => {
            return Err(PageError::localized(
                StatusCode::BAD_REQUEST,
                tr,
                "error-title-invalid",
                "error-bad-form",
            ))
        }
    };
    let had_photos = !form.photos.is_empty();
    let again = |status: StatusCode, message: String, fields: HashMap<String, String>| {
        let entered = Entered {
            fields,
            had_photos,
            error: Some(message),
        };
        Ok(render_status(
            status,
            &page(tr, &merchant, &token, &view, entered, None),
        ))
    };
    let lines = match chosen_lines(tr, &view, &form.fields) {
        Ok(lines) => lines,
        Err(message) => return again(StatusCode::UNPROCESSABLE_ENTITY, message, form.fields),
    };
    let comment = form.fields.get("comment").cloned().unwrap_or_default();
    if comment.chars().count() > 2000 {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            tr.t("mistake-comment-too-long"),
            form.fields,
        );
    }
    let photo_refs: Vec<&[u8]> = form.photos.iter().map(Vec::as_slice).collect();
    if let Err(mistake) = app::buyer::precheck(&view, &merchant, &lines, &photo_refs, state.now()) {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            mistake_text(tr, &view, &mistake),
            form.fields,
        );
    }
    let refund_method = form
        .fields
        .get("refund_method")
        .and_then(|m| RefundMethod::parse(m));
    let request = ReturnRequest {
        lines,
        comment,
        refund_method,
        photos: form
            .photos
            .into_iter()
            .map(|bytes| Photo { bytes })
            .collect(),
    };
    match app::returns::request(
        &state,
        &merchant,
        view.order.id,
        request,
        &Actor::Buyer(access.email.clone()),
    )
    .await
    {
        Ok(r) => {
            let to = format!(
                "/s/{}/o/{}/r/{}?lang={lang}&done=requested",
                merchant.slug, token, r.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        // Another return took the units meanwhile, or a rule the precheck does not know.
        Err(AppError::Invalid(m)) => again(StatusCode::UNPROCESSABLE_ENTITY, m, form.fields),
        Err(AppError::Conflict(m)) => again(StatusCode::CONFLICT, m, form.fields),
        Err(e) => Err(order_error(e, tr, &merchant.slug)),
    }
}

/// The lines with a quantity above zero, each with its reason.
fn chosen_lines(
    tr: Tr<'_>,
    view: &BuyerOrder,
    fields: &HashMap<String, String>,
) -> Result<Vec<RequestedLine>, String> {
    let mut lines = Vec::new();
    let mut quantities: Vec<(&String, &String)> = fields
        .iter()
        .filter(|(k, _)| k.starts_with("qty_"))
        .collect();
    quantities.sort();
    for (name, value) in quantities {
        let Ok(order_line_id) = name["qty_".len()..].parse::<i64>() else {
            return Err(tr.t("mistake-unknown-line"));
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let quantity = value
            .parse::<i64>()
            .map_err(|_| tr.t("mistake-bad-quantity"))?;
        if quantity == 0 {
            continue;
        }
        let item = view
            .order
            .line(order_line_id)
            .map(|l| l.title.clone())
            .ok_or_else(|| tr.t("mistake-unknown-line"))?;
        let reason = fields
            .get(&format!("reason_{order_line_id}"))
            .map(|r| r.trim())
            .unwrap_or("");
        if reason.is_empty() {
            return Err(tr.t1("mistake-missing-reason", "item", &item));
        }
        let reason = ReturnReason::parse(reason)
            .ok_or_else(|| tr.t1("mistake-bad-reason", "item", &item))?;
        lines.push(RequestedLine {
            order_line_id,
            quantity,
            reason,
        });
    }
    Ok(lines)
}

fn mistake_text(tr: Tr<'_>, view: &BuyerOrder, mistake: &RequestMistake) -> String {
    let title_of_sku = |sku: &str| {
        view.order
            .lines
            .iter()
            .find(|l| l.sku == sku)
            .map_or_else(|| sku.to_string(), |l| l.title.clone())
    };
    match mistake {
        RequestMistake::Lines(e) => match e {
            ReturnError::NoLines => tr.t("mistake-no-lines"),
            ReturnError::UnknownLine(_) => tr.t("mistake-unknown-line"),
            ReturnError::DuplicateLine(_) => tr.t("mistake-duplicate-line"),
            ReturnError::NotReturnable(title) => tr.t1("mistake-not-returnable", "item", title),
            ReturnError::QuantityTooHigh { sku, asked, left } => text(
                tr,
                "mistake-quantity-too-high",
                &[
                    ("item", title_of_sku(sku)),
                    ("asked", asked.to_string()),
                    ("left", left.to_string()),
                ],
            ),
            ReturnError::OutsideWindow { window, .. } => {
                tr.t1("mistake-outside-window", "window", &window.to_string())
            }
            other => other.to_string(),
        },
        RequestMistake::Photos(PhotoError::TooMany) => tr.t("mistake-too-many-photos"),
        RequestMistake::Photos(PhotoError::TooLarge) => tr.t("mistake-photo-too-large"),
        RequestMistake::Photos(PhotoError::NotAnImage) => tr.t("mistake-not-an-image"),
        RequestMistake::Photos(PhotoError::TooManyPixels) => tr.t("mistake-photo-too-large"),
    }
}
