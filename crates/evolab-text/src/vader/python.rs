//! Python's string predicates and `round`, reproduced where VADER's results depend on them.

/// `str.isspace` for one character: Rust's `White_Space` set plus the four ASCII information
/// separators (U+001C..U+001F), which Python treats as whitespace and splits on.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.split()` with no argument.
pub fn split_whitespace(text: &str) -> Words<'_> {
    Words { rest: text }
}

/// The iterator of [`split_whitespace`]. It tests ASCII bytes against a table and decodes
/// only non-ASCII characters: splitting was a fifth of VADER's time per text.
pub struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    /// The byte length of the whitespace character at `i`, or 0 when it is not one.
    #[inline]
    fn space_at(&self, i: usize) -> usize {
        let b = self.rest.as_bytes()[i];
        if b.is_ascii() {
            return usize::from(matches!(b, b'\t'..=b'\r' | 0x1c..=0x20));
        }
        match self.rest[i..].chars().next() {
            Some(c) if is_space(c) => c.len_utf8(),
            _ => 0,
        }
    }

    /// The byte length of the character at `i`.
    #[inline]
    fn char_len_at(&self, i: usize) -> usize {
        match self.rest.as_bytes()[i] {
            b if b < 0x80 => 1,
            b if b >= 0xf0 => 4,
            b if b >= 0xe0 => 3,
            _ => 2,
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let len = self.rest.len();
        let mut start = 0;
        loop {
            if start == len {
                self.rest = "";
                return None;
            }
            match self.space_at(start) {
                0 => break,
                n => start += n,
            }
        }
        let mut end = start;
        while end < len && self.space_at(end) == 0 {
            end += self.char_len_at(end);
        }
        let word = &self.rest[start..end];
        self.rest = &self.rest[end..];
        Some(word)
    }
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

    #[test]
    fn splits_like_the_char_predicate() {
        let texts = [
            "",
            "   ",
            " a  b\t\nc\u{b}\u{c}\r",
            "héllo\u{2003}wörld\u{3000}日本 語\u{85}x\u{1f}y\u{1b}z",
            "\u{a0}\u{a0}é",
            "emoji 😀😀 end😀",
        ];
        for text in texts {
            let fast: Vec<_> = split_whitespace(text).collect();
            let slow: Vec<_> = text.split(is_space).filter(|s| !s.is_empty()).collect();
            assert_eq!(fast, slow, "{text:?}");
        }
        // Every character Python treats as whitespace, each between two letters.
        for c in (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_space(c))
        {
            let text = format!("a{c}b");
            assert_eq!(
                split_whitespace(&text).collect::<Vec<_>>(),
                ["a", "b"],
                "{c:?}"
            );
        }
    }
}
