//! Means, standard deviations, standard errors and t-based confidence intervals.
//!
//! Every function returns `None` instead of a number it cannot honestly give: an empty
//! sample, too few values for the statistic, or a non-finite value in the input.

use serde::Serialize;

use super::StudentT;

fn all_finite(xs: &[f64]) -> bool {
    xs.iter().all(|x| x.is_finite())
}

/// Arithmetic mean (two-pass, so that large offsets do not cost precision).
pub fn mean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || !all_finite(xs) {
        return None;
    }
    let n = xs.len() as f64;
    let first = xs.iter().sum::<f64>() / n;
    let correction = xs.iter().map(|x| x - first).sum::<f64>() / n;
    let m = first + correction;
    m.is_finite().then_some(m)
}

/// Sample standard deviation (denominator n − 1); needs at least two values.
pub fn sample_sd(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    let sd = (ss / (xs.len() - 1) as f64).sqrt();
    sd.is_finite().then_some(sd)
}

/// Standard error of the mean, sd / √n; needs at least two values.
pub fn sem(xs: &[f64]) -> Option<f64> {
    Some(sample_sd(xs)? / (xs.len() as f64).sqrt())
}

/// Two-sided confidence interval of the mean at `level` (e.g. 0.95):
/// mean ± t_{(1+level)/2, n−1} · SEM. Needs at least two values and 0 < level < 1.
pub fn mean_ci(xs: &[f64], level: f64) -> Option<(f64, f64)> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    let m = mean(xs)?;
    let se = sem(xs)?;
    let dist = StudentT::new((xs.len() - 1) as f64).ok()?;
    let crit = dist.quantile(0.5 + level / 2.0)?;
    Some((m - crit * se, m + crit * se))
}

/// The `pct`-th percentile (0–100) with linear interpolation between order statistics
/// (the definition numpy uses by default, Hyndman–Fan type 7). `None` for an empty sample,
/// non-finite values or `pct` outside [0, 100].
pub fn percentile(xs: &[f64], pct: f64) -> Option<f64> {
    if xs.is_empty() || !all_finite(xs) || !(0.0..=100.0).contains(&pct) {
        return None;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = pct / 100.0 * (sorted.len() - 1) as f64;
    let below = rank.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let frac = rank - below as f64;
    Some(sorted[below] + frac * (sorted[above] - sorted[below]))
}

/// Mean, spread and 95 % CI of one sample, for tables.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub sem: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

impl Summary {
    pub fn of(xs: &[f64]) -> Self {
        let ci = mean_ci(xs, 0.95);
        Self {
            n: xs.len(),
            mean: mean(xs),
            sd: sample_sd(xs),
            sem: sem(xs),
            ci95_low: ci.map(|c| c.0),
            ci95_high: ci.map(|c| c.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_sample() {
        // xs = 2, 4, 4, 4, 5, 5, 7, 9: sum 40, mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
        // sample variance 32/7, sd = √(32/7); SEM = sd/√8 = √(4/7).
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&xs), Some(5.0));
        assert!((sample_sd(&xs).unwrap() - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert!((sem(&xs).unwrap() - (4.0f64 / 7.0).sqrt()).abs() < 1e-15);
        // t_{0.975, 7} = 2.364624251592785 (tables give 2.365).
        let (lo, hi) = mean_ci(&xs, 0.95).unwrap();
        let half = 2.364_624_251_592_785 * (4.0f64 / 7.0).sqrt();
        assert!((lo - (5.0 - half)).abs() < 1e-12 && (hi - (5.0 + half)).abs() < 1e-12);
    }

    #[test]
    fn degenerate_samples_give_none() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[1.0, f64::NAN]), None);
        assert_eq!(mean(&[1.0, f64::INFINITY]), None);
        assert_eq!(sample_sd(&[3.0]), None);
        assert_eq!(sem(&[3.0]), None);
        assert_eq!(mean_ci(&[3.0], 0.95), None);
        assert_eq!(mean_ci(&[1.0, 2.0], 1.0), None);
        let s = Summary::of(&[4.0]);
        assert_eq!((s.n, s.mean, s.sd, s.ci95_low), (1, Some(4.0), None, None));
    }

    #[test]
    fn mean_keeps_precision_with_large_offsets() {
        let xs = [1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3];
        assert!((mean(&xs).unwrap() - (1e9 + 0.2)).abs() < 1e-6);
        assert!((sample_sd(&xs).unwrap() - 0.1).abs() < 1e-6);
    }

    #[test]
    fn percentile_interpolates_like_type_7() {
        let xs = [10.0, 0.0, 30.0, 20.0];
        // Sorted 0, 10, 20, 30; rank = p/100 · 3.
        assert_eq!(percentile(&xs, 0.0), Some(0.0));
        assert_eq!(percentile(&xs, 100.0), Some(30.0));
        assert_eq!(percentile(&xs, 50.0), Some(15.0));
        assert!((percentile(&xs, 2.5).unwrap() - 0.75).abs() < 1e-12);
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&xs, 101.0), None);
    }
}
