//! Databases written by earlier versions migrate forward at start without losing data.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestEnv, fresh_database, json_body};

/// A database at migration `applied` (of the current list), filled by `seed`.
async fn database_at(dir: &tempfile::TempDir, applied: u32, seed: &[&str]) -> String {
    let url = fresh_database(dir).await;
    let db = Database::connect(&url).await.expect("connect");
    Migrator::up(&db, Some(applied)).await.expect("old schema");
    for statement in seed {
        db.execute_unprepared(statement).await.expect(statement);
    }
    db.close().await.expect("close");
    url
}

/// The user and quota rows every schema since the first has held, for `user_id`.
fn learner_rows(user_id: &str, quota_remaining: u32, at: &str) -> [String; 2] {
    [
        format!(
            "INSERT INTO users (id, email, username, first_name, last_name, created_at, \
             updated_at) VALUES ('{user_id}', NULL, NULL, NULL, NULL, {at}, {at})"
        ),
        format!(
            "INSERT INTO quotas (user_id, quota_remaining, last_reset_date) \
             VALUES ('{user_id}', {quota_remaining}, {at})"
        ),
    ]
}

#[tokio::test]
async fn answers_given_before_outcomes_were_kept_are_filterable_after_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let at = "'2026-11-30 10:00:00+00:00'";
    let challenge = |id: u32| {
        format!(
            "INSERT INTO challenges (id, user_id, difficulty, topic, title, options, \
             correct_answer_id, explanation, bank_key, created_at) VALUES ({id}, 'user_old', \
             'easy', NULL, 'Question {id}?', '[\"a\",\"b\",\"c\",\"d\"]', 0, 'Because.', NULL, {at})"
        )
    };
    let [user, quota] = learner_rows("user_old", 47, at);
    let url = database_at(
        &dir,
        5,
        &[
            &user,
            &quota,
            &challenge(1),
            &challenge(2),
            &challenge(3),
            &format!(
                "INSERT INTO answers (challenge_id, user_id, selected_answer_id, correct, \
                 answered_at) VALUES (1, 'user_old', 0, TRUE, {at}), (2, 'user_old', 3, FALSE, {at})"
            ),
        ],
    )
    .await;

    let app = TestEnv::new().set("DATABASE_URL", url).spawn().await;
    let token = app.token("user_old");
    for (outcome, id) in [("correct", 1), ("wrong", 2), ("unanswered", 3)] {
        let page = json_body(
            app.get(&format!("/api/my-history?outcome={outcome}"), &token)
                .await,
        )
        .await;
        let challenges = page["challenges"].as_array().expect("list");
        assert_eq!(challenges.len(), 1, "{outcome}");
        assert_eq!(challenges[0]["id"], id, "{outcome}");
    }
    let wrong = json_body(app.get("/api/challenges/2", &token).await).await;
    assert_eq!(wrong["answer"]["selected_answer_id"], 3);
    assert_eq!(wrong["answer"]["correct"], false);
}

#[tokio::test]
async fn tallies_and_seen_questions_are_built_from_the_history_already_stored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let at = "'2026-11-30 10:00:00+00:00'";
    let challenge = |id: u32, difficulty: &str, key: &str, outcome: &str| {
        format!(
            "INSERT INTO challenges (id, user_id, difficulty, topic, title, options, \
             correct_answer_id, explanation, bank_key, created_at, outcome) VALUES ({id}, \
             'user_tallied', '{difficulty}', NULL, 'Question {id}?', '[\"a\",\"b\",\"c\",\"d\"]', 0, \
             'Because.', '{key}', {at}, '{outcome}')"
        )
    };
    let [user, quota] = learner_rows("user_tallied", 46, at);
    let url = database_at(
        &dir,
        6,
        &[
            &user,
            &quota,
            &challenge(1, "easy", "py-list-slice-step", "correct"),
            &challenge(2, "easy", "py-floor-division", "wrong"),
            &challenge(3, "easy", "py-list-slice-step", "unanswered"),
            &challenge(4, "hard", "py-equal-hash-dict-keys", "unanswered"),
            &format!(
                "INSERT INTO answers (challenge_id, user_id, selected_answer_id, correct, \
                 answered_at) VALUES (1, 'user_tallied', 0, TRUE, {at}), \
                 (2, 'user_tallied', 3, FALSE, {at})"
            ),
        ],
    )
    .await;

    let app = TestEnv::new().set("DATABASE_URL", url).spawn().await;
    let stats = json_body(app.get("/api/stats", &app.token("user_tallied")).await).await;
    assert_eq!(stats["total_generated"], 4);
    assert_eq!(stats["total_answered"], 2);
    assert_eq!(stats["total_correct"], 1);
    let easy = &stats["by_difficulty"]["easy"];
    assert_eq!(
        (
            &easy["total_generated"],
            &easy["total_answered"],
            &easy["total_correct"]
        ),
        (&json!(3), &json!(2), &json!(1))
    );
    assert_eq!(stats["by_difficulty"]["hard"]["total_generated"], 1);

    let db = Database::connect(&app.database_url).await.expect("connect");
    let seen = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT bank_key, difficulty, last_challenge_id FROM seen_questions \
             WHERE user_id = 'user_tallied' ORDER BY bank_key",
        ))
        .await
        .expect("seen questions");
    let seen: Vec<(String, String, i64)> = seen
        .iter()
        .map(|row| {
            (
                row.try_get("", "bank_key").expect("key"),
                row.try_get("", "difficulty").expect("difficulty"),
                row.try_get("", "last_challenge_id").expect("id"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("py-equal-hash-dict-keys".into(), "hard".into(), 4),
            ("py-floor-division".into(), "easy".into(), 2),
            ("py-list-slice-step".into(), "easy".into(), 3),
        ]
    );
}

#[tokio::test]
async fn challenges_stored_before_their_parts_were_kept_get_them_from_their_title() {
    let dir = tempfile::tempdir().expect("temp dir");
    let at = "'2026-11-30 10:00:00+00:00'";
    // A raw newline inside a SQL string literal is the same text on both databases.
    let challenge = |id: u32, title: &str, topic: &str, key: &str| {
        format!(
            "INSERT INTO challenges (id, user_id, difficulty, topic, title, options, \
             correct_answer_id, explanation, bank_key, created_at, outcome) VALUES ({id}, \
             'user_parts', 'easy', {topic}, '{title}', '[\"a\",\"b\",\"c\",\"d\"]', 0, \
             'Because.', {key}, {at}, 'unanswered')"
        )
    };
    let [user, quota] = learner_rows("user_parts", 46, at);
    let seeds = [
        user,
        quota,
        challenge(
            1,
            "What does `print(-7 // 2)` output in Python 3?",
            "NULL",
            "'py-floor-division'",
        ),
        challenge(
            2,
            "What does this code print?\n\nfmt.Println(1)",
            "'Go'",
            "NULL",
        ),
        challenge(
            3,
            "Which Rust trait makes a type printable with {}?",
            "NULL",
            "NULL",
        ),
        challenge(4, "Which sort is stable?", "NULL", "'sql-is-null'"),
    ];
    let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
    let url = database_at(&dir, 10, &seeds).await;

    let app = TestEnv::new().set("DATABASE_URL", url).spawn().await;
    let token = app.token("user_parts");
    let mut read = Vec::new();
    for id in 1..=4 {
        read.push(json_body(app.get(&format!("/api/challenges/{id}"), &token).await).await);
    }
    let parts = |c: &Value| json!([c["question"], c["code"], c["language"], c["verification"]]);
    assert_eq!(
        parts(&read[0]),
        json!([
            "What does `print(-7 // 2)` output in Python 3?",
            null,
            "python",
            "executed"
        ]),
        "a bank row: its key's language, run in the suite"
    );
    assert_eq!(
        parts(&read[1]),
        json!([
            "What does this code print?",
            "fmt.Println(1)",
            "go",
            "unchecked"
        ]),
        "an LLM row: split at the blank line, the language from its topic"
    );
    assert_eq!(
        read[1]["title"],
        "What does this code print?\n\nfmt.Println(1)"
    );
    assert_eq!(
        parts(&read[2]),
        json!([
            "Which Rust trait makes a type printable with {}?",
            null,
            "rust",
            "unchecked"
        ]),
        "an LLM row: the language its question names"
    );
    assert_eq!(
        parts(&read[3]),
        json!(["Which sort is stable?", null, "sql", "reviewed"]),
        "a bank row without a program"
    );
}
