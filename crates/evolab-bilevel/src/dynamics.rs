//! The model-based RL experiment (the `dynamics` preset): one-step dynamics models of an
//! evolab environment trained by MSE, by NLL and by policy gradient against R_U for several
//! λ and U, compared on held-out RMSE and NLL and on the return of a planner that acts with
//! each model.
//!
//! U* comes from the closed form with the **residual** covariance of the targets given the
//! inputs, cross-fitted on the training rows (spec §8 defect 4). The marginal covariance
//! the original used is available as `covariance_estimate = "marginal"`, labelled legacy.
//!
//! Inputs and targets are standardised with statistics of the training rows, so Σ̂, U and
//! the reported RMSE and NLL are in standard deviations of each target dimension: the
//! changes of state differ by orders of magnitude between dimensions, and a log standard
//! deviation that starts at 0 could not reach them within the update budget otherwise.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::closed_form::{covariance, optimal_full};
use crate::gaussian::standard_normal;
use crate::gaussian_model::{GaussianModel, ModelConfig};
use crate::parallel::map_parallel;
use crate::planner::{episode_return, LearnedDynamics, PlannerConfig, Task};
use crate::regression::{train, CurvePoint, Split, TrainSettings};
use crate::regression_loss::{Objective, PolicyGradient, Transform};
use crate::reward::Mahalanobis;
use crate::scaler::Scaler;
use crate::theory::EstimatorName;
use crate::transitions::{collect, split};
use evolab_rl::env::{make, ActionSpace};
use evolab_rl::experiment::resolve_workers;

/// Which U a policy-gradient run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RewardChoice {
    /// U = I: the negative squared error.
    Identity,
    /// U = u*·I with u* = λn/(2 tr Σ̂).
    Isotropic,
    /// U* = (λ/2)(Σ̂ + εI)⁻¹.
    Full,
}

/// Where Σ̂ comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CovarianceEstimate {
    /// Cov(y − m̂(x)), m̂ fitted by MSE on the other folds of the training rows.
    Residual,
    /// Cov(y), the original's choice (legacy: it counts the predictable part as noise).
    Marginal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DynamicsConfig {
    /// `Pendulum-v1` or `CartPole-v1`.
    pub env: String,
    /// Transitions collected per seed under random actions.
    pub transitions: usize,
    /// Gaussian noise added to each recorded change of state, in standard deviations of
    /// that dimension's change. The simulators are deterministic: without it the only
    /// "noise" is the model's own error, and U* prescribes a variance the models cannot
    /// match; with it the data have the aleatoric noise the theory is about.
    pub transition_noise: f64,
    /// Train and validation shares; the rest is the test set.
    pub split: [f64; 2],
    pub seeds: Vec<u64>,
    pub lambdas: Vec<f64>,
    pub rewards: Vec<RewardChoice>,
    pub covariance_estimate: CovarianceEstimate,
    pub residual_folds: usize,
    /// ε added to Σ̂ before inverting it.
    pub jitter: f64,
    pub group: usize,
    pub estimator: EstimatorName,
    /// Per-dimension log-probability clamp of REINFORCE samples (the original's 10).
    pub log_prob_clamp: Option<f64>,
    /// Policy gradient on r̃ = exp(γ·R_U) instead of R_U (the original's RBF option).
    pub rbf_gamma: Option<f64>,
    pub model: ModelConfig,
    pub training: TrainSettings,
    pub planner: PlannerConfig,
    /// Worker threads; 0 is one per core.
    pub workers: usize,
}

impl Default for DynamicsConfig {
    fn default() -> Self {
        DynamicsConfig {
            env: "Pendulum-v1".into(),
            transitions: 4000,
            transition_noise: 0.0,
            split: [0.5, 0.2],
            seeds: vec![0, 1, 2, 3, 4],
            lambdas: vec![0.5, 5.0],
            rewards: vec![
                RewardChoice::Identity,
                RewardChoice::Isotropic,
                RewardChoice::Full,
            ],
            covariance_estimate: CovarianceEstimate::Residual,
            residual_folds: 2,
            jitter: 1e-8,
            group: 5,
            estimator: EstimatorName::None,
            log_prob_clamp: Some(10.0),
            rbf_gamma: None,
            model: ModelConfig::default(),
            training: TrainSettings {
                updates: 300,
                learning_rate: 3e-3,
                ..TrainSettings::default()
            },
            planner: PlannerConfig::default(),
            workers: 0,
        }
    }
}

impl DynamicsConfig {
    pub fn check(&self) -> Result<(), String> {
        Task::for_env(&self.env)?;
        if self.seeds.is_empty() || self.lambdas.is_empty() {
            return Err("give at least one seed and one λ".into());
        }
        if self.lambdas.iter().any(|l| !(l.is_finite() && *l > 0.0)) {
            return Err(format!("every λ must be positive, got {:?}", self.lambdas));
        }
        let [a, b] = self.split;
        if !(a > 0.0 && b > 0.0 && a + b < 1.0) {
            return Err(format!(
                "split gives the train and validation shares, both positive with a sum below 1, got {:?}",
                self.split
            ));
        }
        if ((self.transitions as f64) * a.min(b).min(1.0 - a - b)) < 10.0 {
            return Err(format!(
                "{} transitions leave fewer than 10 rows in a part; collect more",
                self.transitions
            ));
        }
        if !(self.transition_noise.is_finite() && self.transition_noise >= 0.0) {
            return Err(format!(
                "transition_noise is a non-negative number of standard deviations, got {}",
                self.transition_noise
            ));
        }
        if self.covariance_estimate == CovarianceEstimate::Residual && self.residual_folds < 2 {
            return Err("residual_folds must be at least 2 (cross-fitting)".into());
        }
        if self.group < 2 && self.estimator == EstimatorName::LeaveOneOut {
            return Err("the leave-one-out baseline needs group ≥ 2".into());
        }
        if let Some(g) = self.rbf_gamma {
            if !(g.is_finite() && g > 0.0) {
                return Err(format!("rbf_gamma must be positive, got {g}"));
            }
        }
        if self.group == 0 || self.jitter.is_nan() || self.jitter < 0.0 {
            return Err("group must be at least 1 and jitter non-negative".into());
        }
        self.model.check()?;
        self.training.check()?;
        self.planner.check()
    }

    /// Every method of one seed, in report order.
    pub fn methods(&self) -> Vec<Method> {
        let mut methods = vec![Method::Mse, Method::Nll];
        for &lambda in &self.lambdas {
            for &reward in &self.rewards {
                methods.push(Method::PolicyGradient { lambda, reward });
            }
        }
        methods
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Method {
    Mse,
    Nll,
    PolicyGradient { lambda: f64, reward: RewardChoice },
}

impl Method {
    /// A label made from the U actually used (spec §8 defect 7).
    pub fn label(&self, estimate: CovarianceEstimate) -> String {
        let sigma = match estimate {
            CovarianceEstimate::Residual => "Σ̂ residual",
            CovarianceEstimate::Marginal => "Σ̂ marginal, legacy",
        };
        match self {
            Method::Mse => "MSE".into(),
            Method::Nll => "NLL".into(),
            Method::PolicyGradient { lambda, reward } => match reward {
                RewardChoice::Identity => format!("PG, U = I, λ = {lambda}"),
                RewardChoice::Isotropic => {
                    format!("PG, U = λn/(2 tr Σ̂)·I ({sigma}), λ = {lambda}")
                }
                RewardChoice::Full => format!("PG, U = (λ/2)Σ̂⁻¹ ({sigma}), λ = {lambda}"),
            },
        }
    }
}

/// What one seed's data gives every method: the scaled splits and Σ̂.
struct SeedData {
    seed: u64,
    train: Split,
    validation: Split,
    test: Split,
    inputs: Scaler,
    targets: Scaler,
    sigma: DMatrix<f64>,
    space: ActionSpace,
}

/// One trained model's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DynamicsRow {
    pub seed: u64,
    pub method: Method,
    pub label: String,
    /// Set when training failed (divergence); the metrics are then NaN.
    pub error: Option<String>,
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub test_rmse: f64,
    /// Per dimension; an MSE model is given the residual variance of its training rows.
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub test_nll: f64,
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub test_variance: f64,
    pub best_update: usize,
    /// Real returns of the planner acting with this model, one per episode.
    pub returns: Vec<f64>,
    pub curve: Vec<CurvePoint>,
}

/// Σ̂ as each seed measured it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CovarianceRow {
    pub seed: u64,
    pub estimate: CovarianceEstimate,
    pub trace: f64,
    /// Row-major.
    pub matrix: Vec<f64>,
    /// Condition number of Σ̂ + εI.
    pub condition: f64,
    pub jitter: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DynamicsReport {
    pub rows: Vec<DynamicsRow>,
    pub covariances: Vec<CovarianceRow>,
    /// Returns of uniformly random actions on the same episode seeds, per seed.
    pub random_returns: Vec<Vec<f64>>,
}

/// The episode seeds of data seed `seed` (distinct from the collection's).
fn episode_seeds(seed: u64, episodes: usize) -> Vec<u64> {
    (0..episodes as u64)
        .map(|e| 1_000_003 + seed * 1_000 + e)
        .collect()
}

/// Progress events, for the command's lines.
pub enum Progress<'a> {
    Data { seed: u64, trace: f64 },
    Row(&'a DynamicsRow),
}

pub fn run(
    config: &DynamicsConfig,
    mut on_progress: impl FnMut(Progress),
) -> Result<DynamicsReport, String> {
    config.check()?;
    let workers = resolve_workers(config.workers);
    let prepared = map_parallel(
        &config.seeds,
        workers,
        |&seed| prepare(config, seed),
        |_, r| {
            if let Ok(d) = r {
                on_progress(Progress::Data {
                    seed: d.seed,
                    trace: d.sigma.trace(),
                })
            }
        },
    );
    let data: Vec<SeedData> = prepared.into_iter().collect::<Result<_, _>>()?;
    let mut report = DynamicsReport::default();
    for d in &data {
        let regularised =
            &d.sigma + DMatrix::identity(d.sigma.nrows(), d.sigma.nrows()) * config.jitter;
        let eigen = regularised.symmetric_eigen().eigenvalues;
        report.covariances.push(CovarianceRow {
            seed: d.seed,
            estimate: config.covariance_estimate,
            trace: d.sigma.trace(),
            matrix: d.sigma.transpose().as_slice().to_vec(),
            condition: eigen.max() / eigen.min(),
            jitter: config.jitter,
        });
    }
    let jobs: Vec<(usize, Method)> = (0..data.len())
        .flat_map(|i| config.methods().into_iter().map(move |m| (i, m)))
        .collect();
    report.rows = map_parallel(
        &jobs,
        workers,
        |&(i, method)| run_method(config, &data[i], method),
        |_, row| on_progress(Progress::Row(row)),
    );
    report.random_returns = map_parallel(
        &config.seeds,
        workers,
        |&seed| {
            episode_seeds(seed, config.planner.episodes)
                .into_iter()
                .map(|s| episode_return(&config.env, None, &config.planner, s))
                .collect::<Result<Vec<f64>, String>>()
        },
        |_, _| {},
    )
    .into_iter()
    .collect::<Result<_, _>>()?;
    Ok(report)
}

/// Collects, splits and scales one seed's data and estimates Σ̂.
fn prepare(config: &DynamicsConfig, seed: u64) -> Result<SeedData, String> {
    let mut data = collect(&config.env, config.transitions, seed)?;
    add_noise(&mut data, config.transition_noise, seed);
    let [mut train_set, mut validation, mut test] = split(&data, config.split, seed);
    let n = train_set.outputs();
    let inputs = Scaler::fit(&train_set.x);
    let targets = Scaler::fit_rows(&train_set.y, n);
    for part in [&mut train_set, &mut validation, &mut test] {
        inputs.transform(&mut part.x);
        targets.transform_rows(&mut part.y);
    }
    let rows = |s: &Split| -> Vec<Vec<f64>> { s.y.chunks(n).map(<[f64]>::to_vec).collect() };
    let sigma = match config.covariance_estimate {
        CovarianceEstimate::Marginal => covariance(&rows(&train_set))?,
        CovarianceEstimate::Residual => covariance(&cross_fitted_residuals(
            config,
            &train_set,
            &validation,
            seed,
        )?)?,
    };
    Ok(SeedData {
        seed,
        train: train_set,
        validation,
        test,
        inputs,
        targets,
        sigma,
        space: make(&config.env).map_err(|e| e.to_string())?.action_space(),
    })
}

/// Adds Gaussian noise of `level` standard deviations of each target dimension.
fn add_noise(data: &mut Split, level: f64, seed: u64) {
    if level == 0.0 || data.rows() < 2 {
        return;
    }
    let n = data.outputs();
    let scale: Vec<f64> = (0..n)
        .map(|j| {
            let column: Vec<f64> = data.y.iter().skip(j).step_by(n).copied().collect();
            let mean = column.iter().sum::<f64>() / column.len() as f64;
            (column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / column.len() as f64).sqrt()
        })
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x006e_015e);
    for (k, v) in data.y.iter_mut().enumerate() {
        *v += level * scale[k % n] * standard_normal(&mut rng);
    }
}

/// y − m̂(x) for every training row, m̂ trained by MSE on the folds without that row.
fn cross_fitted_residuals(
    config: &DynamicsConfig,
    train_set: &Split,
    validation: &Split,
    seed: u64,
) -> Result<Vec<Vec<f64>>, String> {
    let k = config.residual_folds;
    let n = train_set.outputs();
    let mut residuals = Vec::with_capacity(train_set.rows());
    for fold in 0..k {
        let (held, rest): (Vec<usize>, Vec<usize>) =
            (0..train_set.rows()).partition(|r| r % k == fold);
        let model = GaussianModel::new(&config.model, train_set.x.ncols(), n, seed ^ 0xf01d);
        let fitted = train(
            model,
            &Objective::Mse,
            &train_set.select(&rest),
            validation,
            &config.training,
            seed,
        )
        .map_err(|e| format!("fitting the mean model for the residual covariance: {e}"))?;
        let held = train_set.select(&held);
        let mean = fitted.model.mean(&held.x);
        for r in 0..held.rows() {
            residuals.push((0..n).map(|i| held.y[r * n + i] - mean[(r, i)]).collect());
        }
    }
    Ok(residuals)
}

fn objective(
    config: &DynamicsConfig,
    sigma: &DMatrix<f64>,
    method: Method,
) -> Result<Objective, String> {
    let n = sigma.nrows();
    Ok(match method {
        Method::Mse => Objective::Mse,
        Method::Nll => Objective::Nll,
        Method::PolicyGradient { lambda, reward } => {
            let reward = match reward {
                RewardChoice::Identity => Mahalanobis::identity(n),
                RewardChoice::Isotropic => {
                    Mahalanobis::isotropic(n, lambda * n as f64 / (2.0 * sigma.trace()))?
                }
                RewardChoice::Full => {
                    let (u, _) = optimal_full(lambda, sigma, config.jitter)?;
                    Mahalanobis::full(n, u.transpose().as_slice())?
                }
            };
            Objective::PolicyGradient(PolicyGradient {
                reward,
                entropy_weight: lambda,
                group: config.group,
                estimator: config.estimator.estimator(),
                transform: config
                    .rbf_gamma
                    .map_or(Transform::None, |gamma| Transform::Rbf { gamma }),
                log_prob_clamp: config.log_prob_clamp,
            })
        }
    })
}

fn run_method(config: &DynamicsConfig, data: &SeedData, method: Method) -> DynamicsRow {
    let mut row = DynamicsRow {
        seed: data.seed,
        method,
        label: method.label(config.covariance_estimate),
        error: None,
        test_rmse: f64::NAN,
        test_nll: f64::NAN,
        test_variance: f64::NAN,
        best_update: 0,
        returns: Vec::new(),
        curve: Vec::new(),
    };
    let model = GaussianModel::new(
        &config.model,
        data.train.x.ncols(),
        data.train.outputs(),
        data.seed,
    );
    let trained = objective(config, &data.sigma, method).and_then(|objective| {
        train(
            model,
            &objective,
            &data.train,
            &data.validation,
            &config.training,
            data.seed,
        )
    });
    let mut trained = match trained {
        Ok(t) => t,
        Err(e) => {
            row.error = Some(e);
            return row;
        }
    };
    let metrics = trained.evaluate(&data.test);
    row.test_rmse = metrics.rmse;
    row.test_nll = metrics.nll;
    row.test_variance = metrics.variance;
    row.best_update = trained.best_update;
    row.curve = std::mem::take(&mut trained.curve);
    let dynamics = LearnedDynamics {
        model: &trained.model,
        inputs: &data.inputs,
        targets: &data.targets,
        space: data.space.clone(),
    };
    for s in episode_seeds(data.seed, config.planner.episodes) {
        match episode_return(&config.env, Some(&dynamics), &config.planner, s) {
            Ok(r) => row.returns.push(r),
            Err(e) => {
                row.error = Some(format!("planning: {e}"));
                break;
            }
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regression::Checkpoint;

    fn small(env: &str) -> DynamicsConfig {
        DynamicsConfig {
            env: env.into(),
            transitions: 1500,
            seeds: vec![0],
            lambdas: vec![1.0],
            rewards: vec![RewardChoice::Identity, RewardChoice::Full],
            model: ModelConfig {
                hidden: vec![32, 32],
                ..ModelConfig::default()
            },
            training: TrainSettings {
                updates: 300,
                learning_rate: 5e-3,
                checkpoint: Checkpoint::ValidationRmse,
                ..TrainSettings::default()
            },
            planner: PlannerConfig {
                episodes: 1,
                max_steps: 100,
                population: 60,
                horizon: 15,
                elites: 6,
                iterations: 2,
            },
            ..DynamicsConfig::default()
        }
    }

    #[test]
    fn pendulum_models_fit_and_the_planner_beats_random_actions() {
        let config = small("Pendulum-v1");
        let report = run(&config, |_| {}).unwrap();
        let row = |m: Method| report.rows.iter().find(|r| r.method == m).unwrap();
        let mse = row(Method::Mse);
        let nll = row(Method::Nll);
        let pg = row(Method::PolicyGradient {
            lambda: 1.0,
            reward: RewardChoice::Full,
        });
        for r in [mse, nll, pg] {
            assert!(r.error.is_none(), "{:?}", r.error);
            // θ̇ changes by up to ~1 per step; a useful model errs far less.
            assert!(r.test_rmse < 0.1, "{}: RMSE {}", r.label, r.test_rmse);
        }
        // Targets are standardised (each dimension has variance 1 on the training rows): a
        // residual covariance far below that means the model explains most of the change.
        assert!(
            report.covariances[0].trace < 0.05 * 3.0,
            "residual trace {}",
            report.covariances[0].trace
        );
        let random: f64 = report.random_returns[0].iter().sum();
        assert!(
            mse.returns[0] > random + 100.0,
            "planning with the MSE model: {:?} vs random {random}",
            mse.returns
        );
        assert!(pg.label.contains("Σ̂ residual") && pg.label.contains("λ = 1"));
    }

    #[test]
    fn the_marginal_covariance_is_the_labelled_legacy_option() {
        let config = DynamicsConfig {
            covariance_estimate: CovarianceEstimate::Marginal,
            ..small("Pendulum-v1")
        };
        let data = prepare(&config, 0).unwrap();
        // Standardised targets: the marginal covariance has a unit diagonal.
        for i in 0..3 {
            assert!((data.sigma[(i, i)] - 1.0).abs() < 0.01, "{}", data.sigma);
        }
        let full = Method::PolicyGradient {
            lambda: 1.0,
            reward: RewardChoice::Full,
        };
        assert!(full
            .label(CovarianceEstimate::Marginal)
            .contains("marginal, legacy"));
        let residual = prepare(&small("Pendulum-v1"), 0).unwrap();
        assert!(residual.sigma.trace() < 0.05 * data.sigma.trace());
    }

    #[test]
    fn bad_configurations_are_refused_with_the_reason() {
        let bad = |c: DynamicsConfig| c.check().unwrap_err();
        assert!(bad(small("Acrobot-v1")).contains("Pendulum-v1 or CartPole-v1"));
        assert!(bad(DynamicsConfig {
            split: [0.8, 0.3],
            ..small("CartPole-v1")
        })
        .contains("split"));
        assert!(bad(DynamicsConfig {
            lambdas: vec![0.0],
            ..small("CartPole-v1")
        })
        .contains("λ"));
        assert!(bad(DynamicsConfig {
            rbf_gamma: Some(-1.0),
            ..small("CartPole-v1")
        })
        .contains("rbf_gamma"));
        assert!(bad(DynamicsConfig {
            residual_folds: 1,
            ..small("CartPole-v1")
        })
        .contains("residual_folds"));
    }
}
