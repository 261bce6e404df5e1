//! Which scorers a command uses, built from metric names.

use std::path::{Path, PathBuf};

use evolab_text::scorer::{EnglishScorer, LengthScorer};
use evolab_text::Scorer;

use crate::AnalysisError;

/// A metric family a user can ask for by name.
#[derive(Clone, Copy, Debug)]
pub struct MetricFamily {
    pub name: &'static str,
    pub description: &'static str,
    /// `evolab data fetch` names of the data it reads.
    pub assets: &'static [&'static str],
}

/// Every metric family, in the order they appear in tables.
pub const FAMILIES: &[MetricFamily] = &[
    MetricFamily {
        name: "length",
        description: "characters (Unicode scalar values)",
        assets: &[],
    },
    MetricFamily {
        name: "english",
        description: "1 if the text looks English; lexicon metrics are English-only",
        assets: &[],
    },
];

/// The metrics of the telephone paper, plus the English flag.
pub const DEFAULT_METRICS: &[&str] = &["length", "english"];

/// What to build.
#[derive(Clone, Debug)]
pub struct SuiteOptions {
    pub data_dir: PathBuf,
    pub metrics: Vec<String>,
    /// A user-supplied BERT toxicity classifier used instead of the default.
    pub toxicity_model: Option<PathBuf>,
}

impl SuiteOptions {
    pub fn defaults(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
            metrics: DEFAULT_METRICS.iter().map(|m| m.to_string()).collect(),
            toxicity_model: None,
        }
    }
}

/// Loads the scorers named in `options.metrics`.
pub fn load(options: &SuiteOptions) -> Result<Vec<Box<dyn Scorer>>, AnalysisError> {
    let mut scorers: Vec<Box<dyn Scorer>> = Vec::new();
    for name in &options.metrics {
        let scorer: Box<dyn Scorer> = match name.as_str() {
            "length" => Box::new(LengthScorer),
            "english" => Box::new(EnglishScorer),
            other => {
                let known: Vec<&str> = FAMILIES.iter().map(|f| f.name).collect();
                return Err(AnalysisError::Invalid(format!(
                    "unknown metric {other:?}; known metrics are {}",
                    known.join(", ")
                )));
            }
        };
        scorers.push(scorer);
    }
    Ok(scorers)
}
