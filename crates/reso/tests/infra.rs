//! Proves the test infrastructure in `tests/support/` works on its own:
//! the SMTP sink against lettre's real client, and the browser harness
//! against a tiny page.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/smtp.rs"]
mod smtp;

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use browser::Browser;
use smtp::SmtpSink;

const WAIT: Duration = Duration::from_secs(5);

fn transport(sink: &SmtpSink) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(sink.port())
        .build()
}

fn mail(to: &str, subject: &str, text: &str) -> Message {
    Message::builder()
        .from("Reso <returns@shop.test>".parse::<Mailbox>().unwrap())
        .to(to.parse::<Mailbox>().unwrap())
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(text.to_owned())
        .unwrap()
}

#[tokio::test]
async fn smtp_sink_receives_and_decodes_a_mail_sent_by_lettre() {
    let sink = SmtpSink::start().await;
    // Lines starting with a dot exercise dot-stuffing on the way in.
    let text = "Ihre Rückerstattung über 12,34 € ist unterwegs.\r\n.\r\n.hidden line\r\n";

    transport(&sink)
        .send(mail(
            "Käthe <kaethe@buyer.test>",
            "Ihre Rückerstattung",
            text,
        ))
        .await
        .expect("the sink accepts the mail");

    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.from, "returns@shop.test");
    assert_eq!(mail.recipients, ["kaethe@buyer.test"]);
    assert_eq!(mail.subject().as_deref(), Some("Ihre Rückerstattung"));
    // lettre sends the body quoted-printable, so finding the words proves
    // that `text()` decodes.
    assert!(!mail.data.contains("Rückerstattung über"));
    let decoded = mail.text();
    assert!(decoded.contains("Rückerstattung über 12,34 €"), "{decoded}");
    assert!(decoded.contains("\n.\r\n.hidden line"), "{decoded:?}");
}

#[tokio::test]
async fn smtp_sink_decodes_every_part_of_a_text_and_html_mail() {
    let sink = SmtpSink::start().await;
    let message = Message::builder()
        .from("returns@shop.test".parse::<Mailbox>().unwrap())
        .to("a@buyer.test".parse::<Mailbox>().unwrap())
        .cc("b@buyer.test".parse::<Mailbox>().unwrap())
        .subject("Retoure genehmigt")
        .multipart(MultiPart::alternative_plain_html(
            "Ihre Retoure wurde genehmigt.".to_owned(),
            "<p>Ihre Retoure wurde <strong>genehmigt</strong>.</p>".to_owned(),
        ))
        .unwrap();

    transport(&sink).send(message).await.unwrap();

    let mail = &sink.wait_for(1, WAIT).await[0];
    assert_eq!(mail.recipients, ["a@buyer.test", "b@buyer.test"]);
    assert!(mail.text().contains("Ihre Retoure wurde genehmigt."));
    assert!(mail.text().contains("<strong>genehmigt</strong>"));
    assert_eq!(
        mail.html().as_deref(),
        Some("<p>Ihre Retoure wurde <strong>genehmigt</strong>.</p>")
    );
}

#[tokio::test]
async fn smtp_sink_fails_the_next_deliveries_transiently_when_asked() {
    let sink = SmtpSink::start().await;
    let transport = transport(&sink);
    sink.fail_next(1);

    let error = transport
        .send(mail("a@buyer.test", "first", "first try"))
        .await
        .expect_err("the sink rejects the first delivery");
    assert!(error.is_transient(), "{error:?}");
    assert!(sink.messages().is_empty());

    transport
        .send(mail("a@buyer.test", "second", "second try"))
        .await
        .expect("the sink accepts the retry");
    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject().as_deref(), Some("second"));
}

#[tokio::test]
#[should_panic(expected = "expected at least 1 mail(s)")]
async fn smtp_sink_wait_for_panics_when_no_mail_arrives() {
    let sink = SmtpSink::start().await;
    sink.wait_for(1, Duration::from_millis(50)).await;
}

#[tokio::test]
async fn browser_is_skipped_without_chromedriver() {
    if std::env::var_os(browser::CHROMEDRIVER_ENV).is_none() {
        assert!(Browser::start().await.is_none());
    }
}

/// Serves one fixed HTML page on loopback; returns its URL.
async fn serve_page(html: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                // The request is small; one read is enough to get past it.
                let mut request = [0; 4096];
                let _ = stream.read(&mut request).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn browser_shows_a_page_title() {
    let browser = Browser::start()
        .await
        .expect("set RESO_CHROMEDRIVER to run browser tests");
    let url = serve_page(
        "<!doctype html><html><head><title>Reso Rückgabe</title></head>\
         <body><h1 id=greeting>Hallo</h1></body></html>",
    )
    .await;

    browser.client().goto(&url).await.unwrap();
    assert_eq!(browser.client().title().await.unwrap(), "Reso Rückgabe");

    let screenshot = tempfile::tempdir().unwrap();
    let path = screenshot.path().join("page.png");
    browser.screenshot(&path).await.unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs chromium; run by .ci/run"]
async fn phone_browser_has_a_phone_sized_viewport() {
    let browser = Browser::start_phone()
        .await
        .expect("set RESO_CHROMEDRIVER to run browser tests");
    let url = serve_page(
        "<!doctype html><title>phone</title>\
         <meta name=viewport content=\"width=device-width, initial-scale=1\">",
    )
    .await;

    browser.client().goto(&url).await.unwrap();
    let width = browser
        .client()
        .execute("return window.innerWidth", vec![])
        .await
        .unwrap();
    assert_eq!(width.as_u64(), Some(390), "{width}");
    // Dropped without `close()`: the drop must still clean up everything.
}
