//! "Manual": the shop pays the money back itself (bank transfer, cash) and
//! records it in Reso. `app::refunds` settles such refunds when they are
//! issued, so the worker never calls this; it exists so that every gateway
//! name a payment can carry has an adapter that gives a sensible answer.

use super::{Gateway, GatewayAnswer, GatewayFuture, RefundRequest};

pub struct Manual;

impl Gateway for Manual {
    fn refund<'a>(&'a self, request: &'a RefundRequest) -> GatewayFuture<'a> {
        let gateway_refund_id = format!("manual-{}", request.refund_id);
        Box::pin(async move { Ok(GatewayAnswer::Succeeded { gateway_refund_id }) })
    }

    fn status<'a>(&'a self, gateway_refund_id: &'a str) -> GatewayFuture<'a> {
        Box::pin(async move {
            Ok(GatewayAnswer::Succeeded {
                gateway_refund_id: gateway_refund_id.to_string(),
            })
        })
    }
}
