//! Spaced review of mistakes: a challenge whose first answer was wrong comes back on an FSRS
//! schedule (a right review rated "good", a wrong one "again") until it is answered right
//! [`REVIEWS_TO_RETIRE`] times in a row.

use chrono::{DateTime, SecondsFormat, Utc};
use rs_fsrs::{Card, FSRS, Rating, State};

use super::caches::{Committed, UserCaches};
use crate::{
    domain::{
        Challenge, Clock, Error, MAX_PAGE_SIZE, REVIEWS_TO_RETIRE, ReviewOutcome, ReviewQueue,
    },
    store::{self, Db, entity::review_items},
};

#[derive(Clone)]
pub struct ReviewService {
    db: Db,
    clock: Clock,
    caches: UserCaches,
    scheduler: FSRS,
}

impl ReviewService {
    pub fn new(db: Db, clock: Clock, caches: UserCaches) -> Self {
        Self {
            db,
            clock,
            caches,
            scheduler: FSRS::default(),
        }
    }

    /// The caller's due items, the longest due first, and how many are due in all.
    pub async fn queue(&self, user_id: &str, limit: u64) -> Result<ReviewQueue, Error> {
        let now = self.clock.now();
        let reader = &self.db.reader;
        let items =
            store::reviews::due(reader, user_id, now, limit.clamp(1, MAX_PAGE_SIZE)).await?;
        let open = store::tallies::of_user(reader, user_id).await?.reviewing;
        let later = store::reviews::scheduled_after(reader, user_id, now).await?;
        Ok(ReviewQueue {
            items,
            due_count: open.saturating_sub(later),
        })
    }

    /// Records a review of a due item and schedules the next one. Of concurrent reviews of one
    /// item, one is accepted and the others are refused: each due time takes one review.
    pub async fn review(
        &self,
        user_id: &str,
        id: i64,
        selected: u8,
    ) -> Result<(Challenge, ReviewOutcome), Error> {
        let now = self.clock.now();
        let challenge = store::challenges::find_owned(&self.db.reader, user_id, id)
            .await?
            .ok_or_else(|| Error::NotFound("no challenge with this id belongs to you".into()))?;
        let current = store::reviews::find(&self.db.reader, id)
            .await?
            .ok_or_else(|| {
                Error::Conflict(
                    "this challenge is not a review item: only a challenge whose first answer \
                     was wrong comes back for review"
                        .into(),
                )
            })?;
        let due = due_time(&current)?;
        if due > now {
            return Err(Error::Conflict(format!(
                "this review item is not due until {}",
                due.to_rfc3339_opts(SecondsFormat::Secs, true)
            )));
        }
        let correct = selected == challenge.correct_answer_id;
        let next = self.next(&current, due, now, correct);
        let next_due = next.due_at;
        if !store::reviews::record(&self.db.writer, &current, next).await? {
            return Err(Error::Conflict(
                "another review of this item was just recorded for this due time".into(),
            ));
        }
        self.caches.after_commit(user_id, Committed::History);
        let outcome = ReviewOutcome {
            selected_answer_id: selected,
            correct,
            reviewed_at: now,
            next_due,
        };
        Ok((challenge, outcome))
    }

    /// The item after a review at `now`: FSRS's next card, or retired after enough correct
    /// reviews in a row.
    fn next(
        &self,
        current: &review_items::Model,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
        correct: bool,
    ) -> review_items::Model {
        let rating = if correct { Rating::Good } else { Rating::Again };
        let card = self.scheduler.next(card(current, due), now, rating).card;
        let streak = if correct {
            current.correct_streak + 1
        } else {
            0
        };
        let retired = u32::try_from(streak).unwrap_or(0) >= REVIEWS_TO_RETIRE;
        review_items::Model {
            challenge_id: current.challenge_id,
            user_id: current.user_id.clone(),
            due_at: (!retired).then_some(card.due),
            reviews: current.reviews + 1,
            correct_streak: streak,
            last_correct: Some(correct),
            last_reviewed_at: Some(now),
            stability: card.stability,
            fsrs_difficulty: card.difficulty,
            elapsed_days: card.elapsed_days,
            scheduled_days: card.scheduled_days,
            reps: card.reps,
            lapses: card.lapses,
            state: card.state as i16,
        }
    }
}

/// When an item is due; a retired one is refused.
fn due_time(item: &review_items::Model) -> Result<DateTime<Utc>, Error> {
    item.due_at.ok_or_else(|| {
        Error::Conflict(format!(
            "this review item is retired: it was answered right {REVIEWS_TO_RETIRE} times in a row"
        ))
    })
}

/// The stored item as the FSRS card it holds.
fn card(item: &review_items::Model, due: DateTime<Utc>) -> Card {
    Card {
        due,
        stability: item.stability,
        difficulty: item.fsrs_difficulty,
        elapsed_days: item.elapsed_days,
        scheduled_days: item.scheduled_days,
        reps: item.reps,
        lapses: item.lapses,
        state: match item.state {
            1 => State::Learning,
            2 => State::Review,
            3 => State::Relearning,
            _ => State::New,
        },
        // Unused by FSRS while the card is new.
        last_review: item.last_reviewed_at.unwrap_or(due),
    }
}
