//! The API's route templates, read from its own spec: the methods each path accepts, for the
//! `Allow` header RFC 9110 requires on a 405.

use std::sync::{Arc, LazyLock};

use poem::{
    Endpoint, Request, Response,
    http::{HeaderValue, StatusCode, header},
};

/// One path of the spec: its template split into segments, the methods it accepts, and those
/// of them that need no bearer token.
struct SpecRoute {
    template: String,
    segments: Vec<String>,
    methods: String,
    anonymous: Vec<String>,
}

static ROUTES: LazyLock<Vec<SpecRoute>> = LazyLock::new(|| {
    let spec: serde_json::Value = serde_json::from_str(&super::spec_json()).unwrap_or_default();
    let paths = spec["paths"].as_object().cloned().unwrap_or_default();
    paths
        .into_iter()
        .map(|(template, operations)| {
            let operations = operations.as_object().cloned().unwrap_or_default();
            let methods: Vec<_> = operations.keys().map(|m| m.to_uppercase()).collect();
            let anonymous = operations
                .iter()
                // The published spec says `"security": []` for a public operation.
                .filter(|(_, operation)| {
                    operation["security"]
                        .as_array()
                        .is_none_or(|schemes| schemes.is_empty())
                })
                .map(|(method, _)| method.to_uppercase())
                .collect();
            SpecRoute {
                segments: template.split('/').map(str::to_owned).collect(),
                template,
                methods: methods.join(", "),
                anonymous,
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

/// Whether the spec's operation for `method` on `path` takes no bearer token; false for a route
/// the API does not have.
pub fn is_anonymous(method: &str, path: &str) -> bool {
    find(path).is_some_and(|route| route.anonymous.iter().any(|m| m == method))
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
