//! Persistence: the connection pool and every SeaORM query the service runs.

pub mod activity;
pub mod answers;
pub mod challenges;
pub mod entity;
mod faults;
pub mod quotas;
pub mod reviews;
pub mod tallies;
pub mod users;
pub mod webhook_events;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    TransactionTrait, sqlx::sqlite,
};

/// The database connections. Reads share a pool. Writes go through `writer`, which on SQLite
/// is a single connection: writers then queue for it in order instead of sleeping in SQLite's
/// busy handler, which collapses throughput under contention. On PostgreSQL both are one pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub reader: DatabaseConnection,
    pub writer: DatabaseConnection,
}

/// Opens the connections for `url` (SQLite or PostgreSQL) without touching the schema.
pub async fn connect(url: &str) -> Result<Db, DbErr> {
    let options = |max_connections: u32| {
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        options
    };
    if !url.starts_with("sqlite:") {
        let pool = Database::connect(options(16)).await?;
        return Ok(Db {
            reader: pool.clone(),
            writer: pool,
        });
    }
    let sqlite = |max_connections: u32| {
        let mut options = options(max_connections);
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // 512 KiB of page cache per connection (SQLite's default is 2 MiB): the OS
                // caches the file anyway, and this keeps the process small.
                .pragma("cache_size", "-512")
        });
        options
    };
    // The writer first: it creates the file and switches it to WAL before readers open it.
    let writer = Database::connect(sqlite(1)).await?;
    // Readers run in parallel on threads of their own: more than the cores only cost memory.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let readers = u32::try_from(cores).unwrap_or(u32::MAX).clamp(2, 8);
    let reader = Database::connect(sqlite(readers)).await?;
    Ok(Db { reader, writer })
}

/// Applies every pending migration.
pub async fn migrate(db: &Db) -> Result<(), DbErr> {
    let db = &db.writer;
    if db.get_database_backend() == DbBackend::Postgres {
        // Several processes may start at once against one database: one migrates, the others
        // wait for the lock and then find nothing left to do.
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7262207)")
            .await?;
        Migrator::up(&txn, None).await?;
        return txn.commit().await;
    }
    Migrator::up(db, None).await
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &Db) -> bool {
    db.reader.execute_unprepared("SELECT 1").await.is_ok()
}

/// Connections of one pool, open and busy or open and idle.
#[derive(Clone, Copy, Debug)]
pub struct PoolUsage {
    /// `reader` and `writer` on SQLite, `shared` on PostgreSQL (one pool does both).
    pub pool: &'static str,
    pub in_use: u32,
    pub idle: u32,
}

pub fn pool_usage(db: &Db) -> Vec<PoolUsage> {
    let usage = |pool: &'static str, connection: &DatabaseConnection| {
        let (size, idle) = match connection.get_database_backend() {
            DbBackend::Postgres => {
                let pool = connection.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = connection.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
        PoolUsage {
            pool,
            in_use: size - idle,
            idle,
        }
    };
    if db.reader.get_database_backend() == DbBackend::Postgres {
        vec![usage("shared", &db.reader)]
    } else {
        vec![usage("reader", &db.reader), usage("writer", &db.writer)]
    }
}
