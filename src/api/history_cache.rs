//! History pages as rendered JSON, kept for a second: a learner's app reloads the same page
//! often, and a page costs a query and the rendering of up to 100 challenges. An entry is
//! keyed by the user's history version, which this process's own changes renew, so they show
//! at once; another process's changes show within the time to live.

use std::time::Duration;

use bytes::Bytes;
use moka::sync::Cache;

use crate::domain::HistoryFilter;

const TIME_TO_LIVE: Duration = Duration::from_secs(1);
/// Bytes of rendered pages kept at most.
const CAPACITY_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub user_id: String,
    pub filter: HistoryFilter,
    pub limit: u64,
    /// The user's history version when the page was rendered.
    pub version: u64,
}

#[derive(Clone)]
pub struct HistoryCache {
    pages: Cache<PageKey, Bytes>,
}

impl HistoryCache {
    pub fn new() -> Self {
        Self {
            pages: Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|key: &PageKey, page: &Bytes| {
                    u32::try_from(key.user_id.len() + page.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(TIME_TO_LIVE)
                .build(),
        }
    }

    pub fn get(&self, key: &PageKey) -> Option<Bytes> {
        self.pages.get(key)
    }

    pub fn insert(&self, key: PageKey, page: Bytes) {
        self.pages.insert(key, page);
    }
}

impl Default for HistoryCache {
    fn default() -> Self {
        Self::new()
    }
}
