//! The experiment file: what is trained (environment, observation, reservoirs, PPO), for
//! how long, and, for studies, which genes evolve and how the winners are tested.
//!
//! Every section has defaults (those of the paper's masked-CartPole study; a study file
//! also needs a `[reservoir]` section, even an empty one, since its absence means plain
//! PPO), so a file only states what it changes. Unknown keys are errors, so a typo cannot
//! silently fall back to a default.

use serde::{Deserialize, Serialize};

use super::genes::GeneSpec;
use crate::env::{self, Hide};
use crate::ppo::PpoConfig;
use crate::reservoir::{FeatureOptions, Feed, Precision, ReservoirParams};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExperimentConfig {
    pub env: EnvConfig,
    /// Absent: PPO on the observations themselves.
    pub reservoir: Option<ReservoirConfig>,
    pub ppo: PpoConfig,
    pub training: TrainingConfig,
    pub study: StudyConfig,
    pub test: TestConfig,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnvConfig {
    /// gymnasium id (`evolab env list`).
    pub id: String,
    /// Velocity entries removed ("delete", the paper's protocol), zeroed ("zero"), or kept
    /// ("none").
    pub hide_velocities: HideVelocities,
}

impl Default for EnvConfig {
    fn default() -> Self {
        EnvConfig {
            id: "CartPole-v1".into(),
            hide_velocities: HideVelocities::Delete,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HideVelocities {
    None,
    Delete,
    Zero,
}

impl HideVelocities {
    pub fn hide(self) -> Option<Hide> {
        match self {
            HideVelocities::None => None,
            HideVelocities::Delete => Some(Hide::Delete),
            HideVelocities::Zero => Some(Hide::Zero),
        }
    }
}

/// The reservoirs between environment and policy. The macro-parameters here are the
/// values used where no gene evolves them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReservoirConfig {
    /// Reservoirs side by side; reservoir i is drawn from seed + i.
    pub count: usize,
    pub units: usize,
    pub spectral_radius: f64,
    pub leak_rate: f64,
    pub input_scaling: f64,
    /// What drives the reservoir besides the observation and reward.
    pub feed: FeedConfig,
    pub skip_connection: bool,
    pub actions_to_unit_box: bool,
    pub reward_scale: f64,
    /// "f64" (the original's) or "f32".
    pub precision: PrecisionConfig,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrecisionConfig {
    #[default]
    F64,
    F32,
}

impl Default for ReservoirConfig {
    fn default() -> Self {
        ReservoirConfig {
            count: 1,
            units: 100,
            spectral_radius: 0.9,
            leak_rate: 0.3,
            input_scaling: 1.0,
            feed: FeedConfig::ObservationActionReward,
            skip_connection: false,
            actions_to_unit_box: false,
            reward_scale: 1.0,
            precision: PrecisionConfig::F64,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedConfig {
    /// The paper's design: observation, previous action, reward.
    ObservationActionReward,
    /// The original code's effective input (the action never reaches the reservoir).
    ObservationReward,
}

impl ReservoirConfig {
    pub fn params(&self) -> ReservoirParams {
        ReservoirParams {
            spectral_radius: self.spectral_radius,
            leak_rate: self.leak_rate,
            input_scaling: self.input_scaling,
        }
    }

    pub fn options(&self) -> FeatureOptions {
        FeatureOptions {
            feed: match self.feed {
                FeedConfig::ObservationActionReward => Feed::ObservationActionReward,
                FeedConfig::ObservationReward => Feed::ObservationRewardOnly,
            },
            skip_connection: self.skip_connection,
            actions_to_unit_box: self.actions_to_unit_box,
            reward_scale: self.reward_scale,
            precision: match self.precision {
                PrecisionConfig::F64 => Precision::F64,
                PrecisionConfig::F32 => Precision::F32,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingConfig {
    /// Environment steps per training run (rounded up to whole rollouts).
    pub steps: u64,
    /// Training episodes averaged into a run's fitness (the paper: the last 10).
    pub last_episodes: usize,
    /// Deterministic evaluation episodes after training, on seeds of their own.
    pub eval_episodes: usize,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        TrainingConfig {
            steps: 300_000,
            last_episodes: 10,
            eval_episodes: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StudyConfig {
    pub trials: usize,
    /// Each trial trains once per seed (reservoir topology and PPO both from the seed).
    pub seeds: Vec<u64>,
    pub sampler: SamplerConfig,
    /// Seeds the sampler (the original's sampler had none).
    pub sampler_seed: u64,
    /// Training runs in parallel; 0 means one per available core.
    pub workers: usize,
    pub genes: Vec<GeneSpec>,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            trials: 100,
            seeds: vec![0, 1, 2],
            sampler: SamplerConfig::Cmaes,
            sampler_seed: 0,
            workers: 0,
            genes: vec![
                GeneSpec::log("spectral_radius", 1e-4, 1e2),
                GeneSpec::log("leak_rate", 1e-2, 1.0),
            ],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SamplerConfig {
    /// CMA-ES with IPOP restarts, σ0 = 1/6, started at the centre of the gene box.
    Cmaes,
    /// Independent uniform draws in the (log-)scaled gene box.
    Random,
}

/// The held-out test of a study's best hyperparameters (`evolab reservoir test`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TestConfig {
    /// Must not overlap the study's seeds (the original reused them).
    pub seeds: Vec<u64>,
    /// How many of the best trials to retrain.
    pub top_k: usize,
    /// Training steps for the test runs; 0 means the study's.
    pub steps: u64,
    /// Frames stacked for the frame-stack baseline.
    pub frame_stack: usize,
}

impl Default for TestConfig {
    fn default() -> Self {
        TestConfig {
            seeds: vec![1000, 1001, 1002, 1003, 1004],
            top_k: 3,
            steps: 0,
            frame_stack: 4,
        }
    }
}

impl ExperimentConfig {
    /// Parses a TOML experiment file.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let config: ExperimentConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(config)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("the configuration serialises")
    }

    /// Everything a training run needs, checked before any training starts.
    pub fn check_training(&self) -> Result<(), String> {
        env::info(&self.env.id).map_err(|e| e.to_string())?;
        if let Some(r) = &self.reservoir {
            if r.count == 0 || r.units == 0 {
                return Err("reservoir.count and reservoir.units must be at least 1".into());
            }
            r.params().check().map_err(|e| format!("reservoir: {e}"))?;
            if !(r.reward_scale.is_finite()) {
                return Err("reservoir.reward_scale must be a finite number".into());
            }
        }
        self.ppo.check()?;
        if self.training.steps == 0 {
            return Err("training.steps is 0; give a budget of at least one step".into());
        }
        if self.training.last_episodes == 0 {
            return Err("training.last_episodes is 0; the fitness needs at least 1".into());
        }
        Ok(())
    }

    /// Everything a study and its held-out test need, checked before any training starts.
    pub fn check_study(&self) -> Result<(), String> {
        self.check_training()?;
        let s = &self.study;
        if s.trials == 0 {
            return Err("study.trials is 0; a study needs at least one trial".into());
        }
        distinct_seeds("study.seeds", &s.seeds)?;
        super::genes::GeneSpace::new(&s.genes, self.reservoir.as_ref())?;
        self.check_test_section()
    }

    /// Everything the held-out test needs (the same checks: a study is only created when
    /// its test is valid too).
    pub fn check_test(&self) -> Result<(), String> {
        self.check_study()
    }

    fn check_test_section(&self) -> Result<(), String> {
        let t = &self.test;
        distinct_seeds("test.seeds", &t.seeds)?;
        if t.top_k == 0 {
            return Err("test.top_k is 0; retrain at least the best trial".into());
        }
        if t.frame_stack == 0 {
            return Err(
                "test.frame_stack is 0; the frame-stack baseline needs at least 1 frame".into(),
            );
        }
        if let Some(shared) = t.seeds.iter().find(|s| self.study.seeds.contains(s)) {
            return Err(format!(
                "test seed {shared} is also a study seed; held-out seeds must differ from the \
                 seeds the hyperparameters were evolved on (change test.seeds)"
            ));
        }
        Ok(())
    }

    /// The test's training budget.
    pub fn test_steps(&self) -> u64 {
        if self.test.steps == 0 {
            self.training.steps
        } else {
            self.test.steps
        }
    }
}

/// A non-empty list of seeds without repeats (a repeated seed would repeat a run and
/// fake a confidence interval).
fn distinct_seeds(name: &str, seeds: &[u64]) -> Result<(), String> {
    if seeds.is_empty() {
        return Err(format!("{name} is empty; give at least one seed"));
    }
    for (i, s) in seeds.iter().enumerate() {
        if seeds[..i].contains(s) {
            return Err(format!("{name} lists seed {s} twice; seeds must differ"));
        }
    }
    Ok(())
}
