//! challenger: the backend of a Clerk-authenticated coding-practice app.

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod domain;
pub mod generator;
pub mod service;
pub mod store;
pub mod telemetry;

pub use app::App;
pub use config::Config;
