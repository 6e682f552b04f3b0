//! The values the service works with, and its error, independent of storage and of the HTTP API.

mod error;
mod generated;
mod similarity;

pub use error::Error;
pub use generated::{ChallengeDraft, GeneratedChallenge, Rejection};
pub use similarity::nearly_equal;

use chrono::{DateTime, SubsecRound, Utc};

/// The most challenges one history page holds, and how many when the caller does not say.
pub const MAX_PAGE_SIZE: u64 = 100;
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// The longest user id accepted (Clerk's are about 32 characters); longer ones cannot be indexed.
pub const MAX_USER_ID_CHARS: usize = 255;

/// Whether every supported database stores `text` as it is: PostgreSQL refuses U+0000 in text
/// where SQLite keeps it, and the two must behave the same.
pub fn storable(text: &str) -> bool {
    !text.contains('\0')
}

/// Whether `id` can be a stored user id: not blank, storable, at most [`MAX_USER_ID_CHARS`].
pub fn valid_user_id(id: &str) -> bool {
    !id.trim().is_empty() && storable(id) && id.chars().count() <= MAX_USER_ID_CHARS
}

/// The current time at the precision every supported database stores (microseconds), so a
/// value reads back exactly as it was written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// How hard a challenge is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == value)
    }
}

/// The language a challenge's code is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    Javascript,
    Typescript,
    Rust,
    Go,
    Java,
    C,
    Cpp,
    Ruby,
    Php,
    Sql,
    Bash,
}

impl Language {
    pub const ALL: [Language; 12] = [
        Language::Python,
        Language::Javascript,
        Language::Typescript,
        Language::Rust,
        Language::Go,
        Language::Java,
        Language::C,
        Language::Cpp,
        Language::Ruby,
        Language::Php,
        Language::Sql,
        Language::Bash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Javascript => "javascript",
            Language::Typescript => "typescript",
            Language::Rust => "rust",
            Language::Go => "go",
            Language::Java => "java",
            Language::C => "c",
            Language::Cpp => "cpp",
            Language::Ruby => "ruby",
            Language::Php => "php",
            Language::Sql => "sql",
            Language::Bash => "bash",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == value)
    }
}

/// How a challenge's marked answer was established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verification {
    /// Its program was run and printed the marked option.
    Executed,
    /// A bank question without a program, checked by review.
    Reviewed,
    /// A second model, not shown the key, chose the marked option.
    CrossChecked,
    /// Nothing confirmed it.
    Unchecked,
}

impl Verification {
    pub const ALL: [Verification; 4] = [
        Verification::Executed,
        Verification::Reviewed,
        Verification::CrossChecked,
        Verification::Unchecked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verification::Executed => "executed",
            Verification::Reviewed => "reviewed",
            Verification::CrossChecked => "cross_checked",
            Verification::Unchecked => "unchecked",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == value)
    }
}

/// A stored challenge.
#[derive(Clone, Debug)]
pub struct Challenge {
    pub id: i64,
    pub difficulty: Difficulty,
    pub topic: Option<String>,
    /// The question, then a blank line and the code when there is code.
    pub title: String,
    /// The question alone.
    pub question: String,
    pub code: Option<String>,
    pub language: Option<Language>,
    pub verification: Verification,
    pub options: Vec<String>,
    pub correct_answer_id: u8,
    pub explanation: String,
    pub created_at: DateTime<Utc>,
    /// The first answer, once there is one.
    pub answer: Option<Answer>,
}

/// The first answer a user gave to one of their challenges.
#[derive(Clone, Debug)]
pub struct Answer {
    pub selected_answer_id: u8,
    pub correct: bool,
    pub answered_at: DateTime<Utc>,
}

/// Whether a challenge has been answered, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Unanswered,
    Correct,
    Wrong,
}

impl Outcome {
    pub fn of(answer: Option<&Answer>) -> Self {
        match answer {
            None => Outcome::Unanswered,
            Some(answer) if answer.correct => Outcome::Correct,
            Some(_) => Outcome::Wrong,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unanswered => "unanswered",
            Outcome::Correct => "correct",
            Outcome::Wrong => "wrong",
        }
    }
}

/// The built-in bank keys a user has been given at a difficulty, newest first; cheap to clone.
pub type SeenKeys = std::sync::Arc<[std::sync::Arc<str>]>;

/// Which of a user's challenges a history page lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HistoryFilter {
    /// Only ids lower than this (the previous page's cursor).
    pub before: Option<i64>,
    pub difficulty: Option<Difficulty>,
    pub outcome: Option<Outcome>,
}

/// A user's quota as of now.
#[derive(Clone, Debug)]
pub struct Quota {
    pub user_id: String,
    pub remaining: u32,
    pub daily_limit: u32,
    /// The Clerk Billing plan whose limit applies, if any.
    pub plan: Option<String>,
    pub last_reset: DateTime<Utc>,
    pub next_reset: DateTime<Utc>,
}

/// Counts of generated, answered and correctly answered challenges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub generated: u64,
    pub answered: u64,
    pub correct: u64,
}

impl std::ops::Add for Tally {
    type Output = Tally;

    fn add(self, other: Tally) -> Tally {
        Tally {
            generated: self.generated + other.generated,
            answered: self.answered + other.answered,
            correct: self.correct + other.correct,
        }
    }
}

impl Tally {
    /// Share of answered challenges answered correctly; `None` before any answer.
    pub fn accuracy(self) -> Option<f64> {
        (self.answered > 0).then(|| self.correct as f64 / self.answered as f64)
    }
}

/// A user's progress: a tally per difficulty, and their sum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub easy: Tally,
    pub medium: Tally,
    pub hard: Tally,
}

impl Stats {
    pub fn tally_mut(&mut self, difficulty: Difficulty) -> &mut Tally {
        match difficulty {
            Difficulty::Easy => &mut self.easy,
            Difficulty::Medium => &mut self.medium,
            Difficulty::Hard => &mut self.hard,
        }
    }

    pub fn total(&self) -> Tally {
        self.easy + self.medium + self.hard
    }
}

/// A user's profile as Clerk describes it (token claims or webhook payload).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub id: String,
    pub email: Option<String>,
    pub username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// The Svix headers of a webhook delivery, as received: they authenticate its body.
#[derive(Clone, Debug, Default)]
pub struct WebhookDelivery {
    /// `svix-id`: unique per message, repeated by redeliveries.
    pub id: Option<String>,
    /// `svix-timestamp`: Unix seconds when the delivery was signed.
    pub timestamp: Option<String>,
    /// `svix-signature`: space-separated `v1,<base64>` signatures.
    pub signatures: Option<String>,
}
