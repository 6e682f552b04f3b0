//! Answers: the first one a user gives to a challenge is kept.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};

use super::entity::answers;
use crate::domain::{Answer, Challenge};

/// Records an answer unless the challenge already has one; returns the recorded answer. One
/// statement: the schema's trigger records the challenge's outcome and counts the answer in the
/// user's tallies with it.
pub async fn record_first<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    challenge: &Challenge,
    selected: u8,
    at: DateTime<Utc>,
) -> Result<Answer, DbErr> {
    let answer = Answer {
        selected_answer_id: selected,
        correct: selected == challenge.correct_answer_id,
        answered_at: at,
    };
    let row = answers::ActiveModel {
        challenge_id: Set(challenge.id),
        user_id: Set(user_id.to_owned()),
        selected_answer_id: Set(i32::from(answer.selected_answer_id)),
        correct: Set(answer.correct),
        answered_at: Set(answer.answered_at),
    };
    let inserted = answers::Entity::insert(row)
        .on_conflict(
            OnConflict::column(answers::Column::ChallengeId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(answer);
    }
    let recorded = answers::Entity::find_by_id(challenge.id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("answer to challenge {}", challenge.id)))?;
    to_domain(recorded)
}

pub fn to_domain(row: answers::Model) -> Result<Answer, DbErr> {
    Ok(Answer {
        selected_answer_id: u8::try_from(row.selected_answer_id)
            .map_err(|e| DbErr::Custom(e.to_string()))?,
        correct: row.correct,
        answered_at: row.answered_at,
    })
}
