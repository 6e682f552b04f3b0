//! A user's counts of generated, answered and correct challenges in one language (`general` for
//! challenges without one).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "language_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub language: String,
    pub generated: i64,
    pub answered: i64,
    pub correct: i64,
}

impl ActiveModelBehavior for ActiveModel {}
