//! The per-text metrics of the papers behind the [`Scorer`] interface.

use evolab_text::{
    GunningFog, Metric, MetricDomain, PatternSentiment, Scorer, TextError, ToxicityModel, Vader,
};

/// Gunning fog index exactly as textstat 0.7.3 computes it.
pub struct DifficultyScorer(pub GunningFog);

impl Scorer for DifficultyScorer {
    fn identity(&self) -> String {
        "difficulty/gunning-fog-textstat-0.7.3-pyphen-0.15.0".into()
    }
    fn metrics(&self) -> Vec<Metric> {
        vec![Metric {
            name: "difficulty",
            label: "Difficulty (Gunning fog)",
            domain: MetricDomain::DIFFICULTY,
            english_only: true,
        }]
    }
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
        Ok(texts.iter().map(|t| vec![finite(self.0.fog(t))]).collect())
    }
}

/// VADER compound score exactly as NLTK 3.8.1 computes it.
pub struct PositivityScorer(pub Vader);

impl Scorer for PositivityScorer {
    fn identity(&self) -> String {
        "positivity/vader-nltk-3.8.1-lexicon-vadersentiment-3.3.2".into()
    }
    fn metrics(&self) -> Vec<Metric> {
        vec![Metric {
            name: "positivity",
            label: "Positivity (VADER compound)",
            domain: MetricDomain::POSITIVITY,
            english_only: true,
        }]
    }
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
        Ok(texts
            .iter()
            .map(|t| vec![finite(self.0.compound(t))])
            .collect())
    }
}

/// TextBlob's default (Pattern) polarity and subjectivity, as the culture paper used.
pub struct PatternScorer(pub PatternSentiment);

impl Scorer for PatternScorer {
    fn identity(&self) -> String {
        "pattern-sentiment/textblob-0.17.1".into()
    }
    fn metrics(&self) -> Vec<Metric> {
        vec![
            Metric {
                name: "polarity",
                label: "Polarity (TextBlob/Pattern)",
                domain: MetricDomain::POSITIVITY,
                english_only: true,
            },
            Metric {
                name: "subjectivity",
                label: "Subjectivity (TextBlob/Pattern)",
                domain: MetricDomain::between(0.0, 1.0),
                english_only: true,
            },
        ]
    }
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
        Ok(texts
            .iter()
            .map(|t| {
                let (polarity, subjectivity) = self.0.sentiment(t);
                vec![finite(polarity), finite(subjectivity)]
            })
            .collect())
    }
}

/// Any toxicity classifier; the metric is labelled with the model's own identity, never
/// with the name of a model it stands in for.
pub struct ToxicityScorer(pub Box<dyn ToxicityModel>);

impl Scorer for ToxicityScorer {
    fn identity(&self) -> String {
        format!("toxicity/{}", self.0.identity())
    }
    fn metrics(&self) -> Vec<Metric> {
        vec![Metric {
            name: "toxicity",
            label: "Toxicity",
            domain: MetricDomain::TOXICITY,
            english_only: true,
        }]
    }
    fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
        Ok(self
            .0
            .toxicity(texts)?
            .into_iter()
            .map(|p| vec![finite(p)])
            .collect())
    }
}

/// A non-finite score is stored as undefined, never as a number.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}
