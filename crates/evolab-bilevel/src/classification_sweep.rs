//! The classification experiment (the `classification` preset): logistic regression on the
//! four scikit-learn data sets, by maximum likelihood and by policy gradient with β* and
//! 2β*, over several seeds (each seed its own split and sampling), reported as mean ± 95%
//! CI of the test accuracy.

use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::classification::{optimal_beta, run, Method, Outcome, Schedule};
use crate::dataset::Dataset;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassificationConfig {
    /// Among "iris", "wine", "breast-cancer", "digits".
    pub datasets: Vec<String>,
    pub seeds: Vec<u64>,
    pub epochs: usize,
    pub learning_rate: f64,
    /// λ of the policy-gradient runs.
    pub entropy_weight: f64,
    /// Samples per input for policy gradient.
    pub group: usize,
    /// Policy gradient is run with β = multiplier × β* for each multiplier.
    pub beta_multipliers: Vec<f64>,
    /// Gradients are clipped to this norm (the original's 1e5 by default).
    pub max_grad_norm: f64,
    /// Epochs without a better validation cross-entropy before the learning rate is
    /// multiplied by `plateau_factor`; 0 keeps it constant (the original's effective
    /// behaviour).
    pub plateau_patience: usize,
    pub plateau_factor: f64,
    pub min_learning_rate: f64,
}

impl Default for ClassificationConfig {
    fn default() -> Self {
        ClassificationConfig {
            datasets: DATASETS.iter().map(|d| d.to_string()).collect(),
            seeds: (0..10).collect(),
            epochs: 100,
            learning_rate: 1e-2,
            entropy_weight: 0.1,
            group: 50,
            beta_multipliers: vec![1.0, 2.0],
            max_grad_norm: 1e5,
            plateau_patience: 0,
            plateau_factor: 0.5,
            min_learning_rate: 1e-6,
        }
    }
}

/// The data sets the experiment knows, as `dataset` names them.
pub const DATASETS: [&str; 4] = ["iris", "wine", "breast-cancer", "digits"];

/// One training run of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassificationRow {
    pub dataset: String,
    /// "nll", or "pg β×M" with M the multiplier.
    pub method: String,
    pub beta: Option<f64>,
    pub seed: u64,
    pub test_accuracy: f64,
    pub test_nll: f64,
    pub best_epoch: usize,
}

impl ClassificationConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.datasets.is_empty() {
            return Err("classification.datasets is empty".into());
        }
        if let Some(bad) = self
            .datasets
            .iter()
            .find(|d| !DATASETS.contains(&d.as_str()))
        {
            return Err(format!(
                "unknown data set {bad:?} in classification.datasets; the data sets are {}",
                DATASETS.join(", ")
            ));
        }
        if self.seeds.is_empty() || self.epochs == 0 || self.group == 0 {
            return Err("classification.seeds, epochs and group must not be empty or 0".into());
        }
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if !positive(self.learning_rate) || !positive(self.entropy_weight) {
            return Err("classification.learning_rate and entropy_weight must be positive".into());
        }
        if self.beta_multipliers.iter().any(|&m| !positive(m)) {
            return Err("classification.beta_multipliers must be positive numbers".into());
        }
        if !positive(self.max_grad_norm) {
            return Err("classification.max_grad_norm must be positive".into());
        }
        if self.plateau_patience > 0
            && !(self.plateau_factor > 0.0
                && self.plateau_factor < 1.0
                && self.min_learning_rate >= 0.0)
        {
            return Err(
                "classification.plateau_factor must be in (0, 1) and min_learning_rate at least 0"
                    .into(),
            );
        }
        Ok(())
    }

    /// The training schedule of every run.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            epochs: self.epochs,
            learning_rate: self.learning_rate,
            max_grad_norm: self.max_grad_norm,
            plateau: (self.plateau_patience > 0).then_some((
                self.plateau_factor,
                self.plateau_patience,
                self.min_learning_rate,
            )),
        }
    }

    /// The methods of the sweep for a data set with these class frequencies.
    pub fn methods(&self, frequencies: &[f64]) -> Vec<(String, Method, Option<f64>)> {
        let beta_star = optimal_beta(self.entropy_weight, frequencies);
        let mut methods = vec![("nll".to_string(), Method::Nll, None)];
        for &m in &self.beta_multipliers {
            let beta = m * beta_star;
            methods.push((
                format!("pg β×{m}"),
                Method::PolicyGradient {
                    beta,
                    entropy_weight: self.entropy_weight,
                    group: self.group,
                    baseline: Baseline::LeaveOneOut,
                },
                Some(beta),
            ));
        }
        methods
    }
}

/// Runs every method on every seed of `data`; `on_row` sees each run.
pub fn run_dataset(
    config: &ClassificationConfig,
    data: &Dataset,
    mut on_row: impl FnMut(&ClassificationRow),
) -> Result<Vec<ClassificationRow>, String> {
    let mut rows = Vec::new();
    for (name, method, beta) in config.methods(&data.class_frequencies()) {
        for &seed in &config.seeds {
            let Outcome {
                test_accuracy,
                test_nll,
                best_epoch,
            } = run(data, method, &config.schedule(), seed)?;
            let row = ClassificationRow {
                dataset: data.name.clone(),
                method: name.clone(),
                beta,
                seed,
                test_accuracy,
                test_nll,
                best_epoch,
            };
            on_row(&row);
            rows.push(row);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_checks() {
        let c = ClassificationConfig::default();
        c.check().unwrap();
        let m = c.methods(&[0.5, 0.5]);
        assert_eq!(m.len(), 3);
        assert_eq!(
            m[2].2,
            Some(2.0 * 0.2),
            "2β* with β* = λC/(2(1 − Σp²)) = 0.2"
        );
        let bad = ClassificationConfig {
            datasets: vec!["mnist".into()],
            ..c.clone()
        };
        assert!(bad.check().unwrap_err().contains("mnist"));
    }
}
