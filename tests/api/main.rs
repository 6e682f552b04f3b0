//! Integration tests: the real app over real HTTP and a real database (SQLite by default,
//! PostgreSQL when `TEST_DATABASE_URL` is set).

mod cli;
mod helpers;
mod process;

mod auth;
mod challenges;
mod docs;
mod generator;
mod hardening;
mod headers;
mod lifecycle;
mod migrations;
mod progress;
mod quota;
mod reviews;
mod telemetry;
mod test_databases;
mod tools;
mod trust;
mod web_app;
pub mod webhooks;
