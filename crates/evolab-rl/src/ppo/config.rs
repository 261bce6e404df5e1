//! PPO's settings, defaulting to Stable-Baselines3's; the `[ppo]` section of an
//! experiment file.

use serde::{Deserialize, Serialize};

/// Hyperparameters of [`super::Ppo`]. `Default` is SB3's `PPO("MlpPolicy", env)` on one
/// environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PpoConfig {
    /// Environments stepped together, each with its own seed.
    pub n_envs: usize,
    /// Steps per environment in each rollout.
    pub n_steps: usize,
    pub batch_size: usize,
    /// Passes over each rollout.
    pub n_epochs: usize,
    pub gamma: f32,
    pub gae_lambda: f32,
    pub clip_range: f32,
    pub ent_coef: f32,
    pub vf_coef: f32,
    pub max_grad_norm: f32,
    pub learning_rate: f32,
    pub adam_eps: f32,
    /// Hidden layer widths of both the policy and the value network.
    pub hidden: Vec<usize>,
    /// Initial log standard deviation of Gaussian policies.
    pub log_std_init: f32,
    pub normalize_advantage: bool,
}

impl Default for PpoConfig {
    fn default() -> Self {
        PpoConfig {
            n_envs: 1,
            n_steps: 2048,
            batch_size: 64,
            n_epochs: 10,
            gamma: 0.99,
            gae_lambda: 0.95,
            clip_range: 0.2,
            ent_coef: 0.0,
            vf_coef: 0.5,
            max_grad_norm: 0.5,
            learning_rate: 3e-4,
            adam_eps: 1e-5,
            hidden: vec![64, 64],
            log_std_init: 0.0,
            normalize_advantage: true,
        }
    }
}

impl PpoConfig {
    /// Every setting that would make training meaningless or crash, named with its fix.
    pub fn check(&self) -> Result<(), String> {
        let positive_int = [
            ("n_envs", self.n_envs),
            ("n_steps", self.n_steps),
            ("batch_size", self.batch_size),
            ("n_epochs", self.n_epochs),
        ];
        for (name, v) in positive_int {
            if v == 0 {
                return Err(format!("ppo.{name} is 0; it must be at least 1"));
            }
        }
        if self.normalize_advantage && self.n_steps * self.n_envs < 2 {
            return Err(
                "a rollout of one transition cannot normalise advantages; raise ppo.n_steps".into(),
            );
        }
        let unit = [("gamma", self.gamma), ("gae_lambda", self.gae_lambda)];
        for (name, v) in unit {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("ppo.{name} is {v}; it must be in [0, 1]"));
            }
        }
        let positive = [
            ("clip_range", self.clip_range),
            ("max_grad_norm", self.max_grad_norm),
            ("learning_rate", self.learning_rate),
            ("adam_eps", self.adam_eps),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("ppo.{name} is {v}; it must be a positive number"));
            }
        }
        let non_negative = [("ent_coef", self.ent_coef), ("vf_coef", self.vf_coef)];
        for (name, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("ppo.{name} is {v}; it must be 0 or more"));
            }
        }
        if !self.log_std_init.is_finite() {
            return Err("ppo.log_std_init must be a finite number".into());
        }
        if self.hidden.contains(&0) {
            return Err(format!(
                "ppo.hidden is {:?}; every layer needs at least one unit",
                self.hidden
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_bad_values_are_named() {
        assert!(PpoConfig::default().check().is_ok());
        let bad = |f: fn(&mut PpoConfig)| {
            let mut c = PpoConfig::default();
            f(&mut c);
            c.check().unwrap_err()
        };
        assert!(bad(|c| c.batch_size = 0).contains("batch_size"));
        assert!(bad(|c| c.gamma = 1.5).contains("gamma"));
        assert!(bad(|c| c.learning_rate = f32::NAN).contains("learning_rate"));
        assert!(bad(|c| c.hidden = vec![64, 0]).contains("hidden"));
        assert!(bad(|c| c.n_steps = 1).contains("n_steps"));
        assert!(bad(|c| c.n_envs = 0).contains("n_envs"));
    }
}
