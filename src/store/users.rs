//! Users and the ids of deleted users.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QuerySelect,
    sea_query::{Expr, OnConflict, Query},
};

use super::entity::{answers, challenges, deleted_users, quota_reservations, quotas, users};
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
    let now = now();
    // `updated_at` is the Clerk version of the stored profile. Claims carry none, so a row first
    // written from a token gets the oldest one and the user's `user.created` still applies to it.
    let version = match source {
        ProfileSource::Token => DateTime::UNIX_EPOCH,
        ProfileSource::Webhook { updated_at } => updated_at,
    };
    let not_deleted = Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(deleted_users::Entity)
            .and_where(Expr::col(deleted_users::Column::Id).eq(profile.id.as_str()))
            .to_owned(),
    )
    .not();
    let values = Query::select()
        .exprs([
            Expr::val(profile.id.as_str()),
            Expr::val(profile.email.clone()),
            Expr::val(profile.username.clone()),
            Expr::val(profile.first_name.clone()),
            Expr::val(profile.last_name.clone()),
            Expr::val(now),
            Expr::val(version),
        ])
        .and_where(not_deleted)
        .to_owned();

    use users::Column as C;
    let mut on_conflict = OnConflict::column(C::Id);
    match source {
        ProfileSource::Token => on_conflict.values([
            (
                C::Email,
                Expr::cust("COALESCE(excluded.email, users.email)"),
            ),
            (
                C::Username,
                Expr::cust("COALESCE(excluded.username, users.username)"),
            ),
        ]),
        ProfileSource::Webhook { .. } => on_conflict
            .update_columns([
                C::Email,
                C::Username,
                C::FirstName,
                C::LastName,
                C::UpdatedAt,
            ])
            .action_and_where(
                Expr::col((users::Entity, C::UpdatedAt)).lte(Expr::cust("excluded.updated_at")),
            ),
    };
    let insert = Query::insert()
        .into_table(users::Entity)
        .columns([
            C::Id,
            C::Email,
            C::Username,
            C::FirstName,
            C::LastName,
            C::CreatedAt,
            C::UpdatedAt,
        ])
        .select_from(values)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(on_conflict)
        .to_owned();
    db.execute(&insert).await?;
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
        id: sea_orm::Set(user_id.to_owned()),
        email: sea_orm::Set(None),
        username: sea_orm::Set(None),
        first_name: sea_orm::Set(None),
        last_name: sea_orm::Set(None),
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
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
        id: sea_orm::Set(user_id.to_owned()),
        deleted_at: sea_orm::Set(now),
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
