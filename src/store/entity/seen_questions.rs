//! A built-in bank question a user has been given, and the latest challenge it became.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seen_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub bank_key: String,
    pub difficulty: String,
    pub last_challenge_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
