//! One interface for every per-text metric, so that `evolab score`, the run analysis and the
//! score cache treat length, difficulty, positivity and toxicity alike.

use serde::Serialize;

use crate::{language, preprocess, MetricDomain, TextError};

/// A scalar property of a text.
#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// Column name in tables and exports, e.g. `difficulty`.
    pub name: &'static str,
    /// Axis label for figures.
    pub label: &'static str,
    pub domain: MetricDomain,
    /// Lexicon- or vocabulary-based metrics mean nothing for texts in other languages.
    pub english_only: bool,
}

/// Computes one or more metrics for a batch of texts.
pub trait Scorer: Send + Sync {
    /// Recorded with every stored value; a different identity means different numbers, so
    /// it names the algorithm and the exact data it reads (versions, hashes).
    fn identity(&self) -> String;
    fn metrics(&self) -> Vec<Metric>;
    /// One row per text, one value per metric in the order of [`Scorer::metrics`];
    /// `None` where a metric is undefined for that text.
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError>;
}

/// Length in characters.
pub struct LengthScorer;

impl Scorer for LengthScorer {
    fn identity(&self) -> String {
        "length/unicode-scalars-v1".into()
    }
    fn metrics(&self) -> Vec<Metric> {
        vec![Metric {
            name: "length",
            label: "Length (characters)",
            domain: MetricDomain::LENGTH,
            english_only: false,
        }]
    }
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
        Ok(texts
            .iter()
            .map(|t| vec![Some(preprocess::char_length(t) as f64)])
            .collect())
    }
}

/// 1 when a text looks English, 0 otherwise (see [`language::looks_english`]).
pub struct EnglishScorer;

impl Scorer for EnglishScorer {
    fn identity(&self) -> String {
        "english/function-words-v1".into()
    }
    fn metrics(&self) -> Vec<Metric> {
        vec![Metric {
            name: "english",
            label: "Looks English (1 = yes)",
            domain: MetricDomain::between(0.0, 1.0),
            english_only: false,
        }]
    }
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
        Ok(texts
            .iter()
            .map(|t| vec![Some(if language::looks_english(t) { 1.0 } else { 0.0 })])
            .collect())
    }
}
