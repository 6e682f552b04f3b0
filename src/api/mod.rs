//! The HTTP API: poem-openapi operations and their DTOs. Handlers translate between DTOs and
//! services; they hold no business rules and build no queries.

mod challenges;
mod dev;
mod health;
mod quota;
mod spec;
mod text;
mod web_app;
mod webhooks;

use std::sync::LazyLock;

use poem_openapi::{OpenApiService, Tags};

pub use spec::{spec_endpoint, spec_json, swagger_ui};
pub use web_app::WebApp;

pub const API_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Tags)]
pub enum Tag {
    /// Generate, read and answer multiple-choice coding challenges.
    Challenges,
    /// The caller's daily generation quota.
    Quota,
    /// Events pushed by Clerk (through Svix).
    Webhooks,
    /// Liveness and readiness probes.
    Health,
    /// Local development helpers, available only when no Clerk key is configured.
    Development,
}

pub type Api = (
    challenges::ChallengesApi,
    quota::QuotaApi,
    webhooks::WebhooksApi,
    health::HealthApi,
    dev::DevApi,
);

/// The OpenAPI service: the operations, the spec and Swagger UI.
pub fn service() -> OpenApiService<Api, ()> {
    let api = (
        challenges::ChallengesApi,
        quota::QuotaApi,
        webhooks::WebhooksApi,
        health::HealthApi,
        dev::DevApi,
    );
    OpenApiService::new(api, "challenger", API_VERSION)
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

/// The methods the operation at `path` accepts (`"GET"`, `"POST"`…), for the `Allow` header of
/// a 405; `None` for a path the API does not have.
pub fn allowed_methods(path: &str) -> Option<&'static str> {
    static ROUTES: LazyLock<Vec<(Vec<String>, String)>> = LazyLock::new(|| {
        let spec: serde_json::Value = serde_json::from_str(&spec_json()).unwrap_or_default();
        let paths = spec["paths"].as_object().cloned().unwrap_or_default();
        paths
            .into_iter()
            .map(|(template, operations)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = operations
                    .as_object()
                    .map(|ops| ops.keys().map(|m| m.to_uppercase()).collect::<Vec<_>>());
                (segments, methods.unwrap_or_default().join(", "))
            })
            .collect()
    });
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .find(|(template, _)| {
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })
        .map(|(_, methods)| methods.as_str())
}
