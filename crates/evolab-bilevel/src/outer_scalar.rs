//! The outer level over one number: U = u·I, with u found by golden-section search on the
//! held-out NLL of the policy trained against it. Each evaluation warm-starts the inner
//! policy gradient from the previous policy (the optima of neighbouring u are close), and
//! scores the policy averaged over the second half of its steps, which damps the
//! policy-gradient noise that would otherwise mislead the comparisons. The search runs on
//! log u, where the NLL is unimodal for Gaussian data (its minimum is u* = λn/(2 tr Σ)).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::gaussian::DiagGaussian;
use crate::optim::Adam;
use crate::outer::{target_mean, OuterSettings};
use crate::reinforce::estimate;
use crate::reward::Mahalanobis;
use crate::single_point::ascend;

/// Every evaluated u with its held-out NLL, in order, and the final bracket's centre.
#[derive(Clone, Debug)]
pub struct ScalarTrace {
    pub evaluations: Vec<(f64, f64)>,
    pub u: f64,
    /// The last evaluated policy's mean (the closed form is taken around it).
    pub mean: Vec<f64>,
}

/// Golden-section search for u in `bracket` (both ends positive), `s.outer_steps`
/// narrowings of `s.inner_steps` policy-gradient steps each (after `s.warmup_steps`).
pub fn golden_section_u(
    train: &[Vec<f64>],
    validation: &[Vec<f64>],
    bracket: (f64, f64),
    s: &OuterSettings,
) -> Result<ScalarTrace, String> {
    let (n, _) = target_mean(train, validation)?;
    let (lo, hi) = bracket;
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Err(format!(
            "the bracket for u must satisfy 0 < low < high, got ({lo}, {hi})"
        ));
    }
    if s.inner_steps < 2 {
        return Err("each evaluation needs at least 2 inner steps".into());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let mut policy = DiagGaussian {
        mean: vec![0.0; n],
        log_std: vec![0.0; n],
    };
    let mut adam = Adam::new(2 * n, s.inner_learning_rate);
    let mut trace = ScalarTrace {
        evaluations: Vec::new(),
        u: f64::NAN,
        mean: Vec::new(),
    };
    let mut nll_at = |log_u: f64, steps: usize, trace: &mut ScalarTrace| -> Result<f64, String> {
        let u = log_u.exp();
        let reward = Mahalanobis::isotropic(n, u)?;
        let (mut mean, mut log_std) = (vec![0.0; n], vec![0.0; n]);
        let half = steps / 2;
        for step in 0..steps {
            let g = estimate(
                &policy,
                train,
                &reward,
                s.entropy_weight,
                s.group,
                s.estimator,
                &mut rng,
            );
            ascend(&mut policy, &mut adam, &g)?;
            if step >= half {
                for i in 0..n {
                    mean[i] += policy.mean[i] / (steps - half) as f64;
                    log_std[i] += policy.log_std[i] / (steps - half) as f64;
                }
            }
        }
        let averaged = DiagGaussian { mean, log_std };
        let nll =
            -validation.iter().map(|y| averaged.log_prob(y)).sum::<f64>() / validation.len() as f64;
        trace.evaluations.push((u, nll));
        trace.mean = averaged.mean;
        Ok(nll)
    };
    const INVERSE_PHI: f64 = 0.618_033_988_749_895;
    let (mut a, mut b) = (lo.ln(), hi.ln());
    let mut c = b - INVERSE_PHI * (b - a);
    let mut d = a + INVERSE_PHI * (b - a);
    nll_at(c, s.warmup_steps.max(s.inner_steps), &mut trace)?;
    let mut fc = nll_at(c, s.inner_steps, &mut trace)?;
    let mut fd = nll_at(d, s.inner_steps, &mut trace)?;
    for _ in 0..s.outer_steps {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - INVERSE_PHI * (b - a);
            fc = nll_at(c, s.inner_steps, &mut trace)?;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + INVERSE_PHI * (b - a);
            fd = nll_at(d, s.inner_steps, &mut trace)?;
        }
    }
    trace.u = ((a + b) / 2.0).exp();
    Ok(trace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Baseline;
    use crate::closed_form::spread_around;
    use crate::gaussian::gaussian_targets;
    use crate::reinforce::Estimator;

    #[test]
    fn golden_section_finds_the_closed_form_u() {
        let data = |count: usize, seed: u64| {
            let factor =
                nalgebra::DMatrix::from_diagonal(&nalgebra::DVector::from_row_slice(&[0.5, 1.0]));
            gaussian_targets(
                count,
                &[1.0, -2.0],
                &factor,
                &mut ChaCha8Rng::seed_from_u64(seed),
            )
        };
        let (train, validation) = (data(50, 1), data(500, 2));
        let lambda = 0.5;
        let settings = OuterSettings {
            entropy_weight: lambda,
            group: 5,
            estimator: Estimator::Reinforce(Baseline::LeaveOneOut),
            warmup_steps: 500,
            inner_steps: 1000,
            outer_steps: 20,
            inner_learning_rate: 0.02,
            outer_learning_rate: 0.0,
            seed: 3,
        };
        let trace = golden_section_u(&train, &validation, (0.01, 100.0), &settings).unwrap();
        // u* = λn/(2 tr Σ̂), Σ̂ the validation data's spread around the policy mean.
        let closed = lambda * 2.0 / (2.0 * spread_around(&validation, &trace.mean).trace());
        eprintln!("golden section u {:.4}, closed form {closed:.4}", trace.u);
        assert!(
            (trace.u / closed - 1.0).abs() < 0.1,
            "{} vs {closed}",
            trace.u
        );
        assert!(golden_section_u(&train, &validation, (1.0, 0.5), &settings)
            .unwrap_err()
            .contains("bracket"));
    }
}
