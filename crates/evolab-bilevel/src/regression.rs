//! Training a Gaussian regression model with one of the objectives, keeping the parameters
//! with the best validation score, and the metrics that compare methods on held-out data.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::factored_gaussian as fg;
use crate::gaussian_model::GaussianModel;
use crate::optim::{clip_grad_norm, Adam};
use crate::regression_loss::{loss_and_gradient, Objective};

/// Inputs and targets, one row per example.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub x: DMatrix<f64>,
    /// `rows × n`, row-major.
    pub y: Vec<f64>,
}

impl Split {
    pub fn rows(&self) -> usize {
        self.x.nrows()
    }

    pub fn outputs(&self) -> usize {
        self.y.len() / self.rows().max(1)
    }

    /// The rows at `indices`.
    pub fn select(&self, indices: &[usize]) -> Split {
        let n = self.outputs();
        Split {
            x: self.x.select_rows(indices),
            y: indices
                .iter()
                .flat_map(|&i| self.y[i * n..(i + 1) * n].iter().copied())
                .collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainSettings {
    /// Full-batch updates.
    pub updates: usize,
    pub learning_rate: f64,
    pub max_grad_norm: f64,
    /// Validation every this many updates (and after the last).
    pub validate_every: usize,
    pub checkpoint: Checkpoint,
}

/// Which parameters training keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checkpoint {
    /// Lowest validation NLL: the outer objective (MSE, without a likelihood of its own
    /// during training, uses the validation RMSE).
    ValidationNll,
    /// Lowest validation RMSE: the mean a planner uses.
    ValidationRmse,
    /// The last update's, as the original.
    Last,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            updates: 200,
            learning_rate: 1e-3,
            max_grad_norm: 1e5,
            validate_every: 10,
            checkpoint: Checkpoint::ValidationNll,
        }
    }
}

impl TrainSettings {
    pub fn check(&self) -> Result<(), String> {
        if self.updates == 0 || self.validate_every == 0 {
            return Err("updates and validate_every must be at least 1".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(format!(
                "the learning rate must be positive, got {}",
                self.learning_rate
            ));
        }
        if self.max_grad_norm.is_nan() || self.max_grad_norm <= 0.0 {
            return Err("max_grad_norm must be positive".into());
        }
        Ok(())
    }
}

/// Held-out quality of a model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// sqrt of the mean over rows and dimensions of (m(x) − y)².
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub rmse: f64,
    /// −log-likelihood per dimension, −(1/(B·n)) Σ log π(y|x).
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub nll: f64,
    /// Mean predicted variance per dimension, tr S(x)/n averaged over rows.
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub variance: f64,
}

/// The metrics of `model` on `data`. `residual_variance` replaces the model's covariance by
/// a fixed diagonal one (a model trained by MSE has none of its own).
pub fn evaluate(model: &GaussianModel, data: &Split, residual_variance: Option<&[f64]>) -> Metrics {
    let p = model.predict(&data.x);
    let n = p.n;
    let rows = p.rows();
    let fixed: Option<Vec<f64>> = residual_variance.map(|v| {
        let mut l = vec![0.0; n * n];
        (0..n).for_each(|i| l[i * n + i] = v[i].sqrt());
        l
    });
    let mut z = vec![0.0; n];
    let (mut sq, mut lp, mut var) = (0.0, 0.0, 0.0);
    for r in 0..rows {
        let y = &data.y[r * n..(r + 1) * n];
        let l = fixed.as_deref().unwrap_or(p.factor_of(r));
        sq += p
            .mean_of(r)
            .iter()
            .zip(y)
            .map(|(m, t)| (m - t) * (m - t))
            .sum::<f64>();
        lp += fg::log_prob(n, p.mean_of(r), l, y, &mut z);
        var += (0..n)
            .map(|i| (0..=i).map(|j| l[i * n + j] * l[i * n + j]).sum::<f64>())
            .sum::<f64>();
    }
    let count = (rows * n) as f64;
    Metrics {
        rmse: (sq / count).sqrt(),
        nll: -lp / count,
        variance: var / count,
    }
}

/// Per-dimension variance of the residuals y − m(x).
pub fn residual_variance(model: &GaussianModel, data: &Split) -> Vec<f64> {
    let p = model.predict(&data.x);
    let n = p.n;
    let mut v = vec![0.0; n];
    for (k, (m, y)) in p.mean.iter().zip(&data.y).enumerate() {
        v[k % n] += (m - y) * (m - y) / p.rows() as f64;
    }
    v
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub update: usize,
    #[serde(deserialize_with = "crate::nullable::f64")]
    pub train_loss: f64,
    pub validation: Metrics,
}

#[derive(Clone, Debug)]
pub struct Trained {
    /// The parameters at the best validation score.
    pub model: GaussianModel,
    pub best_update: usize,
    pub curve: Vec<CurvePoint>,
    /// MSE only: the per-dimension residual variance on the training rows, which gives the
    /// model a likelihood.
    pub residual_variance: Option<Vec<f64>>,
}

impl Trained {
    pub fn evaluate(&self, data: &Split) -> Metrics {
        evaluate(&self.model, data, self.residual_variance.as_deref())
    }
}

/// Trains `model` by full-batch Adam on `objective`, validating every
/// `settings.validate_every` updates and keeping the parameters `settings.checkpoint` names.
/// A model trained by MSE gets its likelihood afterwards from the training residuals. A loss
/// that stops being finite is an error naming the update.
pub fn train(
    model: GaussianModel,
    objective: &Objective,
    train: &Split,
    validation: &Split,
    settings: &TrainSettings,
    seed: u64,
) -> Result<Trained, String> {
    train_observed(
        model,
        objective,
        train,
        validation,
        settings,
        seed,
        |_, _| {},
    )
}

/// [`train`], calling `observe(update, model)` at every validation point (for measures
/// that need more than the validation split, such as the distance to a known truth).
pub fn train_observed(
    mut model: GaussianModel,
    objective: &Objective,
    train: &Split,
    validation: &Split,
    settings: &TrainSettings,
    seed: u64,
    mut observe: impl FnMut(usize, &GaussianModel),
) -> Result<Trained, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut adam = Adam::new(model.params.len(), settings.learning_rate);
    let mut grads = vec![0.0; model.params.len()];
    let is_mse = matches!(objective, Objective::Mse);
    let score = |m: &Metrics, update: usize| match settings.checkpoint {
        Checkpoint::ValidationNll if !is_mse => m.nll,
        Checkpoint::ValidationNll | Checkpoint::ValidationRmse => m.rmse,
        Checkpoint::Last => -(update as f64),
    };
    let mut best: Option<(f64, usize, Vec<f64>)> = None;
    let mut curve = Vec::new();
    for update in 1..=settings.updates {
        grads.fill(0.0);
        let value = loss_and_gradient(&model, &train.x, &train.y, objective, &mut rng, &mut grads);
        if !value.loss.is_finite() || grads.iter().any(|g| !g.is_finite()) {
            return Err(format!(
                "training diverged at update {update} (loss {}); lower the learning rate or the reward's scale",
                value.loss
            ));
        }
        clip_grad_norm(&mut grads, settings.max_grad_norm);
        adam.step(&mut model.params, &grads);
        if update % settings.validate_every == 0 || update == settings.updates {
            let metrics = evaluate(&model, validation, None);
            observe(update, &model);
            curve.push(CurvePoint {
                update,
                train_loss: value.loss,
                validation: metrics,
            });
            let s = score(&metrics, update);
            if s.is_finite() && best.as_ref().is_none_or(|(b, _, _)| s < *b) {
                best = Some((s, update, model.params.clone()));
            }
        }
    }
    let (_, best_update, params) =
        best.ok_or("no validation score was finite; the model never fitted the data")?;
    model.params = params;
    let residual_variance = is_mse.then(|| residual_variance(&model, train));
    Ok(Trained {
        model,
        best_update,
        curve,
        residual_variance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factored_gaussian::Covariance;
    use crate::gaussian::standard_normal;
    use crate::gaussian_model::ModelConfig;
    use crate::mlp::Activation;

    /// y = A·x + noise with a known noise covariance.
    fn linear_data(rows: usize, seed: u64) -> Split {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = DMatrix::from_fn(rows, 2, |_, _| standard_normal(&mut rng));
        let mut y = Vec::with_capacity(rows * 2);
        for r in 0..rows {
            let (e1, e2) = (standard_normal(&mut rng), standard_normal(&mut rng));
            // Noise factor [[0.5, 0], [0.3, 0.2]]: covariance [[0.25, 0.15], [0.15, 0.13]].
            y.push(x[(r, 0)] - 2.0 * x[(r, 1)] + 1.0 + 0.5 * e1);
            y.push(0.5 * x[(r, 0)] + 0.3 * e1 + 0.2 * e2);
        }
        Split { x, y }
    }

    #[test]
    fn nll_recovers_a_linear_model_and_its_full_noise_covariance() {
        let config = ModelConfig {
            hidden: vec![],
            activation: Activation::Relu,
            covariance: Covariance::Full,
            state_dependent: false,
        };
        let model = GaussianModel::new(&config, 2, 2, 0);
        let settings = TrainSettings {
            updates: 3000,
            learning_rate: 0.02,
            ..TrainSettings::default()
        };
        let trained = train(
            model,
            &Objective::Nll,
            &linear_data(2000, 1),
            &linear_data(500, 2),
            &settings,
            0,
        )
        .unwrap();
        let p = trained.model.predict(&DMatrix::zeros(1, 2));
        let s = fg::covariance(2, p.factor_of(0));
        for (got, want) in s.iter().zip([0.25, 0.15, 0.15, 0.13]) {
            assert!((got - want).abs() < 0.02, "covariance {s:?}");
        }
        assert!(
            (p.mean_of(0)[0] - 1.0).abs() < 0.05,
            "intercept {:?}",
            p.mean_of(0)
        );
        let test = trained.evaluate(&linear_data(2000, 3));
        // The noise's own NLL per dimension: ½ log det(2πe Σ)/2 with det Σ = 0.0100.
        let floor =
            0.5 * ((2.0 * std::f64::consts::PI * std::f64::consts::E).ln() + 0.5 * 0.01f64.ln());
        assert!(
            (test.nll - floor).abs() < 0.03,
            "test NLL {} vs {floor}",
            test.nll
        );
    }

    #[test]
    fn mse_gets_a_likelihood_from_its_residuals_and_divergence_is_an_error() {
        let model = GaussianModel::new(&ModelConfig::default(), 2, 2, 0);
        let settings = TrainSettings {
            updates: 400,
            learning_rate: 0.01,
            ..TrainSettings::default()
        };
        let trained = train(
            model.clone(),
            &Objective::Mse,
            &linear_data(500, 1),
            &linear_data(200, 2),
            &settings,
            0,
        )
        .unwrap();
        let v = trained.residual_variance.clone().unwrap();
        assert!(
            (v[0] - 0.25).abs() < 0.06 && (v[1] - 0.13).abs() < 0.04,
            "{v:?}"
        );
        let m = trained.evaluate(&linear_data(500, 3));
        assert!(m.rmse < 0.5 && m.nll.is_finite(), "{m:?}");

        let wild = TrainSettings {
            learning_rate: 1e30,
            updates: 50,
            ..TrainSettings::default()
        };
        let err = train(
            model,
            &Objective::Nll,
            &linear_data(50, 1),
            &linear_data(50, 2),
            &wild,
            0,
        )
        .unwrap_err();
        assert!(
            err.contains("diverged") || err.contains("never fitted"),
            "{err}"
        );
    }
}
