//! The development issuer: on without a Clerk key on a loopback address (or when `DEV_ISSUER=on`
//! says so), entirely off with a key, and never silently on a public address.

use std::time::Duration;

use challenger::{auth::DevIssuer, domain::Profile};
use serde_json::{Value, json};

use crate::{
    auth::support::{assert_accepted, assert_token_rejected},
    cli::{folder_with_dev_key, one_line_failure, run, run_within, stdout},
    helpers::{TestApp, TestEnv, json_body, main_key},
    process::ServerProcess,
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
            None,
            Duration::from_secs(600),
        )
        .expect("mint");
    let app = TestApp::spawn().await;
    assert_token_rejected(&app, &token, "signature is invalid").await;
}

/// `challenger args…` with the environment of a server that has no Clerk key.
fn start_without_a_key(
    dir: &tempfile::TempDir,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let base = [
        ("PORT", "0"),
        ("CHALLENGE_GENERATOR", "builtin"),
        ("RUST_LOG", "info"),
    ];
    let env: Vec<(&str, &str)> = base.iter().chain(env).copied().collect();
    run_within(dir.path(), args, &env, Duration::from_secs(15))
}

#[test]
fn without_a_key_the_server_refuses_a_non_loopback_host_in_one_line_naming_what_to_set() {
    for host in ["0.0.0.0", "::", "192.0.2.1"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = start_without_a_key(&dir, &[], &[("HOST", host)]);
        let line = one_line_failure(&output);
        for named in ["CLERK_JWT_KEY", "CLERK_JWKS_URL", "DEV_ISSUER=on"] {
            assert!(line.contains(named), "{line:?} names {named}");
        }
        assert!(
            !dir.path().join(".challenger").exists(),
            "no development key is created"
        );
    }
}

#[test]
fn dev_issuer_off_without_a_key_refuses_to_start_even_on_loopback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = start_without_a_key(
        &dir,
        &["serve"],
        &[("HOST", "127.0.0.1"), ("DEV_ISSUER", "off")],
    );
    let line = one_line_failure(&output);
    assert!(
        line.contains("CLERK_JWT_KEY") && line.contains("CLERK_JWKS_URL"),
        "{line}"
    );
}

#[test]
fn an_invalid_dev_issuer_value_stops_the_start_naming_the_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = main_key().public_pem.clone();
    let output = start_without_a_key(
        &dir,
        &[],
        &[("DEV_ISSUER", "sometimes"), ("CLERK_JWT_KEY", &key)],
    );
    assert!(one_line_failure(&output).contains("DEV_ISSUER"));
}

#[test]
fn the_dev_token_command_follows_the_same_rule() {
    let dir = folder_with_dev_key();
    let args = ["dev-token", "--user", "user_cli", "--plan", "pro"];
    let refused = run(dir.path(), &args, &[("HOST", "0.0.0.0")]);
    assert!(one_line_failure(&refused).contains("DEV_ISSUER=on"));
    let refused = run(dir.path(), &args, &[("DEV_ISSUER", "off")]);
    assert!(one_line_failure(&refused).contains("CLERK_JWT_KEY"));

    let minted = run(
        dir.path(),
        &args,
        &[("HOST", "0.0.0.0"), ("DEV_ISSUER", "on")],
    );
    assert!(minted.status.success(), "{minted:?}");
    let token = stdout(&minted);
    assert_eq!(token.trim().split('.').count(), 3, "a JWT: {token}");
    let loopback = run(dir.path(), &args, &[("HOST", "localhost")]);
    assert!(loopback.status.success(), "{loopback:?}");
}

#[tokio::test]
async fn dev_issuer_on_starts_the_issuer_on_a_non_loopback_address() {
    let server = ServerProcess::start_in(
        folder_with_dev_key(),
        &[("HOST", "0.0.0.0"), ("DEV_ISSUER", "on")],
        None,
    );
    assert!(
        server.address.starts_with("http://0.0.0.0:"),
        "{}",
        server.address
    );
    let token = server.dev_token("user_public_dev").await;
    let response = server
        .client
        .get(server.url("/api/quota"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(server.log().contains("DEVELOPMENT ISSUER ENABLED"));
}

#[tokio::test]
async fn with_a_clerk_key_dev_issuer_on_changes_nothing_and_the_route_stays_404() {
    let app = TestEnv::new().set("DEV_ISSUER", "on").spawn().await;
    let response = request_dev_token(&app, &json!({ "user_id": "user_dev" })).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_development_token_can_carry_a_plan() {
    let app = TestEnv::new()
        .unset("CLERK_JWT_KEY")
        .set("QUOTA_PLANS", "pro=12")
        .spawn()
        .await;
    let response =
        request_dev_token(&app, &json!({ "user_id": "user_dev_pro", "plan": "pro" })).await;
    let token = json_body(response).await["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let quota = json_body(app.get("/api/quota", &token).await).await;
    assert_eq!(
        (quota["plan"].clone(), quota["daily_limit"].clone()),
        (json!("pro"), json!(12))
    );
}
