//! A user's daily generation quota.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quotas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: String,
    pub quota_remaining: i32,
    pub last_reset_date: DateTimeUtc,
    /// The daily limit last applied (null on rows from before plans: `DAILY_QUOTA`).
    pub daily_limit: Option<i32>,
    /// The plan slug last applied, if any.
    pub plan: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
