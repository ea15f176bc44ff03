//! The decision matrix: a merchant's ordered rules that decide what happens to
//! a new return request. The first rule whose conditions all hold wins; when
//! none does, a person looks at it.

use crate::money::Money;
use crate::reason::ReturnReason;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Authorize at once: the buyer gets an RMA number and instructions.
    AutoAuthorize,
    /// Staff decide.
    ManualReview,
    /// Ask the buyer for photos first (if they sent some already, staff decide).
    RequestPhotos,
    /// Refund without asking for the goods back: cheaper than the return.
    RefundWithoutReturn,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::AutoAuthorize => "auto_authorize",
            Decision::ManualReview => "manual_review",
            Decision::RequestPhotos => "request_photos",
            Decision::RefundWithoutReturn => "refund_without_return",
        }
    }
}

/// Conditions of one rule. An absent condition always holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conditions {
    /// The requested goods are worth at most this (minor units of the order currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_amount_minor: Option<i64>,
    /// One of the requested lines has one of these reasons (empty: any reason).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ReturnReason>,
    /// Asked for at most this many days after delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days_since_delivery: Option<i64>,
    /// The buyer made at most this many returns with this shop in the past year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_prior_returns: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    pub name: String,
    #[serde(default)]
    pub when: Conditions,
    pub then: Decision,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionMatrix {
    pub rules: Vec<DecisionRule>,
}

/// What is known about a return request when it is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFacts {
    pub amount: Money,
    pub reasons: Vec<ReturnReason>,
    /// None while the goods have not been delivered.
    pub days_since_delivery: Option<i64>,
    pub prior_returns: i64,
    pub has_photos: bool,
}

/// The outcome and the rule that produced it, for the return's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub decision: Decision,
    pub rule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    #[error("rule {0} needs a name of 1 to 80 characters")]
    BadName(usize),
    #[error("rule {0}: amounts must not be negative")]
    NegativeAmount(usize),
    #[error("rule {0}: the minimum amount is above the maximum")]
    EmptyRange(usize),
    #[error("at most 50 rules")]
    TooManyRules,
}

impl Conditions {
    fn hold_for(&self, facts: &RuleFacts) -> bool {
        let amount = facts.amount.minor;
        self.max_amount_minor.is_none_or(|max| amount <= max)
            && self.min_amount_minor.is_none_or(|min| amount >= min)
            && (self.reasons.is_empty() || facts.reasons.iter().any(|r| self.reasons.contains(r)))
            && self
                .max_days_since_delivery
                .is_none_or(|max| facts.days_since_delivery.is_none_or(|d| d <= max))
            && self
                .max_prior_returns
                .is_none_or(|max| facts.prior_returns <= max)
    }
}

impl DecisionMatrix {
    /// A sensible start for a new shop: small, recent returns from buyers who
    /// rarely return go through at once; everything else is looked at.
    pub fn starter() -> Self {
        DecisionMatrix {
            rules: vec![
                DecisionRule {
                    name: "Expensive returns need photos".into(),
                    when: Conditions {
                        min_amount_minor: Some(50_000),
                        ..Conditions::default()
                    },
                    then: Decision::RequestPhotos,
                },
                DecisionRule {
                    name: "Small returns from regular buyers go through".into(),
                    when: Conditions {
                        max_amount_minor: Some(20_000),
                        max_prior_returns: Some(3),
                        ..Conditions::default()
                    },
                    then: Decision::AutoAuthorize,
                },
            ],
        }
    }

    pub fn validate(&self) -> Result<(), MatrixError> {
        if self.rules.len() > 50 {
            return Err(MatrixError::TooManyRules);
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let n = i + 1;
            let len = rule.name.trim().chars().count();
            if len == 0 || len > 80 {
                return Err(MatrixError::BadName(n));
            }
            let w = &rule.when;
            if w.max_amount_minor.is_some_and(|a| a < 0)
                || w.min_amount_minor.is_some_and(|a| a < 0)
            {
                return Err(MatrixError::NegativeAmount(n));
            }
            if let (Some(min), Some(max)) = (w.min_amount_minor, w.max_amount_minor) {
                if min > max {
                    return Err(MatrixError::EmptyRange(n));
                }
            }
        }
        Ok(())
    }

    pub fn decide(&self, facts: &RuleFacts) -> Verdict {
        for rule in &self.rules {
            if rule.when.hold_for(facts) {
                let decision = match rule.then {
                    // Photos already came with the request: a person looks at them.
                    Decision::RequestPhotos if facts.has_photos => Decision::ManualReview,
                    d => d,
                };
                return Verdict {
                    decision,
                    rule: Some(rule.name.clone()),
                };
            }
        }
        Verdict {
            decision: Decision::ManualReview,
            rule: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn facts(amount: i64, reason: ReturnReason) -> RuleFacts {
        RuleFacts {
            amount: Money::new(amount, Currency::parse("EUR").unwrap()),
            reasons: vec![reason],
            days_since_delivery: Some(3),
            prior_returns: 0,
            has_photos: false,
        }
    }

    fn matrix() -> DecisionMatrix {
        DecisionMatrix {
            rules: vec![
                DecisionRule {
                    name: "goodwill".into(),
                    when: Conditions {
                        max_amount_minor: Some(1000),
                        reasons: vec![ReturnReason::Damaged],
                        ..Conditions::default()
                    },
                    then: Decision::RefundWithoutReturn,
                },
                DecisionRule {
                    name: "photos above 100".into(),
                    when: Conditions {
                        min_amount_minor: Some(10_000),
                        ..Conditions::default()
                    },
                    then: Decision::RequestPhotos,
                },
                DecisionRule {
                    name: "inside 14 days".into(),
                    when: Conditions {
                        max_days_since_delivery: Some(14),
                        ..Conditions::default()
                    },
                    then: Decision::AutoAuthorize,
                },
            ],
        }
    }

    #[test]
    fn first_matching_rule_wins() {
        let m = matrix();
        assert_eq!(
            m.decide(&facts(500, ReturnReason::Damaged)).decision,
            Decision::RefundWithoutReturn
        );
        assert_eq!(
            m.decide(&facts(500, ReturnReason::TooSmall)).decision,
            Decision::AutoAuthorize
        );
        assert_eq!(
            m.decide(&facts(20_000, ReturnReason::TooSmall)).decision,
            Decision::RequestPhotos
        );
    }

    #[test]
    fn photos_already_sent_go_to_a_person() {
        let mut f = facts(20_000, ReturnReason::TooSmall);
        f.has_photos = true;
        assert_eq!(matrix().decide(&f).decision, Decision::ManualReview);
    }

    #[test]
    fn no_match_means_manual_review() {
        let mut f = facts(500, ReturnReason::TooSmall);
        f.days_since_delivery = Some(20);
        let v = matrix().decide(&f);
        assert_eq!(
            v,
            Verdict {
                decision: Decision::ManualReview,
                rule: None
            }
        );
    }

    #[test]
    fn invalid_rules_are_refused() {
        let mut m = matrix();
        m.rules[0].when.min_amount_minor = Some(5000);
        assert_eq!(m.validate(), Err(MatrixError::EmptyRange(1)));
        m.rules[0].name = " ".into();
        assert_eq!(m.validate(), Err(MatrixError::BadName(1)));
    }
}
