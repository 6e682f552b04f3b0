//! The offline generator: a bank of original questions compiled into the binary.

use std::{collections::HashSet, sync::Arc};

use rand::seq::SliceRandom;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::{ChallengeGenerator, GenerationRequest, History, Seen};
use crate::domain::{
    ChallengeDraft, Difficulty, Error, GeneratedChallenge, Language, Verification,
};

const EASY: &str = include_str!("bank/easy.json");
const MEDIUM: &str = include_str!("bank/medium.json");
const HARD: &str = include_str!("bank/hard.json");

#[derive(Deserialize)]
struct BankEntry {
    key: String,
    tags: Vec<String>,
    title: String,
    language: Option<String>,
    code: Option<String>,
    options: Vec<String>,
    correct_answer_id: i64,
    explanation: String,
    /// Present when the answer comes from running code (checked in the test suite).
    program: Option<String>,
}

impl BankEntry {
    fn into_challenge(self) -> anyhow::Result<GeneratedChallenge> {
        let key = self.key;
        let language = self
            .language
            .map(|name| {
                Language::parse(&name)
                    .ok_or_else(|| anyhow::anyhow!("bank question {key}: unknown language {name}"))
            })
            .transpose()?;
        let question = match self.title.split_once("\n\n") {
            Some((question, _)) => question.to_owned(),
            None => self.title.clone(),
        };
        let challenge = GeneratedChallenge::check(ChallengeDraft {
            question,
            code: self.code,
            language,
            options: self.options,
            correct_answer_id: self.correct_answer_id,
            explanation: self.explanation,
            verification: if self.program.is_some() {
                Verification::Executed
            } else {
                Verification::Reviewed
            },
            bank_key: Some(key.clone()),
        })
        .map_err(|reason| anyhow::anyhow!("bank question {key}: {reason}"))?;
        anyhow::ensure!(
            challenge.title == self.title,
            "bank question {key}: its code is not the title after the first blank line"
        );
        Ok(challenge)
    }
}

struct Question {
    /// Words of the tags (`hash-maps` gives `hash`, `map`), for topic matching.
    tag_words: HashSet<String>,
    challenge: GeneratedChallenge,
}

pub struct BuiltinGenerator {
    easy: Shelf,
    medium: Shelf,
    hard: Shelf,
}

/// The questions of one difficulty, and where each key stands among them.
struct Shelf {
    questions: Vec<Question>,
    by_key: FxHashMap<String, usize>,
}

impl BuiltinGenerator {
    /// Loads and validates the bank; an invalid entry is a build defect, reported here.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self {
            easy: load(EASY)?,
            medium: load(MEDIUM)?,
            hard: load(HARD)?,
        })
    }

    fn shelf(&self, difficulty: Difficulty) -> &Shelf {
        match difficulty {
            Difficulty::Easy => &self.easy,
            Difficulty::Medium => &self.medium,
            Difficulty::Hard => &self.hard,
        }
    }

    #[cfg(test)]
    fn questions(&self, difficulty: Difficulty) -> &[Question] {
        &self.shelf(difficulty).questions
    }

    /// Picks a question: the best topic match, unseen if possible, else the one seen longest ago.
    /// Linear in the bank's size, whatever the user has seen.
    fn pick(&self, request: &GenerationRequest) -> Option<&GeneratedChallenge> {
        let shelf = self.shelf(request.difficulty);
        let topic_words = request.topic.as_deref().map(words).unwrap_or_default();
        let scores: Vec<usize> = shelf
            .questions
            .iter()
            .map(|q| {
                topic_words
                    .iter()
                    .filter(|w| q.tag_words.contains(*w))
                    .count()
            })
            .collect();
        let best = scores.iter().copied().max()?;
        let is_candidate = |index: usize| scores[index] == best;

        let seen_keys: &[Arc<str>] = match &request.seen {
            Seen::BankKeys(keys) => keys,
            Seen::RecentTitles(_) => &[],
        };
        let seen_indexes: Vec<usize> = seen_keys
            .iter()
            .filter_map(|key| shelf.by_key.get(&**key).copied())
            .collect();
        let mut seen = vec![false; shelf.questions.len()];
        for &index in &seen_indexes {
            seen[index] = true;
        }
        let unseen: Vec<usize> = (0..shelf.questions.len())
            .filter(|&index| is_candidate(index) && !seen[index])
            .collect();
        let index = match unseen.choose(&mut rand::thread_rng()) {
            Some(&index) => index,
            // All seen: the keys come newest first, so the last candidate among them.
            None => *seen_indexes
                .iter()
                .rev()
                .find(|&&index| is_candidate(index))?,
        };
        Some(&shelf.questions[index].challenge)
    }
}

#[async_trait::async_trait]
impl ChallengeGenerator for BuiltinGenerator {
    fn name(&self) -> &'static str {
        "builtin"
    }

    fn history(&self) -> History {
        History::BankKeys
    }

    fn waits_on_upstream(&self) -> bool {
        false
    }

    async fn generate(&self, request: &GenerationRequest) -> Result<GeneratedChallenge, Error> {
        self.pick(request)
            .cloned()
            .ok_or_else(|| Error::GeneratorFailed(anyhow::anyhow!("the built-in bank is empty")))
    }
}

fn key(question: &Question) -> &str {
    question.challenge.bank_key.as_deref().unwrap_or_default()
}

fn load(json: &str) -> anyhow::Result<Shelf> {
    let entries: Vec<BankEntry> = serde_json::from_str(json)?;
    let questions = entries
        .into_iter()
        .map(|entry| {
            let tag_words = entry.tags.iter().flat_map(|tag| words(tag)).collect();
            Ok(Question {
                tag_words,
                challenge: entry.into_challenge()?,
            })
        })
        .collect::<anyhow::Result<Vec<Question>>>()?;
    let by_key = questions
        .iter()
        .enumerate()
        .map(|(index, question)| (key(question).to_owned(), index))
        .collect();
    Ok(Shelf { questions, by_key })
}

/// Lower-case words with a plural `s` dropped, so "Hash maps" matches the tag `hash-map`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '#' && c != '+')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
                _ => w,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        difficulty: Difficulty,
        topic: Option<&str>,
        seen: Vec<String>,
    ) -> GenerationRequest {
        GenerationRequest {
            difficulty,
            topic: topic.map(str::to_owned),
            seen: Seen::BankKeys(seen.iter().map(|key| key.as_str().into()).collect()),
        }
    }

    #[test]
    fn the_bank_holds_at_least_130_valid_distinct_questions_per_difficulty() {
        let bank = BuiltinGenerator::new().expect("the bank is valid");
        let mut keys = HashSet::new();
        let mut titles = HashSet::new();
        for difficulty in Difficulty::ALL {
            let questions = bank.questions(difficulty);
            assert!(
                questions.len() >= 130,
                "{difficulty:?} has {} questions",
                questions.len()
            );
            for q in questions {
                assert!(keys.insert(key(q).to_owned()), "duplicate key {}", key(q));
                assert!(
                    titles.insert(q.challenge.title.clone()),
                    "duplicate title {}",
                    q.challenge.title
                );
            }
            let languages: HashSet<&str> = questions
                .iter()
                .map(|q| key(q).split('-').next().unwrap_or(""))
                .collect();
            assert!(
                languages.len() >= 4,
                "{difficulty:?} covers too few languages"
            );
        }
    }

    #[test]
    fn a_user_sees_every_question_before_any_repeats() {
        let bank = BuiltinGenerator::new().expect("the bank is valid");
        let total = bank.questions(Difficulty::Medium).len();
        let mut seen: Vec<String> = Vec::new();
        for _ in 0..total {
            let picked = bank
                .pick(&request(Difficulty::Medium, None, seen.clone()))
                .expect("a question");
            let key = picked.bank_key.clone().expect("bank questions have keys");
            assert!(
                !seen.contains(&key),
                "{key} repeated before the bank was exhausted"
            );
            seen.insert(0, key);
        }
        // Exhausted: the next one is the question seen longest ago.
        let next = bank
            .pick(&request(Difficulty::Medium, None, seen.clone()))
            .expect("a question");
        assert_eq!(next.bank_key.as_ref(), seen.last());
    }

    #[test]
    fn a_topic_that_matches_tags_is_honoured() {
        let bank = BuiltinGenerator::new().expect("the bank is valid");
        for _ in 0..20 {
            let picked = bank
                .pick(&request(Difficulty::Easy, Some("Python"), vec![]))
                .expect("a question");
            let question = bank
                .questions(Difficulty::Easy)
                .iter()
                .find(|q| q.challenge.bank_key == picked.bank_key)
                .expect("from the bank");
            assert!(question.tag_words.contains("python"));
        }
    }

    #[test]
    fn an_unknown_topic_falls_back_to_the_whole_bank() {
        let bank = BuiltinGenerator::new().expect("the bank is valid");
        assert!(
            bank.pick(&request(
                Difficulty::Hard,
                Some("underwater basket weaving"),
                vec![]
            ))
            .is_some()
        );
    }

    #[test]
    fn topic_words_ignore_case_and_plurals() {
        assert_eq!(words("Hash maps"), vec!["hash", "map"]);
        assert_eq!(words("big-o"), vec!["big", "o"]);
        assert_eq!(words("C#"), vec!["c#"]);
        assert_eq!(words("class"), vec!["class"]);
    }
}
