//! What every request handler can reach: the services, and the token verifier.

use std::sync::Arc;

use super::HistoryCache;
use crate::{
    auth::{DevIssuer, TokenVerifier},
    service::{
        challenges::ChallengeService, health::HealthService, quotas::QuotaService,
        users::UserService, webhooks::WebhookService,
    },
};

/// Shared by every request (cheap to clone: each part is a handle).
#[derive(Clone)]
pub struct AppState {
    pub verifier: Arc<TokenVerifier>,
    pub users: UserService,
    pub quotas: QuotaService,
    pub challenges: ChallengeService,
    pub webhooks: WebhookService,
    pub health: HealthService,
    /// Rendered history pages (see [`HistoryCache`]).
    pub history_pages: HistoryCache,
    /// Present only when no Clerk key is configured.
    pub dev_issuer: Option<Arc<DevIssuer>>,
}
