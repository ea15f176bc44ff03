//! `/s/{slug}/o/{token}/claims/{id}`: a claim as its buyer follows it — who
//! waits for whom and until when, the shop's answer, the buyer's reply with
//! exactly the options of the answer's variant, and the outcome.

use super::protection::{kind_label, open_order, status_class};
use super::{lang_links, order_error, text, LangLink, LangQuery, Shop};
use crate::app::{self, AppError};
use crate::i18n::Tr;
use crate::store::{self, claims::ClaimRecord, merchants::Merchant};
use crate::web::shared::{filters, render_status, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use reso_domain::claim::{ClaimStatus, Outcome, Reaction, Variant};
use reso_domain::Money;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "buyer/claim.html")]
struct ClaimPage<'a> {
    lang: &'a str,
    tr: Tr<'a>,
    shop: Shop,
    langs: Vec<LangLink>,
    back_href: String,
    /// The claim's conversation with the shop and the mediators.
    messages_href: String,
    heading: String,
    subtitle: String,
    notice: Option<String>,
    error: Option<String>,
    status_label: String,
    status_class: &'static str,
    wait: Option<String>,
    outcome: Option<String>,
    mediator_message: Option<String>,
    kind: String,
    buyer_text: String,
    documents: Vec<String>,
    answer: Option<AnswerView>,
    reply: Option<ReplyForm>,
}

struct AnswerView {
    decision: String,
    message: String,
    at: String,
    return_href: Option<String>,
}

struct ReplyOption {
    value: &'static str,
    label: String,
    checked: bool,
}

struct ReplyForm {
    action: String,
    options: Vec<ReplyOption>,
    message: String,
}

/// What the page shows besides the claim: a confirmation, or a mistake with what was typed.
#[derive(Default)]
struct Extra {
    input: ReplyInput,
    notice: Option<String>,
    error: Option<String>,
}

/// What the buyer typed into the reply form, shown again after a mistake.
#[derive(Debug, Default, Deserialize)]
pub struct ReplyInput {
    #[serde(default)]
    reaction: String,
    #[serde(default)]
    message: String,
}

fn money(c: &ClaimRecord, minor: i64) -> String {
    Money::new(minor, c.claim.order_value.currency).to_string()
}

fn reaction_label(tr: Tr<'_>, variant: Variant, r: Reaction) -> String {
    match (variant, r) {
        (Variant::PartialRefund, Reaction::Disagree) => tr.t("claim-react-disagree-partial"),
        _ => tr.t(&format!("claim-react-{}", r.code())),
    }
}

fn outcome_text(tr: Tr<'_>, c: &ClaimRecord) -> Option<String> {
    Some(match c.claim.outcome? {
        Outcome::RefundReceived => tr.t("claim-outcome-refund_received"),
        Outcome::Concluded => tr.t("claim-outcome-concluded"),
        Outcome::ClosedAsAnswered => tr.t("claim-outcome-closed_as_answered"),
        Outcome::Decided { amount_minor, .. } if amount_minor <= 0 => {
            tr.t("claim-outcome-decided-none")
        }
        Outcome::Decided {
            amount_minor,
            from_guarantee,
        } => {
            let id = if from_guarantee {
                "claim-outcome-decided-guarantee"
            } else {
                "claim-outcome-decided"
            };
            tr.t1(id, "amount", &money(c, amount_minor))
        }
        Outcome::DisputeWon => tr.t("claim-outcome-dispute_won"),
        Outcome::DisputeLost => tr.t("claim-outcome-dispute_lost"),
    })
}

fn page<'a>(
    tr: Tr<'a>,
    merchant: &Merchant,
    token: &str,
    c: &ClaimRecord,
    documents: Vec<String>,
    extra: Extra,
) -> ClaimPage<'a> {
    let Extra {
        input,
        notice,
        error,
    } = extra;
    let lang = tr.locale;
    let order_base = format!("/s/{}/o/{token}", merchant.slug);
    let base = format!("{order_base}/claims/{}", c.id);
    let due = c
        .claim
        .due_at
        .map(|d| filters::datetime_of(d.millis()))
        .unwrap_or_default();
    let shop_and_due = [("shop", merchant.name.clone()), ("date", due)];
    let wait = match c.claim.status {
        ClaimStatus::AwaitingMerchant => Some(text(tr, "claim-wait-merchant", &shop_and_due)),
        ClaimStatus::AwaitingBuyer => Some(text(tr, "claim-wait-buyer", &shop_and_due)),
        ClaimStatus::Escalated => Some(tr.t("claim-wait-mediation")),
        ClaimStatus::AwaitingDocuments => Some(text(tr, "claim-wait-documents", &shop_and_due)),
        ClaimStatus::AwaitingProvider => Some(tr.t("claim-wait-provider")),
        ClaimStatus::Closed => None,
    };
    let answer = c.answer_decision.as_deref().map(|decision| {
        let amount = money(c, c.answer_amount_minor.unwrap_or(0));
        AnswerView {
            decision: tr.t1(&format!("claim-decision-{decision}"), "amount", &amount),
            message: c.answer_message.clone().unwrap_or_default(),
            at: c.answered_at.map(filters::datetime_of).unwrap_or_default(),
            return_href: c
                .return_id
                .map(|id| format!("{order_base}/r/{id}?lang={lang}")),
        }
    });
    let reply = match (c.claim.status, c.claim.variant) {
        (ClaimStatus::AwaitingBuyer, Some(variant)) => Some(ReplyForm {
            action: format!("{base}/react?lang={lang}"),
            options: variant
                .reactions()
                .iter()
                .map(|r| ReplyOption {
                    value: r.code(),
                    label: reaction_label(tr, variant, *r),
                    checked: r.code() == input.reaction,
                })
                .collect(),
            message: input.message,
        }),
        _ => None,
    };
    ClaimPage {
        lang,
        tr,
        shop: Shop::of(merchant),
        langs: lang_links(&base, lang),
        back_href: format!("{order_base}?lang={lang}#protection"),
        messages_href: format!("{base}/messages?lang={lang}"),
        heading: tr.t1("claim-title", "number", &c.order_number),
        subtitle: tr.t1("claim-opened-on", "date", &filters::date_of(c.created_at)),
        notice,
        error,
        status_label: tr.t(&format!("claim-status-{}", c.claim.status.code())),
        status_class: status_class(c),
        wait,
        outcome: outcome_text(tr, c),
        mediator_message: c.decision_message.clone().filter(|m| !m.trim().is_empty()),
        kind: kind_label(tr, c.claim.kind),
        buyer_text: c.buyer_text.clone(),
        documents,
        answer,
        reply,
    }
}

type Opened = (
    Merchant,
    app::auth::BuyerAccess,
    ClaimRecord,
    Vec<String>,
    &'static str,
);

/// The shop, the checked link and the claim, which must be of the link's order.
async fn open(
    state: &AppState,
    slug: &str,
    token: &str,
    claim_id: &str,
    q: &LangQuery,
    headers: &HeaderMap,
) -> Result<Opened, PageError> {
    let (merchant, access, order, lang) = open_order(state, slug, token, q, headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let not_found = || {
        PageError::localized(
            StatusCode::NOT_FOUND,
            tr,
            "error-title-not-found",
            "claim-not-found",
        )
    };
    let claim_id = claim_id.parse::<i64>().map_err(|_| not_found())?;
    let c = match app::claims::load(state, merchant.id, claim_id).await {
        Ok(c) if c.order_id == order.id => c,
        Ok(_) | Err(AppError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(order_error(e, tr, &merchant.slug)),
    };
    let mut conn = state
        .db
        .reader()
        .acquire()
        .await
        .map_err(|e| PageError::from(AppError::from(e)))?;
    // The buyer sees the names of what they sent; the staff's files stay with the mediators.
    let documents = store::claims::documents(&mut conn, c.id)
        .await
        .map_err(|e| PageError::from(AppError::from(e)))?
        .into_iter()
        .filter(|d| d.uploaded_by == "buyer")
        .map(|d| d.filename)
        .collect();
    Ok((merchant, access, c, documents, lang))
}

pub async fn show(
    State(state): State<AppState>,
    Path((slug, token, claim_id)): Path<(String, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (merchant, _, c, documents, lang) =
        open(&state, &slug, &token, &claim_id, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let notice = match q.done.as_deref() {
        Some("opened") => Some(tr.t("claim-opened-now")),
        Some("reacted") => Some(tr.t("claim-reacted-now")),
        _ => None,
    };
    let extra = Extra {
        notice,
        ..Extra::default()
    };
    let page = page(tr, &merchant, &token, &c, documents, extra);
    Ok(render_status(StatusCode::OK, &page))
}

pub async fn react(
    State(state): State<AppState>,
    Path((slug, token, claim_id)): Path<(String, String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    Form(input): Form<ReplyInput>,
) -> PageResult<Response> {
    let (merchant, access, c, documents, lang) =
        open(&state, &slug, &token, &claim_id, &q, &headers).await?;
    let tr = Tr::new(&state.i18n, lang);
    let offered = c.claim.variant.map_or(&[][..], Variant::reactions);
    let chosen = Reaction::parse(input.reaction.trim()).filter(|r| offered.contains(r));
    let result = match chosen {
        None if c.claim.status == ClaimStatus::AwaitingBuyer => {
            Err((StatusCode::UNPROCESSABLE_ENTITY, tr.t("claim-react-choose")))
        }
        None => Err((StatusCode::CONFLICT, tr.t("claim-react-too-late"))),
        Some(reaction) => {
            match app::claims::react(
                &state,
                &merchant,
                c.id,
                reaction,
                &input.message,
                &access.email,
            )
            .await
            {
                Ok(_) => Ok(()),
                Err(AppError::Invalid(_)) => Err((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    tr.t("claim-text-too-long"),
                )),
                Err(AppError::Conflict(_)) => {
                    Err((StatusCode::CONFLICT, tr.t("claim-react-too-late")))
                }
                Err(e) => return Err(order_error(e, tr, &merchant.slug)),
            }
        }
    };
    match result {
        Ok(()) => {
            let to = format!(
                "/s/{slug}/o/{token}/claims/{}?lang={lang}&done=reacted",
                c.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err((status, message)) => {
            // Show the claim as it is now: it may have moved on meanwhile.
            let (merchant, _, c, documents, _) = if status == StatusCode::CONFLICT {
                open(&state, &slug, &token, &claim_id, &q, &headers).await?
            } else {
                (merchant, access, c, documents, lang)
            };
            let extra = Extra {
                input,
                notice: None,
                error: Some(message),
            };
            let page = page(tr, &merchant, &token, &c, documents, extra);
            Ok(render_status(status, &page))
        }
    }
}
