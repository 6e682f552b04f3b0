//! A webhook delivery already applied, keyed by its svix-id.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub svix_id: String,
    pub event_type: String,
    pub processed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
