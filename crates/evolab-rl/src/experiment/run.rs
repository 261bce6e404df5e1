//! One training run: build the environment stack for a seed, train PPO on it, and measure
//! the result the way the paper does (mean of the last training episodes) and with
//! deterministic evaluation episodes.

use std::ops::ControlFlow;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::config::EnvConfig;
use crate::env::{self, Env, FrameStack, PartiallyObserved, VecEnv};
use crate::ppo::{evaluate, Ppo, PpoConfig, RolloutReport};
use crate::reservoir::{FeatureOptions, ReservoirEnv, ReservoirFeatures, ReservoirSpec};

/// Evaluation episodes reset from `seed + EVAL_SEED_OFFSET`, away from the training stream.
pub const EVAL_SEED_OFFSET: u64 = 1_000_000_000;

/// What the policy observes.
#[derive(Clone, Debug, PartialEq)]
pub enum Observer {
    /// The (possibly partial) observation itself.
    Raw,
    /// Reservoir states; the topology is drawn from the run's seed.
    Reservoir {
        specs: Vec<ReservoirSpec>,
        options: FeatureOptions,
    },
    /// The last k observations.
    FrameStack(usize),
}

/// Everything about a run except its seed.
#[derive(Clone, Debug)]
pub struct RunSpec {
    pub env: EnvConfig,
    pub observer: Observer,
    /// PPO's settings, `n_envs` environments included.
    pub ppo: PpoConfig,
    pub steps: u64,
    pub last_episodes: usize,
    pub eval_episodes: usize,
}

/// One finished training episode, for learning curves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurvePoint {
    /// Environment steps taken (over all environments) when the episode ended.
    pub step: u64,
    #[serde(rename = "return")]
    pub return_: f64,
    pub length: u64,
}

/// The result of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOutcome {
    pub seed: u64,
    pub steps: u64,
    /// Mean return of the last `last_episodes` training episodes (fewer if fewer finished).
    pub last_mean: f64,
    /// Deterministic evaluation returns.
    pub eval_returns: Vec<f64>,
    pub seconds: f64,
    pub curve: Vec<CurvePoint>,
}

impl RunOutcome {
    pub fn eval_mean(&self) -> Option<f64> {
        (!self.eval_returns.is_empty())
            .then(|| self.eval_returns.iter().sum::<f64>() / self.eval_returns.len() as f64)
    }
}

/// The environment for `seed`: gymnasium's environment, velocities hidden if asked, seen
/// through the observer.
pub fn build_env(env: &EnvConfig, observer: &Observer, seed: u64) -> Result<Box<dyn Env>, String> {
    let info = env::info(&env.id).map_err(|e| e.to_string())?;
    let mut made = env::make(info.id).map_err(|e| e.to_string())?;
    if let Some(hide) = env.hide_velocities.hide() {
        made = Box::new(PartiallyObserved::new(made, info.velocity_indices, hide)?);
    }
    Ok(match observer {
        Observer::Raw => made,
        Observer::FrameStack(k) => Box::new(FrameStack::new(made, *k)?),
        Observer::Reservoir { specs, options } => {
            let features = ReservoirFeatures::new(
                made.observation_dim(),
                made.action_space(),
                specs,
                seed,
                *options,
            )?;
            Box::new(ReservoirEnv::new(made, features)?)
        }
    })
}

/// Trains PPO from `seed` (environment, reservoir topology and PPO all from it) and
/// measures the result. `on_rollout` sees each rollout's report; breaking stops training
/// (the outcome then covers the steps taken).
pub fn train_run(
    spec: &RunSpec,
    seed: u64,
    mut on_rollout: impl FnMut(&RolloutReport) -> ControlFlow<()>,
) -> Result<RunOutcome, String> {
    let start = Instant::now();
    let envs = (0..spec.ppo.n_envs)
        .map(|_| build_env(&spec.env, &spec.observer, seed))
        .collect::<Result<Vec<_>, _>>()?;
    let mut envs = VecEnv::new(envs)?;
    let mut ppo = Ppo::new(spec.ppo.clone(), &envs, seed).map_err(|e| e.to_string())?;
    let mut curve = Vec::new();
    let mut steps = 0;
    ppo.learn(&mut envs, spec.steps, |report| {
        steps = report.steps;
        curve.extend(report.episodes.iter().map(|e| CurvePoint {
            step: e.end_step,
            return_: e.return_,
            length: e.length,
        }));
        on_rollout(report)
    })
    .map_err(|e| e.to_string())?;
    if curve.is_empty() {
        return Err(format!(
            "no training episode finished within {steps} steps; raise training.steps"
        ));
    }
    let tail = &curve[curve.len().saturating_sub(spec.last_episodes)..];
    let last_mean = tail.iter().map(|p| p.return_).sum::<f64>() / tail.len() as f64;
    if !last_mean.is_finite() {
        return Err(format!("the training returns are not finite ({last_mean})"));
    }
    let mut eval_env = build_env(&spec.env, &spec.observer, seed)?;
    let eval_returns = evaluate(
        ppo.policy(),
        &mut eval_env,
        spec.eval_episodes,
        seed.wrapping_add(EVAL_SEED_OFFSET),
        true,
    )
    .map_err(|e| e.to_string())?;
    Ok(RunOutcome {
        seed,
        steps,
        last_mean,
        eval_returns,
        seconds: start.elapsed().as_secs_f64(),
        curve,
    })
}
