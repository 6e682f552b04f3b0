//! Ids of webhook deliveries already applied.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{OnConflict, Query},
};

use super::entity::webhook_events::{self, Column, Entity};

/// Claims a delivery id; false when it was processed before. Run it in the transaction that
/// applies the event, so the claim and the effect commit (or vanish) together.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    svix_id: &str,
    event_type: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = webhook_events::ActiveModel {
        svix_id: Set(svix_id.to_owned()),
        event_type: Set(event_type.to_owned()),
        processed_at: Set(now),
    };
    let inserted = Entity::insert(row)
        .on_conflict(OnConflict::column(Column::SvixId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Deletes up to `limit` ids processed before `cutoff`; returns how many went. A subquery
/// bounds the batch, as neither database takes `LIMIT` on a `DELETE` by default.
pub async fn delete_older<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<u64, DbErr> {
    let batch = Query::select()
        .column(Column::SvixId)
        .from(Entity)
        .and_where(Column::ProcessedAt.lt(cutoff))
        .limit(limit)
        .to_owned();
    let deleted = Entity::delete_many()
        .filter(Column::SvixId.in_subquery(batch))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
