//! The losses that train a Gaussian regression model, with their gradients (spec §3):
//! MSE and NLL, and policy gradient against a Mahalanobis reward with an entropy bonus.
//!
//! Every loss is divided by the output dimension n as the original's are, so that the
//! three are on one scale. Policy gradient minimises −(1/n)·(E[r̃] + λ·H) with H the
//! whole entropy for both estimators (the original's pathwise branch used λ/n, defect 3).

use nalgebra::DMatrix;
use rand_chacha::ChaCha8Rng;

use crate::factored_gaussian as fg;
use crate::gaussian::standard_normal;
use crate::gaussian_model::{GaussianModel, Prediction};
use crate::reinforce::Estimator;
use crate::reward::Mahalanobis;

/// What is done to the rewards before a baseline is subtracted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transform {
    None,
    /// r̃ = exp(γ·r), the original's RBF option.
    Rbf {
        gamma: f64,
    },
}

impl Transform {
    fn apply(self, r: f64) -> f64 {
        match self {
            Transform::None => r,
            Transform::Rbf { gamma } => (gamma * r).exp(),
        }
    }

    /// dr̃/dr.
    fn slope(self, r: f64) -> f64 {
        match self {
            Transform::None => 1.0,
            Transform::Rbf { gamma } => gamma * (gamma * r).exp(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyGradient {
    pub reward: Mahalanobis,
    pub entropy_weight: f64,
    /// Samples per input, G.
    pub group: usize,
    pub estimator: Estimator,
    pub transform: Transform,
    /// REINFORCE only: a sample whose per-dimension log-probability lies outside ±c adds no
    /// gradient (the original's `clamp`, which zeroes gradients outside).
    pub log_prob_clamp: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Objective {
    Mse,
    Nll,
    PolicyGradient(PolicyGradient),
}

/// The value of one loss evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossValue {
    /// MSE, NLL per dimension, or the estimate of −(1/n)(E[r̃] + λH).
    pub loss: f64,
    /// Policy gradient: the mean reward of the samples (before the transform).
    pub mean_reward: Option<f64>,
}

/// Evaluates the loss on the batch `(x, y)` (`y` is `batch × n`, row-major) and adds its
/// gradient to `grads`.
pub fn loss_and_gradient(
    model: &GaussianModel,
    x: &DMatrix<f64>,
    y: &[f64],
    objective: &Objective,
    rng: &mut ChaCha8Rng,
    grads: &mut [f64],
) -> LossValue {
    let p = model.predict(x);
    let n = p.n;
    let rows = p.rows();
    let mut d_mean = vec![0.0; rows * n];
    let mut d_factor = vec![0.0; rows * n * n];
    let scale = 1.0 / (rows * n) as f64;
    let value = match objective {
        Objective::Mse => {
            let mut sum = 0.0;
            for (d, (m, t)) in d_mean.iter_mut().zip(p.mean.iter().zip(y)) {
                sum += (m - t) * (m - t);
                *d = 2.0 * (m - t) * scale;
            }
            LossValue {
                loss: sum * scale,
                mean_reward: None,
            }
        }
        Objective::Nll => {
            let mut z = vec![0.0; n];
            let mut sum = 0.0;
            for r in 0..rows {
                let target = &y[r * n..(r + 1) * n];
                sum += fg::log_prob(n, p.mean_of(r), p.factor_of(r), target, &mut z);
                fg::add_log_prob_gradient(
                    n,
                    p.factor_of(r),
                    &z,
                    -scale,
                    &mut d_mean[r * n..(r + 1) * n],
                    &mut d_factor[r * n * n..(r + 1) * n * n],
                );
            }
            LossValue {
                loss: -sum * scale,
                mean_reward: None,
            }
        }
        Objective::PolicyGradient(pg) => {
            policy_gradient(&p, y, pg, rng, scale, &mut d_mean, &mut d_factor)
        }
    };
    model.backward(x, &p, &d_mean, &d_factor, grads);
    value
}

fn policy_gradient(
    p: &Prediction,
    y: &[f64],
    pg: &PolicyGradient,
    rng: &mut ChaCha8Rng,
    scale: f64,
    d_mean: &mut [f64],
    d_factor: &mut [f64],
) -> LossValue {
    let n = p.n;
    let g = pg.group;
    let u = pg.reward.matrix();
    let mut eps = vec![0.0; g * n];
    let mut samples = vec![0.0; g * n];
    let mut rewards = vec![0.0; g];
    let mut shaped = vec![0.0; g];
    let mut z = vec![0.0; n];
    let mut grad_at_sample = vec![0.0; n];
    let (mut reward_sum, mut objective_sum) = (0.0, 0.0);
    // Ascending E[r̃] + λH is descending its negative: every weight below carries −scale.
    let weight = -scale / g as f64;
    let rows = p.rows();
    for r in 0..rows {
        let (mean, l) = (p.mean_of(r), p.factor_of(r));
        let target = &y[r * n..(r + 1) * n];
        let dm = &mut d_mean[r * n..(r + 1) * n];
        let dl = &mut d_factor[r * n * n..(r + 1) * n * n];
        for s in 0..g {
            for e in &mut eps[s * n..(s + 1) * n] {
                *e = standard_normal(rng);
            }
            fg::sample(
                n,
                mean,
                l,
                &eps[s * n..(s + 1) * n],
                &mut samples[s * n..(s + 1) * n],
            );
            rewards[s] = pg.reward.value(&samples[s * n..(s + 1) * n], target);
            shaped[s] = pg.transform.apply(rewards[s]);
        }
        reward_sum += rewards.iter().sum::<f64>();
        objective_sum += shaped.iter().sum::<f64>() / g as f64;
        match pg.estimator {
            Estimator::Reinforce(baseline) => {
                baseline.apply(&mut shaped);
                for s in 0..g {
                    let lp = fg::log_prob(n, mean, l, &samples[s * n..(s + 1) * n], &mut z);
                    if let Some(c) = pg.log_prob_clamp {
                        if (lp / n as f64).abs() > c {
                            continue;
                        }
                    }
                    fg::add_log_prob_gradient(n, l, &z, weight * shaped[s], dm, dl);
                }
            }
            Estimator::Pathwise => {
                for s in 0..g {
                    // ∇_ŷ R_U = −2U(ŷ − y), through the transform.
                    let slope = pg.transform.slope(rewards[s]);
                    for i in 0..n {
                        grad_at_sample[i] = -2.0
                            * slope
                            * (0..n)
                                .map(|j| u[(i, j)] * (samples[s * n + j] - target[j]))
                                .sum::<f64>();
                    }
                    fg::add_pathwise_gradient(
                        n,
                        &grad_at_sample,
                        &eps[s * n..(s + 1) * n],
                        weight,
                        dm,
                        dl,
                    );
                }
            }
        }
        objective_sum += pg.entropy_weight * fg::entropy(n, l);
        fg::add_entropy_gradient(n, l, -scale * pg.entropy_weight, dl);
    }
    LossValue {
        loss: -objective_sum * scale,
        mean_reward: Some(reward_sum / (rows * g) as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Baseline;
    use crate::factored_gaussian::Covariance;
    use crate::gaussian_model::ModelConfig;
    use crate::mlp::Activation;
    use rand::{RngExt, SeedableRng};

    fn setup(
        covariance: Covariance,
        state_dependent: bool,
    ) -> (GaussianModel, DMatrix<f64>, Vec<f64>) {
        let config = ModelConfig {
            hidden: vec![6],
            activation: Activation::Tanh,
            covariance,
            state_dependent,
        };
        let model = GaussianModel::new(&config, 3, 2, 7);
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let x = DMatrix::from_fn(5, 3, |_, _| rng.random_range(-1.0..1.0));
        let y: Vec<f64> = (0..10).map(|_| rng.random_range(-1.0..1.0)).collect();
        (model, x, y)
    }

    fn value(model: &GaussianModel, x: &DMatrix<f64>, y: &[f64], objective: &Objective) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut g = vec![0.0; model.params.len()];
        loss_and_gradient(model, x, y, objective, &mut rng, &mut g).loss
    }

    #[test]
    fn mse_and_nll_gradients_match_finite_differences() {
        for covariance in [Covariance::Diagonal, Covariance::Full] {
            for state_dependent in [false, true] {
                let (model, x, y) = setup(covariance, state_dependent);
                for objective in [Objective::Mse, Objective::Nll] {
                    let mut rng = ChaCha8Rng::seed_from_u64(0);
                    let mut grads = vec![0.0; model.params.len()];
                    loss_and_gradient(&model, &x, &y, &objective, &mut rng, &mut grads);
                    let h = 1e-6;
                    for (k, &g) in grads.iter().enumerate() {
                        let mut m = model.clone();
                        m.params[k] += h;
                        let up = value(&m, &x, &y, &objective);
                        m.params[k] -= 2.0 * h;
                        let down = value(&m, &x, &y, &objective);
                        let fd = (up - down) / (2.0 * h);
                        assert!(
                            (fd - g).abs() < 1e-6 * (1.0 + fd.abs()),
                            "{covariance:?} S(x) {state_dependent} {objective:?} parameter {k}: {g} vs {fd}"
                        );
                    }
                }
            }
        }
    }

    /// The exact objective for one input at the model's Gaussian:
    /// −(1/n)·(−(m − y)ᵀU(m − y) − tr(U·S) + λH), averaged over the rows.
    fn exact_pg_loss(
        model: &GaussianModel,
        x: &DMatrix<f64>,
        y: &[f64],
        u: &DMatrix<f64>,
        lambda: f64,
    ) -> f64 {
        let p = model.predict(x);
        let n = p.n;
        let mut total = 0.0;
        for r in 0..p.rows() {
            let d =
                nalgebra::DVector::from_iterator(n, (0..n).map(|i| p.mean_of(r)[i] - y[r * n + i]));
            let s = DMatrix::from_row_slice(n, n, &fg::covariance(n, p.factor_of(r)));
            let reward = -(d.transpose() * u * &d)[0] - (u * s).trace();
            total += reward + lambda * fg::entropy(n, p.factor_of(r));
        }
        -total / (p.rows() * n) as f64
    }

    #[test]
    fn policy_gradient_estimates_are_unbiased_for_the_exact_objective() {
        let u = DMatrix::from_row_slice(2, 2, &[1.5, 0.3, 0.3, 0.8]);
        let lambda = 0.4;
        for covariance in [Covariance::Diagonal, Covariance::Full] {
            let (model, x, y) = setup(covariance, true);
            let h = 1e-6;
            let exact: Vec<f64> = (0..model.params.len())
                .map(|k| {
                    let mut m = model.clone();
                    m.params[k] += h;
                    let up = exact_pg_loss(&m, &x, &y, &u, lambda);
                    m.params[k] -= 2.0 * h;
                    (up - exact_pg_loss(&m, &x, &y, &u, lambda)) / (2.0 * h)
                })
                .collect();
            for estimator in [
                Estimator::Reinforce(Baseline::LeaveOneOut),
                Estimator::Pathwise,
            ] {
                let objective = Objective::PolicyGradient(PolicyGradient {
                    reward: Mahalanobis::full(2, &[1.5, 0.3, 0.3, 0.8]).unwrap(),
                    entropy_weight: lambda,
                    group: 1000,
                    estimator,
                    transform: Transform::None,
                    log_prob_clamp: None,
                });
                let mut rng = ChaCha8Rng::seed_from_u64(1);
                let mut grads = vec![0.0; model.params.len()];
                let rounds = 20;
                for _ in 0..rounds {
                    loss_and_gradient(&model, &x, &y, &objective, &mut rng, &mut grads);
                }
                let scale = exact.iter().map(|v| v.abs()).fold(0.0, f64::max);
                for (k, (g, e)) in grads.iter().zip(&exact).enumerate() {
                    let g = g / rounds as f64;
                    assert!(
                        (g - e).abs() < 0.05 * scale,
                        "{covariance:?} {estimator:?} parameter {k}: estimate {g} vs exact {e}"
                    );
                }
            }
        }
    }

    #[test]
    fn entropy_bonus_widens_the_policy_when_the_reward_is_flat() {
        // Defect 10 of the original: with λ > 0 and a reward that ignores the samples, the
        // update must increase σ.
        let (model, x, y) = setup(Covariance::Diagonal, false);
        let objective = Objective::PolicyGradient(PolicyGradient {
            reward: Mahalanobis::isotropic(2, 1e-12).unwrap(),
            entropy_weight: 1.0,
            group: 4,
            estimator: Estimator::Reinforce(Baseline::None),
            transform: Transform::None,
            log_prob_clamp: None,
        });
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut grads = vec![0.0; model.params.len()];
        loss_and_gradient(&model, &x, &y, &objective, &mut rng, &mut grads);
        let shared = &grads[grads.len() - 2..];
        assert!(
            shared.iter().all(|g| *g < 0.0),
            "descending raises log σ: {shared:?}"
        );
    }
}
