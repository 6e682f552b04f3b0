//! The published OpenAPI document: poem-openapi's output, normalised once so that every
//! generator reads it, and the endpoints that serve it (`/openapi.json`, Swagger UI at `/docs`).

use std::{collections::HashMap, sync::LazyLock};

use bytes::Bytes;
use poem::{Endpoint, Response, endpoint::make_sync, http::header};
use serde_json::{Value, json};

/// The spec as committed at `openapi/openapi.json`, served at `/openapi.json` and loaded by `/docs`.
pub fn spec_json() -> String {
    SPEC.clone()
}

static SPEC: LazyLock<String> = LazyLock::new(|| normalize(&super::service().spec()));

fn normalize(raw: &str) -> String {
    let mut spec: Value = serde_json::from_str(raw).unwrap_or_default();
    let schema_types: HashMap<String, Value> = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| {
            (
                format!("#/components/schemas/{name}"),
                schema["type"].clone(),
            )
        })
        .collect();
    unwrap_described_refs(&mut spec, &schema_types);
    if let Some(paths) = spec["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in operation.values_mut().filter_map(Value::as_object_mut) {
                // Without it, linters cannot tell a deliberately public operation from a
                // forgotten scheme: `[]` says "no credentials".
                operation.entry("security").or_insert_with(|| json!([]));
            }
        }
    }
    serde_json::to_string_pretty(&spec).unwrap_or_default()
}

/// poem-openapi gives a field with its own description or nullability
/// `{"allOf": [{"$ref"}, {"description", "nullable"}], ...}`. Generators that build a model per
/// schema (openapi-python-client) cannot take `allOf` of an enum and see a second model where it
/// wraps an object. A plain `$ref` (the referenced schema carries the description) reads the
/// same everywhere; a nullable one keeps a one-item `allOf` beside `nullable` and the referenced
/// schema's `type`, as OAS 3.0 has it. `schema_types` maps each `$ref` to that `type`.
fn unwrap_described_refs(node: &mut Value, schema_types: &HashMap<String, Value>) {
    let Value::Object(object) = node else {
        if let Value::Array(items) = node {
            items
                .iter_mut()
                .for_each(|item| unwrap_described_refs(item, schema_types));
        }
        return;
    };
    let reference = object
        .get("allOf")
        .and_then(Value::as_array)
        .filter(|parts| parts.len() == 2 && parts[1].get("$ref").is_none())
        .and_then(|parts| parts[0].get("$ref"))
        .cloned();
    let Some(reference) = reference else {
        object
            .values_mut()
            .for_each(|value| unwrap_described_refs(value, schema_types));
        return;
    };
    *node = if object.get("nullable") == Some(&Value::Bool(true)) {
        json!({
            "type": reference.as_str().and_then(|r| schema_types.get(r)),
            "allOf": [{ "$ref": reference }],
            "description": object.get("description"),
            "nullable": true,
        })
    } else {
        json!({ "$ref": reference })
    };
}

/// `GET /openapi.json`.
pub fn spec_endpoint() -> impl Endpoint<Output = Response> + 'static {
    make_sync(|_| {
        Response::builder()
            .content_type("application/json")
            .body(spec_json())
    })
}

/// `GET /docs`: Swagger UI over the normalised spec. poem-openapi's page embeds its own
/// rendering of the spec, which is swapped for the published one. Built on the first visit:
/// the page carries 1.5 MB of script that most processes never serve. Its script and styles
/// are inline, so it has its own policy: inline code but nothing from elsewhere (the page holds
/// no user content), calls to this origin only, never framed.
pub fn swagger_ui() -> impl Endpoint<Output = Response> + 'static {
    static PAGE: LazyLock<Bytes> = LazyLock::new(|| {
        let service = super::service();
        let page = service
            .swagger_ui_html()
            .replacen(&service.spec(), &spec_json(), 1);
        Bytes::from(page)
    });
    make_sync(|_| {
        Response::builder()
            .content_type("text/html; charset=utf-8")
            .header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
                 base-uri 'none'; form-action 'none'",
            )
            .header(header::X_FRAME_OPTIONS, "DENY")
            .body(PAGE.clone())
    })
}
