//! The daily quota: lazy creation, spending, exhaustion, and the concurrency guarantee.

use futures::future::join_all;

use crate::helpers::{TestEnv, json_body};

#[tokio::test]
async fn a_new_user_gets_a_full_quota() {
    let app = TestEnv::new().set("DAILY_QUOTA", "7").spawn().await;
    let response = app.get("/api/quota", &app.token("user_new")).await;
    assert_eq!(response.status(), 200);
    let quota = json_body(response).await;
    assert_eq!(quota["user_id"], "user_new");
    assert_eq!(quota["quota_remaining"], 7);
    assert_eq!(quota["daily_limit"], 7);
    let last =
        chrono::DateTime::parse_from_rfc3339(quota["last_reset_date"].as_str().expect("last"))
            .expect("rfc3339");
    let next =
        chrono::DateTime::parse_from_rfc3339(quota["next_reset_date"].as_str().expect("next"))
            .expect("rfc3339");
    assert_eq!(next - last, chrono::TimeDelta::hours(24));
}

#[tokio::test]
async fn each_generation_spends_one_unit_and_an_empty_quota_is_429_with_retry_after() {
    let app = TestEnv::new().set("DAILY_QUOTA", "2").spawn().await;
    let token = app.token("user_spend");
    assert_eq!(app.generate(&token, "easy").await.status(), 200);
    assert_eq!(
        json_body(app.get("/api/quota", &token).await).await["quota_remaining"],
        1
    );
    assert_eq!(app.generate(&token, "easy").await.status(), 200);

    let refused = app.generate(&token, "easy").await;
    assert_eq!(refused.status(), 429);
    let retry_after: i64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(
        (86_300..=86_400).contains(&retry_after),
        "Retry-After {retry_after} counts down to the reset"
    );
    assert!(
        json_body(refused).await["detail"]
            .as_str()
            .expect("detail")
            .contains("quota")
    );
    assert_eq!(
        json_body(app.get("/api/quota", &token).await).await["quota_remaining"],
        0
    );
    assert_eq!(app.count_rows("challenges", Some("user_spend")).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_concurrent_generations_at_a_quota_of_ten_give_exactly_ten() {
    let app = TestEnv::new().set("DAILY_QUOTA", "10").spawn().await;
    let token = app.token("user_race");
    let responses = join_all((0..40).map(|_| app.generate(&token, "medium"))).await;
    let ok = responses.iter().filter(|r| r.status() == 200).count();
    let refused = responses.iter().filter(|r| r.status() == 429).count();
    assert_eq!((ok, refused), (10, 30));
    assert_eq!(app.count_rows("challenges", Some("user_race")).await, 10);
    assert_eq!(
        json_body(app.get("/api/quota", &token).await).await["quota_remaining"],
        0
    );
}

#[tokio::test]
async fn a_quota_whose_window_has_passed_is_refilled() {
    let app = TestEnv::new().set("DAILY_QUOTA", "1").spawn().await;
    let token = app.token("user_refill");
    assert_eq!(app.generate(&token, "easy").await.status(), 200);
    assert_eq!(app.generate(&token, "easy").await.status(), 429);
    // Age the window by 25 hours, as if a day went by.
    let db = app.db().await;
    let aged = (chrono::Utc::now() - chrono::TimeDelta::hours(25)).to_rfc3339();
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE quotas SET last_reset_date = $1::timestamptz WHERE user_id = 'user_refill'"
            }
            _ => "UPDATE quotas SET last_reset_date = ? WHERE user_id = 'user_refill'",
        },
        [chrono::DateTime::parse_from_rfc3339(&aged)
            .expect("ts")
            .with_timezone(&chrono::Utc)
            .into()],
    ))
    .await
    .expect("age the quota");

    let quota = json_body(app.get("/api/quota", &token).await).await;
    assert_eq!(quota["quota_remaining"], 1);
    assert_eq!(app.generate(&token, "easy").await.status(), 200);
    assert_eq!(app.generate(&token, "easy").await.status(), 429);
}
