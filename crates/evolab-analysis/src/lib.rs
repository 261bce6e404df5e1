//! From a run in the store to numbers, statistics, figures and a report.
//!
//! Reads the run store and nothing else; every per-text score goes through the store's
//! content-keyed cache, so a second analysis of the same texts scores nothing again.

pub mod corpus;
pub mod culture;
pub mod embedder;
pub mod error;
pub mod measured;
pub mod pipeline;
pub mod report;
pub mod run_texts;
pub mod scorers;
pub mod scoring;
pub mod suite;
pub mod telephone;

pub use error::AnalysisError;
