//! The action distributions of SB3's default policies and the derivatives PPO's loss needs:
//! a categorical over logits for discrete actions, a diagonal Gaussian with a
//! state-independent log standard deviation for continuous ones.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::gaussian::standard_normal;

const HALF_LOG_2PI: f32 = 0.918_938_5;

/// `log softmax(logits)` written into `out`.
pub(crate) fn log_softmax(logits: &[f32], out: &mut [f32]) {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits.iter().map(|&l| (l - max).exp()).sum();
    let log_z = max + sum.ln();
    for (o, &l) in out.iter_mut().zip(logits) {
        *o = l - log_z;
    }
}

/// Entropy −Σ p log p of the categorical with log-probabilities `log_p`.
pub(crate) fn categorical_entropy(log_p: &[f32]) -> f32 {
    -log_p.iter().map(|&lp| lp.exp() * lp).sum::<f32>()
}

/// Draws an index with probabilities `exp(log_p)`.
pub(crate) fn sample_categorical(log_p: &[f32], rng: &mut ChaCha8Rng) -> usize {
    let u: f32 = rng.random();
    let mut acc = 0.0;
    for (i, &lp) in log_p.iter().enumerate() {
        acc += lp.exp();
        if u < acc {
            return i;
        }
    }
    log_p.len() - 1 // u fell in the rounding gap of the cumulative sum
}

/// The mode: the most probable index (the first, on ties).
pub(crate) fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

/// Writes into `d_logits` the derivative of `d_log_prob · log p(action) + d_entropy · H`
/// with respect to the logits, given the log-probabilities and entropy they produce.
pub(crate) fn categorical_backward(
    log_p: &[f32],
    entropy: f32,
    action: usize,
    d_log_prob: f32,
    d_entropy: f32,
    d_logits: &mut [f32],
) {
    for (j, (d, &lp)) in d_logits.iter_mut().zip(log_p).enumerate() {
        let p = lp.exp();
        let one_hot = if j == action { 1.0 } else { 0.0 };
        // ∂ log p_a / ∂ l_j = 1[j = a] − p_j;  ∂H / ∂ l_j = −p_j (log p_j + H).
        *d = d_log_prob * (one_hot - p) - d_entropy * p * (lp + entropy);
    }
}

/// log N(action; mean, diag(exp(log_std))²).
pub(crate) fn gaussian_log_prob(action: &[f32], mean: &[f32], log_std: &[f32]) -> f32 {
    action
        .iter()
        .zip(mean)
        .zip(log_std)
        .map(|((&a, &m), &ls)| {
            let z = (a - m) * (-ls).exp();
            -0.5 * z * z - ls - HALF_LOG_2PI
        })
        .sum()
}

/// Entropy of the diagonal Gaussian: Σ (½ + ½ log 2π + log σ).
pub(crate) fn gaussian_entropy(log_std: &[f32]) -> f32 {
    log_std.iter().map(|&ls| 0.5 + HALF_LOG_2PI + ls).sum()
}

/// Writes `mean + σ·ε`, ε standard normal, into `out`.
pub(crate) fn sample_gaussian(
    mean: &[f32],
    log_std: &[f32],
    rng: &mut ChaCha8Rng,
    out: &mut [f32],
) {
    for ((o, &m), &ls) in out.iter_mut().zip(mean).zip(log_std) {
        *o = m + ls.exp() * standard_normal(rng) as f32;
    }
}

/// Adds the derivatives of `d_log_prob · log p(action)` to `d_mean` (this sample's row) and
/// `d_log_std` (shared by every sample). The entropy's derivative does not depend on the
/// sample and is added once per batch by the caller.
pub(crate) fn gaussian_backward(
    action: &[f32],
    mean: &[f32],
    log_std: &[f32],
    d_log_prob: f32,
    d_mean: &mut [f32],
    d_log_std: &mut [f32],
) {
    for k in 0..action.len() {
        let inv_var = (-2.0 * log_std[k]).exp();
        let diff = action[k] - mean[k];
        // ∂/∂μ = (a − μ)/σ²;  ∂/∂ log σ = (a − μ)²/σ² − 1.
        d_mean[k] = d_log_prob * diff * inv_var;
        d_log_std[k] += d_log_prob * (diff * diff * inv_var - 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn numeric(f: impl Fn(&[f32]) -> f32, at: &[f32], i: usize) -> f32 {
        let h = 1e-3;
        let (mut plus, mut minus) = (at.to_vec(), at.to_vec());
        plus[i] += h;
        minus[i] -= h;
        (f(&plus) - f(&minus)) / (2.0 * h)
    }

    #[test]
    fn categorical_derivatives_match_finite_differences() {
        let logits = [0.3f32, -1.2, 2.0];
        let objective = |l: &[f32]| {
            let mut lp = [0.0; 3];
            log_softmax(l, &mut lp);
            0.7 * lp[1] - 0.4 * categorical_entropy(&lp)
        };
        let mut lp = [0.0; 3];
        log_softmax(&logits, &mut lp);
        let mut d = [0.0; 3];
        categorical_backward(&lp, categorical_entropy(&lp), 1, 0.7, -0.4, &mut d);
        for (i, &analytic) in d.iter().enumerate() {
            assert!(
                (analytic - numeric(objective, &logits, i)).abs() < 1e-3,
                "logit {i}"
            );
        }
    }

    #[test]
    fn gaussian_derivatives_match_finite_differences() {
        let action = [0.4f32, -1.5];
        let params = [0.1f32, 0.2, -0.3, 0.5]; // mean, then log std
        let objective = |p: &[f32]| 1.3 * gaussian_log_prob(&action, &p[..2], &p[2..]);
        let (mut d_mean, mut d_log_std) = ([0.0; 2], [0.0; 2]);
        gaussian_backward(
            &action,
            &params[..2],
            &params[2..],
            1.3,
            &mut d_mean,
            &mut d_log_std,
        );
        let analytic = [d_mean[0], d_mean[1], d_log_std[0], d_log_std[1]];
        for (i, &a) in analytic.iter().enumerate() {
            assert!(
                (a - numeric(objective, &params, i)).abs() < 2e-3,
                "parameter {i}"
            );
        }
    }

    #[test]
    fn samples_follow_the_distributions() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut lp = [0.0; 3];
        log_softmax(&[0.0, (2.0f32).ln(), (5.0f32).ln()], &mut lp); // p = 1/8, 2/8, 5/8
        let mut counts = [0usize; 3];
        for _ in 0..40_000 {
            counts[sample_categorical(&lp, &mut rng)] += 1;
        }
        for (c, p) in counts.iter().zip([0.125, 0.25, 0.625]) {
            assert!((*c as f64 / 40_000.0 - p).abs() < 0.01, "{counts:?}");
        }
        let (mut sum, mut sum_sq) = (0.0f64, 0.0f64);
        let mut out = [0.0f32];
        for _ in 0..40_000 {
            sample_gaussian(&[1.0], &[(0.5f32).ln()], &mut rng, &mut out);
            sum += f64::from(out[0]);
            sum_sq += f64::from(out[0]).powi(2);
        }
        let mean = sum / 40_000.0;
        let var = sum_sq / 40_000.0 - mean * mean;
        assert!(
            (mean - 1.0).abs() < 0.01 && (var - 0.25).abs() < 0.01,
            "{mean} {var}"
        );
        assert_eq!(argmax(&[0.1, 0.3, 0.3, -1.0]), 1);
    }
}
