//! The web app: `clients/web/dist`, embedded in the binary at compile time and served at `/` on
//! the API's own origin, with client-side routes answered by `index.html`, and the run-time
//! settings it reads at start (`/app-config.json`), all with the browser security headers.

use std::borrow::Cow;

use poem::{
    Body, Endpoint, IntoResponse, Middleware, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};
use rust_embed::Embed;

use crate::config::PublishableKey;

#[derive(Embed)]
#[folder = "clients/web/dist"]
struct Assets;

const INDEX: &str = "index.html";
/// Vite puts every hashed file here: a new build gives new names, so these never change.
const HASHED_PREFIX: &str = "assets/";

/// Serves the app's files before the API sees the request, and `index.html` to a browser
/// navigation that the API does not know (a client route such as `/history`).
pub struct WebApp {
    policy: HeaderValue,
}

impl WebApp {
    /// The app as it signs in with `clerk_publishable_key` (or the development issuer).
    pub fn new(clerk_publishable_key: Option<&PublishableKey>) -> Self {
        let policy = content_security_policy(clerk_publishable_key);
        Self {
            // Origins parsed from a key are host names: always a valid header value.
            policy: HeaderValue::from_str(&policy)
                .unwrap_or(HeaderValue::from_static("default-src 'self'")),
        }
    }
}

/// The policy the app runs under: its own files only, no inline script. With Clerk, what
/// Clerk's CSP guide asks for: its Frontend API for clerk-js and its calls, `img.clerk.com`
/// for avatars, Cloudflare's bot protection (a script and a frame), workers from `blob:`, and
/// inline styles (Clerk's CSS-in-JS; the app's own are files).
fn content_security_policy(clerk_publishable_key: Option<&PublishableKey>) -> String {
    const CLOUDFLARE: &str = "https://challenges.cloudflare.com";
    let (scripts, connections, images, frames) =
        match clerk_publishable_key.map(PublishableKey::frontend_api_origin) {
            Some(clerk) => (
                format!("'self' {clerk} {CLOUDFLARE}"),
                format!("'self' {clerk}"),
                "'self' data: https://img.clerk.com",
                format!("'self' {CLOUDFLARE}"),
            ),
            None => (
                "'self'".into(),
                "'self'".into(),
                "'self' data:",
                "'self'".into(),
            ),
        };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src {images}; connect-src {connections}; worker-src 'self' blob:; \
         frame-src {frames}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}

impl<E: Endpoint> Middleware<E> for WebApp {
    type Output = WebAppEndpoint<E>;

    fn transform(&self, next: E) -> Self::Output {
        WebAppEndpoint {
            next,
            policy: self.policy.clone(),
        }
    }
}

pub struct WebAppEndpoint<E> {
    next: E,
    policy: HeaderValue,
}

impl<E: Endpoint> Endpoint for WebAppEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let Some(path) = app_path(&request) else {
            return self
                .next
                .call(request)
                .await
                .map(IntoResponse::into_response);
        };
        if let Some(response) = asset(&request, file(path)) {
            return Ok(self.secured(response));
        }
        let navigation = is_client_route(&request, path);
        match self.next.call(request).await {
            Err(error) if navigation && error.status() == StatusCode::NOT_FOUND => {
                Ok(self.secured(index_for_navigation()))
            }
            other => other.map(IntoResponse::into_response),
        }
    }
}

impl<E> WebAppEndpoint<E> {
    /// The app's own responses: its policy, never framed (older browsers read only
    /// `X-Frame-Options`), and no full URL sent to other sites.
    fn secured(&self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_SECURITY_POLICY, self.policy.clone());
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        response
    }
}

/// Whether the app answers `request` (one of its files, its settings, or a client route),
/// rather than the API.
pub fn answers(request: &Request) -> bool {
    app_path(request).is_some_and(|path| {
        Assets::get(file(path)).is_some()
            || path == &APP_CONFIG_PATH[1..]
            || is_client_route(request, path)
    })
}

/// Where the app reads its run-time settings.
pub const APP_CONFIG_PATH: &str = "/app-config.json";

/// `GET /app-config.json`: how the embedded app signs in on this server, decided at run time so
/// one build serves every deployment. `{"clerk_publishable_key": string|null, "dev_issuer":
/// bool}`, revalidated on every load (`no-cache` and an ETag of the content), so a browser never
/// keeps a key the server no longer has. A file, not an inline script, which the app's
/// Content-Security-Policy forbids.
pub struct AppConfig {
    body: bytes::Bytes,
    etag: String,
}

impl AppConfig {
    pub fn new(clerk_publishable_key: Option<&PublishableKey>, dev_issuer: bool) -> Self {
        let body = serde_json::json!({
            "clerk_publishable_key": clerk_publishable_key.map(PublishableKey::as_str),
            "dev_issuer": dev_issuer,
        })
        .to_string();
        let hash = <sha2::Sha256 as sha2::Digest>::digest(body.as_bytes());
        Self {
            etag: quoted_hex(&hash),
            body: body.into(),
        }
    }
}

impl Endpoint for AppConfig {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let builder = Response::builder()
            .header(header::ETAG, self.etag.as_str())
            .header(header::CACHE_CONTROL, "no-cache");
        if client_has(&request, &self.etag) {
            return Ok(builder.status(StatusCode::NOT_MODIFIED).finish());
        }
        Ok(builder
            .content_type("application/json")
            .body(self.body.clone()))
    }
}

/// Whether the request's `If-None-Match` lists `etag`: the client's copy is current.
fn client_has(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag))
}

/// The file a path names: the root is `index.html`.
fn file(path: &str) -> &str {
    if path.is_empty() { INDEX } else { path }
}

/// A browser navigation to a path that is not a file: the app's router decides what it shows.
fn is_client_route(request: &Request, path: &str) -> bool {
    is_navigation(request) && !looks_like_a_file(path)
}

/// The path without its leading `/`, for a GET or HEAD the app may answer; `None` for the API.
fn app_path(request: &Request) -> Option<&str> {
    let path = request.uri().path();
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    (readable && path != "/api" && !path.starts_with("/api/")).then(|| &path[1..])
}

/// A browser loading a page lists `text/html` in `Accept`; `fetch` and asset loads do not.
fn is_navigation(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A missing `/assets/app.js` must stay a 404, not turn into the app's HTML.
fn looks_like_a_file(path: &str) -> bool {
    path.starts_with(HASHED_PREFIX) || path.rsplit('/').next().is_some_and(|s| s.contains('.'))
}

fn index_for_navigation() -> Response {
    Assets::get(INDEX).map_or_else(
        || StatusCode::NOT_FOUND.into_response(),
        |file| file_response(INDEX, file),
    )
}

/// The embedded file at `path`, or 304 when the client's copy is current.
fn asset(request: &Request, path: &str) -> Option<Response> {
    let file = Assets::get(path)?;
    let etag = etag(&file);
    if client_has(request, &etag) {
        return Some(
            Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header(header::ETAG, etag)
                .header(header::CACHE_CONTROL, cache_control(path))
                .finish(),
        );
    }
    Some(file_response(path, file))
}

fn file_response(path: &str, file: rust_embed::EmbeddedFile) -> Response {
    let etag = etag(&file);
    let content_type = HeaderValue::from_str(file.metadata.mimetype())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let body = match file.data {
        Cow::Borrowed(bytes) => Body::from_bytes(bytes::Bytes::from_static(bytes)),
        Cow::Owned(bytes) => Body::from_vec(bytes),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, cache_control(path))
        .body(body)
}

/// Hashed files are cached for a year; everything else (`index.html`, the favicon) is
/// revalidated on every load, so a new release shows at once.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with(HASHED_PREFIX) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn etag(file: &rust_embed::EmbeddedFile) -> String {
    quoted_hex(&file.metadata.sha256_hash())
}

/// An ETag from a SHA-256 digest: its first 16 bytes in hex, quoted.
fn quoted_hex(hash: &[u8]) -> String {
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
