//! A mixed day: 70 % reads (control-center and buyer pages, API lists), 20 %
//! buyer return requests and 10 % staff moving returns on (authorize,
//! receive, inspect, refund), from many clients at once.

use super::data::{Dataset, Pending};
use super::load::{drive, http_client, request_return, Outcome};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The classes of request, in the order of `Outcome`'s vectors, with their
/// share of the day in twentieths.
pub const CLASSES: [(&str, usize); 4] = [
    ("page reads", 7),
    ("API lists", 7),
    ("return requests", 4),
    ("staff actions", 2),
];
const PAGE: usize = 0;
const LIST: usize = 1;
const RETURN: usize = 2;

/// Returns waiting for a staff action, shared by all clients: each is held by
/// one client at a time and goes back with its new status.
type Work = Arc<Mutex<VecDeque<Pending>>>;

fn class_of(i: usize) -> usize {
    let mut slot = i % 20;
    for (class, (_, share)) in CLASSES.iter().enumerate() {
        if slot < *share {
            return class;
        }
        slot -= share;
    }
    unreachable!("the shares add up to 20")
}

pub async fn run(
    base: &str,
    data: &Arc<Dataset>,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let work: Work = Arc::new(Mutex::new(
        data.shops
            .iter()
            .flat_map(|s| s.open_returns.iter().cloned())
            .collect(),
    ));
    let (base, data) = (Arc::new(base.to_string()), data.clone());
    drive(
        clients,
        duration,
        CLASSES.len(),
        http_client,
        move |http, i| {
            let (http, base, data, work) = (http.clone(), base.clone(), data.clone(), work.clone());
            async move {
                let class = class_of(i);
                let began = Instant::now();
                let done = match class {
                    PAGE => read_page(&http, &base, &data, i).await,
                    LIST => list(&http, &base, &data, i).await,
                    RETURN => match request_return(&http, &base, &data, i).await {
                        Ok(created) => {
                            hand_over(&work, created);
                            Ok(())
                        }
                        Err(()) => Err(()),
                    },
                    // The last class: staff actions.
                    _ => staff_action(&http, &base, &data, &work).await,
                };
                (class, done.map(|()| began.elapsed()))
            }
        },
    )
    .await
}

async fn expect_ok(req: reqwest::RequestBuilder) -> Result<reqwest::Response, ()> {
    let res = req.send().await.map_err(|_| ())?;
    if res.status().is_success() {
        Ok(res)
    } else {
        Err(())
    }
}

/// The staff's returns queue in the control center, or a buyer's order page.
async fn read_page(http: &reqwest::Client, base: &str, data: &Dataset, i: usize) -> Result<(), ()> {
    let (shop_index, order) = data.order(i);
    let shop = &data.shops[shop_index];
    let req = if (i / data.shops.len()).is_multiple_of(2) {
        http.get(format!("{base}/admin/returns")).header(
            reqwest::header::COOKIE,
            format!("reso_session={}", shop.session),
        )
    } else {
        http.get(format!(
            "{base}/s/{}/o/{}",
            shop.merchant.slug, order.buyer_token
        ))
    };
    expect_ok(req).await?.bytes().await.map_err(|_| ())?;
    Ok(())
}

/// A page of the returns queue or of the orders, through the API.
async fn list(http: &reqwest::Client, base: &str, data: &Dataset, i: usize) -> Result<(), ()> {
    let shop = &data.shops[i % data.shops.len()];
    let what = if (i / data.shops.len()).is_multiple_of(2) {
        "returns"
    } else {
        "orders"
    };
    let req = http
        .get(format!("{base}/api/v1/{what}?limit=50"))
        .bearer_auth(&shop.api_key);
    expect_ok(req).await?.bytes().await.map_err(|_| ())?;
    Ok(())
}

/// Queues a return for its next staff action, if it has one.
fn hand_over(work: &Work, r: Pending) {
    if matches!(
        r.status.as_str(),
        "requested" | "authorized" | "in_transit" | "received" | "inspected"
    ) {
        work.lock()
            .expect("no client panics holding it")
            .push_back(r);
    }
}

/// The next step of the oldest waiting return, through the API.
async fn staff_action(
    http: &reqwest::Client,
    base: &str,
    data: &Dataset,
    work: &Work,
) -> Result<(), ()> {
    let next = work
        .lock()
        .expect("no client panics holding it")
        .pop_front();
    // Fewer waiting returns than staff: counted as a failed action.
    let r = next.ok_or(())?;
    let shop = &data.shops[r.shop];
    let step = match r.status.as_str() {
        "requested" => "authorize",
        "authorized" | "in_transit" => "receive",
        "received" => "inspect",
        _ => "refund",
    };
    let mut req = http
        .post(format!("{base}/api/v1/returns/{}/{step}", r.id))
        .bearer_auth(&shop.api_key);
    match step {
        "inspect" => {
            let lines: Vec<_> = r
                .lines
                .iter()
                .map(|(line, quantity)| {
                    serde_json::json!({ "order_line_id": line, "accepted_quantity": quantity, "condition": "as new" })
                })
                .collect();
            req = req.json(&serde_json::json!({ "lines": lines }));
        }
        "refund" => {
            req = req.header("Idempotency-Key", format!("bench-refund-{}", r.id));
        }
        _ => {}
    }
    let res = expect_ok(req).await?;
    if step == "refund" {
        res.bytes().await.map_err(|_| ())?;
    } else {
        let moved: serde_json::Value = res.json().await.map_err(|_| ())?;
        hand_over(work, Pending::from_json(r.shop, &moved).ok_or(())?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_take_their_share_of_the_day() {
        let mut counts = [0usize; 4];
        for i in 0..2_000 {
            counts[class_of(i)] += 1;
        }
        assert_eq!(counts, [700, 700, 400, 200]);
    }
}
