//! E-mail: the `mail` job renders one message in the recipient's language and
//! sends it through SMTP, or drops it as an `.eml` file in the mail directory
//! (the demo's mailbox). Delivery is at least once: a crash between sending
//! and marking the job done sends the message again, with the same Message-ID.

mod claims;
mod compose;
mod layout;
mod quality;

pub use compose::{compose, Action, Fact, Letter, Support, UnknownTemplate, TEMPLATES};

use super::{int_field, str_field, Done, JobError, JobResult};
use crate::i18n::Translations;
use crate::store::{self, jobs::Job, merchants::Merchant, StoreError};
use crate::AppState;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// One e-mail, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    UnknownTemplate(#[from] UnknownTemplate),
    #[error("the HTML layout failed: {0}")]
    Layout(#[from] askama::Error),
}

/// Renders the e-mail a mail job's payload describes. Pure: the caller loads
/// the merchant, so its current support contact is the one shown.
pub fn render(
    i18n: &Translations,
    merchant: &Merchant,
    public_url: &str,
    payload: &Value,
) -> Result<RenderedMail, RenderError> {
    let letter = compose(i18n, merchant, public_url, payload)?;
    Ok(RenderedMail {
        subject: letter.subject.clone(),
        text: layout::text(&letter),
        html: layout::html(&letter)?,
    })
}

/// `mail {template, to, locale, merchant_id, event_id, data, kind?, order_id?, return_id?}`.
pub async fn run(state: &AppState, job: &Job) -> JobResult {
    let template = str_field(job, "template")?;
    let to = str_field(job, "to")?;
    let merchant_id = int_field(job, "merchant_id")?;
    let mut payload = job.payload.clone();
    let merchant = {
        let mut conn = state.db.reader().acquire().await?;
        let merchant = match store::merchants::by_id(&mut conn, merchant_id).await {
            Ok(m) => m,
            Err(StoreError::NotFound) => {
                return Err(JobError::Permanent(anyhow::anyhow!(
                    "merchant {merchant_id} does not exist"
                )))
            }
            Err(e) => return Err(e.into()),
        };
        // Amounts in the authorization mail (the return label cost) are in
        // the order's currency, which that event does not carry.
        if payload.pointer("/data/currency").is_none() {
            if let Some(return_id) = payload.get("return_id").and_then(Value::as_i64) {
                if let Ok(currency) =
                    store::returns::currency(&mut conn, merchant_id, return_id).await
                {
                    if let Some(data) = payload.get_mut("data").and_then(Value::as_object_mut) {
                        data.insert("currency".into(), Value::from(currency));
                    }
                }
            }
        }
        merchant
    };
    if repeats_what_was_said(&payload) {
        return Ok(Done::default());
    }
    if claims::needs_order_link(template) {
        add_order_link(state, &merchant, to, &mut payload);
    }
    let mail = render(&state.i18n, &merchant, &state.config.public_url, &payload)
        .map_err(|e| JobError::Permanent(e.into()))?;
    let message = build(state, job, &merchant, template, to, mail)?;
    deliver(state, job.id, template, to, message).await
}

/// How long the order link in a protection or claim e-mail works: long
/// enough to react to a merchant's answer (20 days by default) from the mail.
pub const ORDER_LINK_DAYS: i64 = 30;

/// Signs the buyer's link to their order page into the payload's data.
fn add_order_link(state: &AppState, merchant: &Merchant, to: &str, payload: &mut Value) {
    let Some(order_id) = payload.get("order_id").and_then(Value::as_i64) else {
        return;
    };
    let access = crate::app::auth::BuyerAccess {
        merchant_id: merchant.id,
        order_id,
        email: to.to_string(),
    };
    let expires = state.now() + ORDER_LINK_DAYS * reso_domain::time::MS_PER_DAY;
    let token = crate::app::auth::sign_buyer_link(state, &access, expires);
    let link = format!(
        "{}/s/{}/o/{token}",
        state.config.public_url.trim_end_matches('/'),
        merchant.slug
    );
    if let Some(data) = payload.get_mut("data").and_then(Value::as_object_mut) {
        data.insert(claims::ORDER_LINK.into(), Value::from(link));
    }
}

/// An escalation nobody needs to hear of again: a claim about "another
/// problem" goes to the mediators as it opens (the opening mail says so), and
/// the buyer need not hear that the shop missed a document request.
fn repeats_what_was_said(payload: &Value) -> bool {
    let s = |p: &str| payload.pointer(p).and_then(Value::as_str).unwrap_or("");
    let to_staff = s("/template") == "staff.notification";
    let kind = if to_staff { s("/kind") } else { s("/template") };
    if kind != "claim.escalated" {
        return false;
    }
    let why = s("/data/why");
    (s("/data/escalation") == "other_problem" && why.is_empty())
        || (!to_staff && why == "claim_documents")
}

fn build(
    state: &AppState,
    job: &Job,
    merchant: &Merchant,
    template: &str,
    to: &str,
    mail: RenderedMail,
) -> Result<Message, JobError> {
    let bad =
        |what: &str, e: &dyn std::fmt::Display| JobError::Permanent(anyhow::anyhow!("{what}: {e}"));
    let from: Mailbox = match &state.config.smtp {
        Some(smtp) => smtp
            .from
            .parse()
            .map_err(|e| bad("the configured SMTP sender", &e))?,
        None => Mailbox::new(
            Some(merchant.name.clone()),
            "returns@localhost".parse().map_err(|e| bad("sender", &e))?,
        ),
    };
    let to: Mailbox = to.parse().map_err(|e| bad("the recipient", &e))?;
    let host = message_id_host(&state.config.public_url);
    let sent_at = UNIX_EPOCH + Duration::from_millis(u64::try_from(state.now()).unwrap_or(0));
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .date(sent_at)
        // The same id on every attempt lets mail clients fold a duplicate.
        .message_id(Some(format!(
            "<reso.{}.{}@{host}>",
            job.id,
            template.replace('.', "-")
        )));
    if template != "staff.notification" {
        // Buyers' replies go to the shop's support, not to the sending address.
        if let Ok(support) = merchant.support.email.parse() {
            builder = builder.reply_to(Mailbox::new(Some(merchant.name.clone()), support));
        }
    }
    builder
        .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
        .map_err(|e| bad("the message could not be built", &e))
}

/// The host part of the public URL, for Message-IDs.
fn message_id_host(public_url: &str) -> String {
    let rest = public_url.split_once("://").map_or(public_url, |(_, r)| r);
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('[') {
        "reso.invalid".to_string()
    } else {
        host.to_string()
    }
}

async fn deliver(
    state: &AppState,
    job_id: i64,
    template: &str,
    to: &str,
    message: Message,
) -> JobResult {
    if let Some(smtp) = &state.config.smtp {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        return match transport.send(message).await {
            Ok(_) => Ok(Done::default()),
            // 5xx: the server will never take this message (unknown mailbox…).
            Err(e) if e.is_permanent() => Err(JobError::Permanent(anyhow::anyhow!(
                "SMTP refused the mail to {to}: {e}"
            ))),
            Err(e) => Err(JobError::Retry(anyhow::anyhow!(
                "SMTP {}:{}: {e}",
                smtp.host,
                smtp.port
            ))),
        };
    }
    if let Some(dir) = &state.config.mail_dir {
        let path = dir.join(format!("{job_id}-{template}.eml"));
        let bytes = message.formatted();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
            .await
            .map_err(|e| JobError::Retry(e.into()))?
            .map_err(|e| JobError::Retry(anyhow::anyhow!("writing the mail file: {e}")))?;
        return Ok(Done::default());
    }
    tracing::info!(
        job = job_id,
        template,
        to,
        "no SMTP server nor mail directory configured; mail not sent"
    );
    Ok(Done::default())
}

/// Whoever reads the mailbox never sees half a message.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("eml.partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::message_id_host;

    #[test]
    fn message_ids_use_the_public_host() {
        assert_eq!(
            message_id_host("https://returns.example.com/base"),
            "returns.example.com"
        );
        assert_eq!(message_id_host("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(message_id_host("http://[::1]:8080"), "reso.invalid");
        assert_eq!(message_id_host(""), "reso.invalid");
    }

    #[test]
    fn the_fallback_sender_address_is_valid() {
        assert!("returns@localhost".parse::<lettre::Address>().is_ok());
    }
}
