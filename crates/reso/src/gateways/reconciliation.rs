//! The providers' record of refunds, to compare with Reso's (reconciliation).
//!
//! Stripe and Klarna can list a payment's refunds; PayPal (a capture does not
//! name its refunds, and nothing in its payments API lists them) and Adyen
//! (no refund listing API) are reconciled from their notifications alone:
//! the refunds Reso could not match when they arrived.
//!
//! The comparison itself is a pure function of both records: which refund is
//! which, and what differs.

use super::notification::{RefundNews, RefundState};
use super::providers::{Provider, ProviderAccount};
use super::{GatewayError, RefundRequest};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

pub type RefundListFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<RefundNews>, GatewayError>> + Send + 'a>>;

/// A provider that can say which refunds a payment has.
pub trait ListsRefunds: Send + Sync {
    /// Every refund the provider has on the payment, whoever made it.
    fn refunds_on<'a>(&'a self, payment_reference: &'a str) -> RefundListFuture<'a>;
}

/// The refund lister of a connected account; `None` for providers that
/// cannot list a payment's refunds (PayPal, Adyen).
pub fn for_account(
    account: &ProviderAccount,
    http: reqwest::Client,
) -> Option<Box<dyn ListsRefunds>> {
    match account.provider {
        Provider::Stripe => Some(Box::new(super::stripe::Stripe::new(
            super::stripe::StripeAccount::from_provider(account),
            http,
        ))),
        Provider::Klarna => Some(Box::new(super::klarna::Klarna::new(
            super::klarna::KlarnaAccount::from_provider(account),
            http,
        ))),
        Provider::Paypal | Provider::Adyen => None,
    }
}

/// A refund's status in Reso's ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResoStatus {
    Pending,
    Succeeded,
    Failed,
    Reversed,
}

impl ResoStatus {
    pub fn parse(code: &str) -> Option<ResoStatus> {
        Some(match code {
            "pending" => ResoStatus::Pending,
            "succeeded" => ResoStatus::Succeeded,
            "failed" => ResoStatus::Failed,
            "reversed" => ResoStatus::Reversed,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            ResoStatus::Pending => "pending",
            ResoStatus::Succeeded => "succeeded",
            ResoStatus::Failed => "failed",
            ResoStatus::Reversed => "reversed",
        }
    }
}

/// One of Reso's refunds through the provider on the payment compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResoRefund {
    pub id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub status: ResoStatus,
    pub gateway_refund_id: Option<String>,
}

impl ResoRefund {
    /// Whether the provider must know it: it went through (or was taken
    /// back), or the provider already gave it an id. A pending refund with no
    /// id may not have been sent yet; a failed one may never have arrived.
    fn reached_provider(&self) -> bool {
        match self.status {
            ResoStatus::Succeeded | ResoStatus::Reversed => true,
            ResoStatus::Pending => self.gateway_refund_id.is_some(),
            ResoStatus::Failed => false,
        }
    }
}

/// What Reso does to catch up with the provider: the same forward-only
/// moves its notifications make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatchUp {
    /// The pending refund went through, under the provider's id.
    Succeed { gateway_refund_id: String },
    /// The pending refund did not go through: the money is owed again.
    Fail { reason: String },
    /// The succeeded refund was taken back by the provider.
    Reverse { reason: String },
}

/// How a pending or succeeded refund moves forward to what the provider
/// says; `None` when it is there already, or when that would be a step back
/// (a final state is never reopened by news).
pub fn catch_up(reso: ResoStatus, provider: &RefundNews, name: &str) -> Option<CatchUp> {
    let gateway_refund_id = provider.gateway_refund_id.clone();
    match (&provider.state, reso) {
        (RefundState::Succeeded, ResoStatus::Pending) => {
            Some(CatchUp::Succeed { gateway_refund_id })
        }
        (RefundState::Failed { reason }, ResoStatus::Pending) => Some(CatchUp::Fail {
            reason: reason.clone(),
        }),
        // Taken back before Reso heard it had gone through: it never went.
        (RefundState::Reversed { reason }, ResoStatus::Pending) => Some(CatchUp::Fail {
            reason: format!("reversed by {name}: {reason}"),
        }),
        (
            RefundState::Failed { reason } | RefundState::Reversed { reason },
            ResoStatus::Succeeded,
        ) => Some(CatchUp::Reverse {
            reason: reason.clone(),
        }),
        _ => None,
    }
}

/// Whether both sides say the same about where the money is. A provider
/// reports a refund taken back after success as failed (Stripe), so failed
/// and reversed agree with each other: either way the money did not go back.
fn states_agree(reso: ResoStatus, provider: &RefundState) -> bool {
    matches!(
        (reso, provider),
        (ResoStatus::Pending, RefundState::Pending)
            | (ResoStatus::Succeeded, RefundState::Succeeded)
            | (
                ResoStatus::Failed | ResoStatus::Reversed,
                RefundState::Failed { .. } | RefundState::Reversed { .. }
            )
    )
}

/// What differs between Reso and the provider about one refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Reso says the refund reached the provider; the provider has none.
    MissingAtProvider { refund_id: i64 },
    /// The same refund, for another amount (or currency).
    AmountDiffers {
        refund_id: i64,
        provider: RefundNews,
    },
    /// The same refund in another state; `catch_up` is how Reso follows,
    /// `None` when it would be a step back (for a person to look at).
    StateDiffers {
        refund_id: i64,
        reso: ResoStatus,
        provider: RefundNews,
        catch_up: Option<CatchUp>,
    },
    /// A refund Reso has no record of: made in the provider's dashboard.
    UnknownToReso { provider: RefundNews },
}

/// Compares Reso's refunds on one payment with the provider's. `listed` is
/// the provider's full list when it can give one (then a refund Reso sent
/// and the provider lacks is missing); `notified` are refunds the provider
/// told Reso of and Reso could not match then. A notified refund that Reso
/// knows now was already applied by its notification, so only unknown ones
/// count. Refunds are matched by the provider's id, else by Reso's own
/// reference echoed back (while the refund has no other provider id).
pub fn compare(
    reso: &[ResoRefund],
    listed: Option<&[RefundNews]>,
    notified: &[RefundNews],
    name: &str,
) -> Vec<Difference> {
    let mut matched = vec![false; reso.len()];
    let mut seen: HashSet<&str> = HashSet::new();
    let mut differences = Vec::new();
    for news in listed.unwrap_or_default() {
        if !seen.insert(&news.gateway_refund_id) {
            continue;
        }
        match match_of(reso, &matched, news) {
            Some(i) => {
                matched[i] = true;
                differences.extend(differences_of(&reso[i], news, name));
            }
            None => differences.push(Difference::UnknownToReso {
                provider: news.clone(),
            }),
        }
    }
    for news in notified {
        if !seen.insert(&news.gateway_refund_id) {
            continue;
        }
        match match_of(reso, &matched, news) {
            Some(i) => matched[i] = true,
            None => differences.push(Difference::UnknownToReso {
                provider: news.clone(),
            }),
        }
    }
    if listed.is_some() {
        for (refund, _) in reso.iter().zip(&matched).filter(|(_, m)| !**m) {
            if refund.reached_provider() {
                differences.push(Difference::MissingAtProvider {
                    refund_id: refund.id,
                });
            }
        }
    }
    differences
}

/// The Reso refund a provider's refund is, among those not matched yet.
fn match_of(reso: &[ResoRefund], matched: &[bool], news: &RefundNews) -> Option<usize> {
    let free = |i: &usize| !matched[*i];
    let by_id = (0..reso.len())
        .filter(free)
        .find(|i| reso[*i].gateway_refund_id.as_deref() == Some(&news.gateway_refund_id));
    by_id.or_else(|| {
        let id = news
            .reso_reference
            .as_deref()
            .and_then(RefundRequest::refund_id_from)?;
        (0..reso.len()).filter(free).find(|i| {
            reso[*i].id == id
                && reso[*i]
                    .gateway_refund_id
                    .as_ref()
                    .is_none_or(|g| *g == news.gateway_refund_id)
        })
    })
}

fn differences_of(refund: &ResoRefund, news: &RefundNews, name: &str) -> Vec<Difference> {
    let mut out = Vec::new();
    if refund.amount_minor != news.amount.minor
        || !refund
            .currency
            .eq_ignore_ascii_case(news.amount.currency.as_str())
    {
        out.push(Difference::AmountDiffers {
            refund_id: refund.id,
            provider: news.clone(),
        });
    }
    if !states_agree(refund.status, &news.state) {
        out.push(Difference::StateDiffers {
            refund_id: refund.id,
            reso: refund.status,
            provider: news.clone(),
            catch_up: catch_up(refund.status, news, name),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reso_domain::{Currency, Money};

    fn news(id: &str, reso: Option<i64>, minor: i64, state: RefundState) -> RefundNews {
        RefundNews {
            gateway_refund_id: id.into(),
            payment_reference: "pi_1".into(),
            reso_reference: reso.map(RefundRequest::key_for),
            amount: Money::new(minor, Currency::parse("EUR").unwrap()),
            state,
        }
    }

    fn refund(id: i64, minor: i64, status: ResoStatus, gateway: Option<&str>) -> ResoRefund {
        ResoRefund {
            id,
            amount_minor: minor,
            currency: "EUR".into(),
            status,
            gateway_refund_id: gateway.map(String::from),
        }
    }

    #[test]
    fn the_same_refunds_on_both_sides_differ_in_nothing() {
        let reso = [
            refund(1, 500, ResoStatus::Succeeded, Some("re_1")),
            refund(2, 300, ResoStatus::Reversed, Some("re_2")),
        ];
        let listed = [
            news("re_1", Some(1), 500, RefundState::Succeeded),
            news(
                "re_2",
                Some(2),
                300,
                RefundState::Failed {
                    reason: "lost_or_stolen_card".into(),
                },
            ),
        ];
        assert_eq!(compare(&reso, Some(&listed), &[], "stripe"), vec![]);
    }

    #[test]
    fn each_kind_of_difference_is_found() {
        let reso = [
            refund(1, 500, ResoStatus::Succeeded, Some("re_1")),
            refund(2, 900, ResoStatus::Succeeded, Some("re_2")),
            // Matched by Reso's reference: the worker never heard back.
            refund(3, 200, ResoStatus::Pending, None),
            refund(4, 700, ResoStatus::Succeeded, Some("re_4")),
            // Not sent yet: the provider cannot know it.
            refund(5, 100, ResoStatus::Pending, None),
        ];
        let listed = [
            news("re_1", Some(1), 500, RefundState::Succeeded),
            news("re_2", Some(2), 800, RefundState::Succeeded),
            news("re_3", Some(3), 200, RefundState::Succeeded),
            news("re_dash", None, 1_000, RefundState::Succeeded),
        ];
        let found = compare(&reso, Some(&listed), &[], "stripe");
        assert_eq!(
            found,
            vec![
                Difference::AmountDiffers {
                    refund_id: 2,
                    provider: listed[1].clone()
                },
                Difference::StateDiffers {
                    refund_id: 3,
                    reso: ResoStatus::Pending,
                    provider: listed[2].clone(),
                    catch_up: Some(CatchUp::Succeed {
                        gateway_refund_id: "re_3".into()
                    }),
                },
                Difference::UnknownToReso {
                    provider: listed[3].clone()
                },
                Difference::MissingAtProvider { refund_id: 4 },
            ]
        );
    }

    #[test]
    fn a_reference_does_not_match_a_refund_the_provider_named_otherwise() {
        let reso = [refund(1, 500, ResoStatus::Succeeded, Some("re_1"))];
        let listed = [news("re_other", Some(1), 500, RefundState::Succeeded)];
        let found = compare(&reso, Some(&listed), &[], "stripe");
        assert!(matches!(found[0], Difference::UnknownToReso { .. }));
        assert_eq!(found[1], Difference::MissingAtProvider { refund_id: 1 });
    }

    #[test]
    fn notified_refunds_count_only_while_unknown() {
        let reso = [refund(1, 500, ResoStatus::Succeeded, Some("psp_1"))];
        let notified = [
            // Imported earlier, or applied by its notification: nothing to do.
            news("psp_1", None, 500, RefundState::Pending),
            news("psp_dash", None, 250, RefundState::Succeeded),
        ];
        assert_eq!(
            compare(&reso, None, &notified, "adyen"),
            vec![Difference::UnknownToReso {
                provider: notified[1].clone()
            }]
        );
        // Without a list nothing can be missing at the provider.
        assert_eq!(compare(&reso, None, &[], "adyen"), vec![]);
        // A refund both listed and notified is compared once, as listed.
        let listed = [news("psp_1", None, 500, RefundState::Succeeded)];
        assert_eq!(
            compare(&reso, Some(&listed), &notified[..1], "adyen"),
            vec![]
        );
    }

    #[test]
    fn catching_up_only_moves_forward() {
        let failed = RefundState::Failed {
            reason: "expired_card".into(),
        };
        let n = |state: RefundState| news("re_1", None, 1, state);
        assert_eq!(
            catch_up(ResoStatus::Pending, &n(failed.clone()), "stripe"),
            Some(CatchUp::Fail {
                reason: "expired_card".into()
            })
        );
        assert_eq!(
            catch_up(ResoStatus::Succeeded, &n(failed.clone()), "stripe"),
            Some(CatchUp::Reverse {
                reason: "expired_card".into()
            })
        );
        assert_eq!(
            catch_up(
                ResoStatus::Pending,
                &n(RefundState::Reversed {
                    reason: "bank".into()
                }),
                "adyen"
            ),
            Some(CatchUp::Fail {
                reason: "reversed by adyen: bank".into()
            })
        );
        // A final state is never reopened.
        assert_eq!(
            catch_up(ResoStatus::Failed, &n(RefundState::Succeeded), "stripe"),
            None
        );
        assert_eq!(
            catch_up(ResoStatus::Succeeded, &n(RefundState::Pending), "stripe"),
            None
        );
        assert!(!states_agree(ResoStatus::Failed, &RefundState::Succeeded));
        assert!(states_agree(ResoStatus::Reversed, &failed));
    }

    #[test]
    fn statuses_parse_back() {
        for s in [
            ResoStatus::Pending,
            ResoStatus::Succeeded,
            ResoStatus::Failed,
            ResoStatus::Reversed,
        ] {
            assert_eq!(ResoStatus::parse(s.code()), Some(s));
        }
        assert_eq!(ResoStatus::parse("sent"), None);
    }
}
