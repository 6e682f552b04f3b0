//! What `user.created`, `user.updated` and `user.deleted` do to users, quotas and their data.

use serde_json::json;

use crate::{
    helpers::{TestEnv, json_body},
    webhooks::clerk::{
        count_where, deleted_user, deliver, now_ms, quota_remaining, stored_profile, user,
    },
};

#[tokio::test]
async fn user_created_stores_the_user_with_a_full_quota() {
    let app = TestEnv::new().set("DAILY_QUOTA", "7").spawn().await;
    let status = deliver(
        &app,
        "user.created",
        user("user_2created", "ada@example.com", "ada", now_ms()),
    )
    .await;
    assert_eq!(status, "processed");
    assert_eq!(app.count_rows("quotas", Some("user_2created")).await, 1);
    assert_eq!(quota_remaining(&app, "user_2created").await, 7);
}

#[tokio::test]
async fn user_created_stores_the_primary_email_not_the_first_one() {
    let app = TestEnv::new().spawn().await;
    deliver(
        &app,
        "user.created",
        user("user_2primary", "ada@example.com", "ada", now_ms()),
    )
    .await;
    assert_eq!(
        stored_profile(&app, "user_2primary").await,
        Some((Some("ada@example.com".into()), Some("ada".into())))
    );
}

#[tokio::test]
async fn user_created_leaves_an_already_spent_quota_alone() {
    let app = TestEnv::new().set("DAILY_QUOTA", "5").spawn().await;
    let token = app.token("user_2early");
    assert_eq!(app.generate(&token, "easy").await.status(), 200);
    assert_eq!(app.generate(&token, "easy").await.status(), 200);

    let status = deliver(
        &app,
        "user.created",
        user("user_2early", "early@example.com", "early", now_ms()),
    )
    .await;
    assert_eq!(status, "processed");
    assert_eq!(quota_remaining(&app, "user_2early").await, 3);
}

#[tokio::test]
async fn user_created_fills_in_the_profile_of_a_user_first_seen_through_a_token() {
    // The webhook is often slower than the user's first request.
    let app = TestEnv::new().spawn().await;
    let clerk_updated_at = now_ms() - 2_000;
    assert_eq!(quota_remaining(&app, "user_2tokenfirst").await, 50);

    deliver(
        &app,
        "user.created",
        user(
            "user_2tokenfirst",
            "late@example.com",
            "late",
            clerk_updated_at,
        ),
    )
    .await;
    assert_eq!(
        stored_profile(&app, "user_2tokenfirst").await,
        Some((Some("late@example.com".into()), Some("late".into())))
    );
}

#[tokio::test]
async fn user_updated_changes_the_email_and_username() {
    let app = TestEnv::new().spawn().await;
    let created = now_ms() - 10_000;
    deliver(
        &app,
        "user.created",
        user("user_2renamed", "old@example.com", "old", created),
    )
    .await;

    let status = deliver(
        &app,
        "user.updated",
        user("user_2renamed", "new@example.com", "new", created + 5_000),
    )
    .await;
    assert_eq!(status, "processed");
    assert_eq!(
        stored_profile(&app, "user_2renamed").await,
        Some((Some("new@example.com".into()), Some("new".into())))
    );
}

#[tokio::test]
async fn an_older_user_updated_delivered_after_a_newer_one_does_not_overwrite_it() {
    let app = TestEnv::new().spawn().await;
    let created = now_ms() - 10_000;
    deliver(
        &app,
        "user.created",
        user("user_2ordered", "first@example.com", "first", created),
    )
    .await;
    deliver(
        &app,
        "user.updated",
        user(
            "user_2ordered",
            "third@example.com",
            "third",
            created + 2_000,
        ),
    )
    .await;

    let status = deliver(
        &app,
        "user.updated",
        user(
            "user_2ordered",
            "second@example.com",
            "second",
            created + 1_000,
        ),
    )
    .await;
    assert_eq!(status, "processed", "a stale event is acknowledged");
    assert_eq!(
        stored_profile(&app, "user_2ordered").await,
        Some((Some("third@example.com".into()), Some("third".into())))
    );
}

#[tokio::test]
async fn a_user_created_arriving_after_a_newer_user_updated_does_not_overwrite_it() {
    let app = TestEnv::new().spawn().await;
    let created = now_ms() - 10_000;
    deliver(
        &app,
        "user.updated",
        user(
            "user_2late",
            "renamed@example.com",
            "renamed",
            created + 1_000,
        ),
    )
    .await;
    deliver(
        &app,
        "user.created",
        user("user_2late", "signup@example.com", "signup", created),
    )
    .await;
    assert_eq!(
        stored_profile(&app, "user_2late").await,
        Some((Some("renamed@example.com".into()), Some("renamed".into())))
    );
}

/// Out-of-order rule: Svix may deliver `user.updated` before `user.created` (or lose the latter);
/// an update for an unknown user creates them, with a full quota, as `user.created` would.
#[tokio::test]
async fn user_updated_for_a_user_never_created_creates_them() {
    let app = TestEnv::new().set("DAILY_QUOTA", "4").spawn().await;
    let status = deliver(
        &app,
        "user.updated",
        user("user_2unseen", "unseen@example.com", "unseen", now_ms()),
    )
    .await;
    assert_eq!(status, "processed");
    assert_eq!(
        stored_profile(&app, "user_2unseen").await,
        Some((Some("unseen@example.com".into()), Some("unseen".into())))
    );
    assert_eq!(quota_remaining(&app, "user_2unseen").await, 4);
}

#[tokio::test]
async fn user_deleted_removes_the_user_and_everything_they_own() {
    let app = TestEnv::new().spawn().await;
    let id = "user_2leaving";
    deliver(
        &app,
        "user.created",
        user(id, "bye@example.com", "bye", now_ms()),
    )
    .await;
    let token = app.token(id);
    let mut challenge_ids = Vec::new();
    for _ in 0..2 {
        let challenge = json_body(app.generate(&token, "easy").await).await;
        challenge_ids.push(challenge["id"].as_i64().expect("id"));
    }
    let answered = app
        .post(
            &format!("/api/challenges/{}/answer", challenge_ids[0]),
            &token,
            &json!({"answer_id": 1}),
        )
        .await;
    assert_eq!(answered.status(), 200);
    // A generation in flight (or left behind by a killed process) holds a reservation.
    let db = app.db().await;
    challenger::store::quotas::insert_reservation(&db, id, challenger::domain::now())
        .await
        .expect("reservation");
    for table in [
        "users",
        "quotas",
        "challenges",
        "answers",
        "quota_reservations",
    ] {
        let column = if table == "users" { "id" } else { "user_id" };
        assert!(count_where(&app, table, column, id).await > 0, "{table}");
    }

    let status = deliver(&app, "user.deleted", deleted_user(id)).await;
    assert_eq!(status, "processed");
    for table in [
        "users",
        "quotas",
        "challenges",
        "answers",
        "quota_reservations",
    ] {
        let column = if table == "users" { "id" } else { "user_id" };
        assert_eq!(count_where(&app, table, column, id).await, 0, "{table}");
    }
}

#[tokio::test]
async fn user_deleted_leaves_other_users_alone() {
    let app = TestEnv::new().spawn().await;
    let stays = app.token("user_2stays");
    assert_eq!(app.generate(&stays, "easy").await.status(), 200);
    deliver(
        &app,
        "user.created",
        user("user_2goes", "g@example.com", "g", now_ms()),
    )
    .await;

    deliver(&app, "user.deleted", deleted_user("user_2goes")).await;
    assert_eq!(app.count_rows("challenges", Some("user_2stays")).await, 1);
    assert_eq!(app.get("/api/quota", &stays).await.status(), 200);
}

#[tokio::test]
async fn a_deleted_users_still_valid_token_is_refused() {
    let app = TestEnv::new().spawn().await;
    let token = app.token("user_2revoked");
    assert_eq!(app.get("/api/quota", &token).await.status(), 200);

    deliver(&app, "user.deleted", deleted_user("user_2revoked")).await;
    let refused = app.get("/api/quota", &token).await;
    assert_eq!(refused.status(), 401);
    assert!(json_body(refused).await["detail"].is_string());
    assert_eq!(app.generate(&token, "easy").await.status(), 401);
    assert_eq!(app.count_rows("quotas", Some("user_2revoked")).await, 0);
}

#[tokio::test]
async fn another_process_sharing_the_database_refuses_a_deleted_user_within_seconds() {
    let receiver = TestEnv::new().spawn().await;
    let other = TestEnv::new()
        .set("DATABASE_URL", receiver.database_url.clone())
        .spawn()
        .await;
    let token = other.token("user_2elsewhere");
    assert_eq!(other.get("/api/quota", &token).await.status(), 200);

    deliver(&receiver, "user.deleted", deleted_user("user_2elsewhere")).await;
    let mut status = 200;
    for _ in 0..80 {
        status = other.get("/api/my-history", &token).await.status().as_u16();
        if status == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, 401,
        "refused once the other process's 5 s memory of the user lapses"
    );
}

#[tokio::test]
async fn a_user_created_arriving_after_user_deleted_does_not_bring_the_user_back() {
    let app = TestEnv::new().spawn().await;
    let id = "user_2gone";
    let signed_up = now_ms() - 5_000;
    deliver(
        &app,
        "user.created",
        user(id, "gone@example.com", "gone", signed_up),
    )
    .await;
    deliver(&app, "user.deleted", deleted_user(id)).await;

    let status = deliver(
        &app,
        "user.created",
        user(id, "gone@example.com", "gone", signed_up),
    )
    .await;
    assert_eq!(status, "processed");
    assert_eq!(stored_profile(&app, id).await, None);
    assert_eq!(app.count_rows("quotas", Some(id)).await, 0);
    assert_eq!(app.get("/api/quota", &app.token(id)).await.status(), 401);
}

#[tokio::test]
async fn user_deleted_for_an_unknown_user_is_processed_and_remembered() {
    let app = TestEnv::new().spawn().await;
    let status = deliver(&app, "user.deleted", deleted_user("user_2never")).await;
    assert_eq!(status, "processed");
    assert_eq!(
        count_where(&app, "deleted_users", "id", "user_2never").await,
        1
    );
    assert_eq!(
        app.get("/api/quota", &app.token("user_2never"))
            .await
            .status(),
        401
    );
    assert_eq!(stored_profile(&app, "user_2never").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn user_created_racing_user_deleted_never_leaves_a_deleted_user_behind() {
    let app = TestEnv::new().spawn().await;
    let ids: Vec<String> = (0..40).map(|i| format!("user_2race{i}")).collect();
    let deliveries = ids.iter().flat_map(|id| {
        [
            deliver(
                &app,
                "user.created",
                user(id, "r@example.com", "r", now_ms()),
            ),
            deliver(&app, "user.deleted", deleted_user(id)),
        ]
    });
    futures::future::join_all(deliveries).await;
    assert_eq!(app.count_rows("users", None).await, 0);
    assert_eq!(app.count_rows("quotas", None).await, 0);
    assert_eq!(app.count_rows("deleted_users", None).await, 40);
}
