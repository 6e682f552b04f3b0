//! A user's first answers on one UTC day, and the streak of days that day ends.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    /// `YYYY-MM-DD`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    pub answered: i64,
    pub correct: i64,
    /// Consecutive days with an answer, ending with this one.
    pub streak: i64,
}

impl ActiveModelBehavior for ActiveModel {}
