//! The application's clock: "now" for the rules that depend on the day or on a due time (reviews,
//! first answers, progress). The system clock in production; tests move it forward to play
//! days of learning in seconds.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, TimeDelta, Utc};

/// Cheap to clone: every clone reads and moves the same offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Microseconds added to the system time; zero unless a test moved it.
    offset_micros: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current time at the precision the databases store (see [`super::now`]).
    pub fn now(&self) -> DateTime<Utc> {
        super::now() + TimeDelta::microseconds(self.offset_micros.load(Ordering::Relaxed))
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: TimeDelta) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// How far this clock is ahead of the system clock.
    pub fn offset(&self) -> TimeDelta {
        TimeDelta::microseconds(self.offset_micros.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advance_moves_every_clone() {
        let clock = Clock::system();
        let clone = clock.clone();
        let before = clone.now();
        clock.advance(TimeDelta::days(3));
        assert_eq!(clone.offset(), TimeDelta::days(3));
        assert!(clone.now() - before >= TimeDelta::days(3));
    }
}
