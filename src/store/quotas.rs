//! Quota rows and reservations. Every change is one conditional statement, so concurrent
//! requests (in one process or many sharing a database) can never overspend.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::entity::{quota_reservations, quotas};

/// The refill rule shared by every statement: a window older than `window_start` restarts full.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub now: DateTime<Utc>,
    /// Quotas last reset at or before this instant are due a refill.
    pub refill_before: DateTime<Utc>,
    pub daily_limit: u32,
}

/// Creates a full quota unless the user already has one.
pub async fn create_if_missing<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window,
) -> Result<(), DbErr> {
    let quota = quotas::ActiveModel {
        user_id: Set(user_id.to_owned()),
        quota_remaining: Set(limit(window)),
        last_reset_date: Set(window.now),
    };
    quotas::Entity::insert(quota)
        .on_conflict(
            OnConflict::column(quotas::Column::UserId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> Result<Option<quotas::Model>, DbErr> {
    quotas::Entity::find_by_id(user_id).one(db).await
}

/// Refills the quota if its window is over. Returns whether a row changed.
pub async fn refill_if_due<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window,
) -> Result<bool, DbErr> {
    use quotas::Column as Q;
    let result = quotas::Entity::update_many()
        .col_expr(Q::QuotaRemaining, Expr::val(limit(window)))
        .col_expr(Q::LastResetDate, Expr::val(window.now))
        .filter(Q::UserId.eq(user_id))
        .filter(Q::LastResetDate.lte(window.refill_before))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Takes one unit, refilling first if the window is over, in a single statement:
/// `UPDATE quotas SET ... WHERE user_id = ? AND (quota_remaining > 0 OR <window over>)`.
/// Returns whether a unit was taken.
pub async fn take_unit<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window,
) -> Result<bool, DbErr> {
    use quotas::Column as Q;
    let due = Expr::col(Q::LastResetDate).lte(window.refill_before);
    let can_refill = window.daily_limit > 0;
    let result = quotas::Entity::update_many()
        .col_expr(
            Q::QuotaRemaining,
            Expr::case(due.clone(), Expr::val(limit(window) - 1))
                .finally(Expr::col(Q::QuotaRemaining).sub(1))
                .into(),
        )
        .col_expr(
            Q::LastResetDate,
            Expr::case(due.clone(), Expr::val(window.now))
                .finally(Expr::col(Q::LastResetDate))
                .into(),
        )
        .filter(Q::UserId.eq(user_id))
        .filter(if can_refill {
            Expr::col(Q::QuotaRemaining).gt(0).or(due)
        } else {
            Expr::col(Q::QuotaRemaining).gt(0)
        })
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a reservation of one unit; returns its id.
pub async fn insert_reservation<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let reservation = quota_reservations::ActiveModel {
        user_id: Set(user_id.to_owned()),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(quota_reservations::Entity::insert(reservation)
        .exec(db)
        .await?
        .last_insert_id)
}

/// Deletes a reservation; returns whether it was still there, so only one caller settles it.
pub async fn remove_reservation<C: ConnectionTrait>(
    db: &C,
    reservation_id: i64,
) -> Result<bool, DbErr> {
    let deleted = quota_reservations::Entity::delete_by_id(reservation_id)
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// Gives back a unit taken at `reserved_at`, unless the window has been refilled since.
pub async fn give_back_unit<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    reserved_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use quotas::Column as Q;
    quotas::Entity::update_many()
        .col_expr(Q::QuotaRemaining, Expr::col(Q::QuotaRemaining).add(1))
        .filter(Q::UserId.eq(user_id))
        .filter(Q::LastResetDate.lte(reserved_at))
        .exec(db)
        .await?;
    Ok(())
}

/// Reservations made before `cutoff`: left behind by a process that died mid-generation.
pub async fn stale_reservations<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> Result<Vec<quota_reservations::Model>, DbErr> {
    quota_reservations::Entity::find()
        .filter(quota_reservations::Column::CreatedAt.lt(cutoff))
        .all(db)
        .await
}

fn limit(window: Window) -> i32 {
    i32::try_from(window.daily_limit).unwrap_or(i32::MAX)
}
