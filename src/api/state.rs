//! What every request handler can reach: the services, and the token verifier.

use std::{ops::Deref, sync::Arc};

use crate::{
    auth::{DevIssuer, TokenVerifier},
    service::{
        challenges::ChallengeService, health::HealthService, quotas::QuotaService,
        users::UserService, webhooks::WebhookService,
    },
};

/// Shared by every request. poem's `data` middleware clones it into each request, so a clone
/// is one reference count, not one per service handle.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

pub struct Services {
    pub verifier: Arc<TokenVerifier>,
    pub users: UserService,
    pub quotas: QuotaService,
    pub challenges: ChallengeService,
    pub webhooks: WebhookService,
    pub health: HealthService,
    /// Present only when no Clerk key is configured.
    pub dev_issuer: Option<Arc<DevIssuer>>,
}
