//! The outer problem's closed-form solutions for Gaussian data (spec §5): the reward whose
//! inner optimum has the data's covariance.
//!
//! Inner optimum for U ≻ 0: m* = μ and S* = (λ/2)·U⁻¹. The outer objective (the data
//! likelihood of π*) needs S* = Σ, hence U* = (λ/2)·Σ⁻¹; restricted to U = u·I, the best
//! isotropic fit has variance tr Σ/n, hence u* = λ·n/(2·tr Σ).

use nalgebra::DMatrix;

/// The sample covariance (divisor N − 1) of `rows`, each one observation.
pub fn covariance(rows: &[Vec<f64>]) -> Result<DMatrix<f64>, String> {
    let n = rows.len();
    let dim = rows.first().map_or(0, Vec::len);
    if n < 2 || dim == 0 {
        return Err(format!(
            "a covariance needs at least 2 observations, got {n}"
        ));
    }
    let mut mean = vec![0.0; dim];
    for r in rows {
        for (m, &v) in mean.iter_mut().zip(r) {
            *m += v / n as f64;
        }
    }
    let mut c = DMatrix::zeros(dim, dim);
    for r in rows {
        for i in 0..dim {
            for j in 0..dim {
                c[(i, j)] += (r[i] - mean[i]) * (r[j] - mean[j]) / (n - 1) as f64;
            }
        }
    }
    Ok(c)
}

/// The second moment of `rows` around `centre` (divisor N): the covariance a Gaussian
/// centred there must have to maximise the rows' likelihood, so the outer objective's own
/// optimum is U* = (λ/2)·spread⁻¹ around the policy's mean.
pub fn spread_around(rows: &[Vec<f64>], centre: &[f64]) -> DMatrix<f64> {
    let n = centre.len();
    let mut s = DMatrix::zeros(n, n);
    for y in rows {
        for i in 0..n {
            for j in 0..n {
                s[(i, j)] += (y[i] - centre[i]) * (y[j] - centre[j]) / rows.len() as f64;
            }
        }
    }
    s
}

/// U* = (λ/2)·(Σ + εI)⁻¹, with its condition number. The jitter ε is the caller's (and is
/// recorded by it); a covariance that is singular even with it is an error.
pub fn optimal_full(
    lambda: f64,
    sigma: &DMatrix<f64>,
    jitter: f64,
) -> Result<(DMatrix<f64>, f64), String> {
    if !(lambda.is_finite() && lambda > 0.0) {
        return Err(format!(
            "the entropy weight λ must be positive, got {lambda}"
        ));
    }
    let n = sigma.nrows();
    let regularised = sigma + DMatrix::identity(n, n) * jitter;
    let eigen = regularised.clone().symmetric_eigen();
    let (lo, hi) = (eigen.eigenvalues.min(), eigen.eigenvalues.max());
    // NaN eigenvalues (a covariance with NaN entries) fail this test too.
    if lo.is_nan() || lo <= 0.0 {
        return Err(format!(
            "the covariance is not positive definite (smallest eigenvalue {lo:e}); raise the jitter"
        ));
    }
    let inverse = regularised
        .try_inverse()
        .ok_or("the covariance cannot be inverted; raise the jitter")?;
    Ok((inverse * (lambda / 2.0), hi / lo))
}

/// u* = λ·n/(2·tr Σ).
pub fn optimal_isotropic(lambda: f64, sigma: &DMatrix<f64>) -> f64 {
    lambda * sigma.nrows() as f64 / (2.0 * sigma.trace())
}

/// The inner optimum's covariance for reward matrix `u`: S* = (λ/2)·U⁻¹.
pub fn inner_covariance(lambda: f64, u: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    u.clone().try_inverse().map(|inv| inv * (lambda / 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_optimal_reward_makes_the_inner_optimum_the_data_covariance() {
        let a = DMatrix::from_row_slice(3, 3, &[1.0, 0.2, -0.4, 0.0, 0.7, 0.3, 0.5, -0.1, 1.2]);
        let sigma = &a * a.transpose();
        for lambda in [0.01, 0.5, 3.0] {
            let (u, condition) = optimal_full(lambda, &sigma, 0.0).unwrap();
            let s = inner_covariance(lambda, &u).unwrap();
            assert!((s - &sigma).amax() < 1e-10);
            assert!(condition >= 1.0);
        }
        let u = optimal_isotropic(0.4, &sigma);
        assert!(
            (0.4 / (2.0 * u) - sigma.trace() / 3.0).abs() < 1e-12,
            "variance tr Σ / n"
        );
    }

    #[test]
    fn singular_covariances_need_jitter_and_covariance_is_unbiased() {
        let singular = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 1.0, 1.0]);
        assert!(optimal_full(1.0, &singular, 0.0)
            .unwrap_err()
            .contains("jitter"));
        assert!(optimal_full(1.0, &singular, 1e-6).is_ok());
        assert!(optimal_full(0.0, &singular, 1e-6).is_err());
        let c = covariance(&[vec![1.0, 0.0], vec![3.0, 2.0]]).unwrap();
        assert_eq!(c, DMatrix::from_row_slice(2, 2, &[2.0, 2.0, 2.0, 2.0]));
        assert!(covariance(&[vec![1.0]]).is_err());
    }
}
