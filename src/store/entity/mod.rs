//! SeaORM entities, one per table; the schema itself lives in the `migration` crate.

pub mod answers;
pub mod challenge_tallies;
pub mod challenges;
pub mod daily_activity;
pub mod deleted_users;
pub mod language_tallies;
pub mod quota_reservations;
pub mod quotas;
pub mod review_items;
pub mod seen_questions;
pub mod users;
pub mod webhook_events;
