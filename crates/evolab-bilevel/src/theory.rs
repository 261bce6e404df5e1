//! The theory check as one experiment (the `theory` preset): on Gaussian data, train the
//! policy by policy gradient for several entropy weights, isotropic rewards, estimators,
//! group sizes and seeds and compare the learned variance with the inner optimum λ/(2u);
//! then learn the reward itself with the outer solvers (a diagonal U for a diagonal policy,
//! a full U for a full-covariance one) and compare it with U* = (λ/2)·Σ̂⁻¹.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::closed_form::spread_around;
use crate::gaussian::gaussian_targets;
use crate::outer::{learn_diagonal_reward, OuterSettings};
use crate::outer_full::learn_full_reward;
use crate::outer_scalar::golden_section_u;
use crate::reinforce::Estimator;
use crate::reward::Mahalanobis;
use crate::single_point::{train, Training};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TheoryConfig {
    /// Per-dimension means and standard deviations of the Gaussian targets.
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// The correlation between every pair of dimensions (0: independent). A full U* is
    /// then not diagonal, which only the full outer solver can learn.
    pub correlation: f64,
    pub train_targets: usize,
    pub validation_targets: usize,
    pub seeds: Vec<u64>,
    /// The inner sweep: every λ × u × estimator × seed.
    pub lambdas: Vec<f64>,
    pub rewards: Vec<f64>,
    pub estimators: Vec<EstimatorName>,
    /// Samples per target G; the min-shift baseline's bias depends on it.
    pub groups: Vec<usize>,
    pub steps: usize,
    pub learning_rate: f64,
    /// The outer solver's settings (λ is the first of `lambdas`).
    pub outer_steps: usize,
    pub inner_steps: usize,
    pub outer_learning_rate: f64,
    /// The golden-section search on a scalar u = U/I: its bracket, narrowings and inner
    /// steps per evaluation.
    pub golden_bracket: (f64, f64),
    pub golden_iterations: usize,
    pub golden_inner_steps: usize,
}

impl Default for TheoryConfig {
    fn default() -> Self {
        TheoryConfig {
            mean: vec![2.0, -1.0],
            std: vec![0.5, 1.0],
            correlation: 0.0,
            train_targets: 50,
            validation_targets: 500,
            seeds: vec![0, 1, 2],
            lambdas: vec![0.5, 2.0],
            rewards: vec![0.5, 2.0],
            estimators: vec![
                EstimatorName::None,
                EstimatorName::LeaveOneOut,
                EstimatorName::Pathwise,
                EstimatorName::MinShiftBiased,
            ],
            groups: vec![5],
            steps: 4000,
            learning_rate: 0.01,
            outer_steps: 300,
            inner_steps: 30,
            outer_learning_rate: 0.05,
            golden_bracket: (0.01, 100.0),
            golden_iterations: 20,
            golden_inner_steps: 1000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EstimatorName {
    None,
    GroupMean,
    LeaveOneOut,
    MinShiftBiased,
    Pathwise,
}

impl EstimatorName {
    pub fn estimator(self) -> Estimator {
        match self {
            EstimatorName::None => Estimator::Reinforce(Baseline::None),
            EstimatorName::GroupMean => Estimator::Reinforce(Baseline::GroupMean),
            EstimatorName::LeaveOneOut => Estimator::Reinforce(Baseline::LeaveOneOut),
            EstimatorName::MinShiftBiased => Estimator::Reinforce(Baseline::MinShiftBiased),
            EstimatorName::Pathwise => Estimator::Pathwise,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EstimatorName::None => "reinforce",
            EstimatorName::GroupMean => "reinforce, group-mean baseline",
            EstimatorName::LeaveOneOut => "reinforce, leave-one-out baseline",
            EstimatorName::MinShiftBiased => "reinforce, min-shift (original, biased)",
            EstimatorName::Pathwise => "pathwise",
        }
    }
}

/// One inner run: the learned variance (per dimension, averaged over the last quarter of
/// the steps) against λ/(2u), and the learned mean against the optimum m* = ȳ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InnerRow {
    pub lambda: f64,
    pub u: f64,
    pub estimator: EstimatorName,
    pub group: usize,
    pub seed: u64,
    pub learned_variance: Vec<f64>,
    pub theory_variance: f64,
    /// ‖m − ȳ‖ for the mean averaged over the last quarter of the steps (absent from
    /// reports stored before it was recorded).
    #[serde(default)]
    pub mean_error: f64,
}

/// One outer run: the learned diagonal of U against (λ/2)·Σ̂⁻¹, and the learned full U
/// against the full (λ/2)·Σ̂⁻¹.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OuterRow {
    pub seed: u64,
    pub lambda: f64,
    pub learned_u: Vec<f64>,
    pub closed_form_u: Vec<f64>,
    /// ‖U_learned − U*‖_F / ‖U*‖_F.
    pub relative_error: f64,
    /// Row-major n × n.
    pub full_learned_u: Vec<f64>,
    pub full_closed_form_u: Vec<f64>,
    pub full_relative_error: f64,
    /// The golden-section search's u against u* = λn/(2 tr Σ̂) (absent from reports stored
    /// before it was run).
    #[serde(default)]
    pub scalar_u: f64,
    #[serde(default)]
    pub scalar_closed_form_u: f64,
    #[serde(default)]
    pub scalar_relative_error: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TheoryReport {
    pub inner: Vec<InnerRow>,
    pub outer: Vec<OuterRow>,
}

impl TheoryConfig {
    pub fn check(&self) -> Result<(), String> {
        let dim = self.mean.len();
        if dim == 0 || self.std.len() != dim {
            return Err(
                "theory.mean and theory.std must be non-empty and of the same length".into(),
            );
        }
        if self.std.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return Err("theory.std must hold positive numbers".into());
        }
        let positive = |name: &str, xs: &[f64]| -> Result<(), String> {
            if xs.is_empty() || xs.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(format!(
                    "theory.{name} must be a non-empty list of positive numbers"
                ));
            }
            Ok(())
        };
        positive("lambdas", &self.lambdas)?;
        positive("rewards", &self.rewards)?;
        if self.seeds.is_empty() || self.estimators.is_empty() || self.groups.is_empty() {
            return Err(
                "theory.seeds, theory.estimators and theory.groups must not be empty".into(),
            );
        }
        if self.groups.contains(&0) {
            return Err("theory.groups holds a 0; every group needs at least 1 sample".into());
        }
        let floor = if dim > 1 {
            -1.0 / (dim - 1) as f64
        } else {
            -1.0
        };
        if !(self.correlation > floor && self.correlation < 1.0) {
            return Err(format!(
                "theory.correlation must lie in ({floor}, 1) for {dim} dimensions, got {}",
                self.correlation
            ));
        }
        for (name, v) in [
            ("train_targets", self.train_targets),
            ("validation_targets", self.validation_targets),
            ("steps", self.steps),
            ("outer_steps", self.outer_steps),
            ("inner_steps", self.inner_steps),
        ] {
            if v == 0 {
                return Err(format!("theory.{name} is 0; it must be at least 1"));
            }
        }
        let (lo, hi) = self.golden_bracket;
        if !(lo > 0.0 && hi > lo && hi.is_finite()) {
            return Err(format!(
                "theory.golden_bracket must satisfy 0 < low < high, got ({lo}, {hi})"
            ));
        }
        if self.golden_inner_steps < 2 {
            return Err("theory.golden_inner_steps must be at least 2".into());
        }
        if self.train_targets < 2 {
            return Err("theory.train_targets must be at least 2".into());
        }
        Ok(())
    }

    /// The targets' covariance D·R·D, R with `correlation` off the diagonal.
    pub fn covariance(&self) -> DMatrix<f64> {
        let n = self.mean.len();
        DMatrix::from_fn(n, n, |i, j| {
            let r = if i == j { 1.0 } else { self.correlation };
            r * self.std[i] * self.std[j]
        })
    }

    fn targets(&self, count: usize, rng: &mut ChaCha8Rng) -> Result<Vec<Vec<f64>>, String> {
        let l = self
            .covariance()
            .cholesky()
            .ok_or("the targets' covariance is not positive definite")?
            .l();
        Ok(gaussian_targets(count, &self.mean, &l, rng))
    }
}

/// Runs the sweep; `on_row` sees each finished inner run (for progress).
pub fn run(
    config: &TheoryConfig,
    mut on_row: impl FnMut(&InnerRow),
) -> Result<TheoryReport, String> {
    config.check()?;
    let dim = config.mean.len();
    let mut report = TheoryReport::default();
    for &seed in &config.seeds {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let train_set = config.targets(config.train_targets, &mut rng)?;
        let validation = config.targets(config.validation_targets, &mut rng)?;
        let target_mean: Vec<f64> = (0..dim)
            .map(|i| train_set.iter().map(|y| y[i]).sum::<f64>() / train_set.len() as f64)
            .collect();
        for &lambda in &config.lambdas {
            for &u in &config.rewards {
                let reward = Mahalanobis::isotropic(dim, u)?;
                for &name in &config.estimators {
                    for &group in &config.groups {
                        let t = train(
                            &train_set,
                            &reward,
                            &Training {
                                entropy_weight: lambda,
                                group,
                                estimator: name.estimator(),
                                steps: config.steps,
                                learning_rate: config.learning_rate,
                                seed,
                            },
                        )?;
                        let row = InnerRow {
                            lambda,
                            u,
                            estimator: name,
                            group,
                            seed,
                            learned_variance: t.final_variances(config.steps / 4),
                            theory_variance: lambda / (2.0 * u),
                            mean_error: t
                                .final_mean(config.steps / 4)
                                .iter()
                                .zip(&target_mean)
                                .map(|(m, y)| (m - y).powi(2))
                                .sum::<f64>()
                                .sqrt(),
                        };
                        on_row(&row);
                        report.inner.push(row);
                    }
                }
            }
        }
        let lambda = config.lambdas[0];
        let settings = OuterSettings {
            entropy_weight: lambda,
            group: config.groups.iter().copied().max().unwrap_or(5).max(2),
            estimator: Estimator::Reinforce(Baseline::LeaveOneOut),
            warmup_steps: config.steps / 8,
            inner_steps: config.inner_steps,
            outer_steps: config.outer_steps,
            inner_learning_rate: 2.0 * config.learning_rate,
            outer_learning_rate: config.outer_learning_rate,
            seed,
        };
        let trace = learn_diagonal_reward(&train_set, &validation, &settings)?;
        let full = learn_full_reward(&train_set, &validation, &settings)?;
        let golden = golden_section_u(
            &train_set,
            &validation,
            config.golden_bracket,
            &OuterSettings {
                inner_steps: config.golden_inner_steps,
                outer_steps: config.golden_iterations,
                ..settings.clone()
            },
        )?;
        // Each closed form is taken from the validation data's spread around that solver's
        // own policy mean: the outer objective's optimum for it.
        let scalar_closed_form_u =
            lambda * dim as f64 / (2.0 * spread_around(&validation, &golden.mean).trace());
        let tail = &trace.u_diagonal[trace.u_diagonal.len() - (config.outer_steps / 6).max(1)..];
        let learned: Vec<f64> = (0..dim)
            .map(|i| tail.iter().map(|u| u[i]).sum::<f64>() / tail.len() as f64)
            .collect();
        let diagonal_spread = spread_around(&validation, &trace.policy.mean);
        let closed: Vec<f64> = (0..dim)
            .map(|i| lambda / (2.0 * diagonal_spread[(i, i)]))
            .collect();
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let relative = |a: &[f64], b: &[f64]| {
            let diff: Vec<f64> = a.iter().zip(b).map(|(a, b)| a - b).collect();
            norm(&diff) / norm(b)
        };
        let tail = &full.u[full.u.len() - (config.outer_steps / 6).max(1)..];
        let full_learned: Vec<f64> = (0..dim * dim)
            .map(|k| tail.iter().map(|u| u[k]).sum::<f64>() / tail.len() as f64)
            .collect();
        let full_closed: Vec<f64> = (spread_around(&validation, &full.mean)
            .try_inverse()
            .ok_or("the validation targets' covariance is singular")?
            * (lambda / 2.0))
            .transpose()
            .as_slice()
            .to_vec();
        report.outer.push(OuterRow {
            seed,
            lambda,
            relative_error: relative(&learned, &closed),
            learned_u: learned,
            closed_form_u: closed,
            full_relative_error: relative(&full_learned, &full_closed),
            full_learned_u: full_learned,
            full_closed_form_u: full_closed,
            scalar_relative_error: (golden.u - scalar_closed_form_u).abs() / scalar_closed_form_u,
            scalar_u: golden.u,
            scalar_closed_form_u,
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_sweep_reproduces_the_theory_and_flags_the_biased_baseline() {
        let config = TheoryConfig {
            seeds: vec![5],
            lambdas: vec![0.5],
            rewards: vec![1.0],
            estimators: vec![EstimatorName::LeaveOneOut, EstimatorName::MinShiftBiased],
            groups: vec![5],
            correlation: 0.6,
            steps: 3000,
            outer_steps: 200,
            ..TheoryConfig::default()
        };
        let report = run(&config, |_| {}).unwrap();
        let ratio = |name| {
            let r = report.inner.iter().find(|r| r.estimator == name).unwrap();
            r.learned_variance.iter().sum::<f64>()
                / r.learned_variance.len() as f64
                / r.theory_variance
        };
        assert!((ratio(EstimatorName::LeaveOneOut) - 1.0).abs() < 0.1);
        assert!(
            report.inner.iter().all(|r| r.mean_error < 0.05),
            "every estimator finds m* = ȳ: {:?}",
            report.inner
        );
        assert!(ratio(EstimatorName::MinShiftBiased) > 1.5);
        assert!(report.outer[0].relative_error < 0.1, "{:?}", report.outer);
        let full = &report.outer[0];
        assert!(full.full_relative_error < 0.1, "{full:?}");
        assert!(full.scalar_relative_error < 0.1, "{full:?}");
        assert!(
            full.full_closed_form_u[1].abs() > 0.3 * full.full_closed_form_u[0].abs(),
            "correlated targets have a U* with a large off-diagonal: {full:?}"
        );
        let bad = TheoryConfig {
            std: vec![0.5],
            ..TheoryConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("same length"));
        let bad = TheoryConfig {
            correlation: 1.0,
            ..TheoryConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("correlation"));
        let parsed = crate::experiment::Experiment::from_toml("[theory]\nlambda = [1.0]\n");
        assert!(parsed.unwrap_err().contains("lambda"));
    }
}
