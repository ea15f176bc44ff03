//! The conversation on a claim or a return, and the files attached to it.

use super::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};

/// What a thread belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Claim(i64),
    Return(i64),
}

impl Subject {
    pub fn code(self) -> &'static str {
        match self {
            Subject::Claim(_) => "claim",
            Subject::Return(_) => "return",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Subject::Claim(id) | Subject::Return(id) => id,
        }
    }

    /// (claim_id, return_id) as stored.
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Subject::Claim(id) => (Some(id), None),
            Subject::Return(id) => (None, Some(id)),
        }
    }

    /// The WHERE clause that selects this subject's messages (`$1` = the id).
    fn filter(self) -> &'static str {
        match self {
            Subject::Claim(_) => "m.claim_id = $1",
            Subject::Return(_) => "m.return_id = $1",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone)]
pub struct MessageRecord {
    pub id: i64,
    pub merchant_id: i64,
    pub subject: Subject,
    pub author_role: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
    pub handled_at: Option<i64>,
    pub attachments: Vec<AttachmentInfo>,
}

pub struct NewMessage<'a> {
    pub merchant_id: i64,
    pub subject: Subject,
    pub author_role: &'a str,
    pub author: &'a str,
    pub body: &'a str,
    /// Staff and mediator messages need no answer: they are handled at once.
    pub handled_at: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, m: &NewMessage<'_>, now: i64) -> StoreResult<i64> {
    let (claim_id, return_id) = m.subject.columns();
    Ok(sqlx::query_scalar(
        "INSERT INTO messages (merchant_id, claim_id, return_id, author_role, author, body, created_at, handled_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(m.merchant_id)
    .bind(claim_id)
    .bind(return_id)
    .bind(m.author_role)
    .bind(m.author)
    .bind(m.body)
    .bind(now)
    .bind(m.handled_at)
    .fetch_one(conn)
    .await?)
}

pub async fn insert_attachment(
    conn: &mut AnyConnection,
    message_id: i64,
    filename: &str,
    content_type: &str,
    body: &[u8],
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO message_attachments (message_id, filename, content_type, body) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(message_id)
    .bind(filename)
    .bind(content_type)
    .bind(body.to_vec())
    .fetch_one(conn)
    .await?)
}

/// Marks the subject's buyer messages up to now as handled (the merchant
/// answered or read them); returns how many were open.
pub async fn mark_handled(
    conn: &mut AnyConnection,
    merchant_id: i64,
    subject: Subject,
    now: i64,
) -> StoreResult<u64> {
    let (claim_id, return_id) = subject.columns();
    let done = sqlx::query(
        "UPDATE messages SET handled_at = $1 WHERE merchant_id = $2 AND author_role = 'buyer' AND handled_at IS NULL \
         AND (claim_id = $3 OR return_id = $4)",
    )
    .bind(now)
    .bind(merchant_id)
    .bind(claim_id)
    .bind(return_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

const COLUMNS: &str =
    "m.id, m.merchant_id, m.claim_id, m.return_id, m.author_role, m.author, m.body, m.created_at, m.handled_at";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<MessageRecord> {
    let claim_id: Option<i64> = r.try_get("claim_id")?;
    let return_id: Option<i64> = r.try_get("return_id")?;
    let subject = match (claim_id, return_id) {
        (Some(id), _) => Subject::Claim(id),
        (None, Some(id)) => Subject::Return(id),
        (None, None) => return Err(StoreError::Corrupt("message without a subject".into())),
    };
    Ok(MessageRecord {
        id: r.try_get("id")?,
        merchant_id: r.try_get("merchant_id")?,
        subject,
        author_role: r.try_get("author_role")?,
        author: r.try_get("author")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
        handled_at: r.try_get("handled_at")?,
        attachments: Vec::new(),
    })
}

/// Fills in each message's attachments (names and sizes, not the bytes).
async fn with_attachments(
    conn: &mut AnyConnection,
    mut messages: Vec<MessageRecord>,
) -> StoreResult<Vec<MessageRecord>> {
    for m in &mut messages {
        let rows = sqlx::query(
            "SELECT id, filename, content_type, CAST(LENGTH(body) AS BIGINT) AS size FROM message_attachments \
             WHERE message_id = $1 ORDER BY id",
        )
        .bind(m.id)
        .fetch_all(&mut *conn)
        .await?;
        m.attachments = rows
            .iter()
            .map(|r| {
                Ok(AttachmentInfo {
                    id: r.try_get("id")?,
                    filename: r.try_get("filename")?,
                    content_type: r.try_get("content_type")?,
                    size: r.try_get("size")?,
                })
            })
            .collect::<StoreResult<_>>()?;
    }
    Ok(messages)
}

/// A subject's thread, oldest first. The subject was loaded through the
/// merchant; `merchant_id` keeps the lookup scoped anyway.
pub async fn thread(
    conn: &mut AnyConnection,
    merchant_id: i64,
    subject: Subject,
) -> StoreResult<Vec<MessageRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM messages m WHERE {} AND m.merchant_id = $2 ORDER BY m.id",
        subject.filter()
    ))
    .bind(subject.id())
    .bind(merchant_id)
    .fetch_all(&mut *conn)
    .await?;
    let messages = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    with_attachments(conn, messages).await
}

/// Every message on an order's returns and claims, oldest first.
pub async fn for_order(
    conn: &mut AnyConnection,
    merchant_id: i64,
    order_id: i64,
) -> StoreResult<Vec<MessageRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM messages m \
         WHERE m.merchant_id = $1 AND (m.claim_id IN (SELECT id FROM claims WHERE order_id = $2) \
         OR m.return_id IN (SELECT id FROM returns WHERE order_id = $2)) ORDER BY m.id"
    ))
    .bind(merchant_id)
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let messages = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    with_attachments(conn, messages).await
}

/// (filename, content type, bytes) of an attachment in this subject's thread.
pub async fn attachment(
    conn: &mut AnyConnection,
    merchant_id: i64,
    subject: Subject,
    attachment_id: i64,
) -> StoreResult<(String, String, Vec<u8>)> {
    let row = sqlx::query(&format!(
        "SELECT a.filename, a.content_type, a.body FROM message_attachments a JOIN messages m ON m.id = a.message_id \
         WHERE {} AND m.merchant_id = $2 AND a.id = $3",
        subject.filter()
    ))
    .bind(subject.id())
    .bind(merchant_id)
    .bind(attachment_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((
        row.try_get("filename")?,
        row.try_get("content_type")?,
        row.try_get("body")?,
    ))
}

/// Bytes of an attachment by id within a merchant (for the evidence pack).
pub async fn attachment_body(
    conn: &mut AnyConnection,
    merchant_id: i64,
    attachment_id: i64,
) -> StoreResult<Vec<u8>> {
    sqlx::query_scalar(
        "SELECT a.body FROM message_attachments a JOIN messages m ON m.id = a.message_id \
         WHERE a.id = $1 AND m.merchant_id = $2",
    )
    .bind(attachment_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn unanswered_count(conn: &mut AnyConnection, merchant_id: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE merchant_id = $1 AND handled_at IS NULL AND author_role = 'buyer'",
    )
    .bind(merchant_id)
    .fetch_one(conn)
    .await?)
}

/// A thread with buyer messages the merchant has not answered yet.
#[derive(Debug, Clone)]
pub struct Unanswered {
    pub subject: Subject,
    pub order_number: String,
    pub buyer_email: String,
    pub count: i64,
    pub oldest_at: i64,
    pub last_body: String,
}

/// Threads waiting for the merchant, the longest-waiting first.
pub async fn unanswered(
    conn: &mut AnyConnection,
    merchant_id: i64,
    limit: i64,
) -> StoreResult<Vec<Unanswered>> {
    let rows = sqlx::query(
        "SELECT m.claim_id, m.return_id, CAST(COUNT(*) AS BIGINT) AS n, MIN(m.created_at) AS oldest, MAX(m.id) AS last_id, \
         MAX(o.number) AS order_number, MAX(o.buyer_email) AS buyer_email \
         FROM messages m \
         LEFT JOIN claims c ON c.id = m.claim_id \
         LEFT JOIN returns r ON r.id = m.return_id \
         JOIN orders o ON o.id = COALESCE(c.order_id, r.order_id) \
         WHERE m.merchant_id = $1 AND m.handled_at IS NULL AND m.author_role = 'buyer' \
         GROUP BY m.claim_id, m.return_id ORDER BY MIN(m.created_at), MIN(m.id) LIMIT $2",
    )
    .bind(merchant_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let claim_id: Option<i64> = r.try_get("claim_id")?;
        let return_id: Option<i64> = r.try_get("return_id")?;
        let subject = match (claim_id, return_id) {
            (Some(id), _) => Subject::Claim(id),
            (None, Some(id)) => Subject::Return(id),
            (None, None) => continue,
        };
        let last_id: i64 = r.try_get("last_id")?;
        let last_body: String = sqlx::query_scalar("SELECT body FROM messages WHERE id = $1")
            .bind(last_id)
            .fetch_one(&mut *conn)
            .await?;
        out.push(Unanswered {
            subject,
            order_number: r.try_get("order_number")?,
            buyer_email: r.try_get("buyer_email")?,
            count: r.try_get("n")?,
            oldest_at: r.try_get("oldest")?,
            last_body,
        });
    }
    Ok(out)
}
