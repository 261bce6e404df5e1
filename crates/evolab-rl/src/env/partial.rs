//! Partial observability: the velocity entries of the observation are deleted (the spec's
//! protocol) or set to zero (keeping the observation's shape).

use super::{Action, ActionSpace, Env, InvalidAction, Transition};

/// What happens to the hidden entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hide {
    /// Removed: the observation gets shorter (what the paper's masked tasks do).
    Delete,
    /// Replaced by 0: the observation keeps its length.
    Zero,
}

/// `env` with the observation entries at `hidden` deleted or zeroed.
pub struct PartiallyObserved<E> {
    env: E,
    hidden: Vec<usize>,
    hide: Hide,
    full: Vec<f32>,
}

impl<E: Env> PartiallyObserved<E> {
    /// `hidden` are indices into `env`'s observation (see
    /// [`super::EnvInfo::velocity_indices`]); indices past its end are an error.
    pub fn new(env: E, hidden: &[usize], hide: Hide) -> Result<Self, String> {
        let dim = env.observation_dim();
        if let Some(&bad) = hidden.iter().find(|&&i| i >= dim) {
            return Err(format!(
                "cannot hide observation entry {bad} of {}: it has {dim} entries (0..{})",
                env.id(),
                dim.saturating_sub(1)
            ));
        }
        let mut hidden = hidden.to_vec();
        hidden.sort_unstable();
        hidden.dedup();
        Ok(PartiallyObserved {
            full: vec![0.0; dim],
            env,
            hidden,
            hide,
        })
    }

    fn project(&self, observation: &mut [f32]) {
        match self.hide {
            Hide::Zero => {
                observation.copy_from_slice(&self.full);
                for &i in &self.hidden {
                    observation[i] = 0.0;
                }
            }
            Hide::Delete => {
                let kept = (0..self.full.len()).filter(|i| self.hidden.binary_search(i).is_err());
                for (o, i) in observation.iter_mut().zip(kept) {
                    *o = self.full[i];
                }
            }
        }
    }
}

impl<E: Env> Env for PartiallyObserved<E> {
    fn id(&self) -> &'static str {
        self.env.id()
    }

    fn observation_dim(&self) -> usize {
        match self.hide {
            Hide::Delete => self.full.len() - self.hidden.len(),
            Hide::Zero => self.full.len(),
        }
    }

    fn action_space(&self) -> ActionSpace {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        self.env.reset(seed, &mut self.full);
        self.project(observation);
    }

    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction> {
        let t = self.env.step(action, &mut self.full)?;
        self.project(observation);
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::super::CartPole;
    use super::*;

    #[test]
    fn deleting_keeps_positions_and_zeroing_keeps_the_shape() {
        let mut full = CartPole::new();
        let mut whole = [0.0f32; 4];
        full.reset(Some(9), &mut whole);
        full.step(Action::Discrete(1), &mut whole).unwrap();

        let mut deleted = PartiallyObserved::new(CartPole::new(), &[3, 1], Hide::Delete).unwrap();
        let mut zeroed = PartiallyObserved::new(CartPole::new(), &[1, 3], Hide::Zero).unwrap();
        assert_eq!(
            (deleted.observation_dim(), zeroed.observation_dim()),
            (2, 4)
        );
        let (mut d, mut z) = ([0.0f32; 2], [0.0f32; 4]);
        deleted.reset(Some(9), &mut d);
        zeroed.reset(Some(9), &mut z);
        deleted.step(Action::Discrete(1), &mut d).unwrap();
        zeroed.step(Action::Discrete(1), &mut z).unwrap();
        assert_eq!(d, [whole[0], whole[2]]);
        assert_eq!(z, [whole[0], 0.0, whole[2], 0.0]);
    }

    #[test]
    fn indices_past_the_observation_are_refused() {
        let err = PartiallyObserved::new(CartPole::new(), &[4], Hide::Delete)
            .err()
            .unwrap();
        assert!(err.contains("has 4 entries"), "{err}");
    }
}
