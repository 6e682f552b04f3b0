//! First answers per UTC day, kept by the schema's trigger in the statement that stores each
//! answer, with the streak of consecutive days each day ends.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::entity::daily_activity::{self, Column as D};
use crate::domain::DayActivity;

/// One day of answers and the streak it ends.
pub struct Day {
    pub activity: DayActivity,
    pub streak: u32,
}

/// The user's days with an answer from `first` on, oldest first.
pub async fn since<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    first: NaiveDate,
) -> Result<Vec<Day>, DbErr> {
    let rows = daily_activity::Entity::find()
        .filter(D::UserId.eq(user_id))
        .filter(D::Day.gte(first.format(DAY).to_string()))
        .order_by_asc(D::Day)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let date = NaiveDate::parse_from_str(&row.day, DAY)
                .map_err(|e| DbErr::Custom(format!("day {:?}: {e}", row.day)))?;
            Ok(Day {
                activity: DayActivity {
                    date,
                    answered: u64::try_from(row.answered).unwrap_or(0),
                    correct: u64::try_from(row.correct).unwrap_or(0),
                },
                streak: u32::try_from(row.streak).unwrap_or(0),
            })
        })
        .collect()
}

/// How the schema writes a day.
const DAY: &str = "%Y-%m-%d";
