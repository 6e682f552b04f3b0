//! Answers: the first one a user gives to a challenge is kept.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};

use super::entity::answers;
use crate::domain::Answer;

/// Records an answer unless the challenge already has one; returns the recorded answer.
pub async fn record_first<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    challenge_id: i64,
    selected: u8,
    correct: bool,
    at: DateTime<Utc>,
) -> Result<Answer, DbErr> {
    let row = answers::ActiveModel {
        challenge_id: Set(challenge_id),
        user_id: Set(user_id.to_owned()),
        selected_answer_id: Set(i32::from(selected)),
        correct: Set(correct),
        answered_at: Set(at),
    };
    answers::Entity::insert(row)
        .on_conflict(
            OnConflict::column(answers::Column::ChallengeId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let recorded = answers::Entity::find_by_id(challenge_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("answer to challenge {challenge_id}")))?;
    Ok(Answer {
        challenge_id: recorded.challenge_id,
        selected_answer_id: u8::try_from(recorded.selected_answer_id)
            .map_err(|e| DbErr::Custom(e.to_string()))?,
        correct: recorded.correct,
        answered_at: recorded.answered_at,
    })
}
