//! Per-user tallies of generated, answered and correct challenges, per difficulty (with the open
//! review items) and per language, kept by the schema's triggers in the statements that store
//! the challenges, answers and reviews they count.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::{
    challenge_tallies::{self, Column as T},
    language_tallies,
};
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
    let mut tallies = UserTallies::default();
    for row in rows {
        tallies.reviewing += count(row.reviewing);
        if let Some(difficulty) = Difficulty::parse(&row.difficulty) {
            tallies
                .by_difficulty
                .push((difficulty, tally(row.generated, row.answered, row.correct)));
        }
    }
    Ok(tallies)
}

/// The user's tallies per language (`general` for challenges without one), by name.
pub async fn by_language<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> Result<BTreeMap<String, Tally>, DbErr> {
    let rows = language_tallies::Entity::find()
        .filter(language_tallies::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.language,
                tally(row.generated, row.answered, row.correct),
            )
        })
        .collect())
}

fn tally(generated: i64, answered: i64, correct: i64) -> Tally {
    Tally {
        generated: count(generated),
        answered: count(answered),
        correct: count(correct),
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
