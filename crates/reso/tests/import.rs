//! The CSV order import: exact money, grouping of rows into orders, whole-order
//! rejection with line numbers, and idempotent re-imports.

mod support;

use reso::app::import::{check_orders, import_orders, parse_amount, ImportSummary, RejectedRow};
use reso::app::{orders, Actor, AppError};
use reso_domain::{Currency, PaymentMethod, Timestamp};
use support::TestApp;
use time::macros::datetime;

const HEADER: &str = "order_number,placed_at,buyer_email,buyer_name,locale,currency,sku,title,quantity,unit_price,returnable,\
payment_method,payment_gateway,payment_reference,captured_amount,carrier,tracking_number,shipped_at,delivered_at\n";

fn ms(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn good_file() -> String {
    format!(
        "{HEADER}\
A-1,2026-02-20,Ada@Example.com,Ada Lovelace,en,EUR,TEE-M,T-shirt,2,12.5,true,card,simulator,pi_A1,37.40,DHL,JD1,2026-02-21T09:00:00Z,2026-02-23T15:30:00+01:00\n\
A-1,2026-02-20,ada@example.com,Ada Lovelace,en,EUR,MUG,Mug,1,12.40,false,card,simulator,pi_A1,37.40,DHL,JD1,2026-02-21T09:00:00Z,2026-02-23T15:30:00+01:00\n\
J-1,2026-02-25T08:00:00Z,ken@example.jp,Ken Sato,,jpy,CUP,Tea cup,3,1000,,paypal,simulator,PAY-J1,3000,,,,\n"
    )
}

async fn import(app: &TestApp, csv: &str) -> Result<ImportSummary, AppError> {
    import_orders(
        &app.state,
        &app.merchant,
        csv.as_bytes(),
        &Actor::System,
        |_| {},
    )
    .await
}

fn rejected_at(summary: &ImportSummary, line: u64) -> &RejectedRow {
    summary
        .rejected_rows
        .iter()
        .find(|r| r.line == line)
        .unwrap_or_else(|| panic!("no rejection on line {line}: {:?}", summary.rejected_rows))
}

#[tokio::test]
async fn a_good_file_stores_orders_with_exact_minor_units() {
    let app = TestApp::spawn().await;
    let summary = import(&app, &good_file()).await.expect("import");
    assert_eq!(
        (
            summary.rows,
            summary.created,
            summary.updated,
            summary.unchanged
        ),
        (3, 2, 0, 0)
    );
    assert!(summary.is_clean(), "{:?}", summary.rejected_rows);

    let a = orders::by_number(&app.state, app.merchant.id, "A-1")
        .await
        .expect("A-1 stored");
    assert_eq!(a.buyer_email.as_str(), "ada@example.com");
    assert_eq!(a.currency, Currency::parse("EUR").unwrap());
    assert_eq!(a.placed_at, Timestamp(ms(datetime!(2026-02-20 00:00 UTC))));
    let lines: Vec<(&str, i64, i64, bool)> = a
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity, l.unit_price.minor, l.returnable))
        .collect();
    assert_eq!(lines, [("TEE-M", 2, 1250, true), ("MUG", 1, 1240, false)]);
    // The payment and the parcel repeated on both rows are one payment, one parcel.
    assert_eq!(a.payments.len(), 1);
    assert_eq!(a.payments[0].method, PaymentMethod::Card);
    assert_eq!(
        (
            a.payments[0].reference.as_str(),
            a.payments[0].captured.minor
        ),
        ("pi_A1", 3740)
    );
    assert_eq!(a.shipments.len(), 1);
    assert_eq!(a.shipments[0].tracking_number, "JD1");
    assert_eq!(
        a.shipments[0].shipped_at,
        Some(Timestamp(ms(datetime!(2026-02-21 09:00 UTC))))
    );
    assert_eq!(
        a.shipments[0].delivered_at,
        Some(Timestamp(ms(datetime!(2026-02-23 14:30 UTC))))
    );

    let j = orders::by_number(&app.state, app.merchant.id, "J-1")
        .await
        .expect("J-1 stored");
    assert_eq!(j.currency.as_str(), "JPY");
    assert_eq!(j.lines[0].unit_price.minor, 1000, "JPY has no minor digits");
    assert_eq!(j.payments[0].captured.minor, 3000);
    assert_eq!(
        j.locale, app.merchant.default_locale,
        "an empty locale is the shop's"
    );
    assert!(j.shipments.is_empty());
}

#[tokio::test]
async fn an_order_with_one_bad_row_is_rejected_whole_and_the_others_go_in() {
    let app = TestApp::spawn().await;
    let row = |number: &str,
               email: &str,
               currency: &str,
               sku: &str,
               qty: &str,
               price: &str,
               placed: &str| {
        format!("{number},{placed},{email},Buyer,en,{currency},{sku},Item,{qty},{price},true,card,simulator,pi_{number},100.00,,,,\n")
    };
    let d = "2026-02-20";
    let csv = [
        HEADER.to_string(),
        row("B-1", "b1@example.com", "EUR", "S1", "1", "10.00", d), // line 2: fine alone
        row("B-1", "b1@example.com", "EUR", "S2", "two", "10.00", d), // line 3: bad quantity
        row("B-2", "b2@example.com", "XYZ", "S1", "1", "10.00", d), // line 4: unknown currency
        row("B-3", "b3@example.com", "EUR", "S1", "1", "10.00", d), // line 5
        row("B-3", "other@example.com", "EUR", "S2", "1", "10.00", d), // line 6: another buyer
        row(
            "B-4",
            "b4@example.com",
            "EUR",
            "S1",
            "1",
            "10.00",
            "2026-02-30",
        ), // line 7: no such day
        row("B-5", "b5@example.com", "EUR", "S1", "1", "1.005", d), // line 8: three decimals
        row("G-1", "g1@example.com", "EUR", "S1", "1", "10.00", d), // line 9: fine
    ]
    .concat();
    let summary = import(&app, &csv).await.expect("import");
    assert_eq!(summary.created, 1);
    assert_eq!(summary.rejected_orders, 5);
    assert_eq!(
        summary.rejected_rows.len(),
        5,
        "{:?}",
        summary.rejected_rows
    );
    assert!(!summary.is_clean());

    let quantity = rejected_at(&summary, 3);
    assert_eq!(quantity.order_number.as_deref(), Some("B-1"));
    assert!(
        quantity
            .reason
            .contains("quantity 'two' is not a whole number"),
        "{}",
        quantity.reason
    );
    assert!(rejected_at(&summary, 4)
        .reason
        .contains("currency 'XYZ' is not an ISO 4217 code"));
    let email = &rejected_at(&summary, 6).reason;
    assert!(
        email.contains("buyer_email 'other@example.com' differs from 'b3@example.com' on line 5"),
        "{email}"
    );
    assert!(rejected_at(&summary, 7)
        .reason
        .contains("placed_at '2026-02-30' is not a date"));
    let decimals = &rejected_at(&summary, 8).reason;
    assert!(
        decimals.contains("unit_price '1.005' has 3 decimals; EUR allows at most 2"),
        "{decimals}"
    );

    // Nothing of a rejected order is stored, not even its good row.
    for number in ["B-1", "B-2", "B-3", "B-4", "B-5"] {
        let found = orders::by_number(&app.state, app.merchant.id, number).await;
        assert!(
            matches!(found, Err(AppError::NotFound(_))),
            "{number} should not be stored"
        );
    }
    orders::by_number(&app.state, app.merchant.id, "G-1")
        .await
        .expect("G-1 stored");
}

#[tokio::test]
async fn importing_the_same_file_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let first = import(&app, &good_file()).await.expect("first import");
    assert_eq!(first.created, 2);
    let before = orders::by_number(&app.state, app.merchant.id, "A-1")
        .await
        .unwrap();

    let again = import(&app, &good_file()).await.expect("second import");
    assert_eq!(
        (
            again.created,
            again.updated,
            again.unchanged,
            again.rejected_orders
        ),
        (0, 0, 2, 0)
    );
    assert_eq!(
        orders::by_number(&app.state, app.merchant.id, "A-1")
            .await
            .unwrap(),
        before
    );

    // A changed price is an update of that order only.
    let changed = good_file().replace("TEE-M,T-shirt,2,12.5,", "TEE-M,T-shirt,2,11.00,");
    let third = import(&app, &changed).await.expect("third import");
    assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 1));
    let after = orders::by_number(&app.state, app.merchant.id, "A-1")
        .await
        .unwrap();
    assert_eq!(after.lines[0].unit_price.minor, 1100);
}

#[tokio::test]
async fn orders_that_break_domain_rules_are_reported_at_their_line() {
    let app = TestApp::spawn().await;
    let csv = format!(
        "{HEADER}\
C-1,2026-02-20,c@example.com,C,en,EUR,S1,Item,1,5.00,true,,,,,UPS,T1,2026-02-22,2026-02-21\n\
D-1,2026-02-20,d@example.com,D,en,EUR,S1,Item,1,5.00,true,,,,,,,,\n\
D-1,2026-02-20,d@example.com,D,en,EUR,S1,Item,2,5.00,true,,,,,,,,\n\
E-1,2026-02-20,e@example.com,E,en,EUR,S1,Item,1,5.00,true,,,,,,,,\n\
F-1,2026-02-20,f@example.com,F,en,EUR,S1,Item,1,5.00,true,,,,,,,,\n\
E-1,2026-02-20,e@example.com,E,en,EUR,S2,Item,1,5.00,true,,,,,,,,\n"
    );
    let summary = import(&app, &csv).await.expect("import");
    let delivered = &rejected_at(&summary, 2).reason;
    assert_eq!(delivered, "delivered before it was shipped");
    assert!(rejected_at(&summary, 4)
        .reason
        .contains("SKU 'S1' is already on line 3"));
    // Rows of an order must be together: a late row is not merged into an
    // order already imported.
    assert!(rejected_at(&summary, 7)
        .reason
        .contains("must be next to each other"));
    assert_eq!((summary.created, summary.rejected_orders), (2, 2));
    let e = orders::by_number(&app.state, app.merchant.id, "E-1")
        .await
        .unwrap();
    assert_eq!(e.lines.len(), 1);
}

#[tokio::test]
async fn a_bad_header_stops_the_import_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    let unknown = import(
        &app,
        "order_number,placed_at,buyer_email,currency,sku,quantity,unit_price,colour\n",
    )
    .await;
    assert!(
        matches!(&unknown, Err(AppError::Invalid(m)) if m.contains("unknown column 'colour'")),
        "{unknown:?}"
    );
    let missing = import(&app, "order_number,placed_at,buyer_email,currency,sku,quantity\nX,2026-01-01,x@example.com,EUR,S,1\n").await;
    assert!(
        matches!(&missing, Err(AppError::Invalid(m)) if m.contains("unit_price")),
        "{missing:?}"
    );
    // Only the required columns: a minimal file works.
    let minimal = import(&app, "order_number,placed_at,buyer_email,currency,sku,quantity,unit_price\nM-1,2026-01-01,m@example.com,EUR,S,1,9.99\n")
        .await
        .expect("minimal file");
    assert_eq!(minimal.created, 1);
    let m = orders::by_number(&app.state, app.merchant.id, "M-1")
        .await
        .unwrap();
    assert!(m.payments.is_empty() && m.shipments.is_empty());
    assert_eq!(m.lines[0].unit_price.minor, 999);
}

#[tokio::test]
async fn progress_is_reported_every_hundred_orders() {
    let app = TestApp::spawn().await;
    let mut csv =
        String::from("order_number,placed_at,buyer_email,currency,sku,quantity,unit_price\n");
    for i in 0..205 {
        csv.push_str(&format!("P-{i},2026-01-01,p{i}@example.com,EUR,S,1,1.00\n"));
    }
    let mut seen = Vec::new();
    let summary = import_orders(
        &app.state,
        &app.merchant,
        csv.as_bytes(),
        &Actor::System,
        |s| seen.push(s.orders_seen()),
    )
    .await
    .expect("import");
    assert_eq!(seen, [100, 200]);
    assert_eq!((summary.created, summary.rows), (205, 205));
}

#[test]
fn amounts_convert_exactly_with_the_currency_exponent() {
    let c = |code: &str| Currency::parse(code).unwrap();
    assert_eq!(parse_amount("unit_price", "12.5", c("EUR")), Ok(1250));
    assert_eq!(parse_amount("unit_price", "12.50", c("EUR")), Ok(1250));
    assert_eq!(parse_amount("unit_price", "0.07", c("EUR")), Ok(7));
    assert_eq!(parse_amount("unit_price", "1000", c("JPY")), Ok(1000));
    assert_eq!(parse_amount("unit_price", "1.5", c("KWD")), Ok(1500));
    assert_eq!(parse_amount("unit_price", "19.999", c("KWD")), Ok(19_999));
    for bad in [
        "1.005",
        "1,50",
        "",
        ".5",
        "5.",
        "1e3",
        "-1.00",
        "12.50 EUR",
        "999999999999999999999",
    ] {
        assert!(
            parse_amount("unit_price", bad, c("EUR")).is_err(),
            "{bad:?} should be refused"
        );
    }
    assert!(parse_amount("unit_price", "1000.5", c("JPY"))
        .unwrap_err()
        .contains("JPY allows at most 0"));
}

#[test]
fn a_file_is_checked_without_the_store() {
    let csv = "order_number,placed_at,buyer_email,currency,sku,quantity,unit_price\n\
               C-1,2026-01-01,c@example.com,EUR,S,2,1.50\n\
               C-2,2026-01-01,d@example.com,EUR,S,0,1.50\n\
               ,2026-01-01,e@example.com,EUR,S,1,1.50\n";
    let (orders, rejected) = check_orders(csv.as_bytes(), "it").expect("readable");
    assert_eq!(orders.len(), 1);
    assert_eq!(
        (orders[0].number.as_str(), orders[0].locale.as_str()),
        ("C-1", "it")
    );
    assert_eq!(orders[0].lines[0].unit_price_minor, 150);
    // A row without an order number is left out at once; C-2 when it ends.
    let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 3]);
    assert!(check_orders(&b"sku,bogus\n"[..], "en").is_err());
}
