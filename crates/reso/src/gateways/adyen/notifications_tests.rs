use super::*;
use reso_domain::Currency;
use serde_json::json;

/// Adyen's published HMAC example: key, item and signature as in its
/// webhook documentation and its API libraries' tests.
const EXAMPLE_KEY: &str = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const EXAMPLE_SIGNATURE: &str = "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0=";

const NOW: i64 = 1_772_445_600_000; // 2026-03-02T10:00:00Z

fn account() -> AdyenAccount {
    AdyenAccount {
        base_url: "https://checkout-test.adyen.com/v72".into(),
        api_key: "AQE-test".into(),
        merchant_account: "ShopNL".into(),
        hmac_key: EXAMPLE_KEY.into(),
    }
}

fn example_item() -> Value {
    json!({
        "additionalData": {"hmacSignature": EXAMPLE_SIGNATURE},
        "amount": {"value": 1130, "currency": "EUR"},
        "pspReference": "7914073381342284",
        "eventCode": "AUTHORISATION",
        "eventDate": "2019-05-06T17:15:34.121+02:00",
        "merchantAccountCode": "TestMerchant",
        "merchantReference": "TestPayment-1407325143704",
        "paymentMethod": "visa",
        "success": "true"
    })
}

fn batch(items: &[Value]) -> Vec<u8> {
    let items: Vec<Value> = items
        .iter()
        .map(|i| json!({"NotificationRequestItem": i}))
        .collect();
    serde_json::to_vec(&json!({"live": "false", "notificationItems": items})).unwrap()
}

fn verify(body: &[u8]) -> Result<Vec<ProviderNotification>, Rejection> {
    verify_notification(
        &account(),
        &HeaderMap::new(),
        body,
        Timestamp::from_millis(NOW),
    )
}

/// An item of `event` for ShopNL, signed with the account's key.
fn item(event: &str, success: &str, additional: Value) -> Value {
    let mut item = json!({
        "additionalData": additional,
        "amount": {"currency": "EUR", "value": 2500},
        "eventCode": event,
        "eventDate": "2026-03-01T09:30:00+01:00",
        "merchantAccountCode": "ShopNL",
        "merchantReference": "reso-refund-41",
        "originalReference": "NC6HT9CRT65ZGN82",
        "paymentMethod": "klarna",
        "pspReference": "JDD6LKT8MBLZNN84",
        "reason": "",
        "success": success
    });
    signed(&mut item);
    item
}

fn signed(item: &mut Value) {
    let signature = sign_item(EXAMPLE_KEY, item).unwrap();
    item["additionalData"]["hmacSignature"] = Value::String(signature);
}

fn one(item: Value) -> Option<ProviderNotification> {
    let mut news = verify(&batch(&[item])).unwrap();
    assert!(news.len() <= 1);
    news.pop()
}

fn refund_state(item: Value) -> RefundState {
    match one(item).map(|n| n.subject) {
        Some(Subject::Refund(news)) => news.state,
        other => panic!("expected refund news, got {other:?}"),
    }
}

fn dispute(item: Value) -> DisputeNews {
    match one(item).map(|n| n.subject) {
        Some(Subject::Dispute(news)) => news,
        other => panic!("expected dispute news, got {other:?}"),
    }
}

#[test]
fn adyens_published_example_signs_and_verifies() {
    assert_eq!(
        sign_item(EXAMPLE_KEY, &example_item()).unwrap(),
        EXAMPLE_SIGNATURE
    );
    let example = AdyenAccount {
        merchant_account: "TestMerchant".into(),
        ..account()
    };
    let body = batch(&[example_item()]);
    let now = Timestamp::from_millis(NOW);
    // Valid, and an authorisation is nothing Reso acts on.
    assert_eq!(
        verify_notification(&example, &HeaderMap::new(), &body, now),
        Ok(vec![])
    );
    let mut tampered = example_item();
    tampered["amount"]["value"] = json!(1131);
    assert_eq!(
        verify_notification(&example, &HeaderMap::new(), &batch(&[tampered]), now),
        Err(Rejection::BadSignature)
    );
}

#[test]
fn missing_and_wrong_signatures_are_refused() {
    let mut unsigned = item("REFUND", "true", json!({}));
    unsigned["additionalData"] = json!({});
    assert_eq!(
        verify(&batch(&[unsigned])),
        Err(Rejection::MissingSignature)
    );

    let mut no_data = item("REFUND", "true", json!({}));
    no_data.as_object_mut().unwrap().remove("additionalData");
    assert_eq!(verify(&batch(&[no_data])), Err(Rejection::MissingSignature));

    let mut garbage = item("REFUND", "true", json!({}));
    garbage["additionalData"]["hmacSignature"] = json!("not base64 at all!");
    assert_eq!(verify(&batch(&[garbage])), Err(Rejection::BadSignature));

    let other_key = AdyenAccount {
        hmac_key: "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF".into(),
        ..account()
    };
    let body = batch(&[item("REFUND", "true", json!({}))]);
    assert_eq!(
        verify_notification(
            &other_key,
            &HeaderMap::new(),
            &body,
            Timestamp::from_millis(NOW)
        ),
        Err(Rejection::BadSignature)
    );
}

#[test]
fn a_forged_item_refuses_the_whole_batch() {
    let genuine = item("REFUND", "true", json!({}));
    let mut forged = item("REFUND", "true", json!({}));
    forged["pspReference"] = json!("FORGEDFORGED0000");
    forged["amount"]["value"] = json!(999_999);
    assert_eq!(
        verify(&batch(&[genuine, forged])),
        Err(Rejection::BadSignature)
    );
}

#[test]
fn an_item_for_another_merchant_account_is_refused() {
    let mut elsewhere = item("REFUND", "true", json!({}));
    elsewhere["merchantAccountCode"] = json!("OtherShop");
    signed(&mut elsewhere);
    assert!(matches!(
        verify(&batch(&[elsewhere])),
        Err(Rejection::Unparseable(m)) if m.contains("OtherShop")
    ));
}

#[test]
fn bodies_that_do_not_parse_are_refused() {
    assert!(matches!(
        verify(b"not json"),
        Err(Rejection::Unparseable(_))
    ));
    assert!(matches!(
        verify(b"{\"live\":\"false\"}"),
        Err(Rejection::Unparseable(_))
    ));
    let mut no_amount = item("REFUND", "true", json!({}));
    no_amount.as_object_mut().unwrap().remove("amount");
    assert!(matches!(
        verify(&batch(&[no_amount])),
        Err(Rejection::Unparseable(_))
    ));
    let mut bad_date = item("REFUND", "true", json!({}));
    bad_date["eventDate"] = json!("yesterday");
    assert!(matches!(
        verify(&batch(&[bad_date])),
        Err(Rejection::Unparseable(_))
    ));
}

#[test]
fn a_refund_notification_reports_the_refund() {
    let news = one(item("REFUND", "true", json!({}))).unwrap();
    assert_eq!(news.notification_id, "JDD6LKT8MBLZNN84:REFUND:true");
    // 2026-03-01T09:30:00+01:00
    assert_eq!(news.occurred_at, Timestamp::from_millis(1_772_353_800_000));
    assert_eq!(
        news.subject,
        Subject::Refund(RefundNews {
            gateway_refund_id: "JDD6LKT8MBLZNN84".into(),
            payment_reference: "NC6HT9CRT65ZGN82".into(),
            reso_reference: Some("reso-refund-41".into()),
            amount: Money::new(2500, Currency::parse("EUR").unwrap()),
            state: RefundState::Succeeded,
        })
    );
}

#[test]
fn refund_event_codes_map_to_refund_states() {
    let mut refused = item("REFUND", "false", json!({}));
    refused["reason"] = json!("Transaction hasn't been captured, refund not possible");
    signed(&mut refused);
    assert_eq!(
        refund_state(refused),
        RefundState::Failed {
            reason: "Transaction hasn't been captured, refund not possible".into()
        }
    );
    assert!(matches!(
        refund_state(item("REFUND_FAILED", "true", json!({}))),
        RefundState::Failed { .. }
    ));
    assert!(matches!(
        refund_state(item("REFUNDED_REVERSED", "true", json!({}))),
        RefundState::Reversed { .. }
    ));
    assert_eq!(
        refund_state(item(
            "CANCEL_OR_REFUND",
            "true",
            json!({"modification.action": "refund"})
        )),
        RefundState::Succeeded
    );
    assert!(matches!(
        refund_state(item(
            "CANCEL_OR_REFUND",
            "false",
            json!({"modification.action": "refund"})
        )),
        RefundState::Failed { .. }
    ));
    assert_eq!(
        refund_state(item("POSTPONED_REFUND", "true", json!({}))),
        RefundState::Pending
    );
    // A cancelled (never captured) payment refunded nothing.
    assert_eq!(
        one(item(
            "CANCEL_OR_REFUND",
            "true",
            json!({"modification.action": "cancel"})
        )),
        None
    );
}

#[test]
fn a_refund_made_in_adyens_customer_area_carries_no_reso_reference() {
    let mut manual = item("REFUND", "true", json!({}));
    manual["merchantReference"] = json!("ORDER-1042");
    signed(&mut manual);
    match one(manual).unwrap().subject {
        Subject::Refund(news) => assert_eq!(news.reso_reference, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn chargebacks_carry_reason_code_and_defense_deadline() {
    let news = dispute(item(
        "CHARGEBACK",
        "true",
        json!({"chargebackReasonCode": " 4853", "defendable": "true",
               "defensePeriodEndsAt": "2026-03-20T03:03:07+02:00", "chargebackSchemeCode": "mc"}),
    ));
    assert_eq!(
        news,
        DisputeNews {
            dispute_id: "JDD6LKT8MBLZNN84".into(),
            payment_reference: "NC6HT9CRT65ZGN82".into(),
            amount: Money::new(2500, Currency::parse("EUR").unwrap()),
            reason_code: "4853".into(),
            stage: DisputeStage::Chargeback,
            // 2026-03-20T01:03:07Z
            respond_by: Some(Timestamp::from_millis(1_773_968_587_000)),
            state: DisputeState::NeedsResponse,
        }
    );
}

#[test]
fn dispute_event_codes_map_to_stage_and_state() {
    use DisputeStage::*;
    use DisputeState::*;
    let cases: &[(&str, Value, DisputeStage, DisputeState)] = &[
        (
            "NOTIFICATION_OF_CHARGEBACK",
            json!({}),
            Inquiry,
            NeedsResponse,
        ),
        (
            "NOTIFICATION_OF_CHARGEBACK",
            json!({"autoDefended": "true", "defendable": "false"}),
            Inquiry,
            UnderReview,
        ),
        (
            "REQUEST_FOR_INFORMATION",
            json!({"rfiReasonCode": "33"}),
            Inquiry,
            NeedsResponse,
        ),
        (
            "CHARGEBACK",
            json!({"defendable": "true"}),
            Chargeback,
            NeedsResponse,
        ),
        (
            "CHARGEBACK",
            json!({"defendable": "false"}),
            Chargeback,
            Lost,
        ),
        (
            "SECOND_CHARGEBACK",
            json!({"chargebackReasonCode": "502"}),
            SecondChargeback,
            NeedsResponse,
        ),
        (
            "PREARBITRATION_OPEN",
            json!({}),
            PreArbitration,
            NeedsResponse,
        ),
        ("CHARGEBACK_REVERSED", json!({}), Chargeback, Won),
        (
            "INFORMATION_SUPPLIED",
            json!({"chargebackReasonCode": "13.3", "disputeStatus": "Pending"}),
            Chargeback,
            UnderReview,
        ),
        (
            "INFORMATION_SUPPLIED",
            json!({"rfiReasonCode": "33"}),
            Inquiry,
            UnderReview,
        ),
        (
            "ISSUER_RESPONSE_TIMEFRAME_EXPIRED",
            json!({"disputeStatus": "Won"}),
            Chargeback,
            Won,
        ),
        (
            "ISSUER_RESPONSE_TIMEFRAME_EXPIRED",
            json!({}),
            Chargeback,
            Won,
        ),
        (
            "DISPUTE_DEFENSE_PERIOD_ENDED",
            json!({"disputeStatus": "Lost"}),
            Chargeback,
            Lost,
        ),
        ("DISPUTE_DEFENSE_PERIOD_ENDED", json!({}), Chargeback, Lost),
        ("PREARBITRATION_WON", json!({}), PreArbitration, Won),
        (
            "PREARBITRATION_ISSUER_WITHDRAWN",
            json!({}),
            PreArbitration,
            Won,
        ),
        ("PREARBITRATION_LOST", json!({}), PreArbitration, Lost),
        ("SCHEME_ARBITRATION", json!({}), Arbitration, UnderReview),
        ("SCHEME_ARBITRATION_WON", json!({}), Arbitration, Won),
        ("SCHEME_ARBITRATION_LOST", json!({}), Arbitration, Lost),
    ];
    for (event, data, stage, state) in cases {
        let news = dispute(item(event, "true", data.clone()));
        assert_eq!((news.stage, news.state), (*stage, *state), "{event} {data}");
    }
}

#[test]
fn dispute_reason_falls_back_to_the_text_when_no_code_is_given() {
    let mut lost = item("PREARBITRATION_LOST", "true", json!({}));
    lost["reason"] = json!("Other Fraud-Card Absent Environment");
    signed(&mut lost);
    assert_eq!(
        dispute(lost).reason_code,
        "Other Fraud-Card Absent Environment"
    );
}

#[test]
fn events_reso_does_not_act_on_are_verified_and_ignored() {
    for event in [
        "AUTHORISATION",
        "CAPTURE",
        "NOTIFICATION_OF_FRAUD",
        "ISSUER_COMMENTS",
        "REPORT_AVAILABLE",
        "SOMETHING_NEW",
    ] {
        assert_eq!(one(item(event, "true", json!({}))), None, "{event}");
        let mut unsigned = item(event, "true", json!({}));
        unsigned["additionalData"] = json!({});
        assert_eq!(
            verify(&batch(&[unsigned])),
            Err(Rejection::MissingSignature),
            "{event}"
        );
    }
}

#[test]
fn each_item_of_a_batch_is_reported_with_its_own_id() {
    let news = verify(&batch(&[
        item("REFUND", "true", json!({})),
        item("REFUNDED_REVERSED", "true", json!({})),
    ]))
    .unwrap();
    let ids: Vec<&str> = news.iter().map(|n| n.notification_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "JDD6LKT8MBLZNN84:REFUND:true",
            "JDD6LKT8MBLZNN84:REFUNDED_REVERSED:true"
        ]
    );
}

#[test]
fn an_event_date_in_the_future_counts_as_now() {
    let mut ahead = item("REFUND", "true", json!({}));
    ahead["eventDate"] = json!("2030-01-01T00:00:00Z");
    signed(&mut ahead);
    assert_eq!(one(ahead).unwrap().occurred_at, Timestamp::from_millis(NOW));
}

#[test]
fn amounts_are_read_in_adyens_decimals() {
    let mut isk = item("REFUND", "true", json!({}));
    isk["amount"] = json!({"currency": "ISK", "value": 99000});
    signed(&mut isk);
    match one(isk).unwrap().subject {
        Subject::Refund(news) => {
            assert_eq!(
                news.amount,
                Money::new(990, Currency::parse("ISK").unwrap())
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn hmac_keys_are_hex() {
    assert_eq!(hmac_key_bytes("0aFF"), Ok(vec![0x0a, 0xff]));
    assert!(hmac_key_bytes("").is_err());
    assert!(hmac_key_bytes("abc").is_err());
    assert!(hmac_key_bytes("zz").is_err());
}
