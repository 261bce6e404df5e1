//! From data to rewards (arXiv:2510.07624, spec `bilevel.md`): maximum-likelihood training
//! seen as a bilevel problem. The outer variable is a reward R_U, the inner problem is
//! entropy-regularised policy gradient against it, and the outer objective is the data
//! likelihood of the inner solution. For Gaussian data the best reward is U* = (λ/2)Σ⁻¹.
//!
//! - Models: `mlp`, `factored_gaussian` and `gaussian_model` (MLP or linear mean, diagonal or
//!   full covariance, shared or state-dependent); `classification` (softmax regression);
//!   `gaussian` (the single-point diagonal policy of the theory check).
//! - Losses and estimators: `regression_loss` (MSE, NLL, policy gradient), `reinforce`,
//!   `baseline` (the original's min-shift among them, labelled biased); `reward`.
//! - Training: `regression`, `single_point`, `optim`, `scaler`.
//! - The outer level: `closed_form`, and the implicit-differentiation solvers `outer`
//!   (diagonal U) and `outer_full` (full U).
//! - Experiments: `theory`, `linear`, `classification_sweep` (with `dataset`), `dynamics`
//!   (with `transitions` and `planner`), read from a file by `experiment`.

pub mod baseline;
pub mod classification;
pub mod classification_sweep;
pub mod closed_form;
pub mod dataset;
pub mod dynamics;
pub mod experiment;
pub mod factored_gaussian;
pub mod gaussian;
pub mod gaussian_model;
pub mod linear;
pub mod mlp;
pub mod nullable;
pub mod optim;
pub mod outer;
pub mod outer_full;
pub mod outer_scalar;
pub mod parallel;
pub mod planner;
pub mod regression;
pub mod regression_loss;
pub mod reinforce;
pub mod reward;
pub mod scaler;
pub mod single_point;
pub mod theory;
pub mod transitions;
