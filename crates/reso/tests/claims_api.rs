//! Buyer protection through the JSON API, end to end, on SQLite (and on
//! PostgreSQL when RESO_TEST_POSTGRES_URL is set): the buyer's claims with
//! their magic-link token, the merchant's answers with its API key, the
//! mediators with their session, and the deadlines moved by the test clock.

mod support;

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use reso::app::auth::{sign_buyer_link, BuyerAccess};
use serde_json::{json, Value};
use support::{sample_order, TestApp, DAY, START};

const ORDER_VALUE: i64 = 23_800;
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

async fn json_of(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let body = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

async fn assert_problem(res: reqwest::Response, status: StatusCode, detail_contains: &str) {
    assert_eq!(res.status(), status, "unexpected status");
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(ct, "application/problem+json");
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["status"], status.as_u16());
    let detail = body["detail"].as_str().unwrap_or_default().to_lowercase();
    assert!(
        detail.contains(&detail_contains.to_lowercase()),
        "detail '{detail}' should mention '{detail_contains}'"
    );
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

/// A buyer order of 238.00 EUR placed now, protected (or not) at intake.
async fn order(app: &TestApp, number: &str, email: &str, protected: Option<bool>) -> Value {
    let mut body = sample_order(number, email, START + 2 * DAY);
    body["placed_at"] = json!(support::iso(app.state.now()));
    if let Some(p) = protected {
        body["protected"] = json!(p);
    }
    app.create_order(&body).await
}

/// A buyer with a fresh magic-link token for one order.
struct Buyer {
    order_id: i64,
    email: String,
}

impl Buyer {
    async fn of(app: &TestApp, number: &str, protected: bool) -> Buyer {
        let email = format!("{}@buyer.test", number.to_lowercase());
        let o = order(app, number, &email, Some(protected)).await;
        Buyer {
            order_id: o["id"].as_i64().unwrap(),
            email,
        }
    }

    /// Signed now, valid for a day, as the mailed link would be.
    fn token(&self, app: &TestApp) -> String {
        let access = BuyerAccess {
            merchant_id: app.merchant.id,
            order_id: self.order_id,
            email: self.email.clone(),
        };
        sign_buyer_link(&app.state, &access, app.state.now() + DAY)
    }

    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        app.http
            .get(app.url(path))
            .bearer_auth(self.token(app))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
        app.http
            .post(app.url(path))
            .bearer_auth(self.token(app))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn open(&self, app: &TestApp, kind: &str) -> Value {
        let (status, c) = json_of(
            self.post(
                app,
                "/api/v1/buyer/claims",
                &json!({ "kind": kind, "text": "The parcel never arrived." }),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        c
    }

    async fn react(&self, app: &TestApp, claim: i64, reaction: &str) -> (StatusCode, Value) {
        json_of(
            self.post(
                app,
                &format!("/api/v1/buyer/claims/{claim}/reaction"),
                &json!({ "reaction": reaction, "message": "See above." }),
            )
            .await,
        )
        .await
    }
}

async fn claim(app: &TestApp, id: i64) -> Value {
    let (status, c) = json_of(app.api_get(&format!("/api/v1/claims/{id}")).await).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c
}

async fn answer(app: &TestApp, id: i64, body: Value) -> reqwest::Response {
    app.api_post(&format!("/api/v1/claims/{id}/answer"), &body)
        .await
}

async fn answered(app: &TestApp, id: i64, body: Value) -> Value {
    let (status, c) = json_of(answer(app, id, body).await).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

/// Creates the mediator and logs in; sessions last 12 hours, so tests that
/// move the clock further log in again with `login`.
async fn mediator(app: &TestApp) -> String {
    reso::app::mediators::create(&app.state, "mia@mediation.test", "Mia", "fair and square")
        .await
        .expect("mediator");
    login(app).await
}

async fn login(app: &TestApp) -> String {
    let (status, body) = json_of(
        app.http
            .post(app.url("/api/v1/mediation/login"))
            .json(&json!({ "email": "mia@mediation.test", "password": "fair and square" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_string()
}

async fn mediate(app: &TestApp, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    json_of(
        app.http
            .post(app.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn refunds_of(app: &TestApp, order_id: i64) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM refunds WHERE order_id = {order_id}"),
    )
    .await
}

async fn refundable(app: &TestApp, number: &str) -> i64 {
    let (_, o) = json_of(app.api_get(&format!("/api/v1/orders/{number}")).await).await;
    o["payments"][0]["refundable_minor"].as_i64().unwrap()
}

fn documents(files: Vec<(&str, Vec<u8>)>) -> Form {
    files.into_iter().fold(Form::new(), |form, (name, bytes)| {
        form.part(
            "document",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("application/pdf")
                .unwrap(),
        )
    })
}

async fn send_documents(app: &TestApp, claim: i64, form: Form) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/claims/{claim}/documents")))
        .bearer_auth(&app.api_key)
        .multipart(form.text("message", "The signed delivery receipt."))
        .send()
        .await
        .unwrap()
}

async fn buyer_documents(
    app: &TestApp,
    buyer: &Buyer,
    claim: i64,
    form: Form,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/buyer/claims/{claim}/documents")))
        .bearer_auth(buyer.token(app))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn variant_a_full_refund_received_closes_not_received_escalates() {
    let app = TestApp::spawn().await;
    let ada = Buyer::of(&app, "A-1", true).await;
    let c = ada.open(&app, "not_received").await;
    assert_eq!(c["status"], "awaiting_merchant");
    assert_eq!(c["seconds_left"], 5 * 86_400);
    let list: Value = app.api_get("/api/v1/claims").await.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], c["id"]);

    // "Yes" without an amount refunds the order value through the refund path.
    let a = answered(
        &app,
        id(&c),
        json!({ "refund": "yes", "message": "Refunded in full, sorry." }),
    )
    .await;
    assert_eq!(
        (&a["status"], &a["variant"], &a["answer"]["amount_minor"]),
        (
            &json!("awaiting_buyer"),
            &json!("full_refund"),
            &json!(ORDER_VALUE)
        )
    );
    assert_eq!(refunds_of(&app, ada.order_id).await, 1);
    assert_eq!(refundable(&app, "A-1").await, 0);

    let (status, _) = ada.react(&app, id(&c), "disagree").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a choice of A"
    );
    let (status, done) = ada.react(&app, id(&c), "received").await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (&done["status"], &done["outcome"]),
        (&json!("closed"), &json!("refund_received"))
    );

    let bob = Buyer::of(&app, "A-2", true).await;
    let c = bob.open(&app, "refund_not_received").await;
    // The closest deadline first: Bob's 5 days to answer before Ada's 20 to react.
    let list: Value = app.api_get("/api/v1/claims").await.json().await.unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "closed claims are not open"
    );
    let ada2 = Buyer::of(&app, "A-3", true).await;
    let c3 = ada2.open(&app, "not_received").await;
    answered(
        &app,
        id(&c3),
        json!({ "refund": "no", "message": "Delivered." }),
    )
    .await;
    let list: Value = app.api_get("/api/v1/claims").await.json().await.unwrap();
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, vec![&c["id"], &c3["id"]]);
    let (_, waiting) = json_of(app.api_get("/api/v1/claims?status=awaiting_buyer").await).await;
    assert_eq!(waiting["items"][0]["seconds_left"], 20 * 86_400);
    assert_eq!(waiting["items"].as_array().unwrap().len(), 1);
    let res = app.api_get("/api/v1/claims?status=lost").await;
    assert_problem(res, StatusCode::BAD_REQUEST, "not one of").await;
    answered(&app, id(&c), json!({ "refund": "yes", "message": "Sent." })).await;
    let (_, esc) = bob.react(&app, id(&c), "not_received").await;
    assert_eq!(
        (&esc["status"], &esc["escalation"]),
        (&json!("escalated"), &json!("buyer_not_received"))
    );
}

#[tokio::test]
async fn variant_b_partial_refund_received_not_received_disagree() {
    let app = TestApp::spawn().await;
    for (n, reaction, status, why) in [
        ("B-1", "received", "closed", Value::Null),
        (
            "B-2",
            "not_received",
            "escalated",
            json!("buyer_not_received"),
        ),
        ("B-3", "disagree", "escalated", json!("buyer_disagrees")),
    ] {
        let buyer = Buyer::of(&app, n, true).await;
        let c = buyer.open(&app, "not_received").await;
        let a = answered(
            &app,
            id(&c),
            json!({ "refund": "yes", "amount_minor": 10_000, "message": "The tent arrived; the mugs did not." }),
        )
        .await;
        assert_eq!(a["variant"], "partial_refund");
        assert_eq!(refundable(&app, n).await, ORDER_VALUE - 10_000);
        let (code, after) = buyer.react(&app, id(&c), reaction).await;
        assert_eq!(code, StatusCode::OK, "{after}");
        assert_eq!(
            (&after["status"], &after["escalation"]),
            (&json!(status), &why)
        );
    }
}

#[tokio::test]
async fn variant_c_no_refund_conclude_or_disagree() {
    let app = TestApp::spawn().await;
    for (n, reaction, status, outcome) in [
        ("C-1", "conclude", "closed", json!("concluded")),
        ("C-2", "disagree", "escalated", Value::Null),
    ] {
        let buyer = Buyer::of(&app, n, true).await;
        let c = buyer.open(&app, "not_received").await;
        let a = answered(
            &app,
            id(&c),
            json!({ "refund": "no", "message": "The parcel is late, not lost: tracking attached." }),
        )
        .await;
        assert_eq!(a["variant"], "no_refund");
        assert_eq!(refunds_of(&app, buyer.order_id).await, 0);
        let (code, _) = buyer.react(&app, id(&c), "received").await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
        let (code, after) = buyer.react(&app, id(&c), reaction).await;
        assert_eq!(code, StatusCode::OK, "{after}");
        assert_eq!(
            (&after["status"], &after["outcome"]),
            (&json!(status), &outcome)
        );
    }
}

#[tokio::test]
async fn merchant_silence_escalates_exactly_on_day_five() {
    let app = TestApp::spawn().await;
    let buyer = Buyer::of(&app, "S-5", true).await;
    let c = buyer.open(&app, "not_received").await;
    app.clock.advance_ms(49 * DAY / 10);
    app.run_pending_jobs().await;
    assert_eq!(claim(&app, id(&c)).await["status"], "awaiting_merchant");

    app.clock.advance_ms(DAY / 10);
    // Due now, before the worker ran: the answer is late and changes nothing.
    assert_problem(
        answer(&app, id(&c), json!({ "refund": "no", "message": "Late." })).await,
        StatusCode::CONFLICT,
        "after the deadline",
    )
    .await;
    assert!(claim(&app, id(&c)).await["answer"].is_null());
    app.run_pending_jobs().await;
    let after = claim(&app, id(&c)).await;
    assert_eq!(
        (&after["status"], &after["escalation"]),
        (&json!("escalated"), &json!("merchant_silent"))
    );
}

#[tokio::test]
async fn buyer_silence_for_twenty_days_closes_as_answered() {
    let app = TestApp::spawn().await;
    let buyer = Buyer::of(&app, "S-20", true).await;
    let c = buyer.open(&app, "not_received").await;
    answered(
        &app,
        id(&c),
        json!({ "refund": "no", "message": "On its way." }),
    )
    .await;
    app.clock.advance_ms(20 * DAY - 1);
    app.run_pending_jobs().await;
    assert_eq!(claim(&app, id(&c)).await["status"], "awaiting_buyer");
    app.clock.advance_ms(1);
    app.run_pending_jobs().await;
    let after = claim(&app, id(&c)).await;
    assert_eq!(
        (&after["status"], &after["outcome"]),
        (&json!("closed"), &json!("closed_as_answered"))
    );
}

/// Order ids of the "did everything go well?" mails queued so far.
async fn reminder_mails(app: &TestApp) -> Vec<i64> {
    let mut conn = app.state.db.reader().acquire().await.unwrap();
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = 'mail'")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|p| p["template"] == "protection.reminder")
        .map(|p| p["order_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn day_23_mail_for_protected_orders_only() {
    let app = TestApp::spawn().await;
    let protected = Buyer::of(&app, "R-1", true).await;
    Buyer::of(&app, "R-2", false).await;
    let concluded = Buyer::of(&app, "R-3", true).await;
    let (status, p) = json_of(
        concluded
            .post(&app, "/api/v1/buyer/protection/conclude", &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, &p["status"]),
        (StatusCode::OK, &json!("concluded"))
    );

    app.clock.advance_ms(23 * DAY - 1);
    app.run_pending_jobs().await;
    assert!(reminder_mails(&app).await.is_empty(), "not before day 23");
    app.clock.advance_ms(1);
    app.run_pending_jobs().await;
    assert_eq!(reminder_mails(&app).await, vec![protected.order_id]);
}

#[tokio::test]
async fn no_day_23_mail_once_the_order_had_a_claim() {
    let app = TestApp::spawn().await;
    let quiet = Buyer::of(&app, "R-10", true).await;
    let claimed = Buyer::of(&app, "R-11", true).await;
    let c = claimed.open(&app, "not_received").await;
    answered(
        &app,
        id(&c),
        json!({ "refund": "no", "message": "It is on its way." }),
    )
    .await;
    let (code, _) = claimed.react(&app, id(&c), "conclude").await;
    assert_eq!(code, StatusCode::OK);
    app.clock.advance_ms(23 * DAY);
    app.run_pending_jobs().await;
    // The claim closed before day 23: asking "did everything go well?" would be absurd.
    assert_eq!(reminder_mails(&app).await, vec![quiet.order_id]);
}

#[tokio::test]
async fn early_conclusion_then_no_claim() {
    let app = TestApp::spawn().await;
    let buyer = Buyer::of(&app, "E-1", true).await;
    let (_, o) = json_of(buyer.get(&app, "/api/v1/buyer/order").await).await;
    assert_eq!(o["protection"]["status"], "active");
    assert_eq!(o["protection"]["ends_at"], support::iso(START + 30 * DAY));
    let res = buyer
        .post(&app, "/api/v1/buyer/protection/conclude", &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        buyer
            .post(
                &app,
                "/api/v1/buyer/claims",
                &json!({ "kind": "not_received", "text": "x" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "concluded",
    )
    .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM claims").await, 0);
    let (_, p) = json_of(app.api_get("/api/v1/orders/E-1/protection").await).await;
    assert_eq!(p["status"], "concluded");
}

#[tokio::test]
async fn another_problem_goes_straight_to_the_mediators() {
    let app = TestApp::spawn().await;
    let token = mediator(&app).await;
    let buyer = Buyer::of(&app, "O-1", true).await;
    let c = buyer.open(&app, "other_problem").await;
    assert_eq!(
        (&c["status"], &c["escalation"], &c["due_at"]),
        (&json!("escalated"), &json!("other_problem"), &Value::Null)
    );
    let queue: Value = app
        .http
        .get(app.url("/api/v1/mediation/claims"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["id"], c["id"]);
    // Without a session, no queue.
    let res = app
        .http
        .get(app.url("/api/v1/mediation/claims"))
        .bearer_auth(&app.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn mediation_with_a_document_request_and_decisions() {
    let app = TestApp::spawn().await;
    mediator(&app).await;
    let buyer = Buyer::of(&app, "M-1", true).await;
    let c = buyer.open(&app, "not_received").await;
    app.clock.advance_days(5);
    app.run_pending_jobs().await;
    let token = login(&app).await;

    let path = format!("/api/v1/mediation/claims/{}/request-documents", id(&c));
    let (status, r) = mediate(&app, &token, &path, &json!({ "message": "" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (status, r) = mediate(
        &app,
        &token,
        &path,
        &json!({ "message": "Send the proof of delivery." }),
    )
    .await;
    assert_eq!(
        (status, &r["status"]),
        (StatusCode::OK, &json!("awaiting_documents"))
    );

    // Wrong type (an executable named .pdf) and oversized documents change nothing.
    let res = send_documents(
        &app,
        id(&c),
        documents(vec![("receipt.pdf", b"MZ\x90\x00 not a pdf".to_vec())]),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not a pdf").await;
    let big = [PDF.to_vec(), vec![b' '; 10 * 1024 * 1024]].concat();
    let res = send_documents(&app, id(&c), documents(vec![("huge.pdf", big)])).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "larger than 10 MB").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM claim_documents").await, 0);
    assert_eq!(claim(&app, id(&c)).await["status"], "awaiting_documents");

    let (status, sent) = json_of(
        send_documents(
            &app,
            id(&c),
            documents(vec![("../../Lieferschein \"DHL\".pdf", PDF.to_vec())]),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["status"], "escalated");
    let doc = &sent["documents"][0];
    assert_eq!(
        (&doc["filename"], &doc["content_type"], &doc["uploaded_by"]),
        (
            &json!("Lieferschein DHL.pdf"),
            &json!("application/pdf"),
            &json!("merchant")
        )
    );
    let res = app
        .api_get(&format!(
            "/api/v1/claims/{}/documents/{}",
            id(&c),
            doc["id"]
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"Lieferschein DHL.pdf\""));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Asked again, the merchant stays silent: back to the mediators on the deadline.
    mediate(
        &app,
        &token,
        &path,
        &json!({ "message": "And the invoice." }),
    )
    .await;
    app.clock.advance_ms(5 * DAY - 1);
    app.run_pending_jobs().await;
    assert_eq!(claim(&app, id(&c)).await["status"], "awaiting_documents");
    app.clock.advance_ms(1);
    app.run_pending_jobs().await;
    assert_eq!(claim(&app, id(&c)).await["status"], "escalated");
    let token = login(&app).await;

    // The whole file, then a decision refunded from the merchant's payment.
    let (_, file) = json_of(
        app.http
            .get(app.url(&format!("/api/v1/mediation/claims/{}", id(&c))))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(file["text"], "The parcel never arrived.");
    assert_eq!(file["documents"].as_array().unwrap().len(), 1);
    assert!(file["events"].as_array().unwrap().len() >= 4);
    let decide = format!("/api/v1/mediation/claims/{}/decide", id(&c));
    let (status, _) = mediate(
        &app,
        &token,
        &decide,
        &json!({ "amount_minor": ORDER_VALUE + 1, "message": "Too much." }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, d) = mediate(
        &app,
        &token,
        &decide,
        &json!({ "amount_minor": 9_000, "message": "Half the tent." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(
        (
            &d["status"],
            &d["outcome"],
            &d["decision"]["amount_minor"],
            &d["decision"]["from_guarantee"]
        ),
        (
            &json!("closed"),
            &json!("decided"),
            &json!(9_000),
            &json!(false)
        )
    );
    assert_eq!(refunds_of(&app, buyer.order_id).await, 1);
    assert_eq!(refundable(&app, "M-1").await, ORDER_VALUE - 9_000);

    // From the guarantee: no payment is refunded.
    let other = Buyer::of(&app, "M-2", true).await;
    let c2 = other.open(&app, "other_problem").await;
    let (status, d) = mediate(
        &app,
        &token,
        &format!("/api/v1/mediation/claims/{}/decide", id(&c2)),
        &json!({ "amount_minor": 7_000, "from_guarantee": true, "message": "The guarantee pays." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["decision"]["from_guarantee"], true);
    assert_eq!(refunds_of(&app, other.order_id).await, 0);
}

#[tokio::test]
async fn a_decision_never_refunds_more_than_captured() {
    let app = TestApp::spawn().await;
    let token = mediator(&app).await;
    let buyer = Buyer::of(&app, "X-1", true).await;
    let c = buyer.open(&app, "not_received").await;
    answered(
        &app,
        id(&c),
        json!({ "refund": "yes", "amount_minor": 20_000, "message": "Most of it." }),
    )
    .await;
    buyer.react(&app, id(&c), "disagree").await;
    let decide = format!("/api/v1/mediation/claims/{}/decide", id(&c));
    let (status, p) = mediate(
        &app,
        &token,
        &decide,
        &json!({ "amount_minor": ORDER_VALUE, "message": "All of it." }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    assert_eq!(claim(&app, id(&c)).await["status"], "escalated");
    assert_eq!(refunds_of(&app, buyer.order_id).await, 1);
    let (status, _) = mediate(
        &app,
        &token,
        &decide,
        &json!({ "amount_minor": ORDER_VALUE - 20_000, "message": "The rest." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refundable(&app, "X-1").await, 0);
}

#[tokio::test]
async fn insolvency_escalates_every_open_claim_of_the_merchant() {
    let app = TestApp::spawn().await;
    let token = mediator(&app).await;
    let waiting = Buyer::of(&app, "I-1", true).await;
    let c1 = waiting.open(&app, "not_received").await;
    let answered_one = Buyer::of(&app, "I-2", true).await;
    let c2 = answered_one.open(&app, "not_received").await;
    answered(&app, id(&c2), json!({ "refund": "no", "message": "No." })).await;
    let closed = Buyer::of(&app, "I-3", true).await;
    let c3 = closed.open(&app, "not_received").await;
    answered(&app, id(&c3), json!({ "refund": "no", "message": "No." })).await;
    closed.react(&app, id(&c3), "conclude").await;

    let path = "/api/v1/mediation/merchants/acme/insolvent";
    let (status, r) = mediate(&app, &token, path, &json!({})).await;
    assert_eq!(
        (status, &r["escalated_claims"]),
        (StatusCode::OK, &json!(2))
    );
    for c in [&c1, &c2] {
        let after = claim(&app, id(c)).await;
        assert_eq!(
            (&after["status"], &after["escalation"]),
            (&json!("escalated"), &json!("merchant_insolvent"))
        );
    }
    assert_eq!(claim(&app, id(&c3)).await["status"], "closed");
    let (status, _) = mediate(&app, &token, path, &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = mediate(
        &app,
        &token,
        "/api/v1/mediation/merchants/nope/insolvent",
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_answers_change_nothing() {
    let app = TestApp::spawn().await;
    let buyer = Buyer::of(&app, "Z-1", true).await;
    let c = buyer.open(&app, "not_received").await;
    for (body, detail) in [
        (
            json!({ "refund": "yes", "amount_minor": ORDER_VALUE + 1, "message": "x" }),
            "at most the order value",
        ),
        (
            json!({ "refund": "yes", "amount_minor": -1, "message": "x" }),
            "more than zero",
        ),
        (json!({ "refund": "yes", "message": "   " }), "message"),
        (json!({ "refund": "no" }), "message"),
        (json!({ "refund": "maybe", "message": "x" }), "not one of"),
        (
            json!({ "refund": "yes_after_return", "message": "x" }),
            "return",
        ),
    ] {
        assert_problem(
            answer(&app, id(&c), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            detail,
        )
        .await;
    }
    let unchanged = claim(&app, id(&c)).await;
    assert_eq!(unchanged["status"], "awaiting_merchant");
    assert_eq!(refunds_of(&app, buyer.order_id).await, 0);

    answered(
        &app,
        id(&c),
        json!({ "refund": "no", "message": "Delivered on Monday." }),
    )
    .await;
    assert_problem(
        answer(
            &app,
            id(&c),
            json!({ "refund": "yes", "message": "Changed my mind." }),
        )
        .await,
        StatusCode::CONFLICT,
        "awaiting_buyer",
    )
    .await;
    assert_eq!(claim(&app, id(&c)).await["answer"]["refund"], "no");
    assert_eq!(refunds_of(&app, buyer.order_id).await, 0);
    // Another shop's claim id is simply not found.
    let res = answer(&app, 9_999, json!({ "refund": "no", "message": "x" })).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_buyer_requests_change_nothing() {
    let app = TestApp::spawn().await;
    let buyer = Buyer::of(&app, "Y-1", true).await;
    let stranger = Buyer::of(&app, "Y-2", true).await;
    let plain = Buyer::of(&app, "Y-3", false).await;
    let c = buyer.open(&app, "not_received").await;

    assert_problem(
        buyer
            .post(
                &app,
                "/api/v1/buyer/claims",
                &json!({ "kind": "not_received", "text": "Again" }),
            )
            .await,
        StatusCode::CONFLICT,
        "already has an open claim",
    )
    .await;
    assert_problem(
        plain
            .post(
                &app,
                "/api/v1/buyer/claims",
                &json!({ "kind": "not_received", "text": "x" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not protected",
    )
    .await;
    assert_problem(
        buyer
            .post(
                &app,
                "/api/v1/buyer/claims",
                &json!({ "kind": "bored", "text": "x" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not one of",
    )
    .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM claims").await, 1);

    // The buyer's documents: a real PDF is kept, a text file renamed .pdf is not.
    let res = buyer_documents(
        &app,
        &buyer,
        id(&c),
        documents(vec![("confirmation.pdf", PDF.to_vec())]),
    )
    .await;
    let (status, with_doc) = json_of(res).await;
    assert_eq!(status, StatusCode::OK, "{with_doc}");
    assert_eq!(with_doc["documents"][0]["uploaded_by"], "buyer");
    let res = buyer_documents(
        &app,
        &buyer,
        id(&c),
        documents(vec![("notes.pdf", b"just some text".to_vec())]),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not a pdf").await;
    let res = buyer_documents(
        &app,
        &stranger,
        id(&c),
        documents(vec![("x.pdf", PDF.to_vec())]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM claim_documents").await, 1);

    answered(
        &app,
        id(&c),
        json!({ "refund": "no", "message": "Delivered." }),
    )
    .await;
    // Another order's token does not see this claim.
    let (status, _) = stranger.react(&app, id(&c), "conclude").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(claim(&app, id(&c)).await["status"], "awaiting_buyer");

    // Tampered and expired tokens.
    let tampered = format!("{}x", buyer.token(&app));
    let res = app
        .http
        .get(app.url("/api/v1/buyer/order"))
        .bearer_auth(tampered)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "not valid").await;
    let old = buyer.token(&app);
    app.clock.advance_ms(DAY + 1);
    let res = app
        .http
        .get(app.url("/api/v1/buyer/order"))
        .bearer_auth(old)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::GONE, "expired").await;

    let (status, _) = buyer.react(&app, id(&c), "conclude").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = buyer.react(&app, id(&c), "disagree").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "closed claims take no reaction"
    );
    assert_eq!(claim(&app, id(&c)).await["outcome"], "concluded");
    let res = buyer_documents(
        &app,
        &buyer,
        id(&c),
        documents(vec![("late.pdf", PDF.to_vec())]),
    )
    .await;
    assert_problem(res, StatusCode::CONFLICT, "closed").await;

    // Thirty days after the order the protection has ended.
    app.clock.advance_days(30);
    assert_problem(
        stranger
            .post(
                &app,
                "/api/v1/buyer/claims",
                &json!({ "kind": "not_received", "text": "x" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "protection of this order ended",
    )
    .await;
    let (_, o) = json_of(buyer.get(&app, "/api/v1/buyer/order").await).await;
    assert_eq!(o["protection"]["status"], "expired");
    assert_eq!(o["claims"][0]["status"], "closed");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM claims").await, 1);
}

#[tokio::test]
async fn protection_terms_and_protecting_later() {
    let app = TestApp::spawn().await;
    let (_, t) = json_of(app.api_get("/api/v1/merchant/protection").await).await;
    assert_eq!(
        (&t["protection_days"], &t["answer_days"]),
        (&json!(30), &json!(5))
    );
    let put = |body: Value| {
        app.http
            .put(app.url("/api/v1/merchant/protection"))
            .bearer_auth(&app.api_key)
            .json(&body)
            .send()
    };
    let mut bad = t.clone();
    bad["reminder_day"] = json!(30);
    assert_problem(
        put(bad).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "reminder",
    )
    .await;
    let mut good = t.clone();
    good["answer_days"] = json!(7);
    good["protect_all_orders"] = json!(true);
    let res = put(good).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, t) = json_of(app.api_get("/api/v1/merchant/protection").await).await;
    assert_eq!(t["answer_days"], 7);

    // An order without the flag now follows "protect every order"; one with false is not protected.
    order(&app, "P-1", "p1@buyer.test", None).await;
    order(&app, "P-2", "p2@buyer.test", Some(false)).await;
    let status = |n: &'static str| {
        let app = &app;
        async move {
            let (_, p) =
                json_of(app.api_get(&format!("/api/v1/orders/{n}/protection")).await).await;
            p["status"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(status("P-1").await, "active");
    assert_eq!(status("P-2").await, "not_protected");
    let res = app.api_post("/api/v1/orders/P-2/protect", &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(status("P-2").await, "active");

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
        "/api/v1/claims/{id}/answer",
        "/api/v1/buyer/claims/{id}/reaction",
        "/api/v1/mediation/claims/{id}/decide",
        "/api/v1/merchant/protection",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}

/// (template, to) of the mail jobs about messages, oldest first.
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

async fn mediator_writes(
    app: &TestApp,
    token: &str,
    claim: i64,
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
        .post(app.url(&format!("/api/v1/mediation/claims/{claim}/messages")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_mediator_writes_on_the_claim_thread_through_the_api() {
    let app = TestApp::spawn().await;
    let m = &app.merchant;
    let mut prefs = m.notifications.0.clone();
    prefs.insert("message.posted".into(), vec!["desk@acme.test".into()]);
    let settings = reso::app::merchants::Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        matrix: m.matrix.clone(),
        notifications: reso::store::merchants::NotificationPrefs(prefs),
    };
    reso::app::merchants::update_settings(&app.state, m.id, settings, &reso::app::Actor::System)
        .await
        .expect("settings");
    let token = mediator(&app).await;
    let buyer = Buyer::of(&app, "MSG-1", true).await;
    let c = id(&buyer.open(&app, "other_problem").await);
    let mails_before = message_mails(&app).await.len();

    // Refused: no session, an empty body, an unknown claim. Nothing is saved.
    let res = mediator_writes(&app, &app.api_key, c, "Hello both.", vec![]).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "log in").await;
    let res = mediator_writes(&app, &token, c, "  \n ", vec![]).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "write a message").await;
    let res = mediator_writes(&app, &token, c + 999, "Hello both.", vec![]).await;
    assert_problem(res, StatusCode::NOT_FOUND, "claim").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, 0);
    assert_eq!(message_mails(&app).await.len(), mails_before);

    let res = mediator_writes(
        &app,
        &token,
        c,
        "Please both send what you have.",
        vec![("request.pdf", PDF)],
    )
    .await;
    let (status, posted) = json_of(res).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    assert_eq!(posted["author_role"], "mediator");
    assert_eq!(posted["author"], "mediator:mia@mediation.test");
    let attachment = posted["attachments"][0]["id"].as_i64().unwrap();
    let url = format!("/api/v1/mediation/claims/{c}/messages/attachments/{attachment}");
    assert_eq!(posted["attachments"][0]["url"], url);

    // Both sides are mailed.
    let mails = message_mails(&app).await;
    let new = &mails[mails_before..];
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new.contains(&("message.posted".into(), buyer.email.clone())));
    assert!(new.contains(&("staff.notification".into(), "desk@acme.test".into())));

    // The merchant sees it in its thread and answers there.
    let (status, thread) =
        json_of(app.api_get(&format!("/api/v1/claims/{c}/messages")).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(thread[0]["body"], "Please both send what you have.");
    assert_eq!(thread[0]["author_role"], "mediator");
    let form = Form::new().text("body", "Here is the delivery proof.");
    let res = app
        .http
        .post(app.url(&format!("/api/v1/claims/{c}/messages")))
        .bearer_auth(&app.api_key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // The mediator reads the whole thread and downloads the attachment.
    let (status, thread) = json_of(
        app.http
            .get(app.url(&format!("/api/v1/mediation/claims/{c}/messages")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let roles: Vec<&str> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author_role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["mediator", "merchant"]);
    let res = app
        .http
        .get(app.url(&url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"request.pdf\"; filename*=UTF-8''request.pdf"
    );
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let res = app.http.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

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
        "/api/v1/mediation/claims/{id}/messages",
        "/api/v1/mediation/claims/{id}/messages/attachments/{attachment_id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["paths"]["/api/v1/mediation/claims/{id}/messages"]["post"].is_object());
}
