//! What this process remembers per user, in one place: their quota, that they exist, their
//! history version and rendered history pages, and the bank keys they have been given. Every
//! write path calls [`UserCaches::after_commit`] once its transaction commits, so each kind of
//! change drops or renews exactly the entries it makes stale. Other processes' changes show
//! once an entry expires.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use moka::sync::Cache;

use crate::domain::{Difficulty, HistoryFilter, Quota, SeenKeys};

/// Users each per-user cache holds at most.
const USERS: u64 = 100_000;
/// How long a read quota is served from memory. Frontends poll `GET /api/quota`; spending
/// never uses it: that is always one conditional statement in the database.
pub const QUOTA_TTL: Duration = Duration::from_secs(1);
/// How long a process trusts that a user it has seen still exists.
pub const ACTIVE_USER_TTL: Duration = Duration::from_secs(5);
/// Bank keys remembered at most, over all users (a few tens of bytes each).
const SEEN_KEYS: u64 = 20_000;
const SEEN_TTL: Duration = Duration::from_secs(10);
/// A learner's app reloads the same history page often, and a page costs a query and the
/// rendering of up to 100 challenges.
const PAGE_TTL: Duration = Duration::from_secs(1);
/// Bytes of rendered pages kept at most.
const PAGE_BYTES: u64 = 2 * 1024 * 1024;

/// A change that has just committed, for [`UserCaches::after_commit`].
pub enum Committed<'a> {
    /// A quota unit was taken, given back or granted, and nothing else.
    Quota,
    /// A challenge was stored, with the unit it took. `given` is the bank key it came from and
    /// the keys the user had been given before, newest first.
    Challenge {
        difficulty: Difficulty,
        given: Option<(&'a str, &'a SeenKeys)>,
    },
    /// The history changed without the quota: an answer or a review.
    History,
    /// The user and everything they own were removed.
    UserDeleted,
}

/// Which history page, as of which version of the user's history.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub user_id: String,
    pub filter: HistoryFilter,
    pub limit: u64,
    /// The user's history version when the page was rendered: this process's own changes
    /// renew it, so they show at once.
    version: u64,
}

/// Cheap to clone: every clone shares the same entries.
#[derive(Clone)]
pub struct UserCaches {
    quotas: Cache<String, Quota>,
    active: Cache<String, ()>,
    versions: Cache<String, u64>,
    next_version: Arc<AtomicU64>,
    pages: Cache<PageKey, Bytes>,
    seen: Cache<(String, Difficulty), SeenKeys>,
}

impl UserCaches {
    pub fn new() -> Self {
        Self {
            quotas: Cache::builder()
                .max_capacity(USERS)
                .time_to_live(QUOTA_TTL)
                .build(),
            active: Cache::builder()
                .max_capacity(USERS)
                .time_to_live(ACTIVE_USER_TTL)
                .build(),
            versions: Cache::builder().max_capacity(USERS).build(),
            next_version: Arc::default(),
            pages: Cache::builder()
                .max_capacity(PAGE_BYTES)
                .weigher(|key: &PageKey, page: &Bytes| {
                    u32::try_from(key.user_id.len() + page.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(PAGE_TTL)
                .build(),
            seen: Cache::builder()
                .max_capacity(SEEN_KEYS)
                .weigher(|_, keys: &SeenKeys| u32::try_from(keys.len()).unwrap_or(u32::MAX).max(1))
                .time_to_live(SEEN_TTL)
                .build(),
        }
    }

    /// The one entry point after a commit: drops or renews what the change made stale.
    pub fn after_commit(&self, user_id: &str, change: Committed<'_>) {
        match change {
            Committed::Quota => self.quotas.invalidate(user_id),
            Committed::Challenge { difficulty, given } => {
                self.quotas.invalidate(user_id);
                self.renew_version(user_id);
                if let Some((given, before)) = given {
                    let given: Arc<str> = given.into();
                    let after: SeenKeys = std::iter::once(given.clone())
                        .chain(before.iter().filter(|key| **key != given).cloned())
                        .collect();
                    self.seen.insert((user_id.to_owned(), difficulty), after);
                }
            }
            Committed::History => self.renew_version(user_id),
            Committed::UserDeleted => {
                self.quotas.invalidate(user_id);
                self.active.invalidate(user_id);
                self.renew_version(user_id);
                for difficulty in Difficulty::ALL {
                    self.seen.invalidate(&(user_id.to_owned(), difficulty));
                }
            }
        }
    }

    pub fn quota(&self, user_id: &str) -> Option<Quota> {
        self.quotas.get(user_id)
    }

    pub fn keep_quota(&self, quota: &Quota) {
        self.quotas.insert(quota.user_id.clone(), quota.clone());
    }

    /// Whether the user was seen to exist (with a quota) within [`ACTIVE_USER_TTL`].
    pub fn is_active(&self, user_id: &str) -> bool {
        self.active.contains_key(user_id)
    }

    pub fn keep_active(&self, user_id: &str) {
        self.active.insert(user_id.to_owned(), ());
    }

    /// The key of a history page as of the user's current history version. One the process
    /// has forgotten is replaced by a new one, so nothing cached under an older version is
    /// ever taken as current.
    pub fn page_key(&self, user_id: &str, filter: HistoryFilter, limit: u64) -> PageKey {
        PageKey {
            version: self
                .versions
                .get_with_by_ref(user_id, || self.fresh_version()),
            user_id: user_id.to_owned(),
            filter,
            limit,
        }
    }

    /// A rendered page (the bytes are opaque here: the API renders them).
    pub fn page(&self, key: &PageKey) -> Option<Bytes> {
        self.pages.get(key)
    }

    pub fn keep_page(&self, key: PageKey, page: Bytes) {
        self.pages.insert(key, page);
    }

    pub fn seen(&self, user_id: &str, difficulty: Difficulty) -> Option<SeenKeys> {
        self.seen.get(&(user_id.to_owned(), difficulty))
    }

    pub fn keep_seen(&self, user_id: &str, difficulty: Difficulty, keys: SeenKeys) {
        self.seen.insert((user_id.to_owned(), difficulty), keys);
    }

    fn renew_version(&self, user_id: &str) {
        self.versions
            .insert(user_id.to_owned(), self.fresh_version());
    }

    fn fresh_version(&self) -> u64 {
        self.next_version.fetch_add(1, Ordering::Relaxed)
    }
}

impl Default for UserCaches {
    fn default() -> Self {
        Self::new()
    }
}
