//! Generating, listing, reading and answering challenges.

use serde_json::{Value, json};

use crate::helpers::{TestApp, json_body};

#[tokio::test]
async fn generate_challenge_returns_a_stored_challenge_of_the_requested_difficulty() {
    let app = TestApp::spawn().await;
    let token = app.token("user_gen");
    let response = app
        .post(
            "/api/generate-challenge",
            &token,
            &json!({"difficulty": "hard", "topic": "rust"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let challenge = json_body(response).await;
    assert_eq!(challenge["difficulty"], "hard");
    assert_eq!(challenge["topic"], "rust");
    assert_eq!(challenge["options"].as_array().expect("options").len(), 4);
    let correct = challenge["correct_answer_id"].as_u64().expect("id");
    assert!(correct < 4);
    assert!(!challenge["title"].as_str().expect("title").is_empty());
    assert!(
        chrono::DateTime::parse_from_rfc3339(challenge["timestamp"].as_str().expect("ts")).is_ok()
    );

    let id = challenge["id"].as_i64().expect("id");
    let stored = json_body(app.get(&format!("/api/challenges/{id}"), &token).await).await;
    assert_eq!(
        stored, challenge,
        "reading it back gives exactly what generation returned"
    );
}

#[tokio::test]
async fn a_challenge_without_topic_has_a_null_topic() {
    let app = TestApp::spawn().await;
    let token = app.token("user_nt");
    let challenge = json_body(app.generate(&token, "easy").await).await;
    assert!(challenge["topic"].is_null());
    let explicit_null = app
        .post(
            "/api/generate-challenge",
            &token,
            &json!({"difficulty": "easy", "topic": null}),
        )
        .await;
    assert_eq!(explicit_null.status(), 200);
    assert!(json_body(explicit_null).await["topic"].is_null());
}

#[tokio::test]
async fn generate_challenge_rejects_an_invalid_body_with_400() {
    let app = TestApp::spawn().await;
    let token = app.token("user_bad");
    for body in [
        json!({"difficulty": "impossible"}),
        json!({}),
        json!({"difficulty": "easy", "topic": ""}),
        json!({"difficulty": "easy", "topic": "x".repeat(81)}),
        json!({"difficulty": "easy", "topic": "   "}),
        json!({"difficulty": 3}),
        json!({"difficulty": "easy", "topic": true}),
        json!({"difficulty": "easy", "topic": 42}),
    ] {
        let response = app.post("/api/generate-challenge", &token, &body).await;
        assert_eq!(response.status(), 400, "body {body}");
        assert!(json_body(response).await["detail"].is_string());
    }
    let quota = json_body(app.get("/api/quota", &token).await).await;
    assert_eq!(
        quota["quota_remaining"], 50,
        "rejected requests spend no quota"
    );
}

#[tokio::test]
async fn generate_challenge_without_a_content_type_is_415() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/generate-challenge"))
        .bearer_auth(app.token("user_ct"))
        .body(r#"{"difficulty":"easy"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 415);
    assert!(json_body(response).await["detail"].is_string());
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413_on_every_route() {
    let app = TestApp::spawn().await;
    let big = format!(
        r#"{{"difficulty":"easy","topic":"{}"}}"#,
        "x".repeat(1024 * 1024 + 1)
    );
    for path in [
        "/api/generate-challenge",
        "/api/webhooks/clerk",
        "/api/dev/token",
        "/api/challenges/1/answer",
        "/healthz",
    ] {
        let response = app
            .client
            .post(app.url(path))
            .bearer_auth(app.token("user_big"))
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 413, "{path}");
        assert!(json_body(response).await["detail"].is_string());
    }
}

#[tokio::test]
async fn history_lists_only_my_challenges_newest_first_with_a_cursor() {
    let app = TestApp::spawn().await;
    let mine = app.token("user_hist");
    let theirs = app.token("user_other");
    let mut ids = Vec::new();
    for difficulty in ["easy", "medium", "easy", "hard", "easy"] {
        ids.push(
            json_body(app.generate(&mine, difficulty).await).await["id"]
                .as_i64()
                .expect("id"),
        );
    }
    app.generate(&theirs, "easy").await;

    let page = json_body(app.get("/api/my-history?limit=2", &mine).await).await;
    let page_ids: Vec<i64> = page["challenges"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(page_ids, vec![ids[4], ids[3]]);
    assert_eq!(page["next_before"], ids[3]);

    let next = json_body(
        app.get(&format!("/api/my-history?limit=2&before={}", ids[3]), &mine)
            .await,
    )
    .await;
    let next_ids: Vec<i64> = next["challenges"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(next_ids, vec![ids[2], ids[1]]);

    let last = json_body(
        app.get(&format!("/api/my-history?limit=2&before={}", ids[1]), &mine)
            .await,
    )
    .await;
    assert_eq!(last["challenges"].as_array().expect("list").len(), 1);
    assert!(last["next_before"].is_null());

    let easy = json_body(app.get("/api/my-history?difficulty=easy", &mine).await).await;
    let easy = easy["challenges"].as_array().expect("list");
    assert_eq!(easy.len(), 3);
    assert!(easy.iter().all(|c| c["difficulty"] == "easy"));

    let all = json_body(app.get("/api/my-history", &mine).await).await;
    assert_eq!(
        all["challenges"].as_array().expect("list").len(),
        5,
        "default limit covers all five, none of theirs"
    );
}

#[tokio::test]
async fn history_rejects_out_of_range_parameters() {
    let app = TestApp::spawn().await;
    let token = app.token("user_params");
    for query in [
        "limit=0",
        "limit=101",
        "limit=abc",
        "before=0",
        "difficulty=extreme",
        "outcome=maybe",
        "outcome=",
    ] {
        let response = app.get(&format!("/api/my-history?{query}"), &token).await;
        assert_eq!(response.status(), 400, "{query}");
    }
}

/// Answers challenge `challenge` rightly or wrongly; returns the option picked.
async fn answer(app: &TestApp, token: &str, challenge: &Value, right: bool) -> u64 {
    let id = challenge["id"].as_i64().expect("id");
    let correct = challenge["correct_answer_id"].as_u64().expect("correct");
    let pick = if right { correct } else { (correct + 1) % 4 };
    let response = app
        .post(
            &format!("/api/challenges/{id}/answer"),
            token,
            &json!({"answer_id": pick}),
        )
        .await;
    assert_eq!(response.status(), 200);
    pick
}

fn ids(page: &Value) -> Vec<i64> {
    page["challenges"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect()
}

#[tokio::test]
async fn history_and_a_read_by_id_carry_the_recorded_answer() {
    let app = TestApp::spawn().await;
    let token = app.token("user_recorded");
    let generated = json_body(app.generate(&token, "easy").await).await;
    assert!(
        generated["answer"].is_null(),
        "a new challenge is unanswered"
    );
    let id = generated["id"].as_i64().expect("id");

    let before = json_body(app.get(&format!("/api/challenges/{id}"), &token).await).await;
    assert!(before["answer"].is_null());

    let picked = answer(&app, &token, &generated, false).await;
    let read = json_body(app.get(&format!("/api/challenges/{id}"), &token).await).await;
    assert_eq!(read["answer"]["selected_answer_id"], picked);
    assert_eq!(read["answer"]["correct"], false);
    let answered_at = read["answer"]["answered_at"].as_str().expect("answered_at");
    assert!(chrono::DateTime::parse_from_rfc3339(answered_at).is_ok());

    let history = json_body(app.get("/api/my-history", &token).await).await;
    assert_eq!(history["challenges"][0]["answer"], read["answer"]);
}

#[tokio::test]
async fn history_filters_by_outcome_and_difficulty_and_pages_within_the_filter() {
    let app = TestApp::spawn().await;
    let token = app.token("user_outcome");
    // Newest first: (id, difficulty, outcome).
    let mut made: Vec<(i64, &str, &str)> = Vec::new();
    for (difficulty, answered) in [
        ("easy", Some(false)),
        ("hard", Some(false)),
        ("easy", Some(true)),
        ("easy", None),
        ("easy", Some(false)),
        ("medium", None),
        ("easy", Some(false)),
    ] {
        let challenge = json_body(app.generate(&token, difficulty).await).await;
        let outcome = match answered {
            None => "unanswered",
            Some(right) => {
                answer(&app, &token, &challenge, right).await;
                if right { "correct" } else { "wrong" }
            }
        };
        made.insert(
            0,
            (challenge["id"].as_i64().expect("id"), difficulty, outcome),
        );
    }
    app.generate(&app.token("user_outcome_other"), "easy").await;
    let expected = |difficulty: Option<&str>, outcome: &str| -> Vec<i64> {
        made.iter()
            .filter(|(_, d, o)| *o == outcome && difficulty.is_none_or(|want| want == *d))
            .map(|(id, ..)| *id)
            .collect()
    };

    for outcome in ["unanswered", "correct", "wrong"] {
        let page = json_body(
            app.get(&format!("/api/my-history?outcome={outcome}"), &token)
                .await,
        )
        .await;
        assert_eq!(ids(&page), expected(None, outcome), "{outcome}");
        for challenge in page["challenges"].as_array().expect("list") {
            match outcome {
                "unanswered" => assert!(challenge["answer"].is_null()),
                _ => assert_eq!(challenge["answer"]["correct"], outcome == "correct"),
            }
        }
    }

    // Easy mistakes, two per page: the filter holds across pages.
    let wrong_easy = expected(Some("easy"), "wrong");
    assert_eq!(wrong_easy.len(), 3);
    let first = json_body(
        app.get(
            "/api/my-history?outcome=wrong&difficulty=easy&limit=2",
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(ids(&first), wrong_easy[..2]);
    let cursor = first["next_before"].as_i64().expect("another page");
    let second = json_body(
        app.get(
            &format!("/api/my-history?outcome=wrong&difficulty=easy&limit=2&before={cursor}"),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(ids(&second), wrong_easy[2..]);
    assert!(second["next_before"].is_null());
}

#[tokio::test]
async fn a_history_page_just_read_shows_a_new_answer_and_a_new_challenge_at_once() {
    let app = TestApp::spawn().await;
    let token = app.token("user_fresh_page");
    let first = json_body(app.generate(&token, "easy").await).await;
    let before = json_body(app.get("/api/my-history?limit=5", &token).await).await;
    assert!(before["challenges"][0]["answer"].is_null());

    answer(&app, &token, &first, true).await;
    let answered = json_body(app.get("/api/my-history?limit=5", &token).await).await;
    assert_eq!(answered["challenges"][0]["answer"]["correct"], true);

    let second = json_body(app.generate(&token, "easy").await).await;
    let grown = json_body(app.get("/api/my-history?limit=5", &token).await).await;
    assert_eq!(
        ids(&grown),
        vec![
            second["id"].as_i64().expect("id"),
            first["id"].as_i64().expect("id")
        ]
    );
}

#[tokio::test]
async fn another_process_sharing_the_database_shows_a_new_challenge_in_history_within_a_second() {
    let writer = TestApp::spawn().await;
    let reader = crate::helpers::TestEnv::new()
        .set("DATABASE_URL", writer.database_url.clone())
        .spawn()
        .await;
    let token = writer.token("user_two_processes");
    let empty = json_body(reader.get("/api/my-history", &token).await).await;
    assert!(ids(&empty).is_empty());
    let id = json_body(writer.generate(&token, "hard").await).await["id"]
        .as_i64()
        .expect("id");
    let started = std::time::Instant::now();
    loop {
        let page = json_body(reader.get("/api/my-history", &token).await).await;
        if ids(&page) == vec![id] {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "still not shown after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn someone_elses_challenge_is_404() {
    let app = TestApp::spawn().await;
    let owner = app.token("user_owner");
    let id = json_body(app.generate(&owner, "easy").await).await["id"]
        .as_i64()
        .expect("id");
    let intruder = app.token("user_intruder");
    assert_eq!(
        app.get(&format!("/api/challenges/{id}"), &intruder)
            .await
            .status(),
        404
    );
    let answer = app
        .post(
            &format!("/api/challenges/{id}/answer"),
            &intruder,
            &json!({"answer_id": 0}),
        )
        .await;
    assert_eq!(answer.status(), 404);
    assert_eq!(
        app.get("/api/challenges/999999", &owner).await.status(),
        404
    );
}

#[tokio::test]
async fn the_first_answer_is_recorded_and_a_repeat_returns_it_unchanged() {
    let app = TestApp::spawn().await;
    let token = app.token("user_answer");
    let challenge = json_body(app.generate(&token, "medium").await).await;
    let id = challenge["id"].as_i64().expect("id");
    let correct = challenge["correct_answer_id"].as_u64().expect("correct");
    let wrong = (correct + 1) % 4;

    let first = json_body(
        app.post(
            &format!("/api/challenges/{id}/answer"),
            &token,
            &json!({"answer_id": wrong}),
        )
        .await,
    )
    .await;
    assert_eq!(first["correct"], false);
    assert_eq!(first["selected_answer_id"], wrong);
    assert_eq!(first["correct_answer_id"], correct);
    assert_eq!(first["explanation"], challenge["explanation"]);

    let repeat = json_body(
        app.post(
            &format!("/api/challenges/{id}/answer"),
            &token,
            &json!({"answer_id": correct}),
        )
        .await,
    )
    .await;
    assert_eq!(repeat, first, "a second answer changes nothing");
}

#[tokio::test]
async fn an_answer_outside_0_to_3_is_400() {
    let app = TestApp::spawn().await;
    let token = app.token("user_range");
    let id = json_body(app.generate(&token, "easy").await).await["id"]
        .as_i64()
        .expect("id");
    for answer in [json!(4), json!(-1), json!("a"), json!(null)] {
        let response = app
            .post(
                &format!("/api/challenges/{id}/answer"),
                &token,
                &json!({"answer_id": answer}),
            )
            .await;
        assert_eq!(response.status(), 400, "{answer}");
    }
}

#[tokio::test]
async fn stats_count_generated_answered_and_correct_per_difficulty() {
    let app = TestApp::spawn().await;
    let token = app.token("user_stats");
    let empty = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(empty["total_generated"], 0);
    assert!(empty["accuracy"].is_null());

    let answer = |challenge: serde_json::Value, right: bool| {
        let id = challenge["id"].as_i64().expect("id");
        let correct = challenge["correct_answer_id"].as_u64().expect("c");
        let pick = if right { correct } else { (correct + 1) % 4 };
        (id, pick)
    };
    let easy1 = answer(json_body(app.generate(&token, "easy").await).await, true);
    let easy2 = answer(json_body(app.generate(&token, "easy").await).await, false);
    let hard = answer(json_body(app.generate(&token, "hard").await).await, true);
    app.generate(&token, "medium").await;
    for (id, pick) in [easy1, easy2, hard] {
        app.post(
            &format!("/api/challenges/{id}/answer"),
            &token,
            &json!({"answer_id": pick}),
        )
        .await;
    }

    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["total_generated"], 4);
    assert_eq!(stats["total_answered"], 3);
    assert_eq!(stats["total_correct"], 2);
    assert!((stats["accuracy"].as_f64().expect("accuracy") - 2.0 / 3.0).abs() < 1e-9);
    let easy = &stats["by_difficulty"]["easy"];
    assert_eq!(
        (
            easy["total_generated"].as_u64(),
            easy["total_answered"].as_u64(),
            easy["total_correct"].as_u64()
        ),
        (Some(2), Some(2), Some(1))
    );
    assert_eq!(easy["accuracy"], 0.5);
    assert_eq!(stats["by_difficulty"]["medium"]["total_generated"], 1);
    assert!(stats["by_difficulty"]["medium"]["accuracy"].is_null());
    assert_eq!(stats["by_difficulty"]["hard"]["accuracy"], 1.0);
}

#[tokio::test]
async fn the_builtin_bank_gives_fifty_distinct_challenges_per_difficulty() {
    let app = crate::helpers::TestEnv::new()
        .set("DAILY_QUOTA", "150")
        .spawn()
        .await;
    let token = app.token("user_bank");
    for difficulty in ["easy", "medium", "hard"] {
        let mut titles = std::collections::HashSet::new();
        for _ in 0..50 {
            let challenge = json_body(app.generate(&token, difficulty).await).await;
            assert_eq!(challenge["difficulty"], difficulty);
            assert!(
                titles.insert(challenge["title"].as_str().expect("title").to_owned()),
                "repeat at {difficulty}"
            );
        }
    }
}
