//! SB3's `MlpPolicy` for PPO: separate policy and value networks (tanh hidden layers), a
//! categorical head for discrete actions, a diagonal Gaussian with a learned,
//! state-independent log standard deviation for continuous ones.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::distribution::{
    argmax, gaussian_entropy, gaussian_log_prob, log_softmax, sample_categorical, sample_gaussian,
};
use super::mlp::{Mlp, Tape};
use crate::env::{ActionSpace, Actions};

/// What the policy network's outputs parameterise.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Head {
    /// Logits over `n` actions.
    Categorical(usize),
    /// Means of `low.len()` dimensions; log standard deviations in the parameters after the
    /// value network. Actions are clipped to the bounds only when sent to the environment.
    Gaussian { low: Vec<f32>, high: Vec<f32> },
}

/// The policy and value networks and every trainable parameter in one vector.
#[derive(Clone, Debug)]
pub struct ActorCritic {
    pub(crate) pi: Mlp,
    pub(crate) vf: Mlp,
    pub(crate) head: Head,
    pub(crate) params: Vec<f32>,
}

impl ActorCritic {
    /// Orthogonal initialisation with SB3's gains: √2 for hidden layers, 0.01 for the policy
    /// output, 1 for the value output; biases 0; log standard deviation `log_std_init`.
    pub fn new(
        observation_dim: usize,
        action_space: &ActionSpace,
        hidden: &[usize],
        log_std_init: f32,
        seed: u64,
    ) -> Self {
        let (head, outputs) = match action_space {
            ActionSpace::Discrete(n) => (Head::Categorical(*n), *n),
            ActionSpace::Continuous { low, high } => (
                Head::Gaussian {
                    low: low.clone(),
                    high: high.clone(),
                },
                low.len(),
            ),
        };
        let pi = Mlp::new(observation_dim, hidden, outputs, 0);
        let vf = Mlp::new(observation_dim, hidden, 1, pi.end());
        let log_std_len = match head {
            Head::Categorical(_) => 0,
            Head::Gaussian { .. } => outputs,
        };
        let mut params = vec![0.0; vf.end() + log_std_len];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let gain = 2f64.sqrt();
        pi.init(&mut params, gain, 0.01, &mut rng);
        vf.init(&mut params, gain, 1.0, &mut rng);
        params[vf.end()..].fill(log_std_init);
        ActorCritic {
            pi,
            vf,
            head,
            params,
        }
    }

    pub fn observation_dim(&self) -> usize {
        self.pi.inputs()
    }

    /// Entries per stored action: 1 (the index) for discrete spaces, the dimension otherwise.
    pub fn action_width(&self) -> usize {
        match self.head {
            Head::Categorical(_) => 1,
            Head::Gaussian { .. } => self.pi.outputs(),
        }
    }

    pub fn parameter_count(&self) -> usize {
        self.params.len()
    }

    pub(crate) fn log_std(&self) -> &[f32] {
        &self.params[self.vf.end()..]
    }

    /// The state values of `batch` observations, written into `out` (reused between steps).
    pub(crate) fn values(
        &self,
        observations: &[f32],
        batch: usize,
        tape: &mut Tape,
        out: &mut Vec<f32>,
    ) {
        self.vf.forward(&self.params, observations, batch, tape);
        out.clear();
        out.extend_from_slice(tape.output());
    }

    /// Samples one action per observation (as stored for training: an index, or the
    /// unclipped Gaussian draw) and writes it with its log-probability.
    pub(crate) fn sample(
        &self,
        observations: &[f32],
        batch: usize,
        tape: &mut Tape,
        rng: &mut ChaCha8Rng,
        actions: &mut [f32],
        log_probs: &mut [f32],
    ) {
        self.pi.forward(&self.params, observations, batch, tape);
        let out = tape.output();
        let width = self.pi.outputs();
        match &self.head {
            Head::Categorical(n) => {
                let mut lp = vec![0.0; *n];
                for (i, logits) in out.chunks_exact(width).enumerate() {
                    log_softmax(logits, &mut lp);
                    let a = sample_categorical(&lp, rng);
                    actions[i] = a as f32;
                    log_probs[i] = lp[a];
                }
            }
            Head::Gaussian { .. } => {
                let log_std = self.log_std();
                for (i, mean) in out.chunks_exact(width).enumerate() {
                    let a = &mut actions[i * width..(i + 1) * width];
                    sample_gaussian(mean, log_std, rng, a);
                    log_probs[i] = gaussian_log_prob(a, mean, log_std);
                }
            }
        }
    }

    /// The distribution's mode for each observation: the most probable index, or the mean.
    pub(crate) fn deterministic(
        &self,
        observations: &[f32],
        batch: usize,
        tape: &mut Tape,
        actions: &mut [f32],
    ) {
        self.pi.forward(&self.params, observations, batch, tape);
        let out = tape.output();
        match self.head {
            Head::Categorical(n) => {
                for (a, logits) in actions.iter_mut().zip(out.chunks_exact(n)) {
                    *a = argmax(logits) as f32;
                }
            }
            Head::Gaussian { .. } => actions.copy_from_slice(&out[..actions.len()]),
        }
    }

    /// What the environment receives for `stored` actions: the indices, or the actions
    /// clipped to their bounds.
    pub(crate) fn env_actions<'a>(
        &self,
        stored: &[f32],
        buffer: &'a mut EnvActionBuffer,
    ) -> Actions<'a> {
        match &self.head {
            Head::Categorical(_) => {
                buffer.indices.clear();
                buffer.indices.extend(stored.iter().map(|&a| a as usize));
                Actions::Discrete(&buffer.indices)
            }
            Head::Gaussian { low, high } => {
                buffer.clipped.clear();
                for a in stored.chunks_exact(low.len()) {
                    let bounded = a
                        .iter()
                        .zip(low)
                        .zip(high)
                        .map(|((&v, &l), &h)| v.clamp(l, h));
                    buffer.clipped.extend(bounded);
                }
                Actions::Continuous(&buffer.clipped)
            }
        }
    }

    /// Entropy of the Gaussian head (the same for every state), `None` for categorical.
    pub(crate) fn gaussian_entropy(&self) -> Option<f32> {
        match self.head {
            Head::Categorical(_) => None,
            Head::Gaussian { .. } => Some(gaussian_entropy(self.log_std())),
        }
    }
}

/// Reused storage for the actions sent to the environments.
#[derive(Debug, Default)]
pub(crate) struct EnvActionBuffer {
    clipped: Vec<f32>,
    indices: Vec<usize>,
}
