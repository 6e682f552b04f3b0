//! Clerk session-token verification, end to end: the real server over real HTTP with tokens
//! minted here (SQLite by default, PostgreSQL when `TEST_DATABASE_URL` is set), plus a property
//! test of the verifier itself.

mod support;

mod acceptance;
mod config;
mod dev_issuer;
mod fuzz;
mod jwks;
mod rejections;
mod sessions;
