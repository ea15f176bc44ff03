//! The returns queue: what needs doing, newest first, filtered by status,
//! age and a search for an RMA, order number or buyer e-mail.

use super::exports::{self, Period};
use super::session::Staff;
use super::Nav;
use crate::app::exports::Dataset;
use crate::store::returns::QueueFilter;
use crate::web::shared::{render, PageError, PageResult};
use crate::{store, AppState};
use askama::Template;
use axum::extract::{Query, State};
use reso_domain::time::MS_PER_DAY;
use reso_domain::{Money, ReturnStatus};
use serde::Deserialize;

const PAGE_SIZE: i64 = 25;
/// The age filter's choices, in days.
const AGES: [i64; 4] = [2, 7, 14, 30];

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    age: Option<String>,
    q: Option<String>,
    before: Option<String>,
}

pub struct Tab {
    /// Empty for "all".
    pub code: &'static str,
    pub count: i64,
    pub current: bool,
    pub href: String,
}

pub struct Row {
    pub id: i64,
    pub rma: Option<String>,
    pub order_id: i64,
    pub order_number: String,
    pub buyer_email: String,
    pub status: &'static str,
    pub amount: String,
    pub age_days: i64,
    pub age_hours: i64,
}

#[derive(Template)]
#[template(path = "admin/queue.html")]
struct QueuePage {
    lang: &'static str,
    nav: Nav,
    tabs: Vec<Tab>,
    status: String,
    /// Each age choice, and whether it is the one applied.
    ages: Vec<(i64, bool)>,
    search: String,
    rows: Vec<Row>,
    older: Option<String>,
    /// The first page with the same filters.
    newest: String,
    first_page: bool,
    /// The CSV form's starting period; it carries the status and search too.
    export: Period,
    refunds_csv: String,
}

/// A queue URL keeping the other filters.
fn queue_url(status: &str, age: Option<i64>, search: &str, before: Option<i64>) -> String {
    let mut params: Vec<(&str, String)> = Vec::new();
    if !status.is_empty() {
        params.push(("status", status.to_string()));
    }
    if let Some(a) = age {
        params.push(("age", a.to_string()));
    }
    if !search.is_empty() {
        params.push(("q", search.to_string()));
    }
    if let Some(b) = before {
        params.push(("before", b.to_string()));
    }
    if params.is_empty() {
        return "/admin/returns".into();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("/admin/returns?{}", query.join("&"))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    let status = q.status.as_deref().and_then(ReturnStatus::parse);
    let status_code = status.map_or("", ReturnStatus::code);
    let age = q
        .age
        .as_deref()
        .and_then(|a| a.parse::<i64>().ok())
        .filter(|a| AGES.contains(a));
    let search =
        q.q.as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(200)
            .collect::<String>();
    let before = q
        .before
        .as_deref()
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0);
    let now = state.now();
    let filter = QueueFilter {
        status,
        created_before: age.map(|days| now - days * MS_PER_DAY),
        search: Some(search.clone()).filter(|s| !s.is_empty()),
        before_id: before,
        // One more than shown tells whether an older page exists.
        limit: PAGE_SIZE + 1,
    };
    let merchant_id = staff.merchant.id;
    let mut conn = state
        .db
        .reader()
        .acquire()
        .await
        .map_err(|e| PageError::from(crate::app::AppError::from(e)))?;
    let mut found = store::returns::queue(&mut conn, merchant_id, &filter)
        .await
        .map_err(app_error)?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let amounts = store::returns::requested_amounts(&mut conn, merchant_id, &ids)
        .await
        .map_err(app_error)?;
    let counts = store::returns::counts(&mut conn, merchant_id)
        .await
        .map_err(app_error)?;
    drop(conn);

    let count_of = |code: &str| {
        counts
            .iter()
            .filter(|(s, _)| s == code)
            .map(|(_, n)| *n)
            .sum::<i64>()
    };
    let mut tabs = vec![Tab {
        code: "",
        count: counts.iter().map(|(_, n)| n).sum(),
        current: status.is_none(),
        href: queue_url("", age, &search, None),
    }];
    tabs.extend(ReturnStatus::ALL.into_iter().map(|s| Tab {
        code: s.code(),
        count: count_of(s.code()),
        current: status == Some(s),
        href: queue_url(s.code(), age, &search, None),
    }));
    let rows = found
        .iter()
        .map(|r| {
            let age_ms = (now - r.created_at).max(0);
            Row {
                id: r.id,
                rma: r.rma.clone(),
                order_id: r.order_id,
                order_number: r.order_number.clone(),
                buyer_email: r.buyer_email.clone(),
                status: r.status.code(),
                amount: Money::new(amounts.get(&r.id).copied().unwrap_or(0), r.currency)
                    .to_string(),
                age_days: age_ms / MS_PER_DAY,
                age_hours: age_ms / 3_600_000,
            }
        })
        .collect();
    let newest = queue_url(status_code, age, &search, None);
    let older = if more {
        ids.last()
            .map(|last| queue_url(status_code, age, &search, Some(*last)))
    } else {
        None
    };
    let month = Period::this_month(now);
    Ok(render(&QueuePage {
        lang: "en",
        nav: staff.nav(),
        tabs,
        status: status_code.to_string(),
        ages: AGES.iter().map(|a| (*a, age == Some(*a))).collect(),
        search,
        rows,
        older,
        newest,
        first_page: before.is_none(),
        refunds_csv: exports::href(
            Dataset::Refunds,
            &[("from", &month.from), ("to", &month.to)],
        ),
        export: month,
    }))
}

fn app_error(e: store::StoreError) -> PageError {
    PageError::from(crate::app::AppError::from(e))
}
