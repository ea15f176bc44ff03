//! Buyer protection as the buyer sees it: the order page's section with the
//! four options (conclude, not received, refund not received, another
//! problem), the early conclusion, and the form that opens a claim.

use super::documents::{self, FormError};
use super::{access, claim_page, lang_links, order_error, shop, LangLink, LangQuery, Shop};
use crate::app::{self, AppError};
use crate::i18n::Tr;
use crate::store::{self, claims::ClaimRecord, merchants::Merchant};
use crate::web::shared::{filters, page_locale, render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use reso_domain::claim::{check_message, ClaimError, ClaimKind, Protection};
use reso_domain::document::{check_documents, DocumentError};
use reso_domain::Order;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/o/{token}/protection/conclude", post(conclude))
        .route(
            "/s/{slug}/o/{token}/claims/new",
            get(new_claim)
                .post(open_claim)
                .layer(DefaultBodyLimit::max(documents::BODY_LIMIT)),
        )
        .route("/s/{slug}/o/{token}/claims/{id}", get(claim_page::show))
        .route(
            "/s/{slug}/o/{token}/claims/{id}/react",
            post(claim_page::react),
        )
}

/// A claim of the order, as a link in the section.
pub struct ClaimLink {
    pub href: String,
    pub heading: String,
    pub status: String,
    pub status_class: &'static str,
}

/// One of the three claim options.
pub struct ClaimOption {
    pub href: String,
    pub label: String,
    pub hint: String,
}

/// The "Buyer protection" section of the order page.
pub struct Section {
    pub note: String,
    pub notice: Option<String>,
    /// The four options, while the protection runs and no claim is open.
    pub options: bool,
    pub conclude_action: String,
    pub claim_options: Vec<ClaimOption>,
    pub claims: Vec<ClaimLink>,
}

pub(super) fn kind_label(tr: Tr<'_>, kind: ClaimKind) -> String {
    tr.t(&format!("claim-kind-{}", kind.code()))
}

pub(super) fn status_class(c: &ClaimRecord) -> &'static str {
    use reso_domain::claim::ClaimStatus as S;
    match c.claim.status {
        S::AwaitingBuyer => "warn",
        S::Closed => "ok",
        _ => "",
    }
}

/// The order's claims, oldest first.
async fn claims_of(state: &AppState, order_id: i64) -> Result<Vec<ClaimRecord>, PageError> {
    let mut conn = state
        .db
        .reader()
        .acquire()
        .await
        .map_err(|e| PageError::from(AppError::from(e)))?;
    store::claims::for_order(&mut conn, order_id)
        .await
        .map_err(|e| PageError::from(AppError::from(e)))
}

/// The section for the order page; `done` is the page's `?done=` confirmation.
pub async fn section(
    state: &AppState,
    tr: Tr<'_>,
    merchant: &Merchant,
    token: &str,
    order: &Order,
    done: Option<&str>,
) -> Result<Section, PageError> {
    let lang = tr.locale;
    let base = format!("/s/{}/o/{token}", merchant.slug);
    let protection = app::claims::protection(state, merchant, order.id).await?;
    let claims = claims_of(state, order.id).await?;
    let open_claim = claims.iter().any(|c| c.claim.status.is_open());
    let note = match protection {
        Protection::Active { ends_at } if open_claim => {
            let until = tr.t1(
                "protection-active",
                "date",
                &filters::date_of(ends_at.millis()),
            );
            format!("{until} {}", tr.t("protection-open-claim"))
        }
        Protection::Active { ends_at } => tr.t1(
            "protection-active",
            "date",
            &filters::date_of(ends_at.millis()),
        ),
        Protection::NotProtected => tr.t("protection-not-protected"),
        Protection::Expired => tr.t("protection-expired"),
        Protection::Concluded => tr.t("protection-concluded"),
    };
    let options = matches!(protection, Protection::Active { .. }) && !open_claim;
    let claim_options = ClaimKind::BUYER_KINDS
        .iter()
        .map(|k| ClaimOption {
            href: format!("{base}/claims/new?kind={}&lang={lang}", k.code()),
            label: tr.t(&format!("protection-option-{}", k.code())),
            hint: tr.t(&format!("protection-option-{}-hint", k.code())),
        })
        .collect();
    let claims = claims
        .iter()
        .map(|c| ClaimLink {
            href: format!("{base}/claims/{}?lang={lang}", c.id),
            heading: text_kind_date(tr, c),
            status: tr.t(&format!("claim-status-{}", c.claim.status.code())),
            status_class: status_class(c),
        })
        .collect();
    Ok(Section {
        note,
        notice: (done == Some("concluded")).then(|| tr.t("protection-concluded-now")),
        options,
        conclude_action: format!("{base}/protection/conclude?lang={lang}"),
        claim_options,
        claims,
    })
}

fn text_kind_date(tr: Tr<'_>, c: &ClaimRecord) -> String {
    format!(
        "{} · {}",
        kind_label(tr, c.claim.kind),
        filters::date_of(c.created_at)
    )
}

/// The shop, the checked link, the link's order and the page language.
pub(super) async fn open_order(
    state: &AppState,
    slug: &str,
    token: &str,
    q: &LangQuery,
    headers: &HeaderMap,
) -> Result<(Merchant, app::auth::BuyerAccess, Order, &'static str), PageError> {
    let merchant = shop(state, slug, q, headers).await?;
    let first = page_locale(q.lang.as_deref(), None, headers, &merchant.default_locale);
    let tr = Tr::new(&state.i18n, first);
    let access = access(state, &merchant, token, tr)?;
    let order = app::orders::by_id(state, merchant.id, access.order_id)
        .await
        .map_err(|e| order_error(e, tr, &merchant.slug))?;
    if order.buyer_email.as_str() != access.email {
        // The shop changed the buyer's address since the link was sent.
        return Err(order_error(
            AppError::Forbidden("link of another address".into()),
            tr,
            &merchant.slug,
        ));
    }
    let lang = page_locale(
        q.lang.as_deref(),
        Some(&order.locale),
        headers,
        &merchant.default_locale,
    );
    Ok((merchant, access, order, lang))
}

/// A use-case refusal on a protection step, in the buyer's words.
fn refusal(tr: Tr<'_>, merchant: &Merchant, token: &str, err: AppError) -> PageError {
    let back = format!("/s/{}/o/{token}?lang={}", merchant.slug, tr.locale);
    match err {
        AppError::Conflict(_) | AppError::Invalid(_) => PageError::localized(
            StatusCode::CONFLICT,
            tr,
            "error-title-conflict",
            "claim-not-possible",
        )
        .with_link(back, tr.t("claim-back")),
        other => order_error(other, tr, &merchant.slug),
    }
}

/// "All fine": ends the protection early, back to the order page.
pub async fn conclude(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (merchant, access, order, lang) = open_order(&state, &slug, &token, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    app::claims::conclude_protection(&state, &merchant, order.id, &access.email)
        .await
        .map_err(|e| refusal(tr, &merchant, &token, e))?;
    let to = format!("/s/{slug}/o/{token}?lang={lang}&done=concluded#protection");
    Ok(Redirect::to(&to).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewClaimQuery {
    pub kind: Option<String>,
    pub lang: Option<String>,
}

#[derive(Template)]
#[template(path = "buyer/claim_new.html")]
struct NewClaimPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    back_href: String,
    action: String,
    heading: String,
    subtitle: String,
    intro: String,
    text_required: bool,
    text: String,
    had_documents: bool,
    error: Option<String>,
}

fn new_claim_page<'a>(
    tr: Tr<'a>,
    merchant: &Merchant,
    token: &str,
    order: &Order,
    kind: ClaimKind,
) -> NewClaimPage<'a> {
    let lang = tr.locale;
    let base = format!("/s/{}/o/{token}", merchant.slug);
    let path = format!("{base}/claims/new");
    NewClaimPage {
        lang,
        tr,
        shop: Shop::of(merchant),
        langs: lang_links(&path, lang)
            .into_iter()
            .map(|l| LangLink {
                href: format!("{}&kind={}", l.href, kind.code()),
                ..l
            })
            .collect(),
        back_href: format!("{base}?lang={lang}#protection"),
        action: format!("{path}?kind={}&lang={lang}", kind.code()),
        heading: kind_label(tr, kind),
        subtitle: tr.t1("claim-of-order", "number", &order.number),
        intro: tr.t1(
            &format!("claim-new-intro-{}", kind.code()),
            "days",
            &merchant.protection.answer_days.to_string(),
        ),
        text_required: kind != ClaimKind::OtherProblem,
        text: String::new(),
        had_documents: false,
        error: None,
    }
}

/// The claim's kind from the query; anything else is a 400.
fn kind_of(tr: Tr<'_>, q: &NewClaimQuery) -> Result<ClaimKind, PageError> {
    q.kind
        .as_deref()
        .and_then(ClaimKind::parse)
        .filter(|k| !k.is_dispute())
        .ok_or_else(|| {
            PageError::localized(
                StatusCode::BAD_REQUEST,
                tr,
                "error-title-invalid",
                "claim-unknown-kind",
            )
        })
}

/// Refuses the form at once when no claim can be opened now.
async fn check_can_open(
    state: &AppState,
    tr: Tr<'_>,
    merchant: &Merchant,
    token: &str,
    order: &Order,
) -> Result<(), PageError> {
    let protection = app::claims::protection(state, merchant, order.id).await?;
    let reason = match protection {
        Protection::Active { .. } => {
            let claims = claims_of(state, order.id).await?;
            claims
                .iter()
                .any(|c| c.claim.status.is_open())
                .then_some("claim-already-open")
        }
        Protection::NotProtected => Some("protection-not-protected"),
        Protection::Expired => Some("protection-expired"),
        Protection::Concluded => Some("protection-concluded"),
    };
    match reason {
        None => Ok(()),
        Some(id) => Err(
            PageError::localized(StatusCode::CONFLICT, tr, "error-title-conflict", id).with_link(
                format!("/s/{}/o/{token}?lang={}", merchant.slug, tr.locale),
                tr.t("claim-back"),
            ),
        ),
    }
}

pub async fn new_claim(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<NewClaimQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let lq = LangQuery {
        lang: q.lang.clone(),
        done: None,
    };
    let (merchant, _, order, lang) = open_order(&state, &slug, &token, &lq, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let kind = kind_of(tr, &q)?;
    check_can_open(&state, tr, &merchant, &token, &order).await?;
    Ok(render_status(
        StatusCode::OK,
        &new_claim_page(tr, &merchant, &token, &order, kind),
    ))
}

/// What the buyer can fix, in their language, before the use case runs.
fn mistake(tr: Tr<'_>, kind: ClaimKind, form: &documents::ClaimForm) -> Option<String> {
    let text = form.field("text");
    match check_message(&text, kind != ClaimKind::OtherProblem) {
        Err(ClaimError::MissingMessage) => return Some(tr.t("claim-missing-text")),
        Err(_) => return Some(tr.t("claim-text-too-long")),
        Ok(()) => {}
    }
    let files: Vec<(&str, &[u8])> = form
        .documents
        .iter()
        .map(|d| (d.filename.as_str(), d.bytes.as_slice()))
        .collect();
    match check_documents(&files) {
        Ok(_) => None,
        Err(DocumentError::TooMany) => Some(tr.t("claim-doc-too-many")),
        Err(DocumentError::TooLarge(name)) => Some(tr.t1("claim-doc-too-large", "name", &name)),
        Err(DocumentError::WrongType(name)) => Some(tr.t1("claim-doc-wrong-type", "name", &name)),
        Err(DocumentError::TooManyPixels(name)) => {
            Some(tr.t1("claim-doc-too-large", "name", &name))
        }
    }
}

pub async fn open_claim(
    State(state): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<NewClaimQuery>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    let lq = LangQuery {
        lang: q.lang.clone(),
        done: None,
    };
    let (merchant, access, order, lang) = open_order(&state, &slug, &token, &lq, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let kind = kind_of(tr, &q)?;
    // Said in the buyer's words before the upload is read; the use case checks again.
    check_can_open(&state, tr, &merchant, &token, &order).await?;
    let form = match multipart {
        Ok(m) => documents::read(m).await,
        Err(_) => Err(FormError::Malformed),
    };
    let form = match form {
        Ok(f) => f,
        Err(FormError::TooLarge) => {
            return Err(PageError::localized(
                StatusCode::PAYLOAD_TOO_LARGE,
                tr,
                "error-title-invalid",
                "error-too-large",
            ))
        }
        Err(FormError::Malformed) => {
            return Err(PageError::localized(
                StatusCode::BAD_REQUEST,
                tr,
                "error-title-invalid",
                "error-bad-form",
            ))
        }
    };
    let text = form.field("text");
    let had_documents = !form.documents.is_empty();
    let again = |status: StatusCode, message: String| {
        let page = NewClaimPage {
            text: text.clone(),
            had_documents,
            error: Some(message),
            ..new_claim_page(tr, &merchant, &token, &order, kind)
        };
        Ok(render_status(status, &page))
    };
    if let Some(message) = mistake(tr, kind, &form) {
        return again(StatusCode::UNPROCESSABLE_ENTITY, message);
    }
    match app::claims::open(
        &state,
        &merchant,
        order.id,
        kind,
        &text,
        form.documents,
        &access.email,
    )
    .await
    {
        Ok(c) => {
            let to = format!(
                "/s/{slug}/o/{token}/claims/{}?lang={lang}&done=opened",
                c.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(AppError::Invalid(m)) => again(StatusCode::UNPROCESSABLE_ENTITY, m),
        Err(e) => Err(refusal(tr, &merchant, &token, e)),
    }
}
