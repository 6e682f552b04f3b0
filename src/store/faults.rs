//! Which database failures are outages to wait out (a retry soon will work) and which are bugs.

use sea_orm::{DbErr, RuntimeErr, sqlx};

use crate::domain::Error;

impl From<DbErr> for Error {
    fn from(error: DbErr) -> Self {
        if is_transient(&error) {
            Error::Unavailable(error.into())
        } else {
            Error::Internal(error.into())
        }
    }
}

/// Lost or refused connections, an exhausted pool, a server shutting down or starting up, and
/// the conflicts a retry resolves (serialization failures, deadlocks, a busy SQLite file).
fn is_transient(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            is_transient_sqlx(error)
        }
        _ => false,
    }
}

fn is_transient_sqlx(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => true,
        sqlx::Error::Database(error) => {
            let Some(code) = error.code() else {
                return false;
            };
            if error
                .try_downcast_ref::<sqlx::sqlite::SqliteError>()
                .is_some()
            {
                // SQLITE_BUSY and SQLITE_LOCKED, with their extended codes.
                return code
                    .parse::<u32>()
                    .is_ok_and(|code| matches!(code & 0xff, 5 | 6));
            }
            // PostgreSQL SQLSTATEs: class 08 connection exceptions, admin/crash shutdown,
            // cannot connect now, too many connections, serialization failure, deadlock.
            code.starts_with("08")
                || matches!(
                    &*code,
                    "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01"
                )
        }
        _ => false,
    }
}
