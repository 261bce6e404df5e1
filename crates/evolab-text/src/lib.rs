//! Measuring texts the way the culture and telephone papers do: per-text metrics
//! (length, difficulty, positivity, toxicity, embeddings), similarity analyses over a
//! population, and attractor statistics over transmission chains.

pub mod assets;
#[cfg(feature = "embeddings")]
pub mod embedding;
pub mod error;

pub use error::TextError;
