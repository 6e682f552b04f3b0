//! Keys from a JWKS endpoint (`CLERK_JWKS_URL`): caching, rotation, outages, floods.

use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::json;

use crate::{
    auth::support::{assert_accepted, assert_token_rejected, ec_jwk, quota, serve_json},
    helpers::{FakeJwks, FakeServer, TestApp, TestEnv, TestKey, main_key, session_claims},
};

const JWKS_PATH: &str = "/.well-known/jwks.json";

/// An app that trusts only the keys `server` serves.
async fn app_with_jwks(server: &FakeServer) -> TestApp {
    TestEnv::new()
        .unset("CLERK_JWT_KEY")
        .set("CLERK_JWKS_URL", server.url(JWKS_PATH))
        .spawn()
        .await
}

/// Waits until the app's start-up fetch of the key set has happened.
async fn wait_for_fetches(jwks: &FakeJwks, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while jwks.fetches() < count {
        assert!(Instant::now() < deadline, "the JWKS was never fetched");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Polls until `token` is accepted, for at most `limit`.
async fn accepted_within(app: &TestApp, token: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if quota(app, token).await.status() == 200 {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_token_signed_by_a_served_key_is_accepted() {
    let (_jwks, server) = FakeJwks::start(&[main_key()]).await;
    let app = app_with_jwks(&server).await;
    assert_accepted(&app, &app.token("user_jwks"), "user_jwks").await;
}

#[tokio::test]
async fn a_token_with_an_unknown_kid_is_rejected() {
    let (_jwks, server) = FakeJwks::start(&[main_key()]).await;
    let app = app_with_jwks(&server).await;
    let stranger = TestKey::generate("ins_unknown");
    let token = stranger.sign(&session_claims("user_stranger"));
    assert_token_rejected(&app, &token, "unknown key").await;
}

#[tokio::test]
async fn a_rotated_key_is_accepted_without_a_restart() {
    let (jwks, server) = FakeJwks::start(&[main_key()]).await;
    let app = app_with_jwks(&server).await;
    wait_for_fetches(&jwks, 1).await;
    assert_accepted(&app, &app.token("user_rotation"), "user_rotation").await;

    let rotated = TestKey::generate("ins_rotated");
    jwks.serve_keys(&[main_key(), &rotated]);
    let token = rotated.sign(&session_claims("user_rotation"));
    assert_accepted(&app, &token, "user_rotation").await;
}

#[tokio::test]
async fn cached_keys_keep_working_during_a_jwks_outage() {
    let (jwks, server) = FakeJwks::start(&[main_key()]).await;
    let app = app_with_jwks(&server).await;
    wait_for_fetches(&jwks, 1).await;
    assert_accepted(&app, &app.token("user_outage"), "user_outage").await;

    jwks.set_down(true);
    // A token for an unknown kid makes the app try the (failing) endpoint…
    let stranger = TestKey::generate("ins_during_outage");
    assert_token_rejected(
        &app,
        &stranger.sign(&session_claims("user_outage")),
        "unknown key",
    )
    .await;
    // …and a new token from the cached key, never seen before, still verifies.
    let mut claims = session_claims("user_outage");
    claims["jti"] = json!("a fresh token");
    assert_accepted(&app, &main_key().sign(&claims), "user_outage").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_unknown_kids_refetches_the_jwks_at_most_twice() {
    let (jwks, server) = FakeJwks::start(&[main_key()]).await;
    let app = app_with_jwks(&server).await;
    wait_for_fetches(&jwks, 1).await;
    assert_accepted(&app, &app.token("user_flood"), "user_flood").await;
    let initial = jwks.fetches();

    let forged: Vec<String> = (0..50)
        .map(|i| {
            let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
            header.kid = Some(format!("ins_forged_{i}"));
            jsonwebtoken::encode(&header, &session_claims("user_flood"), &main_key().encoding)
                .expect("sign")
        })
        .collect();
    let statuses = join_all(forged.iter().map(|token| quota(&app, token))).await;
    assert!(statuses.iter().all(|r| r.status() == 401));

    let refetches = jwks.fetches() - initial;
    assert!(
        refetches <= 2,
        "{refetches} JWKS fetches for 50 unknown kids"
    );
}

#[tokio::test]
async fn keys_of_other_types_in_the_set_are_skipped() {
    let mut keys = vec![
        ec_jwk("ins_ec"),
        json!({ "kty": "oct", "kid": "ins_oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ" }),
        json!({ "kty": "OKP", "kid": "ins_okp", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }),
        json!({ "kty": "RSA", "kid": "ins_enc", "use": "enc", "n": "AQAB", "e": "AQAB" }),
        json!({ "kty": "mystery", "kid": "ins_mystery" }),
        json!("not even an object"),
    ];
    keys.push(main_key().jwk.clone());
    let server = serve_json(JWKS_PATH, json!({ "keys": keys })).await;
    let app = app_with_jwks(&server).await;
    assert_accepted(&app, &app.token("user_mixed_set"), "user_mixed_set").await;
}

#[tokio::test]
async fn a_server_started_during_a_jwks_outage_starts_and_accepts_tokens_once_it_returns() {
    let (jwks, server) = FakeJwks::start(&[main_key()]).await;
    jwks.set_down(true);
    let app = app_with_jwks(&server).await;

    let ready = app.get_anonymous("/readyz").await;
    assert_eq!(ready.status(), 200);
    let token = app.token("user_late_jwks");
    assert_token_rejected(&app, &token, "unknown key").await;

    jwks.set_down(false);
    assert!(
        accepted_within(&app, &token, Duration::from_secs(10)).await,
        "the key set was never loaded after the outage"
    );
}

#[tokio::test]
async fn a_token_without_a_kid_is_rejected() {
    let (_jwks, server) = FakeJwks::start(&[main_key()]).await;
    let app = app_with_jwks(&server).await;
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &session_claims("user_no_kid"),
        &main_key().encoding,
    )
    .expect("sign");
    assert_token_rejected(&app, &token, "no key id").await;
}
