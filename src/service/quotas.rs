//! The daily quota: reserve a unit before generating, settle it after.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::TransactionTrait;

use super::caches::{Committed, UserCaches};
use crate::{
    domain::{Error, Quota, now},
    store::{self, Db, quotas::Window},
    telemetry::metrics,
};

/// The length of a quota window.
pub const WINDOW: TimeDelta = TimeDelta::hours(24);

/// One unit taken from a user's quota, not yet settled.
#[derive(Debug)]
pub struct Reservation {
    pub id: i64,
    pub user_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct QuotaService {
    db: Db,
    daily_limit: u32,
    /// A reservation older than this was left by a dead process and is refunded.
    stale_after: Duration,
    caches: UserCaches,
}

impl QuotaService {
    pub fn new(db: Db, daily_limit: u32, stale_after: Duration, caches: UserCaches) -> Self {
        Self {
            db,
            daily_limit,
            stale_after,
            caches,
        }
    }

    pub fn window(&self, now: DateTime<Utc>) -> Window {
        Window {
            now,
            refill_before: now - WINDOW,
            daily_limit: self.daily_limit,
        }
    }

    /// The user's quota now, refilled first if its window is over.
    pub async fn current(&self, user_id: &str) -> Result<Quota, Error> {
        let window = self.window(now());
        if let Some(quota) = self.caches.quota(user_id)
            && quota.last_reset > window.refill_before
        {
            return Ok(quota);
        }
        let mut row = store::quotas::find(&self.db.reader, user_id).await?;
        if row
            .as_ref()
            .is_some_and(|q| q.last_reset_date <= window.refill_before)
        {
            store::quotas::refill_if_due(&self.db.writer, user_id, window).await?;
            row = store::quotas::find(&self.db.reader, user_id).await?;
        }
        // Every known user has a quota row: none means the user was deleted while their token
        // lives on.
        let row = row.ok_or(Error::UserDeleted)?;
        let quota = Quota {
            user_id: row.user_id,
            remaining: u32::try_from(row.quota_remaining).unwrap_or(0),
            daily_limit: self.daily_limit,
            last_reset: row.last_reset_date,
            next_reset: row.last_reset_date + WINDOW,
        };
        self.caches.keep_quota(&quota);
        Ok(quota)
    }

    /// Takes one unit and records the reservation, in one transaction.
    pub async fn reserve(&self, user_id: &str) -> Result<Reservation, Error> {
        let window = self.window(now());
        let txn = self.db.writer.begin().await?;
        self.take(&txn, user_id).await?;
        let id = store::quotas::insert_reservation(&txn, user_id, window.now).await?;
        txn.commit().await?;
        self.caches.after_commit(user_id, Committed::Quota);
        Ok(Reservation {
            id,
            user_id: user_id.to_owned(),
            created_at: window.now,
        })
    }

    /// Takes one unit inside the caller's transaction, the one that stores what it pays for;
    /// the caller reports the commit to [`UserCaches::after_commit`].
    pub async fn take<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        user_id: &str,
    ) -> Result<(), Error> {
        if !store::quotas::take_unit(txn, user_id, self.window(now())).await? {
            metrics::quota_refused();
            return Err(self.exhausted(txn, user_id).await);
        }
        Ok(())
    }

    /// Settles a reservation inside the caller's transaction, the one that stores what the unit
    /// paid for. If the sweeper already refunded it (a very slow generation), a unit is taken
    /// again; if none is left the caller must roll back.
    pub async fn settle<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        reservation: &Reservation,
    ) -> Result<(), Error> {
        if store::quotas::remove_reservation(txn, reservation.id).await? {
            return Ok(());
        }
        self.take(txn, &reservation.user_id).await
    }

    /// The error for a spent quota, with the whole seconds until it refills. Read in the
    /// caller's transaction: another connection could be one the pool no longer has to give.
    async fn exhausted<C: sea_orm::ConnectionTrait>(&self, txn: &C, user_id: &str) -> Error {
        match store::quotas::find(txn, user_id).await {
            Ok(Some(quota)) => {
                let millis = (quota.last_reset_date + WINDOW - now()).num_milliseconds();
                let secs = u64::try_from(millis).unwrap_or(0).div_ceil(1000).max(1);
                Error::QuotaExceeded {
                    retry_after: Duration::from_secs(secs),
                }
            }
            Ok(None) => Error::UserDeleted,
            Err(error) => error.into(),
        }
    }

    /// Gives the unit back (generation failed). Safe to call twice: only the first refunds.
    pub async fn refund(&self, reservation: &Reservation) -> Result<(), Error> {
        let txn = self.db.writer.begin().await?;
        if store::quotas::remove_reservation(&txn, reservation.id).await? {
            store::quotas::give_back_unit(&txn, &reservation.user_id, reservation.created_at)
                .await?;
        }
        txn.commit().await?;
        self.caches
            .after_commit(&reservation.user_id, Committed::Quota);
        Ok(())
    }

    /// How often to look for abandoned reservations: often enough that one is refunded soon
    /// after it turns stale, at most every 30 s.
    pub fn sweep_interval(&self) -> Duration {
        (self.stale_after / 2).clamp(Duration::from_secs(1), Duration::from_secs(30))
    }

    /// Refunds reservations abandoned by processes that died mid-generation, or whose refund
    /// failed (the database was down when the generation failed).
    pub async fn refund_stale(&self) -> Result<usize, Error> {
        let cutoff = now() - TimeDelta::from_std(self.stale_after).unwrap_or(TimeDelta::MAX);
        let stale = store::quotas::stale_reservations(&self.db.reader, cutoff).await?;
        for row in &stale {
            let reservation = Reservation {
                id: row.id,
                user_id: row.user_id.clone(),
                created_at: row.created_at,
            };
            self.refund(&reservation).await?;
        }
        Ok(stale.len())
    }
}
