//! Buyer-protection claims, their documents, and order protection flags.

use super::{StoreError, StoreResult};
use reso_domain::claim::{Claim, ClaimKind, ClaimStatus, Escalation, Outcome, Variant};
use reso_domain::{Currency, Money, Timestamp};
use sqlx::{AnyConnection, Row};

/// A claim with everything the pages and the API show.
#[derive(Debug, Clone)]
pub struct ClaimRecord {
    pub id: i64,
    pub merchant_id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub order_placed_at: i64,
    pub buyer_email: String,
    pub locale: String,
    pub buyer_text: String,
    pub claim: Claim,
    pub answer_decision: Option<String>,
    pub answer_amount_minor: Option<i64>,
    pub answer_message: Option<String>,
    pub answered_at: Option<i64>,
    pub return_id: Option<i64>,
    pub reaction: Option<String>,
    pub reacted_at: Option<i64>,
    pub decision_message: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn variant_code(v: Variant) -> &'static str {
    v.code()
}

fn parse_variant(s: &str) -> Option<Variant> {
    [
        Variant::FullRefund,
        Variant::PartialRefund,
        Variant::NoRefund,
    ]
    .into_iter()
    .find(|v| v.code() == s)
}

fn parse_escalation(s: &str) -> Option<Escalation> {
    [
        Escalation::OtherProblem,
        Escalation::MerchantSilent,
        Escalation::BuyerNotReceived,
        Escalation::BuyerDisagrees,
        Escalation::MerchantInsolvent,
    ]
    .into_iter()
    .find(|e| e.code() == s)
}

const SELECT: &str = "SELECT c.id, c.merchant_id, c.order_id, o.number AS order_number, o.placed_at, o.buyer_email, o.locale, \
     o.currency, c.kind, c.status, c.buyer_text, c.variant, c.escalation, c.outcome, c.answer_decision, c.answer_amount_minor, \
     c.answer_message, c.answered_at, c.return_id, c.reaction, c.reacted_at, c.decision_message, c.decided_at, c.due_at, \
     c.created_at, c.updated_at, \
     (SELECT CAST(COALESCE(SUM(l.quantity * l.unit_price_minor), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = c.order_id) AS order_value \
     FROM claims c JOIN orders o ON o.id = c.order_id";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<ClaimRecord> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let currency = Currency::parse(&r.try_get::<String, _>("currency")?).map_err(corrupt)?;
    let outcome: Option<String> = r.try_get("outcome")?;
    let outcome: Option<Outcome> = outcome
        .map(|o| serde_json::from_str(&o))
        .transpose()
        .map_err(corrupt)?;
    let variant: Option<String> = r.try_get("variant")?;
    let escalation: Option<String> = r.try_get("escalation")?;
    Ok(ClaimRecord {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        order_id: r.try_get("order_id")?,
        order_number: r.try_get("order_number")?,
        order_placed_at: r.try_get("placed_at")?,
        buyer_email: r.try_get("buyer_email")?,
        locale: r.try_get("locale")?,
        buyer_text: r.try_get("buyer_text")?,
        claim: Claim {
            kind: ClaimKind::parse(&kind).ok_or_else(|| corrupt(format!("claim kind {kind}")))?,
            status: ClaimStatus::parse(&status)
                .ok_or_else(|| corrupt(format!("claim status {status}")))?,
            order_value: Money::new(r.try_get("order_value")?, currency),
            variant: variant.as_deref().and_then(parse_variant),
            escalation: escalation.as_deref().and_then(parse_escalation),
            outcome,
            due_at: r.try_get::<Option<i64>, _>("due_at")?.map(Timestamp),
        },
        answer_decision: r.try_get("answer_decision")?,
        answer_amount_minor: r.try_get("answer_amount_minor")?,
        answer_message: r.try_get("answer_message")?,
        answered_at: r.try_get("answered_at")?,
        return_id: r.try_get("return_id")?,
        reaction: r.try_get("reaction")?,
        reacted_at: r.try_get("reacted_at")?,
        decision_message: r.try_get("decision_message")?,
        decided_at: r.try_get("decided_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert(
    conn: &mut AnyConnection,
    merchant_id: i64,
    order_id: i64,
    claim: &Claim,
    buyer_text: &str,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO claims (merchant_id, order_id, kind, status, buyer_text, escalation, due_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(merchant_id)
    .bind(order_id)
    .bind(claim.kind.code())
    .bind(claim.status.code())
    .bind(buyer_text)
    .bind(claim.escalation.map(Escalation::code))
    .bind(claim.due_at.map(Timestamp::millis))
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Saves the claim's state and whatever the step recorded. The `WHERE
/// status = $expected` makes two concurrent steps on one claim impossible:
/// the second finds the status changed and saves nothing.
pub async fn save(
    conn: &mut AnyConnection,
    c: &ClaimRecord,
    expected: ClaimStatus,
    now: i64,
) -> StoreResult<bool> {
    Ok(save_many(conn, &[(c, expected)], now).await? == [c.id])
}

/// Claims per UPDATE, seventeen bound parameters each. SQLite finds each numbered parameter by a linear scan, so binding costs the
/// square of the parameters in a statement: a few hundred keeps it cheap.
const CLAIMS_PER_UPDATE: usize = 16;

/// Saves many claims, each only if its status is still the one expected
/// (as `save`); returns the ids of those saved.
pub async fn save_many(
    conn: &mut AnyConnection,
    changes: &[(&ClaimRecord, ClaimStatus)],
    now: i64,
) -> StoreResult<Vec<i64>> {
    let mut saved = Vec::with_capacity(changes.len());
    for chunk in changes.chunks(CLAIMS_PER_UPDATE) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let params: Vec<String> = (0..17).map(|k| format!("${}", 2 + 17 * i + k)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "WITH v (claim_id, merchant_id, expected, status, variant, escalation, outcome, answer_decision, \
               answer_amount_minor, answer_message, answered_at, return_id, reaction, reacted_at, decision_message, \
               decided_at, due_at) AS (VALUES {}) \
             UPDATE claims SET status = v.status, variant = v.variant, escalation = v.escalation, outcome = v.outcome, \
               answer_decision = v.answer_decision, answer_amount_minor = v.answer_amount_minor, \
               answer_message = v.answer_message, answered_at = v.answered_at, return_id = v.return_id, \
               reaction = v.reaction, reacted_at = v.reacted_at, decision_message = v.decision_message, \
               decided_at = v.decided_at, due_at = v.due_at, updated_at = $1 \
             FROM v WHERE claims.id = v.claim_id AND claims.merchant_id = v.merchant_id AND claims.status = v.expected \
             RETURNING id",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(now);
        for (c, expected) in chunk {
            let outcome = c
                .claim
                .outcome
                .map(|o| serde_json::to_string(&o))
                .transpose()
                .map_err(corrupt)?;
            query = query
                .bind(c.id)
                .bind(c.merchant_id)
                .bind(expected.code())
                .bind(c.claim.status.code())
                .bind(c.claim.variant.map(variant_code))
                .bind(c.claim.escalation.map(Escalation::code))
                .bind(outcome)
                .bind(&c.answer_decision)
                .bind(c.answer_amount_minor)
                .bind(&c.answer_message)
                .bind(c.answered_at)
                .bind(c.return_id)
                .bind(&c.reaction)
                .bind(c.reacted_at)
                .bind(&c.decision_message)
                .bind(c.decided_at)
                .bind(c.claim.due_at.map(Timestamp::millis));
        }
        for r in query.fetch_all(&mut *conn).await? {
            saved.push(r.try_get(0)?);
        }
    }
    Ok(saved)
}

pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: i64,
    claim_id: i64,
) -> StoreResult<ClaimRecord> {
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1 AND c.merchant_id = $2"))
        .bind(claim_id)
        .bind(merchant_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// Claims by id, whichever merchant they belong to (the caller checks);
/// those that do not exist are absent.
pub async fn load_many(conn: &mut AnyConnection, ids: &[i64]) -> StoreResult<Vec<ClaimRecord>> {
    let mut claims = Vec::with_capacity(ids.len());
    // One bound parameter per claim, a few hundred per query (see `save_many`).
    for chunk in ids.chunks(300) {
        let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE c.id IN ({})", list.join(", "));
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            claims.push(from_row(&r)?);
        }
    }
    Ok(claims)
}

/// For the mediators, who work across merchants.
pub async fn load_any(conn: &mut AnyConnection, claim_id: i64) -> StoreResult<ClaimRecord> {
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1"))
        .bind(claim_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn for_order(conn: &mut AnyConnection, order_id: i64) -> StoreResult<Vec<ClaimRecord>> {
    let rows = sqlx::query(&format!("{SELECT} WHERE c.order_id = $1 ORDER BY c.id"))
        .bind(order_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// A merchant's claims in one status (or all open ones), the closest deadline first.
pub async fn for_merchant(
    conn: &mut AnyConnection,
    merchant_id: i64,
    status: Option<ClaimStatus>,
    limit: i64,
) -> StoreResult<Vec<ClaimRecord>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE c.merchant_id = $1 AND (($2 IS NULL AND c.status <> 'closed') OR c.status = $2) \
         ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id LIMIT $3"
    ))
    .bind(merchant_id)
    .bind(status.map(ClaimStatus::code))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The mediators' queue: escalated claims (and those waiting for documents), oldest first.
pub async fn escalated(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<ClaimRecord>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE c.status IN ('escalated', 'awaiting_documents') ORDER BY c.updated_at, c.id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn open_ids_of_merchant(
    conn: &mut AnyConnection,
    merchant_id: i64,
) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM claims WHERE merchant_id = $1 AND status <> 'closed' ORDER BY id",
    )
    .bind(merchant_id)
    .fetch_all(conn)
    .await?)
}

pub async fn has_open_claim(conn: &mut AnyConnection, order_id: i64) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM claims WHERE order_id = $1 AND status <> 'closed'",
    )
    .bind(order_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

pub struct Document<'a> {
    pub uploaded_by: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
}

pub async fn insert_document(
    conn: &mut AnyConnection,
    claim_id: i64,
    d: &Document<'_>,
    now: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO claim_documents (claim_id, uploaded_by, filename, content_type, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(claim_id)
    .bind(d.uploaded_by)
    .bind(d.filename)
    .bind(d.content_type)
    .bind(d.body.to_vec())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub id: i64,
    pub uploaded_by: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

pub async fn documents(conn: &mut AnyConnection, claim_id: i64) -> StoreResult<Vec<DocumentInfo>> {
    let rows = sqlx::query(
        "SELECT id, uploaded_by, filename, content_type, CAST(LENGTH(body) AS BIGINT) AS size, created_at FROM claim_documents WHERE claim_id = $1 ORDER BY id",
    )
    .bind(claim_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DocumentInfo {
                id: r.try_get("id")?,
                uploaded_by: r.try_get("uploaded_by")?,
                filename: r.try_get("filename")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// (filename, content type, bytes) of a claim's document.
pub async fn document(
    conn: &mut AnyConnection,
    claim_id: i64,
    document_id: i64,
) -> StoreResult<(String, String, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT filename, content_type, body FROM claim_documents WHERE id = $1 AND claim_id = $2",
    )
    .bind(document_id)
    .bind(claim_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((
        row.try_get("filename")?,
        row.try_get("content_type")?,
        row.try_get("body")?,
    ))
}

pub async fn set_protected(
    conn: &mut AnyConnection,
    order_id: i64,
    protected: bool,
) -> StoreResult<()> {
    sqlx::query("UPDATE orders SET protected = $1 WHERE id = $2")
        .bind(i64::from(protected))
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// (protected, concluded at) of an order.
pub async fn protection_of(
    conn: &mut AnyConnection,
    order_id: i64,
) -> StoreResult<(bool, Option<i64>)> {
    let row = sqlx::query("SELECT protected, protection_concluded_at FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((
        row.try_get::<i64, _>("protected")? != 0,
        row.try_get("protection_concluded_at")?,
    ))
}

/// What the protection reminder of an order depends on.
#[derive(Debug, Clone)]
pub struct ReminderSubject {
    pub order_id: i64,
    pub merchant_id: i64,
    pub order_number: String,
    pub buyer_email: String,
    pub locale: String,
    pub placed_at: i64,
    pub protected: bool,
    pub concluded_at: Option<i64>,
    /// Whether the buyer ever opened a claim on the order.
    pub has_claims: bool,
}

/// The reminder subjects of several orders; orders that do not exist are absent.
pub async fn reminder_subjects(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> StoreResult<Vec<ReminderSubject>> {
    let mut subjects = Vec::with_capacity(order_ids.len());
    // One bound parameter per order, a few hundred per query (see `save_many`).
    for chunk in order_ids.chunks(300) {
        let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT o.id, o.merchant_id, o.number, o.buyer_email, o.locale, o.placed_at, o.protected, \
               o.protection_concluded_at, \
               (SELECT COUNT(*) FROM claims c WHERE c.order_id = o.id) AS claims \
             FROM orders o WHERE o.id IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            subjects.push(ReminderSubject {
                order_id: r.try_get("id")?,
                merchant_id: r.try_get("merchant_id")?,
                order_number: r.try_get("number")?,
                buyer_email: r.try_get("buyer_email")?,
                locale: r.try_get("locale")?,
                placed_at: r.try_get("placed_at")?,
                protected: r.try_get::<i64, _>("protected")? != 0,
                concluded_at: r.try_get("protection_concluded_at")?,
                has_claims: r.try_get::<i64, _>("claims")? > 0,
            });
        }
    }
    Ok(subjects)
}

pub async fn conclude_protection(
    conn: &mut AnyConnection,
    order_id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE orders SET protection_concluded_at = $1 WHERE id = $2 AND protection_concluded_at IS NULL")
        .bind(now)
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many of a merchant's claims wait for its answer (for the staff navigation).
pub async fn count_awaiting_merchant(
    conn: &mut AnyConnection,
    merchant_id: i64,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM claims WHERE merchant_id = $1 AND status = 'awaiting_merchant'",
    )
    .bind(merchant_id)
    .fetch_one(conn)
    .await?)
}
