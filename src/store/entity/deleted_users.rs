//! The id of a user deleted in Clerk, kept so the id is never re-created.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deleted_users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub deleted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
