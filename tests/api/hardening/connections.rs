//! Slow request heads, idle keep-alive connections, dripped bodies, and the request in flight
//! that neither timeout may cut.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{FakeLlm, LlmReply, TestApp, TestEnv, json_body};

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Reads until the server closes the connection; returns what it sent and when it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match tokio::time::timeout_at((started + limit).into(), stream.read(&mut buffer)).await {
            Err(_) => panic!(
                "still open after {limit:?}; received {:?}",
                String::from_utf8_lossy(&received)
            ),
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

fn timeouts(header: u64, idle: u64, body: u64) -> TestEnv {
    TestEnv::new()
        .set("HTTP_HEADER_TIMEOUT_SECS", header.to_string())
        .set("HTTP_IDLE_TIMEOUT_SECS", idle.to_string())
        .set("HTTP_BODY_TIMEOUT_SECS", body.to_string())
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let app = timeouts(1, 30, 30).spawn().await;
    let mut stream = connect(&app).await;
    let (_, closed_after) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        closed_after >= Duration::from_millis(900),
        "{closed_after:?}"
    );
}

#[tokio::test]
async fn a_request_head_dripped_a_line_at_a_time_is_cut_at_the_header_timeout() {
    let app = timeouts(2, 30, 30).spawn().await;
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("write");
    // A header every 300 ms keeps bytes moving, which must not extend the deadline.
    let mut closed = false;
    for i in 0..30 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if stream
            .write_all(format!("X-Drip-{i}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
    }
    if !closed {
        read_until_closed(&mut stream, Duration::from_secs(1)).await;
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_secs(4),
        "closed after {elapsed:?}"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_lasts_the_idle_timeout_not_the_header_timeout() {
    let app = timeouts(1, 3, 30).spawn().await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut buffer = [0; 1024];
    let n = stream.read(&mut buffer).await.expect("response");
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
    let idle_since = Instant::now();

    // Past the header timeout, the kept-alive connection still serves a request.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("still open");
    let n = stream.read(&mut buffer).await.expect("response");
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
    assert!(idle_since.elapsed() < Duration::from_secs(3));

    let (_, closed_after) = read_until_closed(&mut stream, Duration::from_secs(6)).await;
    assert!(
        closed_after >= Duration::from_millis(2900),
        "{closed_after:?}"
    );
}

#[tokio::test]
async fn a_generation_waiting_longer_than_both_timeouts_is_not_cut() {
    let (_llm, server) = FakeLlm::start(vec![LlmReply::Slow(Duration::from_secs(3))]).await;
    let app = timeouts(1, 1, 30)
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", server.url("/v1"))
        .spawn()
        .await;
    let response = app.generate(&app.token("user_patient"), "easy").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_408_and_the_connection_closes() {
    let app = timeouts(10, 30, 1).spawn().await;
    let token = app.token("user_drip");
    let stream = connect(&app).await;
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /api/generate-challenge HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"difficulty\""
    );
    writer.write_all(head.as_bytes()).await.expect("write");
    let started = Instant::now();
    // Read while dripping, so the answer is seen before the close.
    let response = tokio::spawn(async move {
        let mut received = Vec::new();
        let _ =
            tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut received)).await;
        String::from_utf8_lossy(&received).into_owned()
    });
    while !response.is_finished() && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if writer.write_all(b" ").await.is_err() {
            break;
        }
    }
    let response = response.await.expect("reader");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("\"detail\""), "{response}");
    assert_eq!(
        json_body(app.get("/api/quota", &token).await).await["quota_remaining"],
        50,
        "nothing was generated"
    );
}

#[tokio::test]
async fn a_body_that_arrives_in_time_is_served_normally() {
    let app = timeouts(10, 30, 2).spawn().await;
    let response = app
        .post(
            "/api/generate-challenge",
            &app.token("user_prompt"),
            &json!({"difficulty": "easy"}),
        )
        .await;
    assert_eq!(response.status(), 200);
}
