//! A challenge as a generator produced it, checked before it is stored.

/// A challenge as a generator produced it, before it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedChallenge {
    pub title: String,
    pub options: [String; 4],
    pub correct_answer_id: u8,
    pub explanation: String,
    /// Set by the built-in bank, so it can tell which questions a user has seen.
    pub bank_key: Option<String>,
}

pub const MAX_TITLE_CHARS: usize = 1_000;
pub const MAX_OPTION_CHARS: usize = 300;
pub const MAX_EXPLANATION_CHARS: usize = 3_000;

impl GeneratedChallenge {
    /// Builds a challenge from loosely typed parts, checking everything a stored challenge must
    /// satisfy: non-blank text, exactly four distinct options, an answer index in 0–3, sane lengths.
    pub fn new(
        title: String,
        options: Vec<String>,
        correct_answer_id: i64,
        explanation: String,
        bank_key: Option<String>,
    ) -> Result<Self, String> {
        let title = title.trim().to_owned();
        let explanation = explanation.trim().to_owned();
        let options: Vec<String> = options.into_iter().map(|o| o.trim().to_owned()).collect();
        check_text("title", &title, MAX_TITLE_CHARS)?;
        check_text("explanation", &explanation, MAX_EXPLANATION_CHARS)?;
        let options: [String; 4] = options.try_into().map_err(|options: Vec<String>| {
            format!("expected exactly 4 options, got {}", options.len())
        })?;
        for option in &options {
            check_text("option", option, MAX_OPTION_CHARS)?;
        }
        for (i, option) in options.iter().enumerate() {
            if options[..i]
                .iter()
                .any(|earlier| earlier.eq_ignore_ascii_case(option))
            {
                return Err("options must be distinct".into());
            }
        }
        let correct_answer_id = u8::try_from(correct_answer_id)
            .ok()
            .filter(|id| *id < 4)
            .ok_or_else(|| format!("correct_answer_id must be 0-3, got {correct_answer_id}"))?;
        Ok(Self {
            title,
            options,
            correct_answer_id,
            explanation,
            bank_key,
        })
    }
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
    use super::*;

    fn options(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_well_formed_challenge_is_accepted_and_trimmed() {
        let challenge = GeneratedChallenge::new(
            " Q? ".into(),
            options(&["a", "b", "c", "d"]),
            2,
            " because ".into(),
            None,
        )
        .expect("valid");
        assert_eq!(challenge.title, "Q?");
        assert_eq!(challenge.explanation, "because");
        assert_eq!(challenge.correct_answer_id, 2);
    }

    #[test]
    fn malformed_challenges_are_rejected() {
        let cases = [
            GeneratedChallenge::new(
                "".into(),
                options(&["a", "b", "c", "d"]),
                0,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new("q".into(), options(&["a", "b", "c"]), 0, "e".into(), None),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", "b", "c", "d", "e"]),
                0,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", "A", "c", "d"]),
                0,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", " ", "c", "d"]),
                0,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", "b", "c", "d"]),
                4,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", "b", "c", "d"]),
                -1,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", "b", "c", "d"]),
                0,
                "  ".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".into(),
                options(&["a", "b\0", "c", "d"]),
                0,
                "e".into(),
                None,
            ),
            GeneratedChallenge::new(
                "q".repeat(MAX_TITLE_CHARS + 1),
                options(&["a", "b", "c", "d"]),
                0,
                "e".into(),
                None,
            ),
        ];
        for (i, case) in cases.into_iter().enumerate() {
            assert!(case.is_err(), "case {i} should be rejected");
        }
    }
}
