//! Echo-state reservoirs (spec `reservoirs.md` §2): a fixed random recurrent network whose
//! state, driven by observations, actions and rewards, is what the policy sees. Only the
//! macro-parameters (spectral radius, leak rate, input scaling) change between trials; the
//! random topology comes from the seed alone, so every trial with one seed rescales the
//! same matrices.

mod esn;
mod features;
mod real;
mod sparse;
mod spectral;
mod topology;
mod wrapper;

pub use esn::{Reservoir, ReservoirParams};
pub use features::{FeatureOptions, Feed, Precision, ReservoirFeatures, ReservoirSpec};
pub use real::Real;
pub use spectral::spectral_radius;
pub use topology::Topology;
pub use wrapper::ReservoirEnv;
