//! Demo data: two shops, their staff, about twenty orders and returns in every
//! status, all made through the same use cases a shop would use (no SQL), so
//! the demo shows exactly what real use produces, e-mails and events included.
//!
//! History is built by dating the orders in the past (delivered 3 to 20 days
//! ago); the clock is the real one.

use crate::app::merchants::{self, Settings};
use crate::app::{auth, orders, refunds, returns, Actor, AppError, AppResult};
use crate::store::merchants::{Merchant, NewMerchant, SupportContact};
use crate::store::returns::ReturnRecord;
use crate::AppState;
use reso_domain::decision::{Conditions, DecisionRule};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::returns::{LineDecision, RequestedLine};
use reso_domain::time::MS_PER_DAY;
use reso_domain::{
    Currency, Decision, DecisionMatrix, Email, NewOrder, Order, RestockingFee, ReturnPolicy,
    ReturnReason, ReturnShipping, Timestamp,
};
use std::collections::HashMap;

mod catalog;
pub mod claims;

use catalog::{DemoOrder, Product, ACME_CATALOG, ACME_ORDERS, NORDIC_CATALOG, NORDIC_ORDERS};

/// Every demo login uses this password.
pub const PASSWORD: &str = "reso-demo";
pub const SHOP: &str = "acme";
/// The order the printed magic link opens: several returns and a goodwill refund.
pub const SHOWCASE_ORDER: &str = "1013";
/// An order number and e-mail that work on the buyer portal's start page.
pub const PORTAL_ORDER: (&str, &str) = ("1001", "giulia.rossi@example.com");
/// How long the printed magic link stays valid.
pub const LINK_DAYS: i64 = 7;

pub struct Login {
    pub shop: &'static str,
    pub email: &'static str,
    pub role: &'static str,
}

pub const LOGINS: [Login; 4] = [
    Login {
        shop: "acme",
        email: "anna.admin@acme.example",
        role: "admin",
    },
    Login {
        shop: "acme",
        email: "marco.agent@acme.example",
        role: "agent",
    },
    Login {
        shop: "nordic",
        email: "sara.admin@nordic.example",
        role: "admin",
    },
    Login {
        shop: "nordic",
        email: "erik.agent@nordic.example",
        role: "agent",
    },
];

/// What the demo hands out when it is loaded.
pub struct Loaded {
    /// For the JSON API of ACME Outdoor; only its hash is stored.
    pub api_key: String,
}

fn money(currency: &str) -> AppResult<Currency> {
    Ok(Currency::parse(currency)?)
}

/// True when the database has no merchant yet: the demo may fill it.
pub async fn is_empty(state: &AppState) -> AppResult<bool> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(crate::store::merchants::all(&mut conn).await?.is_empty())
}

/// Fills an empty database with the demo.
pub async fn load(state: &AppState) -> AppResult<Loaded> {
    let acme = acme(state).await?;
    let nordic = nordic(state).await?;
    let mut staff = HashMap::new();
    for login in &LOGINS {
        let merchant = if login.shop == acme.slug {
            &acme
        } else {
            &nordic
        };
        let name = login
            .email
            .split('@')
            .next()
            .unwrap_or(login.email)
            .replace('.', " ");
        let id =
            merchants::create_staff(state, merchant.id, login.email, &name, login.role, PASSWORD)
                .await?;
        staff.insert(
            login.email,
            Actor::Staff {
                id,
                email: login.email.to_string(),
            },
        );
    }
    let api_key = auth::create_api_key(state, acme.id, "demo").await?;
    let now = state.now();
    let acme_staff = staff.remove(LOGINS[0].email).unwrap_or(Actor::System);
    let mut shop = Shop {
        state,
        merchant: acme,
        staff: acme_staff,
        orders: HashMap::new(),
    };
    for o in ACME_ORDERS {
        shop.place(o, ACME_CATALOG, now).await?;
    }
    shop.acme_returns().await?;
    let nordic_staff = staff.remove(LOGINS[2].email).unwrap_or(Actor::System);
    let mut shop = Shop {
        state,
        merchant: nordic,
        staff: nordic_staff,
        orders: HashMap::new(),
    };
    for o in NORDIC_ORDERS {
        shop.place(o, NORDIC_CATALOG, now).await?;
    }
    shop.nordic_returns().await?;
    claims::load(state).await?;
    Ok(Loaded { api_key })
}

/// A magic link path (`/s/acme/o/…`) to the showcase order, valid for a week.
pub async fn showcase_link(state: &AppState) -> AppResult<String> {
    let merchant = merchants::by_slug(state, SHOP).await?;
    let order = orders::by_number(state, merchant.id, SHOWCASE_ORDER).await?;
    let access = auth::BuyerAccess {
        merchant_id: merchant.id,
        order_id: order.id,
        email: order.buyer_email.to_string(),
    };
    let token = auth::sign_buyer_link(state, &access, state.now() + LINK_DAYS * MS_PER_DAY);
    Ok(format!("/s/{}/o/{token}", merchant.slug))
}

async fn acme(state: &AppState) -> AppResult<Merchant> {
    let merchant = merchants::create(
        state,
        NewMerchant {
            slug: "acme".into(),
            name: "ACME Outdoor".into(),
            support: SupportContact {
                email: "aiuto@acme.example".into(),
                phone: "+39 02 1234 5678".into(),
                hours: "Lun–Ven 9:00–18:00".into(),
                url: "https://acme.example/aiuto".into(),
            },
            return_address: "ACME Outdoor – Resi\nVia Roma 1\n20121 Milano MI\nItalia".into(),
            default_locale: "it".into(),
            currency: money("EUR")?,
        },
    )
    .await?;
    let policy = ReturnPolicy {
        window_days: 30,
        restocking_fee: RestockingFee::None,
        // Free when the shop is at fault; otherwise the label is deducted.
        return_shipping: ReturnShipping::Buyer {
            label_cost_minor: 490,
        },
        refund_method: reso_domain::RefundMethod::OriginalPayment,
        non_returnable_skus: vec!["GIFT-CARD".into()],
    };
    let rule = |name: &str, when: Conditions, then: Decision| DecisionRule {
        name: name.into(),
        when,
        then,
    };
    let matrix = DecisionMatrix {
        rules: vec![
            rule(
                "Goodwill: refund without return below 15.00 for damaged items",
                Conditions {
                    max_amount_minor: Some(1_500),
                    reasons: vec![ReturnReason::Damaged],
                    ..Conditions::default()
                },
                Decision::RefundWithoutReturn,
            ),
            rule(
                "Returns worth 300.00 or more need photos",
                Conditions {
                    min_amount_minor: Some(30_000),
                    ..Conditions::default()
                },
                Decision::RequestPhotos,
            ),
            rule(
                "Sizing and change of mind within 14 days go through",
                Conditions {
                    reasons: vec![
                        ReturnReason::TooSmall,
                        ReturnReason::TooLarge,
                        ReturnReason::ChangedMind,
                    ],
                    max_days_since_delivery: Some(14),
                    max_prior_returns: Some(2),
                    ..Conditions::default()
                },
                Decision::AutoAuthorize,
            ),
        ],
    };
    configure(state, merchant, policy, matrix).await
}

async fn nordic(state: &AppState) -> AppResult<Merchant> {
    let merchant = merchants::create(
        state,
        NewMerchant {
            slug: "nordic".into(),
            name: "Nordic Trail AB".into(),
            support: SupportContact {
                email: "support@nordic.example".into(),
                phone: "+46 8 123 456 00".into(),
                hours: "Mon–Fri 8:00–16:00 CET".into(),
                url: "https://nordic.example/support".into(),
            },
            return_address: "Nordic Trail AB, Returns\nLagervägen 7\n123 45 Stockholm\nSweden"
                .into(),
            default_locale: "en".into(),
            currency: money("SEK")?,
        },
    )
    .await?;
    let policy = ReturnPolicy {
        window_days: 30,
        restocking_fee: RestockingFee::Percent {
            basis_points: 1_000,
        },
        return_shipping: ReturnShipping::Merchant,
        refund_method: reso_domain::RefundMethod::BuyerChooses,
        non_returnable_skus: Vec::new(),
    };
    configure(state, merchant, policy, DecisionMatrix::starter()).await
}

async fn configure(
    state: &AppState,
    m: Merchant,
    policy: ReturnPolicy,
    matrix: DecisionMatrix,
) -> AppResult<Merchant> {
    let settings = Settings {
        name: m.name,
        support: m.support,
        return_address: m.return_address,
        default_locale: m.default_locale,
        policy,
        matrix,
        notifications: m.notifications,
    };
    merchants::update_settings(state, m.id, settings, &Actor::System).await
}

/// One shop being filled: its orders by number, and the staff member who acts.
struct Shop<'a> {
    state: &'a AppState,
    merchant: Merchant,
    staff: Actor,
    orders: HashMap<&'static str, Order>,
}

impl Shop<'_> {
    async fn place(&mut self, o: &DemoOrder, catalog: &[Product], now: i64) -> AppResult<()> {
        // Delivered mid-afternoon n days ago; placed four days before that.
        let delivered = o
            .delivered_days_ago
            .map(|d| now - d * MS_PER_DAY - 3 * 3_600_000);
        let shipped = delivered.unwrap_or(now) - MS_PER_DAY - 5 * 3_600_000;
        let placed = shipped - 3 * MS_PER_DAY;
        let mut lines = Vec::new();
        for (sku, quantity) in o.lines {
            let (_, title, price, returnable) = catalog
                .iter()
                .find(|p| p.0 == *sku)
                .ok_or_else(|| AppError::Invalid(format!("the demo catalog has no {sku}")))?;
            lines.push(NewLine {
                sku: sku.to_string(),
                title: title.to_string(),
                quantity: *quantity,
                unit_price_minor: *price,
                returnable: *returnable,
            });
        }
        let total: i64 = lines.iter().map(|l| l.unit_price_minor * l.quantity).sum();
        let (method, gateway, reference) = o.payment;
        let input = NewOrder {
            number: o.number.into(),
            buyer_email: Email::parse(o.buyer.0)?,
            buyer_name: o.buyer.1.into(),
            locale: o.buyer.2.into(),
            currency: self.merchant.currency,
            placed_at: Timestamp(placed),
            lines,
            payments: vec![NewPayment {
                method,
                gateway: gateway.into(),
                reference: reference.into(),
                captured_minor: total,
            }],
            shipments: vec![NewShipment {
                carrier: o.carrier.into(),
                tracking_number: format!(
                    "{}DEMO{}",
                    o.carrier.chars().take(3).collect::<String>().to_uppercase(),
                    o.number.replace('-', "")
                ),
                shipped_at: Some(Timestamp(shipped)),
                delivered_at: delivered.map(Timestamp),
            }],
        };
        let saved = orders::upsert(self.state, &self.merchant, &input, &Actor::System).await?;
        self.orders.insert(o.number, saved.order);
        Ok(())
    }

    fn order(&self, number: &str) -> AppResult<&Order> {
        self.orders
            .get(number)
            .ok_or(AppError::NotFound("demo order"))
    }

    /// The buyer asks for a return; the shop's decision matrix decides at once.
    async fn ask(
        &self,
        number: &str,
        lines: &[(&str, i64, ReturnReason)],
        comment: &str,
    ) -> AppResult<ReturnRecord> {
        let order = self.order(number)?;
        let mut requested = Vec::new();
        for (sku, quantity, reason) in lines {
            let line = order
                .lines
                .iter()
                .find(|l| l.sku == *sku)
                .ok_or(AppError::NotFound("demo order line"))?;
            requested.push(RequestedLine {
                order_line_id: line.id,
                quantity: *quantity,
                reason: *reason,
            });
        }
        let request = returns::ReturnRequest {
            lines: requested,
            comment: comment.into(),
            refund_method: None,
            photos: Vec::new(),
        };
        let buyer = Actor::Buyer(order.buyer_email.to_string());
        returns::request(self.state, &self.merchant, order.id, request, &buyer).await
    }

    async fn authorize(&self, r: &ReturnRecord) -> AppResult<ReturnRecord> {
        returns::authorize(self.state, &self.merchant, r.id, &self.staff).await
    }

    async fn ship_back(
        &self,
        r: &ReturnRecord,
        carrier: &str,
        tracking: &str,
    ) -> AppResult<ReturnRecord> {
        let buyer = Actor::Buyer(r.buyer_email.clone());
        returns::ship_back(self.state, &self.merchant, r.id, carrier, tracking, &buyer).await
    }

    /// Parcel back, received, every line inspected with the same verdict.
    async fn receive_and_inspect(
        &self,
        r: &ReturnRecord,
        accept: bool,
        condition: &str,
    ) -> AppResult<ReturnRecord> {
        if r.return_tracking.is_none() {
            self.ship_back(r, "BRT", &format!("RT{:08}", r.id * 7919))
                .await?;
        }
        let r = returns::mark_received(self.state, &self.merchant, r.id, &self.staff).await?;
        let decisions = r
            .lines
            .iter()
            .map(|l| {
                let accepted_quantity = if accept { l.quantity } else { 0 };
                (
                    l.order_line_id,
                    LineDecision {
                        accepted_quantity,
                        condition: condition.into(),
                    },
                )
            })
            .collect();
        returns::inspect(self.state, &self.merchant, r.id, decisions, &self.staff).await
    }

    async fn refund(&self, r: &ReturnRecord, method: Option<refunds::Method>) -> AppResult<()> {
        refunds::refund_return(self.state, &self.merchant, r.id, method, None, &self.staff).await?;
        Ok(())
    }

    /// ACME's returns, one scenario per status (see the decision matrix above).
    async fn acme_returns(&self) -> AppResult<()> {
        use ReturnReason::*;
        // authorized at once: a size swap within 14 days.
        self.ask(
            "1001",
            &[("BOOT-42", 1, TooSmall)],
            "Troppo piccoli, vorrei il 43.",
        )
        .await?;
        // in transit: authorized, and the buyer sent the parcel.
        let r = self
            .ask(
                "1002",
                &[("JACKET-M", 1, TooLarge)],
                "Die Ärmel sind zu lang.",
            )
            .await?;
        self.ship_back(&r, "DHL", "JJD000390007781234").await?;
        // requested: a defect goes to a person.
        self.ask(
            "1003",
            &[("TENT-2P", 1, Defective)],
            "Une arceau s'est cassé au premier montage.",
        )
        .await?;
        // photos requested: more than 300.00 at stake.
        self.ask(
            "1004",
            &[
                ("SLEEP-BAG", 1, NotAsDescribed),
                ("TENT-2P", 1, NotAsDescribed),
            ],
            "No es lo que muestran las fotos.",
        )
        .await?;
        // received: authorized by staff, parcel arrived, not inspected yet.
        let r = self
            .ask(
                "1005",
                &[("BAG-30", 1, NotAsDescribed)],
                "The colour is much darker than on the website.",
            )
            .await?;
        let r = self.authorize(&r).await?;
        self.ship_back(&r, "Royal Mail", "RM123456785GB").await?;
        returns::mark_received(self.state, &self.merchant, r.id, &self.staff).await?;
        // inspected: waiting for staff to refund.
        let r = self
            .ask("1006", &[("STOVE", 1, ChangedMind)], "Ne ho già uno.")
            .await?;
        self.receive_and_inspect(&r, true, "Come nuovo, imballo originale")
            .await?;
        // refunding: the simulator settles a few minutes after the refund.
        let r = self
            .ask("1007", &[("BOOT-43", 1, TooLarge)], "Trop grandes.")
            .await?;
        let r = self.receive_and_inspect(&r, true, "Neuves").await?;
        self.refund(&r, None).await?;
        // refunded: a bank-transfer order, refunded by hand at once.
        let r = self
            .ask(
                "1008",
                &[("LAMP-H", 1, Defective)],
                "Die Lampe geht nach 10 Minuten aus.",
            )
            .await?;
        let r = self.authorize(&r).await?;
        let r = self
            .receive_and_inspect(&r, true, "Defekt bestätigt")
            .await?;
        self.refund(&r, None).await?;
        // rejected: change of mind after 20 days, and the bag was used.
        let r = self
            .ask("1009", &[("SLEEP-BAG", 1, ChangedMind)], "Changed my mind.")
            .await?;
        let reason = "The sleeping bag shows signs of use; for hygiene reasons used sleeping bags cannot be taken back.";
        returns::reject(self.state, &self.merchant, r.id, reason, &self.staff).await?;
        // closed: nothing accepted at inspection.
        let r = self
            .ask("1010", &[("BOOT-42", 1, TooSmall)], "Me quedan pequeñas.")
            .await?;
        self.receive_and_inspect(&r, false, "Suole consumate, usate all'aperto")
            .await?;
        // refund without return: the goodwill rule for a cheap damaged item.
        self.ask(
            "1011",
            &[("BOTTLE", 1, Damaged)],
            "La borraccia è arrivata ammaccata.",
        )
        .await?;
        // the declined refund: the simulator refuses references with "fail".
        let r = self
            .ask(
                "1012",
                &[("LAMP-H", 2, ChangedMind)],
                "Brauche ich doch nicht.",
            )
            .await?;
        let r = self
            .receive_and_inspect(&r, true, "Originalverpackt")
            .await?;
        self.refund(&r, None).await?;
        // Several returns on one order, and a goodwill refund: balances show.
        let r = self
            .ask(
                SHOWCASE_ORDER,
                &[("MUG-TI", 1, Damaged)],
                "One mug arrived dented.",
            )
            .await?;
        let r = self.authorize(&r).await?;
        let r = self.receive_and_inspect(&r, true, "Dent confirmed").await?;
        self.refund(&r, Some(refunds::Method::StoreCredit)).await?;
        self.ask(
            SHOWCASE_ORDER,
            &[("SOCKS-3", 2, TooSmall)],
            "Both packs are too small.",
        )
        .await?;
        let order = self.order(SHOWCASE_ORDER)?;
        let reason = "Goodwill: the tent bag arrived scratched";
        refunds::refund_goodwill(
            self.state,
            &self.merchant,
            order.id,
            1_000,
            refunds::Method::OriginalPayment,
            reason,
            None,
            &self.staff,
        )
        .await?;
        Ok(())
    }

    async fn nordic_returns(&self) -> AppResult<()> {
        use ReturnReason::*;
        let r = self
            .ask(
                "NT-5001",
                &[("BEANIE", 1, ChangedMind)],
                "Wrong colour for me.",
            )
            .await?;
        self.authorize(&r).await?;
        self.ask(
            "NT-5002",
            &[("PARKA-L", 1, TooLarge)],
            "Zu groß, bitte Größe M.",
        )
        .await?;
        let r = self
            .ask(
                "NT-5003",
                &[("SKI-WAX", 1, ChangedMind)],
                "Ordered twice by mistake.",
            )
            .await?;
        let r = self.receive_and_inspect(&r, true, "Unopened").await?;
        self.refund(&r, Some(refunds::Method::StoreCredit)).await?;
        Ok(())
    }
}
