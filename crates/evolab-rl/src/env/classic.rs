//! What every classic-control environment shares: its numpy-compatible random stream,
//! seeding as gymnasium's `reset(seed=…)` does, and the error for a refused action. Each
//! environment supplies only its physics ([`Physics`]).

use super::{Action, ActionSpace, Env, InvalidAction, Transition};
use crate::numpy_rng::Generator;

/// The dynamics of one environment, without the random stream.
pub trait Physics: Clone + Default + Send {
    /// gymnasium's id.
    const ID: &'static str;
    const OBSERVATION_DIM: usize;
    fn action_space() -> ActionSpace;
    /// Draws the initial state from `rng`, in gymnasium's order.
    fn reset(&mut self, rng: &mut Generator);
    /// One step; `Err` says why the action is outside the action space.
    fn step(&mut self, action: Action<'_>) -> Result<Transition, String>;
    fn observe(&self, observation: &mut [f32]);
}

/// An environment: physics plus the random stream its resets draw from.
#[derive(Clone, Debug)]
pub struct Classic<P> {
    pub(super) physics: P,
    rng: Generator,
}

impl<P: Physics> Classic<P> {
    /// Seeded from the operating system until `reset(Some(seed), …)` seeds it, as in
    /// gymnasium.
    pub fn new() -> Self {
        Classic {
            physics: P::default(),
            rng: Generator::from_entropy(),
        }
    }
}

impl<P: Physics> Default for Classic<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Physics> Env for Classic<P> {
    fn id(&self) -> &'static str {
        P::ID
    }

    fn observation_dim(&self) -> usize {
        P::OBSERVATION_DIM
    }

    fn action_space(&self) -> ActionSpace {
        P::action_space()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.rng = Generator::new(u128::from(seed));
        }
        self.physics.reset(&mut self.rng);
        self.physics.observe(observation);
    }

    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction> {
        let transition = self.physics.step(action).map_err(|reason| InvalidAction {
            env: P::ID,
            reason: format!("{action:?}; {reason}"),
        })?;
        self.physics.observe(observation);
        Ok(transition)
    }
}
