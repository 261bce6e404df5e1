//! The PPO loop: collect a rollout with the current policy, compute advantages, run the
//! epochs of minibatch updates, report, repeat until the step budget is spent.

use std::fmt;
use std::ops::ControlFlow;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::adam::{clip_grad_norm, Adam};
use super::loss::{minibatch_gradient, LossParts, LossScratch, LossWeights, Minibatch};
use super::mlp::Tape;
use super::policy::{ActorCritic, EnvActionBuffer};
use super::rollout::Rollout;
use super::PpoConfig;
use crate::env::{Env, Episode, InvalidAction, Transition, VecEnv};

/// Why training stopped early.
#[derive(Debug)]
pub enum PpoError {
    Config(String),
    InvalidAction(InvalidAction),
    /// An observation, reward, value or the loss became NaN or infinite.
    NonFinite {
        what: &'static str,
        step: u64,
    },
}

impl fmt::Display for PpoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PpoError::Config(e) => write!(f, "{e}"),
            PpoError::InvalidAction(e) => write!(f, "{e}"),
            PpoError::NonFinite { what, step } => write!(
                f,
                "training diverged: the {what} became NaN or infinite at step {step}"
            ),
        }
    }
}

impl std::error::Error for PpoError {}

impl From<InvalidAction> for PpoError {
    fn from(e: InvalidAction) -> Self {
        PpoError::InvalidAction(e)
    }
}

/// What one rollout and its update produced.
#[derive(Clone, Debug)]
pub struct RolloutReport {
    /// Environment steps taken so far, over all environments.
    pub steps: u64,
    /// Episodes that ended during this rollout.
    pub episodes: Vec<Episode>,
    /// Loss parts averaged over every minibatch of the update.
    pub losses: LossParts,
    /// Mean gradient norm before clipping.
    pub grad_norm: f64,
}

/// A PPO learner: the policy, its optimiser and the random streams for sampling actions and
/// shuffling minibatches.
pub struct Ppo {
    config: PpoConfig,
    policy: ActorCritic,
    adam: Adam,
    sampling: ChaCha8Rng,
    shuffling: ChaCha8Rng,
    seed: u64,
}

impl Ppo {
    /// A fresh policy for environments with this observation size and action space.
    /// Initial weights, action sampling and minibatch order each get their own stream of
    /// `seed`.
    pub fn new<E: Env>(config: PpoConfig, envs: &VecEnv<E>, seed: u64) -> Result<Self, PpoError> {
        config.check().map_err(PpoError::Config)?;
        if envs.len() != config.n_envs {
            return Err(PpoError::Config(format!(
                "ppo.n_envs is {} but {} environments were given",
                config.n_envs,
                envs.len()
            )));
        }
        let policy = ActorCritic::new(
            envs.observation_dim(),
            envs.action_space(),
            &config.hidden,
            config.log_std_init,
            stream(seed, 0).random(),
        );
        Ok(Ppo {
            adam: Adam::new(
                policy.parameter_count(),
                config.learning_rate,
                config.adam_eps,
            ),
            policy,
            sampling: stream(seed, 1),
            shuffling: stream(seed, 2),
            config,
            seed,
        })
    }

    pub fn policy(&self) -> &ActorCritic {
        &self.policy
    }

    /// Trains for at least `total_steps` environment steps (whole rollouts, as SB3: 300,000
    /// steps of 2,048-step rollouts are 147 rollouts). The environments are reset with the
    /// learner's seed first. `on_rollout` sees every report and may stop training early.
    pub fn learn<E: Env>(
        &mut self,
        envs: &mut VecEnv<E>,
        total_steps: u64,
        mut on_rollout: impl FnMut(&RolloutReport) -> ControlFlow<()>,
    ) -> Result<(), PpoError> {
        if total_steps == 0 {
            return Err(PpoError::Config(
                "the training budget is 0 steps; give at least one".into(),
            ));
        }
        if envs.observation_dim() != self.policy.observation_dim() {
            return Err(PpoError::Config(format!(
                "the policy takes {} observation entries but {} gives {}",
                self.policy.observation_dim(),
                envs.id(),
                envs.observation_dim()
            )));
        }
        let n_envs = envs.len();
        let mut rollout = Rollout::new(
            self.config.n_steps,
            n_envs,
            envs.observation_dim(),
            self.policy.action_width(),
        );
        let mut collector = Collector::new(n_envs);
        envs.reset(self.seed);
        envs.take_finished();
        let mut steps = 0u64;
        while steps < total_steps {
            self.collect(envs, &mut rollout, &mut collector, steps)?;
            steps += rollout.len() as u64;
            let (losses, grad_norm) = self.update(&rollout, steps)?;
            let report = RolloutReport {
                steps,
                episodes: envs.take_finished(),
                losses,
                grad_norm,
            };
            if on_rollout(&report).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn collect<E: Env>(
        &mut self,
        envs: &mut VecEnv<E>,
        rollout: &mut Rollout,
        c: &mut Collector,
        steps_before: u64,
    ) -> Result<(), PpoError> {
        let (n, d, w) = (envs.len(), envs.observation_dim(), rollout.action_width);
        let gamma = self.config.gamma;
        for step in 0..rollout.n_steps {
            let row = step * n;
            let now = steps_before + row as u64;
            let obs = envs.observations();
            if obs.iter().any(|v| !v.is_finite()) {
                return Err(PpoError::NonFinite {
                    what: "observation",
                    step: now,
                });
            }
            rollout.observations[row * d..(row + n) * d].copy_from_slice(obs);
            self.policy.values(obs, n, &mut c.tape, &mut c.values);
            self.policy.sample(
                obs,
                n,
                &mut c.tape,
                &mut self.sampling,
                &mut rollout.actions[row * w..(row + n) * w],
                &mut rollout.log_probs[row..row + n],
            );
            let stored = &rollout.actions[row * w..(row + n) * w];
            let actions = self.policy.env_actions(stored, &mut c.env_actions);
            envs.step(actions, &mut c.transitions)?;
            for (i, t) in c.transitions.iter().enumerate() {
                let mut reward = t.reward as f32;
                if t.truncated && !t.terminated {
                    // The episode was cut, not finished: its last state still had a value.
                    let terminal = envs.terminal_observation(i);
                    self.policy
                        .values(terminal, 1, &mut c.tape, &mut c.terminal_value);
                    reward += gamma * c.terminal_value[0];
                }
                if !reward.is_finite() || !c.values[i].is_finite() {
                    return Err(PpoError::NonFinite {
                        what: if c.values[i].is_finite() {
                            "reward"
                        } else {
                            "value"
                        },
                        step: now,
                    });
                }
                rollout.rewards[row + i] = reward;
                rollout.values[row + i] = c.values[i];
                rollout.episode_starts[row + i] = if c.episode_starts[i] { 1.0 } else { 0.0 };
                c.episode_starts[i] = t.terminated || t.truncated;
            }
        }
        self.policy
            .values(envs.observations(), n, &mut c.tape, &mut c.values);
        rollout.compute_advantages(
            &c.values,
            &c.episode_starts,
            self.config.gamma,
            self.config.gae_lambda,
        );
        Ok(())
    }

    fn update(&mut self, rollout: &Rollout, steps: u64) -> Result<(LossParts, f64), PpoError> {
        let cfg = &self.config;
        let weights = LossWeights {
            clip_range: cfg.clip_range,
            value_coef: cfg.vf_coef,
            entropy_coef: cfg.ent_coef,
            normalize_advantage: cfg.normalize_advantage,
        };
        let (d, w) = (rollout.observation_dim, rollout.action_width);
        let mut order: Vec<usize> = (0..rollout.len()).collect();
        let mut batch = Minibatch::default();
        let mut scratch = LossScratch::default();
        let mut grads = vec![0.0f32; self.policy.parameter_count()];
        let (mut sum, mut grad_norm, mut count) = (LossParts::default(), 0.0f64, 0usize);
        for _ in 0..cfg.n_epochs {
            shuffle(&mut order, &mut self.shuffling);
            for chunk in order.chunks(cfg.batch_size) {
                batch.observations.clear();
                batch.actions.clear();
                batch.old_log_probs.clear();
                batch.advantages.clear();
                batch.returns.clear();
                for &i in chunk {
                    batch
                        .observations
                        .extend_from_slice(&rollout.observations[i * d..(i + 1) * d]);
                    batch
                        .actions
                        .extend_from_slice(&rollout.actions[i * w..(i + 1) * w]);
                    batch.old_log_probs.push(rollout.log_probs[i]);
                    batch.advantages.push(rollout.advantages[i]);
                    batch.returns.push(rollout.returns[i]);
                }
                grads.fill(0.0);
                let (loss, parts) =
                    minibatch_gradient(&self.policy, &batch, weights, &mut scratch, &mut grads);
                if !loss.is_finite() {
                    return Err(PpoError::NonFinite {
                        what: "loss",
                        step: steps,
                    });
                }
                grad_norm += f64::from(clip_grad_norm(&mut grads, cfg.max_grad_norm));
                self.adam.step(&mut self.policy.params, &grads);
                sum.policy += parts.policy;
                sum.value += parts.value;
                sum.entropy += parts.entropy;
                sum.approx_kl += parts.approx_kl;
                sum.clip_fraction += parts.clip_fraction;
                count += 1;
            }
        }
        let c = count as f64;
        let mean = LossParts {
            policy: sum.policy / c,
            value: sum.value / c,
            entropy: sum.entropy / c,
            approx_kl: sum.approx_kl / c,
            clip_fraction: sum.clip_fraction / c,
        };
        Ok((mean, grad_norm / c))
    }
}

/// Per-step buffers of the rollout collection.
struct Collector {
    tape: Tape,
    transitions: Vec<Transition>,
    episode_starts: Vec<bool>,
    env_actions: EnvActionBuffer,
    values: Vec<f32>,
    terminal_value: Vec<f32>,
}

impl Collector {
    fn new(n_envs: usize) -> Self {
        Collector {
            tape: Tape::default(),
            transitions: vec![Transition::within_limit(0.0, false); n_envs],
            // The first observations start episodes.
            episode_starts: vec![true; n_envs],
            env_actions: EnvActionBuffer::default(),
            values: Vec::with_capacity(n_envs),
            terminal_value: Vec::with_capacity(1),
        }
    }
}

/// Stream `index` of `seed`: independent generators from one seed.
fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

/// Fisher–Yates.
fn shuffle(items: &mut [usize], rng: &mut ChaCha8Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}
