//! Orders from a CSV file, one row per order line. Rows of one order sit next
//! to each other; each order is checked as a whole and then goes through
//! `orders::upsert`, so importing the same file twice changes nothing.
//! An order with any bad row is left out entirely; the others go in.

use super::merchants::LOCALES;
use super::orders;
use super::{Actor, AppError, AppResult};
use crate::store::merchants::Merchant;
use crate::AppState;
use reso_domain::order::{NewLine, NewPayment, NewShipment, OrderError};
use reso_domain::{Currency, Email, NewOrder, PaymentMethod, Timestamp};
use std::collections::{HashSet, VecDeque};
use std::io::Read;

/// The columns, in the documented order. The header names them; their order
/// in a file does not matter.
pub const COLUMNS: [&str; 19] = [
    "order_number",
    "placed_at",
    "buyer_email",
    "buyer_name",
    "locale",
    "currency",
    "sku",
    "title",
    "quantity",
    "unit_price",
    "returnable",
    "payment_method",
    "payment_gateway",
    "payment_reference",
    "captured_amount",
    "carrier",
    "tracking_number",
    "shipped_at",
    "delivered_at",
];

/// Columns without which no order can be built; the others may be left out.
const REQUIRED: [Col; 7] = [
    Col::OrderNumber,
    Col::PlacedAt,
    Col::BuyerEmail,
    Col::Currency,
    Col::Sku,
    Col::Quantity,
    Col::UnitPrice,
];

/// Active ISO 4217 codes: three letters alone do not make a currency.
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD \
    BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS \
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT \
    LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR \
    PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL \
    THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

const PROGRESS_EVERY: usize = 100;

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// Line in the file where the row starts (the header is line 1).
    pub line: u64,
    pub order_number: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: u64,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Orders left out because one of their rows (or the order as a whole) was bad.
    pub rejected_orders: usize,
    pub rejected_rows: Vec<RejectedRow>,
}

impl ImportSummary {
    pub fn orders_seen(&self) -> usize {
        self.created + self.updated + self.unchanged + self.rejected_orders
    }

    /// Nothing was left out.
    pub fn is_clean(&self) -> bool {
        self.rejected_rows.is_empty()
    }
}

/// Imports every order of `input` for `merchant`. `progress` is told the
/// running counts every 100 orders. Only an unreadable file or header, or an
/// internal failure, stops the import; bad rows are reported in the summary.
pub async fn import_orders<R: Read>(
    state: &AppState,
    merchant: &Merchant,
    input: R,
    actor: &Actor,
    mut progress: impl FnMut(&ImportSummary),
) -> AppResult<ImportSummary> {
    let mut file = OrderFile::open(input, &merchant.default_locale)?;
    let mut summary = ImportSummary::default();
    while let Some(item) = file.next_item()? {
        summary.rows = file.rows;
        match item {
            Item::Rejected(row) => summary.rejected_rows.push(row),
            Item::Order(order) => {
                finish(state, merchant, order, actor, &mut summary).await?;
                if summary.orders_seen() % PROGRESS_EVERY == 0 {
                    progress(&summary);
                }
            }
        }
    }
    summary.rows = file.rows;
    Ok(summary)
}

/// What a file holds, checked as `import_orders` checks it but without the
/// store: the orders that would be upserted and the rows that would be
/// left out (orders the store itself refuses are not known here).
pub fn check_orders<R: Read>(
    input: R,
    default_locale: &str,
) -> AppResult<(Vec<NewOrder>, Vec<RejectedRow>)> {
    let mut file = OrderFile::open(input, default_locale)?;
    let (mut orders, mut rejected) = (Vec::new(), Vec::new());
    while let Some(item) = file.next_item()? {
        match item {
            Item::Rejected(row) => rejected.push(row),
            Item::Order(order) => match assemble(&order) {
                Ok(input) => orders.push(input),
                Err(rows) => rejected.extend(rejections(&order, rows)),
            },
        }
    }
    Ok((orders, rejected))
}

/// The file read order by order, without touching the store.
struct OrderFile<R> {
    reader: csv::Reader<R>,
    columns: Columns,
    default_locale: String,
    record: csv::ByteRecord,
    /// Rows read so far.
    rows: u64,
    pending: Option<PendingOrder>,
    /// Numbers of orders already handed out: rows of one order must be
    /// adjacent, and a straggler must not silently re-import a partial order.
    finished: HashSet<String>,
    ready: VecDeque<Item>,
    at_end: bool,
}

enum Item {
    Rejected(RejectedRow),
    /// All rows of one order, read; not yet checked as a whole.
    Order(PendingOrder),
}

impl<R: Read> OrderFile<R> {
    fn open(input: R, default_locale: &str) -> AppResult<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let columns = Columns::from_header(reader.byte_headers().map_err(|e| unreadable(&e))?)?;
        Ok(OrderFile {
            reader,
            columns,
            default_locale: default_locale.to_string(),
            record: csv::ByteRecord::new(),
            rows: 0,
            pending: None,
            finished: HashSet::new(),
            ready: VecDeque::new(),
            at_end: false,
        })
    }

    /// The next rejected row or complete order, in file order.
    fn next_item(&mut self) -> AppResult<Option<Item>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Ok(Some(item));
            }
            if self.at_end {
                return Ok(None);
            }
            self.read_row()?;
        }
    }

    fn read_row(&mut self) -> AppResult<()> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| unreadable(&e))?;
        if !more {
            self.at_end = true;
            if let Some(last) = self.pending.take() {
                self.ready.push_back(Item::Order(last));
            }
            return Ok(());
        }
        self.rows += 1;
        let line = self.record.position().map_or(0, csv::Position::line);
        let reject = |order_number, reason| {
            Item::Rejected(RejectedRow {
                line,
                order_number,
                reason,
            })
        };
        let number = match self.columns.text(&self.record, Col::OrderNumber) {
            Ok(n) if !n.is_empty() => n.to_string(),
            Ok(_) => {
                let item = reject(None, "order_number is empty".into());
                self.ready.push_back(item);
                return Ok(());
            }
            Err(reason) => {
                self.ready.push_back(reject(None, reason));
                return Ok(());
            }
        };
        if self.pending.as_ref().is_some_and(|p| p.number != number) {
            if let Some(done) = self.pending.take() {
                self.finished.insert(done.number.clone());
                self.ready.push_back(Item::Order(done));
            }
        }
        if self.finished.contains(&number) {
            let reason = format!("the rows of order {number} must be next to each other; this row comes after other orders");
            self.ready.push_back(reject(Some(number), reason));
            return Ok(());
        }
        let order = self
            .pending
            .get_or_insert_with(|| PendingOrder::new(number, line));
        if self.record.len() != self.columns.width {
            order.errors.push((
                line,
                format!(
                    "this row has {} fields; the header has {}",
                    self.record.len(),
                    self.columns.width
                ),
            ));
            return Ok(());
        }
        match parse_row(&self.columns, &self.record, &self.default_locale) {
            Ok(row) => order.add(line, row),
            Err(reason) => order.errors.push((line, reason)),
        }
        Ok(())
    }
}

fn unreadable(e: &csv::Error) -> AppError {
    let at = e
        .position()
        .map(|p| format!(" at line {}", p.line()))
        .unwrap_or_default();
    AppError::Invalid(format!("the CSV file cannot be read{at}: {e}"))
}

#[derive(Debug, Clone, Copy)]
enum Col {
    OrderNumber,
    PlacedAt,
    BuyerEmail,
    BuyerName,
    Locale,
    Currency,
    Sku,
    Title,
    Quantity,
    UnitPrice,
    Returnable,
    PaymentMethod,
    PaymentGateway,
    PaymentReference,
    CapturedAmount,
    Carrier,
    TrackingNumber,
    ShippedAt,
    DeliveredAt,
}

impl Col {
    fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

/// Where each known column sits in this file.
struct Columns {
    index: [Option<usize>; COLUMNS.len()],
    width: usize,
}

impl Columns {
    fn from_header(header: &csv::ByteRecord) -> AppResult<Columns> {
        let mut index = [None; COLUMNS.len()];
        for (i, raw) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(raw);
            let name = name.trim_start_matches('\u{feff}').trim().to_lowercase();
            let Some(known) = COLUMNS.iter().position(|c| *c == name) else {
                return Err(AppError::Invalid(format!(
                    "unknown column '{name}' in the header; the columns are: {}",
                    COLUMNS.join(",")
                )));
            };
            if index[known].replace(i).is_some() {
                return Err(AppError::Invalid(format!(
                    "the column '{name}' appears twice in the header"
                )));
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .filter(|c| index[**c as usize].is_none())
            .map(|c| c.name())
            .collect();
        if !missing.is_empty() {
            return Err(AppError::Invalid(format!(
                "the header lacks the column(s): {}",
                missing.join(", ")
            )));
        }
        Ok(Columns {
            index,
            width: header.len(),
        })
    }

    /// The trimmed text of a column; empty when the file has no such column.
    fn text<'r>(&self, record: &'r csv::ByteRecord, col: Col) -> Result<&'r str, String> {
        let Some(raw) = self.index[col as usize].and_then(|i| record.get(i)) else {
            return Ok("");
        };
        std::str::from_utf8(raw)
            .map(str::trim)
            .map_err(|_| format!("{} is not valid UTF-8", col.name()))
    }
}

/// The order-level columns, which every row of an order must repeat alike.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrderHead {
    placed_at: Timestamp,
    buyer_email: Email,
    buyer_name: String,
    locale: String,
    currency: Currency,
}

struct Row {
    head: OrderHead,
    line: NewLine,
    payment: Option<NewPayment>,
    shipment: Option<NewShipment>,
}

/// Collects the first problem of each field, so one pass shows them all.
struct Problems(Vec<String>);

impl Problems {
    fn take<T>(&mut self, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
}

fn parse_row(
    columns: &Columns,
    record: &csv::ByteRecord,
    default_locale: &str,
) -> Result<Row, String> {
    let mut p = Problems(Vec::new());
    let mut get = |col: Col| p.take(columns.text(record, col)).unwrap_or("");
    let (placed_at, email, name, locale) = (
        get(Col::PlacedAt),
        get(Col::BuyerEmail),
        get(Col::BuyerName),
        get(Col::Locale),
    );
    let (currency, sku, title) = (get(Col::Currency), get(Col::Sku), get(Col::Title));
    let (quantity, unit_price, returnable) = (
        get(Col::Quantity),
        get(Col::UnitPrice),
        get(Col::Returnable),
    );
    let (pay_method, pay_gateway) = (get(Col::PaymentMethod), get(Col::PaymentGateway));
    let (pay_ref, captured) = (get(Col::PaymentReference), get(Col::CapturedAmount));
    let (carrier, tracking) = (get(Col::Carrier), get(Col::TrackingNumber));
    let (shipped_at, delivered_at) = (get(Col::ShippedAt), get(Col::DeliveredAt));

    let placed_at =
        p.take(required(Col::PlacedAt, placed_at).and_then(|s| parse_time(Col::PlacedAt, s)));
    let buyer_email = p.take(
        required(Col::BuyerEmail, email).and_then(|s| Email::parse(s).map_err(|e| e.to_string())),
    );
    let locale = p.take(parse_locale(locale, default_locale));
    let currency = p.take(required(Col::Currency, currency).and_then(parse_currency));
    let unit_price = currency.and_then(|c| {
        p.take(
            required(Col::UnitPrice, unit_price)
                .and_then(|s| parse_amount(Col::UnitPrice.name(), s, c)),
        )
    });
    let quantity = p.take(parse_quantity(quantity));
    let returnable = p.take(parse_bool(Col::Returnable, returnable));
    let sku = p.take(required(Col::Sku, sku));

    let payment = if [pay_method, pay_gateway, pay_ref, captured]
        .iter()
        .all(|s| s.is_empty())
    {
        None
    } else {
        let method = p.take(required(Col::PaymentMethod, pay_method).and_then(|s| {
            PaymentMethod::parse(&s.to_lowercase()).ok_or_else(|| {
                let codes: Vec<&str> = PaymentMethod::ALL.iter().map(|m| m.code()).collect();
                format!("payment_method '{s}' is not one of {}", codes.join(", "))
            })
        }));
        let gateway = p.take(required(Col::PaymentGateway, pay_gateway));
        let reference = p.take(required(Col::PaymentReference, pay_ref));
        let captured = currency.and_then(|c| {
            p.take(
                required(Col::CapturedAmount, captured)
                    .and_then(|s| parse_amount(Col::CapturedAmount.name(), s, c)),
            )
        });
        match (method, gateway, reference, captured) {
            (Some(method), Some(gateway), Some(reference), Some(captured_minor)) => {
                Some(NewPayment {
                    method,
                    gateway: gateway.to_string(),
                    reference: reference.to_string(),
                    captured_minor,
                })
            }
            _ => None,
        }
    };
    let shipment = if [carrier, tracking, shipped_at, delivered_at]
        .iter()
        .all(|s| s.is_empty())
    {
        None
    } else {
        let tracking = p.take(required(Col::TrackingNumber, tracking));
        let shipped = p.take(optional_time(Col::ShippedAt, shipped_at));
        let delivered = p.take(optional_time(Col::DeliveredAt, delivered_at));
        match (tracking, shipped, delivered) {
            (Some(t), Some(shipped_at), Some(delivered_at)) => Some(NewShipment {
                carrier: carrier.to_string(),
                tracking_number: t.to_string(),
                shipped_at,
                delivered_at,
            }),
            _ => None,
        }
    };
    // Every field that came out None left its reason in `p`.
    match (
        placed_at,
        buyer_email,
        locale,
        currency,
        unit_price,
        quantity,
        returnable,
        sku,
    ) {
        (
            Some(placed_at),
            Some(buyer_email),
            Some(locale),
            Some(currency),
            Some(unit_price_minor),
            Some(quantity),
            Some(returnable),
            Some(sku),
        ) if p.0.is_empty() => Ok(Row {
            head: OrderHead {
                placed_at,
                buyer_email,
                buyer_name: name.to_string(),
                locale,
                currency,
            },
            line: NewLine {
                sku: sku.to_string(),
                title: title.to_string(),
                quantity,
                unit_price_minor,
                returnable,
            },
            payment,
            shipment,
        }),
        _ => Err(p.0.join("; ")),
    }
}

fn required(col: Col, s: &str) -> Result<&str, String> {
    if s.is_empty() {
        return Err(format!("{} is empty", col.name()));
    }
    Ok(s)
}

fn parse_currency(s: &str) -> Result<Currency, String> {
    let upper = s.to_ascii_uppercase();
    if upper.len() != 3 || !ISO_4217.split_ascii_whitespace().any(|c| c == upper) {
        return Err(format!(
            "currency '{s}' is not an ISO 4217 code (like EUR, SEK, JPY)"
        ));
    }
    Currency::parse(&upper).map_err(|e| e.to_string())
}

fn parse_locale(s: &str, default_locale: &str) -> Result<String, String> {
    if s.is_empty() {
        return Ok(default_locale.to_string());
    }
    let lower = s.to_lowercase();
    // "it-IT" and "it_IT" mean the Italian pages.
    let language = lower.split(['-', '_']).next().unwrap_or_default();
    if LOCALES.contains(&language) {
        Ok(language.to_string())
    } else {
        Err(format!("locale '{s}' is not one of {}", LOCALES.join(", ")))
    }
}

fn parse_quantity(s: &str) -> Result<i64, String> {
    let q: i64 = required(Col::Quantity, s)?
        .parse()
        .map_err(|_| format!("quantity '{s}' is not a whole number"))?;
    if !(1..=100_000).contains(&q) {
        return Err(format!("quantity {q} is not between 1 and 100000"));
    }
    Ok(q)
}

fn parse_bool(col: Col, s: &str) -> Result<bool, String> {
    match s.to_lowercase().as_str() {
        // A line is returnable unless the shop says otherwise.
        "" | "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!("{} '{s}' is not true or false", col.name())),
    }
}

/// A decimal amount in major units ("12.50") as exact minor units of
/// `currency`. No floats: the digits are read as integers.
pub fn parse_amount(col_name: &str, s: &str, currency: Currency) -> Result<i64, String> {
    let exponent = currency.exponent();
    let bad = || {
        format!(
            "{col_name} '{s}' is not an amount like 12.50 (digits, optionally a dot and decimals)"
        )
    };
    if s.starts_with('-') {
        return Err(format!("{col_name} '{s}' must not be negative"));
    }
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (s.contains('.') && !digits(fraction)) {
        return Err(bad());
    }
    if fraction.len() > exponent as usize {
        return Err(format!(
            "{col_name} '{s}' has {} decimals; {currency} allows at most {exponent}",
            fraction.len()
        ));
    }
    let too_large = || format!("{col_name} '{s}' is too large");
    let scale = 10i64.pow(exponent);
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    // "12.5" in EUR is 12 units and 50 cents: pad the fraction to the exponent.
    let fraction_minor: i64 = if fraction.is_empty() {
        0
    } else {
        let padded = format!("{fraction:0<width$}", width = exponent as usize);
        padded.parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(scale)
        .and_then(|m| m.checked_add(fraction_minor))
        .ok_or_else(too_large)
}

fn parse_time(col: Col, s: &str) -> Result<Timestamp, String> {
    use time::format_description::well_known::Rfc3339;
    let bad = || {
        format!(
            "{} '{s}' is not a date (2026-03-01) or an RFC 3339 time (2026-03-01T10:00:00Z)",
            col.name()
        )
    };
    let at = if s.len() == 10 {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(s, format)
            .map_err(|_| bad())?
            .midnight()
            .assume_utc()
    } else {
        time::OffsetDateTime::parse(s, &Rfc3339).map_err(|_| bad())?
    };
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000)
        .map(Timestamp)
        .map_err(|_| bad())
}

fn optional_time(col: Col, s: &str) -> Result<Option<Timestamp>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    parse_time(col, s).map(Some)
}

/// The rows of one order read so far, each part with the line it came from.
struct PendingOrder {
    number: String,
    first_line: u64,
    head: Option<(u64, OrderHead)>,
    lines: Vec<(u64, NewLine)>,
    payments: Vec<(u64, NewPayment)>,
    shipments: Vec<(u64, NewShipment)>,
    errors: Vec<(u64, String)>,
}

impl PendingOrder {
    fn new(number: String, first_line: u64) -> Self {
        PendingOrder {
            number,
            first_line,
            head: None,
            lines: Vec::new(),
            payments: Vec::new(),
            shipments: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn add(&mut self, line: u64, row: Row) {
        if let Some((first, head)) = &self.head {
            if let Some(reason) = head_difference(head, &row.head, *first) {
                self.errors.push((line, reason));
                return;
            }
        } else {
            self.head = Some((line, row.head));
        }
        if let Some((other, _)) = self.lines.iter().find(|(_, l)| l.sku == row.line.sku) {
            let reason = format!(
                "SKU '{}' is already on line {other} of this order; send one row per SKU",
                row.line.sku
            );
            self.errors.push((line, reason));
            return;
        }
        // A payment or parcel may be repeated on every row of its order; the
        // copies must agree.
        if let Some(p) = row.payment {
            match self
                .payments
                .iter()
                .find(|(_, q)| q.reference == p.reference)
            {
                Some((other, q)) if *q != p => {
                    let reason = format!(
                        "payment '{}' differs from the one given on line {other}",
                        p.reference
                    );
                    self.errors.push((line, reason));
                    return;
                }
                Some(_) => {}
                None => self.payments.push((line, p)),
            }
        }
        if let Some(s) = row.shipment {
            match self
                .shipments
                .iter()
                .find(|(_, t)| t.tracking_number == s.tracking_number)
            {
                Some((other, t)) if *t != s => {
                    let reason = format!(
                        "shipment '{}' differs from the one given on line {other}",
                        s.tracking_number
                    );
                    self.errors.push((line, reason));
                    return;
                }
                Some(_) => {}
                None => self.shipments.push((line, s)),
            }
        }
        self.lines.push((line, row.line));
    }

    /// Which file line a domain error about the order points at.
    fn locate(&self, e: &OrderError) -> u64 {
        let at = |parts: Vec<u64>, n: usize| parts.get(n.wrapping_sub(1)).copied();
        let line = match e {
            OrderError::BadSku(n)
            | OrderError::DuplicateSku(n, _)
            | OrderError::BadQuantity(n)
            | OrderError::NegativePrice(n) => at(self.lines.iter().map(|(l, _)| *l).collect(), *n),
            OrderError::NegativeCapture(n)
            | OrderError::BadReference(n)
            | OrderError::DuplicateReference(n, _) => {
                at(self.payments.iter().map(|(l, _)| *l).collect(), *n)
            }
            OrderError::BadTracking(n) | OrderError::DeliveredBeforeShipped(n) => {
                at(self.shipments.iter().map(|(l, _)| *l).collect(), *n)
            }
            _ => None,
        };
        line.unwrap_or(self.first_line)
    }
}

fn head_difference(first: &OrderHead, other: &OrderHead, first_line: u64) -> Option<String> {
    let differs = |col: &str, a: String, b: String| {
        Some(format!(
            "{col} '{b}' differs from '{a}' on line {first_line} of the same order"
        ))
    };
    if first.buyer_email != other.buyer_email {
        return differs(
            "buyer_email",
            first.buyer_email.to_string(),
            other.buyer_email.to_string(),
        );
    }
    if first.currency != other.currency {
        return differs(
            "currency",
            first.currency.to_string(),
            other.currency.to_string(),
        );
    }
    if first.placed_at != other.placed_at {
        return Some(format!(
            "placed_at differs from line {first_line} of the same order"
        ));
    }
    if first.buyer_name != other.buyer_name {
        return differs(
            "buyer_name",
            first.buyer_name.clone(),
            other.buyer_name.clone(),
        );
    }
    if first.locale != other.locale {
        return differs("locale", first.locale.clone(), other.locale.clone());
    }
    None
}

/// Imports one complete order, or records why it is left out.
async fn finish(
    state: &AppState,
    merchant: &Merchant,
    order: PendingOrder,
    actor: &Actor,
    summary: &mut ImportSummary,
) -> AppResult<()> {
    let reject = |summary: &mut ImportSummary, rows: Vec<(u64, String)>| {
        summary.rejected_orders += 1;
        summary.rejected_rows.extend(rejections(&order, rows));
    };
    let input = match assemble(&order) {
        Ok(input) => input,
        Err(rows) => {
            reject(summary, rows);
            return Ok(());
        }
    };
    let before = match orders::by_number(state, merchant.id, &order.number).await {
        Ok(o) => Some(o),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    match orders::upsert(state, merchant, &input, actor).await {
        Ok(done) if done.created => summary.created += 1,
        Ok(done) if before.as_ref() == Some(&done.order) => summary.unchanged += 1,
        Ok(_) => summary.updated += 1,
        Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
        Err(e) => reject(summary, vec![(order.first_line, e.to_string())]),
    }
    Ok(())
}

/// The order as the domain takes it, checked; or the file lines at fault.
fn assemble(order: &PendingOrder) -> Result<NewOrder, Vec<(u64, String)>> {
    if !order.errors.is_empty() {
        return Err(order.errors.clone());
    }
    let Some((_, head)) = order.head.clone() else {
        return Err(vec![(
            order.first_line,
            "the order has no valid row".into(),
        )]);
    };
    let input = NewOrder {
        number: order.number.clone(),
        buyer_email: head.buyer_email,
        buyer_name: head.buyer_name,
        locale: head.locale,
        currency: head.currency,
        placed_at: head.placed_at,
        lines: order.lines.iter().map(|(_, l)| l.clone()).collect(),
        payments: order.payments.iter().map(|(_, p)| p.clone()).collect(),
        shipments: order.shipments.iter().map(|(_, s)| s.clone()).collect(),
    };
    if let Err(e) = input.validate() {
        let text = e.to_string();
        // The domain counts lines within the order; the file line is reported instead.
        let reason = match text.split_once(": ") {
            Some((prefix, rest))
                if prefix.starts_with("line ")
                    || prefix.starts_with("payment ")
                    || prefix.starts_with("shipment ") =>
            {
                rest.to_string()
            }
            _ => text,
        };
        return Err(vec![(order.locate(&e), reason)]);
    }
    Ok(input)
}

fn rejections(order: &PendingOrder, rows: Vec<(u64, String)>) -> Vec<RejectedRow> {
    rows.into_iter()
        .map(|(line, reason)| RejectedRow {
            line,
            order_number: Some(order.number.clone()),
            reason,
        })
        .collect()
}
