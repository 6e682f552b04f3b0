//! Whether two questions are nearly the same, so a generator cannot hand a learner a question
//! they saw a moment ago with a word changed.

use std::collections::HashSet;

/// Character-trigram Jaccard similarity at or above which two texts count as the same question.
pub const NEAR_DUPLICATE: f64 = 0.8;

/// Whether `a` and `b` are equal or nearly equal once case, whitespace and punctuation are set
/// aside.
pub fn nearly_equal(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    a == b || jaccard(&trigrams(&a), &trigrams(&b)) >= NEAR_DUPLICATE
}

/// Lower case, punctuation as spaces, runs of whitespace as one space.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn trigrams(text: &str) -> HashSet<[char; 3]> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

fn jaccard(a: &HashSet<[char; 3]>, b: &HashSet<[char; 3]>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_whitespace_and_punctuation_do_not_count() {
        assert!(nearly_equal(
            "What does this print?\n\nprint(1 + 1)",
            "what does THIS print  \n print(1+1)!"
        ));
    }

    #[test]
    fn a_changed_word_or_value_is_still_a_near_duplicate() {
        let question =
            "What does this Python code print?\n\nitems = [10, 20, 30, 40]\nprint(items[1:3])";
        assert!(nearly_equal(
            question,
            "What does the Python code print?\n\nitems = [10, 20, 30, 40]\nprint(items[1:3])"
        ));
        assert!(nearly_equal(
            question,
            "What does this Python code print?\n\nitems = [10, 20, 30, 50]\nprint(items[1:3])"
        ));
    }

    #[test]
    fn different_questions_are_not() {
        assert!(!nearly_equal(
            "What does this Python code print? print(-7 // 2)",
            "Which SQL join keeps rows of the left table without a match?"
        ));
        assert!(!nearly_equal("", "ab"));
    }
}
