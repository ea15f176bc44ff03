//! Mediator accounts from the command line: the operator's team that works
//! escalated claims of every shop in the mediator console (/mediator).

use super::admin::prompt_password;
use super::{admin_state, DbArgs, Failure};
use crate::app::mediators;
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum MediatorCommand {
    /// Create a mediator login. The password comes from --password, the
    /// RESO_PASSWORD environment variable, or a prompt on a terminal.
    Create(MediatorCreate),
}

#[derive(Debug, Args)]
pub struct MediatorCreate {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    email: String,
    /// The name shown to colleagues in the console.
    #[arg(long)]
    name: String,
    /// At least 8 characters. Prefer RESO_PASSWORD: arguments show in `ps`.
    #[arg(long, env = "RESO_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

pub async fn run(cmd: MediatorCommand) -> Result<ExitCode, Failure> {
    let MediatorCommand::Create(args) = cmd;
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Failure::Usage(
            "the mediator's name must be 1 to 200 characters".into(),
        ));
    }
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
    let state = admin_state(&args.db).await?;
    let id = mediators::create(&state, &args.email, name, &password).await?;
    println!(
        "Created mediator {} (mediator id {id}). Sign in at /mediator.",
        args.email.trim().to_lowercase()
    );
    state.db.close().await;
    Ok(ExitCode::SUCCESS)
}
