//! Every request gets an id (the caller's `x-request-id` when it is sane, a
//! new one otherwise), echoed in the response and carried by the request's
//! span so that each log line of the request names it; one log line when it
//! ends; and its latency in a histogram per route template.

use super::Metrics;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest caller-chosen request id taken as it is (a UUID is 36).
const MAX_REQUEST_ID: usize = 64;

/// Seconds, from 1 ms to 5 s.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: Route,
    status: u16,
}

/// The route template (`/api/v1/orders/{number}`), never the raw path: the
/// number of series stays bounded whatever paths clients send.
#[derive(Debug, Clone)]
enum Route {
    /// Cloning shares axum's string: no allocation per request.
    Template(MatchedPath),
    Unmatched,
}

impl Route {
    fn of(request: &Request) -> Route {
        match request.extensions().get::<MatchedPath>() {
            // axum's own catch-all for a nested router's fallback is no route.
            Some(path) if !path.as_str().contains("__private__axum") => {
                Route::Template(path.clone())
            }
            _ => Route::Unmatched,
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Route::Template(path) => path.as_str(),
            Route::Unmatched => "unmatched",
        }
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Route) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl Hash for Route {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

/// Latencies per method, route and status.
pub(super) struct RequestMetrics {
    durations: Family<RequestLabels, Histogram, fn() -> Histogram>,
}

fn new_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

impl RequestMetrics {
    pub(super) fn new() -> RequestMetrics {
        RequestMetrics {
            durations: Family::new_with_constructor(new_histogram),
        }
    }

    /// Adds the histograms to a scrape's registry (they are shared, not copied).
    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "reso_http_request_duration_seconds",
            "Time from receiving a request to its response headers, per route template, method and status",
            self.durations.clone(),
        );
    }
}

/// The middleware: id, span, log line and latency of one request.
pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = match request.headers().get(&REQUEST_ID) {
        Some(given) if is_sane(given) => given.clone(),
        _ => {
            let new = new_request_id();
            // Handlers and anything they forward to see the same id.
            request.headers_mut().insert(REQUEST_ID, new.clone());
            new
        }
    };
    let method = method_label(request.method());
    let route = Route::of(&request);
    // The template, not the path: paths can hold magic-link tokens. Its own
    // target, so `RUST_LOG=info,reso::access=warn` keeps the ids on every
    // line of a request but drops the line per request.
    let span = tracing::info_span!(
        target: "reso::request",
        "request",
        request_id = id.to_str().unwrap_or_default(),
        method,
        route = route.as_str(),
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            target: "reso::access",
            status,
            latency_ms = elapsed.as_micros() as f64 / 1000.0,
            "finished"
        );
    });
    let labels = RequestLabels {
        method,
        route,
        status,
    };
    metrics
        .requests
        .durations
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// Short and visible ASCII: safe to echo, to log and to use as a label.
fn is_sane(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    (1..=MAX_REQUEST_ID).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_graphic)
}

fn new_request_id() -> HeaderValue {
    let id = format!("{:016x}", rand::random::<u64>());
    HeaderValue::try_from(id).expect("hex digits are a valid header value")
}

/// The standard methods by name; anything else is one label, so a client
/// inventing methods cannot create series.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_visible_ids_are_taken() {
        assert!(is_sane(&HeaderValue::from_static("abc-123_XYZ")));
        assert!(is_sane(&HeaderValue::from_static(
            "0f8fad5b-d9cb-469f-a165-70867728950e"
        )));
        assert!(!is_sane(&HeaderValue::from_static("")));
        assert!(!is_sane(&HeaderValue::from_static("has space")));
        assert!(!is_sane(&HeaderValue::from_str(&"a".repeat(65)).unwrap()));
        assert!(!is_sane(&HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()));
    }

    #[test]
    fn new_ids_are_sane_and_differ() {
        let (a, b) = (new_request_id(), new_request_id());
        assert!(is_sane(&a) && is_sane(&b));
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
