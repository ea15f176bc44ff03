//! The settings form, both ways: a merchant's settings as form fields, and
//! posted fields back into `app::merchants::Settings`. The same struct is
//! the page's model, so a refused form comes back exactly as it was typed.
//!
//! The decision matrix is a table of rows whose fields repeat (`rule_name`,
//! `rule_outcome`, …) once per row, in order; checkboxes, which browsers
//! only send when ticked, carry their row's index in their value instead
//! (`rule_reasons=2:damaged`, `rule_delete=2`).

use super::money::{format_decimal, format_major, parse_decimal, parse_major};
use crate::app::events::STAFF_NOTIFICATIONS;
use crate::app::merchants::Settings;
use crate::app::{AppError, AppResult};
use crate::store::merchants::{Merchant, NotificationPrefs, SupportContact};
use reso_domain::decision::Conditions;
use reso_domain::{
    Currency, Decision, DecisionMatrix, DecisionRule, RefundMethod, RestockingFee, ReturnPolicy,
    ReturnReason, ReturnShipping,
};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const OUTCOMES: [Decision; 4] = [
    Decision::AutoAuthorize,
    Decision::ManualReview,
    Decision::RequestPhotos,
    Decision::RefundWithoutReturn,
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    pub name: String,
    pub support_email: String,
    pub support_phone: String,
    pub support_hours: String,
    pub support_url: String,
    pub return_address: String,
    pub default_locale: String,
    pub window_days: String,
    /// none, percent or fixed.
    pub restocking: String,
    pub restocking_percent: String,
    pub restocking_fixed: String,
    /// merchant or buyer.
    pub shipping_paid_by: String,
    pub label_cost: String,
    pub refund_method: String,
    pub non_returnable_skus: String,
    pub rule_index: Vec<String>,
    pub rule_position: Vec<String>,
    pub rule_name: Vec<String>,
    pub rule_min_amount: Vec<String>,
    pub rule_max_amount: Vec<String>,
    pub rule_max_days: Vec<String>,
    pub rule_max_prior: Vec<String>,
    pub rule_outcome: Vec<String>,
    pub rule_reasons: Vec<String>,
    pub rule_delete: Vec<String>,
    pub notify_kind: Vec<String>,
    pub notify_to: Vec<String>,
}

/// One row of the decision matrix table.
pub struct RuleRow {
    /// The row's index in the form (what checkboxes refer to).
    pub index: usize,
    pub position: String,
    pub name: String,
    pub min_amount: String,
    pub max_amount: String,
    pub max_days: String,
    pub max_prior: String,
    pub outcome: String,
    pub reasons: Vec<String>,
    pub delete: bool,
}

impl RuleRow {
    pub fn has_reason(&self, code: &&str) -> bool {
        self.reasons.iter().any(|r| r == code)
    }

    fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.min_amount,
            &self.max_amount,
            &self.max_days,
            &self.max_prior,
        ]
        .iter()
        .all(|f| f.trim().is_empty())
            && self.reasons.is_empty()
    }
}

pub struct NotifyRow {
    pub kind: &'static str,
    pub addresses: String,
}

fn nth(values: &[String], i: usize) -> String {
    values.get(i).cloned().unwrap_or_default()
}

fn optional_amount(minor: Option<i64>, currency: Currency) -> String {
    minor.map(|m| format_major(m, currency)).unwrap_or_default()
}

impl SettingsForm {
    pub fn from_merchant(m: &Merchant) -> SettingsForm {
        let c = m.currency;
        let p = &m.policy;
        let (restocking, restocking_percent, restocking_fixed) = match p.restocking_fee {
            RestockingFee::None => ("none", String::new(), String::new()),
            RestockingFee::Percent { basis_points } => (
                "percent",
                format_decimal(i64::from(basis_points), 2),
                String::new(),
            ),
            RestockingFee::Fixed { minor } => ("fixed", String::new(), format_major(minor, c)),
        };
        let (shipping_paid_by, label_cost) = match p.return_shipping {
            ReturnShipping::Merchant => ("merchant", String::new()),
            ReturnShipping::Buyer { label_cost_minor } => {
                ("buyer", format_major(label_cost_minor, c))
            }
        };
        let rules = &m.matrix.rules;
        let mut form = SettingsForm {
            name: m.name.clone(),
            support_email: m.support.email.clone(),
            support_phone: m.support.phone.clone(),
            support_hours: m.support.hours.clone(),
            support_url: m.support.url.clone(),
            return_address: m.return_address.clone(),
            default_locale: m.default_locale.clone(),
            window_days: p.window_days.to_string(),
            restocking: restocking.into(),
            restocking_percent,
            restocking_fixed,
            shipping_paid_by: shipping_paid_by.into(),
            label_cost,
            refund_method: p.refund_method.code().into(),
            non_returnable_skus: p.non_returnable_skus.join("\n"),
            rule_index: (0..rules.len()).map(|i| i.to_string()).collect(),
            rule_position: (1..=rules.len()).map(|i| i.to_string()).collect(),
            rule_name: rules.iter().map(|r| r.name.clone()).collect(),
            rule_min_amount: rules
                .iter()
                .map(|r| optional_amount(r.when.min_amount_minor, c))
                .collect(),
            rule_max_amount: rules
                .iter()
                .map(|r| optional_amount(r.when.max_amount_minor, c))
                .collect(),
            rule_max_days: rules
                .iter()
                .map(|r| {
                    r.when
                        .max_days_since_delivery
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                })
                .collect(),
            rule_max_prior: rules
                .iter()
                .map(|r| {
                    r.when
                        .max_prior_returns
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                })
                .collect(),
            rule_outcome: rules.iter().map(|r| r.then.code().to_string()).collect(),
            ..SettingsForm::default()
        };
        for (i, r) in rules.iter().enumerate() {
            form.rule_reasons.extend(
                r.when
                    .reasons
                    .iter()
                    .map(|reason| format!("{i}:{}", reason.code())),
            );
        }
        for (kind, addresses) in &m.notifications.0 {
            form.notify_kind.push(kind.clone());
            form.notify_to.push(addresses.join("\n"));
        }
        form
    }

    /// The rows as posted (or loaded), plus a blank one to add a rule.
    pub fn rule_rows(&self) -> Vec<RuleRow> {
        let mut rows: Vec<RuleRow> = self
            .rule_index
            .iter()
            .enumerate()
            .map(|(k, index)| {
                let prefix = format!("{}:", index.trim());
                RuleRow {
                    index: k,
                    position: nth(&self.rule_position, k),
                    name: nth(&self.rule_name, k),
                    min_amount: nth(&self.rule_min_amount, k),
                    max_amount: nth(&self.rule_max_amount, k),
                    max_days: nth(&self.rule_max_days, k),
                    max_prior: nth(&self.rule_max_prior, k),
                    outcome: nth(&self.rule_outcome, k),
                    reasons: self
                        .rule_reasons
                        .iter()
                        .filter_map(|r| r.strip_prefix(&prefix))
                        .map(str::to_string)
                        .collect(),
                    delete: self.rule_delete.iter().any(|d| d.trim() == index.trim()),
                }
            })
            .collect();
        if !rows.iter().any(RuleRow::is_blank) {
            let k = rows.len();
            rows.push(RuleRow {
                index: k,
                position: (k + 1).to_string(),
                name: String::new(),
                min_amount: String::new(),
                max_amount: String::new(),
                max_days: String::new(),
                max_prior: String::new(),
                outcome: Decision::ManualReview.code().into(),
                reasons: Vec::new(),
                delete: false,
            });
        }
        rows
    }

    /// One row per event staff can be notified of, with the addresses posted or saved.
    pub fn notify_rows(&self) -> Vec<NotifyRow> {
        STAFF_NOTIFICATIONS
            .iter()
            .map(|kind| NotifyRow {
                kind,
                addresses: self
                    .notify_kind
                    .iter()
                    .position(|k| k == kind)
                    .map(|i| nth(&self.notify_to, i))
                    .unwrap_or_default(),
            })
            .collect()
    }

    pub fn to_settings(&self, currency: Currency) -> AppResult<Settings> {
        Ok(Settings {
            name: self.name.trim().to_string(),
            support: SupportContact {
                email: self.support_email.trim().to_string(),
                phone: self.support_phone.trim().to_string(),
                hours: self.support_hours.trim().to_string(),
                url: self.support_url.trim().to_string(),
            },
            return_address: self.return_address.trim().to_string(),
            default_locale: self.default_locale.trim().to_string(),
            policy: self.policy(currency)?,
            matrix: self.matrix(currency)?,
            notifications: self.notifications(),
        })
    }

    fn policy(&self, currency: Currency) -> AppResult<ReturnPolicy> {
        let window_days = self
            .window_days
            .trim()
            .parse::<u32>()
            .map_err(|_| invalid("the return window must be a whole number of days"))?;
        let restocking_fee = match self.restocking.as_str() {
            "none" => RestockingFee::None,
            "percent" => {
                let bp = parse_decimal(&self.restocking_percent, 2)
                    .map_err(|e| invalid(format!("restocking fee percentage: {e}")))?;
                // Anything above u32 is far above 100 %: the policy's own check says so.
                RestockingFee::Percent {
                    basis_points: u32::try_from(bp).unwrap_or(u32::MAX),
                }
            }
            "fixed" => RestockingFee::Fixed {
                minor: parse_major(&self.restocking_fixed, currency)
                    .map_err(|e| invalid(format!("fixed restocking fee: {e}")))?,
            },
            _ => {
                return Err(invalid(
                    "choose a restocking fee: none, a percentage or a fixed amount",
                ))
            }
        };
        let return_shipping = match self.shipping_paid_by.as_str() {
            "merchant" => ReturnShipping::Merchant,
            "buyer" => {
                let cost = if self.label_cost.trim().is_empty() {
                    0
                } else {
                    parse_major(&self.label_cost, currency)
                        .map_err(|e| invalid(format!("return label cost: {e}")))?
                };
                ReturnShipping::Buyer {
                    label_cost_minor: cost,
                }
            }
            _ => return Err(invalid("choose who pays the return shipping")),
        };
        let refund_method = RefundMethod::parse(&self.refund_method)
            .ok_or_else(|| invalid("choose a refund method"))?;
        let mut skus: Vec<String> = Vec::new();
        for sku in self
            .non_returnable_skus
            .lines()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if sku.chars().count() > 64 {
                return Err(invalid(format!(
                    "'{sku}' is longer than a SKU can be (64 characters)"
                )));
            }
            if !skus.iter().any(|s| s == sku) {
                skus.push(sku.to_string());
            }
        }
        let policy = ReturnPolicy {
            window_days,
            restocking_fee,
            return_shipping,
            refund_method,
            non_returnable_skus: skus,
        };
        policy.validate()?;
        Ok(policy)
    }

    /// The decision matrix alone, checked (also the what-if's draft).
    pub fn matrix(&self, currency: Currency) -> AppResult<DecisionMatrix> {
        let mut kept: Vec<(i64, usize, DecisionRule)> = Vec::new();
        for row in self.rule_rows() {
            if row.delete || row.is_blank() {
                continue;
            }
            let n = row.index + 1;
            let position = if row.position.trim().is_empty() {
                n as i64
            } else {
                row.position.trim().parse::<i64>().map_err(|_| {
                    invalid(format!("rule {n}: the position must be a whole number"))
                })?
            };
            kept.push((position, row.index, rule(&row, n, currency)?));
        }
        // Staff reorder rules by their position numbers; ties keep the table's order.
        kept.sort_by_key(|(position, index, _)| (*position, *index));
        let matrix = DecisionMatrix {
            rules: kept.into_iter().map(|(_, _, r)| r).collect(),
        };
        matrix.validate()?;
        Ok(matrix)
    }

    fn notifications(&self) -> NotificationPrefs {
        let mut prefs = BTreeMap::new();
        for (i, kind) in self.notify_kind.iter().enumerate() {
            let mut addresses: Vec<String> = Vec::new();
            for a in nth(&self.notify_to, i)
                .split([',', ';', '\n', '\r', ' ', '\t'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                let a = a.to_lowercase();
                if !addresses.contains(&a) {
                    addresses.push(a);
                }
            }
            if !addresses.is_empty() {
                prefs.insert(kind.trim().to_string(), addresses);
            }
        }
        NotificationPrefs(prefs)
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid(message.into())
}

fn rule(row: &RuleRow, n: usize, currency: Currency) -> AppResult<DecisionRule> {
    let amount = |text: &str, what: &str| -> AppResult<Option<i64>> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_major(text, currency)
            .map(Some)
            .map_err(|e| invalid(format!("rule {n}, {what}: {e}")))
    };
    let count = |text: &str, what: &str| -> AppResult<Option<i64>> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        match text.trim().parse::<i64>() {
            Ok(v) if v >= 0 => Ok(Some(v)),
            _ => Err(invalid(format!(
                "rule {n}, {what}: enter a whole number of 0 or more"
            ))),
        }
    };
    let mut reasons = Vec::new();
    for code in &row.reasons {
        let reason = ReturnReason::parse(code)
            .ok_or_else(|| invalid(format!("rule {n}: '{code}' is not a return reason")))?;
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    let then = OUTCOMES
        .into_iter()
        .find(|d| d.code() == row.outcome)
        .ok_or_else(|| invalid(format!("rule {n}: choose what happens when it matches")))?;
    Ok(DecisionRule {
        name: row.name.trim().to_string(),
        when: Conditions {
            max_amount_minor: amount(&row.max_amount, "maximum amount")?,
            min_amount_minor: amount(&row.min_amount, "minimum amount")?,
            reasons,
            max_days_since_delivery: count(&row.max_days, "days since delivery")?,
            max_prior_returns: count(&row.max_prior, "prior returns")?,
        },
        then,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn form() -> SettingsForm {
        SettingsForm {
            name: "Shop".into(),
            support_email: "help@shop.test".into(),
            default_locale: "en".into(),
            window_days: "30".into(),
            restocking: "percent".into(),
            restocking_percent: "12.5".into(),
            shipping_paid_by: "buyer".into(),
            label_cost: "4.95".into(),
            refund_method: "store_credit".into(),
            non_returnable_skus: "SOCKS\n\n SOCKS \nGIFT".into(),
            rule_index: vec!["0".into(), "1".into(), "2".into()],
            rule_position: vec!["2".into(), "1".into(), "3".into()],
            rule_name: vec!["small".into(), "damaged".into(), String::new()],
            rule_min_amount: vec![String::new(), String::new(), String::new()],
            rule_max_amount: vec!["20".into(), "100.5".into(), String::new()],
            rule_max_days: vec![String::new(), "14".into(), String::new()],
            rule_max_prior: vec!["3".into(), String::new(), String::new()],
            rule_outcome: vec![
                "auto_authorize".into(),
                "refund_without_return".into(),
                "manual_review".into(),
            ],
            rule_reasons: vec!["1:damaged".into(), "1:defective".into()],
            ..SettingsForm::default()
        }
    }

    #[test]
    fn a_posted_form_becomes_settings() {
        let s = form().to_settings(eur()).unwrap();
        assert_eq!(
            s.policy.restocking_fee,
            RestockingFee::Percent { basis_points: 1250 }
        );
        assert_eq!(
            s.policy.return_shipping,
            ReturnShipping::Buyer {
                label_cost_minor: 495
            }
        );
        assert_eq!(
            s.policy.non_returnable_skus,
            vec!["SOCKS".to_string(), "GIFT".to_string()]
        );
        // Reordered by position; the blank row is not a rule.
        let names: Vec<&str> = s.matrix.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["damaged", "small"]);
        assert_eq!(
            s.matrix.rules[0].when.reasons,
            vec![ReturnReason::Damaged, ReturnReason::Defective]
        );
        assert_eq!(s.matrix.rules[0].when.max_amount_minor, Some(10_050));
        assert_eq!(s.matrix.rules[1].when.max_prior_returns, Some(3));
    }

    #[test]
    fn deleted_rules_are_dropped() {
        let mut f = form();
        f.rule_delete = vec!["1".into()];
        let s = f.to_settings(eur()).unwrap();
        assert_eq!(s.matrix.rules.len(), 1);
        assert_eq!(s.matrix.rules[0].name, "small");
    }

    #[test]
    fn bad_values_are_refused_with_the_rule_number() {
        let mut f = form();
        f.rule_max_days[1] = "soon".into();
        let err = f.to_settings(eur()).err().expect("refused");
        assert!(err.to_string().contains("rule 2"), "{err}");
        let mut f = form();
        f.restocking_percent = "150".into();
        assert!(f.to_settings(eur()).is_err());
        let mut f = form();
        f.window_days = "5000".into();
        assert!(f.to_settings(eur()).is_err());
    }

    #[test]
    fn saved_settings_round_trip_through_the_form() {
        let s = form().to_settings(eur()).unwrap();
        let m = Merchant {
            id: 1,
            slug: "shop".into(),
            name: s.name.clone(),
            support: s.support.clone(),
            return_address: s.return_address.clone(),
            default_locale: s.default_locale.clone(),
            currency: eur(),
            policy: s.policy.clone(),
            matrix: s.matrix.clone(),
            notifications: s.notifications.clone(),
            protection: Default::default(),
            insolvent_at: None,
        };
        let again = SettingsForm::from_merchant(&m).to_settings(eur()).unwrap();
        assert_eq!(again.policy, s.policy);
        assert_eq!(again.matrix, s.matrix);
    }
}
