//! What the demo shops sell and who bought what: plain data, turned into
//! orders by the use cases in `mod.rs`.

use reso_domain::PaymentMethod;

/// A product of a demo shop: SKU, title, unit price in minor units, returnable.
pub(super) type Product = (&'static str, &'static str, i64, bool);

pub(super) const ACME_CATALOG: &[Product] = &[
    ("TENT-2P", "Tenda due posti Dolomiti", 18_900, true),
    ("BOOT-42", "Scarponi Trekker, 42", 14_990, true),
    ("BOOT-43", "Scarponi Trekker, 43", 14_990, true),
    ("JACKET-M", "Giacca impermeabile, M", 12_900, true),
    ("MUG-TI", "Tazza in titanio", 2_450, true),
    ("SOCKS-3", "Calze merino (3 paia)", 1_990, true),
    ("LAMP-H", "Lampada frontale 400 lm", 3_990, true),
    ("BAG-30", "Zaino 30 l", 8_900, true),
    ("BOTTLE", "Borraccia termica 0,75 l", 1_290, true),
    ("GIFT-CARD", "Carta regalo 50 €", 5_000, false),
    ("SLEEP-BAG", "Sacco a pelo −5 °C", 21_900, true),
    ("STOVE", "Fornello a gas compatto", 4_500, true),
];

pub(super) const NORDIC_CATALOG: &[Product] = &[
    ("PARKA-L", "Down parka, L", 249_900, true),
    ("BEANIE", "Wool beanie", 29_900, true),
    ("GLOVES-M", "Ski gloves, M", 59_900, true),
    ("THERMOS", "Thermos 1 l", 34_900, true),
    ("SKI-WAX", "Ski wax kit", 19_900, true),
];

/// One demo order: number, buyer (e-mail, name, locale), days since delivery
/// (None: still travelling), lines (SKU, quantity), payment (method, gateway, reference).
pub(super) struct DemoOrder {
    pub(super) number: &'static str,
    pub(super) buyer: (&'static str, &'static str, &'static str),
    pub(super) delivered_days_ago: Option<i64>,
    pub(super) lines: &'static [(&'static str, i64)],
    pub(super) payment: (PaymentMethod, &'static str, &'static str),
    pub(super) carrier: &'static str,
}

const fn order(
    number: &'static str,
    buyer: (&'static str, &'static str, &'static str),
    delivered_days_ago: Option<i64>,
    lines: &'static [(&'static str, i64)],
    payment: (PaymentMethod, &'static str, &'static str),
    carrier: &'static str,
) -> DemoOrder {
    DemoOrder {
        number,
        buyer,
        delivered_days_ago,
        lines,
        payment,
        carrier,
    }
}

const CARD: PaymentMethod = PaymentMethod::Card;
const PAYPAL: PaymentMethod = PaymentMethod::Paypal;

pub(super) const ACME_ORDERS: &[DemoOrder] = &[
    order(
        "1001",
        ("giulia.rossi@example.com", "Giulia Rossi", "it"),
        Some(5),
        &[("BOOT-42", 1), ("SOCKS-3", 1)],
        (CARD, "simulator", "pi_demo_1001"),
        "BRT",
    ),
    order(
        "1002",
        ("jonas.weber@example.de", "Jonas Weber", "de"),
        Some(8),
        &[("JACKET-M", 1), ("LAMP-H", 1)],
        (PAYPAL, "simulator", "PAYID-DEMO-1002"),
        "DHL",
    ),
    order(
        "1003",
        ("camille.dubois@example.fr", "Camille Dubois", "fr"),
        Some(18),
        &[("TENT-2P", 1)],
        (CARD, "simulator", "pi_demo_1003"),
        "GLS",
    ),
    order(
        "1004",
        ("lucia.garcia@example.es", "Lucía García", "es"),
        Some(10),
        &[("SLEEP-BAG", 1), ("TENT-2P", 1)],
        (CARD, "simulator", "pi_demo_1004"),
        "UPS",
    ),
    order(
        "1005",
        ("emma.clarke@example.co.uk", "Emma Clarke", "en"),
        Some(16),
        &[("BAG-30", 1)],
        (PAYPAL, "simulator", "PAYID-DEMO-1005"),
        "DHL",
    ),
    order(
        "1006",
        ("luca.bianchi@example.it", "Luca Bianchi", "it"),
        Some(7),
        &[("STOVE", 1), ("MUG-TI", 2)],
        (CARD, "simulator", "pi_demo_1006"),
        "Poste Italiane",
    ),
    order(
        "1007",
        ("sophie.martin@example.fr", "Sophie Martin", "fr"),
        Some(12),
        &[("BOOT-43", 1)],
        (CARD, "simulator", "pi_demo_1007"),
        "GLS",
    ),
    order(
        "1008",
        ("hans.mueller@example.de", "Hans Müller", "de"),
        Some(14),
        &[("JACKET-M", 1), ("LAMP-H", 1)],
        (PaymentMethod::BankTransfer, "manual", "SEPA-DEMO-1008"),
        "DHL",
    ),
    order(
        "1009",
        ("oliver.bennett@example.com", "Oliver Bennett", "en"),
        Some(20),
        &[("SLEEP-BAG", 1)],
        (CARD, "simulator", "pi_demo_1009"),
        "UPS",
    ),
    order(
        "1010",
        ("marta.lopez@example.es", "Marta López", "es"),
        Some(9),
        &[("BOOT-42", 1)],
        (CARD, "simulator", "pi_demo_1010"),
        "SEUR",
    ),
    order(
        "1011",
        ("chiara.conti@example.it", "Chiara Conti", "it"),
        Some(6),
        &[("BOTTLE", 1), ("SOCKS-3", 1), ("MUG-TI", 1)],
        (CARD, "simulator", "pi_demo_1011"),
        "BRT",
    ),
    // The simulator declines refunds on references containing "fail".
    order(
        "1012",
        ("paul.schneider@example.de", "Paul Schneider", "de"),
        Some(11),
        &[("LAMP-H", 2)],
        (CARD, "simulator", "pi_demo_fail_1012"),
        "DHL",
    ),
    order(
        "1013",
        ("sarah.johnson@example.com", "Sarah Johnson", "en"),
        Some(9),
        &[("TENT-2P", 1), ("MUG-TI", 2), ("SOCKS-3", 2), ("LAMP-H", 1)],
        (CARD, "simulator", "pi_demo_1013"),
        "UPS",
    ),
    order(
        "1014",
        ("noah.fischer@example.de", "Noah Fischer", "de"),
        Some(4),
        &[("GIFT-CARD", 1), ("BAG-30", 1)],
        (
            PaymentMethod::BuyNowPayLater,
            "simulator",
            "klarna_demo_1014",
        ),
        "DHL",
    ),
    order(
        "1015",
        ("lea.bernard@example.fr", "Léa Bernard", "fr"),
        Some(3),
        &[("STOVE", 1)],
        (CARD, "simulator", "pi_demo_1015"),
        "Colissimo",
    ),
    order(
        "1016",
        ("carlos.ruiz@example.es", "Carlos Ruiz", "es"),
        None,
        &[("BOOT-43", 1), ("SOCKS-3", 1)],
        (PAYPAL, "simulator", "PAYID-DEMO-1016"),
        "SEUR",
    ),
];

pub(super) const NORDIC_ORDERS: &[DemoOrder] = &[
    order(
        "NT-5001",
        ("astrid.lind@example.se", "Astrid Lind", "en"),
        Some(6),
        &[("BEANIE", 2), ("GLOVES-M", 1)],
        (CARD, "simulator", "pi_demo_5001"),
        "PostNord",
    ),
    order(
        "NT-5002",
        ("klaus.becker@example.de", "Klaus Becker", "de"),
        Some(13),
        &[("PARKA-L", 1)],
        (CARD, "simulator", "pi_demo_5002"),
        "DHL",
    ),
    order(
        "NT-5003",
        ("mia.hansen@example.com", "Mia Hansen", "en"),
        Some(9),
        &[("SKI-WAX", 1), ("THERMOS", 1)],
        (CARD, "simulator", "pi_demo_5003"),
        "PostNord",
    ),
    order(
        "NT-5004",
        ("pierre.leroy@example.fr", "Pierre Leroy", "fr"),
        Some(15),
        &[("THERMOS", 1)],
        (PAYPAL, "simulator", "PAYID-DEMO-5004"),
        "DHL",
    ),
    order(
        "NT-5005",
        ("elena.moretti@example.it", "Elena Moretti", "it"),
        Some(3),
        &[("GLOVES-M", 1)],
        (PaymentMethod::BuyNowPayLater, "manual", "INV-DEMO-5005"),
        "PostNord",
    ),
];
