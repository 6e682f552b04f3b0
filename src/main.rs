//! The `challenger` command: serve (default), openapi, migrate, dev-token, and the operator's
//! tools (users export|erase, quota grant|reset).

use std::{path::Path, process::ExitCode, time::Duration};

use anyhow::Context;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;
use poem_openapi::types::ToJSON;
use serde_json::{Value, json};

use challenger::{
    App, Config,
    api::{self, ExportDocument, QuotaResponse},
    config::KeySource,
    domain::{Profile, valid_user_id},
    service::{
        quotas::{QuotaService, QuotaView},
        users::UserService,
    },
    store, telemetry,
};

#[derive(Parser)]
#[command(
    version,
    about = "Backend of a Clerk-authenticated coding-practice app"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server (the default).
    Serve,
    /// Print the OpenAPI spec (what is committed at openapi/openapi.json).
    Openapi,
    /// Apply database migrations and exit.
    Migrate,
    /// Print a token from the local development issuer.
    DevToken {
        /// The user id (`sub` claim).
        #[arg(long)]
        user: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        username: Option<String>,
        /// A Clerk Billing plan slug: the token carries `pla: "u:<plan>"`.
        #[arg(long)]
        plan: Option<String>,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: u64,
    },
    /// A user's data: export it, or erase it (JSON on stdout; safe while servers run).
    #[command(subcommand)]
    Users(UsersCommand),
    /// A user's quota: top it up, or start a full window (JSON on stdout; safe while servers run).
    #[command(subcommand)]
    Quota(QuotaCommand),
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Print everything stored about the user (the document of `GET /api/me/export`).
    Export { user_id: String },
    /// Remove the user and all their data, and remember the id so their tokens are refused
    /// (exactly what Clerk's `user.deleted` does).
    Erase { user_id: String },
}

#[derive(Subcommand)]
enum QuotaCommand {
    /// Add N units to what remains in the user's current window; prints the quota.
    Grant {
        user_id: String,
        #[arg(value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        n: u32,
    },
    /// Give the user a full window from now; prints the quota.
    Reset { user_id: String },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => error.exit(),
        Err(error) => return fail(&usage_error(&error.render().to_string()), 2),
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        println!("{}", api::spec_json());
        return ExitCode::SUCCESS;
    }
    // A missing .env is normal; a malformed one is reported by the variables it fails to set.
    let _ = dotenvy::dotenv();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return fail(&error.to_string(), 2),
    };
    match command {
        Command::Serve | Command::Migrate => serve_or_migrate(command, config).await,
        // Commands whose output is for a person or a script: no log lines, one line on error
        // whatever RUST_LOG says.
        command => match run_tool(command, &config).await {
            Ok(output) => {
                println!("{output}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(&format!("error: {error:#}"), 1),
        },
    }
}

async fn serve_or_migrate(command: Command, config: Config) -> ExitCode {
    let telemetry = telemetry::init(
        &config.log_filter,
        config.log_json,
        config.otlp_endpoint.as_ref(),
    );
    let result = match command {
        Command::Migrate => migrate(&config).await,
        _ => serve(&config).await,
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "fatal");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    };
    telemetry.shutdown();
    code
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    let app = App::build(config).await?;
    let acceptor = App::bind(config).await?;
    app.serve(config, acceptor, shutdown_signal()).await
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = store::connect(&config.database_url).await?;
    store::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// Runs a command that prints one result: a token, or a JSON document.
async fn run_tool(command: Command, config: &Config) -> anyhow::Result<String> {
    match command {
        Command::DevToken {
            user,
            email,
            username,
            plan,
            ttl,
        } => {
            let KeySource::Development { key_path } = &config.auth.keys else {
                anyhow::bail!(
                    "dev-token needs the development issuer, which a Clerk key turns off: unset \
                     CLERK_JWT_KEY and CLERK_JWKS_URL"
                );
            };
            let issuer = challenger::app::dev_issuer(config, Path::new(key_path))?;
            let profile = Profile {
                id: user,
                email,
                username,
                ..Profile::default()
            };
            issuer.mint(&profile, plan.as_deref(), Duration::from_secs(ttl))
        }
        Command::Users(command) => Ok(pretty(&users(command, config).await?)),
        Command::Quota(command) => Ok(pretty(&quota(command, config).await?)),
        Command::Serve | Command::Migrate | Command::Openapi => {
            unreachable!("not a tool")
        }
    }
}

async fn users(command: UsersCommand, config: &Config) -> anyhow::Result<Value> {
    let (users, _) = services(config).await?;
    match command {
        UsersCommand::Export { user_id } => {
            let export = users.export(checked(&user_id)?, QuotaView::Stored).await?;
            Ok(ExportDocument::from(export).to_json().unwrap_or_default())
        }
        UsersCommand::Erase { user_id } => {
            users.erase(checked(&user_id)?).await?;
            // Return once every server sharing the database refuses the user's tokens.
            tokio::time::sleep(UserService::erasure_reaches_other_processes_within()).await;
            Ok(json!({ "user_id": user_id, "erased": true }))
        }
    }
}

async fn quota(command: QuotaCommand, config: &Config) -> anyhow::Result<Value> {
    let (users, quotas) = services(config).await?;
    let quota = match command {
        QuotaCommand::Grant { user_id, n } => {
            users.known(checked(&user_id)?).await?;
            quotas.grant(&user_id, n).await?
        }
        QuotaCommand::Reset { user_id } => {
            users.known(checked(&user_id)?).await?;
            quotas.reset(&user_id).await?
        }
    };
    // Return once every server sharing the database shows the new quota.
    tokio::time::sleep(QuotaService::change_reaches_other_processes_within()).await;
    Ok(QuotaResponse::from(quota).to_json().unwrap_or_default())
}

/// The user and quota services over the configured database, whose schema must be current
/// (the tools never change it: `challenger migrate` or a server start does).
async fn services(config: &Config) -> anyhow::Result<(UserService, QuotaService)> {
    let db = store::connect(&config.database_url)
        .await
        .context("connecting to the database (DATABASE_URL)")?;
    let pending = migration::Migrator::get_pending_migrations_read_only(&db.reader).await?;
    if !pending.is_empty() {
        anyhow::bail!(
            "the database schema is not up to date: run `challenger migrate` (or start the \
             server) first"
        );
    }
    // A process of its own: what it remembers per user serves nothing after it exits.
    let caches = challenger::service::caches::UserCaches::new();
    Ok(challenger::app::user_services(config, &db, &caches))
}

fn checked(user_id: &str) -> anyhow::Result<&str> {
    if !valid_user_id(user_id) {
        anyhow::bail!("{user_id:?} is not a valid user id");
    }
    Ok(user_id)
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Prints `message` as exactly one line on stderr and returns the exit code.
fn fail(message: &str, code: u8) -> ExitCode {
    let line: Vec<&str> = message.split_whitespace().collect();
    eprintln!("{}", line.join(" "));
    ExitCode::from(code)
}

/// clap's usage error in one line: its message and the usage, without the help hint.
fn usage_error(rendered: &str) -> String {
    let mut parts = Vec::new();
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(usage) = line.strip_prefix("Usage: ") {
            parts.push(format!("(usage: {usage})"));
            break;
        }
        parts.push(line.to_owned());
    }
    parts.join(" ")
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or_default(),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
