//! Exports of a period's returns, refunds and claims, for the control
//! center's CSV downloads and the API alike: the filters read and checked in
//! one place, the rows as CSV records, and the CSV as a stream of pages so
//! an export of any size never sits whole in memory.

use super::{AppError, AppResult};
use crate::store::exports::{self as rows, ClaimRow, Cursor, RefundRow, ReturnLineRow, Scope};
use crate::AppState;
use futures_util::Stream;
use reso_domain::claim::{ClaimStatus, Outcome};
use reso_domain::{Currency, ReturnStatus};
use serde::Deserialize;
use std::borrow::Cow;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Rows read per page of a streamed CSV.
pub const BATCH: i64 = 500;

const REFUND_STATUSES: [&str; 4] = ["pending", "succeeded", "failed", "reversed"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Returns,
    Refunds,
    Claims,
}

impl Dataset {
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Returns => "returns",
            Dataset::Refunds => "refunds",
            Dataset::Claims => "claims",
        }
    }

    /// The CSV header: one column per field an analyst works with.
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Dataset::Returns => &[
                "return_id",
                "rma",
                "order_number",
                "status",
                "requested_at",
                "sku",
                "title",
                "quantity",
                "accepted_quantity",
                "reason",
                "amount_minor",
                "amount",
                "currency",
            ],
            Dataset::Refunds => &[
                "refund_id",
                "credit_note",
                "order_number",
                "rma",
                "status",
                "method",
                "reason",
                "gateway",
                "amount_minor",
                "amount",
                "currency",
                "created_at",
                "updated_at",
            ],
            Dataset::Claims => &[
                "claim_id",
                "order_number",
                "kind",
                "status",
                "escalation",
                "outcome",
                "opened_at",
                "closed_at",
                "order_value_minor",
                "order_value",
                "decided_refund_minor",
                "currency",
            ],
        }
    }
}

/// The filters as typed in a query string (control center or API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterInput {
    /// First day of the period, `YYYY-MM-DD` (UTC); by default the first of `to`'s month.
    pub from: Option<String>,
    /// Last day of the period, included; by default today.
    pub to: Option<String>,
    pub status: Option<String>,
    pub currency: Option<String>,
    /// Returns only: RMA, order number or buyer e-mail (prefix).
    pub q: Option<String>,
}

/// A filter that cannot be applied: the caller's to fix (400).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// Checked filters of one export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub from: Date,
    /// The period's last day, included.
    pub to: Date,
    pub status: Option<&'static str>,
    pub currency: Option<Currency>,
    pub search: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_day(field: &str, value: &str) -> Result<Date, FilterError> {
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map_err(|_| FilterError(format!("{field}: '{value}' is not a date like 2026-11-30")))
}

fn midnight_ms(day: Date) -> i64 {
    day.midnight().assume_utc().unix_timestamp() * 1000
}

fn status_of(dataset: Dataset, code: &str) -> Result<&'static str, FilterError> {
    let found = match dataset {
        Dataset::Returns => ReturnStatus::parse(code).map(ReturnStatus::code),
        Dataset::Refunds => REFUND_STATUSES.into_iter().find(|s| *s == code),
        Dataset::Claims if code == "open" => Some("open"),
        Dataset::Claims => ClaimStatus::parse(code).map(ClaimStatus::code),
    };
    found.ok_or_else(|| {
        let known: Vec<&str> = match dataset {
            Dataset::Returns => ReturnStatus::ALL.iter().map(|s| s.code()).collect(),
            Dataset::Refunds => REFUND_STATUSES.to_vec(),
            Dataset::Claims => std::iter::once("open")
                .chain(ClaimStatus::ALL.iter().map(|s| s.code()))
                .collect(),
        };
        FilterError(format!(
            "status: '{code}' is not one of {}",
            known.join(", ")
        ))
    })
}

impl Filter {
    /// Reads the filters of an export of `dataset`; `now_ms` gives the default period.
    pub fn parse(
        dataset: Dataset,
        input: &FilterInput,
        now_ms: i64,
    ) -> Result<Filter, FilterError> {
        let to = match present(&input.to) {
            Some(v) => parse_day("to", v)?,
            None => OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000)
                .map_err(|_| FilterError("the clock is out of range".into()))?
                .date(),
        };
        let from = match present(&input.from) {
            Some(v) => parse_day("from", v)?,
            None => to.replace_day(1).unwrap_or(to),
        };
        if from > to {
            return Err(FilterError(format!(
                "from: {from} is after to: {to}; the period runs from its first to its last day"
            )));
        }
        let status = present(&input.status)
            .map(|code| status_of(dataset, code))
            .transpose()?;
        let currency = present(&input.currency)
            .map(|c| {
                Currency::parse(c).map_err(|_| {
                    FilterError(format!("currency: '{c}' is not an ISO 4217 code like EUR"))
                })
            })
            .transpose()?;
        let search = present(&input.q).map(|q| q.chars().take(200).collect::<String>());
        if search.is_some() && dataset != Dataset::Returns {
            return Err(FilterError(format!(
                "q: only returns can be searched, not {}",
                dataset.name()
            )));
        }
        Ok(Filter {
            from,
            to,
            status,
            currency,
            search,
        })
    }

    pub fn scope(&self, merchant_id: i64) -> Scope {
        Scope {
            merchant_id,
            from_ms: midnight_ms(self.from),
            until_ms: midnight_ms(self.to.next_day().unwrap_or(self.to)),
            status: self.status.map(str::to_string),
            currency: self.currency.map(|c| c.as_str().to_string()),
            search: self.search.clone(),
        }
    }

    /// `reso-returns-2026-11-01-2026-11-30.csv`
    pub fn filename(&self, dataset: Dataset) -> String {
        format!("reso-{}-{}-{}.csv", dataset.name(), self.from, self.to)
    }
}

/// A cell that a spreadsheet would read as a formula gets a leading `'`
/// (OWASP's advice on CSV injection): `=`, `+`, `-`, `@`, tab and CR.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// An instant as RFC 3339 UTC, as the API writes them.
pub fn instant(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Minor units in major units with the currency's decimals ("18900" EUR → "189.00").
pub fn decimal(minor: i64, currency: &str) -> String {
    let exp = Currency::parse(currency).map_or(2, |c| c.exponent());
    if exp == 0 {
        return minor.to_string();
    }
    let div = 10u64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / div,
        abs % div,
        width = exp as usize
    )
}

/// How a claim ended, as a code, and the refund a mediator decided.
pub fn claim_outcome(row: &ClaimRow) -> AppResult<(Option<&'static str>, Option<i64>)> {
    let Some(raw) = row.outcome.as_deref() else {
        return Ok((None, None));
    };
    let outcome: Outcome = serde_json::from_str(raw)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("claim {} outcome {raw}: {e}", row.id)))?;
    Ok(match outcome {
        Outcome::RefundReceived => (Some("refund_received"), None),
        Outcome::Concluded => (Some("concluded"), None),
        Outcome::ClosedAsAnswered => (Some("closed_as_answered"), None),
        Outcome::Decided { amount_minor, .. } => (Some("decided"), Some(amount_minor)),
        Outcome::DisputeWon => (Some("dispute_won"), None),
        Outcome::DisputeLost => (Some("dispute_lost"), None),
    })
}

/// A closed claim's last change is its closing.
pub fn closed_at(row: &ClaimRow) -> Option<i64> {
    (row.status == ClaimStatus::Closed.code()).then_some(row.updated_at)
}

fn text(value: &str) -> String {
    neutralize(value).into_owned()
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn return_record(r: &ReturnLineRow) -> Vec<String> {
    let amount = r.quantity * r.unit_price_minor;
    vec![
        r.return_id.to_string(),
        text(r.rma.as_deref().unwrap_or("")),
        text(&r.order_number),
        text(&r.status),
        instant(r.requested_at),
        text(&r.sku),
        text(&r.title),
        r.quantity.to_string(),
        optional(r.accepted_quantity),
        text(&r.reason),
        amount.to_string(),
        decimal(amount, &r.currency),
        text(&r.currency),
    ]
}

fn refund_record(f: &RefundRow) -> Vec<String> {
    vec![
        f.id.to_string(),
        text(&f.credit_note),
        text(&f.order_number),
        text(f.rma.as_deref().unwrap_or("")),
        text(&f.status),
        text(&f.method),
        text(&f.reason),
        text(&f.gateway),
        f.amount_minor.to_string(),
        decimal(f.amount_minor, &f.currency),
        text(&f.currency),
        instant(f.created_at),
        instant(f.updated_at),
    ]
}

fn claim_record(c: &ClaimRow) -> AppResult<Vec<String>> {
    let (outcome, decided) = claim_outcome(c)?;
    Ok(vec![
        c.id.to_string(),
        text(&c.order_number),
        text(&c.kind),
        text(&c.status),
        text(c.escalation.as_deref().unwrap_or("")),
        optional(outcome),
        instant(c.created_at),
        optional(closed_at(c).map(instant)),
        c.order_value_minor.to_string(),
        decimal(c.order_value_minor, &c.currency),
        optional(decided),
        text(&c.currency),
    ])
}

/// Records as CSV bytes (quoting as RFC 4180 wants).
fn csv_bytes<I, R>(records: I) -> AppResult<Vec<u8>>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut out = csv::Writer::from_writer(Vec::new());
    for record in records {
        out.write_record(record)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv buffer: {e}")))
}

async fn reader(state: &AppState) -> AppResult<sqlx::pool::PoolConnection<sqlx::Any>> {
    Ok(state.db.reader().acquire().await?)
}

pub async fn return_lines(
    state: &AppState,
    scope: &Scope,
    cursor: Option<Cursor>,
    limit: i64,
) -> AppResult<Vec<ReturnLineRow>> {
    let mut conn = reader(state).await?;
    Ok(rows::return_lines(&mut conn, scope, cursor, limit).await?)
}

pub async fn refunds(
    state: &AppState,
    scope: &Scope,
    cursor: Option<Cursor>,
    limit: i64,
) -> AppResult<Vec<RefundRow>> {
    let mut conn = reader(state).await?;
    Ok(rows::refunds(&mut conn, scope, cursor, limit).await?)
}

pub async fn claims(
    state: &AppState,
    scope: &Scope,
    cursor: Option<Cursor>,
    limit: i64,
) -> AppResult<Vec<ClaimRow>> {
    let mut conn = reader(state).await?;
    Ok(rows::claims(&mut conn, scope, cursor, limit).await?)
}

/// Where the page after these rows starts: none once a page comes back short.
pub fn next_cursor<T>(rows: &[T], limit: i64, cursor: impl Fn(&T) -> Cursor) -> Option<Cursor> {
    (rows.len() as i64 >= limit)
        .then(|| rows.last().map(cursor))
        .flatten()
}

/// One page of the CSV (without header) and where the next one starts.
async fn csv_page(
    state: &AppState,
    dataset: Dataset,
    scope: &Scope,
    cursor: Option<Cursor>,
) -> AppResult<(Vec<u8>, Option<Cursor>)> {
    match dataset {
        Dataset::Returns => {
            let rows = return_lines(state, scope, cursor, BATCH).await?;
            let next = next_cursor(&rows, BATCH, ReturnLineRow::cursor);
            Ok((csv_bytes(rows.iter().map(return_record))?, next))
        }
        Dataset::Refunds => {
            let rows = refunds(state, scope, cursor, BATCH).await?;
            let next = next_cursor(&rows, BATCH, RefundRow::cursor);
            Ok((csv_bytes(rows.iter().map(refund_record))?, next))
        }
        Dataset::Claims => {
            let rows = claims(state, scope, cursor, BATCH).await?;
            let next = next_cursor(&rows, BATCH, ClaimRow::cursor);
            let records = rows
                .iter()
                .map(claim_record)
                .collect::<AppResult<Vec<_>>>()?;
            Ok((csv_bytes(records)?, next))
        }
    }
}

/// The whole export as CSV, a header and then one chunk per page of
/// `BATCH` rows, each read only when the previous one has been taken. A
/// failure midway ends the stream with an error, so the download is cut
/// short visibly rather than looking complete.
pub fn csv_stream(
    state: AppState,
    merchant_id: i64,
    dataset: Dataset,
    filter: &Filter,
) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let scope = filter.scope(merchant_id);
    let start = (state, scope, None::<Cursor>, true);
    futures_util::stream::unfold(Some(start), move |next| async move {
        let (state, scope, cursor, first) = next?;
        match csv_page(&state, dataset, &scope, cursor).await {
            Ok((page, after)) => {
                let mut chunk = if first {
                    match csv_bytes([dataset.header()]) {
                        Ok(header) => header,
                        Err(e) => return Some((Err(std::io::Error::other(e)), None)),
                    }
                } else {
                    Vec::new()
                };
                chunk.extend_from_slice(&page);
                Some((Ok(chunk), after.map(|c| (state, scope, Some(c), false))))
            }
            Err(e) => {
                tracing::error!(error = ?e, export = dataset.name(), "export failed midway");
                Some((Err(std::io::Error::other(e)), None))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(from: &str, to: &str) -> FilterInput {
        FilterInput {
            from: Some(from.into()),
            to: Some(to.into()),
            ..FilterInput::default()
        }
    }

    #[test]
    fn formulas_are_neutralized_and_plain_text_kept() {
        for bad in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralize(bad), format!("'{bad}"));
        }
        assert_eq!(neutralize("TENT-2P"), "TENT-2P");
        assert_eq!(neutralize(""), "");
    }

    #[test]
    fn the_period_defaults_to_the_current_month_and_includes_its_last_day() {
        // 2026-11-25T04:00:00Z
        let now = 1_795_579_200_000;
        let f = Filter::parse(Dataset::Returns, &FilterInput::default(), now).unwrap();
        assert_eq!(
            f.filename(Dataset::Returns),
            "reso-returns-2026-11-01-2026-11-25.csv"
        );
        let f = Filter::parse(Dataset::Refunds, &input("2026-11-01", "2026-11-30"), now).unwrap();
        let scope = f.scope(7);
        assert_eq!(scope.from_ms, 1_793_491_200_000);
        assert_eq!(scope.until_ms - scope.from_ms, 30 * 86_400_000);
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        let now = 1_795_579_200_000;
        let err = |dataset, i: FilterInput| Filter::parse(dataset, &i, now).unwrap_err().0;
        assert!(err(Dataset::Returns, input("2026-13-01", "2026-11-30")).starts_with("from:"));
        assert!(err(Dataset::Returns, input("2026-11-30", "2026-11-01")).contains("after"));
        let status = |s: &str| FilterInput {
            status: Some(s.into()),
            ..FilterInput::default()
        };
        assert!(err(Dataset::Refunds, status("refunded")).starts_with("status:"));
        assert!(Filter::parse(Dataset::Claims, &status("open"), now).is_ok());
        assert!(err(Dataset::Returns, status("open")).starts_with("status:"));
        let currency = FilterInput {
            currency: Some("EURO".into()),
            ..FilterInput::default()
        };
        assert!(err(Dataset::Claims, currency).starts_with("currency:"));
        let search = FilterInput {
            q: Some("R-1".into()),
            ..FilterInput::default()
        };
        assert!(err(Dataset::Claims, search).starts_with("q:"));
    }

    #[test]
    fn amounts_read_in_the_currency_decimals() {
        assert_eq!(decimal(18_900, "EUR"), "189.00");
        assert_eq!(decimal(5, "EUR"), "0.05");
        assert_eq!(decimal(1200, "JPY"), "1200");
        assert_eq!(decimal(1_234, "KWD"), "1.234");
    }
}
