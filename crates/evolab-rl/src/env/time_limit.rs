//! gymnasium's `TimeLimit` wrapper: an episode is truncated after a fixed number of steps.

use super::{Action, ActionSpace, Env, InvalidAction, Transition};

/// `env` with episodes truncated after `max_steps` steps (gymnasium's `max_episode_steps`).
#[derive(Clone, Debug)]
pub struct TimeLimit<E> {
    env: E,
    max_steps: u64,
    elapsed: u64,
}

impl<E: Env> TimeLimit<E> {
    pub fn new(env: E, max_steps: u64) -> Self {
        TimeLimit {
            env,
            max_steps,
            elapsed: 0,
        }
    }
}

impl<E: Env> Env for TimeLimit<E> {
    fn id(&self) -> &'static str {
        self.env.id()
    }

    fn observation_dim(&self) -> usize {
        self.env.observation_dim()
    }

    fn action_space(&self) -> ActionSpace {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        self.elapsed = 0;
        self.env.reset(seed, observation);
    }

    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction> {
        let mut t = self.env.step(action, observation)?;
        self.elapsed += 1;
        t.truncated |= self.elapsed >= self.max_steps;
        Ok(t)
    }
}
