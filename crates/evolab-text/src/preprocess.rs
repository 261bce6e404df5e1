//! The papers' preprocessing, applied before every metric.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

// `\w` is Unicode-aware here, as in Python 3's `re`, which the papers' pipelines used.
static HASHTAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"#\w+").expect("valid regex"));

/// Removes hashtags (`#` followed by word characters), as the telephone paper does before
/// measuring any property. Borrows when there is nothing to remove.
pub fn strip_hashtags(text: &str) -> Cow<'_, str> {
    if !text.contains('#') {
        return Cow::Borrowed(text);
    }
    HASHTAG.replace_all(text, "")
}

/// Length in characters as the papers count them: Unicode scalar values (Python's `len`).
pub fn char_length(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_go_and_the_rest_stays() {
        assert_eq!(strip_hashtags("I love it #blessed #2024!"), "I love it  !");
        assert_eq!(strip_hashtags("café #été ok"), "café  ok");
        // A lone `#` or `# tag` is not a hashtag.
        assert_eq!(strip_hashtags("# title and C# code"), "# title and C# code");
        assert!(matches!(strip_hashtags("no tags"), Cow::Borrowed(_)));
    }

    #[test]
    fn length_counts_scalar_values_not_bytes() {
        assert_eq!(char_length(""), 0);
        assert_eq!(char_length("naïve"), 5);
        assert_eq!(char_length("👍🏽"), 2); // emoji + skin-tone modifier, as Python counts
        assert_eq!(char_length("日本語"), 3);
    }
}
