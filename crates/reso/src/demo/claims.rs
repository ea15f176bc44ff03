//! Demo buyer protection: protected orders of ACME Outdoor and claims in every
//! state, made through the claim use cases. The history is played on a clock
//! of its own that starts a month ago and walks forward to now, step by step,
//! firing the deadlines that fall due on the way (a silent merchant escalates,
//! a silent buyer's claim closes), exactly as the worker would have.

use crate::app::claims::{self, Answer, Party};
use crate::app::{mediators, merchants, orders, Actor, AppResult};
use crate::clock::ManualClock;
use crate::store::merchants::Merchant;
use crate::AppState;
use reso_domain::claim::{ClaimKind, Reaction, RefundDecision};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::time::MS_PER_DAY;
use reso_domain::{Email, NewOrder, PaymentMethod, Timestamp};
use std::collections::HashMap;
use std::sync::Arc;

pub const MEDIATOR_EMAIL: &str = "mediator@reso.example";
const MEDIATOR_NAME: &str = "Marta Mediator";
const HOUR: i64 = 3_600_000;
/// Where the demo's claim history begins.
const HISTORY_DAYS: i64 = 32;

/// What happens to a protected order, `days_ago` (fractions allowed as hours).
#[derive(Clone, Copy)]
enum Step {
    Open(ClaimKind, &'static str),
    /// Percentage of the order value refunded (0 with `No`).
    Answer(RefundDecision, i64, &'static str),
    React(Reaction, &'static str),
    RequestDocuments(&'static str),
    /// Percentage of the order value, from the guarantee or not.
    Decide(i64, bool, &'static str),
}

struct Story {
    number: &'static str,
    buyer: (&'static str, &'static str, &'static str),
    sku: (&'static str, &'static str, i64),
    placed_days_ago: i64,
    /// Hours before now at which each step happens.
    steps: &'static [(i64, Step)],
}

const D: i64 = 24;

const NOT_HERE: &str = "The parcel never arrived. Tracking has shown 'in transit' for a week.";
const NO_MONEY: &str =
    "I sent the jacket back three weeks ago and the refund has not reached my card.";

/// One protected order per state a claim can be in (and three without claim).
const STORIES: &[Story] = &[
    Story {
        number: "P-3001",
        buyer: ("lucia.bianchi@example.com", "Lucia Bianchi", "it"),
        sku: ("TENT-2P", "Two-person tent", 18_900),
        placed_days_ago: 12,
        steps: &[(D + 3, Step::Open(ClaimKind::NotReceived, "Il pacco non è mai arrivato. Il tracking è fermo da una settimana."))],
    },
    Story {
        number: "P-3002",
        buyer: ("tom.baker@example.com", "Tom Baker", "en"),
        sku: ("JACKET-RAIN", "Rain jacket", 12_900),
        placed_days_ago: 20,
        steps: &[(3 * D + 5, Step::Open(ClaimKind::RefundNotReceived, NO_MONEY))],
    },
    Story {
        number: "P-3003",
        buyer: ("claire.martin@example.com", "Claire Martin", "fr"),
        sku: ("BAG-35L", "Hiking backpack 35 L", 9_900),
        placed_days_ago: 15,
        steps: &[
            (4 * D, Step::Open(ClaimKind::NotReceived, "Le colis n'est jamais arrivé.")),
            (2 * D, Step::Answer(RefundDecision::Yes, 100, "The parcel was lost by the carrier: we refunded the whole order.")),
        ],
    },
    Story {
        number: "P-3004",
        buyer: ("jonas.weber@example.com", "Jonas Weber", "de"),
        sku: ("STOVE-GAS", "Camping stove", 6_900),
        placed_days_ago: 14,
        steps: &[
            (5 * D, Step::Open(ClaimKind::NotReceived, "Nur der Kocher kam an, die Kartusche fehlte.")),
            (3 * D, Step::Answer(RefundDecision::Yes, 30, "The cartridge was missing from the parcel: we refunded its part of the price.")),
        ],
    },
    Story {
        number: "P-3005",
        buyer: ("pablo.garcia@example.com", "Pablo García", "es"),
        sku: ("LAMP-HEAD", "Head torch", 3_900),
        placed_days_ago: 10,
        steps: &[
            (3 * D, Step::Open(ClaimKind::NotReceived, "El pedido llegó con diez días de retraso.")),
            (D, Step::Answer(RefundDecision::No, 0, "The torch was delivered on 12 March, as the tracking shows; the delay was the carrier's.")),
        ],
    },
    Story {
        number: "P-3006",
        buyer: ("anna.schmidt@example.com", "Anna Schmidt", "de"),
        sku: ("BOOTS-HIKE", "Hiking boots", 15_900),
        placed_days_ago: 20,
        // No answer within 5 days: escalated by the deadline.
        steps: &[(9 * D, Step::Open(ClaimKind::NotReceived, "Die Schuhe sind nie angekommen."))],
    },
    Story {
        number: "P-3007",
        buyer: ("marco.conti@example.com", "Marco Conti", "it"),
        sku: ("TENT-2P", "Two-person tent", 18_900),
        placed_days_ago: 8,
        steps: &[(2 * D, Step::Open(ClaimKind::OtherProblem, "La tenda è arrivata usata e con un palo rotto."))],
    },
    Story {
        number: "P-3008",
        buyer: ("emma.jones@example.com", "Emma Jones", "en"),
        sku: ("JACKET-RAIN", "Rain jacket", 12_900),
        placed_days_ago: 18,
        steps: &[
            (10 * D, Step::Open(ClaimKind::RefundNotReceived, NO_MONEY)),
            (8 * D, Step::Answer(RefundDecision::Yes, 50, "The jacket came back worn: we refund half of it.")),
            (6 * D, Step::React(Reaction::Disagree, "It was worn once, to try it on. I want the full price back.")),
        ],
    },
    Story {
        number: "P-3009",
        buyer: ("luc.dubois@example.com", "Luc Dubois", "fr"),
        sku: ("BAG-35L", "Hiking backpack 35 L", 9_900),
        placed_days_ago: 16,
        steps: &[
            (12 * D, Step::Open(ClaimKind::NotReceived, NOT_HERE)),
            (10 * D, Step::Answer(RefundDecision::No, 0, "The carrier confirms delivery to the building's concierge.")),
            (9 * D, Step::React(Reaction::Disagree, "Il n'y a pas de concierge dans mon immeuble.")),
            (D, Step::RequestDocuments("Please send the carrier's proof of delivery with the signature.")),
        ],
    },
    Story {
        number: "P-3010",
        buyer: ("sofia.russo@example.com", "Sofia Russo", "it"),
        sku: ("STOVE-GAS", "Camping stove", 6_900),
        placed_days_ago: 25,
        steps: &[
            (20 * D, Step::Open(ClaimKind::NotReceived, NOT_HERE)),
            (18 * D, Step::Answer(RefundDecision::Yes, 100, "Sorry: the parcel was lost. Full refund issued.")),
            (15 * D, Step::React(Reaction::Received, "")),
        ],
    },
    Story {
        number: "P-3011",
        buyer: ("oliver.smith@example.com", "Oliver Smith", "en"),
        sku: ("LAMP-HEAD", "Head torch", 3_900),
        placed_days_ago: 22,
        steps: &[
            (18 * D, Step::Open(ClaimKind::NotReceived, "Still waiting for my torch.")),
            (17 * D, Step::Answer(RefundDecision::No, 0, "It was delivered this morning, see the tracking.")),
            (16 * D, Step::React(Reaction::Conclude, "Got it, thanks!")),
        ],
    },
    Story {
        number: "P-3012",
        buyer: ("lena.fischer@example.com", "Lena Fischer", "de"),
        sku: ("BOOTS-HIKE", "Hiking boots", 15_900),
        placed_days_ago: 29,
        // The buyer never reacts: closed as answered by the 20-day deadline.
        steps: &[
            (28 * D, Step::Open(ClaimKind::NotReceived, "Das Paket ist nicht da.")),
            (26 * D, Step::Answer(RefundDecision::Yes, 40, "Only the left boot was missing from the stock count: partial refund.")),
        ],
    },
    Story {
        number: "P-3013",
        buyer: ("javier.lopez@example.com", "Javier López", "es"),
        sku: ("TENT-2P", "Two-person tent", 18_900),
        placed_days_ago: 24,
        steps: &[
            (20 * D, Step::Open(ClaimKind::NotReceived, "La tienda no ha llegado.")),
            (19 * D, Step::Answer(RefundDecision::No, 0, "Delivered according to the carrier.")),
            (18 * D, Step::React(Reaction::Disagree, "No es cierto, nadie firmó la entrega.")),
            (12 * D, Step::Decide(100, false, "The carrier's proof of delivery has no signature: the shop refunds the order.")),
        ],
    },
    Story {
        number: "P-3014",
        buyer: ("giorgio.verdi@example.com", "Giorgio Verdi", "it"),
        sku: ("JACKET-RAIN", "Rain jacket", 12_900),
        placed_days_ago: 23,
        steps: &[
            (20 * D, Step::Open(ClaimKind::OtherProblem, "La giacca non è impermeabile come descritto.")),
            (10 * D, Step::Decide(60, true, "The jacket was sold as waterproof; the guarantee refunds most of its price.")),
        ],
    },
    Story {
        number: "P-3015",
        buyer: ("hannah.meyer@example.com", "Hannah Meyer", "de"),
        sku: ("BAG-35L", "Hiking backpack 35 L", 9_900),
        placed_days_ago: 21,
        steps: &[
            (18 * D, Step::Open(ClaimKind::NotReceived, "Rucksack nicht erhalten.")),
            (17 * D, Step::Answer(RefundDecision::No, 0, "Delivered to the parcel locker, code sent by SMS.")),
            (16 * D, Step::React(Reaction::Disagree, "Ich habe keinen Code bekommen.")),
            (8 * D, Step::Decide(0, false, "The locker log shows the parcel was collected with the buyer's code.")),
        ],
    },
    // Protected, no claim: one whose day-23 mail is already out, one whose
    // mail goes out in 3 days (move the clock to see it), one fresh order.
    Story {
        number: "P-3016",
        buyer: ("chiara.galli@example.com", "Chiara Galli", "it"),
        sku: ("LAMP-HEAD", "Head torch", 3_900),
        placed_days_ago: 25,
        steps: &[],
    },
    Story {
        number: "P-3017",
        buyer: ("sam.taylor@example.com", "Sam Taylor", "en"),
        sku: ("STOVE-GAS", "Camping stove", 6_900),
        placed_days_ago: 20,
        steps: &[],
    },
    Story {
        number: "P-3018",
        buyer: ("ines.moreau@example.com", "Inès Moreau", "fr"),
        sku: ("TENT-2P", "Two-person tent", 18_900),
        placed_days_ago: 3,
        steps: &[],
    },
];

fn order_input(s: &Story, merchant: &Merchant, placed: i64) -> AppResult<NewOrder> {
    let (sku, title, price) = s.sku;
    let shipped = placed + MS_PER_DAY;
    Ok(NewOrder {
        number: s.number.into(),
        buyer_email: Email::parse(s.buyer.0)?,
        buyer_name: s.buyer.1.into(),
        locale: s.buyer.2.into(),
        currency: merchant.currency,
        placed_at: Timestamp(placed),
        lines: vec![NewLine {
            sku: sku.into(),
            title: title.into(),
            quantity: 1,
            unit_price_minor: price,
            returnable: true,
        }],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_demo_{}", s.number),
            captured_minor: price,
        }],
        shipments: vec![NewShipment {
            carrier: "BRT".into(),
            tracking_number: format!("BRTDEMO{}", s.number.replace('-', "")),
            shipped_at: Some(Timestamp(shipped)),
            // "Not received" claims are about parcels that never arrived.
            delivered_at: None,
        }],
    })
}

enum Event<'a> {
    Place(&'a Story),
    Step(&'a Story, Step),
}

/// Adds the protected orders, their claims and the mediator login.
pub async fn load(state: &AppState) -> AppResult<()> {
    let mediator_id =
        mediators::create(state, MEDIATOR_EMAIL, MEDIATOR_NAME, super::PASSWORD).await?;
    let mediator = Party::Mediator {
        id: mediator_id,
        email: MEDIATOR_EMAIL.into(),
    };
    let merchant = merchants::by_slug(state, super::SHOP).await?;
    let staff = Actor::System;
    let now = state.now();
    // The history's own clock: the deadlines in the database are real rows,
    // fired by `fire_due` as the clock walks past them.
    let clock = ManualClock::frozen(Timestamp(now - HISTORY_DAYS * MS_PER_DAY));
    let past = AppState {
        clock: Arc::new(clock.clone()),
        ..state.clone()
    };
    let mut timeline: Vec<(i64, Event<'_>)> = Vec::new();
    for s in STORIES {
        let placed = now - s.placed_days_ago * MS_PER_DAY - 2 * HOUR;
        timeline.push((placed, Event::Place(s)));
        for (hours_ago, step) in s.steps {
            timeline.push((now - hours_ago * HOUR, Event::Step(s, *step)));
        }
    }
    // Stable: a story's steps keep their order when two fall at the same time.
    timeline.sort_by_key(|(at, _)| *at);
    let mut orders_by_number = HashMap::new();
    let mut claims_by_number = HashMap::new();
    for (at, event) in timeline {
        let behind = at - past.now();
        clock.advance_ms(behind);
        crate::app::deadlines::fire_due(&past, 500).await?;
        match event {
            Event::Place(s) => {
                let input = order_input(s, &merchant, at)?;
                let saved =
                    orders::upsert_protected(&past, &merchant, &input, Some(true), &staff).await?;
                orders_by_number.insert(s.number, saved.order);
            }
            Event::Step(s, step) => {
                let order = orders_by_number
                    .get(s.number)
                    .ok_or(crate::app::AppError::NotFound("demo order"))?;
                let value = order.goods_total().minor;
                let buyer = order.buyer_email.as_str();
                let claim_id = claims_by_number.get(s.number).copied();
                let id = || claim_id.ok_or(crate::app::AppError::NotFound("demo claim"));
                match step {
                    Step::Open(kind, text) => {
                        let c =
                            claims::open(&past, &merchant, order.id, kind, text, Vec::new(), buyer)
                                .await?;
                        claims_by_number.insert(s.number, c.id);
                    }
                    Step::Answer(decision, percent, message) => {
                        let answer = Answer {
                            decision,
                            amount_minor: value * percent / 100,
                            message: message.into(),
                            return_id: None,
                            uploads: Vec::new(),
                        };
                        claims::answer(&past, &merchant, id()?, answer, &staff).await?;
                    }
                    Step::React(reaction, message) => {
                        claims::react(&past, &merchant, id()?, reaction, message, buyer).await?;
                    }
                    Step::RequestDocuments(message) => {
                        claims::request_documents(&past, id()?, message, &mediator).await?;
                    }
                    Step::Decide(percent, guarantee, message) => {
                        let amount = value * percent / 100;
                        claims::decide(&past, id()?, amount, guarantee, message, &mediator).await?;
                    }
                }
            }
        }
    }
    clock.advance_ms(now - past.now());
    crate::app::deadlines::fire_due(&past, 500).await?;
    Ok(())
}
