//! A user's counts of generated, answered and correct challenges at one difficulty.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "challenge_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub difficulty: String,
    pub generated: i64,
    pub answered: i64,
    pub correct: i64,
    /// Review items not yet retired.
    pub reviewing: i64,
}

impl ActiveModelBehavior for ActiveModel {}
