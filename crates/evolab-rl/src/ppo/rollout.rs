//! What one rollout collects, and the advantages and returns PPO trains on (generalised
//! advantage estimation, as SB3's `RolloutBuffer`).
//!
//! Entry `step · n_envs + env` of every per-transition array belongs to environment `env`
//! at step `step`.

#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    pub n_steps: usize,
    pub n_envs: usize,
    pub observation_dim: usize,
    pub action_width: usize,
    pub observations: Vec<f32>,
    pub actions: Vec<f32>,
    /// Rewards, with γ·V(final observation) added where a time limit cut the episode.
    pub rewards: Vec<f32>,
    /// 1 where the observation is the first of an episode.
    pub episode_starts: Vec<f32>,
    pub values: Vec<f32>,
    pub log_probs: Vec<f32>,
    pub advantages: Vec<f32>,
    pub returns: Vec<f32>,
}

impl Rollout {
    pub(crate) fn new(
        n_steps: usize,
        n_envs: usize,
        observation_dim: usize,
        action_width: usize,
    ) -> Self {
        let n = n_steps * n_envs;
        Rollout {
            n_steps,
            n_envs,
            observation_dim,
            action_width,
            observations: vec![0.0; n * observation_dim],
            actions: vec![0.0; n * action_width],
            rewards: vec![0.0; n],
            episode_starts: vec![0.0; n],
            values: vec![0.0; n],
            log_probs: vec![0.0; n],
            advantages: vec![0.0; n],
            returns: vec![0.0; n],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.n_steps * self.n_envs
    }

    /// Â_t = δ_t + γλ(1 − d_{t+1})Â_{t+1} with δ_t = r_t + γ(1 − d_{t+1})V_{t+1} − V_t, and
    /// R̂_t = Â_t + V_t. `last_values` and `last_dones` are for the observations after the
    /// final step.
    pub(crate) fn compute_advantages(
        &mut self,
        last_values: &[f32],
        last_dones: &[bool],
        gamma: f32,
        gae_lambda: f32,
    ) {
        let e = self.n_envs;
        for env in 0..e {
            let mut gae = 0.0f32;
            for step in (0..self.n_steps).rev() {
                let (next_value, next_non_terminal) = if step + 1 == self.n_steps {
                    (last_values[env], if last_dones[env] { 0.0 } else { 1.0 })
                } else {
                    let next = (step + 1) * e + env;
                    (self.values[next], 1.0 - self.episode_starts[next])
                };
                let i = step * e + env;
                let delta =
                    self.rewards[i] + gamma * next_value * next_non_terminal - self.values[i];
                gae = delta + gamma * gae_lambda * next_non_terminal * gae;
                self.advantages[i] = gae;
                self.returns[i] = gae + self.values[i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advantages_follow_the_recursion_and_stop_at_episode_boundaries() {
        let mut r = Rollout::new(3, 1, 1, 1);
        r.rewards = vec![1.0, 2.0, 3.0];
        r.values = vec![0.5, 1.0, 1.5];
        r.episode_starts = vec![0.0, 0.0, 1.0]; // the third observation starts a new episode
        let (g, l) = (0.9f32, 0.8f32);
        r.compute_advantages(&[2.0], &[false], g, l);
        let a2 = 3.0 + g * 2.0 - 1.5;
        let a1 = 2.0 - 1.0; // episode ended after step 1: no bootstrap, no carry
        let a0 = (1.0 + g * 1.0 - 0.5) + g * l * a1;
        for (got, want) in r.advantages.iter().zip([a0, a1, a2]) {
            assert!((got - want).abs() < 1e-6, "{:?}", r.advantages);
        }
        for i in 0..3 {
            assert!((r.returns[i] - (r.advantages[i] + r.values[i])).abs() < 1e-6);
        }
        r.compute_advantages(&[2.0], &[true], g, l);
        assert!(
            (r.advantages[2] - (3.0 - 1.5)).abs() < 1e-6,
            "done after the last step"
        );
    }

    #[test]
    fn environments_are_independent() {
        let mut r = Rollout::new(2, 2, 1, 1);
        r.rewards = vec![1.0, 0.0, 1.0, 0.0];
        r.values = vec![0.0; 4];
        r.compute_advantages(&[0.0, 10.0], &[false, false], 1.0, 1.0);
        assert_eq!(r.advantages, vec![2.0, 10.0, 1.0, 10.0]);
    }
}
