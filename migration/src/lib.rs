//! The database schema of challenger, as ordered migrations: the only place the schema is defined.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_users;
mod m20261127_000002_create_quotas;
mod m20261127_000003_create_challenges;
mod m20261127_000004_create_answers;
mod m20261127_000005_create_webhook_events;
mod m20261201_000006_add_challenge_outcome;
mod m20261201_000007_create_challenge_tallies;
mod m20261201_000008_create_seen_questions;
mod m20261201_000009_count_in_triggers;
mod m20261201_000010_drop_seen_questions_index;
mod m20261202_000011_challenge_parts;
mod m20261202_000012_add_quota_plan;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_users::Migration),
            Box::new(m20261127_000002_create_quotas::Migration),
            Box::new(m20261127_000003_create_challenges::Migration),
            Box::new(m20261127_000004_create_answers::Migration),
            Box::new(m20261127_000005_create_webhook_events::Migration),
            Box::new(m20261201_000006_add_challenge_outcome::Migration),
            Box::new(m20261201_000007_create_challenge_tallies::Migration),
            Box::new(m20261201_000008_create_seen_questions::Migration),
            Box::new(m20261201_000009_count_in_triggers::Migration),
            Box::new(m20261201_000010_drop_seen_questions_index::Migration),
            Box::new(m20261202_000011_challenge_parts::Migration),
            Box::new(m20261202_000012_add_quota_plan::Migration),
        ]
    }
}
