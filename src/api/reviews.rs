//! Spaced review of mistakes: the due items, and recording a review.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    types::Example,
};

use super::{
    AppState, Tag,
    challenges::{
        AnswerRequest, ChallengeResponse, Difficulty, Language, RecordedAnswer,
        ReviewStateResponse, Verification,
    },
    documented::{ApiResult, flags::*},
    page_size::PageSize,
    security::ClerkAuth,
};
use crate::domain::{Challenge, DEFAULT_REVIEW_PAGE_SIZE, ReviewOutcome, ReviewQueue};

/// A challenge due for review, shown as a fresh attempt: without its correct answer and
/// explanation, which the review's result reveals.
#[derive(Debug, Object)]
#[oai(rename = "ReviewItem", example)]
pub struct ReviewItemResponse {
    /// The challenge id; review it with `POST /api/challenges/{id}/review`.
    pub id: i64,
    /// How hard the challenge is.
    pub difficulty: Difficulty,
    /// `question`, then a blank line and `code` when there is code.
    pub title: String,
    /// The question alone, without the code.
    pub question: String,
    /// The code the question is about, or null.
    #[oai(nullable)]
    pub code: Option<String>,
    /// The language `code` is written in, or null.
    #[oai(nullable)]
    pub language: Option<Language>,
    /// How the marked answer was established.
    pub verification: Verification,
    /// Exactly four answer options, indexed 0 to 3.
    #[oai(validator(min_items = 4, max_items = 4))]
    pub options: Vec<String>,
    /// The topic requested when the challenge was generated, or null.
    #[oai(nullable)]
    pub topic: Option<String>,
    /// When the challenge was generated (RFC 3339, UTC).
    pub timestamp: DateTime<Utc>,
    /// The caller's first answer (a wrong one: that is what made it a review item).
    #[oai(nullable)]
    pub answer: Option<RecordedAnswer>,
    /// Where its review stands.
    pub reviews: ReviewStateResponse,
}

impl Example for ReviewItemResponse {
    fn example() -> Self {
        let challenge = ChallengeResponse::example();
        Self {
            id: challenge.id,
            difficulty: challenge.difficulty,
            title: challenge.title,
            question: challenge.question,
            code: challenge.code,
            language: challenge.language,
            verification: challenge.verification,
            options: challenge.options,
            topic: challenge.topic,
            timestamp: challenge.timestamp,
            answer: Some(RecordedAnswer {
                selected_answer_id: 1,
                correct: false,
                answered_at: challenge.timestamp,
            }),
            reviews: ReviewStateResponse::example(),
        }
    }
}

impl ReviewItemResponse {
    /// `None` for a challenge that is not a review item (never listed as due).
    fn new(c: Challenge) -> Option<Self> {
        Some(Self {
            reviews: c.reviews?.into(),
            id: c.id,
            difficulty: c.difficulty.into(),
            title: c.title,
            question: c.question,
            code: c.code,
            language: c.language.map(Into::into),
            verification: c.verification.into(),
            options: c.options,
            topic: c.topic,
            timestamp: c.created_at,
            answer: c.answer.map(Into::into),
        })
    }
}

/// The caller's review items due now.
#[derive(Debug, Object)]
#[oai(rename = "ReviewQueue", example)]
pub struct ReviewQueueResponse {
    /// At most `limit` due items, the longest due first.
    pub items: Vec<ReviewItemResponse>,
    /// How many items are due in all.
    pub due_count: u64,
}

impl Example for ReviewQueueResponse {
    fn example() -> Self {
        Self {
            items: vec![ReviewItemResponse::example()],
            due_count: 3,
        }
    }
}

impl From<ReviewQueue> for ReviewQueueResponse {
    fn from(queue: ReviewQueue) -> Self {
        Self {
            items: queue
                .items
                .into_iter()
                .filter_map(ReviewItemResponse::new)
                .collect(),
            due_count: queue.due_count,
        }
    }
}

/// A recorded review, with the correct answer and when the item comes back.
#[derive(Debug, Object)]
#[oai(rename = "ReviewResult", example)]
pub struct ReviewResultResponse {
    /// Whether this review's answer is correct.
    pub correct: bool,
    /// The option chosen in this review, 0–3.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub selected_answer_id: u8,
    /// The correct option, 0–3.
    #[oai(validator(minimum(value = "0"), maximum(value = "3")))]
    pub correct_answer_id: u8,
    /// Why the correct option is correct.
    pub explanation: String,
    /// When the review was recorded (RFC 3339, UTC).
    pub reviewed_at: DateTime<Utc>,
    /// When the item is due again (RFC 3339, UTC); null when this review retired it.
    #[oai(nullable)]
    pub next_due_at: Option<DateTime<Utc>>,
    /// Whether this review retired the item: answered right three reviews in a row.
    pub retired: bool,
}

impl ReviewResultResponse {
    fn new(challenge: Challenge, review: ReviewOutcome) -> Self {
        Self {
            correct: review.correct,
            selected_answer_id: review.selected_answer_id,
            correct_answer_id: challenge.correct_answer_id,
            explanation: challenge.explanation,
            reviewed_at: review.reviewed_at,
            next_due_at: review.next_due,
            retired: review.next_due.is_none(),
        }
    }
}

impl Example for ReviewResultResponse {
    fn example() -> Self {
        let challenge = ChallengeResponse::example();
        Self {
            correct: true,
            selected_answer_id: 0,
            correct_answer_id: challenge.correct_answer_id,
            explanation: challenge.explanation,
            reviewed_at: super::example_time(),
            next_due_at: Some(super::example_time() + chrono::TimeDelta::minutes(10)),
            retired: false,
        }
    }
}

#[derive(Default)]
pub struct ReviewsApi;

#[OpenApi(tag = "Tag::Challenges")]
impl ReviewsApi {
    /// List my due reviews
    ///
    /// The caller's review items due now, the longest due first, `limit` at a time, and how
    /// many are due in all. A challenge whose first answer was wrong is a review item, due at
    /// once; each review schedules the next (FSRS), until three right in a row retire it.
    #[oai(path = "/api/review", method = "get", operation_id = "listReviews")]
    async fn list_reviews(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
        /// Page size.
        limit: Query<PageSize<DEFAULT_REVIEW_PAGE_SIZE>>,
    ) -> ApiResult<Json<ReviewQueueResponse>, { BAD_REQUEST | UNAUTHORIZED }> {
        let queue = state.reviews.queue(&auth.0.id, limit.0.0).await?;
        Ok(Json(queue.into()))
    }

    /// Review one of my mistakes
    ///
    /// Records a review of a due item and reveals the correct answer: a right one is rated
    /// "good", a wrong one "again", and the item is scheduled again, or retired after three
    /// right in a row. `409` when the challenge is not a review item, is retired, is not due
    /// yet, or another review of it was just recorded for this due time. First answers and
    /// stats never change.
    #[oai(
        path = "/api/challenges/:id/review",
        method = "post",
        operation_id = "reviewChallenge"
    )]
    async fn review_challenge(
        &self,
        state: Data<&AppState>,
        auth: ClerkAuth,
        /// The challenge id.
        id: Path<i64>,
        body: Json<AnswerRequest>,
    ) -> ApiResult<
        Json<ReviewResultResponse>,
        { BAD_REQUEST | BODY | UNAUTHORIZED | NOT_FOUND | CONFLICT },
    > {
        let (challenge, review) = state
            .reviews
            .review(&auth.0.id, id.0, body.0.answer_id)
            .await?;
        Ok(Json(ReviewResultResponse::new(challenge, review)))
    }
}
