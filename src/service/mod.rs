//! Business rules: quota accounting, generation, answers, user lifecycle. Each operation that
//! writes more than one row runs in one transaction.

pub mod challenges;
pub mod quotas;
pub mod users;
pub mod webhooks;
