//! Review items: the schema's trigger opens one with a wrong first answer; here they are listed
//! when due, counted, and moved on by one review at a time.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{
    challenges::{full, to_domain},
    entity::review_items,
};
use crate::domain::{Challenge, ReviewState};

use review_items::Column as R;

/// The user's items due at `now`, the longest due first. The index on (user, due time) gives
/// them in order, so this reads only the rows it returns.
pub async fn due<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Challenge>, DbErr> {
    full()
        .filter(R::UserId.eq(user_id))
        .filter(R::DueAt.lte(now))
        .order_by_asc(R::DueAt)
        .order_by_asc(R::ChallengeId)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// How many of the user's open items are scheduled after `now`. Only items reviewed within
/// their last interval are, however long the history: the due count is the open items (a
/// tally) less these, so it never reads the queue of a learner far behind on it.
pub async fn scheduled_after<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    review_items::Entity::find()
        .filter(R::UserId.eq(user_id))
        .filter(R::DueAt.gt(now))
        .count(db)
        .await
}

/// The item of challenge `id`, if it has one.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    challenge_id: i64,
) -> Result<Option<review_items::Model>, DbErr> {
    review_items::Entity::find_by_id(challenge_id).one(db).await
}

/// Stores `next` in place of `current`, unless another review was accepted since `current`
/// was read: one conditional statement, so of concurrent reviews exactly one is accepted
/// (and an item retires at most once). Returns whether this one was.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    current: &review_items::Model,
    next: review_items::Model,
) -> Result<bool, DbErr> {
    let result = review_items::Entity::update_many()
        .set(next.into_active_model().reset_all())
        .filter(R::ChallengeId.eq(current.challenge_id))
        .filter(R::Reviews.eq(current.reviews))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The item's progress as the API shows it.
pub fn state(row: &review_items::Model) -> ReviewState {
    ReviewState {
        count: u32::try_from(row.reviews).unwrap_or(0),
        last_correct: row.last_correct,
        next_due: row.due_at,
    }
}
