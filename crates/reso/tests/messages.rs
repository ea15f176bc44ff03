//! The conversation on returns and claims: buyer and shop write to each
//! other, the other side's mail job is written, unanswered buyer messages
//! are counted until staff reply, bad input changes nothing, and another
//! shop sees nothing.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use reso::app::claims::Upload;
use reso::app::merchants::Settings;
use reso::app::messages::{Author, Subject};
use reso::app::returns::ReturnRequest;
use reso::app::{Actor, AppError};
use reso::store::merchants::{NewMerchant, NotificationPrefs, SupportContact};
use reso_domain::claim::ClaimKind;
use reso_domain::returns::RequestedLine;
use reso_domain::{Currency, ReturnReason};
use serde_json::Value;
use support::TestApp;

const BUYER: &str = "ada@example.com";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// An order through the API; returns its id.
async fn order(app: &TestApp, number: &str) -> i64 {
    let o = app.delivered_order(number, BUYER).await;
    o["id"].as_i64().expect("order id")
}

async fn a_return(app: &TestApp, order_id: i64) -> i64 {
    let order = reso::app::orders::by_id(&app.state, app.merchant.id, order_id)
        .await
        .unwrap();
    let mug = order.lines.iter().find(|l| l.sku == "MUG-TI").unwrap();
    let request = ReturnRequest {
        lines: vec![RequestedLine {
            order_line_id: mug.id,
            quantity: 1,
            reason: ReturnReason::TooSmall,
        }],
        comment: String::new(),
        refund_method: None,
        photos: Vec::new(),
    };
    reso::app::returns::request(
        &app.state,
        &app.merchant,
        order_id,
        request,
        &Actor::Buyer(BUYER.into()),
    )
    .await
    .expect("return")
    .id
}

async fn a_claim(app: &TestApp, order_id: i64) -> i64 {
    reso::app::claims::protect(&app.state, &app.merchant, order_id, &Actor::System)
        .await
        .expect("protected");
    reso::app::claims::open(
        &app.state,
        &app.merchant,
        order_id,
        ClaimKind::NotReceived,
        "The parcel never arrived.",
        Vec::new(),
        BUYER,
    )
    .await
    .expect("claim")
    .id
}

/// The shop's address for message notifications.
async fn notify_staff(app: &TestApp, address: &str) -> reso::store::merchants::Merchant {
    let m = &app.merchant;
    let mut prefs = m.notifications.0.clone();
    prefs.insert("message.posted".into(), vec![address.into()]);
    let settings = Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        matrix: m.matrix.clone(),
        notifications: NotificationPrefs(prefs),
    };
    reso::app::merchants::update_settings(&app.state, m.id, settings, &Actor::System)
        .await
        .expect("settings")
}

/// Mail jobs of `message.posted` events: (template, to).
async fn message_mails(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail' ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|p| p["template"] == "message.posted" || p["kind"] == "message.posted")
        .map(|p| {
            (
                p["template"].as_str().unwrap().to_string(),
                p["to"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn message_count(app: &TestApp) -> i64 {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

async fn api_post_message(
    app: &TestApp,
    path: &str,
    body: &str,
    files: Vec<(&str, &[u8])>,
) -> reqwest::Response {
    let mut form = Form::new().text("body", body.to_string());
    for (name, bytes) in files {
        form = form.part(
            "attachment",
            Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    app.http
        .post(app.url(path))
        .bearer_auth(&app.api_key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn unanswered(app: &TestApp) -> i64 {
    let res = app.api_get("/api/v1/messages/unanswered").await;
    assert_eq!(res.status(), StatusCode::OK);
    let json: Value = res.json().await.unwrap();
    let count = json["count"].as_i64().unwrap();
    assert_eq!(
        count,
        reso::app::messages::unanswered_count(&app.state, app.merchant.id)
            .await
            .unwrap()
    );
    count
}

#[tokio::test]
async fn buyer_and_shop_talk_on_a_return_and_the_other_side_is_mailed() {
    let app = TestApp::spawn().await;
    let merchant = notify_staff(&app, "desk@acme.test").await;
    let order_id = order(&app, "M-1").await;
    let return_id = a_return(&app, order_id).await;
    let before = message_mails(&app).await.len();
    assert_eq!(before, 0);

    let posted = reso::app::messages::post(
        &app.state,
        &merchant,
        Subject::Return(return_id),
        &Author::Buyer(BUYER.into()),
        "  Which box should I use for the mug?  ",
        vec![Upload {
            filename: "../receipt.pdf".into(),
            bytes: PDF.to_vec(),
        }],
    )
    .await
    .expect("buyer message");
    assert_eq!(posted.body, "Which box should I use for the mug?");
    assert_eq!(posted.author_role, "buyer");
    assert_eq!(posted.handled_at, None);
    assert_eq!(posted.attachments.len(), 1);
    assert_eq!(posted.attachments[0].filename, "receipt.pdf");
    assert_eq!(posted.attachments[0].content_type, "application/pdf");
    assert_eq!(unanswered(&app).await, 1);
    // The shop's subscribed address is told; the buyer is not mailed their own message.
    assert_eq!(
        message_mails(&app).await,
        vec![(
            "staff.notification".to_string(),
            "desk@acme.test".to_string()
        )]
    );

    let res = api_post_message(
        &app,
        &format!("/api/v1/returns/{return_id}/messages"),
        "Any sturdy box will do.",
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let reply: Value = res.json().await.unwrap();
    assert_eq!(reply["author_role"], "merchant");
    assert_eq!(reply["subject"], "return");
    assert_eq!(unanswered(&app).await, 0);
    // Now the buyer is mailed, and the shop is not told of its own reply.
    let mails = message_mails(&app).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(mails[1], ("message.posted".to_string(), BUYER.to_string()));

    let res = app
        .api_get(&format!("/api/v1/returns/{return_id}/messages"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let thread: Vec<Value> = res.json().await.unwrap();
    assert_eq!(thread.len(), 2);
    assert_eq!(thread[0]["author_role"], "buyer");
    assert!(thread[0]["handled_at"].is_string(), "the reply answered it");
    assert_eq!(thread[1]["body"], "Any sturdy box will do.");

    // The attachment comes back byte for byte, as a download.
    let url = thread[0]["attachments"][0]["url"].as_str().unwrap();
    let res = app.api_get(url).await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"receipt.pdf\""));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Both mails render and go out (to the mail directory in tests).
    app.run_pending_jobs().await;
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let failed: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT payload, last_error FROM jobs WHERE kind = 'mail' AND done_at IS NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(failed.is_empty(), "unsent mails: {failed:?}");
    drop(conn);

    // Every message is an event on the order's timeline.
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let events = reso::store::events::for_order(&mut conn, order_id)
        .await
        .unwrap();
    let posted: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "message.posted")
        .collect();
    assert_eq!(posted.len(), 2);
    assert_eq!(posted[0].data["author_role"], "buyer");
    assert_eq!(posted[0].data["subject"], "return");
    assert_eq!(posted[1].data["author_role"], "merchant");
}

#[tokio::test]
async fn a_claim_has_its_thread_with_the_mediators_too() {
    let app = TestApp::spawn().await;
    let merchant = notify_staff(&app, "desk@acme.test").await;
    let order_id = order(&app, "M-2").await;
    let claim_id = a_claim(&app, order_id).await;
    let subject = Subject::Claim(claim_id);

    reso::app::messages::post(
        &app.state,
        &merchant,
        subject,
        &Author::Buyer(BUYER.to_uppercase()),
        "Tracking has said 'in transit' for two weeks.",
        Vec::new(),
    )
    .await
    .expect("buyer message");
    reso::app::messages::post(
        &app.state,
        &merchant,
        subject,
        &Author::Buyer(BUYER.into()),
        "Any news?",
        Vec::new(),
    )
    .await
    .expect("second buyer message");
    assert_eq!(unanswered(&app).await, 2);

    let res = api_post_message(
        &app,
        &format!("/api/v1/claims/{claim_id}/messages"),
        "We asked the carrier; proof of delivery attached.",
        vec![("proof.pdf", PDF)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(unanswered(&app).await, 0, "one reply answers both");

    // A mediator's message reaches both sides.
    let before = message_mails(&app).await.len();
    reso::app::messages::post(
        &app.state,
        &merchant,
        subject,
        &Author::Mediator {
            id: 1,
            email: "mia@reso.test".into(),
        },
        "Please both send what you have.",
        Vec::new(),
    )
    .await
    .expect("mediator message");
    let mails = message_mails(&app).await;
    let new: Vec<_> = mails[before..].to_vec();
    assert!(new.contains(&("message.posted".to_string(), BUYER.to_string())));
    assert!(new.contains(&(
        "staff.notification".to_string(),
        "desk@acme.test".to_string()
    )));

    let res = app
        .api_get(&format!("/api/v1/claims/{claim_id}/messages"))
        .await;
    let thread: Vec<Value> = res.json().await.unwrap();
    let roles: Vec<&str> = thread
        .iter()
        .map(|m| m["author_role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["buyer", "buyer", "merchant", "mediator"]);
    assert_eq!(thread[2]["attachments"][0]["filename"], "proof.pdf");
}

#[tokio::test]
async fn marking_read_answers_without_a_reply() {
    let app = TestApp::spawn().await;
    let order_id = order(&app, "M-3").await;
    let return_id = a_return(&app, order_id).await;
    let subject = Subject::Return(return_id);
    reso::app::messages::post(
        &app.state,
        &app.merchant,
        subject,
        &Author::Buyer(BUYER.into()),
        "Thanks, sent today.",
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(unanswered(&app).await, 1);
    let read = reso::app::messages::mark_read(&app.state, &app.merchant, subject, &Actor::System)
        .await
        .unwrap();
    assert_eq!(read, 1);
    assert_eq!(unanswered(&app).await, 0);
}

#[tokio::test]
async fn bad_messages_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let order_id = order(&app, "M-4").await;
    let return_id = a_return(&app, order_id).await;
    let claim_id = a_claim(&app, order_id).await;
    let path = format!("/api/v1/returns/{return_id}/messages");
    let mails_before = message_mails(&app).await.len();

    // A text file named .pdf is known by its content.
    let res = api_post_message(
        &app,
        &path,
        "See attached.",
        vec![("invoice.pdf", b"just text")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("invoice.pdf"),
        "{problem}"
    );

    let long = "x".repeat(5001);
    let res = api_post_message(&app, &path, &long, vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = api_post_message(&app, &path, "   ", vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok_length = "y".repeat(5000);
    let res = api_post_message(
        &app,
        &format!("/api/v1/claims/{claim_id}/messages"),
        &ok_length,
        vec![],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "5000 characters are allowed"
    );

    // Eleven files are too many.
    let eleven = vec![("a.pdf", PDF); 11];
    let res = api_post_message(&app, &path, "Files.", eleven).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Someone else's address cannot write as the buyer.
    let err = reso::app::messages::post(
        &app.state,
        &app.merchant,
        Subject::Return(return_id),
        &Author::Buyer("eve@example.com".into()),
        "Hello",
        Vec::new(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");

    let res = api_post_message(&app, "/api/v1/returns/999999/messages", "Hello", vec![]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = api_post_message(&app, "/api/v1/claims/abc/messages", "Hello", vec![]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    assert_eq!(message_count(&app).await, 1, "only the valid claim message");
    assert_eq!(message_mails(&app).await.len(), mails_before + 1);
}

#[tokio::test]
async fn another_shop_sees_nothing_of_the_thread() {
    let app = TestApp::spawn().await;
    let order_id = order(&app, "M-5").await;
    let return_id = a_return(&app, order_id).await;
    let claim_id = a_claim(&app, order_id).await;
    let m = reso::app::messages::post(
        &app.state,
        &app.merchant,
        Subject::Return(return_id),
        &Author::Buyer(BUYER.into()),
        "Private words.",
        vec![Upload {
            filename: "photo.pdf".into(),
            bytes: PDF.to_vec(),
        }],
    )
    .await
    .unwrap();

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
    let get = |path: String| {
        let http = app.http.clone();
        let url = app.url(&path);
        let key = key.clone();
        async move { http.get(url).bearer_auth(key).send().await.unwrap() }
    };
    for path in [
        format!("/api/v1/returns/{return_id}/messages"),
        format!("/api/v1/claims/{claim_id}/messages"),
        format!(
            "/api/v1/returns/{return_id}/messages/attachments/{}",
            m.attachments[0].id
        ),
    ] {
        assert_eq!(
            get(path.clone()).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let res = app
        .http
        .post(app.url(&format!("/api/v1/claims/{claim_id}/messages")))
        .bearer_auth(&key)
        .multipart(Form::new().text("body", "I am not this shop"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let err = reso::app::messages::post(
        &app.state,
        &other,
        Subject::Return(return_id),
        &Author::Staff(Actor::System),
        "Hello",
        Vec::new(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::NotFound("return")), "{err:?}");
    assert_eq!(
        reso::app::messages::unanswered_count(&app.state, other.id)
            .await
            .unwrap(),
        0
    );
    // The right shop still reaches the attachment, only through its own subject.
    let res = app
        .api_get(&format!(
            "/api/v1/claims/{claim_id}/messages/attachments/{}",
            m.attachments[0].id
        ))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(message_count(&app).await, 1);
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first `name="csrf" value="…"` of a page.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn staff_see_the_count_and_answer_from_the_control_center() {
    let app = TestApp::spawn().await;
    let order_id = order(&app, "M-6").await;
    let return_id = a_return(&app, order_id).await;
    reso::app::messages::post(
        &app.state,
        &app.merchant,
        Subject::Return(return_id),
        &Author::Buyer(BUYER.into()),
        "Is the <b>label</b> in the parcel?",
        Vec::new(),
    )
    .await
    .unwrap();

    let client = browser();
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
    let list = client
        .get(app.url("/admin/messages"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Messages (1)"), "the count in the navigation");
    let thread_path = format!("/admin/returns/{return_id}/messages");
    assert!(list.contains(&format!("href=\"{thread_path}\"")));
    assert!(list.contains("M-6"));

    let thread = client
        .get(app.url(&thread_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thread.contains("in the parcel?"));
    assert!(
        !thread.contains("<b>label</b>"),
        "the buyer's text is escaped"
    );
    let csrf = csrf_of(&thread);

    // Without the CSRF token nothing is sent.
    let res = client
        .post(app.url(&thread_path))
        .multipart(Form::new().text("body", "Yes"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = client
        .post(app.url(&thread_path))
        .multipart(
            Form::new()
                .text("csrf", csrf.clone())
                .text("body", "Not a PDF attached")
                .part(
                    "documents",
                    Part::bytes(b"hello".to_vec()).file_name("x.pdf"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text().await.unwrap().contains("Not a PDF attached"),
        "the text is kept"
    );
    assert_eq!(unanswered(&app).await, 1);

    let res = client
        .post(app.url(&thread_path))
        .multipart(
            Form::new()
                .text("csrf", csrf)
                .text("body", "Yes, it is in the box.")
                .part(
                    "documents",
                    Part::bytes(PDF.to_vec()).file_name("label.pdf"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(unanswered(&app).await, 0);
    let list = client
        .get(app.url("/admin/messages"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Messages (1)"));
    assert!(list.contains("Every buyer message has been answered"));

    // The attachment is a download, for this shop only.
    let thread =
        reso::app::messages::thread(&app.state, app.merchant.id, Subject::Return(return_id))
            .await
            .unwrap();
    let id = thread[1].attachments[0].id;
    let res = client
        .get(app.url(&format!("{thread_path}/attachments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let res = client
        .get(app.url(&format!(
            "/admin/claims/{return_id}/messages/attachments/{id}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_buyer_writes_from_their_order_link_in_their_language() {
    let app = TestApp::spawn().await;
    let order_id = order(&app, "M-7").await;
    let return_id = a_return(&app, order_id).await;
    let claim_id = a_claim(&app, order_id).await;
    let access = reso::app::auth::BuyerAccess {
        merchant_id: app.merchant.id,
        order_id,
        email: BUYER.into(),
    };
    let token =
        reso::app::auth::sign_buyer_link(&app.state, &access, app.state.now() + support::DAY);
    let client = browser();

    for path in [
        format!("/s/acme/o/{token}/r/{return_id}/messages"),
        format!("/s/acme/o/{token}/claims/{claim_id}/messages"),
    ] {
        let page = client
            .get(app.url(&format!("{path}?lang=it")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains("Scrivi un messaggio"), "Italian form");
        assert!(html.contains("help@acme.test"), "support contact");
        if path.contains("/r/") {
            let status_page = client
                .get(app.url(&format!("/s/acme/o/{token}/r/{return_id}?lang=it")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                status_page.contains(&format!("{path}?lang=it")),
                "linked from the return page"
            );
        }

        let res = client
            .post(app.url(&format!("{path}?lang=it")))
            .multipart(Form::new().text("body", "Ciao, dove spedisco?").part(
                "documents",
                Part::bytes(PDF.to_vec()).file_name("ricevuta.pdf"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        let html = client
            .get(app.url(&format!("{path}?lang=it&done=sent")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Ciao, dove spedisco?"));
        assert!(html.contains("Il tuo messaggio è stato inviato"));
        assert!(html.contains("ricevuta.pdf"));

        let res = client
            .post(app.url(&path))
            .multipart(Form::new().text("body", "z".repeat(5001)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(unanswered(&app).await, 2);
    assert_eq!(message_count(&app).await, 2);

    // Another order's link sees neither thread.
    let other_order = order(&app, "M-8").await;
    let other = reso::app::auth::sign_buyer_link(
        &app.state,
        &reso::app::auth::BuyerAccess {
            merchant_id: app.merchant.id,
            order_id: other_order,
            email: BUYER.into(),
        },
        app.state.now() + support::DAY,
    );
    for path in [
        format!("/s/acme/o/{other}/r/{return_id}/messages"),
        format!("/s/acme/o/{other}/claims/{claim_id}/messages"),
    ] {
        let res = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let res = client
            .post(app.url(&path))
            .multipart(Form::new().text("body", "Hello"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(message_count(&app).await, 2);
}

#[tokio::test]
async fn the_threads_and_the_evidence_pack_are_documented() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/returns/{id}/messages",
        "/api/v1/claims/{id}/messages",
        "/api/v1/returns/{id}/messages/attachments/{attachment_id}",
        "/api/v1/claims/{id}/messages/attachments/{attachment_id}",
        "/api/v1/messages/unanswered",
        "/api/v1/orders/{number}/evidence",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["paths"]["/api/v1/claims/{id}/messages"]["post"].is_object());
    assert!(doc["components"]["schemas"]["MessageOut"].is_object());
}
