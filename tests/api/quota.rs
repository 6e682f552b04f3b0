//! The daily quota: lazy creation, spending, exhaustion, the concurrency guarantee, and limits
//! by Clerk Billing plan (`QUOTA_PLANS` and the token's `pla`).

use std::time::Duration;

use futures::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{
    FakeLlm, LlmReply, TestApp, TestEnv, json_body, llm_challenge, main_key, session_claims,
};

/// A session token for `user_id` whose `pla` claim is `pla` (none when `None`).
fn plan_token(user_id: &str, pla: Option<&str>) -> String {
    let mut claims = session_claims(user_id);
    if let Some(pla) = pla {
        claims["pla"] = json!(pla);
    }
    main_key().sign(&claims)
}

async fn quota(app: &TestApp, token: &str) -> Value {
    let response = app.get("/api/quota", token).await;
    assert_eq!(response.status(), 200);
    json_body(response).await
}

/// Generates with each token at once; returns how many got 200 and how many 429.
async fn race(app: &TestApp, tokens: &[String]) -> (usize, usize) {
    let responses = join_all(tokens.iter().map(|token| app.generate(token, "medium"))).await;
    let ok = responses.iter().filter(|r| r.status() == 200).count();
    let refused = responses.iter().filter(|r| r.status() == 429).count();
    if ok + refused != tokens.len() {
        for response in responses {
            if ![200, 429].contains(&response.status().as_u16()) {
                panic!(
                    "{}: {}",
                    response.status(),
                    response.text().await.unwrap_or_default()
                );
            }
        }
    }
    (ok, refused)
}

/// Moves the user's window start `hours` into the past, as if time went by.
async fn age_window(app: &TestApp, user_id: &str, hours: i64) {
    use sea_orm::ConnectionTrait;
    let db = app.db().await;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "UPDATE quotas SET last_reset_date = $1 WHERE user_id = $2"
        }
        _ => "UPDATE quotas SET last_reset_date = ? WHERE user_id = ?",
    };
    let aged = chrono::Utc::now() - chrono::TimeDelta::hours(hours);
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [aged.into(), user_id.into()],
    ))
    .await
    .expect("age the quota");
}

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
    age_window(&app, "user_refill", 25).await;

    let quota = json_body(app.get("/api/quota", &token).await).await;
    assert_eq!(quota["quota_remaining"], 1);
    assert_eq!(app.generate(&token, "easy").await.status(), 200);
    assert_eq!(app.generate(&token, "easy").await.status(), 429);
}

#[tokio::test]
async fn a_listed_plan_gets_its_limit_and_any_other_token_the_default() {
    let app = TestEnv::new()
        .set("DAILY_QUOTA", "3")
        .set("QUOTA_PLANS", "free_user=2,pro=40")
        .spawn()
        .await;
    for (user, pla, plan, limit) in [
        ("user_pro", Some("u:pro"), json!("pro"), 40),
        ("user_org_pro", Some("o:pro"), json!("pro"), 40),
        ("user_free", Some("u:free_user"), json!("free_user"), 2),
        (
            "user_unlisted",
            Some("u:enterprise"),
            json!("enterprise"),
            3,
        ),
        ("user_no_plan", None, json!(null), 3),
    ] {
        let body = quota(&app, &plan_token(user, pla)).await;
        assert_eq!(body["plan"], plan, "{user}: {body}");
        assert_eq!(body["daily_limit"], limit, "{user}: {body}");
        assert_eq!(body["quota_remaining"], limit, "{user}: {body}");
    }
}

#[tokio::test]
async fn an_upgrade_mid_window_adds_the_difference_of_the_limits() {
    let app = TestEnv::new()
        .set("QUOTA_PLANS", "free_user=2,pro=5")
        .spawn()
        .await;
    let free = plan_token("user_upgrade", Some("u:free_user"));
    let pro = plan_token("user_upgrade", Some("u:pro"));
    assert_eq!(app.generate(&free, "easy").await.status(), 200);
    assert_eq!(app.generate(&free, "easy").await.status(), 200);
    assert_eq!(app.generate(&free, "easy").await.status(), 429);

    let upgraded = quota(&app, &pro).await;
    assert_eq!(
        (&upgraded["daily_limit"], &upgraded["quota_remaining"]),
        (&json!(5), &json!(3))
    );
    for _ in 0..3 {
        assert_eq!(app.generate(&pro, "easy").await.status(), 200);
    }
    assert_eq!(app.generate(&pro, "easy").await.status(), 429);
    assert_eq!(app.count_rows("challenges", Some("user_upgrade")).await, 5);
}

#[tokio::test]
async fn a_downgrade_never_goes_below_zero_and_switching_back_never_grants_more_than_the_highest_limit()
 {
    let app = TestEnv::new()
        .set("QUOTA_PLANS", "free_user=2,pro=5")
        .spawn()
        .await;
    let free = plan_token("user_switch", Some("u:free_user"));
    let pro = plan_token("user_switch", Some("u:pro"));
    for _ in 0..4 {
        assert_eq!(app.generate(&pro, "easy").await.status(), 200);
    }
    // Four used: the free plan's two are gone, and nothing is owed back as negative.
    let downgraded = quota(&app, &free).await;
    assert_eq!(
        (&downgraded["plan"], &downgraded["quota_remaining"]),
        (&json!("free_user"), &json!(0))
    );
    let refused = app.generate(&free, "easy").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));

    // Back on pro, still four used: one left, not three.
    assert_eq!(quota(&app, &pro).await["quota_remaining"], 1);
    assert_eq!(quota(&app, &free).await["quota_remaining"], 0);
    assert_eq!(app.generate(&pro, "easy").await.status(), 200);
    assert_eq!(app.generate(&pro, "easy").await.status(), 429);
    assert_eq!(app.generate(&free, "easy").await.status(), 429);
    assert_eq!(app.count_rows("challenges", Some("user_switch")).await, 5);
}

#[tokio::test]
async fn the_refill_uses_the_limit_of_the_current_plan() {
    let app = TestEnv::new()
        .set("QUOTA_PLANS", "free_user=1,pro=4")
        .spawn()
        .await;
    let free = plan_token("user_refill_pro", Some("u:free_user"));
    assert_eq!(app.generate(&free, "easy").await.status(), 200);
    assert_eq!(app.generate(&free, "easy").await.status(), 429);
    age_window(&app, "user_refill_pro", 25).await;

    let pro = plan_token("user_refill_pro", Some("u:pro"));
    assert_eq!(app.generate(&pro, "easy").await.status(), 200);
    let refilled = quota(&app, &pro).await;
    assert_eq!(
        (&refilled["daily_limit"], &refilled["quota_remaining"]),
        (&json!(4), &json!(3))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_concurrent_generations_on_a_plan_of_ten_give_exactly_ten() {
    let app = TestEnv::new()
        .set("DAILY_QUOTA", "3")
        .set("QUOTA_PLANS", "pro=10")
        .spawn()
        .await;
    let token = plan_token("user_race_pro", Some("u:pro"));
    assert_eq!(race(&app, &vec![token.clone(); 40]).await, (10, 30));
    assert_eq!(
        app.count_rows("challenges", Some("user_race_pro")).await,
        10
    );
    assert_eq!(quota(&app, &token).await["quota_remaining"], 0);
}

/// Twenty requests on the free plan (5) and twenty on pro (15), interleaved and at once, as when
/// a learner upgrades while requests are in flight: the pro requests take the units up to
/// pro's limit and not one more; the free ones never go past free's.
fn straddling_an_upgrade(user_id: &str) -> Vec<String> {
    let free = plan_token(user_id, Some("u:free_user"));
    let pro = plan_token(user_id, Some("u:pro"));
    (0..40)
        .map(|i| {
            if i % 2 == 0 {
                free.clone()
            } else {
                pro.clone()
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_concurrent_generations_straddling_an_upgrade_give_exactly_the_higher_limit() {
    let app = TestEnv::new()
        .set("QUOTA_PLANS", "free_user=5,pro=15")
        .spawn()
        .await;
    let tokens = straddling_an_upgrade("user_race_upgrade");
    assert_eq!(race(&app, &tokens).await, (15, 25));
    assert_eq!(
        app.count_rows("challenges", Some("user_race_upgrade"))
            .await,
        15
    );
    assert_eq!(quota(&app, &tokens[1]).await["quota_remaining"], 0);
    assert_eq!(quota(&app, &tokens[0]).await["quota_remaining"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_concurrent_llm_generations_straddling_an_upgrade_reserve_exactly_the_higher_limit() {
    // Distinct questions, so none is refused as a repeat of another.
    let replies = (0..40)
        .map(|_| {
            let word = uuid::Uuid::new_v4().simple().to_string();
            LlmReply::Content(llm_challenge(&format!(
                "What does the function {word} return?"
            )))
        })
        .collect();
    let (_llm, server) = FakeLlm::start(replies).await;
    let app = TestEnv::new()
        .set("CHALLENGE_GENERATOR", "openai")
        .set("OPENAI_BASE_URL", server.url("/v1"))
        .set("OPENAI_API_KEY", "sk-test-secret")
        .set("QUOTA_PLANS", "free_user=5,pro=15")
        .spawn()
        .await;
    let tokens = straddling_an_upgrade("user_race_llm");
    assert_eq!(race(&app, &tokens).await, (15, 25));
    assert_eq!(
        app.count_rows("challenges", Some("user_race_llm")).await,
        15
    );
    assert_eq!(
        app.count_rows("quota_reservations", Some("user_race_llm"))
            .await,
        0,
        "every reservation is settled"
    );
    assert_eq!(quota(&app, &tokens[1]).await["quota_remaining"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_sharing_the_database_straddling_an_upgrade_give_exactly_the_higher_limit() {
    let first = TestEnv::new()
        .set("QUOTA_PLANS", "free_user=5,pro=15")
        .spawn()
        .await;
    let second = TestEnv::new()
        .set("QUOTA_PLANS", "free_user=5,pro=15")
        .set("DATABASE_URL", first.database_url.clone())
        .spawn()
        .await;
    let tokens = straddling_an_upgrade("user_race_two");
    // Both servers know the user before the race, which is then about the quota alone.
    quota(&first, &tokens[0]).await;
    quota(&second, &tokens[0]).await;
    let (a, b) = tokens.split_at(20);
    let ((ok_a, refused_a), (ok_b, refused_b)) = futures::join!(race(&first, a), race(&second, b));
    assert_eq!((ok_a + ok_b, refused_a + refused_b), (15, 25));
    assert_eq!(
        first.count_rows("challenges", Some("user_race_two")).await,
        15
    );
    // The other server's read may lag by its one-second cache.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(quota(&second, &tokens[1]).await["quota_remaining"], 0);
}

#[tokio::test]
async fn a_quota_stored_before_plans_counts_as_filled_to_the_default_limit() {
    let app = TestEnv::new()
        .set("DAILY_QUOTA", "5")
        .set("QUOTA_PLANS", "pro=10")
        .spawn()
        .await;
    let plain = plan_token("user_legacy", None);
    quota(&app, &plain).await;
    // What a row written before plans holds: two of the five units used, no limit recorded.
    use sea_orm::ConnectionTrait;
    app.db()
        .await
        .execute_unprepared(
            "UPDATE quotas SET quota_remaining = 3, daily_limit = NULL, plan = NULL \
             WHERE user_id = 'user_legacy'",
        )
        .await
        .expect("a row from before plans");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(quota(&app, &plain).await["quota_remaining"], 3);
    let pro = plan_token("user_legacy", Some("u:pro"));
    assert_eq!(quota(&app, &pro).await["quota_remaining"], 8);
}
