//! What a draft decision matrix would have done with the shop's past return
//! requests, beside what the live rules did, before the draft goes live.
//!
//! Every past request is decided again by the draft on the facts it was
//! decided on. Figures are kept per currency: the rules compare amounts in
//! the order's currency, and one figure never adds two currencies.

use crate::claim::ClaimKind;
use crate::decision::{Decision, DecisionMatrix, RuleFacts};
use crate::money::{Currency, Money, MoneyError};

/// The decisions in the order the summary shows them.
pub const DECISIONS: [Decision; 4] = [
    Decision::AutoAuthorize,
    Decision::RefundWithoutReturn,
    Decision::RequestPhotos,
    Decision::ManualReview,
];

/// A past return request as it was decided, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastReturn {
    pub return_id: i64,
    pub order_id: i64,
    /// What was known when it was decided (its amount is the requested goods).
    pub facts: RuleFacts,
    /// What the live rules decided then.
    pub live: Decision,
    /// Refunded for it so far (pending or paid).
    pub refunded: Money,
    /// The value staff refused: the whole request when they rejected it,
    /// otherwise the units they did not accept at inspection.
    pub refused: Money,
}

/// A claim of the period on one of the shop's orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastClaim {
    pub claim_id: i64,
    pub order_id: i64,
    pub kind: ClaimKind,
    /// The value at stake (the order's goods).
    pub amount: Money,
}

/// How many requests one decision took, and the goods they asked to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionFigures {
    pub decision: Decision,
    pub count: i64,
    pub amount: Money,
}

/// The figures of the requests in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencySummary {
    pub currency: Currency,
    pub returns: i64,
    /// One row per decision, in [`DECISIONS`] order.
    pub live: Vec<DecisionFigures>,
    pub draft: Vec<DecisionFigures>,
    /// What was actually refunded for these requests.
    pub refunded: Money,
    /// Requests the draft decides otherwise, and the goods they asked to return.
    pub changed: i64,
    pub changed_amount: Money,
    /// Refunded without inspection under the draft though staff refused it
    /// (a request they rejected, or units refused at inspection): the risk.
    pub at_risk: Money,
    pub at_risk_returns: i64,
}

/// A request the draft decides otherwise than the live rules did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedDecision {
    pub return_id: i64,
    pub order_id: i64,
    pub from: Decision,
    pub to: Decision,
    /// The draft's rule that decided (none: no rule matched).
    pub rule: Option<String>,
    pub amount: Money,
    pub refunded: Money,
    pub refused: Money,
}

/// A claim on an order whose return the draft would have let through sooner
/// (authorized at once or refunded without return where the live rules had
/// staff look at it): the buyer might not have needed to claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvoidableClaim {
    pub claim_id: i64,
    pub order_id: i64,
    pub kind: ClaimKind,
    pub amount: Money,
    /// The order's first return the draft lets through sooner.
    pub return_id: i64,
    pub from: Decision,
    pub to: Decision,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIf {
    /// One per currency, in the order the currencies first appear.
    pub summaries: Vec<CurrencySummary>,
    /// In the order the requests were given (the caller's newest first).
    pub changed: Vec<ChangedDecision>,
    pub claims: Vec<AvoidableClaim>,
}

/// How soon a decision lets the buyer's request through: refunding without
/// the goods is sooner than authorizing at once, which is sooner than a person.
fn promptness(d: Decision) -> u8 {
    match d {
        Decision::RefundWithoutReturn => 2,
        Decision::AutoAuthorize => 1,
        Decision::ManualReview | Decision::RequestPhotos => 0,
    }
}

fn figures(currency: Currency) -> Vec<DecisionFigures> {
    DECISIONS
        .iter()
        .map(|&decision| DecisionFigures {
            decision,
            count: 0,
            amount: Money::zero(currency),
        })
        .collect()
}

fn add_to(
    rows: &mut [DecisionFigures],
    decision: Decision,
    amount: Money,
) -> Result<(), MoneyError> {
    for row in rows.iter_mut().filter(|r| r.decision == decision) {
        row.count += 1;
        row.amount = row.amount.checked_add(amount)?;
    }
    Ok(())
}

impl CurrencySummary {
    fn new(currency: Currency) -> Self {
        CurrencySummary {
            currency,
            returns: 0,
            live: figures(currency),
            draft: figures(currency),
            refunded: Money::zero(currency),
            changed: 0,
            changed_amount: Money::zero(currency),
            at_risk: Money::zero(currency),
            at_risk_returns: 0,
        }
    }
}

/// Decides every past request again with `draft` and compares.
pub fn replay(
    draft: &DecisionMatrix,
    returns: &[PastReturn],
    claims: &[PastClaim],
) -> Result<WhatIf, MoneyError> {
    let mut summaries: Vec<CurrencySummary> = Vec::new();
    let mut changed = Vec::new();
    // The first return of each order that the draft lets through sooner.
    let mut eased: Vec<(i64, i64, Decision, Decision)> = Vec::new();
    for past in returns {
        let amount = past.facts.amount;
        let at = match summaries.iter().position(|s| s.currency == amount.currency) {
            Some(at) => at,
            None => {
                summaries.push(CurrencySummary::new(amount.currency));
                summaries.len() - 1
            }
        };
        let summary = &mut summaries[at];
        let verdict = draft.decide(&past.facts);
        summary.returns += 1;
        add_to(&mut summary.live, past.live, amount)?;
        add_to(&mut summary.draft, verdict.decision, amount)?;
        summary.refunded = summary.refunded.checked_add(past.refunded)?;
        if verdict.decision == past.live {
            continue;
        }
        summary.changed += 1;
        summary.changed_amount = summary.changed_amount.checked_add(amount)?;
        if verdict.decision == Decision::RefundWithoutReturn && !past.refused.is_zero() {
            summary.at_risk_returns += 1;
            summary.at_risk = summary.at_risk.checked_add(past.refused)?;
        }
        if promptness(verdict.decision) > promptness(past.live)
            && !eased.iter().any(|e| e.0 == past.order_id)
        {
            eased.push((past.order_id, past.return_id, past.live, verdict.decision));
        }
        changed.push(ChangedDecision {
            return_id: past.return_id,
            order_id: past.order_id,
            from: past.live,
            to: verdict.decision,
            rule: verdict.rule,
            amount,
            refunded: past.refunded,
            refused: past.refused,
        });
    }
    let claims = claims
        .iter()
        .filter_map(|c| {
            let &(_, return_id, from, to) = eased.iter().find(|e| e.0 == c.order_id)?;
            Some(AvoidableClaim {
                claim_id: c.claim_id,
                order_id: c.order_id,
                kind: c.kind,
                amount: c.amount,
                return_id,
                from,
                to,
            })
        })
        .collect();
    Ok(WhatIf {
        summaries,
        changed,
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{Conditions, DecisionRule};
    use crate::reason::ReturnReason;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::parse("EUR").unwrap())
    }

    fn past(id: i64, order: i64, amount: i64, reason: ReturnReason, live: Decision) -> PastReturn {
        PastReturn {
            return_id: id,
            order_id: order,
            facts: RuleFacts {
                amount: eur(amount),
                reasons: vec![reason],
                days_since_delivery: Some(5),
                prior_returns: 0,
                has_photos: false,
            },
            live,
            refunded: eur(0),
            refused: eur(0),
        }
    }

    /// Damaged goods up to 50.00 are refunded without return; up to 100.00
    /// go through at once; the rest is looked at.
    fn draft() -> DecisionMatrix {
        DecisionMatrix {
            rules: vec![
                DecisionRule {
                    name: "small damaged".into(),
                    when: Conditions {
                        max_amount_minor: Some(5_000),
                        reasons: vec![ReturnReason::Damaged],
                        ..Conditions::default()
                    },
                    then: Decision::RefundWithoutReturn,
                },
                DecisionRule {
                    name: "up to 100".into(),
                    when: Conditions {
                        max_amount_minor: Some(10_000),
                        ..Conditions::default()
                    },
                    then: Decision::AutoAuthorize,
                },
            ],
        }
    }

    fn row(rows: &[DecisionFigures], d: Decision) -> (i64, i64) {
        let r = rows.iter().find(|r| r.decision == d).unwrap();
        (r.count, r.amount.minor)
    }

    #[test]
    fn figures_compare_draft_and_live() {
        let mut rejected = past(2, 20, 4_000, ReturnReason::Damaged, Decision::ManualReview);
        rejected.refused = eur(4_000);
        let mut refunded = past(
            3,
            30,
            8_000,
            ReturnReason::TooSmall,
            Decision::AutoAuthorize,
        );
        refunded.refunded = eur(8_000);
        let returns = vec![
            past(1, 10, 3_000, ReturnReason::Damaged, Decision::ManualReview),
            rejected,
            refunded,
            past(
                4,
                40,
                25_000,
                ReturnReason::Defective,
                Decision::RequestPhotos,
            ),
        ];
        let w = replay(&draft(), &returns, &[]).unwrap();
        assert_eq!(w.summaries.len(), 1);
        let s = &w.summaries[0];
        assert_eq!(s.returns, 4);
        assert_eq!(row(&s.live, Decision::ManualReview), (2, 7_000));
        assert_eq!(row(&s.live, Decision::AutoAuthorize), (1, 8_000));
        assert_eq!(row(&s.live, Decision::RequestPhotos), (1, 25_000));
        assert_eq!(row(&s.live, Decision::RefundWithoutReturn), (0, 0));
        assert_eq!(row(&s.draft, Decision::RefundWithoutReturn), (2, 7_000));
        assert_eq!(row(&s.draft, Decision::AutoAuthorize), (1, 8_000));
        // No rule matches 250.00: staff decide.
        assert_eq!(row(&s.draft, Decision::ManualReview), (1, 25_000));
        assert_eq!(row(&s.draft, Decision::RequestPhotos), (0, 0));
        assert_eq!(s.refunded.minor, 8_000);
        assert_eq!((s.changed, s.changed_amount.minor), (3, 32_000));
        // Only the rejected 40.00 would have gone out uninspected.
        assert_eq!((s.at_risk_returns, s.at_risk.minor), (1, 4_000));
        let ids: Vec<(i64, Decision, Decision)> = w
            .changed
            .iter()
            .map(|c| (c.return_id, c.from, c.to))
            .collect();
        assert_eq!(
            ids,
            vec![
                (1, Decision::ManualReview, Decision::RefundWithoutReturn),
                (2, Decision::ManualReview, Decision::RefundWithoutReturn),
                (4, Decision::RequestPhotos, Decision::ManualReview),
            ]
        );
        assert_eq!(w.changed[0].rule.as_deref(), Some("small damaged"));
        assert_eq!(w.changed[2].rule, None);
    }

    #[test]
    fn claims_on_orders_let_through_sooner_are_listed() {
        let returns = vec![
            past(1, 10, 3_000, ReturnReason::Damaged, Decision::ManualReview),
            // Sent to review by the draft: stricter, its claim stays.
            past(
                4,
                40,
                25_000,
                ReturnReason::Defective,
                Decision::RequestPhotos,
            ),
            // Unchanged.
            past(
                5,
                50,
                9_000,
                ReturnReason::TooSmall,
                Decision::AutoAuthorize,
            ),
        ];
        let claim = |id, order| PastClaim {
            claim_id: id,
            order_id: order,
            kind: ClaimKind::RefundNotReceived,
            amount: eur(23_800),
        };
        let claims = [claim(7, 10), claim(8, 40), claim(9, 50), claim(10, 99)];
        let w = replay(&draft(), &returns, &claims).unwrap();
        assert_eq!(
            w.claims,
            vec![AvoidableClaim {
                claim_id: 7,
                order_id: 10,
                kind: ClaimKind::RefundNotReceived,
                amount: eur(23_800),
                return_id: 1,
                from: Decision::ManualReview,
                to: Decision::RefundWithoutReturn,
            }]
        );
    }

    #[test]
    fn currencies_are_never_added_together() {
        let mut usd = past(2, 20, 2_000, ReturnReason::Damaged, Decision::ManualReview);
        let dollars = Currency::parse("USD").unwrap();
        usd.facts.amount = Money::new(2_000, dollars);
        usd.refunded = Money::zero(dollars);
        usd.refused = Money::zero(dollars);
        let returns = vec![
            past(1, 10, 3_000, ReturnReason::Damaged, Decision::ManualReview),
            usd,
        ];
        let w = replay(&draft(), &returns, &[]).unwrap();
        let per: Vec<(&str, i64, i64)> = w
            .summaries
            .iter()
            .map(|s| (s.currency.as_str(), s.returns, s.changed_amount.minor))
            .collect();
        assert_eq!(per, vec![("EUR", 1, 3_000), ("USD", 1, 2_000)]);
    }

    #[test]
    fn photos_sent_with_the_request_go_to_a_person() {
        let photos = DecisionMatrix {
            rules: vec![DecisionRule {
                name: "photos".into(),
                when: Conditions::default(),
                then: Decision::RequestPhotos,
            }],
        };
        let mut with_photos = past(1, 10, 3_000, ReturnReason::Damaged, Decision::ManualReview);
        with_photos.facts.has_photos = true;
        let w = replay(&photos, &[with_photos], &[]).unwrap();
        assert!(w.changed.is_empty());
        assert_eq!(
            row(&w.summaries[0].draft, Decision::ManualReview),
            (1, 3_000)
        );
    }
}
