//! PPO's loss on one minibatch and its gradient with respect to every parameter:
//! L = −mean[min(ρÂ, clip(ρ, 1 − ε, 1 + ε)Â)] + c_v·mean[(R̂ − V)²] − c_e·mean[H], with
//! ρ = π(a|s)/π_old(a|s) and Â normalised within the minibatch.

use super::distribution::{
    categorical_backward, categorical_entropy, gaussian_backward, gaussian_log_prob, log_softmax,
};
use super::mlp::Tape;
use super::policy::{ActorCritic, Head};

/// One minibatch, gathered row by row from the rollout.
#[derive(Clone, Debug, Default)]
pub(crate) struct Minibatch {
    pub observations: Vec<f32>,
    pub actions: Vec<f32>,
    pub old_log_probs: Vec<f32>,
    pub advantages: Vec<f32>,
    pub returns: Vec<f32>,
}

impl Minibatch {
    pub(crate) fn len(&self) -> usize {
        self.returns.len()
    }
}

/// The coefficients of the loss.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LossWeights {
    pub clip_range: f32,
    pub value_coef: f32,
    pub entropy_coef: f32,
    pub normalize_advantage: bool,
}

/// The loss's parts on one minibatch, as SB3 logs them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LossParts {
    pub policy: f64,
    pub value: f64,
    /// Mean entropy of the policy over the minibatch.
    pub entropy: f64,
    /// mean[(ρ − 1) − log ρ], an estimate of KL(π_old ‖ π).
    pub approx_kl: f64,
    /// Fraction of samples whose ratio left [1 − ε, 1 + ε].
    pub clip_fraction: f64,
}

/// Buffers reused between minibatches.
#[derive(Default)]
pub(crate) struct LossScratch {
    pi: Tape,
    vf: Tape,
    d_pi: Vec<f32>,
    d_vf: Vec<f32>,
    log_p: Vec<f32>,
    advantages: Vec<f32>,
}

/// Adds the loss's gradient to `grads` (laid out as the policy's parameters) and returns
/// the loss and its parts.
pub(crate) fn minibatch_gradient(
    policy: &ActorCritic,
    batch: &Minibatch,
    w: LossWeights,
    s: &mut LossScratch,
    grads: &mut [f32],
) -> (f64, LossParts) {
    let m = batch.len();
    let inv_m = 1.0 / m as f32;
    normalised_advantages(&batch.advantages, w.normalize_advantage, &mut s.advantages);

    policy
        .pi
        .forward(&policy.params, &batch.observations, m, &mut s.pi);
    policy
        .vf
        .forward(&policy.params, &batch.observations, m, &mut s.vf);
    let width = policy.pi.outputs();
    s.d_pi.clear();
    s.d_pi.resize(m * width, 0.0);
    let log_std_start = policy.vf.end();
    let (net_grads, d_log_std) = grads.split_at_mut(log_std_start);

    let mut parts = LossParts::default();
    let gaussian_entropy = policy.gaussian_entropy();
    let d_entropy = -w.entropy_coef * inv_m;
    for i in 0..m {
        let out = &s.pi.output()[i * width..(i + 1) * width];
        let (log_prob, entropy) = match policy.head {
            Head::Categorical(n) => {
                s.log_p.resize(n, 0.0);
                log_softmax(out, &mut s.log_p);
                let a = batch.actions[i] as usize;
                (s.log_p[a], categorical_entropy(&s.log_p))
            }
            Head::Gaussian { .. } => {
                let a = &batch.actions[i * width..(i + 1) * width];
                (
                    gaussian_log_prob(a, out, policy.log_std()),
                    gaussian_entropy.unwrap_or(0.0),
                )
            }
        };
        let adv = s.advantages[i];
        let log_ratio = log_prob - batch.old_log_probs[i];
        let ratio = log_ratio.exp();
        let clipped = ratio.clamp(1.0 - w.clip_range, 1.0 + w.clip_range);
        let (unclipped_term, clipped_term) = (ratio * adv, clipped * adv);
        parts.policy -= f64::from(unclipped_term.min(clipped_term));
        parts.entropy += f64::from(entropy);
        parts.approx_kl += f64::from(ratio - 1.0 - log_ratio);
        if (ratio - 1.0).abs() > w.clip_range {
            parts.clip_fraction += 1.0;
        }
        // The minimum's gradient flows through the unclipped term when it is the smaller
        // one; when the clipped term is smaller the ratio is outside the range and clip's
        // gradient is zero. (On ties inside the range both are ρÂ.)
        let d_log_prob = if unclipped_term <= clipped_term {
            -adv * ratio * inv_m
        } else {
            0.0
        };
        let d_out = &mut s.d_pi[i * width..(i + 1) * width];
        match policy.head {
            Head::Categorical(_) => {
                let a = batch.actions[i] as usize;
                categorical_backward(&s.log_p, entropy, a, d_log_prob, d_entropy, d_out);
            }
            Head::Gaussian { .. } => {
                let a = &batch.actions[i * width..(i + 1) * width];
                gaussian_backward(a, out, policy.log_std(), d_log_prob, d_out, d_log_std);
            }
        }
    }
    if gaussian_entropy.is_some() {
        // H = Σ log σ + const for every sample: ∂(−c_e·mean H)/∂ log σ_k = −c_e.
        for g in d_log_std.iter_mut() {
            *g -= w.entropy_coef;
        }
    }

    s.d_vf.clear();
    for (&v, &r) in s.vf.output().iter().zip(&batch.returns) {
        parts.value += f64::from((r - v) * (r - v));
        s.d_vf.push(w.value_coef * 2.0 * (v - r) * inv_m);
    }

    policy.pi.backward(
        &policy.params,
        &batch.observations,
        &mut s.pi,
        &s.d_pi,
        net_grads,
    );
    policy.vf.backward(
        &policy.params,
        &batch.observations,
        &mut s.vf,
        &s.d_vf,
        net_grads,
    );

    let mf = m as f64;
    parts.policy /= mf;
    parts.value /= mf;
    parts.entropy /= mf;
    parts.approx_kl /= mf;
    parts.clip_fraction /= mf;
    let loss = parts.policy + f64::from(w.value_coef) * parts.value
        - f64::from(w.entropy_coef) * parts.entropy;
    (loss, parts)
}

/// (Â − mean)/(std + 1e-8) with the unbiased standard deviation, as SB3 (which skips it for
/// a minibatch of one).
fn normalised_advantages(advantages: &[f32], normalise: bool, out: &mut Vec<f32>) {
    out.clear();
    out.extend_from_slice(advantages);
    let n = advantages.len();
    if !normalise || n < 2 {
        return;
    }
    let mean = advantages.iter().map(|&a| f64::from(a)).sum::<f64>() / n as f64;
    let var = advantages
        .iter()
        .map(|&a| (f64::from(a) - mean).powi(2))
        .sum::<f64>()
        / (n - 1) as f64;
    let std = var.sqrt();
    for a in out.iter_mut() {
        *a = ((f64::from(*a) - mean) / (std + 1e-8)) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::ActionSpace;

    fn batch(policy: &ActorCritic, m: usize) -> Minibatch {
        let d = policy.observation_dim();
        let w = policy.action_width();
        let f = |i: usize, k: f32| (i as f32 * k).sin() * 1.3;
        let observations: Vec<f32> = (0..m * d).map(|i| f(i, 0.7)).collect();
        let actions: Vec<f32> = match policy.head {
            Head::Categorical(n) => (0..m).map(|i| (i % n) as f32).collect(),
            Head::Gaussian { .. } => (0..m * w).map(|i| f(i, 1.9)).collect(),
        };
        // Old log-probabilities spread so that some ratios fall outside the clip range
        // (but none near its edges, where the loss has kinks).
        let mut tape = Tape::default();
        let mut fresh = vec![0.0; m];
        let mut scratch = vec![0.0; m * w];
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(0);
        policy.sample(
            &observations,
            m,
            &mut tape,
            &mut rng,
            &mut scratch,
            &mut fresh,
        );
        let mut s = LossScratch::default();
        let lp = |p: &ActorCritic, i: usize, s: &mut LossScratch| {
            p.pi.forward(&p.params, &observations[i * d..(i + 1) * d], 1, &mut s.pi);
            match p.head {
                Head::Categorical(n) => {
                    let mut l = vec![0.0; n];
                    log_softmax(s.pi.output(), &mut l);
                    l[actions[i] as usize]
                }
                Head::Gaussian { .. } => {
                    gaussian_log_prob(&actions[i * w..(i + 1) * w], s.pi.output(), p.log_std())
                }
            }
        };
        let offsets = [0.0f32, 0.5, -0.5, 0.05, -0.6, 0.1];
        let old_log_probs = (0..m)
            .map(|i| lp(policy, i, &mut s) + offsets[i % offsets.len()])
            .collect();
        Minibatch {
            observations,
            actions,
            old_log_probs,
            advantages: (0..m).map(|i| f(i, 2.3) * 3.0).collect(),
            returns: (0..m).map(|i| f(i, 0.4) * 5.0).collect(),
        }
    }

    fn check_gradient(space: ActionSpace, entropy_coef: f32) {
        let mut policy = ActorCritic::new(3, &space, &[8, 8], -0.3, 11);
        // Larger output weights than the 0.01 init, so that the policy terms matter.
        for p in policy.params.iter_mut() {
            *p *= 1.5;
        }
        let head_w = policy.pi.end() - policy.pi.outputs() * 9;
        for (k, p) in policy.params[head_w..policy.pi.end()]
            .iter_mut()
            .enumerate()
        {
            *p += 0.2 * ((k % 5) as f32 - 2.0);
        }
        let b = batch(&policy, 12);
        let w = LossWeights {
            clip_range: 0.2,
            value_coef: 0.5,
            entropy_coef,
            normalize_advantage: true,
        };
        let mut s = LossScratch::default();
        let mut grads = vec![0.0; policy.params.len()];
        let (_, parts) = minibatch_gradient(&policy, &b, w, &mut s, &mut grads);
        assert!(
            parts.clip_fraction > 0.0 && parts.clip_fraction < 1.0,
            "{parts:?}"
        );
        let h = 1e-2f32;
        let mut worst = 0.0f64;
        for (i, &analytic) in grads.iter().enumerate() {
            let at = |delta: f32| {
                let mut p = policy.clone();
                p.params[i] += delta;
                let mut g = vec![0.0; p.params.len()];
                minibatch_gradient(&p, &b, w, &mut LossScratch::default(), &mut g).0
            };
            let numeric = (at(h) - at(-h)) / (2.0 * f64::from(h));
            let err = (numeric - f64::from(analytic)).abs() / (1e-2 + numeric.abs());
            worst = worst.max(err);
            assert!(
                err < 2e-2,
                "parameter {i}: finite difference {numeric}, gradient {analytic}"
            );
        }
        eprintln!("worst relative error {worst:.2e}");
    }

    #[test]
    fn categorical_gradient_matches_finite_differences() {
        check_gradient(ActionSpace::Discrete(3), 0.0);
        check_gradient(ActionSpace::Discrete(2), 0.01);
    }

    #[test]
    fn gaussian_gradient_matches_finite_differences() {
        let space = ActionSpace::Continuous {
            low: vec![-2.0, -1.0],
            high: vec![2.0, 1.0],
        };
        check_gradient(space.clone(), 0.0);
        check_gradient(space, 0.05);
    }

    #[test]
    fn advantages_are_normalised_with_the_unbiased_deviation() {
        let mut out = Vec::new();
        normalised_advantages(&[1.0, 2.0, 3.0], true, &mut out);
        assert!((out[0] + 1.0).abs() < 1e-6 && out[1].abs() < 1e-6 && (out[2] - 1.0).abs() < 1e-6);
        normalised_advantages(&[5.0], true, &mut out);
        assert_eq!(out, [5.0]);
        normalised_advantages(&[1.0, 2.0], false, &mut out);
        assert_eq!(out, [1.0, 2.0]);
    }
}
