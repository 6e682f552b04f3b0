//! Liveness and readiness probes.

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json, types::Example};

use super::{AppState, Tag};

/// Probe result.
#[derive(Debug, Object)]
#[oai(example)]
pub struct HealthStatus {
    /// `ok`, or what is wrong.
    pub status: String,
}

impl Example for HealthStatus {
    fn example() -> Self {
        Self {
            status: "ok".into(),
        }
    }
}

#[derive(ApiResponse)]
enum ReadinessResponse {
    /// The database answers.
    #[oai(status = 200)]
    Ready(Json<HealthStatus>),
    /// The database does not answer.
    #[oai(status = 503)]
    NotReady(Json<HealthStatus>),
}

#[derive(Default)]
pub struct HealthApi;

#[OpenApi(tag = "Tag::Health")]
impl HealthApi {
    /// Liveness
    ///
    /// 200 while the process runs.
    #[oai(path = "/healthz", method = "get", operation_id = "getHealth")]
    async fn healthz(&self) -> Json<HealthStatus> {
        Json(HealthStatus {
            status: "ok".into(),
        })
    }

    /// Readiness
    ///
    /// 200 when the database answers, else 503.
    #[oai(path = "/readyz", method = "get", operation_id = "getReadiness")]
    async fn readyz(&self, state: Data<&AppState>) -> ReadinessResponse {
        if state.health.database_answers().await {
            ReadinessResponse::Ready(Json(HealthStatus {
                status: "ok".into(),
            }))
        } else {
            ReadinessResponse::NotReady(Json(HealthStatus {
                status: "database unavailable".into(),
            }))
        }
    }
}
