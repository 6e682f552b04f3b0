//! Integration tests: the real app over real HTTP and a real database (SQLite by default,
//! PostgreSQL when `TEST_DATABASE_URL` is set).

mod helpers;
mod process;

mod auth;
mod challenges;
mod generator;
mod hardening;
mod lifecycle;
mod migrations;
mod progress;
mod quota;
mod reviews;
mod telemetry;
mod web_app;
pub mod webhooks;
