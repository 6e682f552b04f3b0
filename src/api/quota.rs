//! The caller's daily quota.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json, types::Example};

use super::{
    AppState, Tag,
    documented::{ApiResult, flags::*},
    security::ClerkAuth,
};
use crate::{domain::Quota, service::quotas::WINDOW};

/// The caller's generation quota. It refills to `daily_limit` 24 hours after `last_reset_date`.
#[derive(Debug, Object)]
#[oai(rename = "Quota", example)]
pub struct QuotaResponse {
    /// The caller's Clerk user id.
    pub user_id: String,
    /// Challenges the caller may still generate in this window.
    pub quota_remaining: u32,
    /// Challenges allowed per 24-hour window: the limit of the caller's plan.
    pub daily_limit: u32,
    /// The caller's Clerk Billing plan (the slug of the token's `pla` claim, without its `u:` or
    /// `o:` scope), or null. Plans the server does not list get the default limit.
    #[oai(nullable)]
    pub plan: Option<String>,
    /// When the current window started (RFC 3339, UTC).
    pub last_reset_date: DateTime<Utc>,
    /// When the quota refills (RFC 3339, UTC).
    pub next_reset_date: DateTime<Utc>,
}

impl Example for QuotaResponse {
    fn example() -> Self {
        let last_reset = super::example_time();
        Self {
            user_id: "user_2abc".into(),
            quota_remaining: 47,
            daily_limit: 50,
            plan: Some("free_user".into()),
            last_reset_date: last_reset,
            next_reset_date: last_reset + WINDOW,
        }
    }
}

impl From<Quota> for QuotaResponse {
    fn from(q: Quota) -> Self {
        Self {
            user_id: q.user_id,
            quota_remaining: q.remaining,
            daily_limit: q.daily_limit,
            plan: q.plan,
            last_reset_date: q.last_reset,
            next_reset_date: q.next_reset,
        }
    }
}

#[derive(Default)]
pub struct QuotaApi;

#[OpenApi(tag = "Tag::Quota")]
impl QuotaApi {
    /// Get my quota
    ///
    /// A user the service has not seen before gets a fresh, full quota. The limit is the one of
    /// the plan in the caller's session token; after a change of plan, what remains is the new
    /// limit minus what was used in the current window.
    #[oai(path = "/api/quota", method = "get", operation_id = "getQuota")]
    async fn get_quota(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
    ) -> ApiResult<Json<QuotaResponse>, { UNAUTHORIZED }> {
        let user = auth.0;
        let quota = state.quotas.current(&user.id, user.plan.as_deref()).await?;
        Ok(Json(quota.into()))
    }
}
