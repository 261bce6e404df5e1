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
    text.split(is_space)
        .filter(|token| token.chars().any(is_word_char))
        .count()
}

/// `sentence_count`: the pieces `\b[^.!?]+[.!?]*` finds, not counting those of two words or
/// fewer, and at least 1.
pub fn sentence_count(text: &str) -> usize {
    sentences(text)
        .filter(|sentence| lexicon_count(sentence) > 2)
        .count()
        .max(1)
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
        assert_eq!(without_punctuation("‘quoted’"), "quoted");
        assert_eq!(without_punctuation("bow-wow"), "bowwow");
        assert_eq!(without_punctuation("'"), "");
    }
}
