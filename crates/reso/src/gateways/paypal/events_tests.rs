use super::*;
use reso_domain::Currency;
use serde_json::{json, Value};

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap())
}

fn event(event_type: &str, resource_type: &str, resource: Value) -> Vec<u8> {
    json!({
        "id": "WH-2WR32451HC0233532-67976317FL4543714",
        "event_version": "1.0",
        "create_time": "2026-03-02T10:15:00.123Z",
        "resource_type": resource_type,
        "resource_version": "2.0",
        "event_type": event_type,
        "summary": "something happened",
        "resource": resource,
        "links": []
    })
    .to_string()
    .into_bytes()
}

fn refund_resource(status: &str) -> Value {
    json!({
        "id": "1JU08902781691411",
        "amount": {"value": "12.50", "currency_code": "EUR"},
        "status": status,
        "custom_id": "reso-refund-42",
        "create_time": "2026-03-02T10:14:58Z",
        "links": [
            {"href": "https://api-m.paypal.com/v2/payments/refunds/1JU08902781691411", "rel": "self", "method": "GET"},
            {"href": "https://api-m.paypal.com/v2/payments/captures/2GG279541U471931P", "rel": "up", "method": "GET"}
        ]
    })
}

fn only(body: &[u8]) -> ProviderNotification {
    let mut all = parse_notification(body).unwrap();
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn dispute_resource(status: &str, stage: &str, outcome: Option<&str>) -> Value {
    let mut d = json!({
        "dispute_id": "PP-D-27803",
        "create_time": "2026-03-02T10:00:00.000Z",
        "update_time": "2026-03-02T10:15:00.000Z",
        "disputed_transactions": [
            {"seller_transaction_id": "2GG279541U471931P", "buyer_transaction_id": "5TY05013RG002845M"}
        ],
        "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        "status": status,
        "dispute_amount": {"currency_code": "EUR", "value": "49.00"},
        "seller_response_due_date": "2026-03-12T10:00:00.000Z",
        "dispute_life_cycle_stage": stage,
        "dispute_channel": "INTERNAL"
    });
    if let Some(code) = outcome {
        d["dispute_outcome"] = json!({"outcome_code": code});
    }
    d
}

#[test]
fn a_completed_refund_event_names_refund_capture_and_reso_reference() {
    let n = only(&event(
        "PAYMENT.CAPTURE.REFUNDED",
        "refund",
        refund_resource("COMPLETED"),
    ));
    assert_eq!(n.notification_id, "WH-2WR32451HC0233532-67976317FL4543714");
    assert_eq!(n.occurred_at, Timestamp(1_772_446_500_123));
    assert_eq!(
        n.subject,
        Subject::Refund(RefundNews {
            gateway_refund_id: "1JU08902781691411".into(),
            payment_reference: "2GG279541U471931P".into(),
            reso_reference: Some("reso-refund-42".into()),
            amount: eur(1_250),
            state: RefundState::Succeeded,
        })
    );
}

#[test]
fn a_refund_event_carries_the_refunds_status() {
    let pending = only(&event(
        "PAYMENT.CAPTURE.REFUNDED",
        "refund",
        refund_resource("PENDING"),
    ));
    assert!(matches!(
        pending.subject,
        Subject::Refund(RefundNews {
            state: RefundState::Pending,
            ..
        })
    ));
    let mut failed = refund_resource("FAILED");
    failed["status_details"] = json!({"reason": "ECHECK"});
    let failed = only(&event("PAYMENT.CAPTURE.REFUNDED", "refund", failed));
    let Subject::Refund(news) = failed.subject else {
        panic!("a refund")
    };
    assert_eq!(
        news.state,
        RefundState::Failed {
            reason: "PayPal reports the refund FAILED: ECHECK".into()
        }
    );
}

#[test]
fn a_dashboard_refund_has_no_reso_reference() {
    let mut resource = refund_resource("COMPLETED");
    resource["custom_id"] = json!("ORDER-1001");
    resource["invoice_id"] = json!("INV-7");
    let n = only(&event("PAYMENT.CAPTURE.REFUNDED", "refund", resource));
    let Subject::Refund(news) = n.subject else {
        panic!("a refund")
    };
    assert_eq!(news.reso_reference, None);
}

#[test]
fn a_reversal_by_paypal_is_a_refund_reso_did_not_make() {
    let mut resource = refund_resource("COMPLETED");
    resource.as_object_mut().unwrap().remove("custom_id");
    resource["amount"] = json!({"value": "-49.00", "currency_code": "EUR"});
    let n = only(&event("PAYMENT.CAPTURE.REVERSED", "refund", resource));
    let Subject::Refund(news) = n.subject else {
        panic!("a refund")
    };
    assert_eq!(news.state, RefundState::Succeeded);
    assert_eq!(news.reso_reference, None);
    assert_eq!(news.amount, eur(4_900));
    assert_eq!(news.payment_reference, "2GG279541U471931P");

    // Reported on the capture itself, the reversal is named after it.
    let capture = json!({
        "id": "2GG279541U471931P",
        "amount": {"value": "49.00", "currency_code": "EUR"},
        "status": "REVERSED"
    });
    let n = only(&event("PAYMENT.CAPTURE.REVERSED", "capture", capture));
    let Subject::Refund(news) = n.subject else {
        panic!("a refund")
    };
    assert_eq!(news.gateway_refund_id, "2GG279541U471931P-reversal");
    assert_eq!(news.payment_reference, "2GG279541U471931P");
}

#[test]
fn a_new_dispute_waits_for_the_merchant_until_the_due_date() {
    let n = only(&event(
        "CUSTOMER.DISPUTE.CREATED",
        "dispute",
        dispute_resource("WAITING_FOR_SELLER_RESPONSE", "INQUIRY", None),
    ));
    assert_eq!(
        n.subject,
        Subject::Dispute(DisputeNews {
            dispute_id: "PP-D-27803".into(),
            payment_reference: "2GG279541U471931P".into(),
            amount: eur(4_900),
            reason_code: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED".into(),
            stage: DisputeStage::Inquiry,
            respond_by: Some(Timestamp(1_773_309_600_000)),
            state: DisputeState::NeedsResponse,
        })
    );
}

#[test]
fn an_updated_dispute_reports_its_stage_and_review() {
    for (stage, expected) in [
        ("CHARGEBACK", DisputeStage::Chargeback),
        ("PRE_ARBITRATION", DisputeStage::PreArbitration),
        ("ARBITRATION", DisputeStage::Arbitration),
    ] {
        let n = only(&event(
            "CUSTOMER.DISPUTE.UPDATED",
            "dispute",
            dispute_resource("UNDER_REVIEW", stage, None),
        ));
        let Subject::Dispute(news) = n.subject else {
            panic!("a dispute")
        };
        assert_eq!(news.stage, expected);
        assert_eq!(news.state, DisputeState::UnderReview);
    }
}

#[test]
fn a_resolved_dispute_is_won_or_lost_by_its_outcome() {
    for (code, expected) in [
        ("RESOLVED_SELLER_FAVOUR", DisputeState::Won),
        ("RESOLVED_BUYER_FAVOUR", DisputeState::Lost),
        ("CANCELED_BY_BUYER", DisputeState::Won),
        ("ACCEPTED", DisputeState::Lost),
    ] {
        let n = only(&event(
            "CUSTOMER.DISPUTE.RESOLVED",
            "dispute",
            dispute_resource("RESOLVED", "CHARGEBACK", Some(code)),
        ));
        let Subject::Dispute(news) = n.subject else {
            panic!("a dispute")
        };
        assert_eq!(news.state, expected, "{code}");
    }
    let mut refunded = dispute_resource("RESOLVED", "INQUIRY", Some("NONE"));
    refunded["dispute_outcome"]["amount_refunded"] =
        json!({"currency_code": "EUR", "value": "49.00"});
    let n = only(&event("CUSTOMER.DISPUTE.RESOLVED", "dispute", refunded));
    let Subject::Dispute(news) = n.subject else {
        panic!("a dispute")
    };
    assert_eq!(news.state, DisputeState::Lost);
}

#[test]
fn events_reso_does_not_act_on_are_read_as_nothing() {
    let body = event(
        "PAYMENT.CAPTURE.COMPLETED",
        "capture",
        json!({"id": "2GG279541U471931P"}),
    );
    assert_eq!(parse_notification(&body).unwrap(), vec![]);
}

#[test]
fn a_body_that_is_not_an_event_is_unparseable() {
    for body in [
        &b"not json"[..],
        br#"{"event_type": "PAYMENT.CAPTURE.REFUNDED"}"#,
        br#"[1, 2]"#,
    ] {
        assert!(matches!(
            parse_notification(body),
            Err(Rejection::Unparseable(_))
        ));
    }
}

#[test]
fn a_known_event_with_a_broken_resource_is_unparseable() {
    let mut no_amount = refund_resource("COMPLETED");
    no_amount.as_object_mut().unwrap().remove("amount");
    let mut bad_amount = refund_resource("COMPLETED");
    bad_amount["amount"]["value"] = json!("12,50");
    let mut bad_due = dispute_resource("OPEN", "INQUIRY", None);
    bad_due["seller_response_due_date"] = json!("next week");
    for body in [
        event("PAYMENT.CAPTURE.REFUNDED", "refund", no_amount),
        event("PAYMENT.CAPTURE.REFUNDED", "refund", bad_amount),
        event(
            "CUSTOMER.DISPUTE.CREATED",
            "dispute",
            json!({"dispute_id": "PP-D-1"}),
        ),
        event("CUSTOMER.DISPUTE.UPDATED", "dispute", bad_due),
    ] {
        assert!(matches!(
            parse_notification(&body),
            Err(Rejection::Unparseable(_))
        ));
    }
    let mut no_time: Value = serde_json::from_slice(&event(
        "PAYMENT.CAPTURE.REFUNDED",
        "refund",
        refund_resource("COMPLETED"),
    ))
    .unwrap();
    no_time.as_object_mut().unwrap().remove("create_time");
    assert!(matches!(
        parse_notification(no_time.to_string().as_bytes()),
        Err(Rejection::Unparseable(_))
    ));
}

/// The most negative amount PayPal's format can carry has no positive
/// counterpart: refused, not a panic (an amount the fuzzer reached once
/// `from_paypal` read it).
#[test]
fn a_reversal_of_the_most_negative_amount_is_refused() {
    let mut resource = refund_resource("COMPLETED");
    resource["amount"] = json!({"value": "-92233720368547758.08", "currency_code": "EUR"});
    let body = event("PAYMENT.CAPTURE.REVERSED", "refund", resource);
    assert!(matches!(
        parse_notification(&body),
        Err(Rejection::Unparseable(_))
    ));
}
