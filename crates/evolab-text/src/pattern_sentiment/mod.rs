//! Polarity and subjectivity as TextBlob 0.17.1's default `PatternAnalyzer` computes them
//! (`TextBlob(text).sentiment`), from Pattern's `en-sentiment.xml` as shipped in TextBlob.
//!
//! Pattern averages the scores of the known words of a text (mostly adjectives); an adverb
//! before a word multiplies it by the adverb's intensity, a negation flips and halves it,
//! "!" strengthens the word before it, and emoticons count as words of their own.
//! See `docs/analysis/vader.md` for the quirks kept on purpose.

mod emoticons;
mod lexicon;
mod tokenize;

use std::collections::HashMap;
use std::path::Path;

use crate::vader::python;
use crate::{assets, TextError};
use lexicon::Entry;

/// Where [`PatternSentiment::load`] finds the lexicon inside the data directory.
pub const LEXICON: &str = "textblob-0.17.1/en-sentiment.xml";

const NEGATIONS: &[&str] = &["no", "not", "n't", "never"];
/// Pattern's `PUNCTUATION` string: a word that is a substring of it is never an emoticon.
const PUNCTUATION: &str = ".,;:!?()[]{}`''\"@#$^&*+-|=~_";

/// A loaded Pattern lexicon. Cheap to share between threads.
#[derive(Debug)]
pub struct PatternSentiment {
    words: HashMap<String, Entry>,
    /// Lower-cased emoticon -> polarity, first group winning, as Pattern scans them.
    emoticons: HashMap<String, f64>,
}

/// One scored chunk: a known word with its modifier and negation, or an emoticon.
struct Assessment {
    polarity: f64,
    subjectivity: f64,
    intensity: f64,
    negated: bool,
}

impl PatternSentiment {
    /// Loads `en-sentiment.xml` from `data_dir` (see [`crate::assets`], asset
    /// "pattern-sentiment").
    pub fn load(data_dir: &Path) -> Result<Self, TextError> {
        let (path, xml) = assets::read_text(data_dir, LEXICON)?;
        Ok(Self::from_words(lexicon::parse(&xml, &path)?))
    }

    fn from_words(words: HashMap<String, Entry>) -> Self {
        let mut emoticons = HashMap::new();
        for (polarity, group) in emoticons::EMOTICONS {
            for e in *group {
                let lower = python::lower(e);
                // Pattern skips all-letter words ("xd") and fragments of its punctuation.
                let eligible = !lower.chars().all(char::is_alphabetic)
                    && python::len(&lower) <= 5
                    && !PUNCTUATION.contains(lower.as_str());
                if eligible {
                    emoticons.entry(lower).or_insert(*polarity);
                }
            }
        }
        Self { words, emoticons }
    }

    /// `(polarity, subjectivity)`: polarity in [-1, 1], subjectivity in [0, 1]; both 0.0
    /// for a text without known words or emoticons. Not rounded.
    pub fn sentiment(&self, text: &str) -> (f64, f64) {
        let words: Vec<String> = tokenize::words(text)
            .iter()
            .map(|w| python::lower(w))
            .collect();
        let assessments = self.assessments(&words);
        let n = assessments.len().max(1) as f64;
        let mut polarity = 0.0;
        let mut subjectivity = 0.0;
        for a in &assessments {
            // "not good" = slightly bad, "not bad" = slightly good.
            polarity += if a.negated {
                a.polarity * -0.5
            } else {
                a.polarity
            };
            subjectivity += a.subjectivity;
        }
        (polarity / n, subjectivity / n)
    }

    fn assessments(&self, words: &[String]) -> Vec<Assessment> {
        let mut a: Vec<Assessment> = Vec::new();
        // The preceding adverb, while it may still modify the next known word.
        let mut modifier: Option<&str> = None;
        // The preceding negation, while it may still apply.
        let mut negation: Option<&str> = None;
        for w in words {
            let w = w.as_str();
            if let Some(entry) = self.words.get(w) {
                match modifier {
                    None => a.push(Assessment {
                        polarity: entry.polarity,
                        subjectivity: entry.subjectivity,
                        intensity: entry.intensity,
                        negated: false,
                    }),
                    Some(_) => {
                        let last = a.last_mut().expect("a modifier is always assessed");
                        last.polarity = clamp(entry.polarity * last.intensity);
                        last.subjectivity = clamp(entry.subjectivity * last.intensity);
                        last.intensity = entry.intensity;
                    }
                }
                if negation.is_some() {
                    let last = a.last_mut().expect("just assessed");
                    last.intensity = 1.0 / last.intensity;
                    last.negated = true;
                }
                modifier = entry.is_adverb.then_some(w);
                negation = NEGATIONS.contains(&w).then_some(w);
            } else {
                if NEGATIONS.contains(&w) {
                    negation = Some(w);
                } else if negation.is_some() && python::len(w.trim_matches('\'')) > 1 {
                    // Negation carries across small words only ("not a good").
                    negation = None;
                }
                if negation.is_some() && modifier.is_some_and(|m| m.ends_with("ly")) {
                    // "really not good": the negation joins the adverb's chunk.
                    a.last_mut().expect("a modifier is always assessed").negated = true;
                    negation = None;
                } else if modifier.is_some() && python::len(w) > 2 {
                    // A modifier carries across small words only ("really is a good").
                    modifier = None;
                }
                if w == "!" {
                    if let Some(last) = a.last_mut() {
                        last.polarity = clamp(last.polarity * 1.25);
                    }
                }
                if w == "(!)" {
                    // Exclamation marks in parentheses mark irony: subjective, no polarity.
                    a.push(Assessment {
                        polarity: 0.0,
                        subjectivity: 1.0,
                        intensity: 1.0,
                        negated: false,
                    });
                }
                if let Some(&polarity) = self.emoticons.get(w) {
                    a.push(Assessment {
                        polarity,
                        subjectivity: 1.0,
                        intensity: 1.0,
                        negated: false,
                    });
                }
            }
        }
        a
    }
}

/// Python's `max(-1.0, min(x, 1.0))`, including what it does with NaN (gives -1.0).
fn clamp(x: f64) -> f64 {
    let upper = if 1.0 < x { 1.0 } else { x };
    if upper > -1.0 {
        upper
    } else {
        -1.0
    }
}
