//! Control with a learned dynamics model: model-predictive control by the cross-entropy
//! method. At every real step the planner imagines `population` action sequences of
//! `horizon` steps through the model's mean, scores them with the environment's own reward
//! computed from the imagined observations, refits its proposal to the `elites` best for
//! `iterations` rounds, and takes the first action of the best sequence found.
//!
//! This measures what the original never did: whether a dynamics model is good enough to
//! act with.

use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use evolab_rl::env::{cartpole_fell, make, pendulum_reward, ActionSpace};

use crate::gaussian::standard_normal;
use crate::gaussian_model::GaussianModel;
use crate::scaler::Scaler;
use crate::transitions::{action_width, encode, random_action, step};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlannerConfig {
    /// Real episodes per model (0 skips control).
    pub episodes: usize,
    /// Steps per episode at most (Pendulum's limit is 200, CartPole's 500).
    pub max_steps: usize,
    pub horizon: usize,
    pub population: usize,
    pub elites: usize,
    pub iterations: usize,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            episodes: 2,
            max_steps: 200,
            horizon: 20,
            population: 100,
            elites: 10,
            iterations: 3,
        }
    }
}

impl PlannerConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.episodes > 0
            && (self.max_steps == 0
                || self.horizon == 0
                || self.iterations == 0
                || self.elites == 0
                || self.elites > self.population)
        {
            return Err(
                "the planner needs max_steps, horizon, iterations ≥ 1 and 1 ≤ elites ≤ population"
                    .into(),
            );
        }
        Ok(())
    }
}

/// The environments whose reward the planner can compute from observations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    Pendulum,
    CartPole,
}

impl Task {
    pub fn for_env(id: &str) -> Result<Task, String> {
        match id {
            "Pendulum-v1" => Ok(Task::Pendulum),
            "CartPole-v1" => Ok(Task::CartPole),
            _ => Err(format!(
                "the dynamics experiment plans in Pendulum-v1 or CartPole-v1, not {id}"
            )),
        }
    }
}

/// The model's one-step prediction s′ = s + m(s, a), for a batch of states and actions;
/// the model sees standardised inputs and predicts standardised changes.
pub struct LearnedDynamics<'a> {
    pub model: &'a GaussianModel,
    pub inputs: &'a Scaler,
    pub targets: &'a Scaler,
    pub space: ActionSpace,
}

impl LearnedDynamics<'_> {
    /// Steps every row of `states` with the matching action (`slot` numbers each).
    fn advance(&self, states: &mut DMatrix<f64>, actions: &[f64], slot: usize) {
        let (rows, d) = states.shape();
        let width = d + action_width(&self.space);
        let mut x = DMatrix::zeros(rows, width);
        let mut input = vec![0.0; width];
        let mut s = vec![0.0; d];
        for r in 0..rows {
            for (j, v) in s.iter_mut().enumerate() {
                *v = states[(r, j)];
            }
            encode(
                &self.space,
                &s,
                &actions[r * slot..(r + 1) * slot],
                &mut input,
            );
            for (j, &v) in input.iter().enumerate() {
                x[(r, j)] = v;
            }
        }
        self.inputs.transform(&mut x);
        let change = self.model.mean(&x);
        for r in 0..rows {
            for j in 0..d {
                states[(r, j)] += self.targets.restore(j, change[(r, j)]);
            }
        }
    }
}

/// The CEM proposal over action sequences.
enum Proposal {
    Gaussian {
        mean: Vec<f64>,
        std: Vec<f64>,
        low: Vec<f64>,
        high: Vec<f64>,
    },
    Categorical {
        /// `horizon × k`.
        probs: Vec<f64>,
        k: usize,
    },
}

impl Proposal {
    fn new(space: &ActionSpace, horizon: usize) -> Proposal {
        match space {
            ActionSpace::Discrete(k) => Proposal::Categorical {
                probs: vec![1.0 / *k as f64; horizon * k],
                k: *k,
            },
            ActionSpace::Continuous { low, high } => {
                let low: Vec<f64> = low.iter().map(|&v| f64::from(v)).collect();
                let high: Vec<f64> = high.iter().map(|&v| f64::from(v)).collect();
                let mean = (0..horizon)
                    .flat_map(|_| low.iter().zip(&high).map(|(l, h)| (l + h) / 2.0))
                    .collect();
                let std = (0..horizon)
                    .flat_map(|_| low.iter().zip(&high).map(|(l, h)| (h - l) / 2.0))
                    .collect();
                Proposal::Gaussian {
                    mean,
                    std,
                    low,
                    high,
                }
            }
        }
    }

    /// Numbers per step of a sequence: the action's dimensions, or 1 (the index).
    fn slot(&self) -> usize {
        match self {
            Proposal::Gaussian { low, .. } => low.len(),
            Proposal::Categorical { .. } => 1,
        }
    }

    fn sample(&self, rng: &mut ChaCha8Rng, out: &mut [f64]) {
        match self {
            Proposal::Gaussian {
                mean,
                std,
                low,
                high,
            } => {
                let a = low.len();
                for (i, o) in out.iter_mut().enumerate() {
                    let v = mean[i] + std[i] * standard_normal(rng);
                    *o = v.clamp(low[i % a], high[i % a]);
                }
            }
            Proposal::Categorical { probs, k } => {
                for (t, o) in out.iter_mut().enumerate() {
                    let u: f64 = rng.random();
                    let p = &probs[t * k..(t + 1) * k];
                    let mut acc = 0.0;
                    *o = (*k - 1) as f64;
                    for (c, &pc) in p.iter().enumerate() {
                        acc += pc;
                        if u < acc {
                            *o = c as f64;
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Moves the proposal towards the elites' statistics (smoothed, so that one round
    /// cannot collapse it).
    fn refit(&mut self, elites: &[&[f64]]) {
        const KEEP: f64 = 0.25;
        let e = elites.len() as f64;
        match self {
            Proposal::Gaussian { mean, std, .. } => {
                for i in 0..mean.len() {
                    let m = elites.iter().map(|s| s[i]).sum::<f64>() / e;
                    let v = elites.iter().map(|s| (s[i] - m).powi(2)).sum::<f64>() / e;
                    mean[i] = KEEP * mean[i] + (1.0 - KEEP) * m;
                    std[i] = KEEP * std[i] + (1.0 - KEEP) * v.sqrt();
                }
            }
            Proposal::Categorical { probs, k } => {
                for (t, p) in probs.chunks_mut(*k).enumerate() {
                    for (c, pc) in p.iter_mut().enumerate() {
                        let share = elites.iter().filter(|s| s[t] as usize == c).count() as f64 / e;
                        *pc = KEEP * *pc + (1.0 - KEEP) * share;
                    }
                }
            }
        }
    }

    /// After acting: drop the first step, append a fresh one, and widen again.
    fn shift(&mut self, space: &ActionSpace) {
        let horizon = match self {
            Proposal::Gaussian { mean, low, .. } => mean.len() / low.len(),
            Proposal::Categorical { probs, k } => probs.len() / *k,
        };
        let fresh = Proposal::new(space, horizon);
        match (self, fresh) {
            (
                Proposal::Gaussian { mean, std, low, .. },
                Proposal::Gaussian {
                    mean: m0, std: s0, ..
                },
            ) => {
                let a = low.len();
                mean.rotate_left(a);
                let n = mean.len();
                mean[n - a..].copy_from_slice(&m0[..a]);
                std.copy_from_slice(&s0);
            }
            (Proposal::Categorical { probs, k }, Proposal::Categorical { probs: p0, .. }) => {
                let k = *k;
                probs.rotate_left(k);
                let n = probs.len();
                probs[n - k..].copy_from_slice(&p0[..k]);
            }
            _ => unreachable!("the fresh proposal is made from the same space"),
        }
    }
}

/// The imagined return of each sequence from `start`.
fn imagine(
    dynamics: &LearnedDynamics,
    task: Task,
    start: &[f64],
    sequences: &[f64],
    slot: usize,
    horizon: usize,
) -> Vec<f64> {
    let population = sequences.len() / (slot * horizon);
    let d = start.len();
    let mut states = DMatrix::from_fn(population, d, |_, j| start[j]);
    let mut returns = vec![0.0; population];
    let mut alive = vec![true; population];
    let mut actions = vec![0.0; population * slot];
    for t in 0..horizon {
        for p in 0..population {
            let at = (p * horizon + t) * slot;
            actions[p * slot..(p + 1) * slot].copy_from_slice(&sequences[at..at + slot]);
        }
        if task == Task::Pendulum {
            for p in 0..population {
                let s: Vec<f64> = states.row(p).iter().copied().collect();
                returns[p] += pendulum_reward(&s, actions[p * slot]);
            }
        }
        dynamics.advance(&mut states, &actions, slot);
        if task == Task::CartPole {
            for p in 0..population {
                if alive[p] {
                    // gymnasium pays the step on which the pole falls, too.
                    returns[p] += 1.0;
                    let s: Vec<f64> = states.row(p).iter().copied().collect();
                    alive[p] = !cartpole_fell(&s);
                }
            }
        }
    }
    returns
}

/// The first action of the best sequence CEM finds from `start`.
fn plan(
    dynamics: &LearnedDynamics,
    task: Task,
    start: &[f64],
    proposal: &mut Proposal,
    config: &PlannerConfig,
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let slot = proposal.slot();
    let len = slot * config.horizon;
    let mut sequences = vec![0.0; config.population * len];
    let mut best: (f64, Vec<f64>) = (f64::NEG_INFINITY, Vec::new());
    for _ in 0..config.iterations {
        for s in sequences.chunks_mut(len) {
            proposal.sample(rng, s);
        }
        let returns = imagine(dynamics, task, start, &sequences, slot, config.horizon);
        let mut order: Vec<usize> = (0..config.population).collect();
        order.sort_by(|&a, &b| returns[b].total_cmp(&returns[a]));
        if returns[order[0]] > best.0 {
            best = (
                returns[order[0]],
                sequences[order[0] * len..order[0] * len + slot].to_vec(),
            );
        }
        let elites: Vec<&[f64]> = order[..config.elites]
            .iter()
            .map(|&i| &sequences[i * len..(i + 1) * len])
            .collect();
        proposal.refit(&elites);
    }
    if best.1.is_empty() {
        // Every imagined return was NaN (a model that diverges in imagination): act on
        // the last sample rather than not at all.
        best.1 = sequences[..slot].to_vec();
    }
    best.1
}

/// The real return of one episode of `env_id` from `seed`, acting by CEM on `dynamics`, or
/// with uniformly random actions when `dynamics` is `None` (the reference).
pub fn episode_return(
    env_id: &str,
    dynamics: Option<&LearnedDynamics>,
    config: &PlannerConfig,
    seed: u64,
) -> Result<f64, String> {
    let task = Task::for_env(env_id)?;
    let mut env = make(env_id).map_err(|e| e.to_string())?;
    let space = env.action_space();
    let mut obs = vec![0f32; env.observation_dim()];
    env.reset(Some(seed), &mut obs);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut proposal = Proposal::new(&space, config.horizon);
    let mut total = 0.0;
    for _ in 0..config.max_steps {
        let s: Vec<f64> = obs.iter().map(|&v| f64::from(v)).collect();
        let action = match dynamics {
            Some(d) => {
                let a = plan(d, task, &s, &mut proposal, config, &mut rng);
                proposal.shift(&space);
                a
            }
            None => random_action(&space, &mut rng),
        };
        let t = step(env.as_mut(), &space, &action, &mut obs)?;
        total += t.reward;
        if t.terminated || t.truncated {
            break;
        }
    }
    Ok(total)
}
