//! Databases written by earlier versions migrate forward at start without losing data.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};

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
    let url = database_at(
        &dir,
        5,
        &[
            &format!(
                "INSERT INTO users (id, email, username, first_name, last_name, created_at, \
                 updated_at) VALUES ('user_old', NULL, NULL, NULL, NULL, {at}, {at})"
            ),
            &format!(
                "INSERT INTO quotas (user_id, quota_remaining, last_reset_date) \
                 VALUES ('user_old', 47, {at})"
            ),
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
