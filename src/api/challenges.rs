//! Challenge operations: generate, history, read one, answer, stats.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    types::Example,
};

use super::{
    AppState, Tag,
    documented::{ApiResult, flags::*},
    page_size::PageSize,
    rendered::RenderedJson,
    security::ClerkAuth,
    text::Text,
};
use crate::domain::{self, Answer, Challenge, HistoryFilter, Stats, Tally};

/// How hard a challenge is.
#[derive(Clone, Copy, Debug, Enum)]
#[oai(remote = "domain::Difficulty", rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

/// Whether a challenge has been answered, and how.
#[derive(Clone, Copy, Debug, Enum)]
#[oai(remote = "domain::Outcome", rename_all = "lowercase")]
pub enum Outcome {
    Unanswered,
    Correct,
    Wrong,
}

/// The language a challenge's code is written in.
#[derive(Clone, Copy, Debug, Enum)]
#[oai(remote = "domain::Language", rename_all = "lowercase")]
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

/// How the marked answer was established: `executed` (its program was run and printed it),
/// `reviewed` (a built-in question without a program, checked by review), `cross_checked` (a
/// second model, not shown the key, chose it), `unchecked` (nothing confirmed it).
#[derive(Clone, Copy, Debug, Enum)]
#[oai(remote = "domain::Verification", rename_all = "snake_case")]
pub enum Verification {
    Executed,
    Reviewed,
    CrossChecked,
    Unchecked,
}

/// What kind of challenge to generate.
#[derive(Debug, Object)]
#[oai(example)]
pub struct GenerateChallengeRequest {
    /// How hard the challenge should be.
    pub difficulty: Difficulty,
    /// Optional subject, such as a language (`python`) or a concept (`closures`, `sql joins`).
    /// Not blank, no control characters (newlines, tabs, NUL…); surrounding spaces are trimmed.
    #[oai(
        nullable,
        validator(
            min_length = 1,
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub topic: Option<Text>,
}

impl Example for GenerateChallengeRequest {
    fn example() -> Self {
        Self {
            difficulty: Difficulty::Medium,
            topic: Some(Text("python".into())),
        }
    }
}

/// A multiple-choice coding challenge.
#[derive(Debug, Object)]
#[oai(rename = "Challenge", example)]
pub struct ChallengeResponse {
    /// Unique id; use it to read or answer the challenge.
    pub id: i64,
    /// How hard the challenge is.
    pub difficulty: Difficulty,
    /// `question`, then a blank line and `code` when there is code (the single field older
    /// clients read).
    pub title: String,
    /// The question alone, without the code.
    pub question: String,
    /// The code the question is about, or null.
    #[oai(nullable)]
    pub code: Option<String>,
    /// The language `code` is written in (for a built-in question, the language its program
    /// runs in), or null.
    #[oai(nullable)]
    pub language: Option<Language>,
    /// How the marked answer was established.
    pub verification: Verification,
    /// Exactly four answer options, indexed 0 to 3.
    #[oai(validator(min_items = 4, max_items = 4))]
    pub options: Vec<String>,
    /// Index (0–3) of the correct option in `options`.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub correct_answer_id: u8,
    /// Why the correct option is correct.
    pub explanation: String,
    /// The topic requested when the challenge was generated, or null.
    #[oai(nullable)]
    pub topic: Option<String>,
    /// When the challenge was generated (RFC 3339, UTC).
    pub timestamp: DateTime<Utc>,
    /// The caller's recorded (first) answer, or null while the challenge is unanswered.
    #[oai(nullable)]
    pub answer: Option<RecordedAnswer>,
}

/// The first answer the caller gave to a challenge.
#[derive(Debug, Object)]
#[oai(example)]
pub struct RecordedAnswer {
    /// The option the caller chose, 0–3.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub selected_answer_id: u8,
    /// Whether it is the correct option.
    pub correct: bool,
    /// When it was recorded (RFC 3339, UTC).
    pub answered_at: DateTime<Utc>,
}

impl Example for RecordedAnswer {
    fn example() -> Self {
        Self {
            selected_answer_id: 0,
            correct: true,
            answered_at: super::example_time(),
        }
    }
}

impl From<Answer> for RecordedAnswer {
    fn from(a: Answer) -> Self {
        Self {
            selected_answer_id: a.selected_answer_id,
            correct: a.correct,
            answered_at: a.answered_at,
        }
    }
}

impl Example for ChallengeResponse {
    fn example() -> Self {
        Self {
            id: 42,
            difficulty: Difficulty::Easy,
            title: "What does this Python code print?\n\nprint([1, 2, 3, 4, 5][::2])".into(),
            question: "What does this Python code print?".into(),
            code: Some("print([1, 2, 3, 4, 5][::2])".into()),
            language: Some(Language::Python),
            verification: Verification::Executed,
            options: vec![
                "[1, 3, 5]".into(),
                "[2, 4]".into(),
                "[1, 2]".into(),
                "An IndexError".into(),
            ],
            correct_answer_id: 0,
            explanation: "A slice step of 2 takes every second element starting at index 0.".into(),
            topic: Some("python".into()),
            timestamp: super::example_time(),
            answer: Some(RecordedAnswer::example()),
        }
    }
}

impl From<Challenge> for ChallengeResponse {
    fn from(c: Challenge) -> Self {
        Self {
            id: c.id,
            difficulty: c.difficulty.into(),
            title: c.title,
            question: c.question,
            code: c.code,
            language: c.language.map(Into::into),
            verification: c.verification.into(),
            options: c.options,
            correct_answer_id: c.correct_answer_id,
            explanation: c.explanation,
            topic: c.topic,
            timestamp: c.created_at,
            answer: c.answer.map(Into::into),
        }
    }
}

/// One page of the caller's challenges, newest first.
#[derive(Debug, Object)]
#[oai(rename = "ChallengeHistory", example)]
pub struct HistoryResponse {
    /// At most `limit` challenges, newest first.
    pub challenges: Vec<ChallengeResponse>,
    /// Pass as `before` to get the next (older) page; null on the last page.
    #[oai(nullable)]
    pub next_before: Option<i64>,
}

/// The caller's answer.
#[derive(Debug, Object)]
#[oai(example)]
pub struct AnswerRequest {
    /// Index (0–3) of the chosen option.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub answer_id: u8,
}

impl Example for AnswerRequest {
    fn example() -> Self {
        Self { answer_id: 2 }
    }
}

/// The recorded answer to a challenge. Only the first answer counts; later ones return it unchanged.
#[derive(Debug, Object)]
#[oai(rename = "AnswerResult", example)]
pub struct AnswerResponse {
    /// Whether the recorded answer is correct.
    pub correct: bool,
    /// The recorded (first) answer, 0–3.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub selected_answer_id: u8,
    /// The correct option, 0–3.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub correct_answer_id: u8,
    /// Why the correct option is correct.
    pub explanation: String,
    /// When the first answer was recorded (RFC 3339, UTC).
    pub answered_at: DateTime<Utc>,
}

impl AnswerResponse {
    fn new(challenge: Challenge, answer: Answer) -> Self {
        Self {
            correct: answer.correct,
            selected_answer_id: answer.selected_answer_id,
            correct_answer_id: challenge.correct_answer_id,
            explanation: challenge.explanation,
            answered_at: answer.answered_at,
        }
    }
}

/// Counts for a set of challenges.
#[derive(Debug, Object)]
#[oai(example)]
pub struct DifficultyStats {
    /// Challenges generated.
    pub total_generated: u64,
    /// Challenges answered.
    pub total_answered: u64,
    /// Challenges answered correctly (first answer).
    pub total_correct: u64,
    /// `total_correct / total_answered` (0–1), null when nothing is answered yet.
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1")))]
    pub accuracy: Option<f64>,
}

impl From<Tally> for DifficultyStats {
    fn from(t: Tally) -> Self {
        Self {
            total_generated: t.generated,
            total_answered: t.answered,
            total_correct: t.correct,
            accuracy: t.accuracy(),
        }
    }
}

/// Per-difficulty breakdown.
#[derive(Debug, Object)]
#[oai(example)]
pub struct StatsByDifficulty {
    /// Counts over the caller's easy challenges.
    pub easy: DifficultyStats,
    /// Counts over the caller's medium challenges.
    pub medium: DifficultyStats,
    /// Counts over the caller's hard challenges.
    pub hard: DifficultyStats,
}

/// The caller's progress: totals over all their challenges, and per difficulty.
#[derive(Debug, Object)]
#[oai(rename = "Stats", example)]
pub struct StatsResponse {
    #[oai(flatten)]
    pub totals: DifficultyStats,
    /// The same counts per difficulty.
    pub by_difficulty: StatsByDifficulty,
}

impl Example for HistoryResponse {
    fn example() -> Self {
        Self {
            challenges: vec![ChallengeResponse::example()],
            next_before: Some(42),
        }
    }
}

impl Example for AnswerResponse {
    fn example() -> Self {
        let challenge = ChallengeResponse::example();
        Self {
            correct: true,
            selected_answer_id: 0,
            correct_answer_id: challenge.correct_answer_id,
            explanation: challenge.explanation,
            answered_at: challenge.timestamp,
        }
    }
}

impl Example for DifficultyStats {
    fn example() -> Self {
        Tally {
            generated: 12,
            answered: 10,
            correct: 7,
        }
        .into()
    }
}

impl Example for StatsByDifficulty {
    fn example() -> Self {
        Self {
            easy: Tally {
                generated: 6,
                answered: 6,
                correct: 5,
            }
            .into(),
            medium: Tally {
                generated: 4,
                answered: 3,
                correct: 2,
            }
            .into(),
            hard: Tally {
                generated: 2,
                answered: 1,
                correct: 0,
            }
            .into(),
        }
    }
}

impl Example for StatsResponse {
    fn example() -> Self {
        Self {
            totals: DifficultyStats::example(),
            by_difficulty: StatsByDifficulty::example(),
        }
    }
}

impl From<Stats> for StatsResponse {
    fn from(stats: Stats) -> Self {
        Self {
            totals: stats.total().into(),
            by_difficulty: StatsByDifficulty {
                easy: stats.easy.into(),
                medium: stats.medium.into(),
                hard: stats.hard.into(),
            },
        }
    }
}

#[derive(Default)]
pub struct ChallengesApi;

#[OpenApi(tag = "Tag::Challenges")]
impl ChallengesApi {
    /// Generate a challenge
    ///
    /// Generates a new multiple-choice challenge and stores it in the caller's history. Spends one
    /// unit of the daily quota; when the generator fails or times out, nothing is stored and no
    /// quota is spent.
    #[oai(
        path = "/api/generate-challenge",
        method = "post",
        operation_id = "generateChallenge"
    )]
    async fn generate_challenge(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
        body: Json<GenerateChallengeRequest>,
    ) -> ApiResult<Json<ChallengeResponse>, { BAD_REQUEST | BODY | UNAUTHORIZED | QUOTA | GENERATOR }>
    {
        let request = body.0;
        let challenge = state
            .challenges
            .generate(
                &auth.0.id,
                auth.0.plan.as_deref(),
                request.difficulty.into(),
                request.topic.map(|t| t.0),
            )
            .await?;
        Ok(Json(challenge.into()))
    }

    /// List my challenges
    ///
    /// The caller's own challenges with their recorded answers, newest first, `limit` at a time,
    /// optionally only one difficulty or outcome (`outcome=wrong` lists the caller's mistakes).
    /// To page, pass the previous page's `next_before` as `before`.
    #[oai(
        path = "/api/my-history",
        method = "get",
        operation_id = "getMyHistory"
    )]
    async fn my_history(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
        /// Page size.
        limit: Query<PageSize>,
        /// Only challenges with an id lower than this (the previous page's `next_before`).
        #[oai(validator(minimum(value = "1")))]
        before: Query<Option<i64>>,
        /// Only challenges of this difficulty.
        difficulty: Query<Option<Difficulty>>,
        /// Only unanswered challenges, or only those answered correctly or wrongly.
        outcome: Query<Option<Outcome>>,
    ) -> ApiResult<RenderedJson<HistoryResponse>, { BAD_REQUEST | UNAUTHORIZED }> {
        let filter = HistoryFilter {
            before: before.0,
            difficulty: difficulty.0.map(Into::into),
            outcome: outcome.0.map(Into::into),
        };
        let body = state
            .challenges
            .history_rendered(&auth.0.id, filter, limit.0.0, |page| {
                RenderedJson::render(&HistoryResponse {
                    challenges: page.challenges.into_iter().map(Into::into).collect(),
                    next_before: page.next_before,
                })
                .into_body()
            })
            .await?;
        Ok(RenderedJson::from_body(body))
    }

    /// Get one of my challenges
    ///
    /// One challenge from the caller's history, with its options, correct answer, explanation and
    /// the caller's recorded answer. Another user's challenge is 404, exactly like one that does
    /// not exist.
    #[oai(
        path = "/api/challenges/:id",
        method = "get",
        operation_id = "getChallenge"
    )]
    async fn get_challenge(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
        /// The challenge id.
        id: Path<i64>,
    ) -> ApiResult<Json<ChallengeResponse>, { BAD_REQUEST | UNAUTHORIZED | NOT_FOUND }> {
        Ok(Json(state.challenges.get(&auth.0.id, id.0).await?.into()))
    }

    /// Answer one of my challenges
    ///
    /// Records the caller's first answer and reveals the correct one. Answering again returns
    /// the recorded first answer unchanged.
    #[oai(
        path = "/api/challenges/:id/answer",
        method = "post",
        operation_id = "answerChallenge"
    )]
    async fn answer_challenge(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
        /// The challenge id.
        id: Path<i64>,
        body: Json<AnswerRequest>,
    ) -> ApiResult<Json<AnswerResponse>, { BAD_REQUEST | BODY | UNAUTHORIZED | NOT_FOUND }> {
        let (challenge, answer) = state
            .challenges
            .answer(&auth.0.id, id.0, body.0.answer_id)
            .await?;
        Ok(Json(AnswerResponse::new(challenge, answer)))
    }

    /// Get my stats
    ///
    /// Totals and accuracy over all of the caller's challenges, and per difficulty.
    #[oai(path = "/api/stats", method = "get", operation_id = "getStats")]
    async fn stats(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
    ) -> ApiResult<Json<StatsResponse>, { UNAUTHORIZED }> {
        Ok(Json(state.challenges.stats(&auth.0.id).await?.into()))
    }
}
