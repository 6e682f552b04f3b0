//! Cross-cutting HTTP middleware: request ids with access logs, and the body limits.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};
use tracing::Instrument;

use super::{error::detail_response, routes::template, web_app};
use crate::telemetry::{self, metrics};

/// The largest request body accepted, on every route.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Reads every request body before the handler runs: over [`MAX_BODY_BYTES`] is a 413, whether
/// or not a length is declared; not all there within `timeout` is a 408 that closes the
/// connection, so a client dripping a body cannot hold a request open.
pub struct BodyLimit {
    pub timeout: Duration,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, next: E) -> Self::Output {
        BodyLimitEndpoint {
            next,
            timeout: self.timeout,
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    next: E,
    timeout: Duration,
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let too_large = || {
            poem::Error::from_string(
                "the request body is larger than 1 MiB",
                StatusCode::PAYLOAD_TOO_LARGE,
            )
        };
        let declared = request
            .headers()
            .get(poem::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        // Chunked bodies carry no length: read at most the limit and refuse the rest.
        let read = request.take_body().into_bytes_limit(MAX_BODY_BYTES);
        let Ok(body) = tokio::time::timeout(self.timeout, read).await else {
            let mut response = detail_response(
                StatusCode::REQUEST_TIMEOUT,
                &format!(
                    "the request body did not arrive within {} s",
                    self.timeout.as_secs()
                ),
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Ok(response);
        };
        let body = body.map_err(|error| match error {
            poem::error::ReadBodyError::PayloadTooLarge => too_large(),
            other => other.into(),
        })?;
        request.set_body(Body::from(body));
        self.next
            .call(request)
            .await
            .map(IntoResponse::into_response)
    }
}

/// Takes a browser's request to its own origin out of CORS: browsers send `Origin` on module
/// scripts, stylesheets and POSTs even to the page's own origin, and the web app served by this
/// binary must not be refused by an allow-list meant for other sites. The scheme is not compared
/// (behind a TLS proxy the page is `https` while the request arrives as `http`).
pub async fn same_origin<E: Endpoint>(
    next: Arc<E>,
    mut request: Request,
) -> poem::Result<Response> {
    let origin_host = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, authority)| authority);
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if origin_host.is_some_and(|origin| host.is_some_and(|host| origin.eq_ignore_ascii_case(host)))
    {
        request.headers_mut().remove(header::ORIGIN);
    }
    Ok(next.get_response(request).await)
}

/// Gives every request an id (reusing a sane incoming `x-request-id`), runs it in a span carrying
/// that id (named `{method} {route}` for traces), logs one line per request (never headers, so
/// never tokens), counts it in the request metrics and echoes the id.
pub struct RequestLog;

impl<E: Endpoint> Middleware<E> for RequestLog {
    type Output = RequestLogEndpoint<E>;

    fn transform(&self, next: E) -> Self::Output {
        RequestLogEndpoint(next)
    }
}

pub struct RequestLogEndpoint<E>(E);

impl<E: Endpoint> Endpoint for RequestLogEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Self::Output> {
        let request_id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|id| {
                !id.is_empty()
                    && id.len() <= 64
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
        let method = method_label(request.method());
        let route = route_label(&request);
        let span = tracing::info_span!(
            "request",
            otel.name = tracing::field::Empty,
            otel.kind = "server",
            request_id = %request_id,
            method,
            path = %request.uri().path(),
            http.route = route,
            http.response.status_code = tracing::field::Empty,
        );
        if telemetry::exporting_traces() {
            // Before any child span exists, so the exported span takes the name.
            span.record("otel.name", format!("{method} {route}"));
        }
        let started = Instant::now();
        async move {
            let mut response = match self.0.call(request).await {
                Ok(output) => output.into_response(),
                Err(error) => error.into_response(),
            };
            let status = response.status().as_u16();
            let elapsed = started.elapsed();
            tracing::Span::current().record("http.response.status_code", status);
            let latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
            tracing::info!(status, latency_us, "request finished");
            metrics::request(method, route, status, elapsed);
            if let Ok(value) = request_id.parse() {
                response.headers_mut().insert("x-request-id", value);
            }
            Ok(response)
        }
        .instrument(span)
        .await
    }
}

/// The route as a label from a bounded set: the spec's template, the endpoints beside it, the
/// web app (every file and client route is one label), or `unmatched`.
fn route_label(request: &Request) -> &'static str {
    template(request.uri().path())
        .or_else(|| web_app::answers(request).then_some("web_app"))
        .unwrap_or("unmatched")
}

/// The method as a label from a fixed set.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}
