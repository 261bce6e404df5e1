//! The linear-mean experiment (the `linear` preset, spec §7): y = x + loc + ε with ε ~
//! N(0, s²·I), loc ~ U(−6, 6) and s ~ U(0.1, 2.5) drawn per seed. A linear-mean Gaussian
//! with one shared diagonal covariance is trained by MSE, NLL and policy gradient against
//! U = I and against the closed form u* = λn/(2 tr Σ̂), Σ̂ the covariance of the residuals of
//! a least-squares fit on the training rows. The curves show how fast each method reaches
//! the truth: the error of the mean against x + loc and of σ against s.

use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::factored_gaussian::Covariance;
use crate::gaussian::standard_normal;
use crate::gaussian_model::{GaussianModel, ModelConfig};
use crate::mlp::Activation;
use crate::parallel::map_parallel;
use crate::regression::{train_observed, Checkpoint, Split, TrainSettings};
use crate::regression_loss::{Objective, PolicyGradient, Transform};
use crate::reward::Mahalanobis;
use crate::theory::EstimatorName;
use evolab_rl::experiment::resolve_workers;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinearConfig {
    pub dim: usize,
    pub train_rows: usize,
    pub validation_rows: usize,
    pub test_rows: usize,
    pub seeds: Vec<u64>,
    pub lambdas: Vec<f64>,
    pub group: usize,
    pub estimator: EstimatorName,
    pub updates: usize,
    pub learning_rate: f64,
    pub workers: usize,
}

impl Default for LinearConfig {
    fn default() -> Self {
        LinearConfig {
            dim: 2,
            train_rows: 1000,
            validation_rows: 100,
            test_rows: 100,
            seeds: (0..10).collect(),
            lambdas: vec![0.1, 1.0, 3.98],
            group: 5,
            estimator: EstimatorName::None,
            updates: 100,
            learning_rate: 1e-2,
            workers: 0,
        }
    }
}

impl LinearConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.dim == 0 || self.seeds.is_empty() || self.lambdas.is_empty() {
            return Err("dim, seeds and lambdas must not be empty".into());
        }
        if self.train_rows < 2 * (self.dim + 1) || self.validation_rows == 0 || self.test_rows == 0
        {
            return Err(format!(
                "a linear fit in {} dimensions needs at least {} training rows and non-empty validation and test sets",
                self.dim,
                2 * (self.dim + 1)
            ));
        }
        if self.lambdas.iter().any(|l| !(l.is_finite() && *l > 0.0)) {
            return Err(format!("every λ must be positive, got {:?}", self.lambdas));
        }
        if self.group == 0 || (self.group < 2 && self.estimator == EstimatorName::LeaveOneOut) {
            return Err("group must be at least 1 (2 for the leave-one-out baseline)".into());
        }
        self.settings().check()
    }

    fn settings(&self) -> TrainSettings {
        TrainSettings {
            updates: self.updates,
            learning_rate: self.learning_rate,
            validate_every: 1,
            checkpoint: Checkpoint::ValidationNll,
            ..TrainSettings::default()
        }
    }

    pub fn methods(&self) -> Vec<LinearMethod> {
        let mut methods = vec![LinearMethod::Mse, LinearMethod::Nll];
        for &lambda in &self.lambdas {
            methods.push(LinearMethod::PgIdentity { lambda });
            methods.push(LinearMethod::PgClosedForm { lambda });
        }
        methods
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LinearMethod {
    Mse,
    Nll,
    PgIdentity {
        lambda: f64,
    },
    /// U = u*·I, u* = λn/(2 tr Σ̂).
    PgClosedForm {
        lambda: f64,
    },
}

impl LinearMethod {
    pub fn label(&self) -> String {
        match self {
            LinearMethod::Mse => "MSE".into(),
            LinearMethod::Nll => "NLL".into(),
            LinearMethod::PgIdentity { lambda } => format!("PG, U = I, λ = {lambda}"),
            LinearMethod::PgClosedForm { lambda } => {
                format!("PG, U = λn/(2 tr Σ̂)·I, λ = {lambda}")
            }
        }
    }
}

/// One validation point of one run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearPoint {
    pub update: usize,
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub validation_nll: f64,
    /// sqrt(mean ‖m(x) − (x + loc)‖²) on the validation inputs.
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub mean_error: f64,
    /// ‖σ̂ − s·1‖₂.
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub sigma_error: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearRow {
    pub seed: u64,
    pub loc: f64,
    pub noise_std: f64,
    pub method: LinearMethod,
    pub label: String,
    pub error: Option<String>,
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub test_nll: f64,
    pub best_update: usize,
    pub curve: Vec<LinearPoint>,
}

/// The data of one seed: loc, s and the three splits.
struct Problem {
    seed: u64,
    loc: f64,
    noise_std: f64,
    parts: [Split; 3],
}

fn problem(config: &LinearConfig, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let loc = rng.random_range(-6.0..6.0);
    let noise_std = rng.random_range(0.1..2.5);
    let d = config.dim;
    let mut draw = |rows: usize| {
        let x = DMatrix::from_fn(rows, d, |_, _| standard_normal(&mut rng));
        let y = (0..rows * d)
            .map(|k| x[(k / d, k % d)] + loc + noise_std * standard_normal(&mut rng))
            .collect();
        Split { x, y }
    };
    let parts = [
        draw(config.train_rows),
        draw(config.validation_rows),
        draw(config.test_rows),
    ];
    Problem {
        seed,
        loc,
        noise_std,
        parts,
    }
}

/// tr Σ̂ of the residuals of an ordinary least-squares fit with intercept.
fn residual_trace(data: &Split) -> Result<f64, String> {
    let (rows, d) = data.x.shape();
    let n = data.outputs();
    let design = DMatrix::from_fn(rows, d + 1, |r, c| if c < d { data.x[(r, c)] } else { 1.0 });
    let gram = design.transpose() * &design;
    let chol = gram
        .cholesky()
        .ok_or("the training inputs are collinear; a least-squares fit is impossible")?;
    let mut trace = 0.0;
    for i in 0..n {
        let y = DVector::from_iterator(rows, (0..rows).map(|r| data.y[r * n + i]));
        let beta = chol.solve(&(design.transpose() * &y));
        let resid = &y - &design * beta;
        trace += resid.norm_squared() / (rows - d - 1) as f64;
    }
    Ok(trace)
}

fn run_one(config: &LinearConfig, p: &Problem, method: LinearMethod) -> LinearRow {
    let d = config.dim;
    let mut row = LinearRow {
        seed: p.seed,
        loc: p.loc,
        noise_std: p.noise_std,
        method,
        label: method.label(),
        error: None,
        test_nll: f64::NAN,
        best_update: 0,
        curve: Vec::new(),
    };
    let pg = |reward: Result<Mahalanobis, String>, lambda: f64| {
        Ok::<_, String>(Objective::PolicyGradient(PolicyGradient {
            reward: reward?,
            entropy_weight: lambda,
            group: config.group,
            estimator: config.estimator.estimator(),
            transform: Transform::None,
            log_prob_clamp: None,
        }))
    };
    let objective = match method {
        LinearMethod::Mse => Ok(Objective::Mse),
        LinearMethod::Nll => Ok(Objective::Nll),
        LinearMethod::PgIdentity { lambda } => pg(Ok(Mahalanobis::identity(d)), lambda),
        LinearMethod::PgClosedForm { lambda } => pg(
            residual_trace(&p.parts[0])
                .and_then(|t| Mahalanobis::isotropic(d, lambda * d as f64 / (2.0 * t))),
            lambda,
        ),
    };
    let model_config = ModelConfig {
        hidden: vec![],
        activation: Activation::Relu,
        covariance: Covariance::Diagonal,
        state_dependent: false,
    };
    let model = GaussianModel::new(&model_config, d, d, p.seed);
    let validation = &p.parts[1];
    let mut curve = Vec::new();
    let trained = objective.and_then(|objective| {
        train_observed(
            model,
            &objective,
            &p.parts[0],
            validation,
            &config.settings(),
            p.seed,
            |update, model| {
                let pred = model.predict(&validation.x);
                let rows = validation.rows();
                let mut sq = 0.0;
                for r in 0..rows {
                    for i in 0..d {
                        let want = validation.x[(r, i)] + p.loc;
                        sq += (pred.mean_of(r)[i] - want).powi(2);
                    }
                }
                let l = pred.factor_of(0);
                let sigma_error = (0..d)
                    .map(|i| (l[i * d + i] - p.noise_std).powi(2))
                    .sum::<f64>()
                    .sqrt();
                curve.push(LinearPoint {
                    update,
                    validation_nll: f64::NAN,
                    mean_error: (sq / rows as f64).sqrt(),
                    sigma_error,
                });
            },
        )
    });
    match trained {
        Ok(t) => {
            for (point, c) in curve.iter_mut().zip(&t.curve) {
                // A model trained by MSE has no σ of its own during training (its test NLL
                // uses the residual variance fitted afterwards).
                if method == LinearMethod::Mse {
                    point.validation_nll = f64::NAN;
                    point.sigma_error = f64::NAN;
                } else {
                    point.validation_nll = c.validation.nll;
                }
            }
            row.test_nll = t.evaluate(&p.parts[2]).nll;
            row.best_update = t.best_update;
        }
        Err(e) => row.error = Some(e),
    }
    row.curve = curve;
    row
}

pub fn run(
    config: &LinearConfig,
    on_row: impl FnMut(&LinearRow),
) -> Result<Vec<LinearRow>, String> {
    config.check()?;
    let problems: Vec<Problem> = config.seeds.iter().map(|&s| problem(config, s)).collect();
    let jobs: Vec<(usize, LinearMethod)> = (0..problems.len())
        .flat_map(|i| config.methods().into_iter().map(move |m| (i, m)))
        .collect();
    let mut on_row = on_row;
    Ok(map_parallel(
        &jobs,
        resolve_workers(config.workers),
        |&(i, m)| run_one(config, &problems[i], m),
        |_, r| on_row(r),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_pg_reaches_the_truth_and_identity_pg_gets_the_wrong_variance() {
        let config = LinearConfig {
            seeds: vec![3],
            lambdas: vec![1.0],
            updates: 1500,
            learning_rate: 0.02,
            ..LinearConfig::default()
        };
        let rows = run(&config, |_| {}).unwrap();
        let last = |label: &str| {
            let r = rows.iter().find(|r| r.label == label).unwrap();
            assert!(r.error.is_none(), "{label}: {:?}", r.error);
            (*r.curve.last().unwrap(), r.noise_std)
        };
        let (nll, s) = last("NLL");
        let (closed, _) = last("PG, U = λn/(2 tr Σ̂)·I, λ = 1");
        let (identity, _) = last("PG, U = I, λ = 1");
        for p in [nll, closed] {
            assert!(p.mean_error < 0.1 * s.max(1.0), "{p:?} (s = {s})");
            assert!(p.sigma_error < 0.1 * s, "{p:?} (s = {s})");
        }
        // U = I puts the variance at λ/2 = 0.5, whatever s is.
        let want = (0.5f64.sqrt() - s).abs() * 2f64.sqrt();
        assert!(
            (identity.sigma_error - want).abs() < 0.1,
            "{identity:?} vs {want}"
        );
        assert!(LinearConfig {
            train_rows: 3,
            ..config
        }
        .check()
        .is_err());
    }
}
