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

/// [`lexicon_count`] and [`sentence_count`] in one pass over the text.
pub fn words_and_sentences(text: &str) -> (usize, usize) {
    let mut scan = Scan::default();
    for_each_class(text, |class| scan.feed(class));
    scan.finish()
}

/// Classifies each character, reading ASCII bytes through a table without decoding.
fn for_each_class(text: &str, mut f: impl FnMut(Class)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            f(ASCII_CLASSES[b as usize]);
            i += 1;
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            f(Class::of(c));
            i += c.len_utf8();
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Terminator,
    Other,
}

impl Class {
    fn of(c: char) -> Class {
        if c.is_ascii() {
            return ASCII_CLASSES[c as usize];
        }
        if is_word_char(c) {
            Class::Word
        } else if is_space(c) {
            Class::Space
        } else {
            Class::Other
        }
    }
}

static ASCII_CLASSES: [Class; 128] = {
    let mut table = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        table[b] = if c.is_ascii_alphanumeric() || c == '_' {
            Class::Word
        } else if matches!(c, '\t'..='\r' | '\x1c'..='\x1f' | ' ') {
            Class::Space
        } else if matches!(c, '.' | '!' | '?') {
            Class::Terminator
        } else {
            Class::Other
        };
        b += 1;
    }
    table
};

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Place {
    /// Between sentence pieces: waiting for a word character.
    #[default]
    Outside,
    /// In a piece, before its terminators.
    Body,
    /// In the run of terminators that ends a piece.
    Terminators,
}

/// The state of the one-pass count. Words of the whole text and words of a piece are
/// counted separately because a piece can cut a whitespace token ("end.\"Next" is one word
/// of the text but ends one piece and starts the next).
#[derive(Default)]
struct Scan {
    words: usize,
    token_has_word: bool,
    place: Place,
    piece_words: usize,
    piece_token_has_word: bool,
    long_pieces: usize,
}

impl Scan {
    fn feed(&mut self, class: Class) {
        match class {
            Class::Space => {
                self.words += usize::from(self.token_has_word);
                self.token_has_word = false;
            }
            Class::Word => self.token_has_word = true,
            Class::Terminator | Class::Other => {}
        }
        if self.place == Place::Terminators && class != Class::Terminator {
            self.close_piece();
        }
        match (self.place, class) {
            (Place::Outside, Class::Word) => {
                self.place = Place::Body;
                self.piece_words = 0;
                self.piece_token_has_word = true;
            }
            (Place::Outside, _) | (Place::Terminators, _) => {}
            (Place::Body, Class::Terminator) => self.place = Place::Terminators,
            (Place::Body, Class::Space) => {
                self.piece_words += usize::from(self.piece_token_has_word);
                self.piece_token_has_word = false;
            }
            (Place::Body, Class::Word) => self.piece_token_has_word = true,
            (Place::Body, Class::Other) => {}
        }
    }

    fn close_piece(&mut self) {
        self.piece_words += usize::from(self.piece_token_has_word);
        self.piece_token_has_word = false;
        self.long_pieces += usize::from(self.piece_words > 2);
        self.place = Place::Outside;
    }

    fn finish(mut self) -> (usize, usize) {
        self.words += usize::from(self.token_has_word);
        if self.place != Place::Outside {
            self.close_piece();
        }
        (self.words, self.long_pieces.max(1))
    }
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
    let bytes = lowered.as_bytes();
    let mut current: Option<(usize, usize, bool)> = None;
    let mut i = 0;
    let mut emit = |start: usize, end: usize, word_chars: usize, has_extras: bool| {
        if let Some(token) = lowered.get(start..end) {
            f(DifficultyToken {
                token,
                word_chars,
                has_extras,
            });
        }
    };
    while let Some(&b) = bytes.get(i) {
        let (width, word, extra) = if b.is_ascii() {
            let word = b.is_ascii_alphanumeric() || b == b'_';
            (1, word, b == b'=' || b == b'\'')
        } else {
            let Some(c) = lowered.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            (c.len_utf8(), is_word_char(c), c == '‘' || c == '’')
        };
        if word || extra {
            let (_, chars, extras) = current.get_or_insert((i, 0, false));
            *chars += usize::from(word);
            *extras |= extra;
        } else if let Some((start, chars, extras)) = current.take() {
            emit(start, i, chars, extras);
        }
        i += width;
    }
    if let Some((start, chars, extras)) = current {
        emit(start, lowered.len(), chars, extras);
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
