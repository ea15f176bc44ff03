//! The story of an order for a person to read: the evidence pack's
//! `summary.txt`, and the PDF sent to a payment provider with a dispute
//! answer. One set of sections, two renderings.

use super::evidence::Evidence;
use reso_domain::{Currency, Money, Timestamp};
use std::fmt::Write as _;

/// A titled list of entries; an entry may span several lines (`\n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) heading: String,
    pub(crate) entries: Vec<String>,
}

impl Section {
    pub(crate) fn new(heading: &str, entries: Vec<String>) -> Section {
        Section {
            heading: heading.to_string(),
            entries,
        }
    }
}

/// "2026-03-02 10:15 UTC".
pub(crate) fn when(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

fn when_opt(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "-".to_string(), |t| when(t.millis()))
}

fn amount(minor: i64, currency: &str) -> String {
    Currency::parse(currency)
        .map(|c| Money::new(minor, c).to_string())
        .unwrap_or_else(|_| format!("{minor} {currency}"))
}

/// The order's facts, goods, money, deliveries, returns, refunds, claims,
/// conversation and timeline, in that order.
pub(crate) fn sections(e: &Evidence) -> Vec<Section> {
    let mut out = vec![
        order(e),
        Section::new("Lines", lines(e)),
        payments(e),
        shipments(e),
    ];
    let optional = [
        Section::new("Returns", returns(e)),
        Section::new("Refunds", refunds(e)),
        Section::new("Claims", claims(e)),
        Section::new("Messages", messages(e)),
    ];
    out.extend(optional.into_iter().filter(|s| !s.entries.is_empty()));
    out.push(Section::new(
        "Timeline",
        e.events
            .iter()
            .map(|ev| format!("{}  {}  {}", when(ev.at), ev.kind, ev.actor))
            .collect(),
    ));
    out
}

fn order(e: &Evidence) -> Section {
    let o = &e.order;
    let protection = match (e.protected, e.protection_concluded_at) {
        (false, _) => "not protected".to_string(),
        (true, None) => "protected".to_string(),
        (true, Some(at)) => format!("protected, concluded by the buyer {}", when(at)),
    };
    Section::new(
        "Order",
        vec![
            format!("Shop: {}", e.merchant_name),
            format!("Order number: {}", o.number),
            format!("Placed: {}", when(o.placed_at.millis())),
            format!("Buyer: {} <{}>", o.buyer_name, o.buyer_email.as_str()),
            format!("Goods total: {}", o.goods_total()),
            format!("Protection: {protection}"),
        ],
    )
}

/// "2 × Mug (MUG-1)", one per order line: what was sold.
pub(crate) fn line_descriptions(e: &Evidence) -> Vec<String> {
    e.order
        .lines
        .iter()
        .map(|l| format!("{} × {} ({})", l.quantity, l.title, l.sku))
        .collect()
}

fn lines(e: &Evidence) -> Vec<String> {
    e.order
        .lines
        .iter()
        .zip(line_descriptions(e))
        .map(|(l, what)| {
            let returnable = if l.returnable { "" } else { ", not returnable" };
            format!("{what} at {}{returnable}", l.unit_price)
        })
        .collect()
}

fn payments(e: &Evidence) -> Section {
    Section::new(
        "Payments",
        e.order
            .payments
            .iter()
            .map(|p| {
                format!(
                    "{} via {} ({}): captured {}, refunded {}",
                    p.method.code(),
                    p.gateway,
                    p.reference,
                    p.captured,
                    p.refunded
                )
            })
            .collect(),
    )
}

fn shipments(e: &Evidence) -> Section {
    Section::new(
        "Shipments",
        e.order
            .shipments
            .iter()
            .map(|s| {
                format!(
                    "{} tracking {}: shipped {}, delivered {}",
                    s.carrier,
                    s.tracking_number,
                    when_opt(s.shipped_at),
                    when_opt(s.delivered_at)
                )
            })
            .collect(),
    )
}

fn returns(e: &Evidence) -> Vec<String> {
    e.returns
        .iter()
        .map(|r| {
            let mut s = format!(
                "{} ({}), asked {}, last change {}",
                r.rma.as_deref().unwrap_or("no RMA"),
                r.status.code(),
                when(r.created_at),
                when(r.updated_at)
            );
            for l in &r.lines {
                let _ = write!(
                    s,
                    "\n{} × {} ({}), reason {}",
                    l.quantity,
                    l.title,
                    l.sku,
                    l.reason.code()
                );
                if let Some(d) = &l.inspection {
                    let _ = write!(s, "; inspected: {} accepted", d.accepted_quantity);
                }
            }
            if !r.comment.is_empty() {
                let _ = write!(s, "\nBuyer's comment: {}", r.comment);
            }
            if let Some(t) = &r.return_tracking {
                let carrier = r.return_carrier.as_deref().unwrap_or("carrier unknown");
                let _ = write!(s, "\nSent back with {carrier}, tracking {t}");
            }
            if let Some(why) = &r.rejection_reason {
                let _ = write!(s, "\nRejected: {why}");
            }
            s
        })
        .collect()
}

fn refunds(e: &Evidence) -> Vec<String> {
    e.refunds
        .iter()
        .map(|r| {
            let mut s = format!(
                "{}: {} {} ({}, {}), {}, last change {}",
                r.credit_note,
                amount(r.amount_minor, &r.currency),
                r.status,
                r.method,
                r.reason,
                when(r.created_at),
                when(r.updated_at)
            );
            if let Some(failure) = &r.failure {
                let _ = write!(s, "\nFailure: {failure}");
            }
            s
        })
        .collect()
}

fn claims(e: &Evidence) -> Vec<String> {
    let currency = e.order.currency.as_str();
    e.claims
        .iter()
        .map(|(c, docs)| {
            let mut s = format!(
                "#{} {} ({}), opened {}, {} document(s)",
                c.id,
                c.claim.kind.code(),
                c.claim.status.code(),
                when(c.created_at),
                docs.len()
            );
            if !c.buyer_text.is_empty() {
                let _ = write!(s, "\nBuyer: {}", c.buyer_text);
            }
            if let Some(decision) = &c.answer_decision {
                let _ = write!(s, "\nShop's answer: {decision}");
                if let Some(minor) = c.answer_amount_minor {
                    let _ = write!(s, ", {}", amount(minor, currency));
                }
                if let Some(at) = c.answered_at {
                    let _ = write!(s, " ({})", when(at));
                }
                if let Some(m) = c.answer_message.as_deref().filter(|m| !m.is_empty()) {
                    let _ = write!(s, ": {m}");
                }
            }
            if let Some(reaction) = &c.reaction {
                let at = c.reacted_at.map(when).unwrap_or_default();
                let _ = write!(s, "\nBuyer's reaction: {reaction} {at}");
            }
            if let Some(m) = &c.decision_message {
                let at = c.decided_at.map(when).unwrap_or_default();
                let _ = write!(s, "\nDecision {at}: {m}");
            }
            s
        })
        .collect()
}

fn messages(e: &Evidence) -> Vec<String> {
    e.messages
        .iter()
        .map(|m| {
            // "buyer:ada@example.com" reads "buyer (ada@example.com)".
            let role_prefix = format!("{}:", m.author_role);
            let who = m.author.strip_prefix(&role_prefix).unwrap_or(&m.author);
            let mut s = format!(
                "{} {} ({who}) on {} {}:\n{}",
                when(m.created_at),
                m.author_role,
                m.subject.code(),
                m.subject.id(),
                m.body
            );
            for a in &m.attachments {
                let _ = write!(s, "\nAttachment: {} ({})", a.filename, a.content_type);
            }
            s
        })
        .collect()
}

/// Plain text: the title, then each section with its entries indented.
pub(crate) fn to_text(title: &str, sections: &[Section]) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(s, "{title}");
    let _ = writeln!(s, "{}", "=".repeat(60));
    for section in sections {
        let _ = writeln!(s, "\n{}", section.heading);
        for entry in &section.entries {
            let mut lines = entry.lines();
            if let Some(first) = lines.next() {
                let _ = writeln!(s, "  {first}");
            }
            for more in lines {
                let _ = writeln!(s, "    {more}");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_minutes() {
        // 2026-03-02T10:15:30Z
        assert_eq!(when(1_772_446_530_000), "2026-03-02 10:15 UTC");
    }

    #[test]
    fn text_indents_entries_and_their_continuation_lines() {
        let text = to_text(
            "Evidence pack: order E-1 at Shop",
            &[Section::new(
                "Messages",
                vec!["2026-03-02 buyer:\nWhere is it?\nStill nothing.".into()],
            )],
        );
        assert!(text.starts_with("Evidence pack: order E-1 at Shop\n===="));
        assert!(text
            .contains("\nMessages\n  2026-03-02 buyer:\n    Where is it?\n    Still nothing.\n"));
    }
}
