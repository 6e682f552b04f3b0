//! A user's first answer to a challenge.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge_id: i64,
    pub user_id: String,
    pub selected_answer_id: i32,
    pub correct: bool,
    pub answered_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
