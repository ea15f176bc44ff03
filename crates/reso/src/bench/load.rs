//! Buyer return requests through the real HTTP API, from many clients at once.

use super::Figure;
use crate::store::merchants::Merchant;
use crate::{app, server, AppState};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub async fn return_requests(
    state: AppState,
    merchant: &Merchant,
    clients: usize,
    orders: usize,
    duration: Duration,
) -> anyhow::Result<Figure> {
    let key = app::auth::create_api_key(&state, merchant.id, "bench").await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, server::router(state)).await });
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (base, key, next) = (base.clone(), key.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let body = serde_json::json!({
                    "lines": [{ "sku": if i % 2 == 0 { "SHIRT" } else { "SOCKS" }, "quantity": 1, "reason": "too_small" }],
                    "comment": "bench",
                });
                let began = Instant::now();
                let res = http
                    .post(format!("{base}/api/v1/orders/B{:06}/returns", i % orders))
                    .bearer_auth(&key)
                    .json(&body)
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        let _ = r.bytes().await;
                        latencies.push(began.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    server.abort();
    Ok(Figure::from_latencies(
        "return request via HTTP API",
        clients,
        elapsed,
        latencies,
        errors,
    ))
}
