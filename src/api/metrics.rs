//! `GET /metrics`: the Prometheus exposition, behind `METRICS_TOKEN` when one is set. Not part
//! of the OpenAPI spec: it is for scrapers, not for the app's clients.

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, StatusCode, header},
};
use sha2::{Digest, Sha256};

use super::{AppState, error::detail_response};
use crate::telemetry::metrics;

pub struct MetricsEndpoint {
    /// SHA-256 of the expected token: comparing digests takes the same time whatever the guess.
    token_digest: Option<[u8; 32]>,
}

impl MetricsEndpoint {
    pub fn new(token: Option<&str>) -> Self {
        Self {
            token_digest: token.map(digest),
        }
    }

    fn authorized(&self, request: &Request) -> bool {
        let Some(expected) = &self.token_digest else {
            return true;
        };
        request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|token| digest(token) == *expected)
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Endpoint for MetricsEndpoint {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        if !self.authorized(&request) {
            let mut response = detail_response(
                StatusCode::UNAUTHORIZED,
                "the metrics need Authorization: Bearer <METRICS_TOKEN>",
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return Ok(response);
        }
        if let Some(state) = request.data::<AppState>() {
            for usage in state.health.pool_usage() {
                metrics::pool(usage.pool, usage.in_use, usage.idle);
            }
        }
        Ok(metrics::render()
            .with_content_type("text/plain; version=0.0.4; charset=utf-8")
            .into_response())
    }
}
