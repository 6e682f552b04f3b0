//! Request bodies against memory: a protected route reads none before the token checks out,
//! and all bodies share one budget, a request that cannot get its share in time being told to
//! retry rather than waiting without end.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{FakeLlm, LlmReply, TestApp, TestEnv, json_body};

/// Sends a POST head declaring a 1 MB body, and none of the body; returns the first answer.
async fn post_head_only(app: &TestApp, path: &str, authorization: Option<&str>) -> String {
    let mut stream = TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connect");
    let authorization = authorization
        .map(|value| format!("Authorization: {value}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\n{authorization}\
         Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut received = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut received))
        .await
        .expect("answered before any body was sent")
        .expect("read");
    String::from_utf8_lossy(&received[..n]).into_owned()
}

#[tokio::test]
async fn an_anonymous_post_declaring_a_large_body_gets_401_before_any_of_it_is_sent() {
    let app = TestApp::spawn().await;
    for authorization in [None, Some("Bearer not-a-token")] {
        let started = Instant::now();
        let response = post_head_only(&app, "/api/generate-challenge", authorization).await;
        assert!(response.starts_with("HTTP/1.1 401"), "{response}");
        assert!(response.contains("\"detail\""), "{response}");
        assert!(!response.contains("not-a-token"), "never echoes the token");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}

#[tokio::test]
async fn a_post_to_an_unknown_route_needs_a_token_before_its_body_is_read() {
    let app = TestApp::spawn().await;
    let response = post_head_only(&app, "/api/nowhere", None).await;
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
}

#[tokio::test]
async fn the_webhook_reads_its_body_without_a_token() {
    let app = TestEnv::new()
        .set("HTTP_BODY_TIMEOUT_SECS", "1")
        .spawn()
        .await;
    // Its body is read (and times out), where a protected route would have answered 401.
    let response = post_head_only(&app, "/api/webhooks/clerk", None).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
}

#[tokio::test]
async fn a_body_that_cannot_get_memory_within_the_body_timeout_is_503_with_retry_after() {
    let (_llm, server) = FakeLlm::start(vec![LlmReply::Slow(Duration::from_secs(4))]).await;
    let app = TestEnv::new()
        .set("MAX_BUFFERED_BODY_MIB", "1")
        .set("HTTP_BODY_TIMEOUT_SECS", "1")
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", server.url("/v1"))
        .set("OPENAI_TIMEOUT_SECS", "10")
        .spawn()
        .await;
    // A 900 kB body (valid JSON, padded) holds most of the 1 MiB while its slow generation runs.
    let mut padded = json!({"difficulty": "easy"}).to_string();
    padded.push_str(&" ".repeat(900_000));
    let token = app.token("user_big_body");
    let holder = {
        let request = app
            .client
            .post(app.url("/api/generate-challenge"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(padded);
        tokio::spawn(async move { request.send().await.expect("generation").status() })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let webhook = |size: usize| {
        app.client
            .post(app.url("/api/webhooks/clerk"))
            .header("content-type", "application/json")
            .body(vec![b' '; size])
            .send()
    };
    let started = Instant::now();
    let refused = webhook(300_000).await.expect("request");
    assert_eq!(refused.status(), 503);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let detail = json_body(refused).await["detail"].clone();
    assert!(
        detail.as_str().is_some_and(|d| d.contains("busy")),
        "{detail}"
    );

    assert_eq!(holder.await.expect("holder"), 200);
    // The memory came back with the answer: the same body is read now (and its missing
    // signature refused).
    assert_eq!(webhook(300_000).await.expect("request").status(), 401);
}
