//! Wiring: builds the state and the HTTP app from a [`Config`], and serves it.

use std::{future::Future, path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use poem::{Endpoint, EndpointExt, Response, Route, middleware::Cors};
use tokio::net::TcpListener;

use crate::{
    api::{
        self, AppState, BodyLimit, BodyMemory, MetricsEndpoint, RequestLog, Services,
        SessionCookie, allow_header, head_limits, json_error, same_origin,
    },
    auth::{DevIssuer, JwksCache, Keys, TokenVerifier},
    config::{Config, GeneratorConfig, KeySource},
    domain::Clock,
    generator::{BuiltinGenerator, ChallengeGenerator, OpenAiGenerator},
    server::{self, ConnectionLimits},
    service::{
        caches::UserCaches, challenges::ChallengeService, health::HealthService,
        quotas::QuotaService, reviews::ReviewService, users::UserService, webhooks::WebhookService,
    },
    store, telemetry,
};

/// How long in-flight requests may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// A built application, ready to serve.
pub struct App {
    pub state: AppState,
    jwks: Option<Arc<JwksCache>>,
}

impl App {
    /// Connects to the database, applies migrations and builds every service.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        telemetry::metrics::handle();
        let db = store::connect(&config.database_url)
            .await
            .context("connecting to the database")?;
        store::migrate(&db).await.context("applying migrations")?;

        let (keys, jwks, dev_issuer) = match &config.auth.keys {
            KeySource::Pem(pem) => (
                Keys::Static(jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes())?),
                None,
                None,
            ),
            KeySource::Jwks(url) => {
                let jwks = Arc::new(JwksCache::new(url.clone())?);
                (Keys::Jwks(jwks.clone()), Some(jwks), None)
            }
            KeySource::Development { key_path } => {
                let issuer = Arc::new(dev_issuer(config, Path::new(key_path))?);
                tracing::warn!(
                    key = %key_path,
                    "DEVELOPMENT ISSUER ENABLED: no CLERK_JWT_KEY or CLERK_JWKS_URL is set, so tokens signed by a \
                     local key are trusted and POST /api/dev/token hands them out. Never run like this in production."
                );
                (Keys::Static(issuer.decoding_key()), None, Some(issuer))
            }
        };

        let (generator, fallback): (Arc<dyn ChallengeGenerator>, _) = match &config.generator {
            GeneratorConfig::Builtin => (Arc::new(BuiltinGenerator::new()?), None),
            GeneratorConfig::OpenAi(openai) => {
                let fallback: Option<Arc<dyn ChallengeGenerator>> = match openai.fallback_to_builtin
                {
                    true => Some(Arc::new(BuiltinGenerator::new()?)),
                    false => None,
                };
                (
                    Arc::new(OpenAiGenerator::new(openai, config.generation_timeout)?),
                    fallback,
                )
            }
        };

        let caches = UserCaches::new();
        let clock = Clock::system();
        let (users, quotas) = user_services(config, &db, &caches);
        let state = AppState::new(Services {
            verifier: Arc::new(TokenVerifier::new(keys, &config.auth)),
            challenges: ChallengeService::new(
                db.clone(),
                quotas.clone(),
                generator,
                fallback,
                caches.clone(),
                clock.clone(),
            ),
            reviews: ReviewService::new(db.clone(), clock.clone(), caches.clone()),
            webhooks: WebhookService::new(
                db.clone(),
                users.clone(),
                caches,
                config.webhook_secret.as_ref().map(|s| s.expose()),
                clock.clone(),
                config.webhook_dedup,
            )?,
            health: HealthService::new(db),
            users,
            quotas,
            clock,
            dev_issuer,
        });
        Ok(Self { state, jwks })
    }

    /// The HTTP endpoint: API, spec, Swagger UI, the web app and its settings, and the
    /// middleware around them.
    pub fn endpoint(&self, config: &Config) -> impl Endpoint<Output = Response> + 'static {
        let api = api::service();
        let cors = Cors::new()
            .allow_origins(config.cors_allowed_origins.iter().map(String::as_str))
            .allow_methods(["GET", "POST", "OPTIONS"])
            .allow_headers(["authorization", "content-type", "x-request-id"])
            .expose_headers(["retry-after", "x-request-id", "www-authenticate"])
            .max_age(3600);
        Route::new()
            .at("/docs", api::swagger_ui())
            .at("/openapi.json", api::spec_endpoint())
            .at(
                "/metrics",
                MetricsEndpoint::new(config.metrics_token.as_ref().map(|t| t.expose())),
            )
            .at(
                api::APP_CONFIG_PATH,
                poem::get(api::AppConfig::new(
                    config.clerk_publishable_key.as_ref(),
                    self.state.dev_issuer.is_some(),
                )),
            )
            .nest("/", api)
            .with(api::WebApp::new(config.clerk_publishable_key.as_ref()))
            // After the session cookie has become a bearer token, which it may verify.
            .with(BodyLimit {
                timeout: config.http.body,
                memory: BodyMemory::new(config.http.body_memory),
            })
            .with(SessionCookie)
            .data(self.state.clone())
            .catch_all_error(json_error)
            // Boxed: each `around` layer names the type within it twice, and the whole would
            // outgrow the compiler's depth limit.
            .boxed()
            .around(allow_header)
            .with(cors)
            .around(same_origin)
            .around(head_limits)
            .with(RequestLog)
    }

    /// Starts the background tasks: the periodic [`sweep`], the metrics upkeep and, with a
    /// JWKS, its refresher.
    pub fn spawn_background_tasks(&self) {
        telemetry::metrics::spawn_upkeep();
        if let Some(jwks) = &self.jwks {
            jwks.clone().spawn_refresher();
        }
        let state = self.state.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(state.quotas.sweep_interval());
            loop {
                interval.tick().await;
                sweep(&state).await;
            }
        });
    }

    /// Binds the listener (port 0 picks a free port).
    pub async fn bind(config: &Config) -> anyhow::Result<TcpListener> {
        TcpListener::bind((config.host.as_str(), config.port))
            .await
            .with_context(|| format!("binding {}:{} (HOST, PORT)", config.host, config.port))
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish (bounded).
    pub async fn serve(
        self,
        config: &Config,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        server::raise_file_limit();
        self.spawn_background_tasks();
        let endpoint = self.endpoint(config);
        tracing::info!(address = %listener.local_addr()?, "listening");
        let limits = ConnectionLimits {
            header_timeout: config.http.header,
            idle_timeout: config.http.idle,
            write_timeout: config.http.write,
        };
        server::serve(listener, endpoint, limits, shutdown, SHUTDOWN_GRACE).await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// One pass of the periodic sweep: refunds the quota reservations of stopped processes and
/// forgets webhook delivery ids past their dedup window. Errors are logged; the next pass retries.
pub async fn sweep(state: &AppState) {
    match state.quotas.refund_stale().await {
        Ok(0) => {}
        Ok(count) => tracing::warn!(
            count,
            "refunded quota reservations left by a stopped process"
        ),
        Err(error) => tracing::error!(error = %error, "could not sweep quota reservations"),
    }
    match state.webhooks.forget_old_deliveries().await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "forgot webhook delivery ids past their dedup window"),
        Err(error) => tracing::error!(error = %error, "could not forget old webhook delivery ids"),
    }
}

/// The user and quota services over `db`: all the operator's tools need, and part of the app.
pub fn user_services(
    config: &Config,
    db: &store::Db,
    caches: &UserCaches,
) -> (UserService, QuotaService) {
    let quotas = QuotaService::new(
        db.clone(),
        config.daily_quota,
        config.quota_plans.clone(),
        config.longest_generation(),
        caches.clone(),
    );
    let users = UserService::new(db.clone(), quotas.clone(), caches.clone());
    (users, quotas)
}

/// The development issuer for `config`, its key created on first use.
pub fn dev_issuer(config: &Config, key_path: &Path) -> anyhow::Result<DevIssuer> {
    DevIssuer::load_or_create(
        key_path,
        config.auth.issuer.as_deref(),
        config.auth.authorized_parties.first().map(String::as_str),
    )
}
