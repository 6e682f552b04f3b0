//! Upstream servers that answer with hundreds of MiB: the body is read up to 1 MiB and no more,
//! whether its length is declared or it is chunked, so memory stays flat.

use std::{
    io,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use poem::{
    Body, EndpointExt, IntoResponse, Response, Route, handler,
    http::header,
    web::{Data, Json},
};
use serde_json::json;

use crate::helpers::{FakeServer, main_key, session_claims};
use crate::process::ServerProcess;

const HUGE_BYTES: usize = 300 * 1024 * 1024;
/// What the server may grow by while it refuses such bodies.
const MAX_GROWTH_KIB: u64 = 32 * 1024;

/// A 300 MiB body that is produced as it is sent (the fake never holds it either).
fn huge_body(declare_length: bool) -> Response {
    static CHUNK: [u8; 64 * 1024] = [b' '; 64 * 1024];
    let chunks = futures::stream::iter(
        (0..HUGE_BYTES / CHUNK.len()).map(|_| Ok::<_, io::Error>(Bytes::from_static(&CHUNK))),
    );
    let response = Response::builder().content_type("application/json");
    let response = if declare_length {
        response.header(header::CONTENT_LENGTH, HUGE_BYTES)
    } else {
        response
    };
    response.body(Body::from_bytes_stream(chunks))
}

#[derive(Clone, Default)]
struct Huge {
    declare_length: Arc<AtomicBool>,
}

#[handler]
fn huge_completion(huge: Data<&Huge>) -> Response {
    huge_body(huge.declare_length.load(Ordering::SeqCst))
}

#[tokio::test]
async fn a_huge_completion_fails_the_generation_without_growing_memory() {
    let huge = Huge::default();
    let llm = FakeServer::start(
        Route::new()
            .at("/v1/chat/completions", poem::post(huge_completion))
            .data(huge.clone()),
    )
    .await;
    let base_url = llm.url("/v1");
    let server = ServerProcess::start(
        &[
            ("CHALLENGE_GENERATOR", "openai"),
            ("OPENAI_BASE_URL", &base_url),
            ("DAILY_QUOTA", "10"),
        ],
        None,
    );
    let token = server.dev_token("user_flood").await;
    let baseline = server.status_kib("VmHWM");

    for declare_length in [false, true] {
        huge.declare_length.store(declare_length, Ordering::SeqCst);
        // Three at once: each may hold at most the cap.
        let generations = (0..3).map(|_| {
            server
                .client
                .post(server.url("/api/generate-challenge"))
                .bearer_auth(&token)
                .json(&json!({"difficulty": "easy"}))
                .send()
        });
        for response in futures::future::join_all(generations).await {
            assert_eq!(response.expect("response").status(), 502);
        }
    }

    let growth = server.status_kib("VmHWM").saturating_sub(baseline);
    assert!(growth < MAX_GROWTH_KIB, "peak memory grew by {growth} KiB");
    let quota: serde_json::Value = server
        .client
        .get(server.url("/api/quota"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("quota")
        .json()
        .await
        .expect("json");
    assert_eq!(quota["quota_remaining"], 10, "no quota spent");
}

#[derive(Clone, Default)]
struct Jwks {
    huge: Arc<AtomicBool>,
}

#[handler]
fn jwks(jwks: Data<&Jwks>) -> Response {
    if jwks.huge.load(Ordering::SeqCst) {
        return huge_body(false);
    }
    Json(json!({ "keys": [main_key().jwk.clone()] })).into_response()
}

#[tokio::test]
async fn a_huge_key_set_is_refused_the_cached_keys_keep_working_and_memory_stays_flat() {
    let fake = Jwks::default();
    let endpoint = FakeServer::start(
        Route::new()
            .at("/.well-known/jwks.json", poem::get(jwks))
            .data(fake.clone()),
    )
    .await;
    let jwks_url = endpoint.url("/.well-known/jwks.json");
    let server = ServerProcess::start(&[("CLERK_JWKS_URL", &jwks_url)], None);
    let token = main_key().sign(&session_claims("user_keys"));
    let quota = || {
        server
            .client
            .get(server.url("/api/quota"))
            .bearer_auth(&token)
            .send()
    };
    // The first fetch runs in the background at start.
    let mut status = 0;
    for _ in 0..50 {
        status = quota().await.expect("quota").status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "{}", server.log());
    let baseline = server.status_kib("VmHWM");

    fake.huge.store(true, Ordering::SeqCst);
    let mut unknown = session_claims("user_rotated");
    unknown["sid"] = json!("sess_other");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("ins_rotated_away".into());
    let unknown_kid = jsonwebtoken::encode(&header, &unknown, &main_key().encoding).expect("token");
    let refused = server
        .client
        .get(server.url("/api/quota"))
        .bearer_auth(&unknown_kid)
        .send()
        .await
        .expect("response");
    assert_eq!(
        refused.status(),
        401,
        "the refetch for an unknown key failed"
    );
    assert!(
        server
            .log_shows("JWKS refetch failed", Duration::from_secs(5))
            .await
    );

    let fresh = main_key().sign(&session_claims("user_keys_again"));
    let cached_key = server
        .client
        .get(server.url("/api/quota"))
        .bearer_auth(&fresh)
        .send()
        .await
        .expect("response");
    assert_eq!(
        cached_key.status(),
        200,
        "the cached keys still verify new tokens"
    );
    let growth = server.status_kib("VmHWM").saturating_sub(baseline);
    assert!(growth < MAX_GROWTH_KIB, "peak memory grew by {growth} KiB");
}
