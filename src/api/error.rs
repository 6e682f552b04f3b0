//! The one place a [`domain::Error`] becomes an HTTP response: its status, headers and the
//! `{"detail": ...}` body that every error carries, parse errors and unknown routes included.

use poem::{
    IntoResponse, Response,
    error::ResponseError,
    http::{HeaderValue, StatusCode, header},
};

use crate::domain::Error;

/// What a client is told to wait when the database is down: a restart or failover takes seconds.
const OUTAGE_RETRY_AFTER_SECS: u64 = 2;

impl ResponseError for Error {
    fn status(&self) -> StatusCode {
        match self {
            Error::InvalidInput(_) => StatusCode::BAD_REQUEST,
            Error::InvalidToken(_) | Error::UserDeleted | Error::BadSignature(_) => {
                StatusCode::UNAUTHORIZED
            }
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::QuotaExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::GeneratorFailed(_) => StatusCode::BAD_GATEWAY,
            Error::GeneratorTimedOut => StatusCode::GATEWAY_TIMEOUT,
            Error::NotConfigured(_) | Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn as_response(&self) -> Response {
        match self {
            // The chain may hold internals (SQL, upstream bodies): log it, never send it.
            Error::Internal(source)
            | Error::GeneratorFailed(source)
            | Error::Unavailable(source) => {
                tracing::error!(error = format!("{source:#}"), "{self}");
            }
            _ => {}
        }
        let mut response = detail_response(self.status(), &self.to_string());
        let headers = response.headers_mut();
        match self {
            Error::InvalidToken(_) | Error::UserDeleted => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer error="invalid_token""#),
                );
            }
            Error::QuotaExceeded { retry_after } => {
                headers.insert(header::RETRY_AFTER, retry_after.as_secs().into());
            }
            Error::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, OUTAGE_RETRY_AFTER_SECS.into());
            }
            _ => {}
        }
        response
    }
}

/// `{"detail": ...}` with `status`: the one shape of every error body.
pub fn detail_response(status: StatusCode, detail: &str) -> Response {
    poem::web::Json(serde_json::json!({ "detail": detail }))
        .with_status(status)
        .into_response()
}

/// Turns any error that reaches the edge of the app (parse errors, unknown routes, oversized
/// bodies, a missing bearer token) into the JSON error shape.
pub async fn json_error(error: poem::Error) -> Response {
    if error.is::<Error>() {
        return error.into_response();
    }
    let status = error.status();
    if status == StatusCode::UNAUTHORIZED {
        // poem-openapi's own 401 means no credentials were sent at all (RFC 6750 §3.1).
        crate::telemetry::metrics::token_refused("missing");
        let mut response =
            detail_response(status, "missing bearer token in the Authorization header");
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
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

#[cfg(test)]
mod tests {
    use poem::error::ResponseError;
    use sea_orm::{ConnAcquireErr, DbErr};

    use crate::domain::Error;

    #[test]
    fn a_database_outage_is_503_and_other_database_errors_500() {
        let outage = Error::from(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout));
        assert_eq!(outage.status(), 503);
        let bug = Error::from(DbErr::Custom("constraint".into()));
        assert_eq!(bug.status(), 500);
        assert_eq!(
            bug.to_string(),
            "internal server error",
            "internals never reach clients"
        );
    }
}
