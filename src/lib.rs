//! challenger: the backend of a Clerk-authenticated coding-practice app.

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod domain;
pub mod generator;
pub mod server;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod upstream;

pub use app::App;
pub use config::Config;
