//! The OpenAI-compatible generator against a fake LLM server on loopback.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{FakeLlm, FakeServer, LlmReply, TestApp, TestEnv, json_body, llm_challenge};

async fn app_with_llm(llm: &FakeServer, timeout_secs: u64) -> TestApp {
    TestEnv::new()
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", llm.url("/v1"))
        .set("OPENAI_API_KEY", "sk-test-secret")
        .set("OPENAI_MODEL", "test-model")
        .set("OPENAI_TIMEOUT_SECS", timeout_secs.to_string())
        .set("DAILY_QUOTA", "5")
        .spawn()
        .await
}

async fn remaining(app: &TestApp, token: &str) -> serde_json::Value {
    json_body(app.get("/api/quota", token).await).await["quota_remaining"].clone()
}

#[tokio::test]
async fn the_llm_is_asked_for_strict_json_with_difficulty_topic_and_recent_titles() {
    let (llm, server) = FakeLlm::start(vec![
        LlmReply::Content(llm_challenge("First question?")),
        LlmReply::Content(llm_challenge("Second question?")),
    ])
    .await;
    let app = app_with_llm(&server, 5).await;
    let token = app.token("user_llm");
    let first = json_body(
        app.post(
            "/api/generate-challenge",
            &token,
            &json!({"difficulty": "hard", "topic": "graphs"}),
        )
        .await,
    )
    .await;
    assert_eq!(first["title"], "First question?");
    assert_eq!(first["question"], "First question?");
    assert_eq!(first["code"], serde_json::Value::Null);
    assert_eq!(first["verification"], "unchecked");
    let correct = first["correct_answer_id"].as_u64().expect("index") as usize;
    assert_eq!(
        first["options"][correct], "O(log n)",
        "the marked option follows the shuffle"
    );
    app.post(
        "/api/generate-challenge",
        &token,
        &json!({"difficulty": "hard", "topic": "graphs"}),
    )
    .await;

    let requests = llm.requests.lock().expect("lock").clone();
    assert_eq!(requests.len(), 2);
    let second = &requests[1];
    assert_eq!(second["model"], "test-model");
    assert_eq!(second["response_format"]["type"], "json_schema");
    assert_eq!(second["response_format"]["json_schema"]["strict"], true);
    let schema = &second["response_format"]["json_schema"]["schema"];
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        json!([
            "question",
            "code",
            "language",
            "options",
            "correct_answer_id",
            "explanation",
            "program"
        ])
    );
    assert_eq!(second["max_tokens"], 1000);
    let prompt = second["messages"].to_string();
    assert!(prompt.contains("hard") && prompt.contains("graphs"));
    assert!(
        prompt.contains("First question?"),
        "recent titles are passed to avoid repeats"
    );
}

#[tokio::test]
async fn invalid_output_is_retried_once() {
    let (llm, server) = FakeLlm::start(vec![LlmReply::Content("not json at all".into())]).await;
    let app = app_with_llm(&server, 5).await;
    let response = app.generate(&app.token("user_retry"), "easy").await;
    assert_eq!(response.status(), 200);
    assert_eq!(llm.calls(), 2);
}

#[tokio::test]
async fn an_upstream_429_or_5xx_is_retried_once() {
    for status in [429, 500, 503] {
        let (llm, server) = FakeLlm::start(vec![LlmReply::Status(status)]).await;
        let app = app_with_llm(&server, 5).await;
        assert_eq!(
            app.generate(&app.token("user_upstream"), "easy")
                .await
                .status(),
            200,
            "{status}"
        );
        assert_eq!(llm.calls(), 2);
    }
}

#[tokio::test]
async fn two_bad_outputs_give_502_and_spend_nothing() {
    let bad_shapes = [
        json!({"title": "Q", "options": ["a", "b", "c"], "correct_answer_id": 0, "explanation": "e"}).to_string(),
        json!({"title": "Q", "options": ["a", "b", "c", "d"], "correct_answer_id": 7, "explanation": "e"}).to_string(),
    ];
    let (llm, server) =
        FakeLlm::start(bad_shapes.into_iter().map(LlmReply::Content).collect()).await;
    let app = app_with_llm(&server, 5).await;
    let token = app.token("user_502");
    let response = app.generate(&token, "medium").await;
    assert_eq!(response.status(), 502);
    let detail = json_body(response).await["detail"]
        .as_str()
        .expect("detail")
        .to_owned();
    assert!(
        !detail.contains("options"),
        "internals stay in the logs: {detail}"
    );
    assert_eq!(llm.calls(), 2);
    assert_eq!(remaining(&app, &token).await, 5);
    assert_eq!(app.count_rows("challenges", Some("user_502")).await, 0);
    assert_eq!(
        app.count_rows("quota_reservations", Some("user_502")).await,
        0
    );
}

#[tokio::test]
async fn an_upstream_auth_error_is_502_without_retry() {
    let (llm, server) = FakeLlm::start(vec![LlmReply::Status(401)]).await;
    let app = app_with_llm(&server, 5).await;
    let token = app.token("user_401");
    assert_eq!(app.generate(&token, "easy").await.status(), 502);
    assert_eq!(llm.calls(), 1);
    assert_eq!(remaining(&app, &token).await, 5);
}

#[tokio::test]
async fn an_unreachable_llm_is_502_and_spends_nothing() {
    let server = FakeServer::start(poem::Route::new()).await;
    let url = server.url("/v1");
    drop(server);
    let app = TestEnv::new()
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", url)
        .spawn()
        .await;
    let token = app.token("user_down");
    assert_eq!(app.generate(&token, "easy").await.status(), 502);
    assert_eq!(remaining(&app, &token).await, 50);
}

#[tokio::test]
async fn a_slow_llm_times_out_with_504_without_retry_and_spends_nothing() {
    let (llm, server) = FakeLlm::start(vec![LlmReply::Slow(Duration::from_secs(3))]).await;
    let app = app_with_llm(&server, 1).await;
    let token = app.token("user_slow");
    let response = app.generate(&token, "hard").await;
    assert_eq!(response.status(), 504);
    assert!(json_body(response).await["detail"].is_string());
    assert_eq!(llm.calls(), 1, "a timeout is not retried");
    assert_eq!(remaining(&app, &token).await, 5);
    assert_eq!(app.count_rows("challenges", Some("user_slow")).await, 0);
}

#[tokio::test]
async fn a_json_answer_wrapped_in_a_markdown_fence_is_accepted() {
    let fenced = format!("```json\n{}\n```", llm_challenge("Fenced?"));
    let (_llm, server) = FakeLlm::start(vec![LlmReply::Content(fenced)]).await;
    let app = app_with_llm(&server, 5).await;
    let challenge = json_body(app.generate(&app.token("user_fence"), "easy").await).await;
    assert_eq!(challenge["title"], "Fenced?");
}
