//! The daily quota: reserve a unit before generating, settle it after; the limit is the one of
//! the caller's plan.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::TransactionTrait;

use super::caches::{self, Committed, UserCaches};
use crate::{
    domain::{Error, Quota, now},
    store::{
        self, Db,
        quotas::{Limit, Window},
    },
    telemetry::metrics,
};

/// The length of a quota window.
pub const WINDOW: TimeDelta = TimeDelta::hours(24);

/// One unit taken from a user's quota, not yet settled.
#[derive(Debug)]
pub struct Reservation {
    pub id: i64,
    pub user_id: String,
    /// The plan the unit was taken under (a unit taken again is taken under it too).
    pub plan: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Whose limit a quota is read under.
#[derive(Clone, Copy, Debug)]
pub enum QuotaView<'a> {
    /// The caller's, under the plan of their token (a plan change is applied first).
    Caller { plan: Option<&'a str> },
    /// As stored: the limit and plan last applied (the operator's tools have no token).
    Stored,
}

#[derive(Clone)]
pub struct QuotaService {
    db: Db,
    /// `DAILY_QUOTA`: the limit without a plan, or with one not listed.
    default_limit: u32,
    /// `QUOTA_PLANS`: the limit of each plan, by slug.
    plans: Arc<BTreeMap<String, u32>>,
    /// A reservation older than this was left by a dead process and is refunded.
    stale_after: Duration,
    caches: UserCaches,
}

impl QuotaService {
    pub fn new(
        db: Db,
        default_limit: u32,
        plans: BTreeMap<String, u32>,
        stale_after: Duration,
        caches: UserCaches,
    ) -> Self {
        Self {
            db,
            default_limit,
            plans: Arc::new(plans),
            stale_after,
            caches,
        }
    }

    /// The daily limit of `plan` (a slug); no plan, or one not listed, gets the default.
    pub fn limit_of(&self, plan: Option<&str>) -> u32 {
        plan.and_then(|plan| self.plans.get(plan))
            .copied()
            .unwrap_or(self.default_limit)
    }

    /// The window as of `now` for a caller on `plan`.
    pub fn window<'a>(&self, now: DateTime<Utc>, plan: Option<&'a str>) -> Window<'a> {
        self.window_with(
            now,
            Limit::Plan {
                limit: self.limit_of(plan),
                plan,
            },
        )
    }

    fn window_with<'a>(&self, now: DateTime<Utc>, limit: Limit<'a>) -> Window<'a> {
        Window {
            now,
            refill_before: now - WINDOW,
            limit,
            unrecorded_limit: self.default_limit,
        }
    }

    /// The user's quota now, as `view` shows it.
    pub async fn read(&self, user_id: &str, view: QuotaView<'_>) -> Result<Quota, Error> {
        match view {
            QuotaView::Caller { plan } => self.current(user_id, plan).await,
            QuotaView::Stored => {
                let row = store::quotas::find(&self.db.reader, user_id)
                    .await?
                    .ok_or(Error::UserDeleted)?;
                Ok(self.quota(row, self.window_with(now(), Limit::Stored)))
            }
        }
    }

    /// The quota of a caller on `plan` now: refilled first if its window is over, and with the
    /// plan applied if it changed.
    pub async fn current(&self, user_id: &str, plan: Option<&str>) -> Result<Quota, Error> {
        let window = self.window(now(), plan);
        if let Some(quota) = self.caches.quota(user_id)
            && quota.last_reset > window.refill_before
            && quota.plan.as_deref() == plan
            && quota.daily_limit == self.limit_of(plan)
        {
            return Ok(quota);
        }
        let mut row = store::quotas::find(&self.db.reader, user_id).await?;
        if row
            .as_ref()
            .is_some_and(|row| !store::quotas::is_current(row, window))
        {
            store::quotas::catch_up(&self.db.writer, user_id, window).await?;
            row = store::quotas::find(&self.db.reader, user_id).await?;
        }
        // Every known user has a quota row: none means the user was deleted while their token
        // lives on.
        let row = row.ok_or(Error::UserDeleted)?;
        let quota = self.quota(row, window);
        self.caches.keep_quota(&quota);
        Ok(quota)
    }

    /// The quota `row` stands for under `window` (a concurrent change of plan may have moved
    /// the row since it was brought up to date: what remains is still computed for `window`).
    fn quota(&self, row: store::entity::quotas::Model, window: Window<'_>) -> Quota {
        let remaining = store::quotas::remaining(&row, window);
        let (daily_limit, plan) = match window.limit {
            Limit::Plan { limit, plan } => (limit, plan.map(str::to_owned)),
            Limit::Stored => (
                store::quotas::last_limit(&row, self.default_limit),
                row.plan,
            ),
        };
        // A due row is refilled by its next statement: its window starts then.
        let last_reset = if row.last_reset_date <= window.refill_before {
            window.now
        } else {
            row.last_reset_date
        };
        Quota {
            user_id: row.user_id,
            remaining,
            daily_limit,
            plan,
            last_reset,
            next_reset: last_reset + WINDOW,
        }
    }

    /// The operator's top-up: adds `units` to what remains in the user's current window.
    pub async fn grant(&self, user_id: &str, units: u32) -> Result<Quota, Error> {
        let window = self.window_with(now(), Limit::Stored);
        if !store::quotas::grant(&self.db.writer, user_id, window, units).await? {
            return Err(Error::UserDeleted);
        }
        self.caches.after_commit(user_id, Committed::Quota);
        self.read(user_id, QuotaView::Stored).await
    }

    /// The operator's reset: a full window, under the limit last applied, from now.
    pub async fn reset(&self, user_id: &str) -> Result<Quota, Error> {
        let window = self.window_with(now(), Limit::Stored);
        if !store::quotas::reset(&self.db.writer, user_id, window).await? {
            return Err(Error::UserDeleted);
        }
        self.caches.after_commit(user_id, Committed::Quota);
        self.read(user_id, QuotaView::Stored).await
    }

    /// How long other processes sharing the database may show a quota changed here as it was.
    pub fn change_reaches_other_processes_within() -> Duration {
        caches::QUOTA_TTL
    }

    /// Takes one unit under `plan` and records the reservation, in one transaction.
    pub async fn reserve(&self, user_id: &str, plan: Option<&str>) -> Result<Reservation, Error> {
        let now = now();
        let txn = self.db.writer.begin().await?;
        self.take(&txn, user_id, plan).await?;
        let id = store::quotas::insert_reservation(&txn, user_id, now).await?;
        txn.commit().await?;
        self.caches.after_commit(user_id, Committed::Quota);
        Ok(Reservation {
            id,
            user_id: user_id.to_owned(),
            plan: plan.map(str::to_owned),
            created_at: now,
        })
    }

    /// Takes one unit under `plan` inside the caller's transaction, the one that stores what it
    /// pays for; the caller reports the commit to [`UserCaches::after_commit`].
    pub async fn take<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        user_id: &str,
        plan: Option<&str>,
    ) -> Result<(), Error> {
        if !store::quotas::take_unit(txn, user_id, self.window(now(), plan)).await? {
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
        self.take(txn, &reservation.user_id, reservation.plan.as_deref())
            .await
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
                plan: None,
                created_at: row.created_at,
            };
            self.refund(&reservation).await?;
        }
        Ok(stale.len())
    }
}
