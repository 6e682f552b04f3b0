//! Users: created on first sight (token) or by Clerk's webhooks, removed for good on deletion.

use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;

use super::{caches::UserCaches, quotas::QuotaService};
use crate::{
    domain::{Error, Profile, now},
    store::{self, Db, users::ProfileSource},
};

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
            store::quotas::create_if_missing(&txn, &profile.id, self.quotas.window(now())).await?;
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
            store::quotas::create_if_missing(txn, &profile.id, self.quotas.window(now())).await?;
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
}
