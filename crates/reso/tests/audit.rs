//! The tamper-evident event log: events written singly, in batches or
//! concurrently are sealed after commit into one chain per merchant, and
//! `reso audit verify` finds an edited, deleted or moved event. Runs on PostgreSQL too when
//! RESO_TEST_POSTGRES_URL is set.

mod support;

use reso::app::audit::{verify, ChainReport};
use reso::store::events::{append_many, NewEvent};
use reso::store::merchants::{Merchant, NewMerchant, SupportContact};
use reso::AppState;
use reso_domain::Currency;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};
use support::{TestApp, START};

async fn second_merchant(state: &AppState, slug: &str) -> Merchant {
    reso::app::merchants::create(
        state,
        NewMerchant {
            slug: slug.into(),
            name: format!("Shop {slug}"),
            support: SupportContact {
                email: format!("help@{slug}.test"),
                phone: String::new(),
                hours: String::new(),
                url: String::new(),
            },
            return_address: "Somewhere 1".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant")
}

/// Appends one event per entry of `merchants` in one transaction.
async fn append(state: &AppState, merchants: &[i64], data: &Value) -> Vec<i64> {
    let events: Vec<NewEvent> = merchants
        .iter()
        .map(|&merchant_id| NewEvent {
            merchant_id,
            order_id: None,
            return_id: None,
            kind: "test.appended",
            actor: "test",
            data,
        })
        .collect();
    let mut tx = state.db.begin().await.expect("begin");
    let ids = append_many(&mut tx, &events, START).await.expect("append");
    tx.commit().await.expect("commit");
    ids
}

/// What the worker does after each pass.
async fn seal(state: &AppState) -> u64 {
    reso::app::event_seal::seal_pending(&state.db)
        .await
        .expect("seal")
}

async fn count_events(state: &AppState, merchant_id: i64) -> u64 {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE merchant_id = $1")
        .bind(merchant_id)
        .fetch_one(state.db.reader())
        .await
        .expect("count");
    n as u64
}

async fn execute(state: &AppState, sql: &str, binds: &[i64]) {
    let mut tx = state.db.begin().await.expect("begin");
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(&mut *tx).await.expect(sql);
    tx.commit().await.expect("commit");
}

fn report_of(reports: &[ChainReport], merchant_id: i64) -> &ChainReport {
    reports
        .iter()
        .find(|r| r.merchant_id == merchant_id)
        .expect("a report for the merchant")
}

#[tokio::test]
async fn events_written_singly_and_in_batches_chain_per_merchant() {
    let app = TestApp::spawn().await;
    let other = second_merchant(&app.state, "other").await;
    let me = app.merchant.id;
    // Through the use cases: each order writes its event singly.
    app.delivered_order("1001", "ada@example.test").await;
    app.delivered_order("1002", "bob@example.test").await;
    // One batch across two merchants, interleaved, with text that needs escaping.
    let tricky = json!({ "note": "quote \" backslash \\ ünïcode", "n": 1.5, "list": [1, null] });
    append(&app.state, &[me, other.id, me, me, other.id], &tricky).await;
    append(&app.state, &[other.id], &json!({})).await;
    // A rolled back append leaves the chain as it was.
    let mut tx = app.state.db.begin().await.expect("begin");
    let data = json!({"lost": true});
    let lost = [NewEvent {
        merchant_id: me,
        order_id: None,
        return_id: None,
        kind: "test.lost",
        actor: "test",
        data: &data,
    }];
    append_many(&mut tx, &lost, START).await.expect("append");
    tx.rollback().await.expect("rollback");
    append(&app.state, &[me], &json!({"after": "rollback"})).await;

    // Written, not sealed yet: reported as waiting, not as broken.
    let reports = verify(&app.state.db, None).await.expect("verify");
    for merchant in [me, other.id] {
        let r = report_of(&reports, merchant);
        assert!(r.is_intact(), "{r:?}");
        assert_eq!(r.pending, count_events(&app.state, merchant).await);
    }
    // The worker's pass seals them all.
    app.run_pending_jobs().await;
    let reports = verify(&app.state.db, None).await.expect("verify");
    for merchant in [me, other.id] {
        let r = report_of(&reports, merchant);
        assert!(r.is_intact(), "{r:?}");
        assert_eq!(r.pending, 0);
        assert_eq!(r.chained, count_events(&app.state, merchant).await);
        assert!(r.chained >= 4, "{r:?}");
    }
    assert_eq!(seal(&app.state).await, 0, "nothing is sealed twice");
    // Later events continue the chain.
    append(&app.state, &[me, other.id], &json!({"later": true})).await;
    assert_eq!(seal(&app.state).await, 2);
    let reports = verify(&app.state.db, None).await.expect("verify");
    for merchant in [me, other.id] {
        let r = report_of(&reports, merchant);
        assert!(r.is_intact(), "{r:?}");
        assert_eq!(r.chained, count_events(&app.state, merchant).await);
    }
    // The data is stored exactly as given, and reads back the same.
    let stored = reso::store::events::for_merchant(
        &mut app.state.db.reader().acquire().await.unwrap(),
        other.id,
        0,
        100,
    )
    .await
    .unwrap();
    assert!(stored.iter().any(|e| e.data == tricky));
}

#[tokio::test]
async fn concurrent_appends_and_sealers_give_one_unbroken_chain_per_merchant() {
    let app = TestApp::spawn().await;
    let other = second_merchant(&app.state, "other").await;
    let me = app.merchant.id;
    // Two sealers (two worker processes) run while eight writers append.
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut sealers = Vec::new();
    for _ in 0..2 {
        let (state, writing) = (app.state.clone(), writing.clone());
        sealers.push(tokio::spawn(async move {
            while writing.load(std::sync::atomic::Ordering::SeqCst) {
                seal(&state).await;
                tokio::task::yield_now().await;
            }
        }));
    }
    let mut tasks = Vec::new();
    for task in 0..8 {
        let state = app.state.clone();
        let merchants = if task % 2 == 0 {
            vec![me, me, me]
        } else {
            vec![other.id, me]
        };
        tasks.push(tokio::spawn(async move {
            for round in 0..10 {
                append(&state, &merchants, &json!({ "task": task, "round": round })).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    for s in sealers {
        s.await.expect("sealer");
    }
    seal(&app.state).await;
    let reports = verify(&app.state.db, None).await.expect("verify");
    for merchant in [me, other.id] {
        let r = report_of(&reports, merchant);
        assert!(r.is_intact(), "{r:?}");
        assert_eq!(r.chained, count_events(&app.state, merchant).await);
    }
    // 4 tasks × 10 rounds × 3 + 4 × 10 × 1, besides the set-up's events.
    assert!(report_of(&reports, me).chained >= 160);
}

/// A merchant with six events of its own; their ids.
async fn six_events(app: &TestApp) -> Vec<i64> {
    let me = app.merchant.id;
    let mut ids = append(&app.state, &[me, me, me], &json!({"batch": 1})).await;
    for n in 0..3 {
        ids.extend(append(&app.state, &[me], &json!({ "single": n })).await);
    }
    seal(&app.state).await;
    let r = verify(&app.state.db, None).await.expect("verify");
    assert!(report_of(&r, me).is_intact());
    ids
}

async fn broken_link(app: &TestApp) -> (i64, String) {
    let reports = verify(&app.state.db, Some(app.merchant.id))
        .await
        .expect("verify");
    assert_eq!(reports.len(), 1);
    let b = reports[0]
        .broken
        .clone()
        .expect("the chain is reported broken");
    (b.event_id, b.what)
}

#[tokio::test]
async fn an_edited_event_is_found() {
    let app = TestApp::spawn().await;
    let ids = six_events(&app).await;
    execute(
        &app.state,
        "UPDATE events SET data = '{\"single\":99}' WHERE id = $1",
        &[ids[4]],
    )
    .await;
    let (at, what) = broken_link(&app).await;
    assert_eq!(at, ids[4]);
    assert!(what.contains("contents or hash were changed"), "{what}");
}

#[tokio::test]
async fn a_deleted_event_is_found_in_the_middle_and_at_the_end() {
    let app = TestApp::spawn().await;
    let ids = six_events(&app).await;
    execute(&app.state, "DELETE FROM events WHERE id = $1", &[ids[2]]).await;
    let (at, what) = broken_link(&app).await;
    assert_eq!(at, ids[3]);
    assert!(what.contains("deleted"), "{what}");

    let app = TestApp::spawn().await;
    let ids = six_events(&app).await;
    execute(&app.state, "DELETE FROM events WHERE id = $1", &[ids[5]]).await;
    let (at, what) = broken_link(&app).await;
    assert_eq!(at, ids[5]);
    assert!(what.contains("chain head records event"), "{what}");
}

#[tokio::test]
async fn reordered_events_are_found() {
    let app = TestApp::spawn().await;
    let ids = six_events(&app).await;
    // Two events trade places, each keeping its own hash.
    let (a, b) = (ids[1], ids[3]);
    let columns = ["kind", "actor", "data", "at", "hash"];
    // Ids inline: PostgreSQL takes no parameters in CREATE TABLE AS.
    execute(
        &app.state,
        &format!("CREATE TABLE swap AS SELECT * FROM events WHERE id IN ({a}, {b})"),
        &[],
    )
    .await;
    let from_swap = columns
        .iter()
        .map(|c| format!("{c} = (SELECT {c} FROM swap WHERE id = $2)"))
        .collect::<Vec<_>>()
        .join(", ");
    execute(
        &app.state,
        &format!("UPDATE events SET {from_swap} WHERE id = $1"),
        &[a, b],
    )
    .await;
    execute(
        &app.state,
        &format!("UPDATE events SET {from_swap} WHERE id = $1"),
        &[b, a],
    )
    .await;
    let (at, what) = broken_link(&app).await;
    assert_eq!(at, a);
    assert!(what.contains("reordered"), "{what}");
}

#[tokio::test]
async fn events_from_before_the_chain_are_sealed_at_its_end() {
    let app = TestApp::spawn().await;
    let me = app.merchant.id;
    // As a database from before the chain looks: events without hash or
    // place, and no head.
    execute(
        &app.state,
        "UPDATE events SET hash = NULL, chain_seq = NULL WHERE merchant_id = $1",
        &[me],
    )
    .await;
    execute(
        &app.state,
        "DELETE FROM event_chain_heads WHERE merchant_id = $1",
        &[me],
    )
    .await;
    let old = count_events(&app.state, me).await;
    assert!(old >= 1);
    let reports = verify(&app.state.db, Some(me)).await.expect("verify");
    assert!(reports[0].is_intact(), "{:?}", reports[0]);
    assert_eq!((reports[0].pending, reports[0].chained), (old, 0));
    seal(&app.state).await;
    append(&app.state, &[me, me], &json!({})).await;
    seal(&app.state).await;
    let reports = verify(&app.state.db, Some(me)).await.expect("verify");
    assert!(reports[0].is_intact(), "{:?}", reports[0]);
    assert_eq!((reports[0].pending, reports[0].chained), (0, old + 2));
}

#[tokio::test]
async fn an_event_taken_out_of_the_chain_leaves_a_gap() {
    let app = TestApp::spawn().await;
    let ids = six_events(&app).await;
    // Hiding an event from the walk: it loses its place, and the sealer
    // puts it at the end again, but its old place stays empty.
    execute(
        &app.state,
        "UPDATE events SET chain_seq = NULL, hash = NULL WHERE id = $1",
        &[ids[1]],
    )
    .await;
    seal(&app.state).await;
    let (at, what) = broken_link(&app).await;
    assert_eq!(at, ids[2]);
    assert!(what.contains("deleted"), "{what}");
}

fn reso(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reso"))
        .args(args)
        .env_remove("RESO_DATABASE_URL")
        .env_remove("RESO_DATA_DIR")
        .output()
        .expect("run reso")
}

fn dir_arg(dir: &Path) -> String {
    dir.display().to_string()
}

#[tokio::test]
async fn the_command_exits_0_when_intact_1_when_broken_2_when_it_cannot_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = reso::Config {
        public_url: "http://127.0.0.1".into(),
        smtp: None,
        mail_dir: None,
        secure_cookies: false,
        simulator_settle_ms: reso::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let url = format!("sqlite://{}", dir.path().join("reso.db").display());
    let state =
        reso::server::build_state(&url, config, std::sync::Arc::new(reso::clock::SystemClock))
            .await
            .expect("state");
    let shop = second_merchant(&state, "trail").await;
    let ids = append(&state, &[shop.id, shop.id, shop.id], &json!({"x": 1})).await;
    let data_dir = dir_arg(dir.path());

    let out = reso(&["audit", "verify", "--data-dir", &data_dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("trail: intact, 0 events chained (4 newer events not sealed yet)"),
        "{stdout}"
    );
    seal(&state).await;

    let out = reso(&["audit", "verify", "--data-dir", &data_dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("trail: intact, 4 events chained"),
        "{stdout}"
    );

    let out = reso(&[
        "audit",
        "verify",
        "--merchant",
        "nosuch",
        "--data-dir",
        &data_dir,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no merchant"));
    let empty = tempfile::tempdir().unwrap();
    let out = reso(&["audit", "verify", "--data-dir", &dir_arg(empty.path())]);
    assert_eq!(out.status.code(), Some(2));

    execute(
        &state,
        "UPDATE events SET actor = 'someone else' WHERE id = $1",
        &[ids[1]],
    )
    .await;
    let out = reso(&[
        "audit",
        "verify",
        "--merchant",
        "trail",
        "--data-dir",
        &data_dir,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("trail: BROKEN at event {}", ids[1])),
        "{stdout}"
    );
    state.db.close().await;
}
