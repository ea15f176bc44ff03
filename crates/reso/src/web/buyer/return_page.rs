//! `/s/{slug}/o/{token}/r/{id}`: one return as its buyer follows it, with the
//! buyer's actions: tracking of the parcel, more photos, withdrawal.

use super::upload::{self, UploadError};
use super::{access, labels, lang_links, order_error, shop, text, LangLink, LangQuery, Shop};
use crate::app::buyer::BuyerReturn;
use crate::app::returns::Photo;
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
use axum::Form;
use reso_domain::photo::PhotoError;
use reso_domain::{Currency, Money, ReturnShipping, ReturnStatus};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "buyer/return.html")]
struct ReturnPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    base: String,
    back_href: String,
    heading: String,
    subtitle: String,
    notice: Option<String>,
    error: Option<String>,
    status_label: String,
    status_class: &'static str,
    steps: Vec<Step>,
    note: Option<String>,
    note_class: &'static str,
    rejection_reason: Option<String>,
    rma: Option<String>,
    instructions: Option<Instructions>,
    tracking_form: bool,
    tracking_current: Option<String>,
    carrier: String,
    tracking: String,
    photos_form: bool,
    items: Vec<String>,
    photo_count: Option<String>,
    refunds: Vec<RefundView>,
    refund_timing: Option<String>,
    timeline: Vec<TimelineItem>,
    withdraw_form: bool,
}

struct Step {
    label: String,
    class: &'static str,
}

struct Instructions {
    label: String,
    address: String,
    shipping: String,
}

struct RefundView {
    line: String,
    state: String,
}

struct TimelineItem {
    iso: String,
    when: String,
    label: String,
    detail: Option<String>,
}

/// The steps a return goes through, and how far this one got. Goods the buyer
/// keeps skip the parcel; rejected and closed returns show no progress.
fn steps(tr: Tr<'_>, status: ReturnStatus, keep_goods: bool) -> Vec<Step> {
    use ReturnStatus as S;
    let ids: &[&str] = if keep_goods {
        &["step-requested", "step-refunded"]
    } else {
        &[
            "step-requested",
            "step-authorized",
            "step-in-transit",
            "step-received",
            "step-refunded",
        ]
    };
    let reached = match (status, keep_goods) {
        (S::Rejected | S::Closed, _) => return Vec::new(),
        (S::Refunded, _) => ids.len(),
        (_, true) => 1,
        (S::Requested | S::PhotosRequested, false) => 1,
        (S::Authorized, false) => 2,
        (S::InTransit, false) => 3,
        (S::Received | S::Inspected, false) => 4,
        (S::Refunding, false) => 4,
    };
    ids.iter()
        .enumerate()
        .map(|(i, id)| Step {
            label: tr.t(id),
            class: if i < reached {
                "done"
            } else if i == reached {
                "current"
            } else {
                ""
            },
        })
        .collect()
}

/// Who pays the parcel back, as it applied when the return was authorized.
fn shipping_text(tr: Tr<'_>, merchant: &Merchant, view: &BuyerReturn) -> String {
    let at_authorization = view
        .events
        .iter()
        .rev()
        .find(|e| e.kind == "return.authorized")
        .and_then(|e| {
            serde_json::from_value::<ReturnShipping>(e.data["return_shipping"].clone()).ok()
        });
    let shop_at_fault = view.ret.lines.iter().any(|l| l.reason.is_merchant_fault());
    match at_authorization.unwrap_or(merchant.policy.return_shipping) {
        ReturnShipping::Buyer { label_cost_minor } if label_cost_minor > 0 && !shop_at_fault => tr
            .t1(
                "return-shipping-buyer",
                "amount",
                &Money::new(label_cost_minor, view.ret.currency).to_string(),
            ),
        _ => tr.t("return-shipping-free"),
    }
}

#[derive(Default)]
struct Extra {
    notice: Option<String>,
    error: Option<String>,
    carrier: String,
    tracking: String,
}

fn page<'a>(
    tr: Tr<'a>,
    merchant: &Merchant,
    token: &str,
    view: &BuyerReturn,
    extra: Extra,
) -> ReturnPage<'a> {
    use ReturnStatus as S;
    let lang = tr.locale;
    let r = &view.ret;
    let order_base = format!("/s/{}/o/{}", merchant.slug, token);
    let base = format!("{order_base}/r/{}", r.id);
    let (note, note_class) = match r.status {
        S::Requested => (Some(tr.t("return-waiting")), ""),
        S::PhotosRequested => (Some(tr.t("return-photos-needed")), "warn"),
        S::Received | S::Inspected => (Some(tr.t("return-received-note")), ""),
        S::Rejected => (Some(tr.t("return-rejected")), "bad"),
        S::Closed => (Some(tr.t("return-closed")), "bad"),
        _ if r.keep_goods => (Some(tr.t("return-keep-goods")), "ok"),
        _ => (None, ""),
    };
    let awaiting_parcel = matches!(r.status, S::Authorized | S::InTransit) && !r.keep_goods;
    let instructions = r
        .rma
        .as_ref()
        .filter(|_| awaiting_parcel)
        .map(|rma| Instructions {
            label: tr.t1("return-instruction-label", "rma", rma),
            address: merchant.return_address.clone(),
            shipping: shipping_text(tr, merchant, view),
        });
    let tracking_current = match (&r.return_carrier, &r.return_tracking) {
        (Some(c), Some(t)) => Some(text(
            tr,
            "tracking-current",
            &[("carrier", c.clone()), ("tracking", t.clone())],
        )),
        _ => None,
    };
    let refunds: Vec<RefundView> = view
        .refunds
        .iter()
        .map(|f| {
            let amount = Currency::parse(&f.currency).map_or_else(
                |_| format!("{} {}", f.amount_minor, f.currency),
                |c| Money::new(f.amount_minor, c).to_string(),
            );
            let state = match f.status.as_str() {
                "succeeded" => tr.t1(
                    "return-refund-done",
                    "date",
                    &filters::date_of(f.updated_at),
                ),
                "failed" => tr.t("return-refund-failed"),
                _ => tr.t("return-refund-pending"),
            };
            RefundView {
                line: text(
                    tr,
                    "return-refund-line",
                    &[
                        ("amount", amount),
                        ("method", labels::refund_method(tr, &f.method)),
                    ],
                ),
                state,
            }
        })
        .collect();
    let refund_timing = view
        .refunds
        .iter()
        .find(|f| f.status != "failed")
        .and_then(|f| match f.method.as_str() {
            "original_payment" => Some(tr.t("return-refund-timing-original")),
            "store_credit" => Some(tr.t("return-refund-timing-credit")),
            _ => None,
        });
    let timeline = view
        .events
        .iter()
        .filter_map(|e| {
            let label = labels::event(tr, &e.kind)?;
            // Only what the buyer gave or must read; staff notes and rules stay inside.
            let detail = match e.kind.as_str() {
                "return.in_transit" => Some(format!(
                    "{} {}",
                    e.data["carrier"].as_str().unwrap_or(""),
                    e.data["tracking_number"].as_str().unwrap_or("")
                )),
                "return.rejected" => e.data["reason"].as_str().map(str::to_string),
                "return.authorized" => e.data["rma"].as_str().map(|rma| format!("RMA {rma}")),
                _ => None,
            }
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty());
            Some(TimelineItem {
                iso: filters::date_of(e.at),
                when: filters::datetime_of(e.at),
                label,
                detail,
            })
        })
        .collect();
    ReturnPage {
        lang,
        tr,
        shop: Shop::of(merchant),
        langs: lang_links(&base, lang),
        back_href: format!("{order_base}?lang={lang}"),
        heading: r.rma.as_ref().map_or_else(
            || tr.t("return-title"),
            |rma| tr.t1("return-title-rma", "rma", rma),
        ),
        subtitle: text(
            tr,
            "return-of-order",
            &[
                ("number", r.order_number.clone()),
                ("date", filters::date_of(r.created_at)),
            ],
        ),
        notice: extra.notice,
        error: extra.error,
        status_label: labels::status(tr, r.status),
        status_class: labels::status_class(r.status),
        steps: steps(tr, r.status, r.keep_goods),
        note,
        note_class,
        rejection_reason: r
            .rejection_reason
            .clone()
            .filter(|_| r.status == S::Rejected),
        rma: r.rma.clone(),
        instructions,
        tracking_form: awaiting_parcel,
        tracking_current,
        carrier: if extra.carrier.is_empty() {
            r.return_carrier.clone().unwrap_or_default()
        } else {
            extra.carrier
        },
        tracking: if extra.tracking.is_empty() {
            r.return_tracking.clone().unwrap_or_default()
        } else {
            extra.tracking
        },
        photos_form: r.status == S::PhotosRequested,
        items: r
            .lines
            .iter()
            .map(|l| {
                let args = [
                    ("quantity", l.quantity.to_string()),
                    ("item", l.title.clone()),
                    ("reason", labels::reason(tr, l.reason)),
                ];
                text(tr, "return-item-line", &args)
            })
            .collect(),
        photo_count: (!r.photo_ids.is_empty()).then(|| {
            tr.t1(
                "return-photos-count",
                "count",
                &r.photo_ids.len().to_string(),
            )
        }),
        refunds,
        refund_timing,
        timeline,
        withdraw_form: matches!(r.status, S::Requested | S::PhotosRequested | S::Authorized),
        base,
    }
}

type Opened = (Merchant, app::auth::BuyerAccess, BuyerReturn, &'static str);

/// The shop, the checked link, the return (of the link's order only) and the language.
async fn open(
    state: &AppState,
    slug: &str,
    token: &str,
    return_id: &str,
    q: &LangQuery,
    headers: &HeaderMap,
) -> Result<Opened, PageError> {
    let merchant = shop(state, slug, q, headers).await?;
    let first = page_locale(q.lang.as_deref(), None, headers, &merchant.default_locale);
    let tr = Tr::new(&state.i18n, first);
    let access = access(state, &merchant, token, tr)?;
    let Ok(return_id) = return_id.parse::<i64>() else {
        return Err(order_error(
            AppError::NotFound("return"),
            tr,
            &merchant.slug,
        ));
    };
    let view = app::buyer::return_of(state, &merchant, &access, return_id)
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
    Path((slug, token, return_id)): Path<(String, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (merchant, _, view, lang) = open(&state, &slug, &token, &return_id, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let notice = match q.done.as_deref() {
        Some("requested") => Some(tr.t("saved-requested")),
        Some("tracking") => Some(tr.t("saved-tracking")),
        Some("photos") => Some(tr.t("saved-photos")),
        Some("withdrawn") => Some(tr.t("saved-withdrawn")),
        _ => None,
    };
    Ok(render_status(
        StatusCode::OK,
        &page(
            tr,
            &merchant,
            &token,
            &view,
            Extra {
                notice,
                ..Extra::default()
            },
        ),
    ))
}

fn back_to(merchant: &Merchant, token: &str, return_id: i64, lang: &str, done: &str) -> Response {
    Redirect::to(&format!(
        "/s/{}/o/{token}/r/{return_id}?lang={lang}&done={done}",
        merchant.slug
    ))
    .into_response()
}

/// The page again with a message: 422 for what the buyer can fix, 409 when
/// the return has moved on (e.g. already received).
fn again(
    state: &AppState,
    opened: &Opened,
    token: &str,
    err: AppError,
    extra: Extra,
) -> PageResult<Response> {
    let (merchant, _, view, lang) = opened;
    let tr = Tr::new(&state.i18n, lang);
    let (status, message) = match err {
        AppError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
        AppError::Conflict(m) => (StatusCode::CONFLICT, m),
        other => return Err(order_error(other, tr, &merchant.slug)),
    };
    let extra = Extra {
        error: Some(extra.error.unwrap_or(message)),
        ..extra
    };
    Ok(render_status(
        status,
        &page(tr, merchant, token, view, extra),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct TrackingForm {
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    tracking_number: String,
}

pub async fn ship_back(
    State(state): State<AppState>,
    Path((slug, token, return_id)): Path<(String, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<TrackingForm>,
) -> PageResult<Response> {
    let opened = open(&state, &slug, &token, &return_id, &q, &headers).await?;
    let (merchant, access, view, lang) = &opened;
    let tr = Tr::new(&state.i18n, lang);
    let actor = Actor::Buyer(access.email.clone());
    match app::returns::ship_back(
        &state,
        merchant,
        view.ret.id,
        &form.carrier,
        &form.tracking_number,
        &actor,
    )
    .await
    {
        Ok(r) => Ok(back_to(merchant, &token, r.id, lang, "tracking")),
        Err(e) => {
            let error = matches!(e, AppError::Invalid(_)).then(|| tr.t("mistake-tracking"));
            let extra = Extra {
                error,
                carrier: form.carrier.trim().to_string(),
                tracking: form.tracking_number.trim().to_string(),
                ..Extra::default()
            };
            again(&state, &opened, &token, e, extra)
        }
    }
}

pub async fn add_photos(
    State(state): State<AppState>,
    Path((slug, token, return_id)): Path<(String, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    let opened = open(&state, &slug, &token, &return_id, &q, &headers).await?;
    let (merchant, access, view, lang) = &opened;
    let tr = Tr::new(&state.i18n, lang);
    let form = match multipart {
        Ok(m) => upload::read(m).await,
        Err(_) => Err(UploadError::Malformed),
    };
    let photos = match form {
        Ok(f) => f.photos,
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
    // Explain photo mistakes in the buyer's language; the use case checks them again.
    let refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
    let mistake = if photos.is_empty() {
        Some(tr.t("mistake-no-photos"))
    } else {
        match reso_domain::photo::check_photos(&refs, view.ret.photo_ids.len()) {
            Err(PhotoError::TooMany) => Some(tr.t("mistake-too-many-photos")),
            Err(PhotoError::TooLarge) => Some(tr.t("mistake-photo-too-large")),
            Err(PhotoError::NotAnImage) => Some(tr.t("mistake-not-an-image")),
            Err(PhotoError::TooManyPixels) => Some(tr.t("mistake-photo-too-large")),
            Ok(_) => None,
        }
    };
    if let Some(message) = mistake {
        return again(
            &state,
            &opened,
            &token,
            AppError::Invalid(message),
            Extra::default(),
        );
    }
    let photos = photos.into_iter().map(|bytes| Photo { bytes }).collect();
    match app::returns::add_photos(
        &state,
        merchant,
        view.ret.id,
        photos,
        &Actor::Buyer(access.email.clone()),
    )
    .await
    {
        Ok(r) => Ok(back_to(merchant, &token, r.id, lang, "photos")),
        Err(e) => again(&state, &opened, &token, e, Extra::default()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    confirm: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    Path((slug, token, return_id)): Path<(String, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    Form(form): Form<WithdrawForm>,
) -> PageResult<Response> {
    let opened = open(&state, &slug, &token, &return_id, &q, &headers).await?;
    let (merchant, access, view, lang) = &opened;
    let tr = Tr::new(&state.i18n, lang);
    if form.confirm != "yes" {
        return again(
            &state,
            &opened,
            &token,
            AppError::Invalid(tr.t("mistake-confirm-withdraw")),
            Extra::default(),
        );
    }
    match app::returns::withdraw(
        &state,
        merchant,
        view.ret.id,
        &Actor::Buyer(access.email.clone()),
    )
    .await
    {
        Ok(r) => Ok(back_to(merchant, &token, r.id, lang, "withdrawn")),
        Err(e) => again(&state, &opened, &token, e, Extra::default()),
    }
}
