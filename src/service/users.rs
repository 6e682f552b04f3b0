//! Users: created on first sight (token) or by Clerk's webhooks, removed for good on deletion,
//! and exported or erased at their request.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, DbBackend, IsolationLevel, TransactionTrait,
};

use super::{
    caches::{self, Committed, UserCaches},
    quotas::{QuotaService, QuotaView},
};
use crate::{
    domain::{Challenge, Error, HistoryFilter, MAX_PAGE_SIZE, Profile, Quota, now},
    store::{self, Db, users::ProfileSource},
};

/// A user as stored: the profile, and when the row was created and last updated by Clerk.
#[derive(Clone, Debug)]
pub struct StoredUser {
    pub profile: Profile,
    pub created_at: DateTime<Utc>,
    /// Clerk's `updated_at` of the last profile applied from a webhook (the Unix epoch while
    /// only session tokens have been seen).
    pub updated_at: DateTime<Utc>,
}

/// Everything stored about a user, for them or for the operator.
#[derive(Clone, Debug)]
pub struct UserExport {
    pub user: StoredUser,
    pub quota: Quota,
    /// Every challenge with its answer, newest first.
    pub challenges: Vec<Challenge>,
    pub exported_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct UserService {
    db: Db,
    quotas: QuotaService,
    caches: UserCaches,
}

impl UserService {
    pub fn new(db: Db, quotas: QuotaService, caches: UserCaches) -> Self {
        Self { db, quotas, caches }
    }

    /// Makes sure the token's user exists with a quota (a missed `user.created` webhook never
    /// locks anyone out), and refuses users deleted in Clerk. Writes only when something is
    /// missing or the token carries a newer email or username.
    pub async fn ensure_active(&self, profile: &Profile) -> Result<(), Error> {
        // Deletions made by this process take effect at once; ones made by another process
        // sharing the database once the entry expires.
        if self.caches.is_active(&profile.id) {
            return Ok(());
        }
        let stored = store::users::find_with_quota(&self.db.reader, &profile.id).await?;
        let up_to_date = stored.is_some_and(|(user, has_quota)| {
            let known = |claim: &Option<String>, column: &Option<String>| {
                claim.is_none() || claim == column
            };
            has_quota
                && known(&profile.email, &user.email)
                && known(&profile.username, &user.username)
        });
        if !up_to_date {
            let txn = self.db.writer.begin().await?;
            if !store::users::upsert(&txn, profile, ProfileSource::Token).await? {
                txn.rollback().await?;
                return Err(Error::UserDeleted);
            }
            store::quotas::create_if_missing(&txn, &profile.id, self.quotas.window(now(), None))
                .await?;
            txn.commit().await?;
        }
        self.caches.keep_active(&profile.id);
        Ok(())
    }

    /// `user.created` / `user.updated`: the profile as of `updated_at`, and a full quota if the
    /// user has none. Runs in the webhook's transaction.
    pub async fn apply_profile<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        profile: &Profile,
        updated_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        if store::users::upsert(txn, profile, ProfileSource::Webhook { updated_at }).await? {
            store::quotas::create_if_missing(txn, &profile.id, self.quotas.window(now(), None))
                .await?;
        }
        Ok(())
    }

    /// `user.deleted`: the user and everything they own. Runs in the webhook's transaction.
    pub async fn delete<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        user_id: &str,
    ) -> Result<(), Error> {
        store::users::delete(txn, user_id).await?;
        Ok(())
    }

    /// How long other processes sharing the database may still take a user erased here for
    /// active (their memory of the user, plus a request that read it just before the erasure).
    pub fn erasure_reaches_other_processes_within() -> Duration {
        caches::ACTIVE_USER_TTL + Duration::from_secs(1)
    }

    /// Succeeds if the service has a user with this id, else says why not.
    pub async fn known(&self, user_id: &str) -> Result<(), Error> {
        match store::users::find(&self.db.reader, user_id).await? {
            Some(_) => Ok(()),
            None => Err(self.unknown(&self.db.reader, user_id).await),
        }
    }

    /// The operator's erasure: what `user.deleted` does, for a user the service knows.
    pub async fn erase(&self, user_id: &str) -> Result<(), Error> {
        let txn = self.db.writer.begin().await?;
        if store::users::find(&txn, user_id).await?.is_none() {
            let error = self.unknown(&txn, user_id).await;
            txn.rollback().await?;
            return Err(error);
        }
        self.delete(&txn, user_id).await?;
        txn.commit().await?;
        self.caches.after_commit(user_id, Committed::UserDeleted);
        Ok(())
    }

    /// Everything stored about the user, the quota as `view` shows it. The user and their
    /// challenges are read in one snapshot, so a generation meanwhile shows entirely or not at all.
    pub async fn export(&self, user_id: &str, view: QuotaView<'_>) -> Result<UserExport, Error> {
        let quota = self.quotas.read(user_id, view).await;
        let txn = self.snapshot().await?;
        let Some(row) = store::users::find(&txn, user_id).await? else {
            return Err(self.unknown(&txn, user_id).await);
        };
        let quota = quota?;
        let mut challenges: Vec<Challenge> = Vec::new();
        loop {
            let filter = HistoryFilter {
                before: challenges.last().map(|c| c.id),
                ..HistoryFilter::default()
            };
            let page = store::challenges::page(&txn, user_id, filter, MAX_PAGE_SIZE).await?;
            let last_page = (page.len() as u64) < MAX_PAGE_SIZE;
            challenges.extend(page);
            if last_page {
                break;
            }
        }
        txn.commit().await?;
        Ok(UserExport {
            user: StoredUser {
                profile: Profile {
                    id: row.id,
                    email: row.email,
                    username: row.username,
                    first_name: row.first_name,
                    last_name: row.last_name,
                },
                created_at: row.created_at,
                updated_at: row.updated_at,
            },
            quota,
            challenges,
            exported_at: now(),
        })
    }

    /// A read-only transaction that sees one state of the database throughout.
    async fn snapshot(&self) -> Result<DatabaseTransaction, Error> {
        let db = &self.db.reader;
        Ok(match db.get_database_backend() {
            // PostgreSQL's default (read committed) takes a new snapshot per statement.
            DbBackend::Postgres => {
                db.begin_with_config(
                    Some(IsolationLevel::RepeatableRead),
                    Some(AccessMode::ReadOnly),
                )
                .await?
            }
            // A SQLite read transaction keeps the snapshot of its first read (WAL).
            _ => db.begin().await?,
        })
    }

    /// The error for an id with no user: never known, or erased.
    async fn unknown<C: ConnectionTrait>(&self, db: &C, user_id: &str) -> Error {
        match store::users::is_deleted(db, user_id).await {
            Ok(true) => Error::NotFound(format!("the user {user_id:?} has been erased")),
            Ok(false) => Error::NotFound(format!("no user with the id {user_id:?}")),
            Err(error) => error.into(),
        }
    }
}
