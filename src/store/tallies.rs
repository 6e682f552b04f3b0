//! Per-user, per-difficulty tallies of generated, answered and correct challenges, updated in
//! the transactions that store the challenges and answers they count.

use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::entity::challenge_tallies::{self, Column as T};
use crate::domain::{Difficulty, Tally};

/// One more challenge generated.
pub async fn count_generated<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    difficulty: Difficulty,
) -> Result<(), DbErr> {
    let first = challenge_tallies::ActiveModel {
        user_id: Set(user_id.to_owned()),
        difficulty: Set(difficulty.as_str().to_owned()),
        generated: Set(1),
        answered: Set(0),
        correct: Set(0),
    };
    challenge_tallies::Entity::insert(first)
        .on_conflict(
            OnConflict::columns([T::UserId, T::Difficulty])
                .value(
                    T::Generated,
                    Expr::col((challenge_tallies::Entity, T::Generated)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One more challenge answered, rightly or not.
pub async fn count_answer<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    difficulty: Difficulty,
    correct: bool,
) -> Result<(), DbErr> {
    challenge_tallies::Entity::update_many()
        .col_expr(T::Answered, Expr::col(T::Answered).add(1))
        .col_expr(T::Correct, Expr::col(T::Correct).add(i64::from(correct)))
        .filter(T::UserId.eq(user_id))
        .filter(T::Difficulty.eq(difficulty.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The user's tallies, one per difficulty they have generated at.
pub async fn of_user<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> Result<Vec<(Difficulty, Tally)>, DbErr> {
    let rows = challenge_tallies::Entity::find()
        .filter(T::UserId.eq(user_id))
        .all(db)
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some((
                Difficulty::parse(&row.difficulty)?,
                Tally {
                    generated: count(row.generated),
                    answered: count(row.answered),
                    correct: count(row.correct),
                },
            ))
        })
        .collect())
}
