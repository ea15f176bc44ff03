//! The evidence pack: one ZIP per order with the order, payments, shipments,
//! returns, refunds, claims, the timeline, messages and every document,
//! through the API and the staff page, never for another shop.

mod support;

use reqwest::StatusCode;
use reso::app::claims::Upload;
use reso::app::messages::{Author, Subject};
use reso::app::returns::{Photo, ReturnRequest};
use reso::app::Actor;
use reso::store::merchants::{NewMerchant, SupportContact};
use reso_domain::claim::ClaimKind;
use reso_domain::returns::RequestedLine;
use reso_domain::{Currency, ReturnReason};
use serde_json::{json, Value};
use std::io::{Cursor, Read};
use support::TestApp;

const BUYER: &str = "ada@example.com";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-a-photo-of-a-dented-mug";

struct Unzipped(zip::ZipArchive<Cursor<Vec<u8>>>);

impl Unzipped {
    fn new(bytes: Vec<u8>) -> Unzipped {
        Unzipped(zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP archive"))
    }

    fn names(&self) -> Vec<String> {
        self.0.file_names().map(str::to_string).collect()
    }

    fn bytes(&mut self, name: &str) -> Vec<u8> {
        let mut file = self
            .0
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the pack"));
        let mut out = Vec::new();
        file.read_to_end(&mut out).unwrap();
        out
    }

    fn json(&mut self, name: &str) -> Value {
        serde_json::from_slice(&self.bytes(name)).expect("JSON")
    }

    fn text(&mut self, name: &str) -> String {
        String::from_utf8(self.bytes(name)).expect("UTF-8")
    }
}

/// An order with a return (with a photo), a goodwill refund, a claim (with a
/// document) and a message with an attachment. Returns the order id.
async fn eventful_order(app: &TestApp, number: &str) -> i64 {
    let order = app.delivered_order(number, BUYER).await;
    let order_id = order["id"].as_i64().unwrap();
    let full = reso::app::orders::by_id(&app.state, app.merchant.id, order_id)
        .await
        .unwrap();
    let mug = full.lines.iter().find(|l| l.sku == "MUG-TI").unwrap();
    let request = ReturnRequest {
        lines: vec![RequestedLine {
            order_line_id: mug.id,
            quantity: 1,
            reason: ReturnReason::Damaged,
        }],
        comment: "Dented on arrival".into(),
        refund_method: None,
        photos: vec![Photo {
            bytes: PNG.to_vec(),
        }],
    };
    let r = reso::app::returns::request(
        &app.state,
        &app.merchant,
        order_id,
        request,
        &Actor::Buyer(BUYER.into()),
    )
    .await
    .expect("return");
    let res = app
        .api_post(
            &format!("/api/v1/orders/{number}/refunds"),
            &json!({ "amount_minor": 1_500, "method": "manual", "reason": "parcel arrived late" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    reso::app::claims::protect(&app.state, &app.merchant, order_id, &Actor::System)
        .await
        .unwrap();
    let claim = reso::app::claims::open(
        &app.state,
        &app.merchant,
        order_id,
        ClaimKind::NotReceived,
        "The tent never arrived.",
        vec![Upload {
            filename: "confirmation.pdf".into(),
            bytes: PDF.to_vec(),
        }],
        BUYER,
    )
    .await
    .expect("claim");
    reso::app::messages::post(
        &app.state,
        &app.merchant,
        Subject::Return(r.id),
        &Author::Buyer(BUYER.into()),
        "Here is the receipt again.",
        vec![Upload {
            filename: "confirmation.pdf".into(),
            bytes: b"%PDF-1.4 another receipt".to_vec(),
        }],
    )
    .await
    .expect("message");
    reso::app::messages::post(
        &app.state,
        &app.merchant,
        Subject::Claim(claim.id),
        &Author::Staff(Actor::System),
        "We are checking with the carrier.",
        Vec::new(),
    )
    .await
    .expect("reply");
    order_id
}

#[tokio::test]
async fn the_pack_holds_the_whole_story_of_an_order() {
    let app = TestApp::spawn().await;
    let order_id = eventful_order(&app, "E-1").await;

    let res = app.api_get("/api/v1/orders/E-1/evidence").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("evidence-E-1.zip"));
    let mut zip = Unzipped::new(res.bytes().await.unwrap().to_vec());
    let names = zip.names();
    for name in [
        "order.json",
        "returns.json",
        "refunds.json",
        "claims.json",
        "timeline.json",
        "messages.json",
        "summary.txt",
    ] {
        assert!(names.contains(&name.to_string()), "{name} in {names:?}");
    }

    let order = zip.json("order.json");
    assert_eq!(order["number"], "E-1");
    assert_eq!(order["buyer"]["email"], BUYER);
    assert_eq!(order["shipments"][0]["tracking_number"], "JDE-1");
    assert_eq!(order["shipments"][0]["carrier"], "DHL");
    assert_eq!(
        order["shipments"][0]["delivered_at"],
        support::iso(support::START - 3 * support::DAY)
    );
    assert_eq!(order["payments"][0]["captured_minor"], 23_800);
    assert_eq!(order["payments"][0]["refunded_minor"], 1_500);
    assert_eq!(order["protection"]["protected"], true);

    let refunds = zip.json("refunds.json");
    let note = refunds[0]["credit_note"].as_str().unwrap().to_string();
    assert!(note.starts_with("CN-"), "{note}");
    assert_eq!(refunds[0]["amount_minor"], 1_500);

    let returns = zip.json("returns.json");
    assert_eq!(returns[0]["lines"][0]["sku"], "MUG-TI");
    assert_eq!(returns[0]["comment"], "Dented on arrival");
    let claims = zip.json("claims.json");
    assert_eq!(claims[0]["kind"], "not_received");
    assert_eq!(claims[0]["buyer_text"], "The tent never arrived.");
    assert_eq!(claims[0]["documents"][0]["filename"], "confirmation.pdf");
    let messages = zip.json("messages.json");
    assert_eq!(messages.as_array().unwrap().len(), 2);
    assert_eq!(messages[0]["body"], "Here is the receipt again.");
    assert_eq!(messages[1]["author_role"], "merchant");

    // Every event of the order, in the order they happened.
    let timeline = zip.json("timeline.json");
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let stored: Vec<String> = reso::store::events::for_order(&mut conn, order_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    drop(conn);
    assert_eq!(kinds, stored);
    let position = |kind: &str| {
        kinds
            .iter()
            .position(|k| k.starts_with(kind))
            .unwrap_or_else(|| panic!("{kind} in {kinds:?}"))
    };
    assert_eq!(position("order.created"), 0);
    assert!(position("return.requested") < position("refund."));
    assert!(position("refund.") < position("claim.opened"));
    assert!(position("claim.opened") < position("message.posted"));

    // The photo and every document, byte for byte, under clean unique names.
    let docs: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("documents/"))
        .cloned()
        .collect();
    assert_eq!(docs.len(), 3, "{docs:?}");
    let photo = docs
        .iter()
        .find(|n| n.ends_with(".png"))
        .expect("the photo");
    assert_eq!(zip.bytes(photo), PNG);
    let claim_doc = docs
        .iter()
        .find(|n| n.contains("claim-") && n.ends_with("confirmation.pdf"))
        .expect("the claim document");
    assert_eq!(zip.bytes(claim_doc), PDF);
    let attachment = docs
        .iter()
        .find(|n| n.contains("message-"))
        .expect("the message attachment");
    assert_eq!(zip.bytes(attachment), b"%PDF-1.4 another receipt");

    let summary = zip.text("summary.txt");
    for fact in [
        "order E-1",
        "JDE-1",
        note.as_str(),
        "15.00 EUR",
        "238.00 EUR",
        "Timeline",
        "not_received",
    ] {
        assert!(summary.contains(fact), "{fact} in summary:\n{summary}");
    }
    let timeline_part = &summary[summary.find("Timeline").unwrap()..];
    let at = |kind: &str| timeline_part.find(kind).unwrap();
    assert!(at("order.created") < at("return.requested"));
    assert!(at("return.requested") < at("claim.opened"));
}

#[tokio::test]
async fn staff_download_the_pack_and_another_shop_gets_not_found() {
    let app = TestApp::spawn().await;
    let order_id = eventful_order(&app, "E-2").await;

    // Staff, signed in, from the order page.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(app.url("/admin/login"))
        .form(&[
            ("email", &app.staff_email),
            ("password", &app.staff_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = client
        .get(app.url(&format!("/admin/orders/{order_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = format!("/admin/orders/{order_id}/evidence.zip");
    assert!(page.contains(&link), "the order page links the pack");
    let res = client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let mut zip = Unzipped::new(res.bytes().await.unwrap().to_vec());
    assert_eq!(zip.json("order.json")["number"], "E-2");

    // Not signed in: to the login page, no pack.
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(&link))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Another shop knows neither the number nor the id.
    let other = reso::app::merchants::create(
        &app.state,
        NewMerchant {
            slug: "other".into(),
            name: "Other Shop".into(),
            support: SupportContact {
                email: "help@other.test".into(),
                phone: "+39 02 7654321".into(),
                hours: "Mon–Fri 9–18".into(),
                url: "https://other.test/help".into(),
            },
            return_address: "Other, Via Verdi 2, Milano".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .unwrap();
    let key = reso::app::auth::create_api_key(&app.state, other.id, "other")
        .await
        .unwrap();
    let res = app
        .http
        .get(app.url("/api/v1/orders/E-2/evidence"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let err = reso::app::evidence::pack(&app.state, &other, order_id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, reso::app::AppError::NotFound("order")),
        "{err:?}"
    );
    reso::app::merchants::create_staff(
        &app.state,
        other.id,
        "boss@other.test",
        "Bo Boss",
        "admin",
        "another long password",
    )
    .await
    .unwrap();
    let intruder = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    intruder
        .post(app.url("/admin/login"))
        .form(&[
            ("email", "boss@other.test"),
            ("password", "another long password"),
        ])
        .send()
        .await
        .unwrap();
    let res = intruder.get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = app.api_get("/api/v1/orders/NOPE/evidence").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
