//! textstat 0.7.3's counting of words and sentences (default settings: apostrophes removed
//! with the rest of the punctuation), re-expressed without regular expressions.

use std::borrow::Cow;

use super::pychars::{is_space, is_word_char};

/// Characters that end a sentence for textstat.
const TERMINATORS: [char; 3] = ['.', '!', '?'];

/// Characters of the tokens textstat checks for difficulty besides word characters
/// (its pattern `[\w\='‘’]+`).
const TOKEN_EXTRAS: [char; 4] = ['=', '\'', '‘', '’'];

/// `lexicon_count`: whitespace-separated tokens that still have a character left once
/// punctuation (everything but word characters and whitespace) is removed. "well-known"
/// and "don't" are one word each; a lone "—" or "..." is none.
pub fn lexicon_count(text: &str) -> usize {
    words_and_sentences(text).0
}

/// `sentence_count`: the pieces `\b[^.!?]+[.!?]*` finds, not counting those of two words or
/// fewer, and at least 1.
pub fn sentence_count(text: &str) -> usize {
    words_and_sentences(text).1
}

/// [`lexicon_count`] and [`sentence_count`] together.
pub fn words_and_sentences(text: &str) -> (usize, usize) {
    (count_words(text), count_long_pieces(text).max(1))
}

/// Word, whitespace or other, for every character; `Skip` for UTF-8 continuation bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Terminator,
    Other,
    /// A non-ASCII lead byte: decode the character to classify it.
    Decode,
    Skip,
}

static BYTE_CLASSES: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b >= 0xc0 {
            Class::Decode
        } else if b >= 0x80 {
            Class::Skip
        } else {
            let c = b as u8 as char;
            if c.is_ascii_alphanumeric() || c == '_' {
                Class::Word
            } else if matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ') {
                Class::Space
            } else if matches!(c, '.' | '!' | '?') {
                Class::Terminator
            } else {
                Class::Other
            }
        };
        b += 1;
    }
    table
};

/// The class of the character whose UTF-8 encoding starts at byte `at` of `text`.
fn class_at(text: &str, at: usize) -> Class {
    match BYTE_CLASSES[usize::from(text.as_bytes()[at])] {
        Class::Decode => match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) if is_word_char(c) => Class::Word,
            Some(c) if is_space(c) => Class::Space,
            _ => Class::Other,
        },
        class => class,
    }
}

/// Whitespace-separated tokens with a word character.
fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut token_has_word = false;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        let class = match BYTE_CLASSES[usize::from(b)] {
            Class::Decode => class_at(text, at),
            class => class,
        };
        match class {
            Class::Word => token_has_word = true,
            Class::Space => {
                words += usize::from(token_has_word);
                token_has_word = false;
            }
            _ => {}
        }
    }
    words + usize::from(token_has_word)
}

/// Sentence pieces with more than two words. A piece's words are counted only until the
/// third, then the scan jumps to its terminator.
fn count_long_pieces(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut long = 0;
    let mut at = 0;
    while at < bytes.len() {
        // The piece starts at the next word character.
        while at < bytes.len() && class_at(text, at) != Class::Word {
            at += 1;
        }
        if at == bytes.len() {
            break;
        }
        let mut words = 0;
        let mut token_has_word = false;
        while at < bytes.len() {
            match class_at(text, at) {
                Class::Word => token_has_word = true,
                Class::Space => {
                    words += usize::from(token_has_word);
                    token_has_word = false;
                }
                Class::Terminator => break,
                _ => {}
            }
            if words + usize::from(token_has_word) > 2 {
                // Long already: the rest of the piece cannot change that.
                at =
                    memchr::memchr3(b'.', b'!', b'?', &bytes[at..]).map_or(bytes.len(), |n| at + n);
                break;
            }
            at += 1;
        }
        words += usize::from(token_has_word);
        long += usize::from(words > 2);
        // Terminators end the piece; the run after them belongs to it.
        while at < bytes.len() && matches!(bytes[at], b'.' | b'!' | b'?') {
            at += 1;
        }
    }
    long
}

/// The pieces textstat treats as sentences, including the short ones it then ignores.
///
/// A piece starts at a word boundary; since each piece runs to the next terminator (or the
/// end) and takes all terminators after it, the next boundary that can start one is always
/// the next word character.
pub fn sentences(text: &str) -> Sentences<'_> {
    Sentences { rest: text }
}

/// Iterator returned by [`sentences`].
#[derive(Clone, Debug)]
pub struct Sentences<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Sentences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.rest.find(is_word_char)?;
        let piece = &self.rest[start..];
        let body = piece.find(TERMINATORS).unwrap_or(piece.len());
        let end = piece[body..]
            .find(|c| !TERMINATORS.contains(&c))
            .map_or(piece.len(), |n| body + n);
        self.rest = &piece[end..];
        Some(&piece[..end])
    }
}

/// The tokens `re.findall(r"[\w\='‘’]+", lowered)` returns, duplicates included.
pub fn difficulty_tokens(lowered: &str) -> impl Iterator<Item = &str> {
    lowered
        .split(|c: char| !(is_word_char(c) || TOKEN_EXTRAS.contains(&c)))
        .filter(|token| !token.is_empty())
}

/// A token of [`difficulty_tokens`] with what the syllable count needs to know about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DifficultyToken<'a> {
    pub token: &'a str,
    /// Word characters in it: the length of the word its syllables are counted on.
    pub word_chars: usize,
    /// Whether it holds apostrophes or `=`, which the syllable count removes.
    pub has_extras: bool,
}

/// [`difficulty_tokens`] in one pass that also measures each token.
pub fn for_each_difficulty_token<'a>(lowered: &'a str, mut f: impl FnMut(DifficultyToken<'a>)) {
    let len = lowered.len();
    let mut at = 0;
    while at < len {
        let (kind, width) = token_char_at(lowered, at);
        if kind == TokenChar::Break {
            at += width;
            continue;
        }
        let start = at;
        let mut word_chars = 0;
        let mut has_extras = false;
        while at < len {
            let (kind, width) = token_char_at(lowered, at);
            match kind {
                TokenChar::Word => word_chars += 1,
                TokenChar::Extra => has_extras = true,
                TokenChar::Break => break,
            }
            at += width;
        }
        if let Some(token) = lowered.get(start..at) {
            f(DifficultyToken {
                token,
                word_chars,
                has_extras,
            });
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TokenChar {
    Word,
    /// `=`, apostrophes: part of a token, removed before counting syllables.
    Extra,
    Break,
}

/// What the character at byte `at` is to a difficulty token, and its UTF-8 length.
fn token_char_at(text: &str, at: usize) -> (TokenChar, usize) {
    let b = text.as_bytes()[at];
    if b.is_ascii() {
        let kind = if b.is_ascii_alphanumeric() || b == b'_' {
            TokenChar::Word
        } else if b == b'=' || b == b'\'' {
            TokenChar::Extra
        } else {
            TokenChar::Break
        };
        return (kind, 1);
    }
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c) if is_word_char(c) => (TokenChar::Word, c.len_utf8()),
        Some(c @ ('‘' | '’')) => (TokenChar::Extra, c.len_utf8()),
        Some(c) => (TokenChar::Break, c.len_utf8()),
        // Not at a character boundary (cannot happen when walking from 0): step a byte.
        None => (TokenChar::Break, 1),
    }
}

/// textstat's `remove_punctuation` for one whitespace-free token: only word characters stay.
pub fn without_punctuation(token: &str) -> Cow<'_, str> {
    if token.chars().all(is_word_char) {
        Cow::Borrowed(token)
    } else {
        Cow::Owned(token.chars().filter(|c| is_word_char(*c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_tokens_with_a_word_character() {
        assert_eq!(lexicon_count("well-known don't — ... 3.14 café"), 4);
        assert_eq!(lexicon_count(""), 0);
        assert_eq!(lexicon_count(" \n\t\u{3000}\x1c"), 0);
        assert_eq!(lexicon_count("a\x1cb"), 2);
        assert_eq!(lexicon_count("😀 😀x"), 1);
    }

    #[test]
    fn sentences_split_on_terminators_and_start_at_word_characters() {
        let found: Vec<_> = sentences("\"Hi there.\" She left!? Dr. Who... e.g. x").collect();
        assert_eq!(
            found,
            vec!["Hi there.", "She left!?", "Dr.", "Who...", "e.", "g.", "x"]
        );
        assert_eq!(sentences("...!!!").count(), 0);
    }

    #[test]
    fn one_pass_count_agrees_with_counting_each_piece() {
        let texts = [
            "",
            "Hello world again",
            "end.\"Next one is here. And again!? Yes",
            "Dr. Smith arrived at noon. e.g. this one counts",
            "  leading space... trailing ?!   ",
            "a.b c d e.f g h",
            "Tab\tsep\u{3000}wide\u{1c}sep words.",
        ];
        let tokens = |s: &str| {
            s.split(is_space)
                .filter(|token| token.chars().any(is_word_char))
                .count()
        };
        for text in texts {
            let pieces = sentences(text)
                .filter(|piece| tokens(piece) > 2)
                .count()
                .max(1);
            assert_eq!(
                words_and_sentences(text),
                (tokens(text), pieces),
                "{text:?}"
            );
        }
    }

    #[test]
    fn short_sentences_are_ignored_but_one_always_counts() {
        assert_eq!(sentence_count(""), 1);
        assert_eq!(sentence_count("Yes. No. Maybe so."), 1);
        assert_eq!(
            sentence_count("The cat sat down. The dog ran off! Why not? Because."),
            2
        );
    }

    #[test]
    fn difficulty_tokens_keep_apostrophes_but_split_hyphens() {
        let tokens: Vec<_> = difficulty_tokens("don't well-known a=b ‘quoted’ 3.14").collect();
        assert_eq!(
            tokens,
            vec!["don't", "well", "known", "a=b", "‘quoted’", "3", "14"]
        );
        let mut measured = Vec::new();
        for_each_difficulty_token("don't well-known a=b ‘quoted’ 3.14 naïve ’", |t| {
            measured.push((t.token, t.word_chars, t.has_extras))
        });
        assert_eq!(
            measured,
            vec![
                ("don't", 4, true),
                ("well", 4, false),
                ("known", 5, false),
                ("a=b", 2, true),
                ("‘quoted’", 6, true),
                ("3", 1, false),
                ("14", 2, false),
                ("naïve", 5, false),
                ("’", 0, true),
            ]
        );
        for text in ["", "  ", "a", "x’y. z=", "中文 ok", "é\u{301}te\u{301}"] {
            let mut tokens = Vec::new();
            for_each_difficulty_token(text, |t| tokens.push(t.token));
            assert_eq!(
                tokens,
                difficulty_tokens(text).collect::<Vec<_>>(),
                "{text:?}"
            );
        }
        assert_eq!(without_punctuation("‘quoted’"), "quoted");
        assert_eq!(without_punctuation("bow-wow"), "bowwow");
        assert_eq!(without_punctuation("'"), "");
    }
}
