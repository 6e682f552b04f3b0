//! Every way a request can fail to authenticate: each is a 401 with a Bearer challenge and a
//! detail naming the reason, never echoing the token.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::{
    auth::support::{
        EC_PRIVATE_PEM, assert_refusal, assert_token_rejected, b64_json, clerk_header, header_with,
        sign_raw, sign_with_header, with, without,
    },
    helpers::{TestApp, TestEnv, main_key, now, other_key, session_claims},
};

#[tokio::test]
async fn a_request_without_a_token_gets_a_bare_bearer_challenge() {
    let app = TestApp::spawn().await;
    let response = app.get_anonymous("/api/quota").await;
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer",
        "no error code when no credentials were sent (RFC 6750 §3.1)"
    );
    assert_refusal(response, None, "missing bearer token").await;
}

#[tokio::test]
async fn a_garbage_token_is_rejected_as_malformed() {
    let app = TestApp::spawn().await;
    assert_token_rejected(&app, "this-is-not-a-jwt-at-all", "not a well-formed JWT").await;
}

#[tokio::test]
async fn a_token_with_two_segments_is_rejected_as_malformed() {
    let app = TestApp::spawn().await;
    let token = app.token("user_two_segments");
    let (two_segments, _signature) = token.rsplit_once('.').expect("three segments");
    assert_token_rejected(&app, two_segments, "not a well-formed JWT").await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_rejected() {
    let app = TestApp::spawn().await;
    let token = format!(
        "{}.{}.",
        b64_json(&json!({ "alg": "none", "typ": "JWT" })),
        b64_json(&session_claims("user_none")),
    );
    assert_token_rejected(&app, &token, "only RS256 is accepted").await;
}

#[tokio::test]
async fn an_hs256_token_signed_with_a_random_secret_is_rejected() {
    let app = TestApp::spawn().await;
    let secret: [u8; 32] = rand::random();
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &session_claims("user_hs256"),
        &EncodingKey::from_secret(&secret),
    )
    .expect("sign");
    assert_token_rejected(&app, &token, "only RS256 is accepted").await;
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_trusted_public_pem_is_rejected() {
    // The classic algorithm confusion: a verifier that lets the token pick the algorithm would
    // check this HMAC with the (public) PEM bytes as the secret, and accept it.
    let app = TestApp::spawn().await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(main_key().kid.clone());
    let token = jsonwebtoken::encode(
        &header,
        &session_claims("user_confused"),
        &EncodingKey::from_secret(main_key().public_pem.as_bytes()),
    )
    .expect("sign");
    assert_token_rejected(&app, &token, "only RS256 is accepted").await;
}

#[tokio::test]
async fn an_rs384_token_from_the_trusted_key_is_rejected() {
    let app = TestApp::spawn().await;
    let token = sign_raw(
        &header_with(&json!({ "alg": "RS384" })),
        &session_claims("user_rs384"),
        &main_key().encoding,
        Algorithm::RS384,
    );
    assert_token_rejected(&app, &token, "only RS256 is accepted").await;
}

#[tokio::test]
async fn a_ps256_token_from_the_trusted_key_is_rejected() {
    let app = TestApp::spawn().await;
    let token = sign_raw(
        &header_with(&json!({ "alg": "PS256" })),
        &session_claims("user_ps256"),
        &main_key().encoding,
        Algorithm::PS256,
    );
    assert_token_rejected(&app, &token, "only RS256 is accepted").await;
}

#[tokio::test]
async fn an_es256_token_is_rejected() {
    let app = TestApp::spawn().await;
    let token = sign_raw(
        &header_with(&json!({ "alg": "ES256" })),
        &session_claims("user_es256"),
        &EncodingKey::from_ec_pem(EC_PRIVATE_PEM.as_bytes()).expect("EC key"),
        Algorithm::ES256,
    );
    assert_token_rejected(&app, &token, "only RS256 is accepted").await;
}

#[tokio::test]
async fn a_token_signed_by_an_untrusted_key_is_rejected() {
    let app = TestApp::spawn().await;
    // Same kid as the trusted key, so only the signature tells them apart.
    let header = clerk_header();
    let token = sign_raw(
        &header,
        &session_claims("user_forged"),
        &other_key().encoding,
        Algorithm::RS256,
    );
    assert_token_rejected(&app, &token, "signature is invalid").await;
}

#[tokio::test]
async fn a_token_expired_beyond_the_skew_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_expired"), "exp", json!(now() - 10));
    assert_token_rejected(&app, &main_key().sign(&claims), "expired").await;
}

#[tokio::test]
async fn a_token_not_valid_before_a_time_beyond_the_skew_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_nbf"), "nbf", json!(now() + 10));
    assert_token_rejected(&app, &main_key().sign(&claims), "not valid yet").await;
}

#[tokio::test]
async fn a_token_issued_in_the_future_beyond_the_skew_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_iat"), "iat", json!(now() + 10));
    assert_token_rejected(&app, &main_key().sign(&claims), "issued in the future").await;
}

#[tokio::test]
async fn a_token_without_a_subject_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = without(session_claims("user_x"), "sub");
    assert_token_rejected(&app, &main_key().sign(&claims), "no subject").await;
}

#[tokio::test]
async fn a_token_with_an_empty_subject_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = session_claims("");
    assert_token_rejected(&app, &main_key().sign(&claims), "no subject").await;
}

#[tokio::test]
async fn a_token_whose_subject_is_not_a_string_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = with(session_claims("user_x"), "sub", json!(12345));
    assert_token_rejected(
        &app,
        &main_key().sign(&claims),
        r#"claim "sub" is malformed"#,
    )
    .await;
}

#[tokio::test]
async fn a_token_without_an_expiry_is_rejected() {
    let app = TestApp::spawn().await;
    let claims = without(session_claims("user_forever"), "exp");
    assert_token_rejected(&app, &main_key().sign(&claims), r#"no "exp" claim"#).await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_rejected_when_an_issuer_is_configured() {
    let app = TestEnv::new()
        .set("CLERK_ISSUER", "https://clerk.test.example")
        .spawn()
        .await;
    let claims = with(
        session_claims("user_iss"),
        "iss",
        json!("https://clerk.evil.example"),
    );
    assert_token_rejected(&app, &main_key().sign(&claims), "issuer is not trusted").await;
}

#[tokio::test]
async fn a_token_without_an_issuer_is_rejected_when_an_issuer_is_configured() {
    let app = TestEnv::new()
        .set("CLERK_ISSUER", "https://clerk.test.example")
        .spawn()
        .await;
    let claims = without(session_claims("user_iss"), "iss");
    assert_token_rejected(&app, &main_key().sign(&claims), r#"no "iss" claim"#).await;
}

#[tokio::test]
async fn a_token_from_an_unlisted_party_is_rejected() {
    let app = TestEnv::new()
        .set(
            "CLERK_AUTHORIZED_PARTIES",
            "https://app.example.com, http://localhost:3000",
        )
        .spawn()
        .await;
    // session_claims' azp is http://localhost:5173, which is not listed.
    let token = app.token("user_azp");
    assert_token_rejected(&app, &token, "authorized party (azp) is not allowed").await;
}

#[tokio::test]
async fn a_token_without_an_authorized_party_is_rejected_when_parties_are_configured() {
    let app = TestEnv::new()
        .set("CLERK_AUTHORIZED_PARTIES", "http://localhost:5173")
        .spawn()
        .await;
    let claims = without(session_claims("user_azp"), "azp");
    assert_token_rejected(&app, &main_key().sign(&claims), "no authorized party").await;
}

#[tokio::test]
async fn a_machine_token_category_is_rejected() {
    let app = TestApp::spawn().await;
    let token = sign_with_header(
        &header_with(&json!({ "cat": "cl_B7d4PD333AAA" })),
        &session_claims("user_m2m"),
    );
    assert_token_rejected(&app, &token, "not a session token").await;
}

#[tokio::test]
async fn an_oauth_access_token_type_is_rejected() {
    let app = TestApp::spawn().await;
    let token = sign_with_header(
        &header_with(&json!({ "typ": "at+jwt" })),
        &session_claims("user_oauth"),
    );
    assert_token_rejected(&app, &token, "not a session token").await;
}

#[tokio::test]
async fn a_machine_subject_is_rejected() {
    let app = TestApp::spawn().await;
    let token = app.token("mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    assert_token_rejected(&app, &token, "not a session token").await;
}

#[tokio::test]
async fn a_deleted_users_still_valid_token_is_rejected() {
    let app = TestApp::spawn().await;
    let token = app.token("user_gone");
    assert_eq!(app.get("/api/quota", &token).await.status(), 200);

    let deleted = app
        .send_webhook(
            "msg_delete_user_gone",
            &json!({
                "type": "user.deleted",
                "object": "event",
                "data": { "id": "user_gone", "object": "user", "deleted": true },
            }),
        )
        .await;
    assert_eq!(deleted.status(), 200);

    assert_token_rejected(&app, &token, "deleted").await;
}
