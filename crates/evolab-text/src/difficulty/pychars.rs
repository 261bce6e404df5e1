//! Python's notion of word characters, whitespace and lower case, which textstat inherits
//! from `re` and `str`.
//!
//! These differ from Rust's own: Python's `\w` is "letter or number or underscore" by
//! general category (no combining marks, unlike Rust's `char::is_alphanumeric`), and
//! Python's whitespace also includes the four ASCII information separators U+001C..U+001F.

use std::borrow::Cow;
use std::sync::OnceLock;

/// `re`'s `\w` for `str` patterns: general category L* or N*, or `_`.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    let table = word_ranges();
    let c = c as u32;
    // Index of the first range whose end is >= c; c is in it if that range starts <= c.
    let i = table.partition_point(|&(_, end)| end < c);
    table.get(i).is_some_and(|&(start, _)| start <= c)
}

/// `re`'s `\s` for `str` patterns, and the separators `str.split()` and `str.strip()` use.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `str.lower()`: full Unicode lower-casing, including `İ` -> `i̇` and the final-sigma rule,
/// which Rust's `str::to_lowercase` implements the same way.
pub fn lower(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else if text.contains('Σ') {
        // Only capital sigma depends on its neighbours.
        Cow::Owned(text.to_lowercase())
    } else {
        // Character by character, with a fast path for ASCII (`str::to_lowercase` takes its
        // slow path for everything after the first non-ASCII character).
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let ascii = rest
                .bytes()
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            let start = out.len();
            out.push_str(&rest[..ascii]);
            out[start..].make_ascii_lowercase();
            rest = &rest[ascii..];
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_lowercase());
            }
            rest = chars.as_str();
        }
        Cow::Owned(out)
    }
}

/// `str.strip()` with no argument.
pub fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// Sorted, disjoint code-point ranges of categories L and N plus `_`, taken from the Unicode
/// tables that `regex-syntax` ships (so no table is maintained here).
fn word_ranges() -> &'static [(u32, u32)] {
    static TABLE: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::Parser::new()
            .parse(r"[\p{L}\p{N}_]")
            .expect("a constant character class parses");
        match hir.kind() {
            HirKind::Class(Class::Unicode(class)) => class
                .ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect(),
            other => unreachable!("a Unicode class parses to a class, got {other:?}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_chars_follow_categories_not_rust_alphanumeric() {
        for c in ['a', 'Z', '7', '_', 'é', 'ß', '中', '²', '½', 'Ⅻ', '٣'] {
            assert!(is_word_char(c), "{c:?}");
        }
        // Combining acute accent (Mn) and Devanagari vowel sign (Mc) are alphabetic to Rust
        // but not word characters to Python.
        for c in [
            '\u{301}', '\u{93e}', '-', '\'', '’', '.', ' ', '😀', '\u{200b}',
        ] {
            assert!(!is_word_char(c), "{c:?}");
        }
        assert!('\u{93e}'.is_alphabetic());
    }

    #[test]
    fn space_includes_information_separators() {
        assert!(is_space('\x1f') && is_space('\u{3000}') && is_space('\u{85}'));
        assert!(!is_space('\u{200b}') && !is_space('\u{feff}') && !is_space('\u{180e}'));
        assert!(!'\x1c'.is_whitespace());
    }

    #[test]
    fn lower_matches_python_special_cases() {
        assert_eq!(lower("İ"), "i\u{307}");
        assert_eq!(lower("ΟΔΟΣ ΣΑ"), "οδος σα");
        assert_eq!(lower("CAFÉ İ"), "café i\u{307}");
        assert_eq!(lower("ΣΑ.Σ Σ"), "σα.ς σ");
        assert!(matches!(lower("plain"), Cow::Borrowed(_)));
    }
}
