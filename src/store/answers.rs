//! Answers: the first one a user gives to a challenge is kept.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::entity::{answers, challenges};
use crate::domain::{Answer, Challenge, Outcome};

/// Records an answer unless the challenge already has one, with the challenge's outcome and the
/// user's tally; returns the recorded answer. Run it in a transaction, so the writes commit
/// together.
pub async fn record_first<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    challenge: &Challenge,
    selected: u8,
    at: DateTime<Utc>,
) -> Result<Answer, DbErr> {
    let challenge_id = challenge.id;
    let correct = selected == challenge.correct_answer_id;
    let row = answers::ActiveModel {
        challenge_id: Set(challenge_id),
        user_id: Set(user_id.to_owned()),
        selected_answer_id: Set(i32::from(selected)),
        correct: Set(correct),
        answered_at: Set(at),
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
        let answer = Answer {
            selected_answer_id: selected,
            correct,
            answered_at: at,
        };
        challenges::Entity::update_many()
            .col_expr(
                challenges::Column::Outcome,
                Expr::val(Outcome::of(Some(&answer)).as_str()),
            )
            .filter(challenges::Column::Id.eq(challenge_id))
            .exec(db)
            .await?;
        super::tallies::count_answer(db, user_id, challenge.difficulty, correct).await?;
        return Ok(answer);
    }
    let recorded = answers::Entity::find_by_id(challenge_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("answer to challenge {challenge_id}")))?;
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
