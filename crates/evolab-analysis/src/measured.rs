//! A run together with the scores of its texts.

use evolab_core::RunStore;
use evolab_text::preprocess::strip_hashtags;
use evolab_text::{Metric, Scorer};

use crate::run_texts::{self, RunTexts};
use crate::scoring::{score_cached, TextScores};
use crate::AnalysisError;

/// The metric that flags non-English texts; reported, never analysed as a property.
pub const ENGLISH: &str = "english";

pub struct MeasuredRun {
    pub texts: RunTexts,
    /// The analysed metrics, in scorer order (the English flag excluded).
    pub metrics: Vec<Metric>,
    /// Identities of the scorers used, recorded in reports.
    pub scorers: Vec<String>,
    scores: Vec<TextScores>,
}

impl MeasuredRun {
    /// Loads the run and scores every text (after hashtag removal when `strip` is set),
    /// reusing scores already in the store.
    pub fn measure(
        store: &RunStore,
        run_id: &str,
        scorers: &[Box<dyn Scorer>],
        strip: bool,
        threads: usize,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<Self, AnalysisError> {
        let texts = run_texts::load(store, run_id)?;
        let cleaned: Vec<String> = texts
            .texts
            .iter()
            .map(|t| {
                if strip {
                    strip_hashtags(&t.output).into_owned()
                } else {
                    t.output.clone()
                }
            })
            .collect();
        let refs: Vec<&str> = cleaned.iter().map(String::as_str).collect();
        let scores = score_cached(store, scorers, &refs, threads, progress)?;
        Ok(Self {
            texts,
            metrics: scorers
                .iter()
                .flat_map(|s| s.metrics())
                .filter(|m| m.name != ENGLISH)
                .collect(),
            scorers: scorers.iter().map(|s| s.identity()).collect(),
            scores,
        })
    }

    /// The value of `metric` for text `index` of [`RunTexts::texts`].
    pub fn value(&self, index: usize, metric: &str) -> Option<f64> {
        self.scores.get(index)?.get(metric).copied().flatten()
    }

    /// Texts that do not look English (only known when the English flag was scored).
    pub fn non_english(&self) -> usize {
        (0..self.scores.len())
            .filter(|&i| self.value(i, ENGLISH) == Some(0.0))
            .count()
    }

    /// Texts cut off by the token limit.
    pub fn truncated(&self) -> usize {
        self.texts
            .texts
            .iter()
            .filter(|t| t.finish_reason.as_deref() == Some("length"))
            .count()
    }
}
