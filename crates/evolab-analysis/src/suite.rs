//! Which scorers a command uses, built from metric names.

use std::path::{Path, PathBuf};

use evolab_text::scorer::{EnglishScorer, LengthScorer};
use evolab_text::toxicity::prepare_tox_block;
use evolab_text::{GunningFog, PatternSentiment, Scorer, ToxBlock, ToxicityModel, Vader};

use crate::scorers::{DifficultyScorer, PatternScorer, PositivityScorer, ToxicityScorer};
use crate::AnalysisError;

/// A metric family a user can ask for by name.
#[derive(Clone, Copy, Debug)]
pub struct MetricFamily {
    pub name: &'static str,
    pub description: &'static str,
    /// `evolab data fetch` names of the data it reads, shown by `evolab score --list`.
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
        name: "difficulty",
        description: "Gunning fog index, exactly as textstat 0.7.3 (pyphen 0.15.0 en_US)",
        assets: &["pyphen", "textstat"],
    },
    MetricFamily {
        name: "positivity",
        description: "VADER compound, exactly as NLTK 3.8.1 (vaderSentiment 3.3.2 lexicon)",
        assets: &["vader"],
    },
    MetricFamily {
        name: "toxicity",
        description: "P(toxic) of the tox-block 0.1.2 BiLSTM (Jigsaw 2018 labels; a Detoxify proxy), or --toxicity-model",
        assets: &["tox-block"],
    },
    MetricFamily {
        name: "pattern",
        description: "TextBlob 0.17.1 (Pattern) polarity and subjectivity, as the culture paper",
        assets: &["pattern-sentiment"],
    },
    MetricFamily {
        name: "english",
        description: "1 if the text looks English; lexicon metrics are English-only",
        assets: &[],
    },
];

/// The metrics of the telephone paper, plus the English flag.
pub const DEFAULT_METRICS: &[&str] = &["length", "difficulty", "positivity", "toxicity", "english"];

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
            "difficulty" => Box::new(DifficultyScorer(GunningFog::load(&options.data_dir)?)),
            "positivity" => Box::new(PositivityScorer(Vader::load(&options.data_dir)?)),
            "pattern" => Box::new(PatternScorer(PatternSentiment::load(&options.data_dir)?)),
            "toxicity" => Box::new(ToxicityScorer(toxicity_model(options)?)),
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

fn toxicity_model(options: &SuiteOptions) -> Result<Box<dyn ToxicityModel>, AnalysisError> {
    if let Some(dir) = &options.toxicity_model {
        return bert_toxicity(dir);
    }
    // The Keras weights are converted once, on first use, into files Rust reads directly.
    prepare_tox_block(&options.data_dir, &mut |line| eprintln!("{line}"))?;
    Ok(Box::new(ToxBlock::load(&options.data_dir)?))
}

#[cfg(feature = "embeddings")]
fn bert_toxicity(dir: &Path) -> Result<Box<dyn ToxicityModel>, AnalysisError> {
    struct Bert(evolab_text::embedding::BertToxicity);
    impl ToxicityModel for Bert {
        fn identity(&self) -> String {
            self.0.identity()
        }
        fn toxicity(&self, texts: &[&str]) -> Result<Vec<f64>, evolab_text::TextError> {
            self.0.toxicity(texts)
        }
    }
    Ok(Box::new(Bert(evolab_text::embedding::BertToxicity::load(
        dir,
    )?)))
}

#[cfg(not(feature = "embeddings"))]
fn bert_toxicity(dir: &Path) -> Result<Box<dyn ToxicityModel>, AnalysisError> {
    Err(AnalysisError::Invalid(format!(
        "--toxicity-model {} needs a BERT runtime, which this evolab was built without; rebuild with the `embeddings` feature (the default of scripts/evolab)",
        dir.display()
    )))
}
