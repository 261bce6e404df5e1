//! Text difficulty as the papers measure it: the Gunning fog index exactly as textstat 0.7.3
//! computes `textstat.gunning_fog(text)` with its default settings (language `en_US`).
//!
//! fog = round2(0.4 × (round1(words / sentences) + 100 × difficult / words)), where words,
//! sentences and difficult words are counted by textstat's own rules (see [`counting`]), a
//! difficult word is a distinct lower-cased token that is not on the Dale-Chall easy-word list
//! and has at least 3 syllables by pyphen's en_US hyphenation, and roundings are textstat's
//! half-away-from-zero `_legacy_round`. A text without words scores 0.

pub mod counting;
pub mod hyphenation;
pub mod pychars;
mod word_cache;

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::word_hash::BuildWordHasher;

use crate::{assets, TextError};
pub use hyphenation::Hyphenator;
use word_cache::{CacheOwner, WordFacts};

/// Data file of the en_US hyphenation patterns (asset "pyphen").
pub const PYPHEN_EN_US: &str = "pyphen-0.15.0/hyph_en_US.dic";
/// Data file of the Dale-Chall easy words (asset "textstat").
pub const EASY_WORDS: &str = "textstat-0.7.3/easy_words.txt";

/// textstat's syllable threshold for English in the fog index.
pub const SYLLABLE_THRESHOLD: usize = 3;

/// The Gunning fog scorer. Immutable once loaded: `Send + Sync`, share it across threads.
#[derive(Clone, Debug)]
pub struct GunningFog {
    hyphenator: Hyphenator,
    easy_words: HashSet<String, BuildWordHasher>,
    cache_owner: CacheOwner,
}

/// What the fog index is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FogCounts {
    /// textstat's `lexicon_count`.
    pub words: usize,
    /// textstat's `sentence_count` (at least 1).
    pub sentences: usize,
    /// textstat's `difficult_words(text, syllable_threshold=3)`.
    pub difficult_words: usize,
}

impl FogCounts {
    /// The fog index from these counts, with textstat's arithmetic and rounding.
    pub fn fog(&self) -> f64 {
        if self.words == 0 {
            // textstat catches the division by zero and returns 0.0.
            return 0.0;
        }
        let words = self.words as f64;
        let percent_difficult = self.difficult_words as f64 / words * 100.0;
        let sentence_length = legacy_round(words / self.sentences.max(1) as f64, 1);
        legacy_round(0.4 * (sentence_length + percent_difficult), 2)
    }
}

impl GunningFog {
    /// Reads the hyphenation patterns and the easy-word list from `data_dir`
    /// (`evolab data fetch pyphen textstat`).
    pub fn load(data_dir: &Path) -> Result<Self, TextError> {
        let hyphenator = Hyphenator::load(&assets::require(data_dir, PYPHEN_EN_US)?)?;
        let (easy_path, text) = assets::read_text(data_dir, EASY_WORDS)?;
        let easy_words = Self::parse_easy_words(&text);
        if easy_words.iter().all(|w| w.is_empty()) {
            return Err(TextError::BadData {
                path: easy_path,
                reason: "it holds no words".into(),
            });
        }
        Ok(GunningFog {
            hyphenator,
            easy_words,
            cache_owner: CacheOwner::new(),
        })
    }

    /// Builds a scorer from already-loaded parts (one word per line in `easy_words`).
    pub fn from_parts(hyphenator: Hyphenator, easy_words: &str) -> Self {
        GunningFog {
            hyphenator,
            easy_words: Self::parse_easy_words(easy_words),
            cache_owner: CacheOwner::new(),
        }
    }

    fn parse_easy_words(text: &str) -> HashSet<String, BuildWordHasher> {
        text.split('\n')
            .map(|line| pychars::strip(line).to_string())
            .collect()
    }

    /// The hyphenator used for syllable counts.
    pub fn hyphenator(&self) -> &Hyphenator {
        &self.hyphenator
    }

    /// `textstat.gunning_fog(text)`.
    pub fn fog(&self, text: &str) -> f64 {
        self.counts(text).fog()
    }

    /// The counts behind [`GunningFog::fog`].
    pub fn counts(&self, text: &str) -> FogCounts {
        let (words, sentences) = counting::words_and_sentences(text);
        FogCounts {
            words,
            sentences,
            difficult_words: self.difficult_words(text, SYLLABLE_THRESHOLD),
        }
    }

    /// textstat's `difficult_words(text, syllable_threshold)`: distinct tokens of the
    /// lower-cased text that are not easy words and have at least `syllable_threshold`
    /// syllables. Inflections of easy words ("dogs") are not easy, as in textstat.
    pub fn difficult_words(&self, text: &str, syllable_threshold: usize) -> usize {
        let lowered = pychars::lower(text);
        let mut count = 0;
        word_cache::for_text(self.cache_owner, |words| {
            counting::for_each_difficulty_token(&lowered, |t| {
                // `syllable_count(token)` on a lower-case token: one word once its
                // apostrophes and `=` are gone. Short words cannot reach the threshold: skip
                // them before any hashing.
                if self.hyphenator.max_syllables(t.word_chars) < syllable_threshold {
                    return;
                }
                let Some(facts) = words.first_occurrence(t.token, || self.word_facts(&t)) else {
                    return;
                };
                count += usize::from(!facts.easy && facts.syllables as usize >= syllable_threshold);
            });
        });
        count
    }

    fn word_facts(&self, t: &counting::DifficultyToken) -> WordFacts {
        let syllables = if t.has_extras {
            let word = counting::without_punctuation(t.token);
            self.hyphenator.syllables_of_lowercase(&word, t.word_chars)
        } else {
            self.hyphenator
                .syllables_of_lowercase(t.token, t.word_chars)
        };
        WordFacts {
            easy: self.easy_words.contains(t.token),
            syllables: u32::try_from(syllables).unwrap_or(u32::MAX),
        }
    }

    /// textstat's `syllable_count(text)`: the text lower-cased and stripped of punctuation,
    /// then hyphenation points plus one for each whitespace-separated word.
    pub fn syllable_count(&self, text: &str) -> usize {
        let lowered = pychars::lower(text);
        lowered
            .split(pychars::is_space)
            .map(|token| {
                self.hyphenator
                    .syllables(&counting::without_punctuation(token))
            })
            .sum()
    }

    /// Whether `word` is on the easy-word list as written (lower case, apostrophes kept).
    pub fn is_easy_word(&self, word: &str) -> bool {
        self.easy_words.contains(word)
    }
}

/// textstat's `_legacy_round`: half away from zero at `points` decimals, computed as
/// `floor(x * 10^points + copysign(0.5, x)) / 10^points` in doubles.
pub fn legacy_round(number: f64, points: i32) -> f64 {
    let scale = 10f64.powi(points);
    (number * scale + 0.5f64.copysign(number)).floor() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_round_uses_double_arithmetic() {
        assert_eq!(legacy_round(2.5, 0), 3.0);
        assert_eq!(legacy_round(0.125, 2), 0.13);
        // 1.005 * 100 is 100.49999999999999 in doubles, so textstat rounds 1.005 down.
        assert_eq!(legacy_round(1.005, 2), 1.0);
        assert_eq!(legacy_round(0.0, 2), 0.0);
    }

    #[test]
    fn fog_formula_from_counts() {
        let empty = FogCounts {
            words: 0,
            sentences: 1,
            difficult_words: 0,
        };
        assert_eq!(empty.fog(), 0.0);
        // 7 words / 3 sentences = 2.333 -> 2.3; 1/7 = 14.2857%; 0.4 * 16.5857 = 6.634 -> 6.63.
        let counts = FogCounts {
            words: 7,
            sentences: 3,
            difficult_words: 1,
        };
        assert_eq!(counts.fog(), 6.63);
    }

    #[test]
    fn scorer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<GunningFog>();
        assert_send_sync::<Hyphenator>();
    }
}
