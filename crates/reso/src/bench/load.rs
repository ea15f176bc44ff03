//! The load generator: many clients, each sending its next request as soon as
//! the previous one answered, for a fixed time; and the buyer return request
//! they send to a server over HTTP.

use super::data::{Dataset, Pending};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one request of a class took, or that it failed.
pub type Sent = (usize, Result<Duration, ()>);

/// Latencies and failures per class of request over one timed run.
pub struct Outcome {
    pub elapsed: Duration,
    pub latencies: Vec<Vec<Duration>>,
    pub errors: Vec<usize>,
}

/// Runs `clients` concurrent clients for `duration`. Each client gets its own
/// state from `new_client` (its own keep-alive connection, for HTTP) and calls
/// `send` with it and a run-wide sequence number; `send` says which of
/// `classes` the request was and how it went.
pub async fn drive<S, F, Fut>(
    clients: usize,
    duration: Duration,
    classes: usize,
    new_client: impl Fn() -> S,
    send: F,
) -> anyhow::Result<Outcome>
where
    S: Send + 'static,
    F: Fn(&mut S, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Sent> + Send,
{
    let send = Arc::new(send);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (mut client, send, next) = (new_client(), send.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = vec![Vec::new(); classes];
            let mut errors = vec![0usize; classes];
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                match send(&mut client, i).await {
                    (class, Ok(took)) => latencies[class].push(took),
                    (class, Err(())) => errors[class] += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut outcome = Outcome {
        elapsed: Duration::ZERO,
        latencies: vec![Vec::new(); classes],
        errors: vec![0; classes],
    };
    for task in tasks {
        let (latencies, errors) = task.await?;
        for (class, l) in latencies.into_iter().enumerate() {
            outcome.latencies[class].extend(l);
            outcome.errors[class] += errors[class];
        }
    }
    outcome.elapsed = start.elapsed();
    Ok(outcome)
}

/// A client with its own connection pool: keep-alive, one connection per
/// client as a browser or a shop's backend would hold.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client without TLS settings always builds")
}

/// `POST /api/v1/orders/{number}/returns`, one item of one line, for order
/// `i` of the dataset. Returns the new return, for staff to act on later.
pub async fn request_return(
    http: &reqwest::Client,
    base: &str,
    data: &Dataset,
    i: usize,
) -> Result<Pending, ()> {
    let (shop_index, order) = data.order(i);
    let shop = &data.shops[shop_index];
    let body = serde_json::json!({
        "lines": [{ "sku": data.sku(i), "quantity": 1, "reason": "too_small" }],
        "comment": "bench",
    });
    let res = http
        .post(format!("{base}/api/v1/orders/{}/returns", order.number))
        .bearer_auth(&shop.api_key)
        .json(&body)
        .send()
        .await
        .map_err(|_| ())?;
    if res.status() != reqwest::StatusCode::CREATED {
        return Err(());
    }
    let created: serde_json::Value = res.json().await.map_err(|_| ())?;
    Pending::from_json(shop_index, &created).ok_or(())
}

/// Buyer return requests through the HTTP API of the server at `base`.
pub async fn return_requests(
    base: &str,
    data: &Arc<Dataset>,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let (base, data) = (Arc::new(base.to_string()), data.clone());
    drive(clients, duration, 1, http_client, move |http, i| {
        let (http, base, data) = (http.clone(), base.clone(), data.clone());
        async move {
            let began = Instant::now();
            let sent = request_return(&http, &base, &data, i).await;
            (0, sent.map(|_| began.elapsed()))
        }
    })
    .await
}
