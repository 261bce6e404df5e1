//! From data to rewards (arXiv:2510.07624, spec `bilevel.md`): maximum-likelihood training
//! seen as a bilevel problem. The outer variable is a reward R_U, the inner problem is
//! entropy-regularised policy gradient against it, and the outer objective is the data
//! likelihood of the inner solution. For Gaussian data the best reward is U* = (λ/2)Σ⁻¹.
//!
//! This first part holds the Gaussian theory: the diagonal Gaussian policy, the Mahalanobis
//! reward, REINFORCE with its baselines (the original's min-shift among them, labelled
//! biased), the closed-form rewards, the single-point experiment that checks them, and an
//! outer solver that learns the reward by implicit differentiation instead of the closed form.

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
pub mod parallel;
pub mod planner;
pub mod regression;
pub mod regression_loss;
pub mod reinforce;
pub mod reward;
pub mod single_point;
pub mod theory;
pub mod transitions;
