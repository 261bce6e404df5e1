//! Keras' `Tokenizer.texts_to_sequences` followed by `pad_sequences`, with the settings
//! tox-block pickled (read from the converted `vocab.json`).
//!
//! Keras lowercases the whole text with Python's `str.lower`, turns every filter character
//! into the split character, splits on that one character (not on whitespace in general:
//! a no-break space stays inside a word) and drops empty pieces. Words ranked at or past
//! `num_words` are dropped like unknown words, since tox-block has no OOV token.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::word_hash::{BuildWordHasher, WordHashMap};
use crate::TextError;

/// The layout of `vocab.json` this module reads.
pub const VOCAB_FORMAT: &str = "1";

#[derive(Deserialize)]
struct VocabFile {
    format: String,
    config: VocabConfig,
    word_index: HashMap<String, u32>,
}

#[derive(Deserialize)]
struct VocabConfig {
    lower: bool,
    filters: String,
    split: String,
    char_level: bool,
    oov_token: Option<String>,
    num_words: u32,
    maxlen: usize,
    padding: String,
    truncating: String,
}

#[derive(Debug)]
pub struct KerasTokenizer {
    word_index: WordHashMap<String, u32>,
    filters: HashSet<char, BuildWordHasher>,
    split: char,
    lower: bool,
    maxlen: usize,
}

impl KerasTokenizer {
    pub fn read(path: &Path) -> Result<Self, TextError> {
        let bad = |reason: String| TextError::BadData {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let vocab: VocabFile = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a tox-block vocabulary: {e}")))?;
        if vocab.format != VOCAB_FORMAT {
            return Err(bad(format!(
                "vocabulary format {} is not the supported {VOCAB_FORMAT}",
                vocab.format
            )));
        }
        let c = vocab.config;
        let mut split_chars = c.split.chars();
        let split = match (split_chars.next(), split_chars.next()) {
            (Some(s), None) => s,
            _ => return Err(bad(format!("split {:?} is not one character", c.split))),
        };
        // These settings are fixed in tox-block; other values would need code paths that are
        // not written, so they are refused rather than ignored.
        if c.char_level
            || c.oov_token.is_some()
            || c.padding != "pre"
            || c.truncating != "pre"
            || c.maxlen == 0
        {
            return Err(bad(
                "tokenizer settings (char_level, oov_token, padding, truncating, maxlen) differ from tox-block 0.1.2's".into(),
            ));
        }
        if let Some((w, &i)) = vocab
            .word_index
            .iter()
            .find(|(_, &i)| i == 0 || i >= c.num_words)
        {
            return Err(bad(format!(
                "word {w:?} has index {i}, outside 1..{}",
                c.num_words
            )));
        }
        Ok(KerasTokenizer {
            word_index: vocab.word_index.into_iter().collect(),
            filters: c.filters.chars().collect(),
            split,
            lower: c.lower,
            maxlen: c.maxlen,
        })
    }

    /// The largest word index plus one: the embedding needs at least this many rows.
    pub fn index_bound(&self) -> usize {
        self.word_index
            .values()
            .max()
            .map_or(1, |&m| m as usize + 1)
    }

    pub fn maxlen(&self) -> usize {
        self.maxlen
    }

    /// `texts_to_sequences([text])[0]`.
    pub fn sequence(&self, text: &str) -> Vec<u32> {
        let lowered;
        let text = if self.lower {
            lowered = text.to_lowercase();
            lowered.as_str()
        } else {
            text
        };
        text.split(|c: char| c == self.split || self.filters.contains(&c))
            .filter(|w| !w.is_empty())
            .filter_map(|w| self.word_index.get(w).copied())
            .collect()
    }

    /// `pad_sequences([sequence(text)], maxlen)[0]`: the last `maxlen` indices, with zeros in
    /// front.
    pub fn padded(&self, text: &str) -> Vec<u32> {
        let seq = self.sequence(text);
        let kept = &seq[seq.len().saturating_sub(self.maxlen)..];
        let mut out = vec![0; self.maxlen - kept.len()];
        out.extend_from_slice(kept);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokenizer(words: &[(&str, u32)], maxlen: usize) -> KerasTokenizer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vocab.json");
        let vocab = serde_json::json!({
            "format": "1",
            "config": {
                "lower": true, "filters": "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n", "split": " ",
                "char_level": false, "oov_token": null, "num_words": 10, "maxlen": maxlen,
                "padding": "pre", "truncating": "pre"
            },
            "word_index": words.iter().map(|&(w, i)| (w.to_string(), i)).collect::<HashMap<_, _>>(),
        });
        std::fs::write(&path, vocab.to_string()).unwrap();
        KerasTokenizer::read(&path).unwrap()
    }

    #[test]
    fn splits_like_keras() {
        let t = tokenizer(
            &[
                ("you", 1),
                ("are", 2),
                ("don't", 3),
                ("\u{a0}", 4),
                ("ας", 5),
            ],
            5,
        );
        // Filters become spaces; the apostrophe and the no-break space are not filters.
        assert_eq!(t.sequence("YOU,are!!don't"), vec![1, 2, 3]);
        assert_eq!(t.sequence("you \u{a0} are\r"), vec![1, 4]);
        assert_eq!(t.sequence("you\tare\nyou"), vec![1, 2, 1]);
        // Python's str.lower maps a word-final capital sigma to ς, as Rust's to_lowercase does.
        assert_eq!(t.sequence("ΑΣ"), vec![5]);
        assert_eq!(t.sequence(""), Vec::<u32>::new());
    }

    #[test]
    fn pads_and_truncates_at_the_front() {
        let t = tokenizer(&[("a", 1), ("b", 2), ("c", 3)], 3);
        assert_eq!(t.padded("a"), vec![0, 0, 1]);
        assert_eq!(t.padded("a b c a b"), vec![3, 1, 2]);
        assert_eq!(t.padded("zzz"), vec![0, 0, 0]);
    }

    #[test]
    fn refuses_indices_past_num_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vocab.json");
        let vocab = serde_json::json!({
            "format": "1",
            "config": {"lower": true, "filters": "", "split": " ", "char_level": false,
                "oov_token": null, "num_words": 10, "maxlen": 5, "padding": "pre", "truncating": "pre"},
            "word_index": {"a": 10},
        });
        std::fs::write(&path, vocab.to_string()).unwrap();
        assert!(KerasTokenizer::read(&path).is_err());
        std::fs::write(&path, "{").unwrap();
        assert!(KerasTokenizer::read(&path).is_err());
    }
}
