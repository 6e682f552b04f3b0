//! Quota rows and reservations. Every change is one conditional statement, so concurrent
//! requests (in one process or many sharing a database) can never overspend. A row may hold a
//! negative `quota_remaining` after its plan was lowered below the units already used: it keeps
//! `limit - used` exact, so raising the plan again gives back only the difference.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    sea_query::{Expr, Func, OnConflict},
};

use super::entity::{quota_reservations, quotas};

/// The rules every statement on a quota row shares: the window (a row last reset at or before
/// `refill_before` starts a new one, full) and the limit that applies.
#[derive(Clone, Copy, Debug)]
pub struct Window<'a> {
    pub now: DateTime<Utc>,
    /// Quotas last reset at or before this instant are due a refill.
    pub refill_before: DateTime<Utc>,
    pub limit: Limit<'a>,
    /// The limit a row that recorded none was filled to (`DAILY_QUOTA`; rows from before plans).
    pub unrecorded_limit: u32,
}

/// The daily limit a statement applies.
#[derive(Clone, Copy, Debug)]
pub enum Limit<'a> {
    /// The caller's plan and its limit, from their token: a change is applied to the row.
    Plan { limit: u32, plan: Option<&'a str> },
    /// The limit last applied to the row (the operator's tools have no token).
    Stored,
}

/// Creates a full quota unless the user already has one.
pub async fn create_if_missing<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window<'_>,
) -> Result<(), DbErr> {
    let (limit, plan) = match window.limit {
        Limit::Plan { limit, plan } => (int(limit), plan.map(str::to_owned)),
        Limit::Stored => (int(window.unrecorded_limit), None),
    };
    let quota = quotas::ActiveModel {
        user_id: Set(user_id.to_owned()),
        quota_remaining: Set(limit),
        last_reset_date: Set(window.now),
        daily_limit: Set(Some(limit)),
        plan: Set(plan),
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

/// Whether `row` is up to date for `window`: its window is not over and it has the limit and
/// plan that apply.
pub fn is_current(row: &quotas::Model, window: Window<'_>) -> bool {
    if row.last_reset_date <= window.refill_before {
        return false;
    }
    match window.limit {
        Limit::Plan { limit, plan } => {
            row.daily_limit.unwrap_or(int(window.unrecorded_limit)) == int(limit)
                && row.plan.as_deref() == plan
        }
        Limit::Stored => true,
    }
}

/// What remains of `row` under `window`, never below zero: a due row is full, and a limit other
/// than the one last applied moves what remains by the difference (the units used stay used).
pub fn remaining(row: &quotas::Model, window: Window<'_>) -> u32 {
    let last = i64::from(row.daily_limit.unwrap_or(int(window.unrecorded_limit)));
    let current = match window.limit {
        Limit::Plan { limit, .. } => i64::from(int(limit)),
        Limit::Stored => last,
    };
    let remaining = if row.last_reset_date <= window.refill_before {
        current
    } else {
        i64::from(row.quota_remaining) + current - last
    };
    u32::try_from(Ord::max(remaining, 0)).unwrap_or(u32::MAX)
}

/// The limit last applied to `row`.
pub fn last_limit(row: &quotas::Model, unrecorded_limit: u32) -> u32 {
    row.daily_limit
        .and_then(|limit| u32::try_from(limit).ok())
        .unwrap_or(unrecorded_limit)
}

/// Brings the row up to date in one statement: refills it if its window is over, and applies
/// a limit or plan other than the one last applied. Returns whether a row changed.
pub async fn catch_up<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window<'_>,
) -> Result<bool, DbErr> {
    let outdated = match window.limit {
        Limit::Plan { limit, plan } => due(window)
            .or(last_limit_expr(window).ne(int(limit)))
            .or(plan_differs(plan)),
        Limit::Stored => due(window),
    };
    let result = applying(window, effective(window))
        .filter(quotas::Column::UserId.eq(user_id))
        .filter(outdated)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Takes one unit, bringing the row up to date first, in a single statement:
/// `UPDATE quotas SET quota_remaining = <effective> - 1, … WHERE user_id = ? AND <effective> > 0`,
/// where `<effective>` is what remains under the window's limit (full when the window is over).
/// The row's units used (its limit minus what remains) only ever grow by one per unit taken, so
/// concurrent requests, even under different plans, never take more than the highest limit.
/// Returns whether a unit was taken.
pub async fn take_unit<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window<'_>,
) -> Result<bool, DbErr> {
    let result = applying(window, effective(window).sub(1))
        .filter(quotas::Column::UserId.eq(user_id))
        .filter(effective(window).gt(0))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Adds `units` to what remains in the current window (a new one, full, if it is over); a row
/// whose plan was lowered below its use gets `units` from zero. Returns whether the user has a
/// quota.
pub async fn grant<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window<'_>,
    units: u32,
) -> Result<bool, DbErr> {
    let remaining: Expr = Expr::case(effective(window).lt(0), Expr::val(0))
        .finally(effective(window))
        .into();
    let result = applying(window, remaining.add(int(units)))
        .filter(quotas::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Starts a full window now. Returns whether the user has a quota.
pub async fn reset<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
    window: Window<'_>,
) -> Result<bool, DbErr> {
    use quotas::Column as Q;
    let result = quotas::Entity::update_many()
        .col_expr(Q::QuotaRemaining, new_limit(window))
        .col_expr(Q::LastResetDate, Expr::val(window.now))
        .col_expr(Q::DailyLimit, new_limit(window))
        .col_expr(Q::Plan, new_plan(window))
        .filter(Q::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// An update that sets what remains to `remaining`, starts a new window if the old one is over,
/// and records the limit and plan applied.
fn applying(window: Window<'_>, remaining: Expr) -> sea_orm::UpdateMany<quotas::Entity> {
    use quotas::Column as Q;
    quotas::Entity::update_many()
        .col_expr(Q::QuotaRemaining, remaining)
        .col_expr(
            Q::LastResetDate,
            Expr::case(due(window), Expr::val(window.now))
                .finally(Expr::col(Q::LastResetDate))
                .into(),
        )
        .col_expr(Q::DailyLimit, new_limit(window))
        .col_expr(Q::Plan, new_plan(window))
}

/// Whether the row's window is over.
fn due(window: Window<'_>) -> Expr {
    Expr::col(quotas::Column::LastResetDate).lte(window.refill_before)
}

/// The limit last applied to the row.
fn last_limit_expr(window: Window<'_>) -> Expr {
    Expr::expr(Func::coalesce([
        Expr::col(quotas::Column::DailyLimit),
        Expr::val(int(window.unrecorded_limit)),
    ]))
}

/// The limit the statement applies.
fn new_limit(window: Window<'_>) -> Expr {
    match window.limit {
        Limit::Plan { limit, .. } => Expr::val(int(limit)),
        Limit::Stored => last_limit_expr(window),
    }
}

fn new_plan(window: Window<'_>) -> Expr {
    match window.limit {
        Limit::Plan { plan, .. } => Expr::val(plan.map(str::to_owned)),
        Limit::Stored => Expr::col(quotas::Column::Plan),
    }
}

/// Whether the row's plan is not `plan` (null-safe on both databases).
fn plan_differs(plan: Option<&str>) -> Expr {
    let column = || Expr::col(quotas::Column::Plan);
    match plan {
        None => column().is_not_null(),
        Some(plan) => column().is_null().or(column().ne(plan)),
    }
}

/// What remains under the window's limit: the new limit if the window is over, else what
/// remained moved by the change of limit. May be negative after a downgrade (units used beyond
/// the new limit); reads clamp it to zero.
fn effective(window: Window<'_>) -> Expr {
    let moved = Expr::col(quotas::Column::QuotaRemaining)
        .add(new_limit(window))
        .sub(last_limit_expr(window));
    Expr::case(due(window), new_limit(window))
        .finally(moved)
        .into()
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

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
