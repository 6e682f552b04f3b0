//! Progress over days: the streak, the last 30 days' activity and the review items due, on the
//! app's clock, against fixtures worked out by hand.

use chrono::{Days, NaiveDate, TimeDelta};
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_body};

/// Moves the app's clock to 01:00 UTC of the next day, so no "day" of a test straddles a
/// midnight; returns that day.
fn start_a_day(app: &TestApp) -> NaiveDate {
    let now = app.now();
    let next = (now.date_naive() + Days::new(1))
        .and_hms_opt(1, 0, 0)
        .expect("a time")
        .and_utc();
    app.advance_clock(next - now);
    next.date_naive()
}

/// Generates a challenge and answers it right or wrong; returns the challenge.
async fn answer(app: &TestApp, token: &str, right: bool) -> Value {
    let challenge = json_body(app.generate(token, "medium").await).await;
    let correct = challenge["correct_answer_id"].as_u64().expect("correct");
    let pick = if right { correct } else { (correct + 1) % 4 };
    let id = challenge["id"].as_i64().expect("id");
    let response = app
        .post(
            &format!("/api/challenges/{id}/answer"),
            token,
            &json!({"answer_id": pick}),
        )
        .await;
    assert_eq!(response.status(), 200);
    challenge
}

/// The 30 entries `activity` should hold on `today`, given the days with answers.
fn expected_activity(today: NaiveDate, days: &[(NaiveDate, u64, u64)]) -> Value {
    (0..30)
        .rev()
        .map(|ago| {
            let date = today - Days::new(ago);
            let (answered, correct) = days
                .iter()
                .find(|(day, ..)| *day == date)
                .map_or((0, 0), |(_, answered, correct)| (*answered, *correct));
            json!({"date": date.format("%Y-%m-%d").to_string(), "answered": answered, "correct": correct})
        })
        .collect()
}

#[tokio::test]
async fn streak_activity_and_due_reviews_follow_the_days_of_first_answers() {
    let app = TestApp::spawn().await;
    let token = app.token("user_days");
    let day0 = start_a_day(&app);
    let day = |n: u64| day0 + Days::new(n);
    // Day 0: right, right, wrong. Day 1: right. Day 2: nothing. Day 3: wrong, wrong.
    // Day 4: right, and a right review of day 0's mistake (a review is no answer).
    let mut mistakes = Vec::new();
    for (on, right) in [
        (0, true),
        (0, true),
        (0, false),
        (1, true),
        (3, false),
        (3, false),
        (4, true),
    ] {
        if app.now().date_naive() < day(on) {
            app.advance_clock(day(on).and_hms_opt(1, 0, 0).expect("time").and_utc() - app.now());
        }
        let challenge = answer(&app, &token, right).await;
        if !right {
            mistakes.push(challenge);
        }
    }
    let first_mistake = &mistakes[0];
    let reviewed = app
        .post(
            &format!("/api/challenges/{}/review", first_mistake["id"]),
            &token,
            &json!({"answer_id": first_mistake["correct_answer_id"]}),
        )
        .await;
    assert_eq!(reviewed.status(), 200);
    let fixture = [
        (day(0), 3, 2),
        (day(1), 1, 1),
        (day(3), 2, 0),
        (day(4), 1, 1),
    ];

    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["total_answered"], 7);
    assert_eq!(stats["total_correct"], 4);
    assert_eq!(stats["streak_days"], 2, "days 3 and 4");
    assert_eq!(stats["activity"], expected_activity(day(4), &fixture));
    assert_eq!(
        stats["review_due"], 2,
        "day 3's mistakes; day 0's was just reviewed"
    );

    app.advance_clock(TimeDelta::days(1));
    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(
        stats["streak_days"], 2,
        "a streak still stands the day after"
    );
    assert_eq!(stats["activity"], expected_activity(day(5), &fixture));
    assert_eq!(stats["review_due"], 3, "the reviewed mistake is due again");

    app.advance_clock(TimeDelta::days(1));
    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["streak_days"], 0, "a day without answers ends it");
    assert_eq!(stats["total_answered"], 7);

    app.advance_clock(TimeDelta::days(28));
    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["activity"], expected_activity(day(34), &fixture));
    assert!(
        stats["activity"]
            .as_array()
            .expect("days")
            .iter()
            .all(|day| day["answered"] == 0),
        "30 days later every answer is out of the window"
    );
}

#[tokio::test]
async fn a_streak_longer_than_the_activity_window_counts_every_day() {
    let app = TestApp::spawn().await;
    let token = app.token("user_keen");
    start_a_day(&app);
    for _ in 0..35 {
        answer(&app, &token, true).await;
        app.advance_clock(TimeDelta::days(1));
    }
    // Today has no answer yet; the streak ends yesterday.
    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["streak_days"], 35);
    answer(&app, &token, false).await;
    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["streak_days"], 36);
    let activity = stats["activity"].as_array().expect("days");
    assert_eq!(activity.len(), 30);
    assert_eq!(
        activity[29],
        json!({"date": app.now().date_naive().format("%Y-%m-%d").to_string(), "answered": 1, "correct": 0})
    );
    assert!(
        activity[..29]
            .iter()
            .all(|day| day["answered"] == 1 && day["correct"] == 1)
    );
}

#[tokio::test]
async fn a_new_learner_has_thirty_empty_days_and_nothing_due() {
    let app = TestApp::spawn().await;
    let token = app.token("user_new");
    let stats = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(stats["streak_days"], 0);
    assert_eq!(stats["review_due"], 0);
    assert_eq!(
        stats["activity"],
        expected_activity(app.now().date_naive(), &[])
    );
}

#[tokio::test]
async fn by_language_counts_first_answers_per_language_and_general_for_none() {
    let app = TestApp::spawn().await;
    let token = app.token("user_polyglot");
    // (topic, answer: None = unanswered, Some(right)), and the language each challenge came in.
    let plan = [
        ("rust", Some(true)),
        ("rust", Some(false)),
        ("rust", None),
        ("python", Some(true)),
        ("python", Some(true)),
        ("general", Some(false)),
        ("general", None),
    ];
    let mut expected = serde_json::Map::new();
    for (topic, answer) in plan {
        let response = app
            .post(
                "/api/generate-challenge",
                &token,
                &json!({"difficulty": "easy", "topic": topic}),
            )
            .await;
        let challenge = json_body(response).await;
        let key = challenge["language"]
            .as_str()
            .unwrap_or("general")
            .to_owned();
        let entry = expected.entry(key).or_insert_with(|| json!([0, 0, 0]));
        entry[0] = json!(entry[0].as_u64().expect("n") + 1);
        if let Some(right) = answer {
            let correct = challenge["correct_answer_id"].as_u64().expect("correct");
            let pick = if right { correct } else { (correct + 1) % 4 };
            let id = challenge["id"].as_i64().expect("id");
            let answered = app
                .post(
                    &format!("/api/challenges/{id}/answer"),
                    &token,
                    &json!({"answer_id": pick}),
                )
                .await;
            assert_eq!(answered.status(), 200);
            entry[1] = json!(entry[1].as_u64().expect("n") + 1);
            entry[2] = json!(entry[2].as_u64().expect("n") + u64::from(right));
        }
    }
    assert_eq!(
        expected["rust"],
        json!([3, 2, 1]),
        "the bank honours the topic"
    );
    assert_eq!(expected["python"], json!([2, 2, 2]));

    let stats = json_body(app.get("/api/stats", &token).await).await;
    let by_language = stats["by_language"].as_object().expect("by_language");
    let mut languages: Vec<&String> = expected.keys().collect();
    languages.sort();
    assert_eq!(by_language.keys().collect::<Vec<_>>(), languages, "by name");
    for (language, counts) in &expected {
        let [generated, answered, correct] = [0, 1, 2].map(|i| counts[i].as_u64().expect("n"));
        let accuracy = (answered > 0).then(|| correct as f64 / answered as f64);
        assert_eq!(
            by_language[language],
            json!({
                "total_generated": generated,
                "total_answered": answered,
                "total_correct": correct,
                "accuracy": accuracy,
            }),
            "{language}"
        );
    }
    // A review changes no figure.
    let queue = json_body(app.get("/api/review", &token).await).await;
    let item = &queue["items"][0];
    let reviewed = app
        .post(
            &format!("/api/challenges/{}/review", item["id"]),
            &token,
            &json!({"answer_id": 0}),
        )
        .await;
    assert_eq!(reviewed.status(), 200);
    let after = json_body(app.get("/api/stats", &token).await).await;
    assert_eq!(after["by_language"], stats["by_language"]);
}
