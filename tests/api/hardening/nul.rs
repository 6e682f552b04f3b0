//! Text PostgreSQL cannot store (U+0000) and ids too long to index, through every entry point:
//! refused as bad input (or, in a webhook's profile, dropped), never a 500, alike on both
//! databases.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::{
    helpers::{FakeLlm, LlmReply, TestApp, TestEnv, json_body, main_key, session_claims},
    webhooks::clerk::{deleted_user, event, svix_id, user},
};

#[tokio::test]
async fn a_topic_with_a_nul_is_a_400_naming_the_field() {
    let app = TestApp::spawn().await;
    let token = app.token("user_nul_topic");
    let response = app
        .post(
            "/api/generate-challenge",
            &token,
            &json!({"difficulty": "easy", "topic": "py\u{0}thon"}),
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(
        json_body(response).await["detail"]
            .as_str()
            .expect("detail")
            .contains("topic")
    );
    assert_eq!(
        app.count_rows("challenges", Some("user_nul_topic")).await,
        0
    );
}

#[tokio::test]
async fn development_token_fields_with_a_nul_are_400s() {
    let app = TestEnv::new().unset("CLERK_JWT_KEY").spawn().await;
    for body in [
        json!({"user_id": "user_\u{0}dev"}),
        json!({"user_id": "user_dev", "email": "a\u{0}@example.com"}),
        json!({"user_id": "user_dev", "username": "a\u{0}b"}),
    ] {
        let response = app
            .client
            .post(app.url("/api/dev/token"))
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 400, "{body}");
    }
}

async fn quota_with_claims(app: &TestApp, claims: Value) -> reqwest::Response {
    app.get("/api/quota", &main_key().sign(&claims)).await
}

#[tokio::test]
async fn a_token_whose_subject_holds_a_nul_or_is_too_long_is_a_401_saying_it_is_malformed() {
    let app = TestApp::spawn().await;
    for sub in [
        "user_\u{0}nul".to_owned(),
        format!("user_{}", "x".repeat(300)),
    ] {
        let response = quota_with_claims(&app, session_claims(&sub)).await;
        assert_eq!(response.status(), 401);
        let detail = json_body(response).await["detail"].clone();
        assert!(
            detail
                .as_str()
                .expect("detail")
                .contains("subject (sub) is malformed"),
            "{detail}"
        );
    }
    let longest = format!("user_{}", "x".repeat(250));
    assert_eq!(
        quota_with_claims(&app, session_claims(&longest))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_token_whose_email_or_username_holds_a_nul_is_a_401() {
    let app = TestApp::spawn().await;
    for (claim, value) in [("email", "a\u{0}@example.com"), ("username", "a\u{0}b")] {
        let mut claims = session_claims("user_nul_claims");
        claims[claim] = json!(value);
        let response = quota_with_claims(&app, claims).await;
        assert_eq!(response.status(), 401, "{claim}");
        let detail = json_body(response).await["detail"].clone();
        assert!(detail.as_str().expect("detail").contains(claim), "{detail}");
    }
    assert_eq!(app.count_rows("users", None).await, 0, "nothing was stored");
}

#[tokio::test]
async fn a_signed_webhook_with_a_nul_or_oversized_user_id_is_a_400() {
    let app = TestApp::spawn().await;
    for id in [
        "user_\u{0}nul".to_owned(),
        format!("user_{}", "x".repeat(100_000)),
    ] {
        for payload in [
            event("user.created", user(&id, "ada@example.com", "ada", 1)),
            event("user.deleted", deleted_user(&id)),
        ] {
            let response = app.send_webhook(&svix_id(), &payload).await;
            assert_eq!(response.status(), 400);
        }
    }
    assert_eq!(app.count_rows("users", None).await, 0);
    assert_eq!(app.count_rows("deleted_users", None).await, 0);
}

#[tokio::test]
async fn a_webhook_profile_field_with_a_nul_is_stored_as_absent() {
    let app = TestApp::spawn().await;
    let mut profile = user("user_nul_profile", "ada\u{0}@example.com", "ada\u{0}", 1);
    profile["first_name"] = json!("A\u{0}da");
    let response = app
        .send_webhook(&svix_id(), &event("user.created", profile))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await["status"], "processed");
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT email, username, first_name, last_name FROM users WHERE id = 'user_nul_profile'",
        ))
        .await
        .expect("query")
        .expect("the user is stored");
    for column in ["email", "username", "first_name"] {
        assert_eq!(
            row.try_get::<Option<String>>("", column).expect(column),
            None,
            "{column}"
        );
    }
    assert_eq!(
        row.try_get::<Option<String>>("", "last_name")
            .expect("last_name"),
        Some("Lovelace".into())
    );
}

#[tokio::test]
async fn a_generated_challenge_holding_a_nul_is_invalid_output_and_nothing_is_stored() {
    let bad = json!({
        "title": "What is \u{0}?",
        "options": ["a", "b", "c", "d"],
        "correct_answer_id": 0,
        "explanation": "Because.",
    })
    .to_string();
    let (llm, server) =
        FakeLlm::start(vec![LlmReply::Content(bad.clone()), LlmReply::Content(bad)]).await;
    let app = TestEnv::new()
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", server.url("/v1"))
        .spawn()
        .await;
    let response = app.generate(&app.token("user_nul_llm"), "easy").await;
    assert_eq!(response.status(), 502);
    assert_eq!(llm.calls(), 2, "invalid output is retried once");
    assert_eq!(app.count_rows("challenges", None).await, 0);
}
