//! The diagonal Gaussian policy N(m, diag σ²) with σ = exp(ℓ), its log-density, entropy,
//! samples and the derivatives REINFORCE needs.

use nalgebra::{DMatrix, DVector};
use rand_chacha::ChaCha8Rng;

use crate::factored_gaussian::HALF_LOG_2PI;

/// One N(0, 1) draw: evolab-rl's Box–Muller, shared so both crates draw alike.
pub use evolab_rl::gaussian::standard_normal;

/// `count` draws of y = mean + L·z, z ~ N(0, I): Gaussian targets with covariance LLᵀ.
pub fn gaussian_targets(
    count: usize,
    mean: &[f64],
    factor: &DMatrix<f64>,
    rng: &mut ChaCha8Rng,
) -> Vec<Vec<f64>> {
    let n = mean.len();
    (0..count)
        .map(|_| {
            let z = DVector::from_iterator(n, (0..n).map(|_| standard_normal(rng)));
            let y = factor * z;
            (0..n).map(|i| mean[i] + y[i]).collect()
        })
        .collect()
}

/// A diagonal Gaussian over ℝⁿ, parameterised by its mean and log standard deviations.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagGaussian {
    pub mean: Vec<f64>,
    pub log_std: Vec<f64>,
}

impl DiagGaussian {
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    pub fn variances(&self) -> Vec<f64> {
        self.log_std.iter().map(|l| (2.0 * l).exp()).collect()
    }

    /// log N(y; m, diag σ²).
    pub fn log_prob(&self, y: &[f64]) -> f64 {
        y.iter()
            .zip(&self.mean)
            .zip(&self.log_std)
            .map(|((&y, &m), &l)| {
                let z = (y - m) * (-l).exp();
                -0.5 * z * z - l - HALF_LOG_2PI
            })
            .sum()
    }

    /// H = Σ_i (½ log 2πe + ℓ_i) = ½ log det(2πe·S).
    pub fn entropy(&self) -> f64 {
        self.log_std.iter().map(|l| 0.5 + HALF_LOG_2PI + l).sum()
    }

    pub fn sample(&self, rng: &mut ChaCha8Rng, out: &mut [f64]) {
        for ((o, &m), &l) in out.iter_mut().zip(&self.mean).zip(&self.log_std) {
            *o = m + l.exp() * standard_normal(rng);
        }
    }

    /// Adds `weight · ∇ log N(y; m, σ²)` to the gradients: ∂/∂m_i = (y_i − m_i)/σ_i²,
    /// ∂/∂ℓ_i = (y_i − m_i)²/σ_i² − 1.
    pub fn add_log_prob_gradient(
        &self,
        y: &[f64],
        weight: f64,
        d_mean: &mut [f64],
        d_log_std: &mut [f64],
    ) {
        for i in 0..self.dim() {
            let inv_var = (-2.0 * self.log_std[i]).exp();
            let diff = y[i] - self.mean[i];
            d_mean[i] += weight * diff * inv_var;
            d_log_std[i] += weight * (diff * diff * inv_var - 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn log_prob_gradient_matches_finite_differences() {
        let g = DiagGaussian {
            mean: vec![0.3, -1.0],
            log_std: vec![-0.2, 0.4],
        };
        let y = [1.1, -0.5];
        let (mut dm, mut dl) = (vec![0.0; 2], vec![0.0; 2]);
        g.add_log_prob_gradient(&y, 1.0, &mut dm, &mut dl);
        let h = 1e-6;
        for i in 0..2 {
            let mut p = g.clone();
            p.mean[i] += h;
            let mut q = g.clone();
            q.mean[i] -= h;
            let num = (p.log_prob(&y) - q.log_prob(&y)) / (2.0 * h);
            assert!((num - dm[i]).abs() < 1e-7, "mean {i}: {num} vs {}", dm[i]);
            let mut p = g.clone();
            p.log_std[i] += h;
            let mut q = g.clone();
            q.log_std[i] -= h;
            let num = (p.log_prob(&y) - q.log_prob(&y)) / (2.0 * h);
            assert!(
                (num - dl[i]).abs() < 1e-7,
                "log std {i}: {num} vs {}",
                dl[i]
            );
        }
    }

    #[test]
    fn entropy_and_samples_are_the_gaussians() {
        let g = DiagGaussian {
            mean: vec![2.0],
            log_std: vec![(0.5f64).ln()],
        };
        let want = 0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * 0.25).ln();
        assert!((g.entropy() - want).abs() < 1e-12);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut y = [0.0];
        let (mut s, mut s2) = (0.0, 0.0);
        let n = 100_000;
        for _ in 0..n {
            g.sample(&mut rng, &mut y);
            s += y[0];
            s2 += y[0] * y[0];
        }
        let mean = s / n as f64;
        assert!((mean - 2.0).abs() < 0.01 && (s2 / n as f64 - mean * mean - 0.25).abs() < 0.01);
    }
}
