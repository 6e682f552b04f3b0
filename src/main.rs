//! The `challenger` command: serve (default), openapi, migrate, dev-token.

use std::{path::Path, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};

use challenger::{App, Config, api, config::KeySource, domain::Profile, store, telemetry};

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
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: u64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        println!("{}", api::spec_json());
        return ExitCode::SUCCESS;
    }
    // A missing .env is normal; a malformed one is reported by the variables it fails to set.
    let _ = dotenvy::dotenv();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let telemetry = telemetry::init(
        &config.log_filter,
        config.log_json,
        config.otlp_endpoint.as_ref(),
    );
    let code = match run(cli.command.unwrap_or(Command::Serve), config).await {
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

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = App::build(&config).await?;
            let acceptor = App::bind(&config).await?;
            app.serve(&config, acceptor, shutdown_signal()).await
        }
        Command::Migrate => {
            let db = store::connect(&config.database_url).await?;
            store::migrate(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::DevToken {
            user,
            email,
            username,
            ttl,
        } => {
            let KeySource::Development { key_path } = &config.auth.keys else {
                anyhow::bail!(
                    "dev-token needs the development issuer: unset CLERK_JWT_KEY and CLERK_JWKS_URL"
                );
            };
            let issuer = challenger::app::dev_issuer(&config, Path::new(key_path))?;
            let profile = Profile {
                id: user,
                email,
                username,
                ..Profile::default()
            };
            println!("{}", issuer.mint(&profile, Duration::from_secs(ttl))?);
            Ok(())
        }
        Command::Openapi => unreachable!("handled before configuration is read"),
    }
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
