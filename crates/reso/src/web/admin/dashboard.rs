//! The insights dashboard (`GET /admin/insights`): a period's returns, return
//! rates, refunds and claims, each chart drawn on the server beside the table
//! of the same numbers. Every signed-in staff user may look; it changes nothing.

use super::session::Staff;
use super::Nav;
use crate::app;
use crate::web::charts::{self, Bar};
use crate::web::shared::{render, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use reso_domain::claim::{ClaimKind, Escalation};
use reso_domain::insights::{ClaimResult, Insights, Period};
use reso_domain::{Currency, ReturnReason, Timestamp};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct InsightsQuery {
    from: Option<String>,
    to: Option<String>,
    currency: Option<String>,
}

pub struct SkuRow {
    pub sku: String,
    pub sold: i64,
    pub returned: i64,
    pub rate: String,
}

pub struct ReasonRow {
    pub reason: &'static str,
    pub returned: i64,
    pub share: String,
    pub rate: String,
}

pub struct KindRow {
    pub kind: &'static str,
    pub total: i64,
    pub results: Vec<i64>,
}

#[derive(Template)]
#[template(path = "admin/insights.html")]
struct InsightsPage {
    lang: &'static str,
    nav: Nav,
    from: String,
    to: String,
    currency: String,
    currencies: Vec<String>,
    returns: i64,
    sold_units: i64,
    returned_units: i64,
    return_rate: String,
    skus: Vec<SkuRow>,
    other_skus: usize,
    sku_chart: String,
    reasons: Vec<ReasonRow>,
    reason_chart: String,
    refunds_paid: i64,
    refunded: String,
    waits_measured: usize,
    median_wait: String,
    p90_wait: String,
    claims_total: i64,
    result_names: Vec<&'static str>,
    kinds: Vec<KindRow>,
    kind_chart: String,
    result_totals: Vec<i64>,
    result_chart: String,
    answers_in_time: i64,
    answers_late: i64,
    answers_missed: i64,
    answers_pending: i64,
    answered_in_time: String,
    escalations: Vec<(&'static str, i64)>,
    escalated: i64,
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<InsightsQuery>,
) -> PageResult {
    let bad = |detail: String| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "Cannot show these insights",
            detail,
        )
        .with_link("/admin/insights", "Show the last 30 days")
    };
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), Timestamp(state.now()))
        .map_err(|e| bad(e.to_string()))?;
    let currency = match q.currency.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(Currency::parse(c).map_err(|e| bad(e.to_string()))?),
    };
    let dashboard = app::insights::dashboard(&state, &staff.merchant, period, currency)
        .await
        .map_err(PageError::from)?;
    let page = page(staff.nav(), &dashboard.insights, &dashboard.currencies);
    Ok(render(&page))
}

fn page(nav: Nav, i: &Insights, currencies: &[Currency]) -> InsightsPage {
    let skus: Vec<SkuRow> = i
        .skus
        .iter()
        .map(|s| SkuRow {
            sku: s.sku.clone(),
            sold: s.sold_units,
            returned: s.returned_units,
            rate: percent(s.return_rate_bp),
        })
        .collect();
    let sku_bars: Vec<Bar> = i
        .skus
        .iter()
        .map(|s| Bar {
            label: s.sku.clone(),
            value: s.return_rate_bp.unwrap_or(0),
        })
        .collect();
    let reason_bars: Vec<Bar> = i
        .reasons
        .iter()
        .map(|r| Bar {
            label: reason_name(r.reason).into(),
            value: r.returned_units,
        })
        .collect();
    let c = &i.claims;
    let result_totals: Vec<i64> = ClaimResult::ALL
        .iter()
        .map(|r| {
            c.by_kind
                .iter()
                .flat_map(|k| &k.results)
                .filter(|(result, _)| result == r)
                .map(|(_, n)| n)
                .sum()
        })
        .collect();
    let kind_bars: Vec<Bar> = c
        .by_kind
        .iter()
        .map(|k| Bar {
            label: kind_name(k.kind).into(),
            value: k.total,
        })
        .collect();
    let result_bars: Vec<Bar> = ClaimResult::ALL
        .iter()
        .zip(&result_totals)
        .map(|(r, n)| Bar {
            label: result_name(*r).into(),
            value: *n,
        })
        .collect();
    let count = |n: i64| n.to_string();
    InsightsPage {
        lang: "en",
        nav,
        from: i.period.from_date(),
        to: i.period.to_date(),
        currency: i.currency.to_string(),
        currencies: currencies.iter().map(Currency::to_string).collect(),
        returns: i.returns,
        sold_units: i.sold_units,
        returned_units: i.returned_units,
        return_rate: percent(i.return_rate_bp),
        skus,
        other_skus: i.other_skus,
        sku_chart: charts::bars("Return rate by SKU", &sku_bars, &|bp| percent(Some(bp))),
        reasons: i
            .reasons
            .iter()
            .map(|r| ReasonRow {
                reason: reason_name(r.reason),
                returned: r.returned_units,
                share: percent(r.share_bp),
                rate: percent(r.return_rate_bp),
            })
            .collect(),
        reason_chart: charts::bars("Units returned by reason", &reason_bars, &count),
        refunds_paid: i.refunds_paid,
        refunded: i.refunded.to_string(),
        waits_measured: i.waits.count,
        median_wait: wait(i.waits.median_ms),
        p90_wait: wait(i.waits.p90_ms),
        claims_total: c.total,
        result_names: ClaimResult::ALL.iter().map(|r| result_name(*r)).collect(),
        kinds: c
            .by_kind
            .iter()
            .map(|k| KindRow {
                kind: kind_name(k.kind),
                total: k.total,
                results: k.results.iter().map(|(_, n)| *n).collect(),
            })
            .collect(),
        kind_chart: charts::bars("Claims by kind", &kind_bars, &count),
        result_totals,
        result_chart: charts::bars("Claims by outcome", &result_bars, &count),
        answers_in_time: c.answers.in_time,
        answers_late: c.answers.late,
        answers_missed: c.answers.missed,
        answers_pending: c.answers.pending,
        answered_in_time: percent(c.answered_in_time_bp),
        escalations: c
            .escalations
            .iter()
            .map(|(e, n)| (escalation_name(*e), *n))
            .collect(),
        escalated: c.escalated,
    }
}

/// Basis points as "12.34 %"; "–" when there is nothing to divide by.
fn percent(bp: Option<i64>) -> String {
    match bp {
        Some(bp) => format!("{}.{:02} %", bp / 100, bp % 100),
        None => "–".into(),
    }
}

/// A wait in the largest units that say it: "2 d 5 h", "3 h 20 min", "45 s".
fn wait(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return "–".into();
    };
    let s = ms.max(0) / 1_000;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn reason_name(r: ReturnReason) -> &'static str {
    match r {
        ReturnReason::Damaged => "Damaged",
        ReturnReason::Defective => "Defective",
        ReturnReason::WrongItem => "Wrong item",
        ReturnReason::NotAsDescribed => "Not as described",
        ReturnReason::TooSmall => "Too small",
        ReturnReason::TooLarge => "Too large",
        ReturnReason::ChangedMind => "Changed mind",
        ReturnReason::ArrivedLate => "Arrived late",
        ReturnReason::Other => "Other",
    }
}

fn kind_name(k: ClaimKind) -> &'static str {
    match k {
        ClaimKind::NotReceived => "Not received",
        ClaimKind::RefundNotReceived => "Refund not received",
        ClaimKind::OtherProblem => "Other problem",
        ClaimKind::Chargeback => "Chargeback",
        ClaimKind::ProviderClaim => "Provider claim",
    }
}

fn result_name(r: ClaimResult) -> &'static str {
    match r {
        ClaimResult::Open => "Open",
        ClaimResult::RefundReceived => "Refund received",
        ClaimResult::Concluded => "Concluded",
        ClaimResult::ClosedAsAnswered => "Closed as answered",
        ClaimResult::Decided => "Mediator decided",
        ClaimResult::DisputeWon => "Dispute won",
        ClaimResult::DisputeLost => "Dispute lost",
    }
}

fn escalation_name(e: Escalation) -> &'static str {
    match e {
        Escalation::OtherProblem => "The buyer reported another problem",
        Escalation::MerchantSilent => "No answer within the deadline",
        Escalation::BuyerNotReceived => "The buyer says the refund did not arrive",
        Escalation::BuyerDisagrees => "The buyer disagrees with the answer",
        Escalation::MerchantInsolvent => "Shop marked insolvent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(percent(Some(1_234)), "12.34 %");
        assert_eq!(percent(Some(5)), "0.05 %");
        assert_eq!(percent(None), "–");
        assert_eq!(wait(Some(45_000)), "45 s");
        assert_eq!(wait(Some(20 * 60_000)), "20 min");
        assert_eq!(wait(Some((3 * 60 + 20) * 60_000)), "3 h 20 min");
        assert_eq!(wait(Some((2 * 24 + 5) * 3_600_000 + 59_000)), "2 d 5 h");
        assert_eq!(wait(None), "–");
    }
}
