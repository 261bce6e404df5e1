//! Measuring texts the way the culture and telephone papers do: per-text metrics
//! (length, difficulty, positivity, toxicity, embeddings), similarity analyses over a
//! population, and attractor statistics over transmission chains.

pub mod assets;
pub mod error;
pub mod pattern_sentiment;
pub mod vader;

pub use error::TextError;
pub use pattern_sentiment::PatternSentiment;
pub use vader::{Vader, VaderScores};
