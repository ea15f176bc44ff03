//! Disputes (chargebacks, provider claims) as rows: one per dispute at a
//! provider account, holding the domain's `Dispute`.

use super::{StoreError, StoreResult};
use reso_domain::dispute::{Dispute, DisputeStage, DisputeState, MerchantResponse};
use reso_domain::{Currency, Money, Timestamp};
use sqlx::{AnyConnection, Row};

/// Where a dispute is stored: its row, the payment it is on, its claim.
pub struct StoredDispute {
    pub id: i64,
    pub account_id: i64,
    /// `stripe`, `paypal`, `adyen`: whose dispute it is.
    pub provider: String,
    /// The provider's id of the dispute.
    pub dispute_id: String,
    pub payment_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub dispute: Dispute,
    /// The merchant's statement and refusal, when the answer is evidence.
    pub statement: Option<String>,
    pub refund_refusal: Option<String>,
}

/// A dispute's columns, and its provider from the account it came through.
const SELECT: &str = "SELECT d.id, d.account_id, a.provider, d.dispute_id, d.payment_id, \
     d.claim_id, d.stage, d.state, d.amount_minor, d.currency, d.reason_code, d.respond_by, \
     d.response, d.reported_at, d.statement, d.refund_refusal \
     FROM disputes d JOIN provider_accounts a ON a.id = d.account_id";

pub async fn find(
    conn: &mut AnyConnection,
    account_id: i64,
    dispute_id: &str,
) -> StoreResult<Option<StoredDispute>> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE d.account_id = $1 AND d.dispute_id = $2"
    ))
    .bind(account_id)
    .bind(dispute_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The dispute behind a claim of the merchant, if the claim is one.
pub async fn of_claim(
    conn: &mut AnyConnection,
    merchant_id: i64,
    claim_id: i64,
) -> StoreResult<Option<StoredDispute>> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE d.claim_id = $1 AND d.merchant_id = $2"
    ))
    .bind(claim_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The dispute stored as row `id`.
pub async fn load(conn: &mut AnyConnection, id: i64) -> StoreResult<StoredDispute> {
    let row = sqlx::query(&format!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<StoredDispute> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("dispute: {what}"));
    let stage: String = r.try_get("stage")?;
    let state: String = r.try_get("state")?;
    let currency: String = r.try_get("currency")?;
    let response: Option<String> = r.try_get("response")?;
    Ok(StoredDispute {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        provider: r.try_get("provider")?,
        dispute_id: r.try_get("dispute_id")?,
        payment_id: r.try_get("payment_id")?,
        claim_id: r.try_get("claim_id")?,
        statement: r.try_get("statement")?,
        refund_refusal: r.try_get("refund_refusal")?,
        dispute: Dispute {
            stage: DisputeStage::parse(&stage).ok_or_else(|| corrupt(&stage))?,
            state: DisputeState::parse(&state).ok_or_else(|| corrupt(&state))?,
            amount: Money::new(
                r.try_get("amount_minor")?,
                Currency::parse(&currency).map_err(|_| corrupt(&currency))?,
            ),
            reason_code: r.try_get("reason_code")?,
            respond_by: r.try_get::<Option<i64>, _>("respond_by")?.map(Timestamp),
            response: response
                .map(|c| MerchantResponse::parse(&c).ok_or_else(|| corrupt(&c)))
                .transpose()?,
            reported_at: Timestamp(r.try_get("reported_at")?),
        },
    })
}

/// Links a dispute to the claim it became.
pub async fn link_claim(conn: &mut AnyConnection, id: i64, claim_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE disputes SET claim_id = $2 WHERE id = $1")
        .bind(id)
        .bind(claim_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the merchant's answer for the worker to send: the words, and the
/// evidence as built then (JSON), or none of them once the answer is refused.
pub async fn keep_answer(
    conn: &mut AnyConnection,
    id: i64,
    statement: Option<&str>,
    refund_refusal: Option<&str>,
    evidence: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE disputes SET statement = $2, refund_refusal = $3, evidence = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(statement)
    .bind(refund_refusal)
    .bind(evidence)
    .execute(conn)
    .await?;
    Ok(())
}

/// The evidence kept with the merchant's answer (JSON), if any.
pub async fn evidence_of(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT evidence FROM disputes WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}

pub struct NewDispute<'a> {
    pub merchant_id: i64,
    pub account_id: i64,
    pub dispute_id: &'a str,
    pub payment_id: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewDispute<'_>,
    d: &Dispute,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO disputes (merchant_id, account_id, dispute_id, payment_id, stage, state, \
         amount_minor, currency, reason_code, respond_by, response, reported_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(new.merchant_id)
    .bind(new.account_id)
    .bind(new.dispute_id)
    .bind(new.payment_id)
    .bind(d.stage.code())
    .bind(d.state.code())
    .bind(d.amount.minor)
    .bind(d.amount.currency.as_str())
    .bind(d.reason_code.as_str())
    .bind(d.respond_by.map(Timestamp::millis))
    .bind(d.response.map(MerchantResponse::code))
    .bind(d.reported_at.millis())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn save(conn: &mut AnyConnection, id: i64, d: &Dispute, now: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE disputes SET stage = $2, state = $3, amount_minor = $4, currency = $5, \
         reason_code = $6, respond_by = $7, response = $8, reported_at = $9, updated_at = $10 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(d.stage.code())
    .bind(d.state.code())
    .bind(d.amount.minor)
    .bind(d.amount.currency.as_str())
    .bind(d.reason_code.as_str())
    .bind(d.respond_by.map(Timestamp::millis))
    .bind(d.response.map(MerchantResponse::code))
    .bind(d.reported_at.millis())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a dispute on the payment is still undecided (no refund may go out).
pub async fn undecided_on(conn: &mut AnyConnection, payment_id: i64) -> StoreResult<bool> {
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM disputes WHERE payment_id = $1 \
         AND state IN ('needs_response', 'under_review') LIMIT 1",
    )
    .bind(payment_id)
    .fetch_optional(conn)
    .await?;
    Ok(open.is_some())
}

/// How many disputes through the merchant's `provider` account are undecided.
pub async fn undecided_at(
    conn: &mut AnyConnection,
    merchant_id: i64,
    provider: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM disputes d JOIN provider_accounts a ON a.id = d.account_id \
         WHERE a.merchant_id = $1 AND a.provider = $2 AND d.state IN ('needs_response', 'under_review')",
    )
    .bind(merchant_id)
    .bind(provider)
    .fetch_one(conn)
    .await?)
}

/// Reso's payment through `gateway` with the provider's `reference`.
pub async fn payment_of(
    conn: &mut AnyConnection,
    merchant_id: i64,
    gateway: &str,
    reference: &str,
) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id \
         WHERE o.merchant_id = $1 AND p.gateway = $2 AND p.reference = $3 ORDER BY p.id LIMIT 1",
    )
    .bind(merchant_id)
    .bind(gateway)
    .bind(reference)
    .fetch_optional(conn)
    .await?)
}

/// Makes what a lost chargeback took from the payment's refundable balance
/// `target` (capped by what is left on the payment); returns what it now is.
/// The payment's `refunded_minor` counts money back with the buyer however
/// it went back, so no refund can pay it a second time.
pub async fn draw(
    conn: &mut AnyConnection,
    dispute_row: i64,
    payment_id: i64,
    target: i64,
) -> StoreResult<i64> {
    let drawn: i64 = sqlx::query_scalar("SELECT drawn_minor FROM disputes WHERE id = $1")
        .bind(dispute_row)
        .fetch_one(&mut *conn)
        .await?;
    let (captured, refunded): (i64, i64) =
        sqlx::query_as("SELECT captured_minor, refunded_minor FROM payments WHERE id = $1")
            .bind(payment_id)
            .fetch_one(&mut *conn)
            .await?;
    // Other money already back with the buyer limits what the chargeback can add.
    let room = captured - (refunded - drawn);
    let now_drawn = target.clamp(0, room.max(0));
    sqlx::query("UPDATE payments SET refunded_minor = refunded_minor + $1 WHERE id = $2")
        .bind(now_drawn - drawn)
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE disputes SET drawn_minor = $1 WHERE id = $2")
        .bind(now_drawn)
        .bind(dispute_row)
        .execute(&mut *conn)
        .await?;
    Ok(now_drawn)
}

/// Refunds on the payment still waiting to be sent to the provider.
pub async fn unsent_refunds(conn: &mut AnyConnection, payment_id: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM refunds WHERE payment_id = $1 AND status = 'pending' \
         AND gateway_refund_id IS NULL ORDER BY id",
    )
    .bind(payment_id)
    .fetch_all(conn)
    .await?)
}
