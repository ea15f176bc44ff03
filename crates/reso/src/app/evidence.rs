//! The evidence pack: everything about one order in one ZIP, for a payment
//! provider or a mediator in a dispute. Machine-readable JSON files, a
//! summary a person can read, and every document, photo and attachment.

use super::error::NotFoundAs;
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
use std::fmt::Write as _;
use std::io::Write as _;

/// A file to put under `documents/`.
struct Document {
    name: String,
    bytes: Vec<u8>,
}

/// Everything the pack holds, loaded in one read.
struct Evidence {
    merchant_name: String,
    order: Order,
    protected: bool,
    protection_concluded_at: Option<i64>,
    returns: Vec<ReturnRecord>,
    refunds: Vec<RefundRecord>,
    claims: Vec<(ClaimRecord, Vec<store::claims::DocumentInfo>)>,
    events: Vec<EventRecord>,
    messages: Vec<MessageRecord>,
    documents: Vec<Document>,
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

async fn load(state: &AppState, merchant: &Merchant, order_id: i64) -> AppResult<Evidence> {
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

fn iso_text(ms: i64) -> String {
    iso(Some(ms)).as_str().unwrap_or("").to_string()
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

/// The key facts and the timeline in plain text, for a person.
fn summary(e: &Evidence) -> String {
    let o = &e.order;
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        s,
        "Evidence pack: order {} at {}",
        o.number, e.merchant_name
    );
    let _ = writeln!(s, "{}", "=".repeat(60));
    let _ = writeln!(s, "Placed:      {}", iso_text(o.placed_at.millis()));
    let _ = writeln!(
        s,
        "Buyer:       {} <{}>",
        o.buyer_name,
        o.buyer_email.as_str()
    );
    let _ = writeln!(s, "Goods total: {}", o.goods_total());
    let _ = writeln!(
        s,
        "Protection:  {}",
        match (e.protected, e.protection_concluded_at) {
            (false, _) => "not protected".to_string(),
            (true, None) => "protected".to_string(),
            (true, Some(at)) => format!("protected, concluded by the buyer {}", iso_text(at)),
        }
    );
    let _ = writeln!(s, "\nLines");
    for l in &o.lines {
        let _ = writeln!(
            s,
            "  {} x {} ({}) at {}",
            l.quantity, l.title, l.sku, l.unit_price
        );
    }
    let _ = writeln!(s, "\nPayments");
    for p in &o.payments {
        let _ = writeln!(
            s,
            "  {} via {} ({}): captured {}, refunded {}",
            p.method.code(),
            p.gateway,
            p.reference,
            p.captured,
            p.refunded
        );
    }
    let _ = writeln!(s, "\nShipments");
    for sh in &o.shipments {
        let at =
            |t: Option<reso_domain::Timestamp>| t.map_or("-".to_string(), |t| iso_text(t.millis()));
        let _ = writeln!(
            s,
            "  {} tracking {}: shipped {}, delivered {}",
            sh.carrier,
            sh.tracking_number,
            at(sh.shipped_at),
            at(sh.delivered_at)
        );
    }
    if !e.returns.is_empty() {
        let _ = writeln!(s, "\nReturns");
        for r in &e.returns {
            let _ = writeln!(
                s,
                "  {} ({}), asked {}{}",
                r.rma.as_deref().unwrap_or("no RMA"),
                r.status.code(),
                iso_text(r.created_at),
                r.return_tracking
                    .as_deref()
                    .map(|t| format!(", sent back with tracking {t}"))
                    .unwrap_or_default()
            );
        }
    }
    if !e.refunds.is_empty() {
        let _ = writeln!(s, "\nRefunds");
        for r in &e.refunds {
            let _ = writeln!(
                s,
                "  {}: {} {} ({}, {}), {}",
                r.credit_note,
                reso_domain::Currency::parse(&r.currency)
                    .map(|c| Money::new(r.amount_minor, c).to_string())
                    .unwrap_or_else(|_| format!("{} {}", r.amount_minor, r.currency)),
                r.status,
                r.method,
                r.reason,
                iso_text(r.created_at)
            );
        }
    }
    if !e.claims.is_empty() {
        let _ = writeln!(s, "\nClaims");
        for (c, docs) in &e.claims {
            let _ = writeln!(
                s,
                "  #{} {} ({}), opened {}, {} document(s)",
                c.id,
                c.claim.kind.code(),
                c.claim.status.code(),
                iso_text(c.created_at),
                docs.len()
            );
        }
    }
    let _ = writeln!(s, "\nTimeline");
    for ev in &e.events {
        let _ = writeln!(s, "  {}  {:<28} {}", iso_text(ev.at), ev.kind, ev.actor);
    }
    if !e.messages.is_empty() {
        let _ = writeln!(s, "\nMessages");
        for m in &e.messages {
            let _ = writeln!(
                s,
                "  {} {} on {} {}: {}",
                iso_text(m.created_at),
                m.author_role,
                m.subject.code(),
                m.subject.id(),
                m.body.replace('\n', " ")
            );
        }
    }
    if !e.documents.is_empty() {
        let _ = writeln!(s, "\nDocuments (in documents/)");
        for d in &e.documents {
            let _ = writeln!(s, "  {} ({} bytes)", d.name, d.bytes.len());
        }
    }
    s
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
    zip.write_all(summary(e).as_bytes()).map_err(io)?;
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
