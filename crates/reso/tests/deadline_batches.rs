//! Deadlines fired in batches: one transaction mixing every kind of deadline
//! for several merchants does what firing them one by one does, a batch
//! larger than one statement's rows ties every job to its own event, and
//! firing again changes nothing.
//! Runs on SQLite, or PostgreSQL when RESO_TEST_POSTGRES_URL is set.

mod support;

use reso::app::claims::{self, Answer, Party};
use reso::app::deadlines::fire_due;
use reso::app::merchants::{self, Settings};
use reso::app::{orders, Actor};
use reso::store::merchants::{Merchant, NewMerchant, NotificationPrefs, SupportContact};
use reso::AppState;
use reso_domain::claim::{ClaimKind, ClaimStatus, RefundDecision};
use reso_domain::order::{NewLine, NewPayment, NewShipment};
use reso_domain::time::MS_PER_DAY;
use reso_domain::{Currency, Email, NewOrder, PaymentMethod, Timestamp};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use support::{TestApp, START};

async fn count(state: &AppState, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(state.db.reader())
        .await
        .expect("count")
}

/// (id, kind, order id, data) of every event, oldest first.
async fn events(state: &AppState) -> Vec<(i64, String, Option<i64>, Value)> {
    let rows: Vec<(i64, String, Option<i64>, String)> =
        sqlx::query_as("SELECT id, kind, order_id, data FROM events ORDER BY id")
            .fetch_all(state.db.reader())
            .await
            .expect("events");
    rows.into_iter()
        .map(|(id, kind, order, data)| (id, kind, order, serde_json::from_str(&data).unwrap()))
        .collect()
}

/// (kind, payload) of every job, oldest first.
async fn jobs(state: &AppState) -> Vec<(String, Value)> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT kind, payload FROM jobs ORDER BY id")
        .fetch_all(state.db.reader())
        .await
        .expect("jobs");
    rows.into_iter()
        .map(|(kind, payload)| (kind, serde_json::from_str(&payload).unwrap()))
        .collect()
}

/// A shop, with `endpoints` webhook endpoints and staff subscribed to
/// escalations (two addresses) and closed claims (one).
async fn shop(state: &AppState, slug: &str, endpoints: usize, subscribed: bool) -> Merchant {
    let m = merchants::create(
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
            return_address: "Returns, Via Roma 1, 20100 Milano".into(),
            default_locale: "en".into(),
            currency: Currency::parse("EUR").unwrap(),
        },
    )
    .await
    .expect("merchant");
    for i in 0..endpoints {
        merchants::add_webhook(state, m.id, &format!("https://{slug}.test/hook/{i}"))
            .await
            .expect("webhook");
    }
    if !subscribed {
        return m;
    }
    let mut notifications = BTreeMap::new();
    notifications.insert(
        "claim.escalated".to_string(),
        vec![format!("ops@{slug}.test"), format!("boss@{slug}.test")],
    );
    notifications.insert("claim.closed".to_string(), vec![format!("ops@{slug}.test")]);
    let settings = Settings {
        name: m.name.clone(),
        support: m.support.clone(),
        return_address: m.return_address.clone(),
        default_locale: m.default_locale.clone(),
        policy: m.policy.clone(),
        matrix: m.matrix.clone(),
        notifications: NotificationPrefs(notifications),
    };
    merchants::update_settings(state, m.id, settings, &Actor::System)
        .await
        .expect("settings")
}

/// A protected order placed two days ago (its day-23 reminder scheduled).
async fn order(state: &AppState, merchant: &Merchant, number: &str) -> (i64, String) {
    let now = state.now();
    let order = NewOrder {
        number: number.into(),
        buyer_email: Email::parse(&format!("buyer-{number}@example.com")).unwrap(),
        buyer_name: "Ada Lovelace".into(),
        locale: "en".into(),
        currency: merchant.currency,
        placed_at: Timestamp(now - 2 * MS_PER_DAY),
        lines: vec![NewLine {
            sku: "TENT-2P".into(),
            title: "Two-person tent".into(),
            quantity: 1,
            unit_price_minor: 18_900,
            returnable: true,
        }],
        payments: vec![NewPayment {
            method: PaymentMethod::Card,
            gateway: "simulator".into(),
            reference: format!("pi_{number}"),
            captured_minor: 18_900,
        }],
        shipments: vec![NewShipment {
            carrier: "DHL".into(),
            tracking_number: format!("JD{number}"),
            shipped_at: Some(Timestamp(now - MS_PER_DAY)),
            delivered_at: None,
        }],
    };
    let saved = orders::upsert_protected(state, merchant, &order, Some(true), &Actor::System)
        .await
        .expect("order");
    (saved.order.id, order.buyer_email.as_str().to_string())
}

async fn open(state: &AppState, merchant: &Merchant, number: &str, kind: ClaimKind) -> i64 {
    let (order_id, buyer) = order(state, merchant, number).await;
    claims::open(
        state,
        merchant,
        order_id,
        kind,
        "The parcel never arrived.",
        Vec::new(),
        &buyer,
    )
    .await
    .expect("claim")
    .id
}

/// The claims whose deadlines the batch fires, for one merchant.
struct Waits {
    silent_merchant: i64,
    silent_buyer: i64,
    missing_documents: i64,
}

/// For one merchant: a claim the merchant stays silent on, one the buyer
/// does not react to (its answer deadline then stale), one whose documents
/// never come, and an order without a claim, due its reminder. The orders
/// with claims also have reminders, which must not go out.
async fn waits(state: &AppState, merchant: &Merchant, prefix: &str) -> Waits {
    let silent_merchant = open(
        state,
        merchant,
        &format!("{prefix}1"),
        ClaimKind::NotReceived,
    )
    .await;
    let silent_buyer = open(
        state,
        merchant,
        &format!("{prefix}2"),
        ClaimKind::NotReceived,
    )
    .await;
    let answer = Answer {
        decision: RefundDecision::No,
        amount_minor: 0,
        message: "It was delivered to your neighbour.".into(),
        return_id: None,
        uploads: Vec::new(),
    };
    claims::answer(state, merchant, silent_buyer, answer, &Actor::System)
        .await
        .expect("answer");
    let missing_documents = open(
        state,
        merchant,
        &format!("{prefix}3"),
        ClaimKind::OtherProblem,
    )
    .await;
    let mediator = Party::Mediator {
        id: 1,
        email: "mediator@reso.test".into(),
    };
    claims::request_documents(state, missing_documents, "Send the tracking.", &mediator)
        .await
        .expect("documents requested");
    order(state, merchant, &format!("{prefix}4")).await;
    Waits {
        silent_merchant,
        silent_buyer,
        missing_documents,
    }
}

/// Three shops with every kind of wait, 22 days on: every deadline due, the
/// orders' protection still running.
async fn set_scene(app: &TestApp) -> Vec<(Merchant, Waits)> {
    let state = &app.state;
    let mut scene = Vec::new();
    for (slug, endpoints, subscribed) in
        [("north", 2, true), ("south", 0, false), ("east", 1, false)]
    {
        let merchant = shop(state, slug, endpoints, subscribed).await;
        let w = waits(state, &merchant, &slug[..1].to_uppercase()).await;
        scene.push((merchant, w));
    }
    app.clock.advance_days(22);
    scene
}

#[tokio::test]
async fn one_batch_of_every_kind_for_several_shops_fires_each_as_one_by_one() {
    let batched = TestApp::spawn().await;
    let scene = set_scene(&batched).await;
    let state = &batched.state;
    let (events_before, jobs_before) = (events(state).await.len(), jobs(state).await.len());
    let due = count(
        state,
        "SELECT COUNT(*) FROM deadlines WHERE fired_at IS NULL",
    )
    .await;
    // Per shop: 4 reminders and 4 claim deadlines (one of them stale).
    assert_eq!(due, 3 * 8);

    let changed = fire_due(state, 1_000).await.expect("fire");
    assert_eq!(
        changed,
        3 * 4,
        "per shop: two escalations, one closing, one reminder"
    );
    assert_eq!(
        count(
            state,
            "SELECT COUNT(*) FROM deadlines WHERE fired_at IS NULL"
        )
        .await,
        0
    );
    for (merchant, w) in &scene {
        let status = |id| async move {
            claims::load(state, merchant.id, id)
                .await
                .expect("claim")
                .claim
                .status
        };
        assert_eq!(status(w.silent_merchant).await, ClaimStatus::Escalated);
        assert_eq!(status(w.silent_buyer).await, ClaimStatus::Closed);
        assert_eq!(status(w.missing_documents).await, ClaimStatus::Escalated);
    }

    let new_events = events(state).await.split_off(events_before);
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, kind, _, _) in &new_events {
        *kinds.entry(kind.as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("claim.escalated", 6),
        ("claim.closed", 3),
        ("protection.reminder", 3),
    ]
    .into();
    assert_eq!(kinds, expected);

    let new_jobs = jobs(state).await.split_off(jobs_before);
    let of = |kind: &str, template: Option<&str>| {
        new_jobs
            .iter()
            .filter(|(k, p)| k == kind && template.is_none_or(|t| p["template"] == t))
            .count()
    };
    assert_eq!(
        of("mail", None),
        12 + 5,
        "a buyer mail per event; north's staff: 2 + 2 + 1"
    );
    assert_eq!(of("mail", Some("staff.notification")), 5);
    assert_eq!(
        of("webhook", None),
        3 * 4,
        "north has two endpoints, east one"
    );
    // Every job belongs to its own event: same kind, same order.
    let by_id: HashMap<i64, &(i64, String, Option<i64>, Value)> =
        new_events.iter().map(|e| (e.0, e)).collect();
    for (kind, payload) in &new_jobs {
        let event = by_id[&payload["event_id"].as_i64().expect("event id")];
        let event_kind = match kind.as_str() {
            "webhook" => &payload["type"],
            _ if payload["template"] == "staff.notification" => &payload["kind"],
            _ => &payload["template"],
        };
        assert_eq!(event_kind, &Value::from(event.1.as_str()));
        assert_eq!(payload["order_id"].as_i64(), event.2);
        assert_eq!(payload["data"], event.3);
    }

    // The same scene fired one deadline per transaction records the same.
    let single = TestApp::spawn().await;
    set_scene(&single).await;
    let (single_events_before, single_jobs_before) = (
        events(&single.state).await.len(),
        jobs(&single.state).await.len(),
    );
    assert_eq!(
        (single_events_before, single_jobs_before),
        (events_before, jobs_before)
    );
    assert_eq!(fire_due(&single.state, 1).await.expect("fire"), changed);
    let strip = |mut jobs: Vec<(String, Value)>| {
        for (_, p) in &mut jobs {
            p.as_object_mut().expect("payload").remove("event_id");
        }
        jobs
    };
    let single_events = events(&single.state).await.split_off(events_before);
    let single_jobs = jobs(&single.state).await.split_off(jobs_before);
    let content = |events: &[(i64, String, Option<i64>, Value)]| {
        events
            .iter()
            .map(|e| (e.1.clone(), e.2, e.3.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(content(&single_events), content(&new_events));
    assert_eq!(strip(single_jobs), strip(new_jobs));
}

#[tokio::test]
async fn a_batch_larger_than_a_statement_ties_every_job_to_its_event() {
    const DEADLINES: usize = 2_345;
    let app = TestApp::spawn().await;
    let state = &app.state;
    merchants::add_webhook(state, app.merchant.id, "https://acme.test/hook")
        .await
        .expect("webhook");
    reso::bench::deadlines::seed(state, &app.merchant, DEADLINES, START + 5 * MS_PER_DAY)
        .await
        .expect("seed");
    app.clock.advance_days(5);
    let before = events(state).await.len();
    assert_eq!(fire_due(state, 5_000).await.expect("fire"), DEADLINES);

    let escalated = events(state).await.split_off(before);
    assert_eq!(escalated.len(), DEADLINES);
    let claim_of: HashMap<i64, (i64, Option<i64>)> = escalated
        .iter()
        .map(|(id, kind, order, data)| {
            assert_eq!(kind, "claim.escalated");
            (*id, (data["claim_id"].as_i64().expect("claim id"), *order))
        })
        .collect();
    let mut mails = HashMap::new();
    let mut hooks = HashMap::new();
    for (kind, payload) in jobs(state).await {
        let Some(event) = claim_of.get(&payload["event_id"].as_i64().unwrap_or(0)) else {
            continue;
        };
        // The job tells the same claim and order as the event it points to.
        assert_eq!(payload["data"]["claim_id"].as_i64(), Some(event.0));
        assert_eq!(payload["order_id"].as_i64(), event.1);
        let seen = if kind == "mail" {
            &mut mails
        } else {
            &mut hooks
        };
        *seen.entry(payload["event_id"].as_i64()).or_insert(0) += 1;
    }
    assert_eq!(mails.len(), DEADLINES, "one buyer mail per event");
    assert_eq!(hooks.len(), DEADLINES, "one webhook per event");
    assert!(mails.values().chain(hooks.values()).all(|n| *n == 1));
    assert_eq!(
        count(
            state,
            "SELECT COUNT(*) FROM claims WHERE status = 'escalated'"
        )
        .await,
        DEADLINES as i64
    );
}

#[tokio::test]
async fn firing_again_changes_nothing() {
    const DEADLINES: usize = 40;
    let app = TestApp::spawn().await;
    let state = &app.state;
    reso::bench::deadlines::seed(state, &app.merchant, DEADLINES, START + 5 * MS_PER_DAY)
        .await
        .expect("seed");
    app.clock.advance_days(5);
    assert_eq!(fire_due(state, 16).await.expect("fire"), DEADLINES);
    let (events_after, jobs_after) = (events(state).await, jobs(state).await);

    assert_eq!(fire_due(state, 16).await.expect("fire again"), 0);
    // Even deadlines taken again (as if marked unfired) find their waits over.
    let mut tx = state.db.begin().await.expect("begin");
    sqlx::query("UPDATE deadlines SET fired_at = NULL")
        .execute(&mut *tx)
        .await
        .expect("unfire");
    tx.commit().await.expect("commit");
    assert_eq!(fire_due(state, 16).await.expect("fire stale"), 0);
    assert_eq!(
        count(
            state,
            "SELECT COUNT(*) FROM deadlines WHERE fired_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(events(state).await, events_after);
    assert_eq!(jobs(state).await, jobs_after);
}
