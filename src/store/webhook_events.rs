//! Ids of webhook deliveries already applied.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};

use super::entity::webhook_events;
use crate::domain::now;

/// Claims a delivery id; false when it was processed before. Run it in the transaction that
/// applies the event, so the claim and the effect commit (or vanish) together.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    svix_id: &str,
    event_type: &str,
) -> Result<bool, DbErr> {
    let row = webhook_events::ActiveModel {
        svix_id: Set(svix_id.to_owned()),
        event_type: Set(event_type.to_owned()),
        processed_at: Set(now()),
    };
    let inserted = webhook_events::Entity::insert(row)
        .on_conflict(
            OnConflict::column(webhook_events::Column::SvixId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}
