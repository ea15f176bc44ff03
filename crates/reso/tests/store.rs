//! The store's contract, run against SQLite and (with RESO_TEST_POSTGRES_URL)
//! PostgreSQL: the guarantees the use cases build on.

mod support;

use reso::store::{self, jobs, refunds};
use serde_json::json;
use support::{TestApp, DAY, START};

async fn order_with_payment(app: &TestApp, number: &str, captured: i64) -> (i64, i64) {
    let mut body = support::sample_order(number, "zoe@example.com", START - DAY);
    body["payments"][0]["captured_minor"] = json!(captured);
    let order = app.create_order(&body).await;
    (
        order["id"].as_i64().unwrap(),
        order["payments"][0]["id"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_payment_balance_is_drawn_only_while_it_lasts() {
    let app = TestApp::spawn().await;
    let (_, payment) = order_with_payment(&app, "S1", 1_000).await;
    let mut tx = app.state.db.begin().await.unwrap();
    assert!(refunds::reserve(&mut tx, payment, 600).await.unwrap());
    assert!(
        !refunds::reserve(&mut tx, payment, 401).await.unwrap(),
        "would exceed the capture"
    );
    assert!(refunds::reserve(&mut tx, payment, 400).await.unwrap());
    assert!(!refunds::reserve(&mut tx, payment, 1).await.unwrap());
    refunds::release(&mut tx, payment, 400).await.unwrap();
    assert!(refunds::reserve(&mut tx, payment, 400).await.unwrap());
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_database_itself_refuses_an_overdrawn_payment() {
    let app = TestApp::spawn().await;
    let (_, payment) = order_with_payment(&app, "S2", 1_000).await;
    let mut tx = app.state.db.begin().await.unwrap();
    // Bypassing the conditional update still hits the CHECK constraint.
    let res = sqlx::query("UPDATE payments SET refunded_minor = 1001 WHERE id = $1")
        .bind(payment)
        .execute(&mut *tx)
        .await;
    assert!(res.is_err());
}

#[tokio::test]
async fn credit_note_numbers_are_consecutive_per_merchant() {
    let app = TestApp::spawn().await;
    let mut tx = app.state.db.begin().await.unwrap();
    let a = store::merchants::next_counter(&mut tx, app.merchant.id, "credit_note")
        .await
        .unwrap();
    let b = store::merchants::next_counter(&mut tx, app.merchant.id, "credit_note")
        .await
        .unwrap();
    let other = store::merchants::next_counter(&mut tx, app.merchant.id, "something_else")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((a, b, other), (1, 2, 1));
}

#[tokio::test]
async fn a_rolled_back_change_leaves_no_event_and_no_job() {
    let app = TestApp::spawn().await;
    let before = {
        let mut c = app.state.db.reader().acquire().await.unwrap();
        (
            jobs::pending_count(&mut c).await.unwrap(),
            store::events::for_merchant(&mut c, app.merchant.id, 0, 1000)
                .await
                .unwrap()
                .len(),
        )
    };
    {
        let mut tx = app.state.db.begin().await.unwrap();
        let event = reso::app::events::EventInput {
            order_id: None,
            return_id: None,
            kind: "return.requested",
            actor: "test",
            data: json!({}),
            buyer: Some(("x@example.com", "en")),
        };
        reso::app::events::record(&mut tx, &app.merchant, event, START)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
    }
    let mut c = app.state.db.reader().acquire().await.unwrap();
    let after = (
        jobs::pending_count(&mut c).await.unwrap(),
        store::events::for_merchant(&mut c, app.merchant.id, 0, 1000)
            .await
            .unwrap()
            .len(),
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn due_jobs_are_claimed_once_until_their_lease_runs_out() {
    let app = TestApp::spawn().await;
    let backend = app.state.db.backend;
    let mut tx = app.state.db.begin().await.unwrap();
    let due = jobs::enqueue(&mut tx, "test", &json!({ "n": 1 }), START, START)
        .await
        .unwrap();
    let later = jobs::enqueue(&mut tx, "test", &json!({ "n": 2 }), START + DAY, START)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let claim = |now: i64| {
        let db = app.state.db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            let got = jobs::claim_due(&mut tx, backend, now, 60_000, 10)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            got.iter().map(|j| j.id).collect::<Vec<_>>()
        }
    };
    let first = claim(START).await;
    assert!(first.contains(&due) && !first.contains(&later));
    assert!(
        !claim(START + 1).await.contains(&due),
        "leased to the first worker"
    );
    // A worker still running it renews the lease: nobody else takes it.
    let mut tx = app.state.db.begin().await.unwrap();
    jobs::renew(&mut tx, &[due, later], START + 90_000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!claim(START + 60_001).await.contains(&due), "renewed");
    let leased: Option<i64> = sqlx::query_scalar("SELECT locked_until FROM jobs WHERE id = $1")
        .bind(later)
        .fetch_one(app.state.db.reader())
        .await
        .unwrap();
    assert_eq!(
        leased, None,
        "a job nobody claimed is not leased by a renewal"
    );
    // The first worker died: after the lease another worker takes it again.
    assert!(claim(START + 90_001).await.contains(&due));
    let mut tx = app.state.db.begin().await.unwrap();
    jobs::complete(&mut tx, due, START + 60_002).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        !claim(START + 200_000).await.contains(&due),
        "done jobs never run again"
    );

    // A failure schedules a retry; giving up (no retry) ends it.
    let mut tx = app.state.db.begin().await.unwrap();
    jobs::fail(
        &mut tx,
        later,
        "smtp down",
        Some(START + 2 * DAY),
        START + DAY,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(!claim(START + DAY + 1).await.contains(&later));
    assert!(claim(START + 2 * DAY).await.contains(&later));
    let mut tx = app.state.db.begin().await.unwrap();
    jobs::fail(&mut tx, later, "gave up", None, START + 3 * DAY)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!claim(START + 10 * DAY).await.contains(&later));
}

#[tokio::test]
async fn a_merchant_id_is_part_of_every_lookup() {
    let app = TestApp::spawn().await;
    let (order_id, _) = order_with_payment(&app, "S3", 1_000).await;
    let mut c = app.state.db.reader().acquire().await.unwrap();
    assert!(store::orders::load(&mut c, app.merchant.id, order_id)
        .await
        .is_ok());
    assert!(matches!(
        store::orders::load(&mut c, app.merchant.id + 1, order_id).await,
        Err(store::StoreError::NotFound)
    ));
}

#[tokio::test]
async fn unique_constraints_become_conflicts() {
    let app = TestApp::spawn().await;
    let err = reso::app::merchants::create(
        &app.state,
        store::merchants::NewMerchant {
            slug: app.merchant.slug.clone(),
            name: "Copy".into(),
            support: app.merchant.support.clone(),
            return_address: String::new(),
            default_locale: "en".into(),
            currency: app.merchant.currency,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, reso::app::AppError::Conflict(_)), "{err:?}");
}
