//! The API's route templates, read from its own spec: the methods each path accepts, for the
//! `Allow` header RFC 9110 requires on a 405.

use std::sync::{Arc, LazyLock};

use poem::{
    Endpoint, Request, Response,
    http::{HeaderValue, StatusCode, header},
};

/// One path of the spec: its template split into segments, and the methods it accepts.
struct SpecRoute {
    template: String,
    segments: Vec<String>,
    methods: String,
}

static ROUTES: LazyLock<Vec<SpecRoute>> = LazyLock::new(|| {
    let spec: serde_json::Value = serde_json::from_str(&super::spec_json()).unwrap_or_default();
    let paths = spec["paths"].as_object().cloned().unwrap_or_default();
    paths
        .into_iter()
        .map(|(template, operations)| {
            let methods = operations
                .as_object()
                .map(|ops| ops.keys().map(|m| m.to_uppercase()).collect::<Vec<_>>());
            SpecRoute {
                segments: template.split('/').map(str::to_owned).collect(),
                template,
                methods: methods.unwrap_or_default().join(", "),
            }
        })
        .collect()
});

/// The spec route `path` matches. Runs on every request (its route label), so it compares
/// segments as it splits them, allocating nothing.
fn find(path: &str) -> Option<&'static SpecRoute> {
    ROUTES.iter().find(|route| {
        let mut segments = path.split('/');
        route.segments.iter().all(|t| {
            segments
                .next()
                .is_some_and(|s| t == s || (t.starts_with('{') && !s.is_empty()))
        }) && segments.next().is_none()
    })
}

/// The methods the operation at `path` accepts (`"GET"`, `"POST"`…), for the `Allow` header of
/// a 405; `None` for a path the API does not have.
pub fn allowed_methods(path: &str) -> Option<&'static str> {
    find(path).map(|route| route.methods.as_str())
}

/// The spec's template for `path` (`/api/challenges/{id}`), the endpoints beside the API, or
/// `None`: a bounded name for a request's route, never the raw path.
pub fn template(path: &str) -> Option<&'static str> {
    match path {
        "/docs" => Some("/docs"),
        "/openapi.json" => Some("/openapi.json"),
        "/metrics" => Some("/metrics"),
        _ => find(path).map(|route| route.template.as_str()),
    }
}

/// Adds the `Allow` header RFC 9110 requires on a 405, listing the route's methods.
pub async fn allow_header<E: Endpoint>(next: Arc<E>, request: Request) -> poem::Result<Response> {
    // A `Uri` clone shares its buffer: nothing is copied on the requests that are not 405s.
    let uri = request.uri().clone();
    let mut response = next.get_response(request).await;
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(methods) = allowed_methods(uri.path())
    {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(methods));
    }
    Ok(response)
}
