//! Orders with their lines, payments and shipments.

use super::{StoreError, StoreResult};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::{
    Currency, Email, Money, Order, OrderLine, Payment, PaymentMethod, Shipment, Timestamp,
};
use sqlx::{AnyConnection, Row};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub async fn id_by_number(
    conn: &mut AnyConnection,
    merchant_id: i64,
    number: &str,
) -> StoreResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM orders WHERE merchant_id = $1 AND number = $2")
            .bind(merchant_id)
            .bind(number)
            .fetch_optional(conn)
            .await?,
    )
}

/// An order named by its number, with what a return request refers to:
/// its lines by SKU and the buyer. One query, for the request's hot path.
pub struct OrderLines {
    pub id: i64,
    pub buyer_email: String,
    /// (line id, SKU) in line order.
    pub lines: Vec<(i64, String)>,
}

pub async fn lines_by_number(
    conn: &mut AnyConnection,
    merchant_id: i64,
    number: &str,
) -> StoreResult<Option<OrderLines>> {
    let rows = sqlx::query(
        "SELECT o.id, o.buyer_email, l.id AS line_id, l.sku FROM orders o \
         JOIN order_lines l ON l.order_id = o.id \
         WHERE o.merchant_id = $1 AND o.number = $2 ORDER BY l.id",
    )
    .bind(merchant_id)
    .bind(number)
    .fetch_all(conn)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(OrderLines {
        id: first.try_get("id")?,
        buyer_email: first.try_get("buyer_email")?,
        lines: rows
            .iter()
            .map(|r| Ok((r.try_get("line_id")?, r.try_get("sku")?)))
            .collect::<StoreResult<_>>()?,
    }))
}

/// Takes the order's row lock (PostgreSQL) so concurrent changes to one order
/// run one after the other; on SQLite the single writer already does that.
pub async fn lock(conn: &mut AnyConnection, order_id: i64, now: i64) -> StoreResult<()> {
    let done = sqlx::query("UPDATE orders SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(order_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub struct OrderHeader<'a> {
    pub merchant_id: i64,
    pub number: &'a str,
    pub buyer_email: &'a Email,
    pub buyer_name: &'a str,
    pub locale: &'a str,
    pub currency: Currency,
    pub placed_at: Timestamp,
}

pub async fn insert_header(
    conn: &mut AnyConnection,
    h: &OrderHeader<'_>,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO orders (merchant_id, number, buyer_email, buyer_name, locale, currency, placed_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(h.merchant_id)
    .bind(h.number)
    .bind(h.buyer_email.as_str())
    .bind(h.buyer_name)
    .bind(h.locale)
    .bind(h.currency.as_str())
    .bind(h.placed_at.millis())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn update_buyer(
    conn: &mut AnyConnection,
    order_id: i64,
    email: &Email,
    name: &str,
    locale: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE orders SET buyer_email = $1, buyer_name = $2, locale = $3 WHERE id = $4")
        .bind(email.as_str())
        .bind(name)
        .bind(locale)
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_line(conn: &mut AnyConnection, order_id: i64, l: &NewLine) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, sku, title, quantity, unit_price_minor, returnable) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(&l.sku)
    .bind(&l.title)
    .bind(l.quantity)
    .bind(l.unit_price_minor)
    .bind(i64::from(l.returnable))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_line(conn: &mut AnyConnection, line_id: i64, l: &NewLine) -> StoreResult<()> {
    sqlx::query("UPDATE order_lines SET title = $1, quantity = $2, unit_price_minor = $3, returnable = $4 WHERE id = $5")
        .bind(&l.title)
        .bind(l.quantity)
        .bind(l.unit_price_minor)
        .bind(i64::from(l.returnable))
        .bind(line_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_payment(
    conn: &mut AnyConnection,
    order_id: i64,
    currency: Currency,
    p: &NewPayment,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payments (order_id, method, gateway, reference, currency, captured_minor) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(p.method.code())
    .bind(&p.gateway)
    .bind(&p.reference)
    .bind(currency.as_str())
    .bind(p.captured_minor)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_payment(
    conn: &mut AnyConnection,
    payment_id: i64,
    p: &NewPayment,
) -> StoreResult<()> {
    sqlx::query("UPDATE payments SET method = $1, gateway = $2, captured_minor = $3 WHERE id = $4")
        .bind(p.method.code())
        .bind(&p.gateway)
        .bind(p.captured_minor)
        .bind(payment_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn upsert_shipment(
    conn: &mut AnyConnection,
    order_id: i64,
    s: &NewShipment,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO shipments (order_id, carrier, tracking_number, shipped_at, delivered_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (order_id, tracking_number) DO UPDATE SET carrier = excluded.carrier, \
         shipped_at = excluded.shipped_at, delivered_at = excluded.delivered_at",
    )
    .bind(order_id)
    .bind(&s.carrier)
    .bind(&s.tracking_number)
    .bind(s.shipped_at.map(Timestamp::millis))
    .bind(s.delivered_at.map(Timestamp::millis))
    .execute(conn)
    .await?;
    Ok(())
}

/// The columns [`order_from_row`] reads, of the row `orders`: the order's
/// lines, payments and shipments come along as JSON arrays of rows in id
/// order, so a whole order is one statement instead of four.
pub(crate) fn order_columns(postgres: bool) -> String {
    let rows = |columns: &str, table: &str| {
        if postgres {
            format!(
                "(SELECT CAST(COALESCE(json_agg(json_build_array({columns}) ORDER BY id), '[]') AS TEXT) \
                 FROM {table} WHERE order_id = orders.id)"
            )
        } else {
            format!(
                "(SELECT json_group_array(json_array({columns}) ORDER BY id) FROM {table} WHERE order_id = orders.id)"
            )
        }
    };
    format!(
        "orders.id, orders.merchant_id, orders.number, orders.buyer_email, orders.buyer_name, orders.locale, \
         orders.currency, orders.placed_at, {} AS lines, {} AS payments, {} AS shipments",
        rows(
            "id, sku, title, quantity, unit_price_minor, returnable",
            "order_lines"
        ),
        rows(
            "id, method, gateway, reference, captured_minor, refunded_minor",
            "payments"
        ),
        rows(
            "id, carrier, tracking_number, shipped_at, delivered_at",
            "shipments"
        ),
    )
}

static LOAD: std::sync::LazyLock<[String; 2]> = std::sync::LazyLock::new(|| {
    [false, true].map(|postgres| {
        format!(
            "SELECT {} FROM orders WHERE id = $1 AND merchant_id = $2",
            order_columns(postgres)
        )
    })
});

type LineRow = (i64, String, String, i64, i64, i64);
type PaymentRow = (i64, String, String, String, i64, i64);
type ShipmentRow = (i64, String, String, Option<i64>, Option<i64>);

fn rows<T: serde::de::DeserializeOwned>(row: &sqlx::any::AnyRow, column: &str) -> StoreResult<T> {
    serde_json::from_str(&row.try_get::<String, _>(column)?).map_err(corrupt)
}

/// Loads a whole order. `merchant_id` is always part of the lookup, so one
/// merchant can never load another's order by guessing ids.
pub async fn load(conn: &mut AnyConnection, merchant_id: i64, order_id: i64) -> StoreResult<Order> {
    let sql = &LOAD[usize::from(conn.backend_name() == "PostgreSQL")];
    let row = sqlx::query(sql)
        .bind(order_id)
        .bind(merchant_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    order_from_row(&row)
}

/// The order in a row with the columns of [`order_columns`].
pub(crate) fn order_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Order> {
    let currency = Currency::parse(&row.try_get::<String, _>("currency")?).map_err(corrupt)?;
    let lines = rows::<Vec<LineRow>>(row, "lines")?
        .into_iter()
        .map(
            |(id, sku, title, quantity, unit_price, returnable)| OrderLine {
                id,
                sku,
                title,
                quantity,
                unit_price: Money::new(unit_price, currency),
                returnable: returnable != 0,
            },
        )
        .collect();
    let payments = rows::<Vec<PaymentRow>>(row, "payments")?
        .into_iter()
        .map(
            |(id, method, gateway, reference, captured, refunded)| Payment {
                id,
                method: PaymentMethod::parse(&method).unwrap_or(PaymentMethod::Other),
                gateway,
                reference,
                captured: Money::new(captured, currency),
                refunded: Money::new(refunded, currency),
            },
        )
        .collect();
    let shipments = rows::<Vec<ShipmentRow>>(row, "shipments")?
        .into_iter()
        .map(
            |(id, carrier, tracking_number, shipped_at, delivered_at)| Shipment {
                id,
                carrier,
                tracking_number,
                shipped_at: shipped_at.map(Timestamp),
                delivered_at: delivered_at.map(Timestamp),
            },
        )
        .collect();
    Ok(Order {
        id: row.try_get("id")?,
        merchant_id: row.try_get("merchant_id")?,
        number: row.try_get("number")?,
        buyer_email: Email::parse(&row.try_get::<String, _>("buyer_email")?).map_err(corrupt)?,
        buyer_name: row.try_get("buyer_name")?,
        locale: row.try_get("locale")?,
        currency,
        placed_at: Timestamp(row.try_get("placed_at")?),
        lines,
        payments,
        shipments,
    })
}

/// A row of the order list.
#[derive(Debug, Clone)]
pub struct OrderSummary {
    pub id: i64,
    pub number: String,
    pub buyer_email: String,
    pub placed_at: i64,
    pub currency: String,
}

/// Orders newest first, `limit` at a time, after the cursor `before_id`.
pub async fn list(
    conn: &mut AnyConnection,
    merchant_id: i64,
    before_id: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<OrderSummary>> {
    let rows = sqlx::query(
        "SELECT id, number, buyer_email, placed_at, currency FROM orders \
         WHERE merchant_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(merchant_id)
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OrderSummary {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                buyer_email: r.try_get("buyer_email")?,
                placed_at: r.try_get("placed_at")?,
                currency: r.try_get("currency")?,
            })
        })
        .collect()
}
