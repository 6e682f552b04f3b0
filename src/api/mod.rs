//! The HTTP API: poem-openapi operations and their DTOs, the security scheme, the middleware,
//! and the mapping of domain errors to responses. Handlers translate between DTOs and services;
//! they hold no business rules and build no queries. Nothing below this layer speaks HTTP.

mod challenges;
mod dev;
mod documented;
mod error;
mod export;
mod health;
mod metrics;
mod middleware;
mod page_size;
mod quota;
mod rendered;
mod reviews;
mod routes;
mod security;
mod spec;
mod state;
mod text;
mod web_app;
mod webhooks;

use poem_openapi::{OpenApiService, Tags};

pub use error::json_error;
pub use export::ExportDocument;
pub use metrics::MetricsEndpoint;
pub use middleware::{BodyLimit, BodyMemory, RequestLog, head_limits, same_origin};
pub use quota::QuotaResponse;
pub use routes::allow_header;
pub use security::SessionCookie;
pub use spec::{spec_endpoint, spec_json, swagger_ui};
pub use state::{AppState, Services};
pub use web_app::{APP_CONFIG_PATH, AppConfig, WebApp};

pub const API_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Tags)]
pub enum Tag {
    /// Generate, read and answer multiple-choice coding challenges.
    Challenges,
    /// The caller's daily generation quota.
    Quota,
    /// The caller's own data.
    Account,
    /// Events pushed by Clerk (through Svix).
    Webhooks,
    /// Liveness and readiness probes.
    Health,
    /// Local development helpers, available only when no Clerk key is configured and the server
    /// listens on a loopback address (or `DEV_ISSUER=on`).
    Development,
}

type Api = (
    challenges::ChallengesApi,
    reviews::ReviewsApi,
    quota::QuotaApi,
    export::ExportApi,
    webhooks::WebhooksApi,
    health::HealthApi,
    dev::DevApi,
);

/// The OpenAPI service: the operations, from which the spec is generated.
pub fn service() -> OpenApiService<Api, ()> {
    OpenApiService::new(Api::default(), "challenger", API_VERSION)
        .description(
            "Backend of a coding-practice app. A learner signed in with Clerk asks for a multiple-choice \
             coding challenge (easy, medium or hard, optionally on a topic), answers it, and tracks their \
             history and progress, within a daily quota.\n\n\
             Every `/api/*` operation except the webhook and the development token takes a Clerk session \
             token as `Authorization: Bearer <token>`. Every error body is `{\"detail\": \"...\"}`.",
        )
        .server("/")
        .license(
            poem_openapi::LicenseObject::new("MIT").url("https://opensource.org/license/mit"),
        )
}

/// The instant the spec's examples use.
fn example_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_795_771_800, 0).unwrap_or_default()
}
