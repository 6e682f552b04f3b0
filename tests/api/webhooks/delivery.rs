//! Event types the service ignores, and at-least-once delivery: each svix id is applied once,
//! within the dedup window the sweep keeps.

use challenger::store::entity::webhook_events;
use chrono::TimeDelta;
use futures::future::join_all;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::{
    helpers::TestEnv,
    webhooks::clerk::{
        count_where, deliver, event, now_ms, quota_remaining, status_of, stored_profile, svix_id,
        user,
    },
};

#[tokio::test]
async fn a_session_created_event_is_ignored() {
    let app = TestEnv::new().spawn().await;
    let session = json!({
        "id": "sess_2session",
        "object": "session",
        "user_id": "user_2session",
        "client_id": "client_2abc",
        "status": "active",
        "created_at": now_ms(),
        "updated_at": now_ms(),
    });
    assert_eq!(deliver(&app, "session.created", session).await, "ignored");
    assert_eq!(stored_profile(&app, "user_2session").await, None);
}

#[tokio::test]
async fn an_email_created_event_is_ignored() {
    let app = TestEnv::new().spawn().await;
    let email = json!({
        "object": "email",
        "slug": "verification_code",
        "to_email_address": "ada@example.com",
        "user_id": null,
        "status": "queued",
        "data": {"otp_code": "123456"},
    });
    assert_eq!(deliver(&app, "email.created", email).await, "ignored");
    assert_eq!(app.count_rows("users", None).await, 0);
}

#[tokio::test]
async fn a_repeated_svix_id_is_a_duplicate_with_no_second_effect() {
    let app = TestEnv::new().set("DAILY_QUOTA", "5").spawn().await;
    let id = svix_id();
    let created = event(
        "user.created",
        user("user_2again", "a@example.com", "a", now_ms()),
    );
    assert_eq!(
        status_of(app.send_webhook(&id, &created).await).await,
        "processed"
    );
    assert_eq!(
        app.generate(&app.token("user_2again"), "easy")
            .await
            .status(),
        200
    );

    let again = app.send_webhook(&id, &created).await;
    assert_eq!(again.status(), 200);
    assert_eq!(status_of(again).await, "duplicate");
    assert_eq!(quota_remaining(&app, "user_2again").await, 4);
    assert_eq!(count_where(&app, "webhook_events", "svix_id", &id).await, 1);
}

#[tokio::test]
async fn a_repeated_svix_id_is_not_applied_even_when_its_body_differs() {
    let app = TestEnv::new().spawn().await;
    let id = svix_id();
    let at = now_ms();
    let first = event(
        "user.updated",
        user("user_2keyed", "first@example.com", "first", at),
    );
    assert_eq!(
        status_of(app.send_webhook(&id, &first).await).await,
        "processed"
    );

    let other = event(
        "user.updated",
        user("user_2keyed", "other@example.com", "other", at + 1_000),
    );
    assert_eq!(
        status_of(app.send_webhook(&id, &other).await).await,
        "duplicate"
    );
    assert_eq!(
        stored_profile(&app, "user_2keyed").await,
        Some((Some("first@example.com".into()), Some("first".into())))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_deliveries_of_one_svix_id_are_processed_exactly_once() {
    let app = TestEnv::new().spawn().await;
    let id = svix_id();
    let created = event(
        "user.created",
        user("user_2burst", "b@example.com", "b", now_ms()),
    );
    let responses = join_all((0..10).map(|_| app.send_webhook(&id, &created))).await;
    let mut statuses = Vec::new();
    for response in responses {
        assert_eq!(response.status(), 200);
        statuses.push(status_of(response).await);
    }
    let processed = statuses.iter().filter(|s| *s == "processed").count();
    let duplicate = statuses.iter().filter(|s| *s == "duplicate").count();
    assert_eq!((processed, duplicate), (1, 9), "{statuses:?}");
    assert_eq!(app.count_rows("quotas", Some("user_2burst")).await, 1);
    assert_eq!(count_where(&app, "webhook_events", "svix_id", &id).await, 1);
}

#[tokio::test]
async fn the_sweep_forgets_delivery_ids_past_the_dedup_window_and_a_replay_then_applies_again() {
    let app = TestEnv::new().set("WEBHOOK_DEDUP_DAYS", "7").spawn().await;
    let (old, recent) = (svix_id(), svix_id());
    let old_event = event(
        "user.created",
        user("user_2old", "o@example.com", "o", now_ms()),
    );
    let recent_event = event(
        "user.created",
        user("user_2recent", "r@example.com", "r", now_ms()),
    );
    assert_eq!(
        status_of(app.send_webhook(&old, &old_event).await).await,
        "processed"
    );
    app.advance_clock(TimeDelta::days(6));
    assert_eq!(
        status_of(app.send_webhook(&recent, &recent_event).await).await,
        "processed"
    );
    // More than one batch of old ids, so the sweep has to loop.
    let now = app.now();
    let filler: Vec<_> = (0..2500)
        .map(|i| webhook_events::ActiveModel {
            svix_id: Set(format!("msg_filler_{i}")),
            event_type: Set("user.updated".into()),
            processed_at: Set(now - TimeDelta::days(8)),
        })
        .collect();
    webhook_events::Entity::insert_many(filler)
        .exec_without_returning(&app.db().await)
        .await
        .expect("insert");
    app.advance_clock(TimeDelta::days(2));

    app.sweep().await;
    assert_eq!(
        count_where(&app, "webhook_events", "svix_id", &old).await,
        0
    );
    assert_eq!(
        count_where(&app, "webhook_events", "svix_id", &recent).await,
        1
    );
    assert_eq!(app.count_rows("webhook_events", None).await, 1);

    assert_eq!(
        status_of(app.send_webhook(&old, &old_event).await).await,
        "processed",
        "a forgotten id is applied again"
    );
    assert_eq!(
        status_of(app.send_webhook(&recent, &recent_event).await).await,
        "duplicate"
    );
}
