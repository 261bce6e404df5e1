//! CMA-ES with an ask/tell interface over the unit box, and IPOP restarts (spec
//! `reservoirs.md` §3): the optimiser the evolving-reservoirs study uses for its genes.
//!
//! Minimises. Candidates are drawn in [0, 1]^n: out-of-bounds draws are redrawn up to 10·n
//! times, then clipped. The update is the standard (μ/μ_w, λ) CMA-ES with cumulative
//! step-size adaptation, rank-one and rank-μ covariance updates (Hansen's tutorial,
//! arXiv:1604.00772, default constants).

mod params;
mod state;

pub use params::Strategy;
pub use state::{Cmaes, Stop};
