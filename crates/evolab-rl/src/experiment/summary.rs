//! Summaries of runs for tables and figures: means with 95% confidence intervals over
//! seeds, and learning curves on a common step grid.

use super::run::CurvePoint;

/// Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The mean of the finite values and the half-width of its 95% t interval (0 for a
/// single value); `None` without finite values.
pub fn mean_ci95(values: &[f64]) -> Option<(f64, f64)> {
    let xs: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some((mean, 0.0));
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let df = n - 1;
    // Beyond 30 degrees of freedom, 1.96 + 2.5/df is within 0.002 of the quantile.
    let t = T975.get(df - 1).copied().unwrap_or(1.96 + 2.5 / df as f64);
    Some((mean, t * (var / n as f64).sqrt()))
}

/// For each step of `grid`, the mean return of the last `window` training episodes that
/// had ended by then (NaN before the first).
pub fn smoothed_curve(curve: &[CurvePoint], window: usize, grid: &[u64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(grid.len());
    let mut end = 0;
    for &step in grid {
        while end < curve.len() && curve[end].step <= step {
            end += 1;
        }
        let tail = &curve[end.saturating_sub(window.max(1))..end];
        out.push(if tail.is_empty() {
            f64::NAN
        } else {
            tail.iter().map(|p| p.return_).sum::<f64>() / tail.len() as f64
        });
    }
    out
}

/// At most `points` evenly spaced multiples of `rollout` up to `total`.
pub fn step_grid(total: u64, rollout: u64, points: usize) -> Vec<u64> {
    let rollouts = total.div_ceil(rollout.max(1)).max(1);
    let stride = rollouts.div_ceil(points.max(1) as u64).max(1);
    (1..=rollouts)
        .filter(|k| k % stride == 0 || *k == rollouts)
        .map(|k| k * rollout)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_intervals_use_students_t() {
        let (m, h) = mean_ci95(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(m, 2.0);
        assert!((h - 4.303 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(mean_ci95(&[5.0, f64::NAN]), Some((5.0, 0.0)));
        assert_eq!(mean_ci95(&[]), None);
    }

    #[test]
    fn curves_average_the_last_episodes_ended_by_each_step() {
        let p = |step, r| CurvePoint {
            step,
            return_: r,
            length: 1,
        };
        let curve = [p(10, 1.0), p(10, 3.0), p(20, 5.0)];
        let c = smoothed_curve(&curve, 2, &[5, 10, 20, 30]);
        assert!(c[0].is_nan());
        assert_eq!(&c[1..], &[2.0, 4.0, 4.0]);
        assert_eq!(
            step_grid(10_000, 2048, 100),
            vec![2048, 4096, 6144, 8192, 10240]
        );
        let grid = step_grid(300_000, 2048, 50);
        assert!(grid.len() <= 50 && grid.len() >= 40);
        assert_eq!(
            grid.last(),
            Some(&(147 * 2048)),
            "the final rollout is always included"
        );
    }
}
