//! A fake payment provider on a loopback port, for adapter tests. It records
//! every request, checks each against the provider's official specification
//! (a request the spec does not allow is answered 400 with the violations, and
//! kept in `spec_violations()`), and lets the test script faults per request:
//! a delay, an error status, or the connection dropped after the provider
//! accepted. What the provider does with a valid request (its refunds, its
//! idempotency) is the test's `Behaviour`, so this stays provider-neutral.

use super::provider_spec::ProviderSpec;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use axum::{Extension, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use reqwest::header::HeaderMap;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Empty when the request is what the spec allows.
    pub spec_errors: Vec<String>,
}

impl Recorded {
    /// The path without its query.
    pub fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(p, _)| p)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The form body as key/value pairs (`metadata[k]` stays one key).
    pub fn form(&self) -> Vec<(String, String)> {
        serde_urlencoded::from_bytes(&self.body).unwrap_or_default()
    }

    pub fn form_value(&self, key: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// What the fake answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// Extra headers (Klarna answers a refund with `Refund-Id` and `Location`).
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            headers: Vec::new(),
        }
    }

    /// An answer with no body, only a status and headers.
    pub fn empty(status: u16, headers: &[(&str, &str)]) -> Reply {
        Reply {
            status,
            body: String::new(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}

/// A fault for one request, taken in order by the requests that pass the
/// spec check.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this instead of the behaviour; the provider did nothing.
    Answer(Reply),
    /// The provider does the work, then answers only after this long.
    DelayAfterAccept(Duration),
    /// The provider does the work, then the connection drops unanswered.
    DropAfterAccept,
    /// The connection drops before the provider does anything.
    DropBeforeAccept,
}

/// How the provider answers a valid request when no fault is scripted.
pub type Behaviour = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

struct Shared {
    spec: ProviderSpec,
    behaviour: Behaviour,
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<Vec<Recorded>>,
}

pub struct FakeProvider {
    pub base_url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeProvider {
    /// Starts the fake on 127.0.0.1:0; it stops when dropped.
    pub async fn start(
        spec: ProviderSpec,
        behaviour: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> FakeProvider {
        let shared = Arc::new(Shared {
            spec,
            behaviour: Arc::new(behaviour),
            faults: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake provider");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let router = Router::new()
            .fallback(handle)
            .layer(Extension(shared.clone()));
        let server = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let hang_up = Arc::new(Notify::new());
                let service = TowerToHyperService::new(
                    router.clone().layer(Extension(HangUp(hang_up.clone()))),
                );
                connections.spawn(async move {
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    // Dropping the connection future closes the socket
                    // without an answer: the "provider accepted, then the
                    // network failed" case.
                    tokio::select! {
                        _ = connection => {}
                        _ = hang_up.notified() => {}
                    }
                });
            }
        });
        FakeProvider {
            base_url,
            shared,
            server,
        }
    }

    /// Scripts the fault for the next valid request not yet scripted.
    pub fn script(&self, fault: Fault) {
        self.shared.faults.lock().unwrap().push_back(fault);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Every spec violation seen so far, one line each.
    pub fn spec_violations(&self) -> Vec<String> {
        self.requests()
            .iter()
            .flat_map(|r| {
                r.spec_errors
                    .iter()
                    .map(move |e| format!("{} {}: {e}", r.method, r.path_and_query))
            })
            .collect()
    }

    /// Fails the test when any request broke the spec, or none was made.
    pub fn assert_requests_match_spec(&self) {
        assert!(
            !self.requests().is_empty(),
            "no request reached the fake provider"
        );
        let violations = self.spec_violations();
        assert!(
            violations.is_empty(),
            "requests the spec does not allow: {violations:#?}"
        );
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[derive(Clone)]
struct HangUp(Arc<Notify>);

async fn handle(
    Extension(shared): Extension<Arc<Shared>>,
    Extension(hang_up): Extension<HangUp>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_string(), |pq| pq.to_string());
    let spec_errors = match shared.spec.check(
        parts.method.as_str(),
        &path_and_query,
        &parts.headers,
        &body,
    ) {
        Ok(()) => Vec::new(),
        Err(errors) => errors,
    };
    let recorded = Recorded {
        method: parts.method.to_string(),
        path_and_query,
        headers: parts.headers,
        body: body.to_vec(),
        spec_errors: spec_errors.clone(),
    };
    shared.requests.lock().unwrap().push(recorded.clone());
    if !spec_errors.is_empty() {
        return reply(Reply::json(
            400,
            serde_json::json!({ "spec_violations": spec_errors }),
        ));
    }
    let fault = shared.faults.lock().unwrap().pop_front();
    match fault {
        None => reply((shared.behaviour)(&recorded)),
        Some(Fault::Answer(answer)) => reply(answer),
        Some(Fault::DelayAfterAccept(delay)) => {
            let answer = (shared.behaviour)(&recorded);
            tokio::time::sleep(delay).await;
            reply(answer)
        }
        Some(Fault::DropAfterAccept) => {
            (shared.behaviour)(&recorded);
            hang_up_now(hang_up).await
        }
        Some(Fault::DropBeforeAccept) => hang_up_now(hang_up).await,
    }
}

/// Closes this request's connection and never answers.
async fn hang_up_now(hang_up: HangUp) -> Response {
    hang_up.0.notify_one();
    std::future::pending().await
}

fn reply(answer: Reply) -> Response {
    let mut response = Response::builder().status(answer.status);
    if !answer.body.is_empty() {
        response = response.header("content-type", "application/json");
    }
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    response
        .body(Body::from(answer.body))
        .expect("a valid response")
}
