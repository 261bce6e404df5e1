//! Several copies of an environment stepped together, restarted as their episodes end, with
//! the returns of finished episodes recorded: Stable-Baselines3's `DummyVecEnv` around
//! `Monitor`-wrapped environments.

use super::{Action, ActionSpace, Env, InvalidAction, Transition};

/// One action per environment, stored flat.
#[derive(Clone, Copy, Debug)]
pub enum Actions<'a> {
    /// One index per environment.
    Discrete(&'a [usize]),
    /// `action_dim` entries per environment, environment after environment.
    Continuous(&'a [f32]),
}

/// An episode that ended, as `Monitor` records it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Episode {
    /// Which environment played it.
    pub env: usize,
    /// Undiscounted sum of rewards.
    pub return_: f64,
    pub length: u64,
    /// It ended by a time limit, not by the task.
    pub truncated: bool,
    /// Steps taken by all the environments since the last reset, this one's last included.
    pub end_step: u64,
}

/// The environments, their current observations and the episodes finished so far.
pub struct VecEnv<E> {
    envs: Vec<E>,
    observation_dim: usize,
    action_space: ActionSpace,
    observations: Vec<f32>,
    terminal_observations: Vec<f32>,
    running_return: Vec<f64>,
    running_length: Vec<u64>,
    finished: Vec<Episode>,
    steps: u64,
}

impl<E: Env> VecEnv<E> {
    /// All environments must have the same observation size and action space.
    pub fn new(envs: Vec<E>) -> Result<Self, String> {
        let first = envs
            .first()
            .ok_or("a vectorised runner needs at least one environment")?;
        let (observation_dim, action_space) = (first.observation_dim(), first.action_space());
        if let Some(odd) = envs
            .iter()
            .find(|e| e.observation_dim() != observation_dim || e.action_space() != action_space)
        {
            return Err(format!(
                "{} differs from {} in its observation size or action space; a vectorised \
                 runner steps copies of one environment",
                odd.id(),
                first.id()
            ));
        }
        let n = envs.len();
        Ok(VecEnv {
            envs,
            observation_dim,
            observations: vec![0.0; n * observation_dim],
            terminal_observations: vec![0.0; n * observation_dim],
            action_space,
            running_return: vec![0.0; n],
            running_length: vec![0; n],
            finished: Vec::new(),
            steps: 0,
        })
    }

    pub fn len(&self) -> usize {
        self.envs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.envs.is_empty()
    }

    pub fn observation_dim(&self) -> usize {
        self.observation_dim
    }

    pub fn action_space(&self) -> &ActionSpace {
        &self.action_space
    }

    pub fn id(&self) -> &'static str {
        self.envs[0].id()
    }

    /// Starts every environment, environment i from `seed + i` (as SB3's `VecEnv.seed`);
    /// later episodes continue each environment's random stream.
    pub fn reset(&mut self, seed: u64) {
        let d = self.observation_dim;
        for (i, (env, obs)) in self
            .envs
            .iter_mut()
            .zip(self.observations.chunks_exact_mut(d))
            .enumerate()
        {
            env.reset(Some(seed.wrapping_add(i as u64)), obs);
        }
        self.running_return.fill(0.0);
        self.running_length.fill(0);
        self.steps = 0;
    }

    /// The current observations, `observation_dim` entries per environment.
    pub fn observations(&self) -> &[f32] {
        &self.observations
    }

    /// The last observation of the episode environment `i` ended in its latest step; only
    /// meaningful when that step's transition was terminated or truncated (the current
    /// observation is then the next episode's first).
    pub fn terminal_observation(&self, i: usize) -> &[f32] {
        let d = self.observation_dim;
        &self.terminal_observations[i * d..(i + 1) * d]
    }

    /// Steps every environment and restarts those whose episode ended.
    pub fn step(
        &mut self,
        actions: Actions<'_>,
        transitions: &mut [Transition],
    ) -> Result<(), InvalidAction> {
        let d = self.observation_dim;
        let width = match (&self.action_space, actions) {
            (ActionSpace::Continuous { low, .. }, Actions::Continuous(_)) => low.len(),
            _ => 1,
        };
        for i in 0..self.envs.len() {
            let action = match actions {
                Actions::Discrete(a) => Action::Discrete(a[i]),
                Actions::Continuous(a) => Action::Continuous(&a[i * width..(i + 1) * width]),
            };
            let obs = &mut self.observations[i * d..(i + 1) * d];
            let t = self.envs[i].step(action, obs)?;
            self.steps += 1;
            transitions[i] = t;
            self.running_return[i] += t.reward;
            self.running_length[i] += 1;
            if t.terminated || t.truncated {
                self.finished.push(Episode {
                    env: i,
                    return_: self.running_return[i],
                    length: self.running_length[i],
                    truncated: t.truncated && !t.terminated,
                    end_step: self.steps,
                });
                self.running_return[i] = 0.0;
                self.running_length[i] = 0;
                self.terminal_observations[i * d..(i + 1) * d].copy_from_slice(obs);
                self.envs[i].reset(None, obs);
            }
        }
        Ok(())
    }

    /// The episodes finished since the last call, in the order they ended.
    pub fn take_finished(&mut self) -> Vec<Episode> {
        std::mem::take(&mut self.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::make;

    #[test]
    fn episodes_restart_and_are_recorded_with_their_terminal_observation() {
        let mut single = make("CartPole-v1").unwrap();
        let mut envs = VecEnv::new(vec![make("CartPole-v1").unwrap()]).unwrap();
        let mut obs = [0.0f32; 4];
        single.reset(Some(3), &mut obs);
        envs.reset(3);
        assert_eq!(envs.observations(), &obs);
        let mut t = [Transition::within_limit(0.0, false)];
        let mut steps = 0;
        loop {
            steps += 1;
            let done = single.step(Action::Discrete(1), &mut obs).unwrap();
            envs.step(Actions::Discrete(&[1]), &mut t).unwrap();
            assert_eq!(t[0], done);
            if done.terminated {
                assert_eq!(envs.terminal_observation(0), &obs);
                break;
            }
            assert_eq!(envs.observations(), &obs);
        }
        single.reset(None, &mut obs);
        assert_eq!(
            envs.observations(),
            &obs,
            "restarted on the continuing stream"
        );
        let episodes = envs.take_finished();
        assert_eq!(
            episodes,
            [Episode {
                env: 0,
                return_: steps as f64,
                length: steps,
                truncated: false,
                end_step: steps,
            }]
        );
        assert!(envs.take_finished().is_empty());
    }

    #[test]
    fn environment_i_is_seeded_with_seed_plus_i_and_mixed_spaces_are_refused() {
        let mut envs = VecEnv::new(vec![
            make("Pendulum-v1").unwrap(),
            make("Pendulum-v1").unwrap(),
        ])
        .unwrap();
        envs.reset(10);
        let mut obs = [0.0f32; 3];
        make("Pendulum-v1").unwrap().reset(Some(11), &mut obs);
        assert_eq!(&envs.observations()[3..], &obs);
        let mut t = [Transition::within_limit(0.0, false); 2];
        envs.step(Actions::Continuous(&[0.5, -0.5]), &mut t)
            .unwrap();
        assert_ne!(t[0].reward, t[1].reward);

        let mixed = VecEnv::new(vec![
            make("Pendulum-v1").unwrap(),
            make("CartPole-v1").unwrap(),
        ]);
        assert!(mixed.err().unwrap().contains("differs"));
        assert!(VecEnv::<Box<dyn Env>>::new(vec![]).is_err());
    }
}
