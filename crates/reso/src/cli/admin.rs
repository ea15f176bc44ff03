//! Merchants, staff and API keys from the command line: enough to set up a
//! shop before anyone can log in to the control center.

use super::{admin_state, DbArgs, Failure};
use crate::app::{auth, merchants};
use crate::store::merchants::{NewMerchant, SupportContact};
use clap::{Args, Subcommand, ValueEnum};
use reso_domain::Currency;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum MerchantCommand {
    /// Create a merchant (a shop) with its support contact.
    Create(MerchantCreate),
}

#[derive(Debug, Args)]
pub struct MerchantCreate {
    #[command(flatten)]
    db: DbArgs,
    /// Short name in URLs (/s/SLUG/…): lowercase letters, digits and dashes.
    #[arg(long)]
    slug: String,
    /// The shop's name as buyers know it.
    #[arg(long)]
    name: String,
    /// Where buyers write for help; shown on every page and e-mail.
    #[arg(long)]
    support_email: String,
    #[arg(long, default_value = "")]
    support_phone: String,
    /// Opening hours of support, as text ("Mon–Fri 9–18").
    #[arg(long, default_value = "")]
    support_hours: String,
    #[arg(long, default_value = "")]
    support_url: String,
    /// Where returned goods are sent.
    #[arg(long, default_value = "")]
    return_address: String,
    /// ISO 4217 currency of the shop.
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// Default language of buyer pages and e-mails: en, it, fr, es or de.
    #[arg(long, default_value = "en")]
    locale: String,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create a staff login. The password comes from --password, the
    /// RESO_PASSWORD environment variable, or a prompt on a terminal.
    Create(StaffCreate),
    /// Give a staff user another role. Their sessions end, so the change
    /// holds at once: they sign in again with the new role.
    Role(StaffRole),
}

#[derive(Debug, Args)]
pub struct StaffRole {
    #[command(flatten)]
    db: DbArgs,
    /// The merchant's slug.
    #[arg(long)]
    merchant: String,
    #[arg(long)]
    email: String,
    #[arg(long, value_enum)]
    role: Role,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Role {
    /// Everything, settings included.
    Admin,
    /// Day-to-day returns and refunds.
    Agent,
}

#[derive(Debug, Args)]
pub struct StaffCreate {
    #[command(flatten)]
    db: DbArgs,
    /// The merchant's slug.
    #[arg(long)]
    merchant: String,
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    #[arg(long, value_enum)]
    role: Role,
    /// At least 8 characters. Prefer RESO_PASSWORD: arguments show in `ps`.
    #[arg(long, env = "RESO_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key; it is printed once and only its hash is kept.
    Create(ApiKeyCreate),
}

#[derive(Debug, Args)]
pub struct ApiKeyCreate {
    #[command(flatten)]
    db: DbArgs,
    /// The merchant's slug.
    #[arg(long)]
    merchant: String,
    /// What the key is for ("shop sync").
    #[arg(long)]
    name: String,
}

pub async fn merchant(cmd: MerchantCommand) -> Result<ExitCode, Failure> {
    let MerchantCommand::Create(args) = cmd;
    let currency = Currency::parse(&args.currency).map_err(|e| Failure::Usage(e.to_string()))?;
    let state = admin_state(&args.db).await?;
    let m = merchants::create(
        &state,
        NewMerchant {
            slug: args.slug.trim().to_string(),
            name: args.name.trim().to_string(),
            support: SupportContact {
                email: args.support_email.trim().to_string(),
                phone: args.support_phone.trim().to_string(),
                hours: args.support_hours.trim().to_string(),
                url: args.support_url.trim().to_string(),
            },
            return_address: args.return_address.trim().to_string(),
            default_locale: args.locale.trim().to_lowercase(),
            currency,
        },
    )
    .await?;
    println!(
        "Created merchant '{}' ({}), id {}: currency {}, locale {}.",
        m.slug, m.name, m.id, m.currency, m.default_locale
    );
    println!(
        "Buyer portal: /s/{}/returns   Return policy: /s/{}/help",
        m.slug, m.slug
    );
    state.db.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn staff(cmd: StaffCommand) -> Result<ExitCode, Failure> {
    match cmd {
        StaffCommand::Create(args) => create_staff(args).await,
        StaffCommand::Role(args) => change_role(args).await,
    }
}

async fn change_role(args: StaffRole) -> Result<ExitCode, Failure> {
    let role = role_name(args.role);
    let state = admin_state(&args.db).await?;
    let m = merchants::by_slug(&state, args.merchant.trim()).await?;
    auth::change_role(&state, m.id, &args.email, role).await?;
    println!(
        "{} of '{}' is now {role}; their sessions have ended.",
        args.email.trim().to_lowercase(),
        m.slug
    );
    state.db.close().await;
    Ok(ExitCode::SUCCESS)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Agent => "agent",
    }
}

async fn create_staff(args: StaffCreate) -> Result<ExitCode, Failure> {
    let password = match args.password.clone() {
        Some(p) => p,
        None => prompt_password()?,
    };
    // Checked before touching the database, so the message is the same everywhere.
    if password.chars().count() < 8 {
        return Err(Failure::Usage(
            "the password needs at least 8 characters".into(),
        ));
    }
    let role = role_name(args.role);
    let state = admin_state(&args.db).await?;
    let m = merchants::by_slug(&state, args.merchant.trim()).await?;
    let id =
        merchants::create_staff(&state, m.id, &args.email, &args.name, role, &password).await?;
    println!(
        "Created {role} {} for '{}' (staff id {id}). Log in at /admin.",
        args.email.trim().to_lowercase(),
        m.slug
    );
    state.db.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn api_key(cmd: ApiKeyCommand) -> Result<ExitCode, Failure> {
    let ApiKeyCommand::Create(args) = cmd;
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Failure::Usage(
            "the key's name must be 1 to 100 characters".into(),
        ));
    }
    let state = admin_state(&args.db).await?;
    let m = merchants::by_slug(&state, args.merchant.trim()).await?;
    let key = auth::create_api_key(&state, m.id, name).await?;
    println!(
        "API key '{name}' for '{}' (shown only now; store it safely):",
        m.slug
    );
    println!("{key}");
    state.db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Reads a password from the terminal without echoing it.
pub(super) fn prompt_password() -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "give the password with --password or the RESO_PASSWORD environment variable".into(),
        ));
    }
    eprint!("Password (at least 8 characters): ");
    let _ = std::io::stderr().flush();
    // `stty` is on every Unix terminal; without it the password is echoed
    // rather than refused.
    let hidden = std::process::Command::new("stty")
        .arg("-echo")
        .status()
        .is_ok_and(|s| s.success());
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if hidden {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read.map_err(|e| Failure::Usage(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
