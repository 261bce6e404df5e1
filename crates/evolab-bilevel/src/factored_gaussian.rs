//! One Gaussian N(m, L·Lᵀ) per example, given by its mean and a lower-triangular factor L,
//! and the derivatives every loss needs. A diagonal Gaussian is the case L = diag σ, so the
//! diagonal and the full-covariance models share this code.
//!
//! Matrices are `n × n` row-major slices; only L's lower triangle is read or written.
//!
//! The factor comes from unconstrained numbers (`raw`):
//! - diagonal: σ_i = exp(raw_i), unclamped as in the original;
//! - full: n(n+1)/2 numbers filling the lower triangle row by row; the diagonal goes through
//!   softplus (+1e-6) so that L stays invertible, the rest is used as it is.

use serde::{Deserialize, Serialize};

pub const HALF_LOG_2PI: f64 = 0.918_938_533_204_672_8;
const MIN_DIAGONAL: f64 = 1e-6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Covariance {
    Diagonal,
    Full,
}

impl Covariance {
    /// How many unconstrained numbers make one factor.
    pub fn raw_len(self, n: usize) -> usize {
        match self {
            Covariance::Diagonal => n,
            Covariance::Full => n * (n + 1) / 2,
        }
    }

    /// The raw numbers of L = I.
    pub fn identity_raw(self, n: usize, raw: &mut [f64]) {
        raw.fill(0.0);
        if self == Covariance::Full {
            for i in 0..n {
                raw[i * (i + 1) / 2 + i] = inverse_softplus(1.0 - MIN_DIAGONAL);
            }
        }
    }

    /// Writes L (row-major, zero above the diagonal) from `raw`.
    pub fn factor(self, n: usize, raw: &[f64], l: &mut [f64]) {
        l.fill(0.0);
        match self {
            Covariance::Diagonal => (0..n).for_each(|i| l[i * n + i] = raw[i].exp()),
            Covariance::Full => {
                for i in 0..n {
                    for j in 0..i {
                        l[i * n + j] = raw[i * (i + 1) / 2 + j];
                    }
                    l[i * n + i] = softplus(raw[i * (i + 1) / 2 + i]) + MIN_DIAGONAL;
                }
            }
        }
    }

    /// Adds the gradient with respect to `raw` of a function whose gradient with respect
    /// to L's lower triangle is `d_l`.
    pub fn add_raw_gradient(
        self,
        n: usize,
        raw: &[f64],
        l: &[f64],
        d_l: &[f64],
        d_raw: &mut [f64],
    ) {
        match self {
            Covariance::Diagonal => (0..n).for_each(|i| d_raw[i] += d_l[i * n + i] * l[i * n + i]),
            Covariance::Full => {
                for i in 0..n {
                    let row = i * (i + 1) / 2;
                    for j in 0..i {
                        d_raw[row + j] += d_l[i * n + j];
                    }
                    d_raw[row + i] += d_l[i * n + i] * sigmoid(raw[row + i]);
                }
            }
        }
    }
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

fn inverse_softplus(y: f64) -> f64 {
    y + (-(-y).exp_m1()).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// z = L⁻¹·d (forward substitution).
pub fn solve_lower(n: usize, l: &[f64], d: &[f64], z: &mut [f64]) {
    for i in 0..n {
        let s: f64 = (0..i).map(|j| l[i * n + j] * z[j]).sum();
        z[i] = (d[i] - s) / l[i * n + i];
    }
}

/// w = L⁻ᵀ·z (backward substitution).
fn solve_upper_transposed(n: usize, l: &[f64], z: &[f64], w: &mut [f64]) {
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|j| l[j * n + i] * w[j]).sum();
        w[i] = (z[i] - s) / l[i * n + i];
    }
}

fn log_det_factor(n: usize, l: &[f64]) -> f64 {
    (0..n).map(|i| l[i * n + i].ln()).sum()
}

/// log N(y; m, LLᵀ); `z` receives L⁻¹(y − m), which the gradient reuses.
pub fn log_prob(n: usize, mean: &[f64], l: &[f64], y: &[f64], z: &mut [f64]) -> f64 {
    let d: Vec<f64> = y.iter().zip(mean).map(|(y, m)| y - m).collect();
    solve_lower(n, l, &d, z);
    -0.5 * z.iter().map(|v| v * v).sum::<f64>() - log_det_factor(n, l) - n as f64 * HALF_LOG_2PI
}

/// Adds `weight·∇ log N(y; m, LLᵀ)` given z = L⁻¹(y − m):
/// ∂/∂m = w with w = L⁻ᵀz (= S⁻¹(y − m)), ∂/∂L_ij = w_i·z_j − 1[i = j]/L_ii.
pub fn add_log_prob_gradient(
    n: usize,
    l: &[f64],
    z: &[f64],
    weight: f64,
    d_mean: &mut [f64],
    d_l: &mut [f64],
) {
    let mut w = vec![0.0; n];
    solve_upper_transposed(n, l, z, &mut w);
    for i in 0..n {
        d_mean[i] += weight * w[i];
        for j in 0..=i {
            d_l[i * n + j] += weight * w[i] * z[j];
        }
        d_l[i * n + i] -= weight / l[i * n + i];
    }
}

/// H = ½·log det(2πe·LLᵀ) = n·(½ + ½ log 2π) + Σ log L_ii.
pub fn entropy(n: usize, l: &[f64]) -> f64 {
    n as f64 * (0.5 + HALF_LOG_2PI) + log_det_factor(n, l)
}

/// Adds `weight·∇H`: ∂H/∂L_ii = 1/L_ii.
pub fn add_entropy_gradient(n: usize, l: &[f64], weight: f64, d_l: &mut [f64]) {
    for i in 0..n {
        d_l[i * n + i] += weight / l[i * n + i];
    }
}

/// ŷ = m + L·ε.
pub fn sample(n: usize, mean: &[f64], l: &[f64], eps: &[f64], out: &mut [f64]) {
    for i in 0..n {
        out[i] = mean[i] + (0..=i).map(|j| l[i * n + j] * eps[j]).sum::<f64>();
    }
}

/// Adds the pathwise gradient of a function of ŷ = m + Lε whose gradient at ŷ is `g`:
/// ∂/∂m = g, ∂/∂L_ij = g_i·ε_j.
pub fn add_pathwise_gradient(
    n: usize,
    g: &[f64],
    eps: &[f64],
    weight: f64,
    d_mean: &mut [f64],
    d_l: &mut [f64],
) {
    for i in 0..n {
        d_mean[i] += weight * g[i];
        for j in 0..=i {
            d_l[i * n + j] += weight * g[i] * eps[j];
        }
    }
}

/// S = L·Lᵀ, row-major.
pub fn covariance(n: usize, l: &[f64]) -> Vec<f64> {
    let mut s = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            s[i * n + j] = (0..=i.min(j)).map(|k| l[i * n + k] * l[j * n + k]).sum();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_factor(raw: &[f64]) -> Vec<f64> {
        let mut l = vec![0.0; 9];
        Covariance::Full.factor(3, raw, &mut l);
        l
    }

    #[test]
    fn log_prob_matches_the_dense_formula_and_its_gradient_finite_differences() {
        let raw = [0.3, -0.4, 0.1, 0.7, 0.2, -0.5];
        let mean = [0.5, -1.0, 2.0];
        let y = [1.0, 0.0, 1.5];
        let l = full_factor(&raw);
        let mut z = vec![0.0; 3];
        let lp = log_prob(3, &mean, &l, &y, &mut z);
        let s = nalgebra::DMatrix::from_row_slice(3, 3, &covariance(3, &l));
        let d = nalgebra::DVector::from_iterator(3, y.iter().zip(&mean).map(|(a, b)| a - b));
        let dense = -0.5 * (d.transpose() * s.clone().try_inverse().unwrap() * &d)[0]
            - 0.5 * s.determinant().ln()
            - 3.0 * HALF_LOG_2PI;
        assert!((lp - dense).abs() < 1e-12, "{lp} vs {dense}");

        let (mut d_mean, mut d_l, mut d_raw) = (vec![0.0; 3], vec![0.0; 9], vec![0.0; 6]);
        add_log_prob_gradient(3, &l, &z, 1.0, &mut d_mean, &mut d_l);
        Covariance::Full.add_raw_gradient(3, &raw, &l, &d_l, &mut d_raw);
        let f = |raw: &[f64], mean: &[f64]| log_prob(3, mean, &full_factor(raw), &y, &mut [0.0; 3]);
        let h = 1e-6;
        for k in 0..6 {
            let (mut up, mut down) = (raw.to_vec(), raw.to_vec());
            up[k] += h;
            down[k] -= h;
            let fd = (f(&up, &mean) - f(&down, &mean)) / (2.0 * h);
            assert!(
                (fd - d_raw[k]).abs() < 1e-6,
                "raw {k}: {} vs {fd}",
                d_raw[k]
            );
        }
        for k in 0..3 {
            let (mut up, mut down) = (mean.to_vec(), mean.to_vec());
            up[k] += h;
            down[k] -= h;
            let fd = (f(&raw, &up) - f(&raw, &down)) / (2.0 * h);
            assert!(
                (fd - d_mean[k]).abs() < 1e-6,
                "mean {k}: {} vs {fd}",
                d_mean[k]
            );
        }
    }

    #[test]
    fn diagonal_factor_entropy_and_identity() {
        let mut l = vec![0.0; 4];
        Covariance::Diagonal.factor(2, &[0.0, 2f64.ln()], &mut l);
        assert_eq!(l, [1.0, 0.0, 0.0, 2.0]);
        let h = entropy(2, &l);
        assert!((h - (2.0 * (0.5 + HALF_LOG_2PI) + 2f64.ln())).abs() < 1e-12);
        let mut d_l = vec![0.0; 4];
        add_entropy_gradient(2, &l, 1.0, &mut d_l);
        let mut d_raw = vec![0.0; 2];
        Covariance::Diagonal.add_raw_gradient(2, &[0.0, 2f64.ln()], &l, &d_l, &mut d_raw);
        assert_eq!(d_raw, [1.0, 1.0], "∂H/∂log σ_i = 1");

        let mut raw = vec![9.0; 6];
        Covariance::Full.identity_raw(3, &mut raw);
        let l = full_factor(&raw);
        for i in 0..3 {
            for j in 0..3 {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((l[i * 3 + j] - want).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn samples_have_the_factor_s_covariance() {
        use rand::SeedableRng;
        let l = full_factor(&[0.3, -0.4, 0.1, 0.7, 0.2, -0.5]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let draws = 100_000;
        let mut second = [0.0; 9];
        let mut out = [0.0; 3];
        for _ in 0..draws {
            let eps: Vec<f64> = (0..3)
                .map(|_| crate::gaussian::standard_normal(&mut rng))
                .collect();
            sample(3, &[0.0; 3], &l, &eps, &mut out);
            for i in 0..3 {
                for j in 0..3 {
                    second[i * 3 + j] += out[i] * out[j] / draws as f64;
                }
            }
        }
        for (got, want) in second.iter().zip(covariance(3, &l)) {
            assert!((got - want).abs() < 0.02, "{got} vs {want}");
        }
    }
}
