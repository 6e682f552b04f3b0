//! Cross-cutting HTTP middleware: request ids with access logs, and the body limits.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use http_body_util::{BodyExt, combinators::BoxBody};
use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

use super::{
    error::{detail_response, json_error},
    routes::{is_anonymous, template},
    security::authenticate_early,
    web_app,
};
use crate::telemetry::{self, metrics};

/// The largest request body accepted, on every route.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The budget of request-body memory shared by every connection, counted in KiB.
#[derive(Clone)]
pub struct BodyMemory(Arc<Semaphore>);

impl BodyMemory {
    pub fn new(bytes: usize) -> Self {
        Self(Arc::new(Semaphore::new(bytes / 1024)))
    }
}

/// Reads each request body before the handler runs, chunk by chunk, each chunk kept only once
/// its memory is taken from the process's [`BodyMemory`] (released when the response is
/// ready). Over [`MAX_BODY_BYTES`] is a 413, whether or not a length is declared; not all there
/// within `timeout` is a 408, and no memory within it a 503, both closing the connection, so a
/// client dripping a body cannot hold a request open. A body sent to an operation that needs a
/// bearer token is read only once the token is verified: an anonymous client can make the
/// server hold nothing but the webhook's and the development token's small bodies.
pub struct BodyLimit {
    pub timeout: Duration,
    pub memory: BodyMemory,
}

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, next: E) -> Self::Output {
        BodyLimitEndpoint {
            next,
            timeout: self.timeout,
            memory: self.memory.clone(),
        }
    }
}

pub struct BodyLimitEndpoint<E> {
    next: E,
    timeout: Duration,
    memory: BodyMemory,
}

/// Why a body was not read in full.
enum Unread {
    TooLarge,
    TimedOut,
    NoMemory,
    Failed(poem::Error),
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let headers = request.headers();
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let has_body = headers.contains_key(header::TRANSFER_ENCODING)
            || declared.is_some_and(|length| length > 0);
        if !has_body {
            return self
                .next
                .call(request)
                .await
                .map(IntoResponse::into_response);
        }
        if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
            return self.refusal(Unread::TooLarge);
        }
        if !is_anonymous(request.method().as_str(), request.uri().path()) {
            authenticate_early(&mut request).await?;
        }
        let declared = declared.and_then(|length| usize::try_from(length).ok());
        let (body, _memory) = match self.read(request.take_body(), declared, deadline).await {
            Ok(read) => read,
            Err(unread) => return self.refusal(unread),
        };
        request.set_body(Body::from(body));
        self.next
            .call(request)
            .await
            .map(IntoResponse::into_response)
    }
}

impl<E> BodyLimitEndpoint<E> {
    /// The body, and the memory it holds until dropped. The buffer grows by doubling (or to the
    /// declared length), and each growth takes its memory first, so the budget counts what is
    /// allocated rather than what has arrived.
    async fn read(
        &self,
        body: Body,
        declared: Option<usize>,
        deadline: tokio::time::Instant,
    ) -> Result<(Vec<u8>, Option<OwnedSemaphorePermit>), Unread> {
        let mut body: BoxBody<Bytes, std::io::Error> = body.into();
        let mut buffer = Vec::new();
        let mut held: Option<OwnedSemaphorePermit> = None;
        while let Some(frame) = tokio::time::timeout_at(deadline, body.frame())
            .await
            .map_err(|_| Unread::TimedOut)?
        {
            let frame = frame
                .map_err(|error| Unread::Failed(poem::error::ReadBodyError::Io(error).into()))?;
            let Ok(chunk) = frame.into_data() else {
                continue;
            };
            let needed = buffer.len() + chunk.len();
            if needed > MAX_BODY_BYTES {
                return Err(Unread::TooLarge);
            }
            if needed > buffer.capacity() {
                let capacity = needed
                    .next_power_of_two()
                    .min(declared.unwrap_or(MAX_BODY_BYTES).max(needed))
                    .min(MAX_BODY_BYTES);
                let kib = u32::try_from(capacity.div_ceil(1024)).unwrap_or(u32::MAX);
                let more = kib - held.as_ref().map_or(0, |p| p.num_permits() as u32);
                let acquire = self.memory.0.clone().acquire_many_owned(more);
                let permit = tokio::time::timeout_at(deadline, acquire)
                    .await
                    .map_err(|_| Unread::NoMemory)?
                    .map_err(|_| Unread::NoMemory)?;
                match &mut held {
                    Some(held) => held.merge(permit),
                    None => held = Some(permit),
                }
                buffer.reserve_exact(capacity - buffer.len());
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok((buffer, held))
    }

    fn refusal(&self, unread: Unread) -> poem::Result<Response> {
        let (status, detail) = match unread {
            Unread::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is larger than 1 MiB".to_owned(),
            ),
            Unread::TimedOut => (
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    self.timeout.as_secs()
                ),
            ),
            Unread::NoMemory => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy receiving other request bodies; retry shortly".to_owned(),
            ),
            Unread::Failed(error) => return Err(error),
        };
        let mut response = detail_response(status, &detail);
        let headers = response.headers_mut();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        // The rest of the body is still on the wire: the connection cannot carry another request.
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        Ok(response)
    }
}

/// Takes a browser's request to its own origin out of CORS: browsers send `Origin` on module
/// scripts, stylesheets and POSTs even to the page's own origin, and the web app served by this
/// binary must not be refused by an allow-list meant for other sites. The scheme is not compared
/// (behind a TLS proxy the page is `https` while the request arrives as `http`). Every answer
/// depends on `Origin`, so says so to caches (`Vary`); a CORS refusal is a JSON 403.
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
    let mut response = match next.call(request).await {
        Ok(response) => response.into_response(),
        Err(error) => json_error(error).await,
    };
    let headers = response.headers_mut();
    let varies = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("origin"));
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    Ok(response)
}

/// Our limits on a request head, below hyper's (`server.rs`), so that a head over them gets a
/// JSON 431 from here rather than hyper's bodyless one.
pub const MAX_HEADERS: usize = 100;
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// Refuses a request head over [`MAX_HEADERS`] lines or [`MAX_HEAD_BYTES`] with 431, and marks
/// every response `X-Content-Type-Options: nosniff`, errors included.
pub async fn head_limits<E: Endpoint>(next: Arc<E>, request: Request) -> poem::Result<Response> {
    let headers = request.headers();
    // The request line and each `name: value\r\n`, as they came on the wire.
    let head_bytes = request.method().as_str().len()
        + request
            .uri()
            .path_and_query()
            .map_or(1, |p| p.as_str().len())
        + headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum::<usize>();
    let mut response = if headers.len() > MAX_HEADERS || head_bytes > MAX_HEAD_BYTES {
        detail_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "the request head is too large: at most 100 header lines and 32 KiB",
        )
    } else {
        next.get_response(request).await
    };
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
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
