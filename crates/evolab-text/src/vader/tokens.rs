//! NLTK's `SentiText`: splitting a text into the words and emoticons VADER scores.

use std::borrow::Cow;

use super::constants::PUNC_LIST;
use super::python;

/// One token and the facts about it that scoring asks for repeatedly.
pub struct Token<'a> {
    /// The token as NLTK keeps it (case preserved, one punctuation run possibly stripped).
    pub text: &'a str,
    pub lower: Cow<'a, str>,
    pub is_upper: bool,
}

/// Splits on whitespace, drops one-character tokens, and strips a leading or trailing run
/// of punctuation when that run is one of [`PUNC_LIST`].
///
/// NLTK strips by looking each token up in a table built from every `PUNC_LIST` entry
/// glued before and after every punctuation-free word (longer than one character) of the
/// text. A token is in that table exactly when it is such a run plus a word with no ASCII
/// punctuation at all, so the same check is done here on the token alone.
pub fn words_and_emoticons(text: &str) -> Vec<Token<'_>> {
    python::split_whitespace(text)
        .filter(|t| python::len(t) > 1)
        .map(|t| {
            let text = strip_punctuation_run(t);
            Token {
                text,
                lower: python::lower_cow(text),
                is_upper: python::is_upper(text),
            }
        })
        .collect()
}

fn strip_punctuation_run(token: &str) -> &str {
    // ASCII punctuation is one byte in UTF-8 and never part of a multi-byte character.
    let is_punct = |b: &u8| b.is_ascii_punctuation();
    let bytes = token.as_bytes();
    let lead = bytes.iter().take_while(|b| is_punct(b)).count();
    let (run, word) = if lead > 0 {
        (&token[..lead], &token[lead..])
    } else {
        let trail = bytes.iter().rev().take_while(|b| is_punct(b)).count();
        let cut = token.len() - trail;
        (&token[cut..], &token[..cut])
    };
    let strippable = !run.is_empty()
        && PUNC_LIST.contains(&run)
        && !word.bytes().any(|b| b.is_ascii_punctuation())
        && python::len(word) > 1;
    if strippable {
        word
    } else {
        token
    }
}

/// Whether some but not all tokens are ALL CAPS: only then does capitalisation add emphasis.
pub fn allcap_differential(tokens: &[Token]) -> bool {
    let upper = tokens.iter().filter(|t| t.is_upper).count();
    let differential = tokens.len() - upper;
    0 < differential && differential < tokens.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        words_and_emoticons(s).iter().map(|t| t.text).collect()
    }

    #[test]
    fn strips_listed_punctuation_runs_only() {
        assert_eq!(
            texts("Good, great!!! ok?!? (fine)"),
            ["Good", "great", "ok", "(fine)"]
        );
        assert_eq!(texts("wow!!!! :) I a"), ["wow!!!!", ":)"]);
        // NLTK's table holds "dont" (all punctuation removed), never "don't": the comma stays.
        assert_eq!(texts("don't, \"quoted\""), ["don't,", "\"quoted\""]);
        assert_eq!(texts("...so ok. x. ab"), ["...so", "ok", "x.", "ab"]);
    }

    #[test]
    fn stripping_keeps_words_of_two_or_more_characters() {
        assert_eq!(texts("é. éé."), ["é.", "éé"]);
    }
}
