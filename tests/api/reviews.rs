//! Spaced review of mistakes: review items, their FSRS schedule on the app's clock, retiring,
//! concurrent reviews, and that first answers and stats never change.

use chrono::{DateTime, TimeDelta, Utc};
use rs_fsrs::{Card, FSRS, Rating};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, json_body},
    webhooks::clerk::{count_where, deleted_user, deliver},
};

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a time"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

fn id(challenge: &Value) -> i64 {
    challenge["id"].as_i64().expect("id")
}

/// The option that is (or is not) the challenge's answer.
fn pick(challenge: &Value, right: bool) -> u64 {
    let correct = challenge["correct_answer_id"].as_u64().expect("correct");
    if right { correct } else { (correct + 1) % 4 }
}

/// A new challenge answered wrongly: a review item.
async fn mistake(app: &TestApp, token: &str, difficulty: &str) -> Value {
    let challenge = json_body(app.generate(token, difficulty).await).await;
    let answered = app
        .post(
            &format!("/api/challenges/{}/answer", id(&challenge)),
            token,
            &json!({"answer_id": pick(&challenge, false)}),
        )
        .await;
    assert_eq!(answered.status(), 200);
    challenge
}

async fn review(app: &TestApp, token: &str, challenge: &Value, right: bool) -> reqwest::Response {
    app.post(
        &format!("/api/challenges/{}/review", id(challenge)),
        token,
        &json!({"answer_id": pick(challenge, right)}),
    )
    .await
}

/// A review that must be accepted; its result.
async fn accepted(app: &TestApp, token: &str, challenge: &Value, right: bool) -> Value {
    let response = review(app, token, challenge, right).await;
    assert_eq!(response.status(), 200);
    json_body(response).await
}

async fn reviews_of(app: &TestApp, token: &str, challenge: &Value) -> Value {
    let read = app
        .get(&format!("/api/challenges/{}", id(challenge)), token)
        .await;
    json_body(read).await["reviews"].clone()
}

/// The same schedule, worked out by `rs-fsrs` itself from the times the API reported.
struct Schedule {
    fsrs: FSRS,
    card: Card,
}

impl Schedule {
    fn new(due: DateTime<Utc>) -> Self {
        Self {
            fsrs: FSRS::default(),
            card: Card {
                due,
                last_review: due,
                ..Card::default()
            },
        }
    }

    fn review(&mut self, at: DateTime<Utc>, right: bool) -> DateTime<Utc> {
        let rating = if right { Rating::Good } else { Rating::Again };
        self.card = self.fsrs.next(self.card.clone(), at, rating).card;
        self.card.due
    }
}

#[tokio::test]
async fn a_mistake_comes_back_on_the_fsrs_schedule_and_retires_after_three_right_reviews() {
    let app = TestApp::spawn().await;
    let token = app.token("user_learner");
    let challenge = mistake(&app, &token, "easy").await;
    let answered_at = time(
        &json_body(
            app.get(&format!("/api/challenges/{}", id(&challenge)), &token)
                .await,
        )
        .await["answer"]["answered_at"],
    );
    let state = reviews_of(&app, &token, &challenge).await;
    assert_eq!(
        (&state["count"], &state["last_correct"], &state["retired"]),
        (&json!(0), &Value::Null, &json!(false))
    );
    assert_eq!(
        time(&state["next_due_at"]),
        answered_at,
        "a new review item is due at the time of the wrong answer"
    );
    let mut schedule = Schedule::new(answered_at);

    for round in 1..=3 {
        let result = accepted(&app, &token, &challenge, true).await;
        assert_eq!(result["correct"], true);
        assert_eq!(result["correct_answer_id"], challenge["correct_answer_id"]);
        assert_eq!(result["explanation"], challenge["explanation"]);
        let reviewed_at = time(&result["reviewed_at"]);
        let expected = schedule.review(reviewed_at, true);
        if round == 1 {
            // FSRS's first "good" on a new card: the ten-minute learning step.
            assert_eq!(expected - reviewed_at, TimeDelta::minutes(10));
        }
        if round < 3 {
            assert_eq!(time(&result["next_due_at"]), expected, "round {round}");
            assert_eq!(result["retired"], false);
            let early = review(&app, &token, &challenge, true).await;
            assert_eq!(early.status(), 409, "not due yet after round {round}");
            assert!(
                json_body(early).await["detail"]
                    .as_str()
                    .expect("detail")
                    .contains("not due until")
            );
            app.advance_clock(expected - app.now());
        } else {
            assert!(result["next_due_at"].is_null());
            assert_eq!(result["retired"], true);
        }
    }
    let state = reviews_of(&app, &token, &challenge).await;
    assert_eq!(
        state,
        json!({"count": 3, "last_correct": true, "next_due_at": null, "retired": true})
    );
    app.advance_clock(TimeDelta::days(400));
    let retired = review(&app, &token, &challenge, true).await;
    assert_eq!(retired.status(), 409);
    assert!(
        json_body(retired).await["detail"]
            .as_str()
            .expect("detail")
            .contains("retired")
    );
    let queue = json_body(app.get("/api/review", &token).await).await;
    assert_eq!(queue, json!({"items": [], "due_count": 0}));
}

#[tokio::test]
async fn a_wrong_review_starts_the_run_of_three_again() {
    let app = TestApp::spawn().await;
    let token = app.token("user_relapse");
    let challenge = mistake(&app, &token, "medium").await;
    let mut schedule = Schedule::new(time(
        &reviews_of(&app, &token, &challenge).await["next_due_at"],
    ));
    for (step, right) in [true, true, false, true, true, true]
        .into_iter()
        .enumerate()
    {
        let result = accepted(&app, &token, &challenge, right).await;
        assert_eq!(result["correct"], right);
        let expected = schedule.review(time(&result["reviewed_at"]), right);
        let state = reviews_of(&app, &token, &challenge).await;
        assert_eq!(state["count"], step + 1);
        assert_eq!(state["last_correct"], right);
        if step == 5 {
            assert_eq!(
                result["retired"], true,
                "three right since the wrong review"
            );
            assert_eq!(state["retired"], true);
            return;
        }
        assert_eq!(result["retired"], false, "step {step}");
        assert_eq!(time(&result["next_due_at"]), expected, "step {step}");
        assert_eq!(time(&state["next_due_at"]), expected);
        app.advance_clock(expected - app.now());
    }
    unreachable!("the item retires at the sixth review");
}

#[tokio::test]
async fn the_review_queue_lists_due_items_longest_due_first_without_their_answer_key() {
    let app = TestApp::spawn().await;
    let token = app.token("user_queue");
    let first = mistake(&app, &token, "easy").await;
    app.advance_clock(TimeDelta::seconds(1));
    let second = mistake(&app, &token, "hard").await;
    app.advance_clock(TimeDelta::seconds(1));
    let third = mistake(&app, &token, "medium").await;
    let right = json_body(app.generate(&token, "easy").await).await;
    let answered = app
        .post(
            &format!("/api/challenges/{}/answer", id(&right)),
            &token,
            &json!({"answer_id": pick(&right, true)}),
        )
        .await;
    assert_eq!(answered.status(), 200);
    assert!(
        reviews_of(&app, &token, &right).await.is_null(),
        "a right first answer is no review item"
    );
    accepted(&app, &token, &second, true).await;

    let queue = json_body(app.get("/api/review", &token).await).await;
    assert_eq!(queue["due_count"], 2);
    let items = queue["items"].as_array().expect("items");
    assert_eq!(
        items.iter().map(id).collect::<Vec<_>>(),
        vec![id(&first), id(&third)]
    );
    for (item, challenge) in items.iter().zip([&first, &third]) {
        assert!(item.get("correct_answer_id").is_none());
        assert!(item.get("explanation").is_none());
        assert_eq!(item["options"], challenge["options"]);
        assert_eq!(item["title"], challenge["title"]);
        assert_eq!(item["answer"]["correct"], false);
        assert_eq!(item["reviews"]["count"], 0);
    }
    let one = json_body(app.get("/api/review?limit=1", &token).await).await;
    assert_eq!(one["items"].as_array().expect("items").len(), 1);
    assert_eq!(one["due_count"], 2);
    for limit in ["0", "101", "x"] {
        let refused = app.get(&format!("/api/review?limit={limit}"), &token).await;
        assert_eq!(refused.status(), 400, "limit={limit}");
    }
    app.advance_clock(TimeDelta::minutes(10));
    let later = json_body(app.get("/api/review", &token).await).await;
    assert_eq!(later["due_count"], 3, "the reviewed item is due again");
    assert_eq!(later["items"][2]["id"], id(&second));
}

#[tokio::test]
async fn only_my_review_items_can_be_reviewed() {
    let app = TestApp::spawn().await;
    let token = app.token("user_owner");
    let mine = mistake(&app, &token, "easy").await;
    let other = app.token("user_other");
    let refused = review(&app, &other, &mine, true).await;
    assert_eq!(refused.status(), 404);
    assert!(json_body(refused).await["detail"].is_string());
    assert_eq!(
        app.post(
            "/api/challenges/999999/review",
            &token,
            &json!({"answer_id": 0})
        )
        .await
        .status(),
        404
    );

    let unanswered = json_body(app.generate(&token, "easy").await).await;
    let response = review(&app, &token, &unanswered, true).await;
    assert_eq!(response.status(), 409);
    assert!(
        json_body(response).await["detail"]
            .as_str()
            .expect("detail")
            .contains("not a review item")
    );
    for body in [
        json!({"answer_id": 4}),
        json!({}),
        json!({"answer_id": "a"}),
    ] {
        let response = app
            .post(
                &format!("/api/challenges/{}/review", id(&mine)),
                &token,
                &body,
            )
            .await;
        assert_eq!(response.status(), 400, "{body}");
    }
    assert_eq!(reviews_of(&app, &token, &mine).await["count"], 0);
}

#[tokio::test]
async fn concurrent_reviews_of_one_item_are_accepted_once_per_due_time_and_retire_it_once() {
    let app = TestApp::spawn().await;
    let token = app.token("user_racer");
    let challenge = mistake(&app, &token, "easy").await;
    for round in 1..=3 {
        let attempts = (0..8).map(|_| review(&app, &token, &challenge, true));
        let statuses: Vec<u16> = futures::future::join_all(attempts)
            .await
            .iter()
            .map(|response| response.status().as_u16())
            .collect();
        assert_eq!(
            statuses.iter().filter(|status| **status == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|status| [200, 409].contains(status)),
            "{statuses:?}"
        );
        let state = reviews_of(&app, &token, &challenge).await;
        assert_eq!(state["count"], round, "one review recorded per due time");
        if round < 3 {
            app.advance_clock(time(&state["next_due_at"]) - app.now());
        } else {
            assert_eq!(state["retired"], true);
        }
    }
    let db = app.db().await;
    let reviewing: i64 = sea_orm::ConnectionTrait::query_one_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::ConnectionTrait::get_database_backend(&db),
            "SELECT CAST(SUM(reviewing) AS BIGINT) AS n FROM challenge_tallies \
             WHERE user_id = 'user_racer'",
        ),
    )
    .await
    .expect("query")
    .expect("row")
    .try_get("", "n")
    .expect("n");
    assert_eq!(reviewing, 0, "the item left the open count exactly once");
}

#[tokio::test]
async fn reviews_never_change_first_answers_or_stats() {
    let app = TestApp::spawn().await;
    let token = app.token("user_steady");
    let wrong = mistake(&app, &token, "hard").await;
    let also_wrong = mistake(&app, &token, "easy").await;
    let before = json_body(app.get("/api/stats", &token).await).await;
    let first_answer = json_body(
        app.get(&format!("/api/challenges/{}", id(&wrong)), &token)
            .await,
    )
    .await["answer"]
        .clone();
    assert_eq!(before["review_due"], 2);

    accepted(&app, &token, &wrong, true).await;
    accepted(&app, &token, &also_wrong, false).await;
    let after = json_body(app.get("/api/stats", &token).await).await;
    let read = json_body(
        app.get(&format!("/api/challenges/{}", id(&wrong)), &token)
            .await,
    )
    .await;
    assert_eq!(read["answer"], first_answer);
    let history = json_body(app.get("/api/my-history?outcome=wrong", &token).await).await;
    assert_eq!(history["challenges"].as_array().expect("list").len(), 2);
    assert_eq!(
        history["challenges"][1]["reviews"]["count"], 1,
        "history carries the review state"
    );
    let mut unchanged = after.clone();
    unchanged["review_due"] = before["review_due"].clone();
    assert_eq!(unchanged, before, "only the due count moved");
    assert_eq!(after["review_due"], 0);
    assert_eq!(after["total_answered"], 2);
    assert_eq!(after["total_correct"], 0);
}

#[tokio::test]
async fn user_deleted_removes_review_items_and_activity() {
    let app = TestApp::spawn().await;
    let user = "user_2forgetful";
    let token = app.token(user);
    let challenge = mistake(&app, &token, "easy").await;
    accepted(&app, &token, &challenge, true).await;
    for table in ["review_items", "daily_activity"] {
        assert!(
            count_where(&app, table, "user_id", user).await > 0,
            "{table}"
        );
    }
    assert_eq!(
        deliver(&app, "user.deleted", deleted_user(user)).await,
        "processed"
    );
    for table in [
        "review_items",
        "daily_activity",
        "challenge_tallies",
        "language_tallies",
    ] {
        assert_eq!(
            count_where(&app, table, "user_id", user).await,
            0,
            "{table}"
        );
    }
}
