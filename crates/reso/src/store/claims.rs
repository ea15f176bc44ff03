//! Buyer-protection claims, their documents, and order protection flags.

use super::{StoreError, StoreResult};
use reso_domain::claim::{Claim, ClaimKind, ClaimStatus, Escalation, Outcome, Variant};
use reso_domain::{Currency, Money, Timestamp};
use sqlx::{AnyConnection, Executor, Row};

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

/// The columns of a claim as the pages and the API show it: (name, SQL).
const COLUMNS: [(&str, &str); 27] = [
    ("id", "c.id"),
    ("merchant_id", "c.merchant_id"),
    ("order_id", "c.order_id"),
    ("order_number", "o.number"),
    ("placed_at", "o.placed_at"),
    ("buyer_email", "o.buyer_email"),
    ("locale", "o.locale"),
    ("currency", "o.currency"),
    ("kind", "c.kind"),
    ("status", "c.status"),
    ("buyer_text", "c.buyer_text"),
    ("variant", "c.variant"),
    ("escalation", "c.escalation"),
    ("outcome", "c.outcome"),
    ("answer_decision", "c.answer_decision"),
    ("answer_amount_minor", "c.answer_amount_minor"),
    ("answer_message", "c.answer_message"),
    ("answered_at", "c.answered_at"),
    ("return_id", "c.return_id"),
    ("reaction", "c.reaction"),
    ("reacted_at", "c.reacted_at"),
    ("decision_message", "c.decision_message"),
    ("decided_at", "c.decided_at"),
    ("due_at", "c.due_at"),
    ("created_at", "c.created_at"),
    ("updated_at", "c.updated_at"),
    (
        "order_value",
        "(SELECT CAST(COALESCE(SUM(l.quantity * l.unit_price_minor), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = c.order_id)",
    ),
];

const FROM: &str = "FROM claims c JOIN orders o ON o.id = c.order_id";

static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let columns: Vec<String> = COLUMNS
        .iter()
        .map(|(name, sql)| format!("{sql} AS {name}"))
        .collect();
    format!("SELECT {} {FROM}", columns.join(", "))
});

/// The claims as one JSON array of objects in one row: thousands of rows
/// would each cross from SQLite's thread and be converted on their own.
fn select_json(postgres: bool) -> String {
    let fields: Vec<String> = COLUMNS
        .iter()
        .map(|(name, sql)| format!("'{name}', {sql}"))
        .collect();
    if postgres {
        format!(
            "SELECT CAST(COALESCE(json_agg(json_build_object({})), '[]') AS TEXT) {FROM}",
            fields.join(", ")
        )
    } else {
        format!(
            "SELECT json_group_array(json_object({})) {FROM}",
            fields.join(", ")
        )
    }
}

/// One claim as stored, before its codes are read.
#[derive(serde::Deserialize)]
struct ClaimRow {
    id: i64,
    merchant_id: i64,
    order_id: i64,
    order_number: String,
    placed_at: i64,
    buyer_email: String,
    locale: String,
    currency: String,
    kind: String,
    status: String,
    buyer_text: String,
    variant: Option<String>,
    escalation: Option<String>,
    outcome: Option<String>,
    answer_decision: Option<String>,
    answer_amount_minor: Option<i64>,
    answer_message: Option<String>,
    answered_at: Option<i64>,
    return_id: Option<i64>,
    reaction: Option<String>,
    reacted_at: Option<i64>,
    decision_message: Option<String>,
    decided_at: Option<i64>,
    due_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    order_value: i64,
}

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<ClaimRecord> {
    record(ClaimRow {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        order_id: r.try_get("order_id")?,
        order_number: r.try_get("order_number")?,
        placed_at: r.try_get("placed_at")?,
        buyer_email: r.try_get("buyer_email")?,
        locale: r.try_get("locale")?,
        currency: r.try_get("currency")?,
        kind: r.try_get("kind")?,
        status: r.try_get("status")?,
        buyer_text: r.try_get("buyer_text")?,
        variant: r.try_get("variant")?,
        escalation: r.try_get("escalation")?,
        outcome: r.try_get("outcome")?,
        answer_decision: r.try_get("answer_decision")?,
        answer_amount_minor: r.try_get("answer_amount_minor")?,
        answer_message: r.try_get("answer_message")?,
        answered_at: r.try_get("answered_at")?,
        return_id: r.try_get("return_id")?,
        reaction: r.try_get("reaction")?,
        reacted_at: r.try_get("reacted_at")?,
        decision_message: r.try_get("decision_message")?,
        decided_at: r.try_get("decided_at")?,
        due_at: r.try_get("due_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        order_value: r.try_get("order_value")?,
    })
}

fn record(r: ClaimRow) -> StoreResult<ClaimRecord> {
    let currency = Currency::parse(&r.currency).map_err(corrupt)?;
    let outcome: Option<Outcome> = r
        .outcome
        .map(|o| serde_json::from_str(&o))
        .transpose()
        .map_err(corrupt)?;
    let (kind, status) = (r.kind, r.status);
    Ok(ClaimRecord {
        id: r.id,
        merchant_id: r.merchant_id,
        order_id: r.order_id,
        order_number: r.order_number,
        order_placed_at: r.placed_at,
        buyer_email: r.buyer_email,
        locale: r.locale,
        buyer_text: r.buyer_text,
        claim: Claim {
            kind: ClaimKind::parse(&kind).ok_or_else(|| corrupt(format!("claim kind {kind}")))?,
            status: ClaimStatus::parse(&status)
                .ok_or_else(|| corrupt(format!("claim status {status}")))?,
            order_value: Money::new(r.order_value, currency),
            variant: r.variant.as_deref().and_then(parse_variant),
            escalation: r.escalation.as_deref().and_then(parse_escalation),
            outcome,
            due_at: r.due_at.map(Timestamp),
        },
        answer_decision: r.answer_decision,
        answer_amount_minor: r.answer_amount_minor,
        answer_message: r.answer_message,
        answered_at: r.answered_at,
        return_id: r.return_id,
        reaction: r.reaction,
        reacted_at: r.reacted_at,
        decision_message: r.decision_message,
        decided_at: r.decided_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
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

/// A claim's saved state, as one element of the JSON array `save_many` binds.
#[derive(serde::Serialize)]
struct SavedClaim<'a> {
    claim_id: i64,
    merchant_id: i64,
    expected: &'static str,
    kind: &'static str,
    status: &'static str,
    variant: Option<&'static str>,
    escalation: Option<&'static str>,
    outcome: Option<String>,
    answer_decision: Option<&'a str>,
    answer_amount_minor: Option<i64>,
    answer_message: Option<&'a str>,
    answered_at: Option<i64>,
    return_id: Option<i64>,
    reaction: Option<&'a str>,
    reacted_at: Option<i64>,
    decision_message: Option<&'a str>,
    decided_at: Option<i64>,
    due_at: Option<i64>,
}

/// The rows of `SavedClaim`s bound as `$2`, as a relation `v`. All claims go
/// in one JSON parameter: SQLite finds each numbered parameter by a linear
/// scan, so many bound parameters per statement cost their square.
/// SQLite reads each element's JSON once, into its binary form (`jsonb`),
/// in which looking up a field needs no parsing.
const SAVED_SQLITE: &str = "WITH r AS MATERIALIZED (SELECT jsonb(value) AS b FROM json_each($2)), \
     v AS (SELECT b ->> 'claim_id' AS claim_id, b ->> 'merchant_id' AS merchant_id, \
       b ->> 'expected' AS expected, b ->> 'kind' AS kind, b ->> 'status' AS status, b ->> 'variant' AS variant, \
       b ->> 'escalation' AS escalation, b ->> 'outcome' AS outcome, b ->> 'answer_decision' AS answer_decision, \
       b ->> 'answer_amount_minor' AS answer_amount_minor, b ->> 'answer_message' AS answer_message, \
       b ->> 'answered_at' AS answered_at, b ->> 'return_id' AS return_id, b ->> 'reaction' AS reaction, \
       b ->> 'reacted_at' AS reacted_at, b ->> 'decision_message' AS decision_message, \
       b ->> 'decided_at' AS decided_at, b ->> 'due_at' AS due_at FROM r)";
const SAVED_POSTGRES: &str = "WITH v AS (SELECT * FROM json_to_recordset(CAST($2 AS json)) AS r(claim_id BIGINT, \
       merchant_id BIGINT, expected TEXT, kind TEXT, status TEXT, variant TEXT, escalation TEXT, outcome TEXT, answer_decision TEXT, \
       answer_amount_minor BIGINT, answer_message TEXT, answered_at BIGINT, return_id BIGINT, reaction TEXT, \
       reacted_at BIGINT, decision_message TEXT, decided_at BIGINT, due_at BIGINT))";
const SAVE_SET: &str = " kind = v.kind, status = v.status, variant = v.variant, escalation = v.escalation, outcome = v.outcome, \
       answer_decision = v.answer_decision, answer_amount_minor = v.answer_amount_minor, \
       answer_message = v.answer_message, answered_at = v.answered_at, return_id = v.return_id, \
       reaction = v.reaction, reacted_at = v.reacted_at, decision_message = v.decision_message, \
       decided_at = v.decided_at, due_at = v.due_at, updated_at = $1 \
     FROM v WHERE claims.id = v.claim_id AND claims.merchant_id = v.merchant_id AND claims.status = v.expected";

/// Saves many claims in one UPDATE, each only if its status is still the
/// one expected (as `save`); returns the ids of those saved.
pub async fn save_many(
    conn: &mut AnyConnection,
    changes: &[(&ClaimRecord, ClaimStatus)],
    now: i64,
) -> StoreResult<Vec<i64>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let rows = changes
        .iter()
        .map(|(c, expected)| {
            Ok(SavedClaim {
                claim_id: c.id,
                merchant_id: c.merchant_id,
                expected: expected.code(),
                kind: c.claim.kind.code(),
                status: c.claim.status.code(),
                variant: c.claim.variant.map(variant_code),
                escalation: c.claim.escalation.map(Escalation::code),
                outcome: c
                    .claim
                    .outcome
                    .map(|o| serde_json::to_string(&o))
                    .transpose()
                    .map_err(corrupt)?,
                answer_decision: c.answer_decision.as_deref(),
                answer_amount_minor: c.answer_amount_minor,
                answer_message: c.answer_message.as_deref(),
                answered_at: c.answered_at,
                return_id: c.return_id,
                reaction: c.reaction.as_deref(),
                reacted_at: c.reacted_at,
                decision_message: c.decision_message.as_deref(),
                decided_at: c.decided_at,
                due_at: c.claim.due_at.map(Timestamp::millis),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let rows = serde_json::to_string(&rows).map_err(corrupt)?;
    // The saved ids come back as one JSON array (see `select_json`).
    let saved: String = if on_postgres(conn) {
        sqlx::query_scalar(&format!(
            "{SAVED_POSTGRES}, saved AS (UPDATE claims SET{SAVE_SET} RETURNING claims.id) \
             SELECT CAST(COALESCE(json_agg(id), '[]') AS TEXT) FROM saved"
        ))
        .bind(now)
        .bind(&rows)
        .fetch_one(&mut *conn)
        .await?
    } else {
        // Usually every claim is saved: the UPDATE alone tells so by its
        // count. Otherwise it is undone, and the claims found unchanged are
        // saved (one writer: they stay unchanged until the UPDATE).
        let update = format!("{SAVED_SQLITE} UPDATE claims SET{SAVE_SET}");
        conn.execute("SAVEPOINT save_many").await?;
        let updated = sqlx::query(&update)
            .bind(now)
            .bind(&rows)
            .execute(&mut *conn)
            .await?;
        if updated.rows_affected() == changes.len() as u64 {
            conn.execute("RELEASE save_many").await?;
            return Ok(changes.iter().map(|(c, _)| c.id).collect());
        }
        conn.execute("ROLLBACK TO save_many").await?;
        conn.execute("RELEASE save_many").await?;
        let saved = sqlx::query_scalar(&format!(
            "{SAVED_SQLITE} SELECT json_group_array(claims.id) FROM v JOIN claims ON claims.id = v.claim_id \
             AND claims.merchant_id = v.merchant_id AND claims.status = v.expected WHERE $1 IS NOT NULL"
        ))
        .bind(now)
        .bind(&rows)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(&update)
            .bind(now)
            .bind(&rows)
            .execute(&mut *conn)
            .await?;
        saved
    };
    serde_json::from_str(&saved).map_err(corrupt)
}

fn on_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// `IN (…)` over the ids bound as one JSON array in `$1` (see `save_many`).
fn in_json_ids(conn: &AnyConnection) -> &'static str {
    if on_postgres(conn) {
        "IN (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST($1 AS json)))"
    } else {
        "IN (SELECT value FROM json_each($1))"
    }
}

pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: i64,
    claim_id: i64,
) -> StoreResult<ClaimRecord> {
    let row = sqlx::query(&format!(
        "{} WHERE c.id = $1 AND c.merchant_id = $2",
        *SELECT
    ))
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
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{} WHERE c.id {}",
        select_json(on_postgres(conn)),
        in_json_ids(conn)
    );
    let rows: String = sqlx::query_scalar(&sql)
        .bind(serde_json::to_string(ids).map_err(corrupt)?)
        .fetch_one(conn)
        .await?;
    let rows: Vec<ClaimRow> = serde_json::from_str(&rows).map_err(corrupt)?;
    rows.into_iter().map(record).collect()
}

/// For the mediators, who work across merchants.
pub async fn load_any(conn: &mut AnyConnection, claim_id: i64) -> StoreResult<ClaimRecord> {
    let row = sqlx::query(&format!("{} WHERE c.id = $1", *SELECT))
        .bind(claim_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

pub async fn for_order(conn: &mut AnyConnection, order_id: i64) -> StoreResult<Vec<ClaimRecord>> {
    let rows = sqlx::query(&format!("{} WHERE c.order_id = $1 ORDER BY c.id", *SELECT))
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
        "{} WHERE c.merchant_id = $1 AND (($2 IS NULL AND c.status <> 'closed') OR c.status = $2) \
         ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id LIMIT $3",
        *SELECT
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
        "{} WHERE c.status IN ('escalated', 'awaiting_documents') ORDER BY c.updated_at, c.id LIMIT $1",
        *SELECT
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
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT o.id, o.merchant_id, o.number, o.buyer_email, o.locale, o.placed_at, o.protected, \
           o.protection_concluded_at, \
           (SELECT COUNT(*) FROM claims c WHERE c.order_id = o.id) AS claims \
         FROM orders o WHERE o.id {}",
        in_json_ids(conn)
    );
    let rows = sqlx::query(&sql)
        .bind(serde_json::to_string(order_ids).map_err(corrupt)?)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ReminderSubject {
                order_id: r.try_get("id")?,
                merchant_id: r.try_get("merchant_id")?,
                order_number: r.try_get("number")?,
                buyer_email: r.try_get("buyer_email")?,
                locale: r.try_get("locale")?,
                placed_at: r.try_get("placed_at")?,
                protected: r.try_get::<i64, _>("protected")? != 0,
                concluded_at: r.try_get("protection_concluded_at")?,
                has_claims: r.try_get::<i64, _>("claims")? > 0,
            })
        })
        .collect()
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
