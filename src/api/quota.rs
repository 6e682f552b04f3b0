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
    /// Challenges allowed per 24-hour window.
    pub daily_limit: u32,
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
    /// A user the service has not seen before gets a fresh, full quota.
    #[oai(path = "/api/quota", method = "get", operation_id = "getQuota")]
    async fn get_quota(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
    ) -> ApiResult<Json<QuotaResponse>, { UNAUTHORIZED }> {
        Ok(Json(state.quotas.current(&auth.0.id).await?.into()))
    }
}
