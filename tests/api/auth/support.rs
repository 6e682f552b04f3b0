//! What the auth tests add to the shared harness: tokens with hand-made headers, a fixed EC key,
//! and the one assertion every refused request must pass.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

use crate::helpers::{FakeServer, TestApp, json_body, main_key};

/// A P-256 test key (never used for anything but these tests), for ES256 tokens and EC JWKs.
pub const EC_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxAqCrBCWp6N2CqB4
uUsuz+6qmQ5ICwymF6gdHUg0vsehRANCAASrY0c/HpGAH0aLKyYk71EiF63mPlK7
wVT5mmeMRNiqImKylxOUKxiBnqrCUjmNKRVBlYaLqT+VoOj8D5q0VUPA
-----END PRIVATE KEY-----
";

/// The public half of [`EC_PRIVATE_PEM`] as a JWK.
pub fn ec_jwk(kid: &str) -> Value {
    json!({
        "kty": "EC",
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
        "crv": "P-256",
        "x": "q2NHPx6RgB9GiysmJO9RIhet5j5Su8FU-ZpnjETYqiI",
        "y": "YrKXE5QrGIGeqsJSOY0pFUGVhoupP5Wg6PwPmrRVQ8A",
    })
}

pub fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("json"))
}

/// A JWS with exactly `header` (any fields, any `alg` text), signed with `algorithm` and `key`.
pub fn sign_raw(header: &Value, claims: &Value, key: &EncodingKey, algorithm: Algorithm) -> String {
    let message = format!("{}.{}", b64_json(header), b64_json(claims));
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), key, algorithm).expect("signature");
    format!("{message}.{signature}")
}

/// The header Clerk puts on a session token, signed by the trusted key.
pub fn clerk_header() -> Value {
    json!({ "alg": "RS256", "typ": "JWT", "kid": main_key().kid })
}

/// `claims` signed by the trusted key under `header` (which must say RS256 to pass).
pub fn sign_with_header(header: &Value, claims: &Value) -> String {
    sign_raw(header, claims, &main_key().encoding, Algorithm::RS256)
}

/// The header of a Clerk token plus `extra` fields (for `cat`, `typ`…).
pub fn header_with(extra: &Value) -> Value {
    let mut header = clerk_header();
    for (name, value) in extra.as_object().expect("an object") {
        header[name] = value.clone();
    }
    header
}

/// `claims` with `name` removed.
pub fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().expect("an object").remove(name);
    claims
}

/// `claims` with `name` set to `value`.
pub fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

/// GET /api/quota with `token` as the bearer.
pub async fn quota(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/quota", token).await
}

/// Asserts the token is accepted: 200 on GET /api/quota, for `user_id`.
pub async fn assert_accepted(app: &TestApp, token: &str, user_id: &str) {
    let response = quota(app, token).await;
    let status = response.status();
    let body = json_body(response).await;
    assert_eq!(status, 200, "expected the token to be accepted: {body}");
    assert_eq!(body["user_id"], user_id);
}

/// Sends `token` to GET /api/quota and asserts a well-formed refusal naming `reason`.
pub async fn assert_token_rejected(app: &TestApp, token: &str, reason: &str) {
    assert_refusal(quota(app, token).await, Some(token), reason).await;
}

/// A 401 with `WWW-Authenticate: Bearer` (plus `error="invalid_token"` when a token was sent)
/// and a `{"detail": ...}` body that contains `reason` and not the token.
pub async fn assert_refusal(response: reqwest::Response, token: Option<&str>, reason: &str) {
    assert_eq!(response.status(), 401);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .expect("a WWW-Authenticate header")
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        challenge.starts_with("Bearer"),
        "challenge {challenge:?} is a Bearer one"
    );
    if token.is_some() {
        assert!(
            challenge.contains(r#"error="invalid_token""#),
            "challenge {challenge:?} says the token is invalid"
        );
    }
    let body = json_body(response).await;
    let detail = body["detail"].as_str().unwrap_or_else(|| {
        panic!("the body {body} has a string detail");
    });
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "only detail: {body}"
    );
    assert!(
        detail.contains(reason),
        "detail {detail:?} names the reason {reason:?}"
    );
    if let Some(token) = token {
        assert!(
            !detail.contains(token),
            "detail {detail:?} echoes the token"
        );
        // Nor any meaningful piece of it.
        for segment in token.split('.').filter(|s| s.len() >= 8) {
            assert!(
                !detail.contains(segment),
                "detail {detail:?} echoes a token segment"
            );
        }
    }
}

/// A server answering GET `path` with `body` (a key set the shared `FakeJwks` cannot express).
pub async fn serve_json(path: &str, body: Value) -> FakeServer {
    let endpoint = poem::endpoint::make_sync(move |_| poem::web::Json(body.clone()));
    FakeServer::start(poem::Route::new().at(path, poem::get(endpoint))).await
}
