//! Deliveries the endpoint refuses: bad signatures and headers (401), bad payloads (400), no secret
//! configured (503), oversized bodies (413). Every refusal is a JSON `{"detail"}`, never a 5xx.

use crate::{
    helpers::{self, TestApp, TestEnv},
    webhooks::clerk::{
        Delivery, assert_error, event, now_ms, sign_with_other_secret, status_of, stored_profile,
        user,
    },
};

fn created(user_id: &str) -> serde_json::Value {
    event(
        "user.created",
        user(user_id, "x@example.com", "x", now_ms()),
    )
}

/// Sends a validly signed `user.created` without `header`: refused, and nothing is stored.
async fn assert_refused_without(header: &'static str) {
    let app = TestApp::spawn().await;
    let response = Delivery::of(&created("user_2noheader"))
        .without(header)
        .send(&app)
        .await;
    let detail = assert_error(response, 401).await;
    assert!(detail.contains("header"), "{detail}");
    assert_eq!(stored_profile(&app, "user_2noheader").await, None);
}

#[tokio::test]
async fn a_delivery_without_svix_id_is_401() {
    assert_refused_without("svix-id").await;
}

#[tokio::test]
async fn a_delivery_without_svix_timestamp_is_401() {
    assert_refused_without("svix-timestamp").await;
}

#[tokio::test]
async fn a_delivery_without_svix_signature_is_401() {
    assert_refused_without("svix-signature").await;
}

#[tokio::test]
async fn a_bad_signature_is_401() {
    let app = TestApp::spawn().await;
    let mut delivery = Delivery::of(&created("user_2forged"));
    delivery.signature = "v1,dGhpcyBpcyBub3QgdGhlIHNpZ25hdHVyZSB5b3UgYXJlIGxvb2tpbmcgZm9y".into();
    assert_error(delivery.send(&app).await, 401).await;
    assert_eq!(stored_profile(&app, "user_2forged").await, None);
}

#[tokio::test]
async fn a_signature_made_with_another_secret_is_401() {
    let app = TestApp::spawn().await;
    let mut delivery = Delivery::of(&created("user_2othersecret"));
    delivery.signature = sign_with_other_secret(&delivery.id, delivery.timestamp, &delivery.body);
    assert_error(delivery.send(&app).await, 401).await;
    assert_eq!(stored_profile(&app, "user_2othersecret").await, None);
}

#[tokio::test]
async fn a_body_altered_after_signing_is_401() {
    let app = TestApp::spawn().await;
    let mut delivery = Delivery::of(&created("user_2honest"));
    delivery.body = serde_json::to_vec(&created("user_2tampered")).expect("json");
    assert_error(delivery.send(&app).await, 401).await;
    assert_eq!(stored_profile(&app, "user_2tampered").await, None);
}

#[tokio::test]
async fn a_timestamp_six_minutes_old_is_401() {
    let app = TestApp::spawn().await;
    let body = serde_json::to_vec(&created("user_2replayed")).expect("json");
    let delivery = Delivery::signed_at(body, helpers::now() - 6 * 60);
    let detail = assert_error(delivery.send(&app).await, 401).await;
    assert!(detail.contains("timestamp"), "{detail}");
    assert_eq!(stored_profile(&app, "user_2replayed").await, None);
}

#[tokio::test]
async fn a_timestamp_six_minutes_in_the_future_is_401() {
    let app = TestApp::spawn().await;
    let body = serde_json::to_vec(&created("user_2future")).expect("json");
    let delivery = Delivery::signed_at(body, helpers::now() + 6 * 60);
    let detail = assert_error(delivery.send(&app).await, 401).await;
    assert!(detail.contains("timestamp"), "{detail}");
    assert_eq!(stored_profile(&app, "user_2future").await, None);
}

#[tokio::test]
async fn a_svix_timestamp_that_is_not_a_number_is_401() {
    let app = TestApp::spawn().await;
    let delivery =
        Delivery::of(&created("user_2garbled")).with_header("svix-timestamp", "yesterday");
    assert_error(delivery.send(&app).await, 401).await;
    assert_eq!(stored_profile(&app, "user_2garbled").await, None);
}

#[tokio::test]
async fn a_signature_header_listing_several_signatures_passes_when_one_is_valid() {
    // Svix sends one signature per active secret while a secret is being rotated.
    let app = TestApp::spawn().await;
    let mut delivery = Delivery::of(&created("user_2rotating"));
    let stale = sign_with_other_secret(&delivery.id, delivery.timestamp, &delivery.body);
    delivery.signature = format!("{stale} {}", delivery.signature);
    let response = delivery.send(&app).await;
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(response).await, "processed");
}

#[tokio::test]
async fn a_validly_signed_body_that_is_not_json_is_400() {
    let app = TestApp::spawn().await;
    let delivery = Delivery::new("type=user.created&id=user_2form");
    assert_error(delivery.send(&app).await, 400).await;
}

#[tokio::test]
async fn a_validly_signed_event_without_a_type_is_400() {
    let app = TestApp::spawn().await;
    let mut payload = created("user_2typeless");
    payload.as_object_mut().expect("object").remove("type");
    assert_error(Delivery::of(&payload).send(&app).await, 400).await;
    assert_eq!(stored_profile(&app, "user_2typeless").await, None);
}

#[tokio::test]
async fn a_validly_signed_event_whose_data_is_not_an_object_is_400() {
    let app = TestApp::spawn().await;
    let payload = event("user.created", serde_json::json!(["user_2listed"]));
    assert_error(Delivery::of(&payload).send(&app).await, 400).await;
}

#[tokio::test]
async fn a_validly_signed_user_created_without_a_user_id_is_400() {
    let app = TestApp::spawn().await;
    let mut data = user("user_2anonymous", "anon@example.com", "anon", now_ms());
    data.as_object_mut().expect("object").remove("id");
    let detail = assert_error(
        Delivery::of(&event("user.created", data)).send(&app).await,
        400,
    )
    .await;
    assert!(detail.contains("data.id"), "{detail}");
    assert_eq!(app.count_rows("users", None).await, 0);
}

#[tokio::test]
async fn a_delivery_is_503_when_no_webhook_secret_is_configured() {
    let app = TestEnv::new().unset("CLERK_WEBHOOK_SECRET").spawn().await;
    let response = Delivery::of(&created("user_2unconfigured"))
        .send(&app)
        .await;
    let detail = assert_error(response, 503).await;
    assert!(detail.contains("CLERK_WEBHOOK_SECRET"), "{detail}");
    assert_eq!(stored_profile(&app, "user_2unconfigured").await, None);
}

#[tokio::test]
async fn a_delivery_over_one_mebibyte_is_413() {
    let app = TestApp::spawn().await;
    let mut data = user("user_2huge", "huge@example.com", "huge", now_ms());
    data["unsafe_metadata"] = serde_json::json!({"padding": "x".repeat(1024 * 1024)});
    let response = Delivery::of(&event("user.created", data)).send(&app).await;
    assert_error(response, 413).await;
    assert_eq!(stored_profile(&app, "user_2huge").await, None);
}

/// A validly signed `user.created` under `id`: refused as a bad request, nothing stored.
async fn assert_id_refused(id: &str) {
    let app = TestApp::spawn().await;
    let response = app.send_webhook(id, &created("user_2badid")).await;
    let detail = assert_error(response, 400).await;
    assert!(detail.contains("svix-id"), "{detail}");
    assert_eq!(stored_profile(&app, "user_2badid").await, None);
}

#[tokio::test]
async fn a_svix_id_longer_than_255_characters_is_400() {
    // 8 kB: past what PostgreSQL's index takes, refused the same on both databases.
    assert_id_refused(&format!("msg_{}", "a".repeat(8 * 1024))).await;
}

#[tokio::test]
async fn a_svix_id_with_a_character_outside_letters_digits_and_underscore_dot_dash_is_400() {
    assert_id_refused("msg_2abc/../x").await;
}
