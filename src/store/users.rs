//! Users and the ids of deleted users.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QuerySelect,
    sea_query::{Alias, Expr, Func, OnConflict},
};

use super::entity::{
    answers, challenge_tallies, challenges, deleted_users, quota_reservations, quotas,
    seen_questions, users,
};
use crate::domain::{Profile, now};

/// How a profile write treats the stored row.
pub enum ProfileSource {
    /// Token claims: fill in what the claims carry, keep the rest.
    Token,
    /// A Clerk webhook, authoritative as of `updated_at`: older events never overwrite newer ones.
    Webhook { updated_at: DateTime<Utc> },
}

/// Creates or updates the user unless the id was deleted. Returns false for a deleted id.
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    profile: &Profile,
    source: ProfileSource,
) -> Result<bool, DbErr> {
    if is_deleted(db, &profile.id).await? {
        return Ok(false);
    }
    // `updated_at` is the Clerk version of the stored profile. Claims carry none, so a row first
    // written from a token gets the oldest one and the user's `user.created` still applies to it.
    let version = match source {
        ProfileSource::Token => DateTime::UNIX_EPOCH,
        ProfileSource::Webhook { updated_at } => updated_at,
    };
    let row = users::ActiveModel {
        id: Set(profile.id.clone()),
        email: Set(profile.email.clone()),
        username: Set(profile.username.clone()),
        first_name: Set(profile.first_name.clone()),
        last_name: Set(profile.last_name.clone()),
        created_at: Set(now()),
        updated_at: Set(version),
    };
    use users::Column as C;
    let stored = |column: C| Expr::col((users::Entity, column));
    let incoming = |column: C| Expr::col((Alias::new("excluded"), column));
    let on_conflict = match source {
        // Claims fill in what they carry and keep the rest.
        ProfileSource::Token => OnConflict::column(C::Id)
            .values([C::Email, C::Username].map(|column| {
                (
                    column,
                    Func::coalesce([incoming(column), stored(column)]).into(),
                )
            }))
            .to_owned(),
        // A webhook is authoritative, unless it is older than what is stored.
        ProfileSource::Webhook { .. } => OnConflict::column(C::Id)
            .update_columns([
                C::Email,
                C::Username,
                C::FirstName,
                C::LastName,
                C::UpdatedAt,
            ])
            .action_and_where(stored(C::UpdatedAt).lte(incoming(C::UpdatedAt)))
            .to_owned(),
    };
    users::Entity::insert(row)
        .on_conflict(on_conflict)
        .exec_without_returning(db)
        .await?;
    if is_deleted(db, &profile.id).await? {
        // On PostgreSQL a deletion that commits while the insert runs is not in the insert's
        // snapshot, so the row may have been written anyway: take it back out.
        users::Entity::delete_by_id(profile.id.as_str())
            .exec(db)
            .await?;
        return Ok(false);
    }
    Ok(true)
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(user_id).one(db).await
}

pub async fn is_deleted<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<bool, DbErr> {
    Ok(deleted_users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some())
}

/// Removes the user and everything they own, and remembers the id as deleted.
pub async fn delete<C: ConnectionTrait>(db: &C, user_id: &str) -> Result<(), DbErr> {
    // Lock the user's row first (writing a placeholder if there is none), so a concurrent upsert
    // of this user either commits before the deletes below and is swept by them, or waits for
    // this transaction and then finds the tombstone.
    let now = now();
    let placeholder = users::ActiveModel {
        id: Set(user_id.to_owned()),
        email: Set(None),
        username: Set(None),
        first_name: Set(None),
        last_name: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    users::Entity::insert(placeholder)
        .on_conflict(
            OnConflict::column(users::Column::Id)
                .value(
                    users::Column::UpdatedAt,
                    Expr::col((users::Entity, users::Column::UpdatedAt)),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let tombstone = deleted_users::ActiveModel {
        id: Set(user_id.to_owned()),
        deleted_at: Set(now),
    };
    deleted_users::Entity::insert(tombstone)
        .on_conflict(
            OnConflict::column(deleted_users::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    // Explicit deletes, children first, rather than trusting every connection to enforce cascades.
    answers::Entity::delete_many()
        .filter(answers::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    challenges::Entity::delete_many()
        .filter(challenges::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    challenge_tallies::Entity::delete_many()
        .filter(challenge_tallies::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    seen_questions::Entity::delete_many()
        .filter(seen_questions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    quota_reservations::Entity::delete_many()
        .filter(quota_reservations::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    quotas::Entity::delete_many()
        .filter(quotas::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    users::Entity::delete_by_id(user_id).exec(db).await?;
    Ok(())
}

/// The user and whether they have a quota row, in one query.
pub async fn find_with_quota<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> Result<Option<(users::Model, bool)>, DbErr> {
    let quota_of_user = users::Entity::belongs_to(quotas::Entity)
        .from(users::Column::Id)
        .to(quotas::Column::UserId)
        .into();
    let found = users::Entity::find_by_id(user_id)
        .select_also(quotas::Entity)
        .join(JoinType::LeftJoin, quota_of_user)
        .one(db)
        .await?;
    Ok(found.map(|(user, quota)| (user, quota.is_some())))
}
