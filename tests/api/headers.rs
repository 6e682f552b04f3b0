//! Headers every API answer carries, errors included: `nosniff`, CORS's `Vary: Origin`, and
//! the JSON shape of the answers our code gives in place of poem's and hyper's plain ones (a
//! CORS refusal, a request head too large).

use reqwest::{
    Method,
    header::{
        ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_METHOD, CONTENT_TYPE, ORIGIN, VARY,
        X_CONTENT_TYPE_OPTIONS,
    },
};

use crate::helpers::{TestApp, json_body};

/// The origin the default `CORS_ALLOWED_ORIGINS` allows.
const ALLOWED: &str = "http://localhost:5173";

fn value<'a>(response: &'a reqwest::Response, name: &reqwest::header::HeaderName) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

async fn assert_json_detail(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status(), status);
    assert!(value(&response, &CONTENT_TYPE).starts_with("application/json"));
    assert_eq!(value(&response, &X_CONTENT_TYPE_OPTIONS), "nosniff");
    let body = json_body(response).await;
    body["detail"].as_str().expect("a detail").to_owned()
}

#[tokio::test]
async fn api_answers_and_errors_are_marked_nosniff() {
    let app = TestApp::spawn().await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("ok");
    assert_eq!(health.status(), 200);
    assert_eq!(value(&health, &X_CONTENT_TYPE_OPTIONS), "nosniff");
    let anonymous = app
        .client
        .get(app.url("/api/quota"))
        .send()
        .await
        .expect("ok");
    assert_json_detail(anonymous, 401).await;
    let unknown = app
        .client
        .get(app.url("/api/nope"))
        .send()
        .await
        .expect("ok");
    assert_json_detail(unknown, 404).await;
}

#[tokio::test]
async fn a_cors_refusal_is_a_json_403_that_varies_by_origin() {
    let app = TestApp::spawn().await;
    let refused = app
        .client
        .get(app.url("/healthz"))
        .header(ORIGIN, "https://elsewhere.example")
        .send()
        .await
        .expect("request");
    assert_eq!(value(&refused, &VARY), "Origin");
    let detail = assert_json_detail(refused, 403).await;
    assert!(detail.contains("origin"), "{detail}");
}

#[tokio::test]
async fn cors_preflights_and_answers_vary_by_origin() {
    let app = TestApp::spawn().await;
    let preflight = app
        .client
        .request(Method::OPTIONS, app.url("/api/generate-challenge"))
        .header(ORIGIN, ALLOWED)
        .header(ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status(), 200);
    assert_eq!(value(&preflight, &ACCESS_CONTROL_ALLOW_ORIGIN), ALLOWED);
    assert_eq!(value(&preflight, &VARY), "Origin");
    assert_eq!(value(&preflight, &X_CONTENT_TYPE_OPTIONS), "nosniff");

    let answer = app
        .client
        .get(app.url("/healthz"))
        .header(ORIGIN, ALLOWED)
        .send()
        .await
        .expect("request");
    assert_eq!(value(&answer, &ACCESS_CONTROL_ALLOW_ORIGIN), ALLOWED);
    assert_eq!(value(&answer, &VARY), "Origin");
    // Without an Origin the answer lacks CORS headers, so it varies by Origin too.
    let plain = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("ok");
    assert_eq!(value(&plain, &VARY), "Origin");
}

#[tokio::test]
async fn more_than_100_header_lines_is_a_json_431() {
    let app = TestApp::spawn().await;
    let mut request = app.client.get(app.url("/healthz"));
    for i in 0..120 {
        request = request.header(format!("x-extra-{i}"), "1");
    }
    let response = request.send().await.expect("request");
    let detail = assert_json_detail(response, 431).await;
    assert!(detail.contains("100 header lines"), "{detail}");
}

#[tokio::test]
async fn a_request_head_over_32_kib_is_a_json_431() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-large", "a".repeat(40 * 1024))
        .send()
        .await
        .expect("request");
    assert_json_detail(response, 431).await;
}
