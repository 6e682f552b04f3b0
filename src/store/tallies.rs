//! Per-user, per-difficulty tallies of generated, answered and correct challenges and of open
//! review items, kept by the schema's triggers in the statements that store the challenges,
//! answers and reviews they count.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::challenge_tallies::{self, Column as T};
use crate::domain::{Difficulty, Tally};

/// A user's tallies.
#[derive(Default)]
pub struct UserTallies {
    /// One per difficulty they have generated at.
    pub by_difficulty: Vec<(Difficulty, Tally)>,
    /// Review items not yet retired, over all difficulties.
    pub reviewing: u64,
}

pub async fn of_user<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<UserTallies, DbErr> {
    let rows = challenge_tallies::Entity::find()
        .filter(T::UserId.eq(user_id))
        .all(db)
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let mut tallies = UserTallies::default();
    for row in rows {
        tallies.reviewing += count(row.reviewing);
        if let Some(difficulty) = Difficulty::parse(&row.difficulty) {
            tallies.by_difficulty.push((
                difficulty,
                Tally {
                    generated: count(row.generated),
                    answered: count(row.answered),
                    correct: count(row.correct),
                },
            ));
        }
    }
    Ok(tallies)
}
