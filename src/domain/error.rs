//! What can go wrong, in the service's own terms. Services, the generator and the store's fault
//! mapping return it; only the HTTP API decides what each case looks like on the wire.

use std::time::Duration;

/// A failed operation. The `Display` text of the variants that carry no source is written for
/// the person using the app; the sources of the others are for the operator's log only.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed input that the request schema could not catch (a webhook payload).
    #[error("{0}")]
    InvalidInput(String),
    /// A session token that was refused; the text says why without echoing it.
    #[error("{0}")]
    InvalidToken(String),
    /// The token is valid but its user was deleted in Clerk.
    #[error("this user has been deleted")]
    UserDeleted,
    /// A webhook delivery whose Svix signature or headers do not check out.
    #[error("{0}")]
    BadSignature(&'static str),
    /// Nothing of this kind with this id belongs to the caller.
    #[error("{0}")]
    NotFound(String),
    /// The request does not fit the current state of what it names; the text says why.
    #[error("{0}")]
    Conflict(String),
    #[error(
        "daily challenge quota used up; it refills in {}",
        human_duration(retry_after)
    )]
    QuotaExceeded { retry_after: Duration },
    #[error("the challenge generator failed; no quota was spent, please try again")]
    GeneratorFailed(#[source] anyhow::Error),
    #[error("the challenge generator did not answer in time; no quota was spent, please try again")]
    GeneratorTimedOut,
    /// A feature the operator has not configured.
    #[error("{0}")]
    NotConfigured(&'static str),
    /// A dependency (the database) is down or refusing work for now: worth retrying shortly.
    #[error("the database is unavailable; please try again shortly")]
    Unavailable(#[source] anyhow::Error),
    /// A bug or an unexpected state.
    #[error("internal server error")]
    Internal(#[source] anyhow::Error),
}

/// `2 h 5 min`, `14 min`, `40 s`: a wait as a person reads it.
fn human_duration(wait: &Duration) -> String {
    let secs = wait.as_secs();
    match (secs / 3600, secs % 3600 / 60) {
        (0, 0) => format!("{secs} s"),
        (0, minutes) => format!("{minutes} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_hours_minutes_or_seconds() {
        let wait = |secs| human_duration(&Duration::from_secs(secs));
        assert_eq!(wait(40), "40 s");
        assert_eq!(wait(14 * 60 + 59), "14 min");
        assert_eq!(wait(2 * 3600), "2 h");
        assert_eq!(wait(86_396), "23 h 59 min");
    }

    #[test]
    fn internals_never_reach_the_message() {
        let error = Error::Internal(anyhow::anyhow!("SELECT secret FROM users"));
        assert_eq!(error.to_string(), "internal server error");
        let error = Error::Unavailable(anyhow::anyhow!("connection refused 10.0.0.7"));
        assert!(!error.to_string().contains("10.0.0.7"));
    }
}
