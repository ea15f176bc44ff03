//! The conversation on a claim or a return between the buyer, the shop's
//! staff and the mediators. A buyer message waits for the shop until staff
//! reply or mark it read; those waiting are counted in the control center.

use super::claims::Upload;
use super::error::NotFoundAs;
use super::events::{record, EventInput};
use super::idempotency::{self, Idempotency, Keyed};
use super::{Actor, AppError, AppResult};
use crate::store::messages::{MessageRecord, NewMessage, Unanswered};
use crate::store::{self, merchants::Merchant, merchants::NotificationPrefs, Tx};
use crate::AppState;
use reso_domain::document::{check_documents, clean_filename};
use serde_json::json;

pub use crate::store::messages::Subject;

pub const MAX_BODY_CHARS: usize = 5000;

/// Who writes a message.
#[derive(Debug, Clone)]
pub enum Author {
    /// The buyer of the subject's order, by e-mail address.
    Buyer(String),
    /// The shop: a staff user or an API key.
    Staff(Actor),
    Mediator {
        id: i64,
        email: String,
    },
}

impl Author {
    pub fn role(&self) -> &'static str {
        match self {
            Author::Buyer(_) => "buyer",
            Author::Staff(_) => "merchant",
            Author::Mediator { .. } => "mediator",
        }
    }

    fn label(&self) -> String {
        match self {
            Author::Buyer(email) => format!("buyer:{email}"),
            Author::Staff(actor) => actor.label(),
            Author::Mediator { email, .. } => format!("mediator:{email}"),
        }
    }
}

/// The order behind a subject, as the thread needs it.
pub struct SubjectInfo {
    pub subject: Subject,
    pub order_id: i64,
    pub order_number: String,
    pub buyer_email: String,
    pub locale: String,
}

/// Loads the subject through the merchant: another shop's claim or return is "not found".
pub async fn subject_info(
    conn: &mut sqlx::AnyConnection,
    merchant_id: i64,
    subject: Subject,
) -> AppResult<SubjectInfo> {
    match subject {
        Subject::Claim(id) => {
            let c = store::claims::load(conn, merchant_id, id)
                .await
                .or_not_found("claim")?;
            Ok(SubjectInfo {
                subject,
                order_id: c.order_id,
                order_number: c.order_number,
                buyer_email: c.buyer_email,
                locale: c.locale,
            })
        }
        Subject::Return(id) => {
            let r = store::returns::load(conn, merchant_id, id)
                .await
                .or_not_found("return")?;
            Ok(SubjectInfo {
                subject,
                order_id: r.order_id,
                order_number: r.order_number,
                buyer_email: r.buyer_email,
                locale: r.locale,
            })
        }
    }
}

/// 1 to 5000 characters once trimmed.
pub fn check_body(body: &str) -> AppResult<&str> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::Invalid("write a message".into()));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::Invalid(format!(
            "the message is longer than {MAX_BODY_CHARS} characters"
        )));
    }
    Ok(body)
}

/// Posts a message to a subject's thread and tells the other side by e-mail.
pub async fn post(
    state: &AppState,
    merchant: &Merchant,
    subject: Subject,
    author: &Author,
    body: &str,
    attachments: Vec<Upload>,
) -> AppResult<MessageRecord> {
    Ok(
        post_with_key(state, merchant, subject, author, body, attachments, None)
            .await?
            .value,
    )
}

/// `post` sent with an Idempotency-Key: a retry gets the message the first
/// request posted instead of posting (and mailing) it twice.
pub async fn post_with_key(
    state: &AppState,
    merchant: &Merchant,
    subject: Subject,
    author: &Author,
    body: &str,
    attachments: Vec<Upload>,
    key: Option<&Idempotency<'_>>,
) -> AppResult<Keyed<MessageRecord>> {
    let body = check_body(body)?;
    let files: Vec<(&str, &[u8])> = attachments
        .iter()
        .map(|u| (u.filename.as_str(), u.bytes.as_slice()))
        .collect();
    let types = check_documents(&files)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let info = subject_info(&mut tx, merchant.id, subject).await?;
    if key.is_some() {
        // Twins with one key wait for each other here; the later finds the
        // earlier's answer. Without a key there is nothing to wait for.
        store::orders::lock(&mut tx, info.order_id, now).await?;
    }
    if let Some(message_id) = idempotency::replay::<i64>(&mut tx, merchant.id, key).await? {
        let value = store::messages::thread(&mut tx, merchant.id, subject)
            .await?
            .into_iter()
            .find(|m| m.id == message_id)
            .ok_or(AppError::NotFound("message"))?;
        return idempotency::replayed(tx, value).await;
    }
    if let Author::Buyer(email) = author {
        if !info.buyer_email.eq_ignore_ascii_case(email) {
            return Err(AppError::Forbidden(
                "only the buyer of this order can write here".into(),
            ));
        }
    }
    let is_buyer = matches!(author, Author::Buyer(_));
    // Staff or a mediator replying answers everything the buyer wrote before.
    if !is_buyer {
        store::messages::mark_handled(&mut tx, merchant.id, subject, now).await?;
    }
    let new = NewMessage {
        merchant_id: merchant.id,
        subject,
        author_role: author.role(),
        author: &author.label(),
        body,
        handled_at: (!is_buyer).then_some(now),
    };
    let message_id = store::messages::insert(&mut tx, &new, now).await?;
    for (u, content_type) in attachments.iter().zip(types) {
        let name = clean_filename(&u.filename);
        store::messages::insert_attachment(&mut tx, message_id, &name, content_type, &u.bytes)
            .await?;
    }
    event(
        &mut tx,
        merchant,
        &info,
        author,
        message_id,
        body,
        attachments.len(),
        now,
    )
    .await?;
    idempotency::remember(&mut tx, merchant.id, key, 201, &message_id, now).await?;
    let mut thread = store::messages::thread(&mut tx, merchant.id, subject).await?;
    tx.commit().await?;
    let value = thread.pop().filter(|m| m.id == message_id).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("posted message {message_id} vanished"))
    })?;
    Ok(Keyed {
        value,
        replayed: false,
    })
}

/// `message.posted`: the buyer is mailed unless they wrote it; the shop's
/// subscribed addresses unless the shop wrote it (mediators reach both).
#[expect(
    clippy::too_many_arguments,
    reason = "one event, described field by field"
)]
async fn event(
    tx: &mut Tx,
    merchant: &Merchant,
    info: &SubjectInfo,
    author: &Author,
    message_id: i64,
    body: &str,
    attachments: usize,
    now: i64,
) -> AppResult<()> {
    let subject = info.subject;
    let data = json!({
        "subject": subject.code(), "subject_id": subject.id(), "author_role": author.role(),
        "message_id": message_id, "order_number": info.order_number, "message": body,
        "attachments": attachments,
        "claim_id": matches!(subject, Subject::Claim(_)).then_some(subject.id()),
    });
    let quiet;
    let notified = if matches!(author, Author::Staff(_)) {
        // The shop is not notified of its own message: no subscribed
        // addresses and no support-address fallback for this one event.
        let mut support = merchant.support.clone();
        support.email.clear();
        quiet = Merchant {
            notifications: NotificationPrefs::default(),
            support,
            ..merchant.clone()
        };
        &quiet
    } else {
        merchant
    };
    let buyer = (!matches!(author, Author::Buyer(_)))
        .then_some((info.buyer_email.as_str(), info.locale.as_str()));
    let e = EventInput {
        order_id: Some(info.order_id),
        return_id: match subject {
            Subject::Return(id) => Some(id),
            Subject::Claim(_) => None,
        },
        kind: "message.posted",
        actor: &author.label(),
        data,
        buyer,
    };
    record(tx, notified, e, now).await?;
    Ok(())
}

/// A subject's thread, oldest first.
pub async fn thread(
    state: &AppState,
    merchant_id: i64,
    subject: Subject,
) -> AppResult<Vec<MessageRecord>> {
    let mut conn = state.db.reader().acquire().await?;
    subject_info(&mut conn, merchant_id, subject).await?;
    Ok(store::messages::thread(&mut conn, merchant_id, subject).await?)
}

/// Staff read the buyer's messages without replying: they stop counting as unanswered.
pub async fn mark_read(
    state: &AppState,
    merchant: &Merchant,
    subject: Subject,
    actor: &Actor,
) -> AppResult<u64> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let info = subject_info(&mut tx, merchant.id, subject).await?;
    let handled = store::messages::mark_handled(&mut tx, merchant.id, subject, now).await?;
    if handled > 0 {
        let e = EventInput {
            order_id: Some(info.order_id),
            return_id: match subject {
                Subject::Return(id) => Some(id),
                Subject::Claim(_) => None,
            },
            kind: "message.read",
            actor: &actor.label(),
            data: json!({ "subject": subject.code(), "subject_id": subject.id(), "messages": handled }),
            buyer: None,
        };
        record(&mut tx, merchant, e, now).await?;
    }
    tx.commit().await?;
    Ok(handled)
}

/// (file name, content type, bytes) of an attachment in the subject's thread.
pub async fn attachment(
    state: &AppState,
    merchant_id: i64,
    subject: Subject,
    attachment_id: i64,
) -> AppResult<(String, String, Vec<u8>)> {
    let mut conn = state.db.reader().acquire().await?;
    store::messages::attachment(&mut conn, merchant_id, subject, attachment_id)
        .await
        .or_not_found("attachment")
}

/// Buyer messages the shop has not answered or read yet.
pub async fn unanswered_count(state: &AppState, merchant_id: i64) -> AppResult<i64> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(store::messages::unanswered_count(&mut conn, merchant_id).await?)
}

/// Threads waiting for the shop, the longest-waiting first.
pub async fn unanswered(
    state: &AppState,
    merchant_id: i64,
    limit: i64,
) -> AppResult<Vec<Unanswered>> {
    let mut conn = state.db.reader().acquire().await?;
    Ok(store::messages::unanswered(&mut conn, merchant_id, limit).await?)
}
