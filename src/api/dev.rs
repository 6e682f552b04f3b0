//! The development issuer's token endpoint (only without a Clerk key, see [`crate::config`]).

use std::time::Duration;

use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json, types::Example};

use super::{
    AppState, Tag,
    documented::{ApiResult, flags::*},
    text::Text,
};
use crate::domain::{Error, Profile};

/// Who the development token is for.
#[derive(Debug, Object)]
#[oai(example)]
pub struct DevTokenRequest {
    /// The user id (`sub`), for example `user_dev`.
    #[oai(validator(
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\x00]*[^\s\x00][^\x00]*$"
    ))]
    pub user_id: Text,
    /// Optional `email` claim.
    #[oai(nullable, validator(max_length = 320, pattern = r"^[^\x00]*$"))]
    pub email: Option<Text>,
    /// Optional `username` claim.
    #[oai(nullable, validator(max_length = 128, pattern = r"^[^\x00]*$"))]
    pub username: Option<Text>,
    /// Optional Clerk Billing plan slug (such as `pro`): the token carries `pla: "u:<plan>"`.
    #[oai(nullable, validator(max_length = 128, pattern = r"^[A-Za-z0-9_-]+$"))]
    pub plan: Option<Text>,
    /// Lifetime in seconds (default 3600, at most 7 days).
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "604800")))]
    pub ttl_secs: Option<u64>,
}

impl Example for DevTokenRequest {
    fn example() -> Self {
        Self {
            user_id: Text("user_dev".into()),
            email: Some(Text("dev@example.com".into())),
            username: None,
            plan: None,
            ttl_secs: None,
        }
    }
}

/// A session token from the development issuer.
#[derive(Debug, Object)]
#[oai(example)]
pub struct DevTokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}

impl Example for DevTokenResponse {
    fn example() -> Self {
        Self { token: "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRldmVsb3BtZW50IiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1c2VyX2RldiJ9.c2lnbmF0dXJl".into() }
    }
}

pub const DEFAULT_DEV_TOKEN_TTL: Duration = Duration::from_secs(3600);

#[derive(Default)]
pub struct DevApi;

#[OpenApi(tag = "Tag::Development")]
impl DevApi {
    /// Mint a development token
    ///
    /// Signs a session token with the local development key. Only exists when neither
    /// `CLERK_JWT_KEY` nor `CLERK_JWKS_URL` is configured and the server listens on a loopback
    /// address (or `DEV_ISSUER=on`); with a Clerk key it is 404.
    #[oai(
        path = "/api/dev/token",
        method = "post",
        operation_id = "createDevToken"
    )]
    async fn create_dev_token(
        &self,
        state: Data<&AppState>,
        body: Json<DevTokenRequest>,
    ) -> ApiResult<Json<DevTokenResponse>, { BAD_REQUEST | BODY | NOT_FOUND }> {
        let issuer = state.dev_issuer.as_ref().ok_or_else(|| {
            Error::NotFound("the development issuer is disabled: a Clerk key is configured".into())
        })?;
        let request = body.0;
        let profile = Profile {
            id: request.user_id.0,
            email: request.email.map(|t| t.0),
            username: request.username.map(|t| t.0),
            ..Profile::default()
        };
        let ttl = request
            .ttl_secs
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_DEV_TOKEN_TTL);
        let plan = request.plan.as_ref().map(|t| t.0.as_str());
        let token = issuer.mint(&profile, plan, ttl).map_err(Error::Internal)?;
        Ok(Json(DevTokenResponse { token }))
    }
}
