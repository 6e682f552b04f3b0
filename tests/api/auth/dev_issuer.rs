//! The development issuer: on without a Clerk key, entirely off with one.

use std::time::Duration;

use challenger::{auth::DevIssuer, domain::Profile};
use serde_json::{Value, json};

use crate::{
    auth::support::{assert_accepted, assert_token_rejected},
    helpers::{TestApp, TestEnv, json_body},
};

async fn request_dev_token(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/dev/token"))
        .json(body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn without_a_clerk_key_the_dev_token_route_mints_a_token_the_api_accepts() {
    let app = TestEnv::new().unset("CLERK_JWT_KEY").spawn().await;
    let response = request_dev_token(&app, &json!({ "user_id": "user_dev" })).await;
    assert_eq!(response.status(), 200);
    let token = json_body(response).await["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    assert_accepted(&app, &token, "user_dev").await;
}

#[tokio::test]
async fn with_a_clerk_key_the_dev_token_route_is_404() {
    let app = TestApp::spawn().await;
    let response = request_dev_token(&app, &json!({ "user_id": "user_dev" })).await;
    assert_eq!(response.status(), 404);
    assert!(json_body(response).await["detail"].is_string());
}

#[tokio::test]
async fn with_a_clerk_key_a_token_from_the_development_key_is_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let issuer =
        DevIssuer::load_or_create(&dir.path().join("dev-key.pem"), None, None).expect("issuer");
    let token = issuer
        .mint(
            &Profile {
                id: "user_dev".into(),
                ..Profile::default()
            },
            Duration::from_secs(600),
        )
        .expect("mint");
    let app = TestApp::spawn().await;
    assert_token_rejected(&app, &token, "signature is invalid").await;
}
