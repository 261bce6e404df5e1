//! VADER sentiment exactly as NLTK 3.8.1's `SentimentIntensityAnalyzer.polarity_scores`
//! computes it, reading the lexicon shipped with vaderSentiment 3.3.2.
//!
//! NLTK's implementation differs from vaderSentiment's own in several places (its idiom
//! check, its "never so" rule, and it locates every word by the position of the word's
//! first occurrence); those quirks are kept, because the point is to reproduce published
//! numbers. See `docs/analysis/vader.md`.

mod constants;
mod lexicon;
pub(crate) mod python;
mod tokens;

use std::path::Path;

use crate::word_hash::WordHashMap as FxHashMap;
use crate::{assets, TextError};
use constants::{BOOSTER_BIGRAMS, B_DECR, C_INCR, N_SCALAR, SPECIAL_CASE_IDIOMS};
use tokens::Token;

/// Where [`Vader::load`] finds the lexicon inside the data directory.
pub const LEXICON: &str = "vadersentiment-3.3.2/vader_lexicon.txt";

/// NLTK's `polarity_scores` result, rounded as NLTK rounds it: `neg`, `neu` and `pos` to
/// 3 decimals, `compound` to 4.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VaderScores {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

/// A loaded VADER lexicon. Cheap to share between threads.
#[derive(Debug)]
pub struct Vader {
    /// Lexicon words, boosters and negations in one table, so a token is looked up once.
    words: FxHashMap<String, WordFacts>,
}

/// What VADER's rules need to know about one lower-cased word.
#[derive(Clone, Copy, Debug, Default)]
struct WordFacts {
    valence: Option<f64>,
    booster: Option<f64>,
    negation: bool,
}

impl Vader {
    /// Loads `vader_lexicon.txt` from `data_dir` (see [`crate::assets`], asset "vader").
    pub fn load(data_dir: &Path) -> Result<Self, TextError> {
        let (path, bytes) = assets::read(data_dir, LEXICON)?;
        Ok(Self::from_lexicon(lexicon::parse(&bytes, &path)?))
    }

    fn from_lexicon(lexicon: FxHashMap<String, f64>) -> Self {
        let mut words: FxHashMap<String, WordFacts> = lexicon
            .into_iter()
            .map(|(w, v)| {
                let facts = WordFacts {
                    valence: Some(v),
                    ..WordFacts::default()
                };
                (w, facts)
            })
            .collect();
        for &(w, b) in constants::BOOSTERS {
            words.entry(w.to_string()).or_default().booster = Some(b);
        }
        for &w in constants::NEGATE {
            words.entry(w.to_string()).or_default().negation = true;
        }
        Self { words }
    }

    /// The compound score alone, in [-1, 1], rounded to 4 decimals.
    pub fn compound(&self, text: &str) -> f64 {
        let sentiments = self.sentiments(text);
        if sentiments.is_empty() {
            return 0.0;
        }
        python::round(compound(&sentiments, punctuation_emphasis(text)), 4)
    }

    pub fn polarity_scores(&self, text: &str) -> VaderScores {
        score_valence(&self.sentiments(text), text)
    }

    /// One valence per token, after every rule but the punctuation emphasis.
    fn sentiments(&self, text: &str) -> Vec<f64> {
        let tokens = tokens::words_and_emoticons(text);
        let facts: Vec<WordFacts> = tokens
            .iter()
            .map(|t| self.words.get(&*t.lower).copied().unwrap_or_default())
            .collect();
        let scorer = Scorer {
            valences: facts.iter().map(|f| f.valence).collect(),
            boosters: facts.iter().map(|f| f.booster).collect(),
            negated: facts
                .iter()
                .zip(&tokens)
                .map(|(f, t)| f.negation || (t.lower.contains('\'') && t.lower.contains("n't")))
                .collect(),
            is_cap_diff: tokens::allcap_differential(&tokens),
            tokens,
        };
        let mut sentiments = scorer.sentiments();
        but_check(&scorer.tokens, &mut sentiments);
        sentiments
    }
}

/// A tokenised text with each token's lexicon facts looked up once.
struct Scorer<'a> {
    tokens: Vec<Token<'a>>,
    /// Lexicon valence of each token, looked up lower-cased.
    valences: Vec<Option<f64>>,
    /// Booster or dampener increment of each token.
    boosters: Vec<Option<f64>>,
    /// Whether each token negates (NLTK's list, or contains "n't").
    negated: Vec<bool>,
    is_cap_diff: bool,
}

impl Scorer<'_> {
    /// One valence per token, in order.
    fn sentiments(&self) -> Vec<f64> {
        // NLTK finds each token's position with `list.index`, so every repeat of a token is
        // scored in the context of its first occurrence. Only lexicon words score anything
        // (copies share their lexicon entry), so only their positions are needed.
        let mut first_index: FxHashMap<&str, usize> = FxHashMap::default();
        self.tokens
            .iter()
            .enumerate()
            .map(|(k, t)| {
                if self.valences[k].is_none() {
                    return 0.0;
                }
                let i = *first_index.entry(t.text).or_insert(k);
                let kind_of = i + 1 < self.tokens.len()
                    && self.tokens[i].lower == "kind"
                    && self.tokens[i + 1].lower == "of";
                if kind_of || self.boosters[i].is_some() {
                    0.0
                } else {
                    self.sentiment_valence(i)
                }
            })
            .collect()
    }

    fn sentiment_valence(&self, i: usize) -> f64 {
        let Some(mut valence) = self.valences[i] else {
            return 0.0;
        };
        if self.tokens[i].is_upper && self.is_cap_diff {
            valence += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        for start_i in 0..3 {
            if i <= start_i || self.valences[i - (start_i + 1)].is_some() {
                continue;
            }
            let mut s = self.scalar_inc_dec(i - (start_i + 1), valence);
            // Modifiers further from the word count less.
            if start_i == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start_i == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = self.never_check(valence, start_i, i);
            if start_i == 2 {
                valence = self.idioms_check(valence, i);
            }
        }
        self.least_check(valence, i)
    }

    fn scalar_inc_dec(&self, k: usize, valence: f64) -> f64 {
        let Some(booster) = self.boosters[k] else {
            return 0.0;
        };
        let mut scalar = if valence < 0.0 { -booster } else { booster };
        if self.tokens[k].is_upper && self.is_cap_diff {
            scalar += if valence > 0.0 { C_INCR } else { -C_INCR };
        }
        scalar
    }

    /// Negation within three words, and NLTK's "never so"/"never this" emphasis. These
    /// comparisons are case-sensitive in NLTK, and so is the quirk that any "so" or "this"
    /// right before the word triggers the three-word emphasis.
    fn never_check(&self, valence: f64, start_i: usize, i: usize) -> f64 {
        let t = |k: usize| self.tokens[k].text;
        let so_or_this = |k: usize| t(k) == "so" || t(k) == "this";
        match start_i {
            0 if self.negated[i - 1] => valence * N_SCALAR,
            1 if t(i - 2) == "never" && so_or_this(i - 1) => valence * 1.5,
            1 if self.negated[i - 2] => valence * N_SCALAR,
            2 if (t(i - 3) == "never" && so_or_this(i - 2)) || so_or_this(i - 1) => valence * 1.25,
            2 if self.negated[i - 3] => valence * N_SCALAR,
            _ => valence,
        }
    }

    /// Special idioms around the word (case-sensitive), then the "kind of"/"sort of"
    /// dampener two or three words back. Only reached when `i >= 3`.
    fn idioms_check(&self, mut valence: f64, i: usize) -> f64 {
        let n = self.tokens.len();
        let matches = |from: usize, to: usize| -> Option<f64> {
            let words = &self.tokens[from..=to];
            SPECIAL_CASE_IDIOMS
                .iter()
                .find(|(idiom, _)| {
                    idiom.len() == words.len() && idiom.iter().zip(words).all(|(a, b)| *a == b.text)
                })
                .map(|&(_, v)| v)
        };
        // NLTK's order: "i-1 i", "i-2 i-1 i", "i-2 i-1", "i-3 i-2 i-1", "i-3 i-2"; first wins.
        let behind = [
            (i - 1, i),
            (i - 2, i),
            (i - 2, i - 1),
            (i - 3, i - 1),
            (i - 3, i - 2),
        ];
        if let Some(v) = behind.iter().find_map(|&(a, b)| matches(a, b)) {
            valence = v;
        }
        if n - 1 > i {
            if let Some(v) = matches(i, i + 1) {
                valence = v;
            }
        }
        if n - 1 > i + 1 {
            if let Some(v) = matches(i, i + 2) {
                valence = v;
            }
        }
        let bigram =
            |a: usize| BOOSTER_BIGRAMS.contains(&[self.tokens[a].text, self.tokens[a + 1].text]);
        if bigram(i - 3) || bigram(i - 2) {
            valence += B_DECR;
        }
        valence
    }

    /// "least" right before the word negates it, unless preceded by "at" or "very".
    fn least_check(&self, valence: f64, i: usize) -> f64 {
        let is_least = |k: usize| self.valences[k].is_none() && self.tokens[k].lower == "least";
        if i > 1 && is_least(i - 1) {
            let before: &str = &self.tokens[i - 2].lower;
            if before != "at" && before != "very" {
                return valence * N_SCALAR;
            }
            valence
        } else if i > 0 && is_least(i - 1) {
            valence * N_SCALAR
        } else {
            valence
        }
    }
}

/// Words before the first "but" count half, words after it half again as much.
fn but_check(tokens: &[Token], sentiments: &mut [f64]) {
    let Some(bi) = tokens.iter().position(|t| t.lower == "but") else {
        return;
    };
    for (k, s) in sentiments.iter_mut().enumerate() {
        if k < bi {
            *s *= 0.5;
        } else if k > bi {
            *s *= 1.5;
        }
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let exclamations = text.bytes().filter(|&b| b == b'!').count().min(4);
    let questions = text.bytes().filter(|&b| b == b'?').count();
    let ep = exclamations as f64 * 0.292;
    let qm = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    ep + qm
}

/// The compound score before rounding.
fn compound(sentiments: &[f64], amplifier: f64) -> f64 {
    // Left-to-right summation, as Python (before 3.12) sums a list of floats.
    let mut sum_s: f64 = sentiments.iter().fold(0.0, |acc, &s| acc + s);
    if sum_s > 0.0 {
        sum_s += amplifier;
    } else if sum_s < 0.0 {
        sum_s -= amplifier;
    }
    sum_s / (sum_s * sum_s + 15.0).sqrt()
}

fn score_valence(sentiments: &[f64], text: &str) -> VaderScores {
    if sentiments.is_empty() {
        return VaderScores {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
    }
    let amplifier = punctuation_emphasis(text);
    let compound = compound(sentiments, amplifier);

    let (mut pos_sum, mut neg_sum, mut neu_count) = (0.0_f64, 0.0_f64, 0_u32);
    for &s in sentiments {
        // The +1/-1 compensate for neutral words, which count as 1 each.
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += amplifier;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= amplifier;
    }
    let total = pos_sum + neg_sum.abs() + f64::from(neu_count);
    VaderScores {
        neg: python::round((neg_sum / total).abs(), 3),
        neu: python::round((f64::from(neu_count) / total).abs(), 3),
        pos: python::round((pos_sum / total).abs(), 3),
        compound: python::round(compound, 4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vader {
        let lex = [
            ("good", 1.9),
            ("bad", -2.5),
            ("shit", -2.6),
            ("kind", 2.4),
            (":)", 2.0),
        ];
        Vader::from_lexicon(lex.iter().map(|&(w, v)| (w.to_string(), v)).collect())
    }

    #[test]
    fn empty_and_neutral_texts() {
        let v = tiny();
        let zero = VaderScores {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
        assert_eq!(v.polarity_scores(""), zero);
        assert_eq!(v.polarity_scores("  \n\t a"), zero);
        let neutral = v.polarity_scores("the table is here");
        assert_eq!((neutral.neu, neutral.compound), (1.0, 0.0));
    }

    #[test]
    fn single_word_follows_the_formula() {
        let s = tiny().polarity_scores("good");
        assert_eq!(
            s.compound,
            python::round(1.9 / (1.9f64 * 1.9 + 15.0).sqrt(), 4)
        );
        assert_eq!(s.pos, 1.0);
    }

    #[test]
    fn negation_flips_and_shrinks() {
        let v = tiny();
        assert!(v.compound("not good") < 0.0);
        assert!(v.compound("not good").abs() < v.compound("good"));
    }

    #[test]
    fn boosters_caps_and_exclamations_raise_intensity() {
        let v = tiny();
        let base = v.compound("the food was good");
        assert!(v.compound("the food was very good") > base);
        assert!(v.compound("the food was GOOD") > base);
        assert!(v.compound("the food was good!!") > base);
    }

    #[test]
    fn but_shifts_weight_to_the_second_clause() {
        let v = tiny();
        assert!(v.compound("good food but bad service") < 0.0);
        assert!(v.compound("bad food but good service") > 0.0);
    }

    #[test]
    fn idiom_replaces_the_word_valence() {
        // "the shit" is +3 in NLTK's idiom table although "shit" alone is negative.
        assert!(tiny().compound("that was the shit") > 0.0);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let v = tiny();
        for text in [
            "🙂🙂 !!",
            "?? ?? ??",
            "\u{0}\u{1c}x",
            "ǅǅ Σ",
            "least",
            "at least good",
            "kind of",
            "x y z kind of",
        ] {
            let s = v.polarity_scores(text);
            assert!(
                s.compound.is_finite() && (-1.0..=1.0).contains(&s.compound),
                "{text}"
            );
        }
    }

    #[test]
    fn vader_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Vader>();
    }
}
