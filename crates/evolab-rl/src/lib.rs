//! Reinforcement learning for the evolving-reservoirs system (issue 4). So far: numpy's
//! seeding and random stream, which gymnasium environments draw their initial states from,
//! so that an episode started from a seed here is the episode gymnasium starts from the same
//! seed.

pub mod env;
pub mod numpy_rng;
