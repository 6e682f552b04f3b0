//! Readiness: whether the database answers.

use crate::store::{self, Db};

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
}
