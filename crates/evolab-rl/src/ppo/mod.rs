//! Proximal policy optimisation with Stable-Baselines3's default semantics (spec
//! `reservoirs.md` §5): separate 64×64 tanh policy and value networks, categorical and
//! diagonal-Gaussian heads, GAE, clipped surrogate, per-minibatch advantage normalisation,
//! bootstrapping at time-limit truncations, gradient-norm clipping and Adam. Gradients are
//! written out by hand and checked against finite differences in the tests.

mod adam;
mod config;
mod distribution;
mod evaluate;
pub mod kernels;
mod loss;
mod mlp;
mod policy;
mod rollout;
mod trainer;

pub use config::PpoConfig;
pub use evaluate::evaluate;
pub use loss::LossParts;
pub use policy::ActorCritic;
pub use trainer::{Ppo, PpoError, RolloutReport};
