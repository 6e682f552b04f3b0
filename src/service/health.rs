//! Readiness: whether the database answers.

use crate::store::{self, Db, PoolUsage};

#[derive(Clone)]
pub struct HealthService {
    db: Db,
}

impl HealthService {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    pub async fn database_answers(&self) -> bool {
        store::ping(&self.db).await
    }

    /// How many connections each pool has open, in use and idle.
    pub fn pool_usage(&self) -> Vec<PoolUsage> {
        store::pool_usage(&self.db)
    }
}
