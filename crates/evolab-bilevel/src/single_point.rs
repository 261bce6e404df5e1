//! The single-point experiment of the theory check: targets y ~ N(μ, Σ) for one fixed input,
//! a diagonal Gaussian policy trained by policy gradient against R_U with entropy weight λ.
//! The policy's fixed point is m* = mean of the targets and S* = (λ/2)·U⁻¹.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::gaussian::DiagGaussian;
use crate::optim::Adam;
use crate::reinforce::{estimate, Estimator, Gradient};
use crate::reward::Mahalanobis;

/// The training settings.
#[derive(Clone, Debug)]
pub struct Training {
    pub entropy_weight: f64,
    pub group: usize,
    pub estimator: Estimator,
    pub steps: usize,
    pub learning_rate: f64,
    pub seed: u64,
}

/// The policy after each step.
#[derive(Clone, Debug)]
pub struct Trajectory {
    pub means: Vec<Vec<f64>>,
    pub variances: Vec<Vec<f64>>,
    pub rewards: Vec<f64>,
}

impl Trajectory {
    /// The variances averaged over the last `window` steps (the iterates fluctuate around
    /// the fixed point).
    pub fn final_variances(&self, window: usize) -> Vec<f64> {
        average_tail(&self.variances, window)
    }

    pub fn final_mean(&self, window: usize) -> Vec<f64> {
        average_tail(&self.means, window)
    }
}

fn average_tail(rows: &[Vec<f64>], window: usize) -> Vec<f64> {
    let tail = &rows[rows.len().saturating_sub(window.max(1))..];
    let dim = tail.first().map_or(0, Vec::len);
    (0..dim)
        .map(|i| tail.iter().map(|r| r[i]).sum::<f64>() / tail.len() as f64)
        .collect()
}

/// One Adam step up the estimated ∇J (Adam minimises, so it is given −∇J); an error if a
/// parameter stops being finite.
pub(crate) fn ascend(
    policy: &mut DiagGaussian,
    adam: &mut Adam,
    g: &Gradient,
) -> Result<(), String> {
    let dim = policy.dim();
    let loss_gradient: Vec<f64> = g.d_mean.iter().chain(&g.d_log_std).map(|d| -d).collect();
    let mut params: Vec<f64> = policy.mean.iter().chain(&policy.log_std).copied().collect();
    adam.step(&mut params, &loss_gradient);
    if params.iter().any(|p| !p.is_finite()) {
        return Err("training diverged: a parameter became NaN or infinite".into());
    }
    policy.mean.copy_from_slice(&params[..dim]);
    policy.log_std.copy_from_slice(&params[dim..]);
    Ok(())
}

/// Trains from N(0, I) by Adam on −J, full batch over `targets`.
pub fn train(
    targets: &[Vec<f64>],
    reward: &Mahalanobis,
    t: &Training,
) -> Result<Trajectory, String> {
    let dim = reward.dim();
    if targets.is_empty() || targets.iter().any(|y| y.len() != dim) {
        return Err(format!(
            "targets must be non-empty vectors of dimension {dim}"
        ));
    }
    if t.group == 0 || t.steps == 0 {
        return Err("the group size and the number of steps must be at least 1".into());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(t.seed);
    let mut policy = DiagGaussian {
        mean: vec![0.0; dim],
        log_std: vec![0.0; dim],
    };
    let mut adam = Adam::new(2 * dim, t.learning_rate);
    let mut out = Trajectory {
        means: Vec::with_capacity(t.steps),
        variances: Vec::with_capacity(t.steps),
        rewards: Vec::with_capacity(t.steps),
    };
    for _ in 0..t.steps {
        let g = estimate(
            &policy,
            targets,
            reward,
            t.entropy_weight,
            t.group,
            t.estimator,
            &mut rng,
        );
        ascend(&mut policy, &mut adam, &g)?;
        out.means.push(policy.mean.clone());
        out.variances.push(policy.variances());
        out.rewards.push(g.mean_reward);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Baseline;
    use crate::closed_form::{covariance, optimal_isotropic};
    use crate::gaussian::standard_normal;

    fn data(n: usize, mean: [f64; 2], std: f64, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                mean.iter()
                    .map(|m| m + std * standard_normal(&mut rng))
                    .collect()
            })
            .collect()
    }

    fn settings(estimator: Estimator, group: usize) -> Training {
        Training {
            entropy_weight: 0.5,
            group,
            estimator,
            steps: 4000,
            learning_rate: 0.01,
            seed: 3,
        }
    }

    #[test]
    fn unbiased_estimators_reach_the_theoretical_variance() {
        let targets = data(10, [2.0, -1.0], 0.75, 1);
        let u = 0.8;
        let reward = Mahalanobis::isotropic(2, u).unwrap();
        let want = 0.5 / (2.0 * u); // λ/(2u)
        let sample_mean: Vec<f64> = (0..2)
            .map(|i| targets.iter().map(|y| y[i]).sum::<f64>() / 10.0)
            .collect();
        for estimator in [
            Estimator::Reinforce(Baseline::None),
            Estimator::Reinforce(Baseline::LeaveOneOut),
            Estimator::Pathwise,
        ] {
            let t = train(&targets, &reward, &settings(estimator, 5)).unwrap();
            let var = t.final_variances(1000);
            let mean = t.final_mean(1000);
            eprintln!("{estimator:?}: variance {var:?} (theory {want}), mean {mean:?}");
            for i in 0..2 {
                assert!(
                    (var[i] / want - 1.0).abs() < 0.1,
                    "{estimator:?}: variance {var:?}, want {want}"
                );
                assert!(
                    (mean[i] - sample_mean[i]).abs() < 0.05,
                    "{estimator:?}: mean {mean:?}"
                );
            }
        }
    }

    #[test]
    fn the_min_shift_baseline_inflates_the_variance() {
        // The spec's reference: about 1.9 times the target at G = 5.
        let targets = data(10, [2.0, -1.0], 0.75, 1);
        let reward = Mahalanobis::isotropic(2, 0.8).unwrap();
        let want = 0.5 / 1.6;
        let t = train(
            &targets,
            &reward,
            &settings(Estimator::Reinforce(Baseline::MinShiftBiased), 5),
        )
        .unwrap();
        let var = t.final_variances(1000);
        eprintln!("min-shift: variance {var:?}, theory {want}");
        for v in var {
            assert!(v / want > 1.5, "variance {v}, target {want}");
        }
    }

    #[test]
    fn the_closed_form_reward_recovers_the_data_variance() {
        let targets = data(200, [0.5, 1.5], 0.6, 7);
        let sigma = covariance(&targets).unwrap();
        let lambda = 0.5;
        let reward = Mahalanobis::isotropic(2, optimal_isotropic(lambda, &sigma)).unwrap();
        let t = train(
            &targets,
            &reward,
            &settings(Estimator::Reinforce(Baseline::LeaveOneOut), 5),
        )
        .unwrap();
        let var = t.final_variances(1000);
        let want = sigma.trace() / 2.0;
        for v in var {
            assert!(
                (v / want - 1.0).abs() < 0.1,
                "variance {v}, data variance {want}"
            );
        }
    }

    #[test]
    fn bad_settings_are_refused() {
        let reward = Mahalanobis::identity(2);
        assert!(train(&[], &reward, &settings(Estimator::Pathwise, 5)).is_err());
        assert!(train(&[vec![1.0]], &reward, &settings(Estimator::Pathwise, 5)).is_err());
        assert!(train(
            &[vec![1.0, 2.0]],
            &reward,
            &settings(Estimator::Pathwise, 0)
        )
        .is_err());
    }
}
