//! The data every measured level starts from, loaded once per database through
//! the use cases (as a shop's import would): several shops, each with staff,
//! an API key, orders of several lines paid in two parts and delivered two
//! days ago, and some returns already authorized for staff to work on.

use crate::app::auth::BuyerAccess;
use crate::app::returns::ReturnRequest;
use crate::app::{self, Actor};
use crate::clock::SystemClock;
use crate::store::merchants::{Merchant, NewMerchant, SupportContact};
use crate::{server, AppState, Config};
use reso_domain::order::{NewLine, NewOrder, NewPayment, NewShipment};
use reso_domain::returns::RequestedLine;
use reso_domain::{Currency, Email, PaymentMethod, ReturnReason, Timestamp};
use std::sync::Arc;

/// How much to load.
#[derive(Debug, Clone, Copy)]
pub struct DataSize {
    pub shops: usize,
    pub orders_per_shop: usize,
    /// Returns authorized before the run, per shop: work for staff actions.
    pub open_returns_per_shop: usize,
}

/// The three lines of every order; each request returns one item of one.
const LINES: [(&str, &str, i64); 3] = [
    ("SHIRT", "Linen shirt", 3_900),
    ("SOCKS", "Wool socks, 3 pairs", 1_500),
    ("CAP", "Canvas cap", 2_200),
];
/// Items per line: enough that returns never run out during a run.
const QUANTITY: i64 = 200;
const PASSWORD: &str = "bench-password";

pub struct OrderRef {
    pub number: String,
    pub buyer_email: String,
    /// A signed buyer link token, for the buyer's order page.
    pub buyer_token: String,
}

pub struct Shop {
    pub merchant: Merchant,
    pub api_key: String,
    /// A control-center session of the shop's admin (the cookie's value).
    pub session: String,
    pub orders: Vec<OrderRef>,
    /// Returns waiting for staff when the run starts.
    pub open_returns: Vec<Pending>,
}

pub struct Dataset {
    pub shops: Vec<Shop>,
}

impl Dataset {
    /// Request `i` goes to shop `i % shops`, spread over its orders.
    pub fn order(&self, i: usize) -> (usize, &OrderRef) {
        let shop = i % self.shops.len();
        let orders = &self.shops[shop].orders;
        (shop, &orders[(i / self.shops.len()) % orders.len()])
    }

    /// The line request `i` returns: each pass over all orders takes the next.
    pub fn sku(&self, i: usize) -> &'static str {
        let orders = self.shops.len() * self.shops[0].orders.len();
        LINES[(i / orders) % LINES.len()].0
    }
}

/// A return staff can move on: its status and its lines (id, quantity).
#[derive(Debug, Clone)]
pub struct Pending {
    pub shop: usize,
    pub id: i64,
    pub status: String,
    pub lines: Vec<(i64, i64)>,
}

impl Pending {
    /// From a return as the API answers it.
    pub fn from_json(shop: usize, r: &serde_json::Value) -> Option<Pending> {
        let lines = r["lines"]
            .as_array()?
            .iter()
            .map(|l| Some((l["order_line_id"].as_i64()?, l["quantity"].as_i64()?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Pending {
            shop,
            id: r["id"].as_i64()?,
            status: r["status"].as_str()?.to_string(),
            lines,
        })
    }
}

fn config() -> Config {
    Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: crate::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    }
}

/// Opens (and migrates) the database at `url` as the server would.
pub async fn open(url: &str) -> anyhow::Result<AppState> {
    server::build_state(url, config(), Arc::new(SystemClock)).await
}

/// Loads the dataset into the empty database at `url`.
pub async fn load(url: &str, size: DataSize) -> anyhow::Result<Dataset> {
    let state = open(url).await?;
    let mut shops = Vec::with_capacity(size.shops);
    for s in 0..size.shops {
        shops.push(load_shop(&state, s, size).await?);
    }
    state.db.close().await;
    Ok(Dataset { shops })
}

async fn load_shop(state: &AppState, s: usize, size: DataSize) -> anyhow::Result<Shop> {
    let merchant = app::merchants::create(
        state,
        NewMerchant {
            slug: format!("shop{s}"),
            name: format!("Bench Shop {s}"),
            support: SupportContact {
                email: format!("help@shop{s}.test"),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: format!("Shop {s} Returns, 1 Test Street"),
            default_locale: "en".into(),
            currency: Currency::parse("EUR")?,
        },
    )
    .await?;
    let admin = format!("admin@shop{s}.test");
    app::merchants::create_staff(state, merchant.id, &admin, "Admin", "admin", PASSWORD).await?;
    let session = app::auth::login(state, &admin, PASSWORD).await?.token;
    let api_key = app::auth::create_api_key(state, merchant.id, "bench").await?;

    // Concurrently, as a shop's import would: with one fsync per commit on
    // both databases, loading one order after another takes minutes.
    let workers = 16.min(size.orders_per_shop.max(1));
    let mut tasks = Vec::with_capacity(workers);
    for w in 0..workers {
        let (state, merchant) = (state.clone(), merchant.clone());
        tasks.push(tokio::spawn(async move {
            let now = state.now();
            let expires = now + 30 * reso_domain::time::MS_PER_DAY;
            let mut orders = Vec::new();
            for i in (w..size.orders_per_shop).step_by(workers) {
                let new = new_order(s, i, now)?;
                let order = app::orders::upsert(&state, &merchant, &new, &Actor::System)
                    .await?
                    .order;
                let access = BuyerAccess {
                    merchant_id: merchant.id,
                    order_id: order.id,
                    email: order.buyer_email.as_str().to_string(),
                };
                let buyer_token = app::auth::sign_buyer_link(&state, &access, expires);
                orders.push((i, order, buyer_token));
            }
            anyhow::Ok(orders)
        }));
    }
    let mut loaded = Vec::with_capacity(size.orders_per_shop);
    for task in tasks {
        loaded.extend(task.await??);
    }
    loaded.sort_by_key(|(i, _, _)| *i);

    let mut open_returns = Vec::with_capacity(size.open_returns_per_shop);
    for (_, order, _) in loaded.iter().take(size.open_returns_per_shop) {
        let line = &order.lines[0];
        let request = ReturnRequest {
            lines: vec![RequestedLine {
                order_line_id: line.id,
                quantity: 1,
                reason: ReturnReason::TooSmall,
            }],
            comment: "bench".into(),
            refund_method: None,
            photos: Vec::new(),
        };
        let r = app::returns::request(state, &merchant, order.id, request, &Actor::System).await?;
        open_returns.push(Pending {
            shop: s,
            id: r.id,
            status: r.status.code().to_string(),
            lines: vec![(line.id, 1)],
        });
    }
    let orders = loaded
        .into_iter()
        .map(|(_, order, buyer_token)| OrderRef {
            number: order.number,
            buyer_email: order.buyer_email.as_str().to_string(),
            buyer_token,
        })
        .collect();
    Ok(Shop {
        merchant,
        api_key,
        session,
        orders,
        open_returns,
    })
}

/// Order `i` of shop `s`: three lines, paid by card and store credit, delivered.
fn new_order(s: usize, i: usize, now: i64) -> anyhow::Result<NewOrder> {
    let day = reso_domain::time::MS_PER_DAY;
    let total: i64 = LINES.iter().map(|(_, _, price)| price * QUANTITY).sum();
    let credit = total / 5;
    Ok(NewOrder {
        number: format!("S{s}-{i:06}"),
        buyer_email: Email::parse(&format!("buyer{i}@shop{s}.test"))?,
        buyer_name: format!("Buyer {i}"),
        locale: "en".into(),
        currency: Currency::parse("EUR")?,
        placed_at: Timestamp(now - 6 * day),
        lines: LINES
            .iter()
            .map(|(sku, title, price)| NewLine {
                sku: (*sku).into(),
                title: (*title).into(),
                quantity: QUANTITY,
                unit_price_minor: *price,
                returnable: true,
            })
            .collect(),
        payments: vec![
            NewPayment {
                method: PaymentMethod::Card,
                gateway: "simulator".into(),
                reference: format!("pi_bench_{s}_{i}"),
                captured_minor: total - credit,
            },
            NewPayment {
                method: PaymentMethod::StoreCredit,
                gateway: "manual".into(),
                reference: format!("credit_{s}_{i}"),
                captured_minor: credit,
            },
        ],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{s}{i:08}"),
            shipped_at: Some(Timestamp(now - 4 * day)),
            delivered_at: Some(Timestamp(now - 2 * day)),
        }],
    })
}
