//! Transactions as the use cases rely on them, on SQLite (group commit) and,
//! with RESO_TEST_POSTGRES_URL, PostgreSQL: many at once all land, an
//! abandoned one leaves no trace and does not take the others down, and a
//! committed one is visible to readers as soon as `commit` returns.

mod support;

use reso::store::Db;
use support::TestApp;

async fn insert_setting(db: &Db, key: &str) -> Result<(), reso::store::StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'x')")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn settings_like(db: &Db, prefix: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_one(db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn many_concurrent_transactions_all_land_and_are_visible_on_return() {
    let app = TestApp::spawn().await;
    let db = app.state.db.clone();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                insert_setting(&db, &format!("many-{i}")).await.unwrap();
                // Acknowledged means readable by everyone.
                let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key = $1")
                    .bind(format!("many-{i}"))
                    .fetch_one(db.reader())
                    .await
                    .unwrap();
                assert_eq!(seen, 1);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(settings_like(&db, "many-").await, 64);
}

#[tokio::test]
async fn an_abandoned_or_failed_transaction_leaves_no_trace_and_spares_the_others() {
    let app = TestApp::spawn().await;
    let db = app.state.db.clone();
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'x')")
                    .bind(format!("mixed-{i}"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                match i % 3 {
                    0 => tx.commit().await.unwrap(),
                    // Dropped half-way, as an early `?` return does.
                    1 => drop(tx),
                    _ => {
                        // A failing statement (duplicate key), then given up.
                        let dup = sqlx::query("INSERT INTO settings (key, value) VALUES ($1, 'y')")
                            .bind(format!("mixed-{i}"))
                            .execute(&mut *tx)
                            .await;
                        assert!(dup.is_err());
                        tx.rollback().await.unwrap();
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT key FROM settings WHERE key LIKE 'mixed-%' ORDER BY key")
            .fetch_all(db.reader())
            .await
            .unwrap();
    let mut expected: Vec<String> = (0..30)
        .filter(|i| i % 3 == 0)
        .map(|i| format!("mixed-{i}"))
        .collect();
    expected.sort();
    assert_eq!(kept, expected);
    // And the writer is free for the next one.
    insert_setting(&db, "mixed-after").await.unwrap();
}

#[tokio::test]
async fn an_idle_writer_holds_no_lock_against_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("two.db").display());
    let one = Db::connect(&url).await.unwrap();
    one.migrate().await.unwrap();
    let two = Db::connect(&url).await.unwrap();
    // A transaction given up on one side, then a write on the other: no
    // transaction is left open to keep the database locked.
    let tx = one.begin().await.unwrap();
    tx.rollback().await.unwrap();
    let dropped = one.begin().await.unwrap();
    drop(dropped);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let written = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        insert_setting(&two, "other-process"),
    )
    .await
    .expect("the other process got the lock");
    written.unwrap();
    insert_setting(&one, "first-process").await.unwrap();
    assert_eq!(settings_like(&two, "other-process").await, 1);
    assert_eq!(settings_like(&two, "first-process").await, 1);
    one.close().await;
    two.close().await;
}
