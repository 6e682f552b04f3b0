//! Challenge generation: one trait, a built-in offline bank and an OpenAI-compatible client.

mod builtin;
mod llm;
mod openai;
mod runner;

pub use builtin::BuiltinGenerator;
pub use openai::OpenAiGenerator;

use crate::domain::{Difficulty, Error, GeneratedChallenge, SeenKeys};

/// How many of the user's latest titles a generator is shown, to steer away from repeats.
pub const RECENT_TITLES: u64 = 20;

/// What the user asked for, and what they have seen, so a generator can avoid repeats.
#[derive(Clone, Debug)]
pub struct GenerationRequest {
    pub difficulty: Difficulty,
    pub topic: Option<String>,
    pub seen: Seen,
}

/// What a generator is shown of the user's history.
#[derive(Clone, Debug)]
pub enum Seen {
    /// Titles of the user's latest challenges at this difficulty, newest first.
    RecentTitles(Vec<String>),
    /// Built-in bank keys the user has been given at this difficulty, newest first (shared:
    /// the service keeps the list between generations).
    BankKeys(SeenKeys),
}

/// Which of [`Seen`] a generator reads, so the service fetches only that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum History {
    RecentTitles,
    BankKeys,
}

#[async_trait::async_trait]
pub trait ChallengeGenerator: Send + Sync {
    /// `builtin` or `openai`, as configured (a metrics label).
    fn name(&self) -> &'static str;

    /// What of the user's history the generator reads.
    fn history(&self) -> History;

    /// Whether `generate` waits on another server. Then the quota unit is reserved in a
    /// transaction of its own first, so a process killed while waiting leaves a reservation the
    /// sweep refunds; otherwise the unit and the stored challenge share one transaction.
    fn waits_on_upstream(&self) -> bool;

    /// A valid challenge, or `Error::GeneratorTimedOut` / `Error::GeneratorFailed`.
    async fn generate(&self, request: &GenerationRequest) -> Result<GeneratedChallenge, Error>;
}
