//! Python's string predicates and `round`, reproduced where VADER's results depend on them.

/// `str.isspace` for one character: Rust's `White_Space` set plus the four ASCII information
/// separators (U+001C..U+001F), which Python treats as whitespace and splits on.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.split()` with no argument.
pub fn split_whitespace(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_space).filter(|s| !s.is_empty())
}

/// `str.isupper`: at least one cased character and no lower-case or title-case one.
pub fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_lowercase() {
                return false;
            }
            cased |= c.is_ascii_uppercase();
        } else {
            if c.is_lowercase() || is_titlecase(c) {
                return false;
            }
            cased |= c.is_uppercase();
        }
    }
    cased
}

/// General category Lt, which Python's `isupper` rejects and Rust has no predicate for.
fn is_titlecase(c: char) -> bool {
    matches!(
        c,
        '\u{01C5}'
            | '\u{01C8}'
            | '\u{01CB}'
            | '\u{01F2}'
            | '\u{1F88}'..='\u{1F8F}'
            | '\u{1F98}'..='\u{1F9F}'
            | '\u{1FA8}'..='\u{1FAF}'
            | '\u{1FBC}'
            | '\u{1FCC}'
            | '\u{1FFC}'
    )
}

/// `str.lower`, skipping the allocation-heavy Unicode path for ASCII text.
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// `str.lower`, borrowing when the text has no upper-case ASCII and no other non-ASCII.
pub fn lower_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(lower(s))
    }
}

/// `len(s)`: the number of code points.
pub fn len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `round(x, digits)`: the decimal nearest to the exact binary value, ties to even, read
/// back as the nearest double. Rust's fixed-precision formatting is exact and rounds ties to
/// even, so formatting and parsing again gives the same double as CPython's dtoa/strtod pair.
pub fn round(x: f64, digits: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.digits$}").parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isupper_follows_python() {
        assert!(is_upper("GOOD"));
        assert!(is_upper("GOOD!"));
        assert!(is_upper("ÉTÉ"));
        assert!(!is_upper("Good"));
        assert!(!is_upper("123"));
        assert!(!is_upper(":-)"));
        assert!(!is_upper("\u{01C5}A"));
    }

    #[test]
    fn round_ties_to_even_on_the_exact_value() {
        assert_eq!(round(0.125, 2), 0.12);
        assert_eq!(round(0.375, 2), 0.38);
        // 2.675 is stored as 2.67499999..., so it rounds down, as in Python.
        assert_eq!(round(2.675, 2), 2.67);
        assert_eq!(round(-0.00005, 4), -0.0001);
    }

    #[test]
    fn information_separators_split_words() {
        let words: Vec<_> = split_whitespace("a\u{1c}b\u{a0}c  d").collect();
        assert_eq!(words, ["a", "b", "c", "d"]);
    }
}
