//! Generating, reading and answering challenges, and the progress they add up to.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use moka::sync::Cache;

use sea_orm::TransactionTrait;
use tracing::Instrument;

use super::quotas::{QuotaService, Reservation};
use crate::{
    domain::{
        Answer, Challenge, Difficulty, Error, GeneratedChallenge, HistoryFilter, MAX_PAGE_SIZE,
        SeenKeys, Stats, now,
    },
    generator::{ChallengeGenerator, GenerationRequest, History, RECENT_TITLES, Seen},
    store::{self, Db, challenges::NewChallenge},
    telemetry::metrics,
};

/// Bank keys remembered at most, over all users (a few tens of bytes each).
const SEEN_CACHE_KEYS: u64 = 20_000;
const SEEN_TTL: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct ChallengeService {
    db: Db,
    quotas: QuotaService,
    generator: Arc<dyn ChallengeGenerator>,
    /// Each user's history version, renewed by every change this process makes to their
    /// challenges, so caches of their history can tell an entry is out of date.
    versions: Cache<String, u64>,
    next_version: Arc<AtomicU64>,
    /// The bank keys each user has been given, per difficulty, as of this process's last read
    /// or generation: a generation then reads nothing before its transaction. Another
    /// process's generations show once an entry expires (at worst, a repeat a little early).
    seen: Cache<(String, Difficulty), SeenKeys>,
}

/// One page of history and the cursor for the next, if any.
pub struct HistoryPage {
    pub challenges: Vec<Challenge>,
    pub next_before: Option<i64>,
}

impl ChallengeService {
    pub fn new(db: Db, quotas: QuotaService, generator: Arc<dyn ChallengeGenerator>) -> Self {
        Self {
            db,
            quotas,
            generator,
            versions: Cache::builder().max_capacity(100_000).build(),
            next_version: Arc::default(),
            seen: Cache::builder()
                .max_capacity(SEEN_CACHE_KEYS)
                .weigher(|_, keys: &SeenKeys| u32::try_from(keys.len()).unwrap_or(u32::MAX).max(1))
                .time_to_live(SEEN_TTL)
                .build(),
        }
    }

    /// The version of the user's history as this process knows it. One it has forgotten is
    /// replaced by a new one, so nothing cached under an older version is ever taken as current.
    pub fn history_version(&self, user_id: &str) -> u64 {
        self.versions
            .get_with_by_ref(user_id, || self.fresh_version())
    }

    fn history_changed(&self, user_id: &str) {
        self.versions
            .insert(user_id.to_owned(), self.fresh_version());
    }

    fn fresh_version(&self) -> u64 {
        self.next_version.fetch_add(1, Ordering::Relaxed)
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
        let request = self.request(user_id, difficulty, topic).await?;
        let txn = self.db.writer.begin().await?;
        self.quotas.take(&txn, user_id, plan).await?;
        let generated = self.call_generator(&request).await?;
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
        let request = self.request(user_id, difficulty, topic).await?;
        let generated = self.call_generator(&request).await?;
        let txn = self.db.writer.begin().await?;
        self.quotas.settle(&txn, reservation).await?;
        let challenge = self.store(&txn, user_id, &request, &generated).await?;
        txn.commit().await?;
        self.committed(user_id, &request, &generated);
        Ok(challenge)
    }

    /// Once a new challenge commits, this process's caches catch up: the user's quota and
    /// history are out of date, and a bank question just given goes first in their seen list.
    fn committed(
        &self,
        user_id: &str,
        request: &GenerationRequest,
        generated: &GeneratedChallenge,
    ) {
        self.quotas.changed(user_id);
        self.history_changed(user_id);
        let (Some(given), Seen::BankKeys(before)) = (&generated.bank_key, &request.seen) else {
            return;
        };
        let given: Arc<str> = given.as_str().into();
        let after: SeenKeys = std::iter::once(given.clone())
            .chain(before.iter().filter(|key| **key != given).cloned())
            .collect();
        self.seen
            .insert((user_id.to_owned(), request.difficulty), after);
    }

    /// What the generator is told: the request, and the part of the history it reads.
    async fn request(
        &self,
        user_id: &str,
        difficulty: Difficulty,
        topic: Option<String>,
    ) -> Result<GenerationRequest, Error> {
        let reader = &self.db.reader;
        let seen = match self.generator.history() {
            History::RecentTitles => Seen::RecentTitles(
                store::challenges::recent_titles(reader, user_id, difficulty, RECENT_TITLES)
                    .await?,
            ),
            History::BankKeys => {
                let key = (user_id.to_owned(), difficulty);
                let keys = match self.seen.get(&key) {
                    Some(keys) => keys,
                    None => {
                        let keys =
                            store::challenges::seen_bank_keys(reader, user_id, difficulty).await?;
                        self.seen.insert(key, keys.clone());
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

    async fn call_generator(
        &self,
        request: &GenerationRequest,
    ) -> Result<GeneratedChallenge, Error> {
        let started = Instant::now();
        let generated = self
            .generator
            .generate(request)
            .instrument(tracing::info_span!("generator", otel.kind = "client"))
            .await;
        let outcome = match &generated {
            Ok(_) => "success",
            Err(Error::GeneratorTimedOut) => "timed_out",
            Err(_) => "failed",
        };
        metrics::generation(self.generator.name(), outcome, started.elapsed());
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

    pub async fn history(
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
        self.history_changed(user_id);
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
