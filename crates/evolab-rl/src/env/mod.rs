//! Environments with gymnasium's dynamics, rewards, termination and reset distributions, so
//! that an episode from a seed here is the episode gymnasium plays from that seed.
//!
//! Observations are written into a caller's buffer and actions are borrowed, so a training
//! loop steps without allocating.

mod acrobot;
mod cartpole;
mod classic;
mod frame_stack;
mod mountain_car;
mod partial;
mod pendulum;
mod registry;
mod time_limit;
mod vec_env;

pub use acrobot::{Acrobot, AcrobotPhysics};
pub use cartpole::{cartpole_fell, CartPole, CartPolePhysics};
pub use classic::{Classic, Physics};
pub use frame_stack::FrameStack;
pub use mountain_car::{
    MountainCar, MountainCarContinuous, MountainCarContinuousPhysics, MountainCarPhysics,
};
pub use partial::{Hide, PartiallyObserved};
pub use pendulum::{pendulum_reward, Pendulum, PendulumPhysics};
pub use registry::{info, make, EnvInfo, UnknownEnv, ENVIRONMENTS};
pub use time_limit::TimeLimit;
pub use vec_env::{Actions, Episode, VecEnv};

use std::fmt;

/// What an agent may do in an environment.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionSpace {
    /// Actions `0..n`.
    Discrete(usize),
    /// Vectors with each entry in `[low[i], high[i]]`.
    Continuous { low: Vec<f32>, high: Vec<f32> },
}

/// One action, of the kind the environment's [`ActionSpace`] says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action<'a> {
    Discrete(usize),
    Continuous(&'a [f32]),
}

/// The outcome of one step, gymnasium's `(reward, terminated, truncated)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    pub reward: f64,
    /// The task ended (the pole fell, the goal was reached): no value beyond this state.
    pub terminated: bool,
    /// The episode was cut by a time limit: the state still has a value.
    pub truncated: bool,
}

impl Transition {
    /// A step inside the episode's time limit (truncation is [`TimeLimit`]'s to decide).
    pub fn within_limit(reward: f64, terminated: bool) -> Self {
        Transition {
            reward,
            terminated,
            truncated: false,
        }
    }
}

/// An action the environment cannot take.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidAction {
    pub env: &'static str,
    pub reason: String,
}

impl fmt::Display for InvalidAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid action for {}: {}", self.env, self.reason)
    }
}

impl std::error::Error for InvalidAction {}

/// A gymnasium-style environment.
pub trait Env: Send {
    /// gymnasium's id, e.g. "CartPole-v1".
    fn id(&self) -> &'static str;
    fn observation_dim(&self) -> usize;
    fn action_space(&self) -> ActionSpace;
    /// Starts an episode and writes its first observation. `Some(seed)` re-seeds the
    /// environment's random stream as `env.reset(seed=seed)` does; `None` continues it.
    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]);
    /// Takes one step and writes the next observation.
    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction>;
}

/// A boxed environment, as [`make`] returns it, is an environment too.
impl<E: Env + ?Sized> Env for Box<E> {
    fn id(&self) -> &'static str {
        (**self).id()
    }

    fn observation_dim(&self) -> usize {
        (**self).observation_dim()
    }

    fn action_space(&self) -> ActionSpace {
        (**self).action_space()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        (**self).reset(seed, observation)
    }

    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction> {
        (**self).step(action, observation)
    }
}
