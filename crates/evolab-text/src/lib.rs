//! Measuring texts the way the culture and telephone papers do: per-text metrics
//! (length, difficulty, positivity, toxicity, embeddings), similarity analyses over a
//! population, and attractor statistics over transmission chains.

pub mod assets;
pub mod difficulty;
pub mod error;

pub use difficulty::{FogCounts, GunningFog};
pub use error::TextError;
