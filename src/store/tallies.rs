//! Per-user, per-difficulty tallies of generated, answered and correct challenges, kept by the
//! schema's triggers in the statements that store the challenges and answers they count.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::challenge_tallies::{self, Column as T};
use crate::domain::{Difficulty, Tally};

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
