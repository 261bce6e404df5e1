//! Percentile bootstrap over chains for the attractor's position and strength.

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::fit::{ols_line, validate, MetricDomain};
use crate::stats::percentile;
use crate::TextError;

/// How to bootstrap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BootstrapOptions {
    /// Number of resamples B.
    pub resamples: usize,
    /// Seed of the ChaCha8 stream that draws chain indices; derive it from the run seed
    /// (`evolab_core::seeds::derive`) so that a report can be reproduced.
    pub seed: u64,
    /// Coverage of the two-sided percentile intervals.
    pub level: f64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self {
            resamples: 2000,
            seed: 0,
            level: 0.95,
        }
    }
}

/// Bootstrap intervals for one attractor fit.
///
/// Each resample draws N chains with replacement (the (x, y) pairs stay together) and refits
/// the line. A resample whose initial values are all equal has no slope and is counted in
/// `degenerate`; the others are `valid`.
///
/// - `strength_ci_*` are percentiles of 1 − |a| over all valid resamples; a negative bound
///   means some resamples had no attractor (|a| ≥ 1).
/// - `position_ci_*` are percentiles of b / (1 − a) over the resamples with |a| < 1 only
///   (`with_attractor` of them): the fixed point does not exist in the others, and those with
///   a near 1 would put arbitrarily large values in the tails. Read them together with
///   `attractor_fraction`. The clipped bounds are the unclipped bounds moved into the metric's
///   domain.
///
/// An interval is `None` when fewer than two resamples contribute to it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttractorBootstrap {
    pub resamples: usize,
    pub seed: u64,
    pub level: f64,
    pub valid: usize,
    pub degenerate: usize,
    pub with_attractor: usize,
    /// Fraction of valid resamples with |a| < 1.
    pub attractor_fraction: Option<f64>,
    pub position_ci_low: Option<f64>,
    pub position_ci_high: Option<f64>,
    pub position_ci_low_unclipped: Option<f64>,
    pub position_ci_high_unclipped: Option<f64>,
    pub strength_ci_low: Option<f64>,
    pub strength_ci_high: Option<f64>,
}

/// Bootstraps the attractor of (x, y) pairs, one per chain. Deterministic for a seed.
///
/// Errors on the same inputs as [`super::fit_attractor`] except all-equal initial values
/// (which simply make every resample degenerate), and on `resamples == 0` or a level outside
/// (0, 1).
pub fn bootstrap_attractor(
    x: &[f64],
    y: &[f64],
    domain: MetricDomain,
    options: &BootstrapOptions,
) -> Result<AttractorBootstrap, TextError> {
    validate(x, y)?;
    if options.resamples == 0 {
        return Err(TextError::Input(
            "attractor bootstrap: needs at least one resample (2000 is usual)".into(),
        ));
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(TextError::Input(format!(
            "attractor bootstrap: the interval level must be between 0 and 1 (e.g. 0.95), got {}",
            options.level
        )));
    }

    let n = x.len();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut xs = vec![0.0; n];
    let mut ys = vec![0.0; n];
    let mut strengths = Vec::with_capacity(options.resamples);
    let mut positions = Vec::with_capacity(options.resamples);
    let mut degenerate = 0;
    for _ in 0..options.resamples {
        for (xi, yi) in xs.iter_mut().zip(ys.iter_mut()) {
            let c = rng.random_range(0..n);
            *xi = x[c];
            *yi = y[c];
        }
        let Some(line) = ols_line(&xs, &ys) else {
            degenerate += 1;
            continue;
        };
        strengths.push(1.0 - line.a.abs());
        if line.a.abs() < 1.0 {
            let p = line.b / (1.0 - line.a);
            if p.is_finite() {
                positions.push(p);
            }
        }
    }

    let tail = 100.0 * (1.0 - options.level) / 2.0;
    let interval = |values: &[f64]| {
        if values.len() < 2 {
            return (None, None);
        }
        (percentile(values, tail), percentile(values, 100.0 - tail))
    };
    let (strength_ci_low, strength_ci_high) = interval(&strengths);
    let (position_ci_low_unclipped, position_ci_high_unclipped) = interval(&positions);
    let clip = |v: Option<f64>| v.map(|v| domain.clip(v).0);
    let valid = strengths.len();

    Ok(AttractorBootstrap {
        resamples: options.resamples,
        seed: options.seed,
        level: options.level,
        valid,
        degenerate,
        with_attractor: positions.len(),
        attractor_fraction: (valid > 0).then(|| positions.len() as f64 / valid as f64),
        position_ci_low: clip(position_ci_low_unclipped),
        position_ci_high: clip(position_ci_high_unclipped),
        position_ci_low_unclipped,
        position_ci_high_unclipped,
        strength_ci_low,
        strength_ci_high,
    })
}
