//! `reso serve` and `reso demo`.

use super::{redact, sqlite_url, DbArgs, Failure};
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::metrics::Metrics;
use crate::secrets::{SecretKey, KEY_VAR};
use crate::{demo, server, AppState, Config, SmtpConfig};
use clap::Args;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "RESO_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
    /// Where buyers and staff reach this server, for links in e-mails
    /// (default: http://ADDR).
    #[arg(long, env = "RESO_PUBLIC_URL")]
    public_url: Option<String>,
    /// Send mail through this SMTP relay (plain SMTP, e.g. a local Postfix);
    /// without it mail is written as .eml files to DATA_DIR/mail.
    #[arg(long, env = "RESO_SMTP_HOST")]
    smtp_host: Option<String>,
    /// Port of the SMTP relay.
    #[arg(long, env = "RESO_SMTP_PORT", default_value_t = 25)]
    smtp_port: u16,
    /// Sender of all mail, e.g. "Shop returns <returns@shop.example>".
    #[arg(long, env = "RESO_SMTP_FROM", default_value = "Reso <reso@localhost>")]
    smtp_from: String,
    /// Send cookies only over HTTPS (set this behind TLS).
    #[arg(long, env = "RESO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Development only: run on a clock that `POST /api/dev/clock/advance`
    /// moves forward, to watch deadlines pass. Refused with --secure-cookies.
    #[arg(long, env = "RESO_DEV_CLOCK")]
    dev_clock: bool,
    /// Answer GET /metrics only with 'Authorization: Bearer TOKEN'
    /// (open without it: the metrics are aggregate counts).
    #[arg(long, env = "RESO_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Let several `reso serve` processes listen on the same address (Unix
    /// SO_REUSEPORT): the kernel spreads new connections over them. For
    /// PostgreSQL; several processes on one SQLite file gain nothing.
    #[arg(long, env = "RESO_REUSE_PORT")]
    reuse_port: bool,
    /// Key that encrypts payment providers' secrets at rest: base64 of 32
    /// random bytes (`openssl rand -base64 32`). Set it in the environment
    /// rather than on the command line, and keep it: secrets stored under
    /// one key cannot be read with another. Without it Reso runs but
    /// refuses to store a provider account's secrets.
    #[arg(long, env = "RESO_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of the demo's SQLite database and mailbox.
    #[arg(long, default_value = "./demo-data")]
    data_dir: PathBuf,
    /// Delete the folder first and start again from fresh demo data.
    #[arg(long)]
    fresh: bool,
    /// Run on the movable development clock (the default for the demo).
    #[arg(long, overrides_with = "no_dev_clock")]
    dev_clock: bool,
    /// Run the demo on the system clock, without the clock API.
    #[arg(long)]
    no_dev_clock: bool,
}

async fn bind(addr: SocketAddr, reuse_port: bool) -> Result<(TcpListener, String), Failure> {
    let listener = if reuse_port {
        listen_shared(addr)
    } else {
        TcpListener::bind(addr).await
    }
    .map_err(|e| Failure::Usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(anyhow::Error::from)?;
    // 0.0.0.0 is where to listen, not an address a browser can open.
    let host = if bound.ip().is_unspecified() {
        format!("localhost:{}", bound.port())
    } else {
        bound.to_string()
    };
    Ok((listener, format!("http://{host}")))
}

/// A listener that other processes may bind too (`--reuse-port`).
#[cfg(unix)]
fn listen_shared(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As `TcpListener::bind` does on Unix: a restart need not wait for TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

#[cfg(not(unix))]
fn listen_shared(_addr: SocketAddr) -> std::io::Result<TcpListener> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "--reuse-port needs a Unix system",
    ))
}

/// The system clock, or with `--dev-clock` one the API can move, and the
/// routes that move it.
fn clock(dev_clock: bool) -> (Arc<dyn Clock>, Option<ManualClock>) {
    if dev_clock {
        let manual = ManualClock::following_system();
        (Arc::new(manual.clone()), Some(manual))
    } else {
        (Arc::new(SystemClock), None)
    }
}

async fn state(url: &str, config: Config, clock: Arc<dyn Clock>) -> Result<AppState, Failure> {
    server::build_state(url, config, clock).await.map_err(|e| {
        Failure::Internal(anyhow::anyhow!(
            "cannot open the database {}: {e:#}",
            redact(url)
        ))
    })
}

async fn run_until_stopped(
    state: AppState,
    listener: TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    dev_clock: Option<ManualClock>,
) -> Result<ExitCode, Failure> {
    let db = state.db.clone();
    let extra = dev_clock
        .map(crate::api::dev_clock::router)
        .unwrap_or_default();
    server::serve_on_with(state, listener, stop, extra).await?;
    db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

pub async fn serve(args: ServeArgs) -> Result<ExitCode, Failure> {
    if args.dev_clock && args.secure_cookies {
        return Err(Failure::Usage(
            "--dev-clock lets anyone with an API key move time, so it cannot run with \
             --secure-cookies (the production setting); drop one of them"
                .into(),
        ));
    }
    if args
        .metrics_token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        return Err(Failure::Usage(
            "--metrics-token is empty; set a token or leave it out".into(),
        ));
    }
    let sealing_key = match args.secret_key.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(Arc::new(
            SecretKey::from_base64(text).map_err(|e| Failure::Usage(e.to_string()))?,
        )),
        _ => None,
    };
    let url = args.db.url()?;
    let (listener, base) = bind(args.addr, args.reuse_port).await?;
    // Before anything says "ready": a stop request from then on is honoured.
    let stop = server::shutdown_signal();
    let public_url = args.public_url.clone().unwrap_or_else(|| base.clone());
    let smtp = args.smtp_host.as_ref().map(|host| SmtpConfig {
        host: host.clone(),
        port: args.smtp_port,
        from: args.smtp_from.clone(),
    });
    let mail_dir = if smtp.is_none() {
        Some(args.db.data_dir.join("mail"))
    } else {
        None
    };
    let mail_note = match (&smtp, &mail_dir) {
        (Some(s), _) => format!("SMTP {}:{}", s.host, s.port),
        (None, Some(dir)) => format!(".eml files in {}", dir.display()),
        (None, None) => "nowhere".to_string(),
    };
    let config = Config {
        public_url: public_url.clone(),
        smtp,
        mail_dir,
        secure_cookies: args.secure_cookies,
        simulator_settle_ms: crate::gateways::simulator::DEFAULT_SETTLE_AFTER_MS,
    };
    let (clock, dev_clock) = clock(args.dev_clock);
    let mut state = state(&url, config, clock).await?;
    if let Some(token) = args.metrics_token {
        state.metrics = Arc::new(Metrics::new(Some(token.trim().to_string())));
    }
    if sealing_key.is_none() {
        tracing::warn!(
            "{KEY_VAR} is not set: connecting a payment provider account is refused until it is"
        );
    }
    state.sealing_key = sealing_key;
    tracing::info!(database = %redact(&url), mail = %mail_note, %public_url, "Reso is ready");
    println!("Listening on {base}");
    println!(
        "Control center: {public_url}/admin   Database: {}   Mail: {mail_note}",
        redact(&url)
    );
    if dev_clock.is_some() {
        println!(
            "Development clock: POST {public_url}/api/dev/clock/advance moves time forward (not for production)"
        );
    }
    run_until_stopped(state, listener, stop, dev_clock).await
}

/// The demo's payment simulator settles refunds after half a minute.
pub const DEMO_SETTLE_MS: i64 = 30_000;

pub async fn demo(args: DemoArgs) -> Result<ExitCode, Failure> {
    if args.fresh && args.data_dir.exists() {
        remove_demo_dir(&args.data_dir)?;
    }
    let url = sqlite_url(&args.data_dir)?;
    let (listener, base) = bind(args.addr, false).await?;
    let stop = server::shutdown_signal();
    let mail_dir = args.data_dir.join("mail");
    let config = Config {
        public_url: base.clone(),
        smtp: None,
        mail_dir: Some(mail_dir.clone()),
        secure_cookies: false,
        // Short enough to watch a refund go from pending to refunded.
        simulator_settle_ms: DEMO_SETTLE_MS,
    };
    let (clock, dev_clock) = clock(!args.no_dev_clock);
    let mut state = state(&url, config, clock).await?;
    state.sealing_key = Some(Arc::new(demo_sealing_key(&args.data_dir)?));
    let key_file = args.data_dir.join("demo-api-key.txt");
    if demo::is_empty(&state).await? {
        eprintln!("Loading the demo data…");
        let loaded = demo::load(&state).await?;
        std::fs::write(&key_file, format!("{}\n", loaded.api_key)).map_err(anyhow::Error::from)?;
    }
    let api_key = std::fs::read_to_string(&key_file)
        .map(|k| k.trim().to_string())
        .ok();
    let link = match demo::showcase_link(&state).await {
        Ok(path) => Some(format!("{base}{path}")),
        // A database that already held other shops: serve it, without the tour.
        Err(_) => None,
    };
    tracing::info!(database = %url, mail = %mail_dir.display(), "Reso demo is ready");
    println!("Listening on {base}");
    print_tour(
        &base,
        link.as_deref(),
        api_key.as_deref(),
        &absolute(&mail_dir),
        dev_clock.is_some(),
    );
    run_until_stopped(state, listener, stop, dev_clock).await
}

/// The demo's key for provider secrets: `RESO_SECRET_KEY` when set, else
/// one made on first start and kept beside the demo's database, readable by
/// its owner only, so a provider connected in the demo works after a restart.
fn demo_sealing_key(data_dir: &Path) -> Result<SecretKey, Failure> {
    if let Some(key) = SecretKey::from_env().map_err(|e| Failure::Usage(e.to_string()))? {
        return Ok(key);
    }
    let path = data_dir.join(DEMO_SECRET_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretKey::from_base64(&text)
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (key, text) = SecretKey::generate();
            write_private(&path, &format!("{text}\n"))
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
            Ok(key)
        }
        Err(e) => Err(Failure::Usage(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

const DEMO_SECRET_KEY_FILE: &str = "secret-key.txt";

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// `--fresh` deletes a folder: only one that looks like a demo's.
fn remove_demo_dir(dir: &Path) -> Result<(), Failure> {
    let looks_like_demo = std::fs::read_dir(dir)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .all(|entry| {
            let name = entry.file_name().to_string_lossy().to_string();
            name.starts_with("reso.db")
                || name == "mail"
                || name == "demo-api-key.txt"
                || name == DEMO_SECRET_KEY_FILE
        });
    if !looks_like_demo {
        return Err(Failure::Usage(format!(
            "{} holds files that are not the demo's; not deleting it (choose another --data-dir)",
            dir.display()
        )));
    }
    std::fs::remove_dir_all(dir)
        .map_err(|e| Failure::Usage(format!("cannot delete {}: {e}", dir.display())))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn print_tour(
    base: &str,
    link: Option<&str>,
    api_key: Option<&str>,
    mail_dir: &Path,
    dev_clock: bool,
) {
    let Some(link) = link else {
        println!("This database has no demo shop 'acme'; start with --fresh for the guided demo.");
        return;
    };
    let (order, email) = demo::PORTAL_ORDER;
    let mut out = String::new();
    out.push_str(&format!("\nReso demo is running at {base}\n\n"));
    out.push_str(&format!(
        "Control center:  {base}/admin  (password for every login: {})\n",
        demo::PASSWORD
    ));
    for login in &demo::LOGINS {
        out.push_str(&format!(
            "    {:<6} {:<28} shop {}\n",
            login.role, login.email, login.shop
        ));
    }
    out.push_str(&format!(
        "Buyer portal:    {base}/s/{}/returns  (order {order}, e-mail {email})\n",
        demo::SHOP
    ));
    out.push_str(&format!("Magic link:      {link}\n"));
    out.push_str(&format!(
        "                 (order {} with several returns and a goodwill refund; valid {} days)\n",
        demo::SHOWCASE_ORDER,
        demo::LINK_DAYS
    ));
    out.push_str(&format!("Help page:       {base}/s/{}/help\n", demo::SHOP));
    out.push_str(&format!("OpenAPI:         {base}/api/openapi.json\n"));
    match api_key {
        Some(key) => out.push_str(&format!("API key (acme):  {key}\n")),
        None => out.push_str(
            "API key (acme):  not saved; create one with `reso api-key create --merchant acme`\n",
        ),
    }
    out.push_str(&format!(
        "Mailbox:         {} (.eml files)\n",
        mail_dir.display()
    ));
    out.push_str(&format!(
        "Mediator:        {base}/mediator  ({} / {})\n",
        demo::claims::MEDIATOR_EMAIL,
        demo::PASSWORD
    ));
    out.push_str(&format!(
        "Claims:          {base}/admin/claims  (buyer protection: claims in every state)\n"
    ));
    if dev_clock {
        let key = api_key.unwrap_or("API_KEY");
        out.push_str(&format!(
            "Move the clock:  curl -X POST {base}/api/dev/clock/advance -H 'Authorization: Bearer {key}' \\\n\
             \x20                   -H 'Content-Type: application/json' -d '{{\"days\": 5}}'\n\
             \x20                (deadlines that fall due fire within a second; run without it: --no-dev-clock)\n"
        ));
    }
    out.push_str(
        "\nSimulated refunds settle about 30 seconds after they are issued. Stop with Ctrl-C.\n",
    );
    print!("{out}");
}
