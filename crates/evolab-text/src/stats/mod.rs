//! Elementary statistics for the analyses: descriptive summaries of samples and the Student-t
//! distribution (CDF, survival function, quantile) implemented in pure Rust.

mod descriptive;
pub mod special;
mod student_t;

pub use descriptive::{mean, mean_ci, percentile, sample_sd, sem, Summary};
pub use student_t::StudentT;
