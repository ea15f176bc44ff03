//! CSV downloads of the signed-in merchant's returns, refunds and claims for
//! a period, with the filters of the queue and the claims list. The file is
//! streamed page by page as it is read (`app::exports::csv_stream`).

use super::session::Staff;
use crate::app::exports::{csv_stream, Dataset, Filter, FilterInput};
use crate::web::shared::{PageError, PageResult};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// The CSV of `dataset` for the staff's merchant, as an attachment.
fn download(
    state: AppState,
    merchant_id: i64,
    dataset: Dataset,
    input: &FilterInput,
) -> PageResult {
    let filter = Filter::parse(dataset, input, state.now())
        .map_err(|e| PageError::new(StatusCode::BAD_REQUEST, "This export cannot be made", e.0))?;
    Ok(csv_response(state, merchant_id, dataset, &filter))
}

/// The streamed CSV with its download headers.
fn csv_response(
    state: AppState,
    merchant_id: i64,
    dataset: Dataset,
    filter: &Filter,
) -> axum::response::Response {
    let disposition = format!("attachment; filename=\"{}\"", filter.filename(dataset));
    let body = Body::from_stream(csv_stream(state, merchant_id, dataset, filter));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

async fn returns(
    State(state): State<AppState>,
    staff: Staff,
    Query(input): Query<FilterInput>,
) -> PageResult {
    download(state, staff.merchant.id, Dataset::Returns, &input)
}

async fn refunds(
    State(state): State<AppState>,
    staff: Staff,
    Query(input): Query<FilterInput>,
) -> PageResult {
    download(state, staff.merchant.id, Dataset::Refunds, &input)
}

async fn claims(
    State(state): State<AppState>,
    staff: Staff,
    Query(input): Query<FilterInput>,
) -> PageResult {
    download(state, staff.merchant.id, Dataset::Claims, &input)
}

/// `/admin/exports/…`: the three downloads.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/exports/returns.csv", get(returns))
        .route("/admin/exports/refunds.csv", get(refunds))
        .route("/admin/exports/claims.csv", get(claims))
}

/// The period an export form starts with: this month up to today.
pub struct Period {
    pub from: String,
    pub to: String,
}

impl Period {
    pub fn this_month(now_ms: i64) -> Period {
        match Filter::parse(Dataset::Returns, &FilterInput::default(), now_ms) {
            Ok(f) => Period {
                from: f.from.to_string(),
                to: f.to.to_string(),
            },
            Err(_) => Period {
                from: String::new(),
                to: String::new(),
            },
        }
    }
}

/// A download link carrying these filters (empty ones left out).
pub fn href(dataset: Dataset, filters: &[(&str, &str)]) -> String {
    let query: Vec<String> = filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let path = format!("/admin/exports/{}.csv", dataset.name());
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
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
