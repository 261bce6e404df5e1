//! The outer solver for a full reward matrix: U = C·Cᵀ (C lower-triangular, its diagonal
//! through softplus, so U stays positive definite) is learned by implicit differentiation
//! through the optimum of a full-covariance policy N(m, L·Lᵀ) trained by policy gradient.
//! [`crate::outer`] explains the method; this is the same with a policy that sees all of U
//! (a diagonal policy only sees its diagonal).
//!
//! The policy is the [`GaussianModel`] with a linear mean over a constant zero input and one
//! shared full factor, trained by the same policy-gradient loss as every other experiment;
//! θ = (m, raw L) are its bias and shared factor.

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::factored_gaussian::{self as fg, Covariance};
use crate::gaussian_model::{GaussianModel, ModelConfig};
use crate::mlp::Activation;
use crate::optim::{clip_grad_norm, Adam};
use crate::outer::{implicit_hypergradient, target_mean, OuterSettings};
use crate::regression_loss::{loss_and_gradient, Objective, PolicyGradient, Transform};
use crate::reward::Mahalanobis;

/// U after each outer step (row-major), and the held-out NLL before it.
#[derive(Clone, Debug)]
pub struct FullOuterTrace {
    pub u: Vec<Vec<f64>>,
    pub validation_nll: Vec<f64>,
    /// The final policy's mean and covariance (row-major).
    pub mean: Vec<f64>,
    pub covariance: Vec<f64>,
}

/// U = C·Cᵀ from its raw parameters.
fn reward_matrix(n: usize, phi: &[f64]) -> DMatrix<f64> {
    let mut c = vec![0.0; n * n];
    Covariance::Full.factor(n, phi, &mut c);
    DMatrix::from_row_slice(n, n, &fg::covariance(n, &c))
}

/// ∇_θ J for θ = (m, raw L), exact for the quadratic reward: J = −mean_b (m − y_b)ᵀU(m − y_b)
/// − tr(U·LLᵀ) + λ·H, so ∇_m = −2U(m − ȳ) and ∇_L = −2U·L + λ·diag(1/L_ii).
fn inner_gradient(
    n: usize,
    theta: &[f64],
    phi: &[f64],
    mean_target: &[f64],
    lambda: f64,
) -> Vec<f64> {
    let u = reward_matrix(n, phi);
    let (m, raw) = theta.split_at(n);
    let mut l = vec![0.0; n * n];
    Covariance::Full.factor(n, raw, &mut l);
    let lm = DMatrix::from_row_slice(n, n, &l);
    let d = DVector::from_iterator(n, (0..n).map(|i| m[i] - mean_target[i]));
    let mut g = vec![0.0; theta.len()];
    let gm = -2.0 * &u * d;
    g[..n].copy_from_slice(gm.as_slice());
    let ul = -2.0 * &u * lm;
    let mut d_l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            d_l[i * n + j] = ul[(i, j)];
        }
    }
    fg::add_entropy_gradient(n, &l, lambda, &mut d_l);
    Covariance::Full.add_raw_gradient(n, raw, &l, &d_l, &mut g[n..]);
    g
}

/// The mean NLL of `data` under N(m, LLᵀ) and its gradient with respect to θ = (m, raw L).
fn nll_gradient(n: usize, theta: &[f64], data: &[Vec<f64>]) -> (f64, Vec<f64>) {
    let (m, raw) = theta.split_at(n);
    let mut l = vec![0.0; n * n];
    Covariance::Full.factor(n, raw, &mut l);
    let (mut d_m, mut d_l, mut z) = (vec![0.0; n], vec![0.0; n * n], vec![0.0; n]);
    let w = 1.0 / data.len() as f64;
    let mut nll = 0.0;
    for y in data {
        nll -= w * fg::log_prob(n, m, &l, y, &mut z);
        fg::add_log_prob_gradient(n, &l, &z, -w, &mut d_m, &mut d_l);
    }
    let mut g = d_m;
    g.resize(theta.len(), 0.0);
    Covariance::Full.add_raw_gradient(n, raw, &l, &d_l, &mut g[n..]);
    (nll, g)
}

/// The full solver's hypergradient ([`implicit_hypergradient`]).
fn hypergradient(
    n: usize,
    theta: &[f64],
    phi: &[f64],
    mean_target: &[f64],
    lambda: f64,
    outer_grad: &[f64],
) -> Result<Vec<f64>, String> {
    implicit_hypergradient(theta, phi, outer_grad, |t, p| {
        inner_gradient(n, t, p, mean_target, lambda)
    })
}

/// Learns a full U on `train` (the inner data) for the likelihood of `validation`.
pub fn learn_full_reward(
    train: &[Vec<f64>],
    validation: &[Vec<f64>],
    s: &OuterSettings,
) -> Result<FullOuterTrace, String> {
    let (n, mean_target) = target_mean(train, validation)?;
    let config = ModelConfig {
        hidden: vec![],
        activation: Activation::Relu,
        covariance: Covariance::Full,
        state_dependent: false,
    };
    let mut policy = GaussianModel::new(&config, 1, n, s.seed);
    // The input is always 0: the weights play no part, the bias is the mean.
    policy.params[..n].fill(0.0);
    policy.params[n..2 * n].fill(0.0);
    let x = DMatrix::zeros(train.len(), 1);
    let y: Vec<f64> = train.iter().flatten().copied().collect();
    let theta = |p: &GaussianModel| p.params[n..].to_vec();
    let mut phi = vec![0.0; Covariance::Full.raw_len(n)];
    Covariance::Full.identity_raw(n, &mut phi);
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut inner = Adam::new(policy.params.len(), s.inner_learning_rate);
    let mut outer = Adam::new(phi.len(), s.outer_learning_rate);
    let mut grads = vec![0.0; policy.params.len()];
    let mut inner_steps =
        |policy: &mut GaussianModel, phi: &[f64], steps: usize, rng: &mut ChaCha8Rng| {
            let u = reward_matrix(n, phi);
            let objective = Objective::PolicyGradient(PolicyGradient {
                reward: Mahalanobis::full(n, u.transpose().as_slice())?,
                entropy_weight: s.entropy_weight,
                group: s.group,
                estimator: s.estimator,
                transform: Transform::None,
                log_prob_clamp: None,
            });
            for _ in 0..steps {
                grads.fill(0.0);
                let v = loss_and_gradient(policy, &x, &y, &objective, rng, &mut grads);
                if !v.loss.is_finite() {
                    return Err(
                        "the inner policy gradient diverged; lower the inner learning rate"
                            .to_string(),
                    );
                }
                clip_grad_norm(&mut grads, 1e5);
                inner.step(&mut policy.params, &grads);
            }
            Ok(())
        };
    inner_steps(&mut policy, &phi, s.warmup_steps, &mut rng)?;
    let mut trace = FullOuterTrace {
        u: Vec::with_capacity(s.outer_steps),
        validation_nll: Vec::with_capacity(s.outer_steps),
        mean: Vec::new(),
        covariance: Vec::new(),
    };
    for _ in 0..s.outer_steps {
        inner_steps(&mut policy, &phi, s.inner_steps, &mut rng)?;
        let t = theta(&policy);
        let (nll, outer_grad) = nll_gradient(n, &t, validation);
        let d = hypergradient(n, &t, &phi, &mean_target, s.entropy_weight, &outer_grad)?;
        outer.step(&mut phi, &d);
        trace
            .u
            .push(reward_matrix(n, &phi).transpose().as_slice().to_vec());
        trace.validation_nll.push(nll);
    }
    let t = theta(&policy);
    let mut l = vec![0.0; n * n];
    Covariance::Full.factor(n, &t[n..], &mut l);
    trace.mean = t[..n].to_vec();
    trace.covariance = fg::covariance(n, &l);
    Ok(trace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Baseline;
    use crate::closed_form::spread_around;
    use crate::gaussian::gaussian_targets;
    use crate::reinforce::Estimator;

    /// Correlated 2-D targets: Σ = [[0.25, 0.3], [0.3, 1.0]].
    fn data(n: usize, seed: u64) -> Vec<Vec<f64>> {
        let factor = DMatrix::from_row_slice(2, 2, &[0.5, 0.0, 0.6, 0.8]);
        gaussian_targets(
            n,
            &[1.0, -2.0],
            &factor,
            &mut ChaCha8Rng::seed_from_u64(seed),
        )
    }

    #[test]
    fn the_hypergradient_matches_finite_differences_at_the_inner_optimum() {
        let validation = data(200, 2);
        let mean_target = [1.0, -2.0];
        let lambda = 0.5;
        // θ*(φ): m = ȳ, L = chol((λ/2)U⁻¹), in raw form.
        let optimum = |phi: &[f64]| -> Vec<f64> {
            let s = reward_matrix(2, phi).try_inverse().unwrap() * (lambda / 2.0);
            let l = s.cholesky().unwrap().l();
            let inv_softplus = |y: f64| y + (-(-y).exp_m1()).ln();
            vec![
                mean_target[0],
                mean_target[1],
                inv_softplus(l[(0, 0)] - 1e-6),
                l[(1, 0)],
                inv_softplus(l[(1, 1)] - 1e-6),
            ]
        };
        let phi = [0.4, 0.3, -0.2];
        let theta = optimum(&phi);
        let grad = inner_gradient(2, &theta, &phi, &mean_target, lambda);
        assert!(
            grad.iter().all(|g| g.abs() < 1e-8),
            "θ* is stationary: {grad:?}"
        );
        let (_, g) = nll_gradient(2, &theta, &validation);
        let analytic = hypergradient(2, &theta, &phi, &mean_target, lambda, &g).unwrap();
        for j in 0..3 {
            let h = 1e-5;
            let (mut plus, mut minus) = (phi, phi);
            plus[j] += h;
            minus[j] -= h;
            let f = |p: &[f64]| nll_gradient(2, &optimum(p), &validation).0;
            let numeric = (f(&plus) - f(&minus)) / (2.0 * h);
            assert!(
                (numeric - analytic[j]).abs() < 1e-5,
                "{j}: {numeric} vs {}",
                analytic[j]
            );
        }
    }

    #[test]
    fn the_learned_full_reward_converges_to_the_closed_form() {
        let (train, validation) = (data(50, 1), data(500, 2));
        let lambda = 0.5;
        let settings = OuterSettings {
            entropy_weight: lambda,
            group: 5,
            estimator: Estimator::Reinforce(Baseline::LeaveOneOut),
            warmup_steps: 500,
            inner_steps: 30,
            outer_steps: 300,
            inner_learning_rate: 0.02,
            outer_learning_rate: 0.05,
            seed: 4,
        };
        let trace = learn_full_reward(&train, &validation, &settings).unwrap();
        let tail = &trace.u[trace.u.len() - 50..];
        let learned = DMatrix::from_row_slice(
            2,
            2,
            &(0..4)
                .map(|k| tail.iter().map(|u| u[k]).sum::<f64>() / 50.0)
                .collect::<Vec<_>>(),
        );
        // U* = (λ/2)Σ⁻¹, Σ the validation data's spread around the policy mean.
        let sigma = spread_around(&validation, &trace.mean);
        let closed = sigma.try_inverse().unwrap() * (lambda / 2.0);
        let error = (&learned - &closed).norm() / closed.norm();
        eprintln!("learned U {learned}, closed form {closed}, relative error {error:.4}");
        assert!(error < 0.1, "relative error {error}");
        assert!(
            closed[(0, 1)].abs() > 0.3,
            "the data are correlated: U* is not diagonal"
        );
    }
}
