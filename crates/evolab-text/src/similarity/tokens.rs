//! scikit-learn's default word tokens: the text lower-cased with Python's `str.lower`, then
//! every match of `(?u)\b\w\w+\b`.
//!
//! Python's Unicode `\w` is exactly "general category L* or N*, or `_`" (checked over every
//! code point for Python 3.11 / Unicode 14). It is *not* Rust's `\w`, which also takes
//! combining marks, other connector punctuation and joiners, so the class is spelled out.
//! A match of `\b\w\w+\b` is a maximal run of word characters at least two long.

use std::sync::OnceLock;

use regex::Regex;

fn token_regex() -> &'static Regex {
    static TOKEN: OnceLock<Regex> = OnceLock::new();
    TOKEN.get_or_init(|| Regex::new(r"[\p{L}\p{N}_]{2,}").expect("valid token pattern"))
}

/// Whether `c` is a word character for Python's `re` in Unicode mode.
pub fn is_word_char(c: char) -> bool {
    c == '_' || token_regex().is_match(&format!("{c}{c}"))
}

/// The tokens of `text` in order, lower-cased as scikit-learn's `TfidfVectorizer` produces
/// them (before stop-word removal).
pub fn tokenize(text: &str) -> Vec<String> {
    let lowered = text.to_lowercase();
    token_regex()
        .find_iter(&lowered)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// Calls `f` for every token of an already lower-cased text, without allocating.
pub(crate) fn for_each_token<'t>(lowered: &'t str, mut f: impl FnMut(&'t str)) {
    for m in token_regex().find_iter(lowered) {
        f(m.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_word_rule() {
        assert_eq!(
            tokenize("I don't like_this: 42 x1 a b Ünïcode ÉCOLE Straße"),
            ["don", "like_this", "42", "x1", "ünïcode", "école", "straße"]
        );
        // Combining marks are not word characters for Python: "e\u{301}t\u{e9}" splits.
        assert_eq!(tokenize("cafe\u{301}s ete\u{301}"), ["cafe", "ete"]);
        // Python lower-cases İ to i + U+0307 (a mark), which ends the token.
        assert_eq!(tokenize("İstanbul"), ["stanbul"]);
        // Final sigma, CJK and digits of other scripts.
        assert_eq!(tokenize("ΟΔΟΣ 東京都 ١٢٣"), ["οδος", "東京都", "١٢٣"]);
        assert_eq!(tokenize("😀😀 ‿‿ __"), ["__"]);
        assert!(tokenize("").is_empty());
        assert!(is_word_char('_') && is_word_char('é') && is_word_char('٣'));
        assert!(!is_word_char('\u{301}') && !is_word_char('‿') && !is_word_char('-'));
    }
}
