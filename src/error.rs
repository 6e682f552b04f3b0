//! One error type for the whole API: each variant maps to a status and a `{"detail": ...}` body.

use poem::{
    IntoResponse, Response,
    error::ResponseError,
    http::{HeaderValue, StatusCode},
};
use poem_openapi::{
    ApiResponse, Object,
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
};

/// The body of every error response.
#[derive(Debug, Object)]
#[oai(example)]
pub struct ErrorBody {
    /// A human-readable sentence saying what went wrong.
    pub detail: String,
}

impl poem_openapi::types::Example for ErrorBody {
    fn example() -> Self {
        Self {
            detail: "token has expired".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    /// A webhook whose Svix signature or headers do not check out.
    #[error("{0}")]
    BadSignature(String),
    #[error("{0}")]
    NotFound(String),
    #[error("daily challenge quota used up; it refills in {}", human_duration(*retry_after_secs))]
    QuotaExceeded { retry_after_secs: u64 },
    #[error("the challenge generator failed; no quota was spent, please try again")]
    GeneratorFailed(#[source] anyhow::Error),
    #[error("the challenge generator did not answer in time; no quota was spent, please try again")]
    GeneratorTimedOut,
    #[error("{0}")]
    Unavailable(String),
    #[error("internal server error")]
    Internal(#[source] anyhow::Error),
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        match error {
            // Not a bug to report but an outage to wait out: 503, like /readyz.
            sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_) => {
                tracing::error!(error = %error, "database unavailable");
                Self::Unavailable("the database is unavailable; please try again shortly".into())
            }
            error => Self::Internal(error.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) | Self::BadSignature(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::GeneratorFailed(_) => StatusCode::BAD_GATEWAY,
            Self::GeneratorTimedOut => StatusCode::GATEWAY_TIMEOUT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn as_response(&self) -> Response {
        match self {
            // The chain may hold internals (SQL, upstream bodies): log it, never send it.
            Self::Internal(source) | Self::GeneratorFailed(source) => {
                tracing::error!(error = format!("{source:#}"), "{self}");
            }
            _ => {}
        }
        let mut response = detail_response(self.status(), &self.to_string());
        match self {
            Self::Unauthorized(_) => {
                response.headers_mut().insert(
                    "www-authenticate",
                    HeaderValue::from_static(INVALID_TOKEN_CHALLENGE),
                );
            }
            Self::QuotaExceeded { retry_after_secs } => {
                response
                    .headers_mut()
                    .insert("retry-after", (*retry_after_secs).into());
            }
            _ => {}
        }
        response
    }
}

/// `2 h 5 min`, `14 min`, `40 s`: a wait as a person reads it.
fn human_duration(secs: u64) -> String {
    match (secs / 3600, secs % 3600 / 60) {
        (0, 0) => format!("{secs} s"),
        (0, minutes) => format!("{minutes} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

const INVALID_TOKEN_CHALLENGE: &str = r#"Bearer error="invalid_token""#;

/// `{"detail": ...}` with `status`: the one shape of every error body.
pub fn detail_response(status: StatusCode, detail: &str) -> Response {
    poem::web::Json(serde_json::json!({ "detail": detail }))
        .with_status(status)
        .into_response()
}

/// Turns any error that reaches the edge of the app (parse errors, unknown routes, oversized
/// bodies, a missing bearer token) into the JSON error shape.
pub async fn json_error(error: poem::Error) -> Response {
    if error.is::<ApiError>() {
        return error.into_response();
    }
    let status = error.status();
    if status == StatusCode::UNAUTHORIZED {
        // poem-openapi's own 401 means no credentials were sent at all (RFC 6750 §3.1).
        let mut response =
            detail_response(status, "missing bearer token in the Authorization header");
        response
            .headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        return response;
    }
    if status.is_server_error() {
        tracing::error!(error = %error, "unhandled error");
        return detail_response(status, "internal server error");
    }
    let detail = match status {
        StatusCode::NOT_FOUND => "no such route".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this route".to_owned(),
        _ => error.to_string(),
    };
    detail_response(status, &detail)
}

/// Error statuses an operation documents in the OpenAPI spec, as bit flags.
pub mod documented {
    pub const BAD_REQUEST: u16 = 1 << 0;
    pub const UNAUTHORIZED: u16 = 1 << 1;
    pub const NOT_FOUND: u16 = 1 << 2;
    pub const QUOTA: u16 = 1 << 3;
    pub const GENERATOR: u16 = 1 << 4;
    /// 413 and 415, for operations that take a JSON body.
    pub const BODY: u16 = 1 << 5;
    /// 401 for a webhook whose Svix signature does not check out.
    pub const SIGNATURE: u16 = 1 << 6;
}

/// An [`ApiError`] returned by an operation that documents the statuses in `STATUSES`.
pub struct Documented<const STATUSES: u16>(pub ApiError);

pub type ApiResult<T, const STATUSES: u16> = Result<T, Documented<STATUSES>>;

impl<const STATUSES: u16> From<ApiError> for Documented<STATUSES> {
    fn from(error: ApiError) -> Self {
        Self(error)
    }
}

impl<const STATUSES: u16> From<Documented<STATUSES>> for poem::Error {
    fn from(error: Documented<STATUSES>) -> Self {
        error.0.into()
    }
}

impl<const STATUSES: u16> ApiResponse for Documented<STATUSES> {
    fn meta() -> MetaResponses {
        use documented::*;
        let table: [(u16, u16, &'static str, Option<&'static str>); 11] = [
            (
                BAD_REQUEST,
                400,
                "The request is invalid: a parameter or body field failed validation.",
                None,
            ),
            (
                UNAUTHORIZED,
                401,
                "The session token is missing or invalid; `detail` says why.",
                Some("www-authenticate"),
            ),
            (
                SIGNATURE,
                401,
                "The Svix signature or its headers are missing, malformed, outside the 5-minute \
                 tolerance or wrong.",
                None,
            ),
            (
                NOT_FOUND,
                404,
                "No such resource belongs to the caller.",
                None,
            ),
            (BODY, 413, "The request body is larger than 1 MiB.", None),
            (
                BODY,
                415,
                "The request body is not `application/json`.",
                None,
            ),
            (
                QUOTA,
                429,
                "The daily quota is used up; `Retry-After` says when it refills.",
                Some("retry-after"),
            ),
            (0, 500, "Unexpected server error.", None),
            (
                GENERATOR,
                502,
                "The challenge generator failed; no quota was spent.",
                None,
            ),
            (
                0,
                503,
                "Not available right now: the database is unreachable, or (webhook) no signing \
                 secret is configured.",
                None,
            ),
            (
                GENERATOR,
                504,
                "The challenge generator timed out; no quota was spent.",
                None,
            ),
        ];
        let responses = table
            .into_iter()
            .filter(|(flag, ..)| *flag == 0 || STATUSES & flag != 0)
            .map(|(_, status, description, header)| MetaResponse {
                description,
                status: Some(status),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: "application/json; charset=utf-8",
                    schema: ErrorBody::schema_ref(),
                }],
                headers: header.into_iter().map(response_header).collect(),
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

fn response_header(name: &'static str) -> MetaHeader {
    let (description, schema) = match name {
        "retry-after" => ("Seconds until the quota refills.", u64::schema_ref()),
        _ => (
            "`Bearer`, with `error=\"invalid_token\"` when a token was sent but refused.",
            String::schema_ref(),
        ),
    };
    MetaHeader {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        required: true,
        deprecated: false,
        schema,
    }
}

#[cfg(test)]
mod tests {
    use poem::error::ResponseError;
    use sea_orm::{ConnAcquireErr, DbErr};

    use super::{ApiError, human_duration};

    #[test]
    fn a_database_outage_is_503_and_other_database_errors_500() {
        let outage = ApiError::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(outage.status(), 503);
        let bug = ApiError::from(DbErr::Custom("constraint".into()));
        assert_eq!(bug.status(), 500);
        assert_eq!(
            bug.to_string(),
            "internal server error",
            "internals never reach clients"
        );
    }

    #[test]
    fn waits_read_as_hours_minutes_or_seconds() {
        assert_eq!(human_duration(40), "40 s");
        assert_eq!(human_duration(14 * 60 + 59), "14 min");
        assert_eq!(human_duration(2 * 3600), "2 h");
        assert_eq!(human_duration(86_396), "23 h 59 min");
    }
}
