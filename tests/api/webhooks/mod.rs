//! Clerk webhooks through Svix, end to end: the real server over real HTTP and a real database
//! (SQLite by default, PostgreSQL when `TEST_DATABASE_URL` is set), with payloads shaped as Clerk
//! sends them and signed by the svix crate itself.

pub mod clerk;

mod delivery;
mod rejections;
mod users;
