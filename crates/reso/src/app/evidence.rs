//! The evidence pack: everything about one order in one ZIP, for a payment
//! provider or a mediator in a dispute. Machine-readable JSON files, a
//! summary a person can read, and every document, photo and attachment.

use super::error::NotFoundAs;
use super::evidence_summary::{self, Section};
use super::{AppError, AppResult};
use crate::store::{
    self, claims::ClaimRecord, events::EventRecord, merchants::Merchant, messages::MessageRecord,
    refunds::RefundRecord, returns::ReturnRecord,
};
use crate::AppState;
use reso_domain::document::clean_filename;
use reso_domain::{Money, Order};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::Write as _;

/// A photo, claim document or message attachment, under a clean unique name
/// (the ZIP puts it under `documents/`).
pub(crate) struct Document {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

/// Everything the pack holds, loaded in one read; dispute evidence is built
/// from it too.
pub(crate) struct Evidence {
    pub(crate) merchant_name: String,
    pub(crate) order: Order,
    pub(crate) protected: bool,
    pub(crate) protection_concluded_at: Option<i64>,
    pub(crate) returns: Vec<ReturnRecord>,
    pub(crate) refunds: Vec<RefundRecord>,
    pub(crate) claims: Vec<(ClaimRecord, Vec<store::claims::DocumentInfo>)>,
    pub(crate) events: Vec<EventRecord>,
    pub(crate) messages: Vec<MessageRecord>,
    pub(crate) documents: Vec<Document>,
}

/// The ZIP for one of the merchant's orders; another shop's order is "not found".
pub async fn pack(state: &AppState, merchant: &Merchant, order_id: i64) -> AppResult<Vec<u8>> {
    let evidence = load(state, merchant, order_id).await?;
    // Deflating several megabytes is CPU work: keep it off the request threads.
    tokio::task::spawn_blocking(move || write_zip(&evidence))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}

/// The order id behind an order number of this merchant.
pub async fn order_id_by_number(
    state: &AppState,
    merchant_id: i64,
    number: &str,
) -> AppResult<i64> {
    let mut conn = state.db.reader().acquire().await?;
    store::orders::id_by_number(&mut conn, merchant_id, number)
        .await?
        .ok_or(AppError::NotFound("order"))
}

/// Loads one of the merchant's orders with its whole story; another shop's
/// order is "not found".
pub(crate) async fn load(
    state: &AppState,
    merchant: &Merchant,
    order_id: i64,
) -> AppResult<Evidence> {
    let mut conn = state.db.reader().acquire().await?;
    let order = store::orders::load(&mut conn, merchant.id, order_id)
        .await
        .or_not_found("order")?;
    let (protected, protection_concluded_at) =
        store::claims::protection_of(&mut conn, order_id).await?;
    let mut names = UniqueNames::default();
    let mut documents = Vec::new();
    let mut returns = Vec::new();
    for id in store::returns::ids_for_order(&mut conn, order_id).await? {
        let r = store::returns::load(&mut conn, merchant.id, id).await?;
        let label = r.rma.clone().unwrap_or_else(|| format!("return-{}", r.id));
        for (n, photo_id) in r.photo_ids.iter().enumerate() {
            let (content_type, bytes) =
                store::returns::photo(&mut conn, merchant.id, r.id, *photo_id).await?;
            let name = names.take(&format!(
                "{label}-photo-{}.{}",
                n + 1,
                extension(&content_type)
            ));
            documents.push(Document { name, bytes });
        }
        returns.push(r);
    }
    let refunds = store::refunds::for_order(&mut conn, order_id).await?;
    let mut claims = Vec::new();
    for c in store::claims::for_order(&mut conn, order_id).await? {
        let docs = store::claims::documents(&mut conn, c.id).await?;
        for d in &docs {
            let (_, _, bytes) = store::claims::document(&mut conn, c.id, d.id).await?;
            let name = names.take(&format!("claim-{}-{}-{}", c.id, d.uploaded_by, d.filename));
            documents.push(Document { name, bytes });
        }
        claims.push((c, docs));
    }
    let events = store::events::for_order(&mut conn, order_id).await?;
    let messages = store::messages::for_order(&mut conn, merchant.id, order_id).await?;
    for m in &messages {
        for a in &m.attachments {
            let bytes = store::messages::attachment_body(&mut conn, merchant.id, a.id).await?;
            let name = names.take(&format!("message-{}-{}", m.id, a.filename));
            documents.push(Document { name, bytes });
        }
    }
    Ok(Evidence {
        merchant_name: merchant.name.clone(),
        order,
        protected,
        protection_concluded_at,
        returns,
        refunds,
        claims,
        events,
        messages,
        documents,
    })
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/heic" => "heic",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// Clean file names, each used once ("a.pdf", "a-2.pdf", …).
#[derive(Default)]
struct UniqueNames(HashSet<String>);

impl UniqueNames {
    fn take(&mut self, wanted: &str) -> String {
        let clean = clean_filename(wanted).replace(' ', "_");
        let (stem, ext) = match clean.rsplit_once('.') {
            Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
            _ => (clean.clone(), String::new()),
        };
        let mut name = clean;
        let mut n = 1;
        while !self.0.insert(name.to_ascii_lowercase()) {
            n += 1;
            name = format!("{stem}-{n}{ext}");
        }
        name
    }
}

/// "2026-03-02T10:15:00Z", or null.
fn iso(ms: Option<i64>) -> Value {
    ms.and_then(|ms| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
    })
    .and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
    .map_or(Value::Null, Value::String)
}

fn money(m: Money) -> Value {
    json!({ "amount_minor": m.minor, "currency": m.currency })
}

fn order_json(e: &Evidence) -> Value {
    let o = &e.order;
    json!({
        "shop": e.merchant_name,
        "number": o.number,
        "placed_at": iso(Some(o.placed_at.millis())),
        "buyer": { "email": o.buyer_email.as_str(), "name": o.buyer_name, "locale": o.locale },
        "currency": o.currency,
        "goods_total": money(o.goods_total()),
        "protection": { "protected": e.protected, "concluded_at": iso(e.protection_concluded_at) },
        "lines": o.lines.iter().map(|l| json!({
            "sku": l.sku, "title": l.title, "quantity": l.quantity,
            "unit_price_minor": l.unit_price.minor, "returnable": l.returnable,
        })).collect::<Vec<_>>(),
        "payments": o.payments.iter().map(|p| json!({
            "method": p.method.code(), "gateway": p.gateway, "reference": p.reference,
            "captured_minor": p.captured.minor, "refunded_minor": p.refunded.minor,
            "currency": p.captured.currency,
        })).collect::<Vec<_>>(),
        "shipments": o.shipments.iter().map(|s| json!({
            "carrier": s.carrier, "tracking_number": s.tracking_number,
            "shipped_at": iso(s.shipped_at.map(|t| t.millis())),
            "delivered_at": iso(s.delivered_at.map(|t| t.millis())),
        })).collect::<Vec<_>>(),
    })
}

fn returns_json(e: &Evidence) -> Value {
    Value::Array(
        e.returns
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "rma": r.rma, "status": r.status.code(), "decision": r.decision,
                    "decision_rule": r.decision_rule, "keep_goods": r.keep_goods, "comment": r.comment,
                    "rejection_reason": r.rejection_reason, "refund_method": r.refund_method,
                    "return_carrier": r.return_carrier, "return_tracking": r.return_tracking,
                    "created_at": iso(Some(r.created_at)), "updated_at": iso(Some(r.updated_at)),
                    "photos": r.photo_ids.len(),
                    "lines": r.lines.iter().map(|l| json!({
                        "sku": l.sku, "title": l.title, "quantity": l.quantity, "reason": l.reason.code(),
                        "unit_price_minor": l.unit_price.minor,
                        "accepted_quantity": l.inspection.as_ref().map(|d| d.accepted_quantity),
                        "condition": l.inspection.as_ref().map(|d| d.condition.clone()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn refunds_json(e: &Evidence) -> Value {
    Value::Array(
        e.refunds
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "credit_note": r.credit_note, "amount_minor": r.amount_minor,
                    "currency": r.currency, "status": r.status, "method": r.method, "reason": r.reason,
                    "gateway": r.gateway, "gateway_refund_id": r.gateway_refund_id, "failure": r.failure,
                    "return_id": r.return_id, "payment_id": r.payment_id, "created_by": r.created_by,
                    "created_at": iso(Some(r.created_at)), "updated_at": iso(Some(r.updated_at)),
                })
            })
            .collect(),
    )
}

fn claims_json(e: &Evidence) -> Value {
    Value::Array(
        e.claims
            .iter()
            .map(|(c, docs)| {
                json!({
                    "id": c.id, "kind": c.claim.kind.code(), "status": c.claim.status.code(),
                    "buyer_text": c.buyer_text, "variant": c.claim.variant.map(|v| v.code()),
                    "escalation": c.claim.escalation.map(|x| x.code()), "outcome": c.claim.outcome,
                    "answer": {
                        "decision": c.answer_decision, "amount_minor": c.answer_amount_minor,
                        "message": c.answer_message, "answered_at": iso(c.answered_at), "return_id": c.return_id,
                    },
                    "reaction": c.reaction, "reacted_at": iso(c.reacted_at),
                    "decision_message": c.decision_message, "decided_at": iso(c.decided_at),
                    "due_at": iso(c.claim.due_at.map(|t| t.millis())),
                    "created_at": iso(Some(c.created_at)),
                    "documents": docs.iter().map(|d| json!({
                        "uploaded_by": d.uploaded_by, "filename": d.filename,
                        "content_type": d.content_type, "size": d.size, "created_at": iso(Some(d.created_at)),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn timeline_json(e: &Evidence) -> Value {
    Value::Array(
        e.events
            .iter()
            .map(|ev| {
                json!({ "id": ev.id, "at": iso(Some(ev.at)), "kind": ev.kind, "actor": ev.actor,
                        "return_id": ev.return_id, "data": ev.data })
            })
            .collect(),
    )
}

fn messages_json(e: &Evidence) -> Value {
    Value::Array(
        e.messages
            .iter()
            .map(|m| {
                json!({
                    "id": m.id, "subject": m.subject.code(), "subject_id": m.subject.id(),
                    "author_role": m.author_role, "author": m.author, "body": m.body,
                    "created_at": iso(Some(m.created_at)), "handled_at": iso(m.handled_at),
                    "attachments": m.attachments.iter().map(|a| json!({
                        "filename": a.filename, "content_type": a.content_type, "size": a.size,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// The summary for a person, with the documents listed at the end.
fn summary_text(e: &Evidence) -> String {
    let mut sections = evidence_summary::sections(e);
    if !e.documents.is_empty() {
        sections.push(Section::new(
            "Documents (in documents/)",
            e.documents
                .iter()
                .map(|d| format!("{} ({} bytes)", d.name, d.bytes.len()))
                .collect(),
        ));
    }
    let title = format!(
        "Evidence pack: order {} at {}",
        e.order.number, e.merchant_name
    );
    evidence_summary::to_text(&title, &sections)
}

fn write_zip(e: &Evidence) -> AppResult<Vec<u8>> {
    let internal = |err: zip::result::ZipError| AppError::Internal(err.into());
    let io = |err: std::io::Error| AppError::Internal(err.into());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let text = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    // Photos and PDFs are compressed already.
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let json_files = [
        ("order.json", order_json(e)),
        ("returns.json", returns_json(e)),
        ("refunds.json", refunds_json(e)),
        ("claims.json", claims_json(e)),
        ("timeline.json", timeline_json(e)),
        ("messages.json", messages_json(e)),
    ];
    for (name, value) in json_files {
        zip.start_file(name, text).map_err(internal)?;
        let bytes =
            serde_json::to_vec_pretty(&value).map_err(|err| AppError::Internal(err.into()))?;
        zip.write_all(&bytes).map_err(io)?;
    }
    zip.start_file("summary.txt", text).map_err(internal)?;
    zip.write_all(summary_text(e).as_bytes()).map_err(io)?;
    for d in &e.documents {
        zip.start_file(format!("documents/{}", d.name), stored)
            .map_err(internal)?;
        zip.write_all(&d.bytes).map_err(io)?;
    }
    Ok(zip.finish().map_err(internal)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::UniqueNames;

    #[test]
    fn document_names_are_clean_and_unique() {
        let mut names = UniqueNames::default();
        assert_eq!(
            names.take("claim-1-buyer-receipt.pdf"),
            "claim-1-buyer-receipt.pdf"
        );
        assert_eq!(
            names.take("claim-1-buyer-receipt.pdf"),
            "claim-1-buyer-receipt-2.pdf"
        );
        assert_eq!(
            names.take("CLAIM-1-buyer-receipt.pdf"),
            "CLAIM-1-buyer-receipt-3.pdf"
        );
        assert_eq!(names.take("message-3-../../x y.pdf"), "x_y.pdf");
    }
}
