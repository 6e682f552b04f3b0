//! Business rules: quota accounting, generation, answers, user lifecycle, readiness. Services
//! speak the domain (values and `domain::Error`), never HTTP; each operation that writes more
//! than one row runs in one transaction.

pub mod caches;
pub mod challenges;
pub mod health;
pub mod quotas;
pub mod users;
pub mod webhooks;
