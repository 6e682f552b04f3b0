//! The bearer security scheme every protected operation takes, and the `__session` cookie
//! fallback that feeds it.

use poem::{Endpoint, Middleware, Request, http::header};
use poem_openapi::{
    SecurityScheme,
    auth::{Bearer, BearerAuthorization},
};

use super::AppState;
use crate::{domain::Error, telemetry::metrics};

/// The caller, as proven by a verified Clerk session token.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub id: String,
    /// The Clerk Billing plan's slug (`pla`), which sets the daily quota.
    pub plan: Option<String>,
}

/// A Clerk session token (an RS256 JWT), sent as `Authorization: Bearer <token>`. In a React app,
/// pass `await getToken()` from Clerk's `useAuth()`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "authenticate")]
pub struct ClerkAuth(pub AuthUser);

async fn authenticate(request: &Request, bearer: Bearer) -> poem::Result<AuthUser> {
    // A request with a body had its token verified before the body was read (`BodyLimit`).
    if let Some(user) = request.extensions().get::<AuthUser>() {
        return Ok(user.clone());
    }
    verify(request, &bearer).await
}

/// Verifies the request's bearer token before its body is read, as the security scheme would,
/// and keeps the caller in the request for the scheme to take.
pub async fn authenticate_early(request: &mut Request) -> poem::Result<()> {
    let bearer = Bearer::from_request(request)?;
    let user = verify(request, &bearer).await?;
    request.extensions_mut().insert(user);
    Ok(())
}

async fn verify(request: &Request, bearer: &Bearer) -> poem::Result<AuthUser> {
    let state = request
        .data::<AppState>()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("application state missing")))?;
    let verified = state
        .verifier
        .verify(&bearer.token)
        .await
        .map_err(|error| {
            metrics::token_refused(error.reason());
            Error::InvalidToken(error.to_string())
        })?;
    state
        .users
        .ensure_active(&verified.profile)
        .await
        .inspect_err(|error| {
            if matches!(error, Error::UserDeleted) {
                metrics::token_refused("user_deleted");
            }
        })?;
    Ok(AuthUser {
        id: verified.profile.id.clone(),
        plan: verified.plan.clone(),
    })
}

/// Like Clerk's SDKs, accepts the session from the `__session` cookie when no `Authorization`
/// header is sent (same-origin deployments). Clerk sets that cookie `SameSite=Lax`, so other
/// sites cannot make a browser send it on a cross-site POST.
pub struct SessionCookie;

impl<E: Endpoint> Middleware<E> for SessionCookie {
    type Output = SessionCookieEndpoint<E>;

    fn transform(&self, next: E) -> Self::Output {
        SessionCookieEndpoint(next)
    }
}

pub struct SessionCookieEndpoint<E>(E);

impl<E: Endpoint> Endpoint for SessionCookieEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut request: Request) -> poem::Result<Self::Output> {
        if !request.headers().contains_key(header::AUTHORIZATION)
            && let Some(token) = session_cookie(&request)
            && let Ok(value) = format!("Bearer {token}").parse()
        {
            request.headers_mut().insert(header::AUTHORIZATION, value);
        }
        self.0.call(request).await
    }
}

fn session_cookie(request: &Request) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == "__session" && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}
