//! `reso import-orders`: orders from a CSV file, with progress on stderr and a
//! summary on stdout.

use super::{admin_state, DbArgs, Failure};
use crate::app::import::{import_orders, ImportSummary};
use crate::app::{merchants, Actor};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

pub const LONG_HELP: &str = "\
Import orders from a CSV file: one row per order line; rows with the same
order_number form one order and must be next to each other.

The first row is the header. Columns (any order; those marked * are required):
  order_number*   the shop's order number (unique per merchant)
  placed_at*      2026-03-01 or 2026-03-01T10:00:00Z (RFC 3339)
  buyer_email*    buyer_name    locale (en, it, fr, es, de; default: the shop's)
  currency*       ISO 4217 code (EUR, SEK, JPY, ...)
  sku*  title  quantity* (1-100000)  unit_price* (12.50)  returnable (true/false, default true)
  payment_method (card, paypal, buy_now_pay_later, bank_transfer, store_credit, other)
  payment_gateway (simulator, manual, ...)  payment_reference  captured_amount
  carrier  tracking_number  shipped_at  delivered_at

Order-level columns (placed_at, buyer_*, locale, currency) must agree on all
rows of an order. Payment and shipment columns may be repeated on several rows
(the same payment_reference or tracking_number must then agree) or left empty;
different references or tracking numbers add more payments or parcels.
Amounts are decimal numbers in major units, with at most as many decimals as
the currency has (2 for EUR, 0 for JPY); they are converted exactly.

Each order is checked as a whole: an order with a bad row is not imported at
all, the other orders are. Importing the same file again changes nothing.
Exit code 0 when every row was imported, 2 when some were rejected.";

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The merchant's slug.
    #[arg(long)]
    merchant: String,
    /// The CSV file, or - for standard input.
    file: PathBuf,
}

fn counts(s: &ImportSummary) -> String {
    format!(
        "{} orders: {} created, {} updated, {} unchanged, {} rejected",
        s.orders_seen(),
        s.created,
        s.updated,
        s.unchanged,
        s.rejected_orders
    )
}

pub async fn run(args: ImportArgs) -> Result<ExitCode, Failure> {
    let input: Box<dyn std::io::Read + Send> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Failure::Usage(format!("cannot open {}: {e}", args.file.display())))?;
        Box::new(std::io::BufReader::new(file))
    };
    let state = admin_state(&args.db).await?;
    let merchant = merchants::by_slug(&state, args.merchant.trim()).await?;
    let summary = import_orders(&state, &merchant, input, &Actor::System, |s| {
        eprintln!("… {}", counts(s))
    })
    .await?;
    eprintln!("done: {} rows read, {}", summary.rows, counts(&summary));
    println!("Imported {} for '{}'.", counts(&summary), merchant.slug);
    if !summary.rejected_rows.is_empty() {
        println!("Rejected rows:");
        for r in &summary.rejected_rows {
            let order = r
                .order_number
                .as_deref()
                .map(|n| format!(" (order {n})"))
                .unwrap_or_default();
            println!("  line {}{order}: {}", r.line, r.reason);
        }
    }
    state.db.close().await;
    Ok(if summary.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
