//! Generating, reading and answering challenges, and the progress they add up to.

use std::{sync::Arc, time::Instant};

use bytes::Bytes;
use sea_orm::TransactionTrait;
use tracing::Instrument;

use super::{
    caches::{Committed, UserCaches},
    quotas::{QuotaService, Reservation},
};
use crate::{
    domain::{
        Answer, Challenge, Difficulty, Error, GeneratedChallenge, HistoryFilter, MAX_PAGE_SIZE,
        Stats, now,
    },
    generator::{ChallengeGenerator, GenerationRequest, History, RECENT_TITLES, Seen},
    store::{self, Db, challenges::NewChallenge},
    telemetry::metrics,
};

#[derive(Clone)]
pub struct ChallengeService {
    db: Db,
    quotas: QuotaService,
    generator: Arc<dyn ChallengeGenerator>,
    /// Serves when `generator` fails after its attempts (`OPENAI_FALLBACK=builtin`).
    fallback: Option<Arc<dyn ChallengeGenerator>>,
    caches: UserCaches,
}

/// One page of history and the cursor for the next, if any.
pub struct HistoryPage {
    pub challenges: Vec<Challenge>,
    pub next_before: Option<i64>,
}

impl ChallengeService {
    pub fn new(
        db: Db,
        quotas: QuotaService,
        generator: Arc<dyn ChallengeGenerator>,
        fallback: Option<Arc<dyn ChallengeGenerator>>,
        caches: UserCaches,
    ) -> Self {
        Self {
            db,
            quotas,
            generator,
            fallback,
            caches,
        }
    }

    /// Spends a quota unit on a new challenge and stores it; on any failure nothing is stored
    /// and nothing is spent.
    pub async fn generate(
        &self,
        user_id: &str,
        plan: Option<&str>,
        difficulty: Difficulty,
        topic: Option<String>,
    ) -> Result<Challenge, Error> {
        // The API's schema already refuses a blank topic.
        let topic = topic.map(|t| t.trim().to_owned());
        // Created here, the span is a child of the request's, and goes with a spawned task.
        let span = tracing::info_span!(
            "generate challenge",
            generator = self.generator.name(),
            difficulty = difficulty.as_str()
        );
        if !self.generator.waits_on_upstream() {
            return self
                .generate_at_once(user_id, plan, difficulty, topic)
                .instrument(span)
                .await;
        }
        let reservation = self.quotas.reserve(user_id, plan).await?;
        // Run to completion even if the client hangs up, so the unit is settled either way
        // (the challenge then waits in the user's history).
        let service = self.clone();
        let task = tokio::spawn(
            async move {
                let result = service
                    .generate_reserved(&reservation, difficulty, topic)
                    .await;
                if result.is_err()
                    && let Err(error) = service.quotas.refund(&reservation).await
                {
                    tracing::error!(error = %error, reservation = reservation.id, "refund failed; the sweeper will retry");
                }
                result
            }
            .instrument(span),
        );
        task.await.map_err(|e| Error::Internal(e.into()))?
    }

    /// A generator that waits on nothing: the unit is taken and the challenge stored in one
    /// transaction, so a failure anywhere rolls back both.
    async fn generate_at_once(
        &self,
        user_id: &str,
        plan: Option<&str>,
        difficulty: Difficulty,
        topic: Option<String>,
    ) -> Result<Challenge, Error> {
        let request = self
            .request(&*self.generator, user_id, difficulty, topic)
            .await?;
        let txn = self.db.writer.begin().await?;
        self.quotas.take(&txn, user_id, plan).await?;
        let generated = self
            .call_generator(&*self.generator, &request, "success")
            .await?;
        let challenge = self.store(&txn, user_id, &request, &generated).await?;
        txn.commit().await?;
        self.committed(user_id, &request, &generated);
        Ok(challenge)
    }

    /// A generator that waits on an upstream, for a unit already reserved.
    async fn generate_reserved(
        &self,
        reservation: &Reservation,
        difficulty: Difficulty,
        topic: Option<String>,
    ) -> Result<Challenge, Error> {
        let user_id = reservation.user_id.as_str();
        let request = self
            .request(&*self.generator, user_id, difficulty, topic.clone())
            .await?;
        let (request, generated) = match self
            .call_generator(&*self.generator, &request, "success")
            .await
        {
            Err(error @ (Error::GeneratorFailed(_) | Error::GeneratorTimedOut)) => {
                let Some(fallback) = &self.fallback else {
                    return Err(error);
                };
                tracing::warn!(error = %error, "the LLM path failed; serving a bank question instead");
                let request = self
                    .request(&**fallback, user_id, difficulty, topic)
                    .await?;
                let generated = self
                    .call_generator(&**fallback, &request, "fallback")
                    .await?;
                (request, generated)
            }
            result => (request, result?),
        };
        let txn = self.db.writer.begin().await?;
        self.quotas.settle(&txn, reservation).await?;
        let challenge = self.store(&txn, user_id, &request, &generated).await?;
        txn.commit().await?;
        self.committed(user_id, &request, &generated);
        Ok(challenge)
    }

    /// Once a new challenge commits, this process's caches catch up.
    fn committed(
        &self,
        user_id: &str,
        request: &GenerationRequest,
        generated: &GeneratedChallenge,
    ) {
        let given = match (&generated.bank_key, &request.seen) {
            (Some(given), Seen::BankKeys(before)) => Some((given.as_str(), before)),
            _ => None,
        };
        self.caches.after_commit(
            user_id,
            Committed::Challenge {
                difficulty: request.difficulty,
                given,
            },
        );
    }

    /// What `generator` is told: the request, and the part of the history it reads.
    async fn request(
        &self,
        generator: &dyn ChallengeGenerator,
        user_id: &str,
        difficulty: Difficulty,
        topic: Option<String>,
    ) -> Result<GenerationRequest, Error> {
        let reader = &self.db.reader;
        let seen = match generator.history() {
            History::RecentTitles => Seen::RecentTitles(
                store::challenges::recent_titles(reader, user_id, difficulty, RECENT_TITLES)
                    .await?,
            ),
            // Remembered, a generation reads nothing before its transaction; another process's
            // generations show once the entry expires (at worst, a repeat a little early).
            History::BankKeys => {
                let keys = match self.caches.seen(user_id, difficulty) {
                    Some(keys) => keys,
                    None => {
                        let keys =
                            store::challenges::seen_bank_keys(reader, user_id, difficulty).await?;
                        self.caches.keep_seen(user_id, difficulty, keys.clone());
                        keys
                    }
                };
                Seen::BankKeys(keys)
            }
        };
        Ok(GenerationRequest {
            difficulty,
            topic,
            seen,
        })
    }

    /// Calls `generator`, counting the call under `success_outcome` when it succeeds.
    async fn call_generator(
        &self,
        generator: &dyn ChallengeGenerator,
        request: &GenerationRequest,
        success_outcome: &'static str,
    ) -> Result<GeneratedChallenge, Error> {
        let started = Instant::now();
        let generated = generator
            .generate(request)
            .instrument(tracing::info_span!("generator", otel.kind = "client"))
            .await
            // Whatever order the generator chose, each position holds the answer equally often.
            .map(|generated| generated.shuffled(&mut rand::thread_rng()));
        let outcome = match &generated {
            Ok(_) => success_outcome,
            Err(Error::GeneratorTimedOut) => "timed_out",
            Err(_) => "failed",
        };
        metrics::generation(generator.name(), outcome, started.elapsed());
        generated
    }

    async fn store<C: sea_orm::ConnectionTrait>(
        &self,
        txn: &C,
        user_id: &str,
        request: &GenerationRequest,
        generated: &GeneratedChallenge,
    ) -> Result<Challenge, Error> {
        Ok(store::challenges::insert(
            txn,
            NewChallenge {
                user_id,
                difficulty: request.difficulty,
                topic: request.topic.as_deref(),
                generated,
                created_at: now(),
            },
        )
        .await?)
    }

    pub async fn get(&self, user_id: &str, id: i64) -> Result<Challenge, Error> {
        store::challenges::find_owned(&self.db.reader, user_id, id)
            .await?
            .ok_or_else(|| Error::NotFound("no challenge with this id belongs to you".into()))
    }

    /// One page of history, rendered by `render` and kept for a moment: served again as the
    /// same bytes until the user's history changes or the entry expires.
    pub async fn history_rendered(
        &self,
        user_id: &str,
        filter: HistoryFilter,
        limit: u64,
        render: impl FnOnce(HistoryPage) -> Bytes,
    ) -> Result<Bytes, Error> {
        // The key is taken before the read: a change committing meanwhile renews the version,
        // so what this read renders is never served as newer than it is.
        let key = self.caches.page_key(user_id, filter, limit);
        if let Some(page) = self.caches.page(&key) {
            return Ok(page);
        }
        let page = render(self.history(user_id, filter, limit).await?);
        self.caches.keep_page(key, page.clone());
        Ok(page)
    }

    async fn history(
        &self,
        user_id: &str,
        filter: HistoryFilter,
        limit: u64,
    ) -> Result<HistoryPage, Error> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE);
        // One extra row tells whether another page exists.
        let mut challenges =
            store::challenges::page(&self.db.reader, user_id, filter, limit + 1).await?;
        let next_before = if challenges.len() as u64 > limit {
            challenges.truncate(limit as usize);
            challenges.last().map(|c| c.id)
        } else {
            None
        };
        Ok(HistoryPage {
            challenges,
            next_before,
        })
    }

    /// Records the first answer; a repeat returns the recorded one unchanged.
    pub async fn answer(
        &self,
        user_id: &str,
        id: i64,
        selected: u8,
    ) -> Result<(Challenge, Answer), Error> {
        let challenge = self.get(user_id, id).await?;
        if let Some(answer) = challenge.answer.clone() {
            return Ok((challenge, answer));
        }
        let answer =
            store::answers::record_first(&self.db.writer, user_id, &challenge, selected, now())
                .await?;
        self.caches.after_commit(user_id, Committed::History);
        Ok((challenge, answer))
    }

    /// Totals per difficulty and overall.
    pub async fn stats(&self, user_id: &str) -> Result<Stats, Error> {
        let mut stats = Stats::default();
        for (difficulty, tally) in store::tallies::of_user(&self.db.reader, user_id).await? {
            *stats.tally_mut(difficulty) = tally;
        }
        Ok(stats)
    }
}
