//! A real SMTP server on loopback that keeps every mail it accepts, so tests
//! can assert on what the app sent through its ordinary SMTP transport.
//!
//! It speaks the subset of ESMTP that lettre's client uses (EHLO/HELO, MAIL,
//! RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and can be told to
//! reject the next deliveries with a temporary error to exercise retries.

// Each test binary uses a different part of the support code; unused parts
// are expected there, so `expect` would fire wherever everything is used.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mail_parser::{MessageParser, PartType};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// One mail as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), empty for a null sender.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), in order.
    pub recipients: Vec<String>,
    /// The message as transmitted after `DATA`, dot-unstuffed, with CRLF line
    /// ends and without the terminating `.` line.
    pub data: String,
}

impl ReceivedMail {
    /// The decoded contents of every `text/*` part (plain and HTML),
    /// joined by newlines, so a test can search for words regardless of the
    /// transfer encoding (quoted-printable, base64) the sender chose.
    pub fn text(&self) -> String {
        let message = self.parse();
        message
            .parts
            .iter()
            .filter_map(|part| match &part.body {
                PartType::Text(text) | PartType::Html(text) => Some(text.as_ref()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The decoded `text/html` parts, joined by newlines, if there are any.
    pub fn html(&self) -> Option<String> {
        let message = self.parse();
        let html: Vec<&str> = message
            .parts
            .iter()
            .filter_map(|part| match &part.body {
                PartType::Html(html) => Some(html.as_ref()),
                _ => None,
            })
            .collect();
        (!html.is_empty()).then(|| html.join("\n"))
    }

    /// The decoded `Subject` header.
    pub fn subject(&self) -> Option<String> {
        self.parse().subject().map(str::to_owned)
    }

    /// The decoded value of the first header called `name`
    /// (case-insensitive), for headers with a text value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parse()
            .header(name)
            .and_then(|value| value.as_text())
            .map(str::to_owned)
    }

    fn parse(&self) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(self.data.as_bytes())
            .unwrap_or_else(|| panic!("received mail is not a parsable message:\n{}", self.data))
    }
}

/// State shared between the sink handle and its connections.
struct Shared {
    mails: watch::Sender<Vec<ReceivedMail>>,
    /// How many of the next deliveries to reject with `451`.
    failures_left: AtomicUsize,
}

/// A running SMTP server; it stops when dropped.
pub struct SmtpSink {
    port: u16,
    shared: Arc<Shared>,
    // Aborting the accept loop drops its `JoinSet`, which aborts the open
    // connections too.
    server: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    /// Starts the server on `127.0.0.1` on a port the OS picks.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the test SMTP server on loopback");
        let port = listener.local_addr().expect("local address").port();
        let shared = Arc::new(Shared {
            mails: watch::Sender::new(Vec::new()),
            failures_left: AtomicUsize::new(0),
        });
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        SmtpSink {
            port,
            shared,
            server,
        }
    }

    /// The port to point the SMTP client at (host `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every mail accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared.mails.borrow().clone()
    }

    /// Waits until at least `count` mails have arrived and returns all of
    /// them; panics if that has not happened within `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let mut mails = self.shared.mails.subscribe();
        let arrived = tokio::time::timeout(timeout, mails.wait_for(|mails| mails.len() >= count))
            .await
            .map(|mails| mails.expect("the sink outlives its receivers").clone());
        match arrived {
            Ok(mails) => mails,
            Err(_) => panic!(
                "expected at least {count} mail(s) at the test SMTP server within {timeout:?}, \
                 got {}: {:#?}",
                self.messages().len(),
                self.messages()
            ),
        }
    }

    /// Rejects the next `count` deliveries at the end of `DATA` with
    /// `451 4.3.0`, a temporary error that a client should retry later.
    pub fn fail_next(&self, count: usize) {
        self.shared.failures_left.store(count, Ordering::SeqCst);
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, Arc::clone(&shared)));
                }
                Err(error) => eprintln!("test SMTP server: accept failed: {error}"),
            },
            // Reap finished connections so the set does not grow forever.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The envelope of the transaction in progress.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    recipients: Vec<String>,
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    if let Err(error) = converse(stream, &shared).await {
        eprintln!("test SMTP server: connection ended with an error: {error}");
    }
}

async fn converse(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer
        .write_all(b"220 reso-test-smtp ESMTP ready\r\n")
        .await?;

    let mut envelope = Envelope::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));

        let reply: &[u8] = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                envelope = Envelope::default();
                b"250-reso-test-smtp\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES\r\n"
            }
            "HELO" => {
                envelope = Envelope::default();
                b"250 reso-test-smtp\r\n"
            }
            "MAIL" => match path_argument(argument, "FROM:") {
                Some(from) => {
                    envelope = Envelope {
                        from: Some(from),
                        recipients: Vec::new(),
                    };
                    b"250 2.1.0 OK\r\n"
                }
                None => b"501 5.5.4 Syntax: MAIL FROM:<address>\r\n",
            },
            "RCPT" => match (&envelope.from, path_argument(argument, "TO:")) {
                (None, _) => b"503 5.5.1 MAIL first\r\n",
                (Some(_), Some(recipient)) => {
                    envelope.recipients.push(recipient);
                    b"250 2.1.5 OK\r\n"
                }
                (Some(_), None) => b"501 5.5.4 Syntax: RCPT TO:<address>\r\n",
            },
            "DATA" if envelope.recipients.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = read_data(&mut reader).await? else {
                    return Ok(());
                };
                let envelope = std::mem::take(&mut envelope);
                if take_failure(shared) {
                    b"451 4.3.0 Temporary failure requested by the test\r\n"
                } else {
                    shared.mails.send_modify(|mails| {
                        mails.push(ReceivedMail {
                            from: envelope.from.unwrap_or_default(),
                            recipients: envelope.recipients,
                            data,
                        })
                    });
                    b"250 2.0.0 OK: queued\r\n"
                }
            }
            "RSET" => {
                envelope = Envelope::default();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                writer.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not implemented\r\n",
        };
        writer.write_all(reply).await?;
    }
}

/// Extracts the address from `FROM:<a@b> PARAMS` / `TO:<a@b>`, ignoring
/// ESMTP parameters such as `BODY=8BITMIME` and `SMTPUTF8`.
fn path_argument(argument: &str, keyword: &str) -> Option<String> {
    let prefix = argument.get(..keyword.len())?;
    if !prefix.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let path = argument[keyword.len()..].trim_start();
    let path = path.strip_prefix('<')?;
    let end = path.find('>')?;
    Some(path[..end].to_owned())
}

/// Reads the message after `DATA` up to the lone `.` line, undoing the
/// client's dot-stuffing. `None` if the client hung up midway.
async fn read_data<R>(reader: &mut R) -> std::io::Result<Option<String>>
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(Some(String::from_utf8_lossy(&data).into_owned()));
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(unstuffed);
    }
}

fn take_failure(shared: &Shared) -> bool {
    shared
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
            left.checked_sub(1)
        })
        .is_ok()
}
