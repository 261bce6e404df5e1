//! Reinforcement learning for the evolving-reservoirs system (issue 4). So far: numpy's
//! seeding and random stream, which gymnasium environments draw their initial states from;
//! the environments themselves, so that an episode started from a seed here is the episode
//! gymnasium starts from the same seed; the echo-state reservoirs; and CMA-ES.

pub mod cmaes;
pub mod env;
pub mod experiment;
pub mod gaussian;
pub mod numpy_rng;
pub mod ppo;
pub mod reservoir;
