//! The outer level solved by gradient, not by the closed form: the reward's diagonal
//! U = diag(exp φ) is learned so that the policy trained against it (by policy gradient)
//! maximises the likelihood of held-out data.
//!
//! The hypergradient uses implicit differentiation through the inner optimum θ*(φ), where
//! ∇_θ J(θ*, φ) = 0: dθ*/dφ = −H⁻¹C with H = ∂²J/∂θ² and C = ∂²J/∂θ∂φ, so
//! d NLL/dφ = −Cᵀ H⁻¹ ∇_θ NLL. Unrolling the inner steps instead would differentiate through
//! every noisy policy-gradient update and cost memory in the number of steps; the implicit
//! form needs only the inner optimum, which the warm-started inner loop tracks.
//!
//! H and C are taken by central differences of the exact ∇_θ J: for the quadratic reward and
//! a Gaussian policy the expected reward is E[R_U] = −mean_b (m − y_b)ᵀU(m − y_b) − tr(U·S),
//! so only the inner optimum itself is found by sampling. A diagonal policy only sees U's
//! diagonal, so that is what is learned.

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::gaussian::DiagGaussian;
use crate::optim::Adam;
use crate::reinforce::{estimate, Estimator};
use crate::reward::Mahalanobis;
use crate::single_point::ascend;

#[derive(Clone, Debug)]
pub struct OuterSettings {
    pub entropy_weight: f64,
    pub group: usize,
    pub estimator: Estimator,
    /// Policy-gradient steps before the first outer step.
    pub warmup_steps: usize,
    /// Policy-gradient steps between outer steps (warm-started).
    pub inner_steps: usize,
    pub outer_steps: usize,
    pub inner_learning_rate: f64,
    /// Adam's step on log U.
    pub outer_learning_rate: f64,
    pub seed: u64,
}

/// The learned diagonal of U and the held-out NLL after each outer step.
#[derive(Clone, Debug)]
pub struct OuterTrace {
    pub u_diagonal: Vec<Vec<f64>>,
    pub validation_nll: Vec<f64>,
    pub policy: DiagGaussian,
}

/// ∇_θ J for θ = (m, ℓ), exact: ∇_m = −2·U(m − ȳ), ∇_ℓi = −2·U_ii·σ_i² + λ.
fn inner_gradient(theta: &[f64], log_u: &[f64], mean_target: &[f64], lambda: f64) -> Vec<f64> {
    let n = log_u.len();
    let mut g = vec![0.0; 2 * n];
    for i in 0..n {
        let u = log_u[i].exp();
        g[i] = -2.0 * u * (theta[i] - mean_target[i]);
        g[n + i] = -2.0 * u * (2.0 * theta[n + i]).exp() + lambda;
    }
    g
}

/// ∇_θ of the mean negative log-likelihood of `data` under N(m, diag e^{2ℓ}).
fn nll_gradient(policy: &DiagGaussian, data: &[Vec<f64>]) -> (f64, Vec<f64>) {
    let n = policy.dim();
    let inv_var: Vec<f64> = policy.log_std.iter().map(|l| (-2.0 * l).exp()).collect();
    let mut g = vec![0.0; 2 * n];
    let mut nll = 0.0;
    for y in data {
        nll -= policy.log_prob(y) / data.len() as f64;
        for i in 0..n {
            let d = y[i] - policy.mean[i];
            g[i] -= d * inv_var[i] / data.len() as f64;
            g[n + i] += (1.0 - d * d * inv_var[i]) / data.len() as f64;
        }
    }
    (nll, g)
}

/// −Cᵀ H⁻¹ ∇_θ NLL for an inner objective whose exact gradient ∇_θ J(θ, φ) is
/// `inner_gradient`, with H = ∂²J/∂θ² and C = ∂²J/∂θ∂φ by central differences of it.
pub(crate) fn implicit_hypergradient(
    theta: &[f64],
    phi: &[f64],
    outer_grad: &[f64],
    inner_gradient: impl Fn(&[f64], &[f64]) -> Vec<f64>,
) -> Result<Vec<f64>, String> {
    let h = 1e-5;
    let column = |wrt_theta: bool, j: usize| -> DVector<f64> {
        let (mut tp, mut tm) = (theta.to_vec(), theta.to_vec());
        let (mut pp, mut pm) = (phi.to_vec(), phi.to_vec());
        if wrt_theta {
            tp[j] += h;
            tm[j] -= h;
        } else {
            pp[j] += h;
            pm[j] -= h;
        }
        let (gp, gm) = (inner_gradient(&tp, &pp), inner_gradient(&tm, &pm));
        DVector::from_iterator(
            gp.len(),
            gp.iter().zip(&gm).map(|(a, b)| (a - b) / (2.0 * h)),
        )
    };
    let hess = DMatrix::from_columns(
        &(0..theta.len())
            .map(|j| column(true, j))
            .collect::<Vec<_>>(),
    );
    let cross =
        DMatrix::from_columns(&(0..phi.len()).map(|j| column(false, j)).collect::<Vec<_>>());
    let v = hess
        .lu()
        .solve(&DVector::from_column_slice(outer_grad))
        .ok_or("the inner Hessian is singular at the current policy")?;
    Ok((-(cross.transpose() * v)).iter().copied().collect())
}

/// The diagonal solver's hypergradient.
fn hypergradient(
    theta: &[f64],
    log_u: &[f64],
    mean_target: &[f64],
    lambda: f64,
    outer_grad: &[f64],
) -> Result<Vec<f64>, String> {
    implicit_hypergradient(theta, log_u, outer_grad, |t, l| {
        inner_gradient(t, l, mean_target, lambda)
    })
}

/// The dimension of the targets and the mean of the training ones (the inner optimum's
/// mean), after checking that both sets hold vectors of one dimension.
pub(crate) fn target_mean(
    train: &[Vec<f64>],
    validation: &[Vec<f64>],
) -> Result<(usize, Vec<f64>), String> {
    let n = train.first().map_or(0, Vec::len);
    if n == 0 || validation.is_empty() || train.iter().chain(validation).any(|y| y.len() != n) {
        return Err(
            "training and validation targets must be non-empty vectors of one dimension".into(),
        );
    }
    let mean = (0..n)
        .map(|i| train.iter().map(|y| y[i]).sum::<f64>() / train.len() as f64)
        .collect();
    Ok((n, mean))
}

/// Learns diag U on `train` (the inner data) for the likelihood of `validation`.
pub fn learn_diagonal_reward(
    train: &[Vec<f64>],
    validation: &[Vec<f64>],
    s: &OuterSettings,
) -> Result<OuterTrace, String> {
    let (n, mean_target) = target_mean(train, validation)?;
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut policy = DiagGaussian {
        mean: vec![0.0; n],
        log_std: vec![0.0; n],
    };
    let mut log_u = vec![0.0; n];
    let mut inner = Adam::new(2 * n, s.inner_learning_rate);
    let mut outer = Adam::new(n, s.outer_learning_rate);
    let mut trace = OuterTrace {
        u_diagonal: Vec::with_capacity(s.outer_steps),
        validation_nll: Vec::with_capacity(s.outer_steps),
        policy: policy.clone(),
    };
    let mut inner_steps =
        |policy: &mut DiagGaussian, log_u: &[f64], steps: usize, rng: &mut ChaCha8Rng| {
            let u: Vec<f64> = log_u.iter().map(|l| l.exp()).collect();
            let reward = Mahalanobis::full(n, &diagonal(&u))?;
            for _ in 0..steps {
                let g = estimate(
                    policy,
                    train,
                    &reward,
                    s.entropy_weight,
                    s.group,
                    s.estimator,
                    rng,
                );
                ascend(policy, &mut inner, &g)
                    .map_err(|e| format!("the inner policy gradient failed: {e}"))?;
            }
            Ok::<(), String>(())
        };
    inner_steps(&mut policy, &log_u, s.warmup_steps, &mut rng)?;
    for _ in 0..s.outer_steps {
        inner_steps(&mut policy, &log_u, s.inner_steps, &mut rng)?;
        let (nll, outer_grad) = nll_gradient(&policy, validation);
        let current: Vec<f64> = policy.mean.iter().chain(&policy.log_std).copied().collect();
        let d = hypergradient(
            &current,
            &log_u,
            &mean_target,
            s.entropy_weight,
            &outer_grad,
        )?;
        outer.step(&mut log_u, &d);
        trace
            .u_diagonal
            .push(log_u.iter().map(|l| l.exp()).collect());
        trace.validation_nll.push(nll);
    }
    trace.policy = policy;
    Ok(trace)
}

/// A row-major diagonal matrix.
fn diagonal(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut m = vec![0.0; n * n];
    for (i, &v) in values.iter().enumerate() {
        m[i * n + i] = v;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Baseline;
    use crate::closed_form::spread_around;
    use crate::gaussian::gaussian_targets;

    fn data(n: usize, std: [f64; 2], seed: u64) -> Vec<Vec<f64>> {
        let factor = DMatrix::from_diagonal(&DVector::from_row_slice(&std));
        gaussian_targets(
            n,
            &[1.0, -2.0],
            &factor,
            &mut ChaCha8Rng::seed_from_u64(seed),
        )
    }

    #[test]
    fn the_hypergradient_matches_finite_differences_of_the_outer_objective() {
        // At the exact inner optimum θ*(φ) (known here), d NLL(θ*(φ))/dφ by differences.
        let validation = data(200, [0.5, 1.0], 2);
        let mean_target = [1.0, -2.0];
        let lambda = 0.5;
        let optimum = |log_u: &[f64]| DiagGaussian {
            mean: mean_target.to_vec(),
            log_std: log_u
                .iter()
                .map(|l| 0.5 * (lambda / (2.0 * l.exp())).ln())
                .collect(),
        };
        let log_u = [0.3, -0.7];
        let policy = optimum(&log_u);
        let (_, g) = nll_gradient(&policy, &validation);
        let theta: Vec<f64> = policy.mean.iter().chain(&policy.log_std).copied().collect();
        let analytic = hypergradient(&theta, &log_u, &mean_target, lambda, &g).unwrap();
        for j in 0..2 {
            let h = 1e-5;
            let (mut plus, mut minus) = (log_u, log_u);
            plus[j] += h;
            minus[j] -= h;
            let f = |l: &[f64]| nll_gradient(&optimum(l), &validation).0;
            let numeric = (f(&plus) - f(&minus)) / (2.0 * h);
            assert!(
                (numeric - analytic[j]).abs() < 1e-5,
                "{j}: {numeric} vs {}",
                analytic[j]
            );
        }
    }

    #[test]
    fn the_learned_reward_converges_to_the_closed_form() {
        let (train, validation) = (data(50, [0.5, 1.0], 1), data(500, [0.5, 1.0], 2));
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
        let trace = learn_diagonal_reward(&train, &validation, &settings).unwrap();
        // U* = (λ/2)·diag(Σ)⁻¹ with Σ the validation data's variance around the policy mean.
        let tail = &trace.u_diagonal[trace.u_diagonal.len() - 50..];
        let spread = spread_around(&validation, &trace.policy.mean);
        for i in 0..2 {
            let learned = tail.iter().map(|u| u[i]).sum::<f64>() / tail.len() as f64;
            let closed = lambda / (2.0 * spread[(i, i)]);
            eprintln!("dimension {i}: learned U {learned:.4}, closed form {closed:.4}");
            assert!(
                (learned / closed - 1.0).abs() < 0.1,
                "dimension {i}: {learned} vs {closed}"
            );
        }
        assert!(trace.validation_nll.last().unwrap() < &trace.validation_nll[0]);
    }
}
