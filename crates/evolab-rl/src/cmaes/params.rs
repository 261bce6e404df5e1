//! The default strategy constants for a dimension n and population size λ.

/// Recombination weights and learning rates.
#[derive(Clone, Debug)]
pub struct Strategy {
    pub dim: usize,
    pub lambda: usize,
    pub mu: usize,
    /// Positive recombination weights, summing to 1, best first.
    pub weights: Vec<f64>,
    pub mu_eff: f64,
    pub c_sigma: f64,
    pub d_sigma: f64,
    pub c_c: f64,
    pub c_1: f64,
    pub c_mu: f64,
    /// E‖N(0, I)‖.
    pub chi_n: f64,
}

impl Strategy {
    /// λ = 4 + ⌊3 ln n⌋ unless given.
    pub fn new(dim: usize, lambda: Option<usize>) -> Self {
        let n = dim as f64;
        let lambda = lambda.unwrap_or(4 + (3.0 * n.ln()).floor() as usize).max(2);
        let mu = lambda / 2;
        let raw: Vec<f64> = (1..=mu)
            .map(|i| (mu as f64 + 0.5).ln() - (i as f64).ln())
            .collect();
        let total: f64 = raw.iter().sum();
        let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
        let mu_eff = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
        let c_sigma = (mu_eff + 2.0) / (n + mu_eff + 5.0);
        let d_sigma = 1.0 + 2.0 * (((mu_eff - 1.0) / (n + 1.0)).sqrt() - 1.0).max(0.0) + c_sigma;
        let c_c = (4.0 + mu_eff / n) / (n + 4.0 + 2.0 * mu_eff / n);
        let c_1 = 2.0 / ((n + 1.3).powi(2) + mu_eff);
        let c_mu =
            (1.0 - c_1).min(2.0 * (mu_eff - 2.0 + 1.0 / mu_eff) / ((n + 2.0).powi(2) + mu_eff));
        let chi_n = n.sqrt() * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
        Strategy {
            dim,
            lambda,
            mu,
            weights,
            mu_eff,
            c_sigma,
            d_sigma,
            c_c,
            c_1,
            c_mu,
            chi_n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_sizes_of_the_spec() {
        for (n, lambda) in [(2, 6), (3, 7), (6, 9), (9, 10)] {
            assert_eq!(Strategy::new(n, None).lambda, lambda, "n = {n}");
        }
        let s = Strategy::new(10, None);
        assert!((s.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(s.weights.windows(2).all(|w| w[0] > w[1]));
        assert!(s.c_1 + s.c_mu <= 1.0 && s.c_sigma < 1.0 && s.c_c < 1.0);
    }
}
