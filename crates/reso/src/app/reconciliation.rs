//! Reconciling Reso's refunds with the payment providers' (`reso reconcile`).
//! For every payment through a connected provider: the provider's list of the
//! payment's refunds where it can give one, plus the refunds its
//! notifications named and Reso could not match then (`refund.unmatched`),
//! compared with Reso's refunds of that payment. Reso then catches up the way
//! notifications move it (forward only) and imports refunds made in the
//! provider's dashboard, each payment in one transaction under its order's
//! lock; a second run finds them recorded and changes nothing.

use super::events::{record, EventInput};
use super::payment_providers::account_for;
use super::refunds::{catch_up_in, Method};
use super::{merchants, AppResult};
use crate::gateways::notification::{RefundNews, RefundState};
use crate::gateways::providers::{Provider, ProviderAccount};
use crate::gateways::reconciliation::{
    compare, for_account, CatchUp, Difference, ListsRefunds, ResoRefund, ResoStatus,
};
use crate::store::reconciliation::{ImportedRefund, ProviderPayment};
use crate::store::{self, merchants::Merchant, Tx};
use crate::AppState;
use reso_domain::{Currency, Money, Timestamp};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt;

/// Which payments to reconcile.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// One merchant's slug; every merchant when absent.
    pub merchant: Option<String>,
    /// One provider; every provider when absent.
    pub provider: Option<Provider>,
    /// Payments of orders placed at or after this instant.
    pub since: Option<Timestamp>,
    /// Report only: change nothing.
    pub dry_run: bool,
}

/// One difference, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `missing_at_provider`, `amount_differs`, `state_differs`,
    /// `unknown_to_reso` or `over_captured`.
    pub kind: &'static str,
    pub merchant: String,
    pub provider: &'static str,
    pub order_number: String,
    pub payment_reference: String,
    /// Reso's refund (the imported one for a dashboard refund).
    pub refund_id: Option<i64>,
    pub gateway_refund_id: Option<String>,
    pub currency: String,
    pub reso_amount_minor: Option<i64>,
    pub provider_amount_minor: Option<i64>,
    pub reso_state: Option<&'static str>,
    pub provider_state: Option<&'static str>,
    /// What it is, in a sentence.
    pub detail: String,
    /// What Reso did about it.
    pub action: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} order {} {} {}",
            self.kind, self.merchant, self.order_number, self.provider, self.payment_reference
        )?;
        if let Some(id) = self.refund_id {
            write!(f, " refund {id}")?;
        }
        if let Some(id) = &self.gateway_refund_id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {} — {}", self.detail, self.action)
    }
}

/// A payment (or account) that could not be reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trouble {
    pub merchant: String,
    pub provider: &'static str,
    pub payment_reference: Option<String>,
    pub error: String,
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {} {}", self.merchant, self.provider)?;
        if let Some(reference) = &self.payment_reference {
            write!(f, " {reference}")?;
        }
        write!(f, ": {}", self.error)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub dry_run: bool,
    pub payments_checked: usize,
    pub findings: Vec<Finding>,
    pub errors: Vec<Trouble>,
}

impl Report {
    pub fn over_captured(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.kind == "over_captured")
    }
}

/// Reconciles the payments in `scope`. A provider that cannot be asked about
/// one payment is reported and the next payment is tried.
pub async fn reconcile(
    state: &AppState,
    scope: &Scope,
    http: &reqwest::Client,
) -> AppResult<Report> {
    let shops = match &scope.merchant {
        Some(slug) => vec![merchants::by_slug(state, slug).await?],
        None => {
            let mut conn = state.db.reader().acquire().await?;
            store::merchants::all(&mut conn).await?
        }
    };
    let providers = scope.provider.map_or(Provider::ALL.to_vec(), |p| vec![p]);
    let mut report = Report {
        dry_run: scope.dry_run,
        ..Report::default()
    };
    for merchant in &shops {
        for provider in &providers {
            let trouble = |error: String| Trouble {
                merchant: merchant.slug.clone(),
                provider: provider.code(),
                payment_reference: None,
                error,
            };
            let account = match account_for(state, merchant.id, *provider).await {
                Ok(Some(account)) => account,
                Ok(None) => continue,
                Err(e) => {
                    report.errors.push(trouble(e.to_string()));
                    continue;
                }
            };
            let lister = for_account(&account, http.clone());
            let payments = {
                let mut conn = state.db.reader().acquire().await?;
                let since = scope.since.map_or(i64::MIN, Timestamp::millis);
                store::reconciliation::payments(&mut conn, merchant.id, provider.code(), since)
                    .await?
            };
            for payment in &payments {
                report.payments_checked += 1;
                let one = Payment {
                    merchant,
                    account: &account,
                    payment,
                };
                if let Err(e) = one
                    .reconcile(state, lister.as_deref(), scope.dry_run, &mut report)
                    .await
                {
                    report.errors.push(Trouble {
                        payment_reference: Some(payment.reference.clone()),
                        ..trouble(format!("{e:#}"))
                    });
                }
            }
        }
    }
    Ok(report)
}

/// One payment being reconciled.
struct Payment<'a> {
    merchant: &'a Merchant,
    account: &'a ProviderAccount,
    payment: &'a ProviderPayment,
}

impl Payment<'_> {
    fn provider(&self) -> &'static str {
        self.account.provider.code()
    }

    async fn reconcile(
        &self,
        state: &AppState,
        lister: Option<&dyn ListsRefunds>,
        dry_run: bool,
        report: &mut Report,
    ) -> anyhow::Result<()> {
        let listed = match lister {
            Some(lister) => Some(lister.refunds_on(&self.payment.reference).await?),
            None => None,
        };
        let (reso, notified) = {
            let mut conn = state.db.reader().acquire().await?;
            let refunds = store::refunds::for_order(&mut conn, self.payment.order_id).await?;
            let reso: Vec<ResoRefund> = refunds
                .iter()
                .filter(|r| {
                    r.payment_id == self.payment.id
                        && r.gateway == self.payment.gateway
                        && r.method == Method::OriginalPayment.code()
                })
                .filter_map(|r| {
                    Some(ResoRefund {
                        id: r.id,
                        amount_minor: r.amount_minor,
                        currency: r.currency.clone(),
                        status: ResoStatus::parse(&r.status)?,
                        gateway_refund_id: r.gateway_refund_id.clone(),
                    })
                })
                .collect();
            let events = store::events::for_order(&mut conn, self.payment.order_id).await?;
            (reso, self.unmatched_news(&events))
        };
        let differences = compare(&reso, listed.as_deref(), &notified, self.provider());
        if differences.is_empty() {
            return Ok(());
        }
        let now = state.now();
        let mut tx = state.db.begin().await?;
        if !dry_run {
            store::orders::lock(&mut tx, self.payment.order_id, now).await?;
        }
        let mut findings = Vec::new();
        for difference in &differences {
            findings.extend(
                self.resolve(&mut tx, difference, &reso, dry_run, now)
                    .await?,
            );
        }
        if dry_run {
            // A dry run only read: nothing to keep.
            drop(tx);
        } else {
            tx.commit().await?;
        }
        for finding in findings.iter().filter(|f| f.kind == "over_captured") {
            tracing::error!(merchant = %finding.merchant, order = %finding.order_number, payment = %finding.payment_reference, "{}", finding.detail);
        }
        report.findings.extend(findings);
        Ok(())
    }

    /// The provider's news this order's timeline kept as unmatched, for this
    /// payment: the latest word on each refund first.
    fn unmatched_news(&self, events: &[store::events::EventRecord]) -> Vec<RefundNews> {
        let mut news: Vec<(i64, i64, RefundNews)> = events
            .iter()
            .filter(|e| e.kind == "refund.unmatched")
            .filter(|e| e.data["gateway"] == self.payment.gateway)
            .filter(|e| e.data["payment_reference"] == self.payment.reference.as_str())
            .filter_map(|e| {
                let at = e.data["occurred_at"].as_i64().unwrap_or(e.at);
                Some((at, e.id, news_of(&e.data)?))
            })
            .collect();
        news.sort_by_key(|n| std::cmp::Reverse((n.0, n.1)));
        news.into_iter().map(|(_, _, n)| n).collect()
    }

    /// Acts on one difference (unless a dry run) and says what was done.
    async fn resolve(
        &self,
        tx: &mut Tx,
        difference: &Difference,
        reso: &[ResoRefund],
        dry_run: bool,
        now: i64,
    ) -> anyhow::Result<Vec<Finding>> {
        let name = self.provider();
        let refund = |id: i64| reso.iter().find(|r| r.id == id);
        let mut finding = self.finding();
        match difference {
            Difference::MissingAtProvider { refund_id } => {
                let r = refund(*refund_id);
                finding.kind = "missing_at_provider";
                finding.refund_id = Some(*refund_id);
                finding.gateway_refund_id = r.and_then(|r| r.gateway_refund_id.clone());
                finding.reso_amount_minor = r.map(|r| r.amount_minor);
                finding.reso_state = r.map(|r| r.status.code());
                finding.detail = format!(
                    "Reso has this refund as {}, {name} has no such refund on the payment",
                    r.map_or("sent", |r| r.status.code())
                );
                finding.action = "none: for a person to look into".into();
            }
            Difference::AmountDiffers {
                refund_id,
                provider,
            } => {
                let r = refund(*refund_id);
                finding.kind = "amount_differs";
                finding.refund_id = Some(*refund_id);
                self.describe_news(&mut finding, provider);
                finding.reso_amount_minor = r.map(|r| r.amount_minor);
                finding.reso_state = r.map(|r| r.status.code());
                finding.detail = format!(
                    "Reso refunded {} {}, {name} {}",
                    r.map_or(0, |r| r.amount_minor),
                    r.map_or("", |r| r.currency.as_str()),
                    provider_amount(provider)
                );
                finding.action = "none: for a person to look into".into();
            }
            Difference::StateDiffers {
                refund_id,
                reso,
                provider,
                catch_up,
            } => {
                finding.kind = "state_differs";
                finding.refund_id = Some(*refund_id);
                self.describe_news(&mut finding, provider);
                finding.reso_amount_minor = refund(*refund_id).map(|r| r.amount_minor);
                finding.reso_state = Some(reso.code());
                finding.detail = format!(
                    "Reso has it {}, {name} {}",
                    reso.code(),
                    state_code(&provider.state)
                );
                finding.action = match catch_up {
                    None => "none: Reso does not step back from a final state; for a person to look into".into(),
                    Some(step) if dry_run => format!("would {}", step_text(step)),
                    Some(step) => {
                        if catch_up_in(tx, *refund_id, step, now).await? {
                            step_text(step)
                        } else {
                            "none: it had already moved".into()
                        }
                    }
                };
            }
            Difference::UnknownToReso { provider } => {
                return self.import(tx, provider, dry_run, now).await;
            }
        }
        Ok(vec![finding])
    }

    /// Records a refund made at the provider: a refund row as the provider
    /// has it, the payment's balance drawn, an event on the order's timeline.
    async fn import(
        &self,
        tx: &mut Tx,
        news: &RefundNews,
        dry_run: bool,
        now: i64,
    ) -> anyhow::Result<Vec<Finding>> {
        let name = self.provider();
        let mut finding = self.finding();
        finding.kind = "unknown_to_reso";
        self.describe_news(&mut finding, news);
        finding.detail = format!(
            "{name} has a refund of {} ({}) that Reso has no record of",
            provider_amount(news),
            state_code(&news.state)
        );
        if news.amount.currency.as_str() != self.payment.currency {
            finding.action = format!(
                "not imported: the payment is in {}, not {}",
                self.payment.currency, news.amount.currency
            );
            return Ok(vec![finding]);
        }
        if news.amount.minor <= 0 {
            finding.action = "not imported: not a positive amount".into();
            return Ok(vec![finding]);
        }
        // Recorded since the comparison (another run): nothing to import.
        let known = store::refunds::for_provider_news(
            tx,
            self.merchant.id,
            &self.payment.gateway,
            &news.gateway_refund_id,
            None,
        )
        .await?;
        if let Some(known) = known {
            finding.refund_id = Some(known.id);
            finding.action = "none: recorded meanwhile".into();
            return Ok(vec![finding]);
        }
        let draws = matches!(news.state, RefundState::Pending | RefundState::Succeeded);
        let over = if dry_run {
            if draws {
                self.over_captured_if_drawn(tx, news.amount.minor).await?
            } else {
                0
            }
        } else {
            let over = if draws {
                store::reconciliation::draw_paid(tx, self.payment.id, news.amount.minor).await?
            } else {
                0
            };
            let refund_id = self.insert(tx, news, now).await?;
            finding.refund_id = Some(refund_id);
            over
        };
        finding.action = match finding.refund_id {
            Some(id) => format!("imported as refund {id}"),
            None => "would import it".into(),
        };
        let mut findings = vec![finding.clone()];
        if over > 0 {
            let mut loud = finding;
            loud.kind = "over_captured";
            loud.detail = format!(
                "{name}'s refund takes {} {} more than the payment had left to refund: \
                 the buyer got back more than was captured",
                over, news.amount.currency
            );
            loud.action = if dry_run {
                "would import it all (the provider paid it); the payment's balance would be used up"
                    .into()
            } else {
                "imported it all (the provider paid it); the payment's balance is used up".into()
            };
            findings.push(loud);
        }
        Ok(findings)
    }

    /// How far beyond the payment's balance a refund of `amount` would go.
    async fn over_captured_if_drawn(&self, tx: &mut Tx, amount: i64) -> anyhow::Result<i64> {
        let (captured, refunded): (i64, i64) =
            sqlx::query_as("SELECT captured_minor, refunded_minor FROM payments WHERE id = $1")
                .bind(self.payment.id)
                .fetch_one(&mut **tx)
                .await?;
        Ok((amount - (captured - refunded).max(0)).max(0))
    }

    async fn insert(&self, tx: &mut Tx, news: &RefundNews, now: i64) -> anyhow::Result<i64> {
        let name = self.provider();
        let (status, failure) = match &news.state {
            RefundState::Pending => ("pending", None),
            RefundState::Succeeded => ("succeeded", None),
            RefundState::Failed { reason } => ("failed", Some(reason.as_str())),
            RefundState::Reversed { reason } => ("reversed", Some(reason.as_str())),
        };
        let reason = format!("made at {name}, outside Reso (imported by reconciliation)");
        let number = store::merchants::next_counter(tx, self.merchant.id, "credit_note").await?;
        let credit_note = format!("CN-{number:06}");
        let actor = format!("gateway:{name}");
        let refund_id = store::reconciliation::insert_imported(
            tx,
            &ImportedRefund {
                merchant_id: self.merchant.id,
                order_id: self.payment.order_id,
                payment_id: self.payment.id,
                amount_minor: news.amount.minor,
                currency: &self.payment.currency,
                reason: &reason,
                status,
                gateway: &self.payment.gateway,
                gateway_refund_id: &news.gateway_refund_id,
                failure,
                credit_note: &credit_note,
                created_by: &actor,
            },
            now,
        )
        .await?;
        let data = json!({
            "order_number": self.payment.order_number, "refund_id": refund_id,
            "amount_minor": news.amount.minor, "currency": self.payment.currency,
            "method": Method::OriginalPayment.code(), "payment_method": self.payment.method,
            "credit_note": credit_note, "reason": reason, "status": status, "failure": failure,
            "gateway": name, "gateway_refund_id": news.gateway_refund_id,
            "payment_reference": self.payment.reference,
        });
        let event = EventInput {
            order_id: Some(self.payment.order_id),
            return_id: None,
            kind: "refund.imported",
            actor: &actor,
            data,
            buyer: None,
        };
        record(tx, self.merchant, event, now).await?;
        if status == "pending" {
            // Followed like a refund Reso sent, until the provider settles it.
            let payload = json!({ "refund_id": refund_id, "gateway_refund_id": news.gateway_refund_id, "polls": 0 });
            store::jobs::enqueue(tx, "gateway_poll", &payload, now, now).await?;
        }
        Ok(refund_id)
    }

    fn finding(&self) -> Finding {
        Finding {
            kind: "",
            merchant: self.merchant.slug.clone(),
            provider: self.provider(),
            order_number: self.payment.order_number.clone(),
            payment_reference: self.payment.reference.clone(),
            refund_id: None,
            gateway_refund_id: None,
            currency: self.payment.currency.clone(),
            reso_amount_minor: None,
            provider_amount_minor: None,
            reso_state: None,
            provider_state: None,
            detail: String::new(),
            action: String::new(),
        }
    }

    fn describe_news(&self, finding: &mut Finding, news: &RefundNews) {
        finding.gateway_refund_id = Some(news.gateway_refund_id.clone());
        finding.provider_amount_minor = Some(news.amount.minor);
        finding.provider_state = Some(state_code(&news.state));
    }
}

fn step_text(step: &CatchUp) -> String {
    match step {
        CatchUp::Succeed { .. } => "settled it as succeeded".into(),
        CatchUp::Fail { reason } => {
            format!("settled it as failed ({reason}); the money is owed again")
        }
        CatchUp::Reverse { reason } => {
            format!("marked it reversed ({reason}); the money is owed again")
        }
    }
}

fn state_code(state: &RefundState) -> &'static str {
    match state {
        RefundState::Pending => "pending",
        RefundState::Succeeded => "succeeded",
        RefundState::Failed { .. } => "failed",
        RefundState::Reversed { .. } => "reversed",
    }
}

fn provider_amount(news: &RefundNews) -> String {
    format!("{} {}", news.amount.minor, news.amount.currency)
}

/// A `refund.unmatched` event's refund, as the notification had it.
fn news_of(data: &Value) -> Option<RefundNews> {
    let currency = Currency::parse(data["currency"].as_str()?).ok()?;
    let reason = || data["refund"]["reason"].as_str().unwrap_or("").to_string();
    let state = match data["refund"]["state"].as_str()? {
        "pending" => RefundState::Pending,
        "succeeded" => RefundState::Succeeded,
        "failed" => RefundState::Failed { reason: reason() },
        "reversed" => RefundState::Reversed { reason: reason() },
        _ => return None,
    };
    Some(RefundNews {
        gateway_refund_id: data["gateway_refund_id"].as_str()?.to_string(),
        payment_reference: data["payment_reference"].as_str()?.to_string(),
        reso_reference: data["reso_reference"].as_str().map(str::to_string),
        amount: Money::new(data["amount_minor"].as_i64()?, currency),
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmatched_events_read_back_as_news() {
        let data = json!({
            "gateway": "adyen", "notification_id": "n1", "occurred_at": 5,
            "gateway_refund_id": "PSP1", "payment_reference": "PAY1", "reso_reference": null,
            "amount_minor": 1250, "currency": "EUR",
            "refund": {"state": "failed", "reason": "declined"}, "order_number": "1001",
        });
        let news = news_of(&data).unwrap();
        assert_eq!(news.gateway_refund_id, "PSP1");
        assert_eq!(news.amount.minor, 1250);
        assert_eq!(news.reso_reference, None);
        assert_eq!(
            news.state,
            RefundState::Failed {
                reason: "declined".into()
            }
        );
        let mut odd = data.clone();
        odd["refund"]["state"] = json!("exploded");
        assert_eq!(news_of(&odd), None);
        odd["refund"]["state"] = json!("succeeded");
        odd["currency"] = json!("euro");
        assert_eq!(news_of(&odd), None);
    }

    #[test]
    fn a_finding_reads_as_one_line() {
        let finding = Finding {
            kind: "unknown_to_reso",
            merchant: "acme".into(),
            provider: "stripe",
            order_number: "1001".into(),
            payment_reference: "pi_1".into(),
            refund_id: Some(7),
            gateway_refund_id: Some("re_9".into()),
            currency: "EUR".into(),
            reso_amount_minor: None,
            provider_amount_minor: Some(500),
            reso_state: None,
            provider_state: Some("succeeded"),
            detail: "stripe has a refund".into(),
            action: "imported as refund 7".into(),
        };
        let line = finding.to_string();
        assert_eq!(
            line,
            "unknown_to_reso acme order 1001 stripe pi_1 refund 7 (re_9): stripe has a refund — imported as refund 7"
        );
        assert!(!line.contains('\n'));
    }
}
