//! Session-token v2 claims: a pending session (`sts`) is refused unless accepted by configuration,
//! and the plan (`pla`) reaches the quota.

use serde_json::json;

use crate::{
    auth::support::{assert_accepted, assert_token_rejected, quota, with},
    helpers::{TestApp, TestEnv, json_body, main_key, session_claims},
    process::ServerProcess,
};

fn pending(user_id: &str) -> String {
    main_key().sign(&with(session_claims(user_id), "sts", json!("pending")))
}

#[tokio::test]
async fn a_pending_session_is_refused_with_a_sentence_saying_it_is_pending() {
    let app = TestApp::spawn().await;
    assert_token_rejected(&app, &pending("user_pending"), "the session is pending").await;
    assert_eq!(
        app.count_rows("users", None).await,
        0,
        "a refused session creates no user"
    );
}

#[tokio::test]
async fn an_active_session_is_accepted() {
    let app = TestApp::spawn().await;
    let token = main_key().sign(&with(session_claims("user_active"), "sts", json!("active")));
    assert_accepted(&app, &token, "user_active").await;
}

#[tokio::test]
async fn with_clerk_accept_pending_a_pending_session_is_accepted() {
    let app = TestEnv::new()
        .set("CLERK_ACCEPT_PENDING", "true")
        .spawn()
        .await;
    assert_accepted(&app, &pending("user_pending_ok"), "user_pending_ok").await;
}

#[tokio::test]
async fn pending_refusals_are_counted_under_their_own_metric_reason() {
    let key = main_key().public_pem.clone();
    let server = ServerProcess::start(&[("CLERK_JWT_KEY", &key)], None);
    for _ in 0..2 {
        let response = server
            .client
            .get(server.url("/api/quota"))
            .bearer_auth(pending("user_pending_metric"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 401);
    }
    let exposition = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    assert!(
        exposition.contains("token_refusals_total{reason=\"pending\"} 2"),
        "{exposition}"
    );
}

#[tokio::test]
async fn a_plan_claim_that_is_not_a_string_is_refused_as_malformed() {
    let app = TestApp::spawn().await;
    let token = main_key().sign(&with(
        session_claims("user_odd_plan"),
        "pla",
        json!(["u:pro"]),
    ));
    assert_token_rejected(&app, &token, "\"pla\" is malformed").await;
}

#[tokio::test]
async fn the_quota_names_the_plan_slug_of_either_scope_and_null_without_one() {
    let app = TestEnv::new()
        .set("QUOTA_PLANS", "pro=9,team=20")
        .spawn()
        .await;
    for (user, pla, plan) in [
        ("user_pla_u", json!("u:pro"), json!("pro")),
        ("user_pla_o", json!("o:team"), json!("team")),
        ("user_pla_unscoped", json!("pro"), json!(null)),
        ("user_pla_null", json!(null), json!(null)),
    ] {
        let token = main_key().sign(&with(session_claims(user), "pla", pla));
        let body = json_body(quota(&app, &token).await).await;
        assert_eq!(body["plan"], plan, "{user}: {body}");
    }
}
