//! Challenge generation: one trait, a built-in offline bank and an OpenAI-compatible client.

mod builtin;
mod openai;

pub use builtin::BuiltinGenerator;
pub use openai::OpenAiGenerator;

use crate::domain::{Difficulty, Error, GeneratedChallenge};

/// How many of the user's latest titles a generator is shown, to steer away from repeats.
pub const RECENT_TITLES: u64 = 20;

/// What the user asked for, and what they have seen, so a generator can avoid repeats.
#[derive(Clone, Debug)]
pub struct GenerationRequest {
    pub difficulty: Difficulty,
    pub topic: Option<String>,
    /// Titles of the user's latest challenges at this difficulty, newest first.
    pub recent_titles: Vec<String>,
    /// Built-in bank keys the user has been given at this difficulty, newest first.
    pub seen_bank_keys: Vec<String>,
}

#[async_trait::async_trait]
pub trait ChallengeGenerator: Send + Sync {
    /// `builtin` or `openai`, as configured (a metrics label).
    fn name(&self) -> &'static str;

    /// A valid challenge, or `Error::GeneratorTimedOut` / `Error::GeneratorFailed`.
    async fn generate(&self, request: &GenerationRequest) -> Result<GeneratedChallenge, Error>;
}
