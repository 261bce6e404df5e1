//! Gradient estimators of the inner objective J = E_{ŷ~π}[R_U(ŷ, y)] + λ·H(π), averaged over
//! the data targets, for a diagonal Gaussian policy.
//!
//! Both estimators use the same J (one entropy scale: the original's pathwise branch divided
//! λ by n, spec §8 defect 3).

use rand_chacha::ChaCha8Rng;

use crate::baseline::Baseline;
use crate::gaussian::{standard_normal, DiagGaussian};
use crate::reward::Mahalanobis;

/// How ∇E[R] is estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimator {
    /// Score function: (1/G) Σ_g (r_g − b_g)·∇ log π(ŷ_g).
    Reinforce(Baseline),
    /// Reparameterised: ŷ = m + σ·ε, ∇R flows through ŷ.
    Pathwise,
}

/// ∇J with respect to the policy's mean and log standard deviations (an ascent direction),
/// and the mean reward of the samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradient {
    pub d_mean: Vec<f64>,
    pub d_log_std: Vec<f64>,
    pub mean_reward: f64,
}

/// One estimate of ∇J from `group` samples per target.
pub fn estimate(
    policy: &DiagGaussian,
    targets: &[Vec<f64>],
    reward: &Mahalanobis,
    entropy_weight: f64,
    group: usize,
    estimator: Estimator,
    rng: &mut ChaCha8Rng,
) -> Gradient {
    let n = policy.dim();
    let mut d_mean = vec![0.0; n];
    let mut d_log_std = vec![0.0; n];
    let mut reward_sum = 0.0;
    let mut samples = vec![vec![0.0; n]; group];
    let mut eps = vec![vec![0.0; n]; group];
    let mut rewards = vec![0.0; group];
    let weight = 1.0 / (group * targets.len()) as f64;
    let sigma: Vec<f64> = policy.log_std.iter().map(|l| l.exp()).collect();
    for y in targets {
        for (s, e) in samples.iter_mut().zip(&mut eps) {
            for i in 0..n {
                e[i] = standard_normal(rng);
                s[i] = policy.mean[i] + sigma[i] * e[i];
            }
        }
        for (r, s) in rewards.iter_mut().zip(&samples) {
            *r = reward.value(s, y);
        }
        reward_sum += rewards.iter().sum::<f64>();
        match estimator {
            Estimator::Reinforce(baseline) => {
                baseline.apply(&mut rewards);
                for (s, &r) in samples.iter().zip(&rewards) {
                    policy.add_log_prob_gradient(s, weight * r, &mut d_mean, &mut d_log_std);
                }
            }
            Estimator::Pathwise => {
                let u = reward.matrix();
                for (s, e) in samples.iter().zip(&eps) {
                    // ∂R/∂ŷ = −2U(ŷ − y); ∂ŷ_i/∂m_i = 1, ∂ŷ_i/∂ℓ_i = σ_i·ε_i.
                    for i in 0..n {
                        let mut d = 0.0;
                        for j in 0..n {
                            d -= 2.0 * u[(i, j)] * (s[j] - y[j]);
                        }
                        d_mean[i] += weight * d;
                        d_log_std[i] += weight * d * sigma[i] * e[i];
                    }
                }
            }
        }
    }
    // ∂H/∂ℓ_i = 1.
    for d in &mut d_log_std {
        *d += entropy_weight;
    }
    Gradient {
        d_mean,
        d_log_std,
        mean_reward: reward_sum * weight,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// ∇J in closed form: ∇_m = mean_b −2U(m − y_b); ∇_ℓi = −2·U_ii·σ_i² + λ.
    fn exact(
        policy: &DiagGaussian,
        targets: &[Vec<f64>],
        u: &Mahalanobis,
        lambda: f64,
    ) -> Gradient {
        let n = policy.dim();
        let m = u.matrix();
        let var = policy.variances();
        let mut d_mean = vec![0.0; n];
        for y in targets {
            for i in 0..n {
                for j in 0..n {
                    d_mean[i] -= 2.0 * m[(i, j)] * (policy.mean[j] - y[j]) / targets.len() as f64;
                }
            }
        }
        let d_log_std = (0..n).map(|i| -2.0 * m[(i, i)] * var[i] + lambda).collect();
        Gradient {
            d_mean,
            d_log_std,
            mean_reward: f64::NAN,
        }
    }

    fn average(estimator: Estimator, group: usize, draws: usize) -> (Gradient, Gradient) {
        let policy = DiagGaussian {
            mean: vec![0.5, -0.3],
            log_std: vec![-0.1, 0.2],
        };
        let targets = vec![vec![1.0, 0.0], vec![0.2, -1.0], vec![0.6, 0.4]];
        let u = Mahalanobis::full(2, &[1.5, 0.3, 0.3, 0.8]).unwrap();
        let lambda = 0.2;
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut sum = Gradient {
            d_mean: vec![0.0; 2],
            d_log_std: vec![0.0; 2],
            mean_reward: 0.0,
        };
        for _ in 0..draws {
            let g = estimate(&policy, &targets, &u, lambda, group, estimator, &mut rng);
            for i in 0..2 {
                sum.d_mean[i] += g.d_mean[i] / draws as f64;
                sum.d_log_std[i] += g.d_log_std[i] / draws as f64;
            }
        }
        (sum, exact(&policy, &targets, &u, lambda))
    }

    fn close(a: &Gradient, b: &Gradient, tol: f64) -> bool {
        a.d_mean
            .iter()
            .chain(&a.d_log_std)
            .zip(b.d_mean.iter().chain(&b.d_log_std))
            .all(|(x, y)| (x - y).abs() < tol)
    }

    #[test]
    fn unbiased_estimators_average_to_the_exact_gradient() {
        for estimator in [
            Estimator::Reinforce(Baseline::None),
            Estimator::Reinforce(Baseline::LeaveOneOut),
            Estimator::Pathwise,
        ] {
            let (avg, want) = average(estimator, 5, 40_000);
            assert!(
                close(&avg, &want, 0.03),
                "{estimator:?}: {avg:?} vs {want:?}"
            );
        }
    }

    #[test]
    fn baselines_that_see_their_own_sample_are_biased() {
        // Group mean shrinks the reward part by (G − 1)/G; min-shift distorts it.
        for baseline in [Baseline::GroupMean, Baseline::MinShiftBiased] {
            let (avg, want) = average(Estimator::Reinforce(baseline), 2, 40_000);
            assert!(
                !close(&avg, &want, 0.1),
                "{baseline:?} looked unbiased: {avg:?} vs {want:?}"
            );
        }
    }
}
