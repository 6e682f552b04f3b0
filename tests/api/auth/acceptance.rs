//! The edges of what is accepted: clock skew, optional claims, the cookie, Clerk's header fields.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::{
    auth::support::{
        assert_accepted, assert_token_rejected, header_with, sign_with_header, with, without,
    },
    helpers::{TestApp, TestEnv, main_key, now, session_claims},
};

#[tokio::test]
async fn a_token_expired_3s_ago_is_accepted_within_the_default_skew() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_late"), "exp", json!(now() - 3));
    assert_accepted(&app, &main_key().sign(&claims), "user_late").await;
}

#[tokio::test]
async fn a_token_valid_from_3s_ahead_is_accepted_within_the_default_skew() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_early"), "nbf", json!(now() + 3));
    assert_accepted(&app, &main_key().sign(&claims), "user_early").await;
}

#[tokio::test]
async fn a_token_issued_3s_ahead_is_accepted_within_the_default_skew() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_fast_clock"), "iat", json!(now() + 3));
    assert_accepted(&app, &main_key().sign(&claims), "user_fast_clock").await;
}

#[tokio::test]
async fn a_token_without_azp_is_accepted_when_no_parties_are_configured() {
    let app = TestApp::spawn().await;
    let claims = without(session_claims("user_no_azp"), "azp");
    assert_accepted(&app, &main_key().sign(&claims), "user_no_azp").await;
}

#[tokio::test]
async fn a_token_from_a_listed_party_is_accepted() {
    let app = TestEnv::new()
        .set(
            "CLERK_AUTHORIZED_PARTIES",
            "https://app.example.com, http://localhost:5173/",
        )
        .spawn()
        .await;
    assert_accepted(&app, &app.token("user_listed"), "user_listed").await;
}

#[tokio::test]
async fn a_token_from_the_configured_issuer_is_accepted() {
    let app = TestEnv::new()
        .set("CLERK_ISSUER", "https://clerk.test.example")
        .spawn()
        .await;
    assert_accepted(&app, &app.token("user_issuer"), "user_issuer").await;
}

#[tokio::test]
async fn a_session_cookie_is_accepted_without_an_authorization_header() {
    let app = TestApp::spawn().await;
    let token = app.token("user_cookie");
    let response = app
        .client
        .get(app.url("/api/quota"))
        .header("cookie", format!("theme=dark; __session={token}; other=1"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.expect("json")["user_id"],
        "user_cookie"
    );
}

#[tokio::test]
async fn a_session_token_category_is_accepted() {
    let app = TestApp::spawn().await;
    let token = sign_with_header(
        &header_with(&json!({ "cat": "cl_B7d4PD111AAA" })),
        &session_claims("user_session_cat"),
    );
    assert_accepted(&app, &token, "user_session_cat").await;
}

#[tokio::test]
async fn email_and_username_claims_are_accepted_and_kept_on_the_user() {
    let app = TestApp::spawn().await;
    let claims = with(
        with(
            session_claims("user_profile"),
            "email",
            json!("ada@example.com"),
        ),
        "username",
        json!("ada"),
    );
    assert_accepted(&app, &main_key().sign(&claims), "user_profile").await;

    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT email, username FROM users WHERE id = 'user_profile'",
        ))
        .await
        .expect("query")
        .expect("the user exists");
    assert_eq!(
        row.try_get::<Option<String>>("", "email").expect("email"),
        Some("ada@example.com".into())
    );
    assert_eq!(
        row.try_get::<Option<String>>("", "username")
            .expect("username"),
        Some("ada".into())
    );
}

#[tokio::test]
async fn a_token_with_an_audience_is_accepted() {
    // Clerk JWT templates may add `aud`; no audience is configured, so it is not checked.
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_aud"), "aud", json!("convex"));
    assert_accepted(&app, &main_key().sign(&claims), "user_aud").await;
}

#[tokio::test]
async fn a_pem_given_on_one_line_with_literal_backslash_n_is_accepted() {
    let one_line = main_key().public_pem.trim_end().replace('\n', "\\n");
    let app = TestEnv::new().set("CLERK_JWT_KEY", one_line).spawn().await;
    assert_accepted(&app, &app.token("user_one_line"), "user_one_line").await;
}

#[tokio::test]
async fn the_same_token_is_accepted_on_every_request() {
    let app = TestApp::spawn().await;
    let token = app.token("user_repeat");
    for _ in 0..5 {
        assert_accepted(&app, &token, "user_repeat").await;
    }
}

#[tokio::test]
async fn an_accepted_token_is_rejected_once_it_expires() {
    // The verified-token cache must not outlive the token.
    let app = TestEnv::new()
        .set("CLERK_CLOCK_SKEW_SECS", "0")
        .spawn()
        .await;
    let expires = now() + 1;
    let claims = with(session_claims("user_short"), "exp", json!(expires));
    let token = main_key().sign(&claims);
    assert_accepted(&app, &token, "user_short").await;
    while now() <= expires {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_token_rejected(&app, &token, "expired").await;
}

#[tokio::test]
async fn a_token_expiring_at_the_end_of_time_is_handled_without_overflow() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_forever"), "exp", json!(u64::MAX));
    let token = main_key().sign(&claims);
    assert_accepted(&app, &token, "user_forever").await;
    // Served from the cache the second time.
    assert_accepted(&app, &token, "user_forever").await;
}
