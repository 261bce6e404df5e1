//! Measuring texts the way the culture and telephone papers do: per-text metrics
//! (length, difficulty, positivity, toxicity, embeddings), similarity analyses over a
//! population, and attractor statistics over transmission chains.

pub mod assets;
pub mod attractor;
pub mod difficulty;
#[cfg(feature = "embeddings")]
pub mod embedding;
pub mod error;
pub mod language;
pub mod pattern_sentiment;
pub mod porter;
pub mod preprocess;
pub mod scorer;
pub mod similarity;
pub mod stats;
pub mod stop_words;
pub mod toxicity;
pub mod vader;
pub(crate) mod word_hash;

pub use attractor::MetricDomain;
pub use difficulty::{FogCounts, GunningFog};
pub use error::TextError;
pub use pattern_sentiment::PatternSentiment;
pub use scorer::{Metric, Scorer};
pub use stop_words::StopWords;
pub use toxicity::{ToxBlock, ToxicityModel};
pub use vader::{Vader, VaderScores};
