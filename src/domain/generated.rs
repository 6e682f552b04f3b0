//! A challenge as a generator produced it, checked before it is stored, and why one is refused.

use std::sync::LazyLock;

use rand::{Rng, seq::SliceRandom};
use regex::Regex;

use super::{Language, Verification};

/// A challenge as a generator wrote it, before any check.
#[derive(Clone, Debug)]
pub struct ChallengeDraft {
    pub question: String,
    pub code: Option<String>,
    pub language: Option<Language>,
    pub options: Vec<String>,
    pub correct_answer_id: i64,
    pub explanation: String,
    pub verification: Verification,
    /// Set by the built-in bank, so it can tell which questions a user has seen.
    pub bank_key: Option<String>,
}

/// A challenge that passed every check a stored challenge must satisfy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedChallenge {
    /// `question`, then a blank line and `code` when there is code: what clients always read.
    pub title: String,
    pub question: String,
    pub code: Option<String>,
    pub language: Option<Language>,
    pub options: [String; 4],
    pub correct_answer_id: u8,
    pub explanation: String,
    pub verification: Verification,
    pub bank_key: Option<String>,
}

/// Why a generated challenge is not given to a learner. Each has a fixed metrics label.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the reply is invalid: {0}")]
    Invalid(String),
    #[error(
        "the {0} names an option by its position; options are shuffled, so name it by its content"
    )]
    PositionReference(&'static str),
    #[error("the question nearly repeats one the learner saw recently")]
    Duplicate,
    #[error("running the program printed another option than the marked one")]
    KeyMismatch,
    #[error("running the program did not print exactly one of the options")]
    NoOptionMatches,
    #[error("a second model, not shown the key, chose another option")]
    SecondOpinionDisagrees,
}

impl Rejection {
    /// The `reason` label of `challenge_rejections_total`.
    pub fn reason(&self) -> &'static str {
        match self {
            Rejection::Invalid(_) => "invalid",
            Rejection::PositionReference(_) => "position_reference",
            Rejection::Duplicate => "duplicate",
            Rejection::KeyMismatch => "key_mismatch",
            Rejection::NoOptionMatches => "no_option_matches",
            Rejection::SecondOpinionDisagrees => "second_opinion_disagrees",
        }
    }
}

pub const MAX_TITLE_CHARS: usize = 1_000;
pub const MAX_OPTION_CHARS: usize = 300;
pub const MAX_EXPLANATION_CHARS: usize = 3_000;

/// An option named by its letter or ordinal. The letters are capitals, so "an option a compiler
/// takes" passes.
static POSITION_REFERENCES: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        r"\b(?i:option|answer|choice)s?\s*(\([A-D]\)|[A-D]\b)",
        r"\b(?i:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?i:option|answer|choice)s?\b",
    ]
    .map(|pattern| Regex::new(pattern).expect("a valid pattern"))
});

static BLANK_LINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n[ \t]*\n\s*").expect("a valid pattern"));

impl GeneratedChallenge {
    /// Checks a draft: non-blank text, exactly four distinct options, an answer index in 0–3,
    /// sane lengths, and no option named by its position. Text is trimmed; the question keeps
    /// no blank line, so the title splits at its first one.
    pub fn check(draft: ChallengeDraft) -> Result<Self, Rejection> {
        let invalid = Rejection::Invalid;
        let question = BLANK_LINES
            .replace_all(draft.question.trim(), "\n")
            .into_owned();
        let code = draft.code.as_deref().and_then(tidy_code);
        let explanation = draft.explanation.trim().to_owned();
        let title = match &code {
            Some(code) => format!("{question}\n\n{code}"),
            None => question.clone(),
        };
        check_text("question", &question, MAX_TITLE_CHARS).map_err(invalid)?;
        check_text("title", &title, MAX_TITLE_CHARS).map_err(invalid)?;
        check_text("explanation", &explanation, MAX_EXPLANATION_CHARS).map_err(invalid)?;
        let options: Vec<String> = draft.options.iter().map(|o| o.trim().to_owned()).collect();
        let options: [String; 4] = options.try_into().map_err(|options: Vec<String>| {
            invalid(format!("expected exactly 4 options, got {}", options.len()))
        })?;
        for option in &options {
            check_text("option", option, MAX_OPTION_CHARS).map_err(invalid)?;
        }
        for (i, option) in options.iter().enumerate() {
            if options[..i]
                .iter()
                .any(|earlier| earlier.eq_ignore_ascii_case(option))
            {
                return Err(invalid("options must be distinct".into()));
            }
        }
        let correct_answer_id = u8::try_from(draft.correct_answer_id)
            .ok()
            .filter(|id| *id < 4)
            .ok_or_else(|| {
                invalid(format!(
                    "correct_answer_id must be 0-3, got {}",
                    draft.correct_answer_id
                ))
            })?;
        for (field, text) in [("question", &question), ("explanation", &explanation)] {
            if POSITION_REFERENCES.iter().any(|p| p.is_match(text)) {
                return Err(Rejection::PositionReference(field));
            }
        }
        Ok(Self {
            title,
            question,
            code,
            language: draft.language,
            options,
            correct_answer_id,
            explanation,
            verification: draft.verification,
            bank_key: draft.bank_key,
        })
    }

    /// The same challenge with its options in a uniformly random order (the marked answer
    /// follows), so no position holds the answer more often than another.
    pub fn shuffled(mut self, rng: &mut impl Rng) -> Self {
        let mut order = [0usize, 1, 2, 3];
        order.shuffle(rng);
        let options = order.map(|from| std::mem::take(&mut self.options[from]));
        self.correct_answer_id = order
            .iter()
            .position(|&from| from == usize::from(self.correct_answer_id))
            .and_then(|to| u8::try_from(to).ok())
            .unwrap_or(self.correct_answer_id);
        self.options = options;
        self
    }
}

/// Code without a Markdown fence around it or blank lines before and after; `None` when
/// nothing is left.
fn tidy_code(code: &str) -> Option<String> {
    let mut code = code.trim_end();
    if let Some(fenced) = code.trim_start().strip_prefix("```") {
        // The fence's first line may name the language (```python).
        let body = fenced.split_once('\n').map_or("", |(_, body)| body);
        code = body
            .trim_end()
            .strip_suffix("```")
            .unwrap_or(body)
            .trim_end();
    }
    let code = code.trim_start_matches(['\n', '\r']);
    (!code.trim().is_empty()).then(|| code.to_owned())
}

fn check_text(field: &str, value: &str, max_chars: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{field} is blank"));
    }
    if !super::storable(value) {
        return Err(format!("{field} contains a NUL character"));
    }
    if value.chars().count() > max_chars {
        return Err(format!("{field} is longer than {max_chars} characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::{SeedableRng, rngs::StdRng};

    use super::*;

    fn draft(question: &str, options: &[&str], correct: i64, explanation: &str) -> ChallengeDraft {
        ChallengeDraft {
            question: question.into(),
            code: None,
            language: None,
            options: options.iter().map(|s| s.to_string()).collect(),
            correct_answer_id: correct,
            explanation: explanation.into(),
            verification: Verification::Unchecked,
            bank_key: None,
        }
    }

    #[test]
    fn a_well_formed_challenge_is_accepted_and_trimmed() {
        let mut d = draft(" Q? ", &["a", "b", "c", "d"], 2, " because ");
        d.code = Some("```python\nprint(1)\n```\n".into());
        let challenge = GeneratedChallenge::check(d).expect("valid");
        assert_eq!(challenge.question, "Q?");
        assert_eq!(challenge.code.as_deref(), Some("print(1)"));
        assert_eq!(challenge.title, "Q?\n\nprint(1)");
        assert_eq!(challenge.explanation, "because");
        assert_eq!(challenge.correct_answer_id, 2);
    }

    #[test]
    fn a_blank_line_in_the_question_is_folded_so_the_title_splits_at_the_code() {
        let mut d = draft("Line one.\n\n  \nLine two?", &["a", "b", "c", "d"], 0, "e");
        d.code = Some("   \n".into());
        let challenge = GeneratedChallenge::check(d).expect("valid");
        assert_eq!(challenge.question, "Line one.\nLine two?");
        assert_eq!(challenge.code, None);
        assert_eq!(challenge.title, challenge.question);
    }

    #[test]
    fn malformed_challenges_are_rejected() {
        let long = "q".repeat(MAX_TITLE_CHARS + 1);
        let cases = [
            draft("", &["a", "b", "c", "d"], 0, "e"),
            draft("q", &["a", "b", "c"], 0, "e"),
            draft("q", &["a", "b", "c", "d", "e"], 0, "e"),
            draft("q", &["a", "A", "c", "d"], 0, "e"),
            draft("q", &["a", " ", "c", "d"], 0, "e"),
            draft("q", &["a", "b", "c", "d"], 4, "e"),
            draft("q", &["a", "b", "c", "d"], -1, "e"),
            draft("q", &["a", "b", "c", "d"], 0, "  "),
            draft("q", &["a", "b\0", "c", "d"], 0, "e"),
            draft(&long, &["a", "b", "c", "d"], 0, "e"),
        ];
        for (i, case) in cases.into_iter().enumerate() {
            assert!(
                matches!(GeneratedChallenge::check(case), Err(Rejection::Invalid(_))),
                "case {i} should be rejected as invalid"
            );
        }
    }

    #[test]
    fn an_option_named_by_its_position_is_refused() {
        for (question, explanation) in [
            ("q", "Option B is right."),
            ("q", "answer (C) holds"),
            ("q", "The answers A and D are wrong"),
            ("Which is right, choice D?", "e"),
            ("q", "The second option is right."),
            ("q", "the LAST answer is right"),
            ("q", "The 3rd choice is wrong."),
        ] {
            let result =
                GeneratedChallenge::check(draft(question, &["a", "b", "c", "d"], 0, explanation));
            assert!(
                matches!(result, Err(Rejection::PositionReference(_))),
                "{question:?} / {explanation:?} should be refused"
            );
        }
        for fine in [
            "an option a compiler takes",
            "the answer is 4",
            "Choose carefully: the first call wins.",
            "options are lazy",
        ] {
            assert!(
                GeneratedChallenge::check(draft("q", &["a", "b", "c", "d"], 0, fine)).is_ok(),
                "{fine:?} should pass"
            );
        }
    }

    #[test]
    fn shuffling_keeps_the_marked_option_and_reaches_every_position() {
        let challenge = GeneratedChallenge::check(draft("q", &["w", "x", "right", "z"], 2, "e"))
            .expect("valid");
        let mut rng = StdRng::seed_from_u64(7);
        let mut positions = [0u32; 4];
        for _ in 0..4_000 {
            let shuffled = challenge.clone().shuffled(&mut rng);
            assert_eq!(
                shuffled.options[usize::from(shuffled.correct_answer_id)],
                "right"
            );
            let mut sorted = shuffled.options.clone();
            sorted.sort();
            assert_eq!(sorted, ["right", "w", "x", "z"]);
            positions[usize::from(shuffled.correct_answer_id)] += 1;
        }
        // Binomial(4000, 1/4): mean 1000, sd 27; the seed makes this deterministic anyway.
        assert!(
            positions.iter().all(|&n| (850..=1150).contains(&n)),
            "{positions:?}"
        );
    }
}
