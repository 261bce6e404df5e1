//! The attractor fit: ordinary least squares of final on initial values, its fixed point, and
//! the TOST test of |a| < 1.

use serde::{Deserialize, Serialize};

use crate::stats::StudentT;
use crate::TextError;

/// The range a metric can take; attractor positions are clipped to it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricDomain {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl MetricDomain {
    /// Detoxify probabilities.
    pub const TOXICITY: Self = Self::between(0.0, 1.0);
    /// VADER compound score.
    pub const POSITIVITY: Self = Self::between(-1.0, 1.0);
    /// Gunning fog index.
    pub const DIFFICULTY: Self = Self::NON_NEGATIVE;
    /// Character count.
    pub const LENGTH: Self = Self::NON_NEGATIVE;
    pub const NON_NEGATIVE: Self = Self {
        min: Some(0.0),
        max: None,
    };
    pub const UNBOUNDED: Self = Self {
        min: None,
        max: None,
    };

    pub const fn between(min: f64, max: f64) -> Self {
        Self {
            min: Some(min),
            max: Some(max),
        }
    }

    /// `value` moved into the domain, and whether it had to move.
    pub fn clip(&self, value: f64) -> (f64, bool) {
        if let Some(min) = self.min {
            if value < min {
                return (min, true);
            }
        }
        if let Some(max) = self.max {
            if value > max {
                return (max, true);
            }
        }
        (value, false)
    }
}

/// One attractor fit: y (value at the target generation) = a·x (value at generation 0) + b
/// over N chains.
///
/// Fields that cannot be given honestly are `None`: `position` and `strength` without an
/// attractor (|a| ≥ 1), `r_squared` when every y is equal, and the p-values when the fit is
/// exact (SE(a) = 0, where the t statistics are undefined).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttractorFit {
    /// Number of chains.
    pub n: usize,
    /// Residual degrees of freedom, n − 2.
    pub df: usize,
    /// Slope.
    pub a: f64,
    /// Intercept.
    pub b: f64,
    /// Standard error of the slope.
    pub se_a: f64,
    pub r_squared: Option<f64>,
    /// |a| < 1: the map x ↦ a·x + b is a contraction.
    pub has_attractor: bool,
    /// Fixed point b / (1 − a), clipped to the metric's domain.
    pub position: Option<f64>,
    /// The fixed point before clipping.
    pub position_unclipped: Option<f64>,
    /// Whether `position` differs from `position_unclipped`.
    pub clipped: bool,
    /// 1 − |a|.
    pub strength: Option<f64>,
    /// TOST p-value for H0: |a| ≥ 1 against H1: |a| < 1,
    /// max(F((a − 1)/SE), 1 − F((a + 1)/SE)) with F the t CDF on n − 2 df.
    pub p_tost: Option<f64>,
    /// LEGACY, uninformative: the original code's [1 − F((a − 1)/SE)] + F((a + 1)/SE),
    /// which is ≥ 1 for every input. Kept only to compare with the original's files.
    pub p_orig_legacy: Option<f64>,
}

/// Least-squares line through (x, y) after validation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub a: f64,
    pub b: f64,
}

/// Checks the inputs shared by the fit and the bootstrap.
pub(crate) fn validate(x: &[f64], y: &[f64]) -> Result<(), TextError> {
    if x.len() != y.len() {
        return Err(TextError::Input(format!(
            "attractor fit: {} initial values but {} final values; give one pair per chain",
            x.len(),
            y.len()
        )));
    }
    if x.len() < 3 {
        return Err(TextError::Input(format!(
            "attractor fit: needs at least 3 chains (the slope's standard error has n − 2 \
             degrees of freedom), got {}",
            x.len()
        )));
    }
    for (name, values) in [("initial", x), ("final", y)] {
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(TextError::Input(format!(
                "attractor fit: the {name} value of chain {i} is {}; drop or re-score that chain",
                values[i]
            )));
        }
    }
    Ok(())
}

/// Centred sums of the regression, shared by every statistic.
struct Moments {
    x_mean: f64,
    y_mean: f64,
    sxx: f64,
    sxy: f64,
    syy: f64,
}

/// The mean, exact when every value is the same: a rounded mean would leave tiny non-zero
/// deviations, so constant x would not be recognised and constant y would get a slope of
/// 1e-33 instead of 0.
fn centre(values: &[f64]) -> f64 {
    let first = values[0];
    if values.iter().all(|v| *v == first) {
        return first;
    }
    let n = values.len() as f64;
    let rough = values.iter().sum::<f64>() / n;
    rough + values.iter().map(|v| v - rough).sum::<f64>() / n
}

fn moments(x: &[f64], y: &[f64]) -> Moments {
    let x_mean = centre(x);
    let y_mean = centre(y);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (xi, yi) in x.iter().zip(y) {
        let dx = xi - x_mean;
        let dy = yi - y_mean;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    Moments {
        x_mean,
        y_mean,
        sxx,
        sxy,
        syy,
    }
}

/// The OLS line, or `None` when the slope is undefined (all x equal) or overflows.
/// Inputs must have passed [`validate`].
pub(crate) fn ols_line(x: &[f64], y: &[f64]) -> Option<Line> {
    let m = moments(x, y);
    line_from(&m)
}

fn line_from(m: &Moments) -> Option<Line> {
    if m.sxx.is_nan() || m.sxx <= 0.0 || m.sxx.is_infinite() {
        return None;
    }
    let a = m.sxy / m.sxx;
    let b = m.y_mean - a * m.x_mean;
    (a.is_finite() && b.is_finite()).then_some(Line { a, b })
}

/// Fits the attractor of one (model, task, metric) from the chains' initial values `x` and
/// their values `y` at the target generation.
///
/// Errors when the fit is undefined: mismatched lengths, fewer than 3 chains, a non-finite
/// value, or every initial value equal (nothing to regress on).
pub fn fit_attractor(
    x: &[f64],
    y: &[f64],
    domain: MetricDomain,
) -> Result<AttractorFit, TextError> {
    validate(x, y)?;
    let m = moments(x, y);
    let line = line_from(&m).ok_or_else(|| {
        TextError::Input(format!(
            "attractor fit: every initial value is {} (or they overflow), so the slope is \
             undefined; chains must start from different values",
            x[0]
        ))
    })?;
    let Line { a, b } = line;
    let n = x.len();
    let df = n - 2;

    let rss: f64 = x
        .iter()
        .zip(y)
        .map(|(xi, yi)| {
            let r = (yi - m.y_mean) - a * (xi - m.x_mean);
            r * r
        })
        .sum();
    let se_a = (rss / df as f64 / m.sxx).sqrt();
    if !se_a.is_finite() {
        return Err(TextError::Input(
            "attractor fit: the values are too large for a finite standard error; rescale the metric"
                .into(),
        ));
    }
    let r_squared = (m.syy > 0.0).then(|| (m.sxy * m.sxy / (m.sxx * m.syy)).clamp(0.0, 1.0));

    let has_attractor = a.abs() < 1.0;
    let position_unclipped = has_attractor.then(|| b / (1.0 - a));
    let (position, clipped) = match position_unclipped {
        Some(p) => {
            let (v, c) = domain.clip(p);
            (Some(v), c)
        }
        None => (None, false),
    };
    let strength = has_attractor.then(|| 1.0 - a.abs());

    let (p_tost, p_orig_legacy) = if se_a > 0.0 {
        let dist = StudentT::new(df as f64)?;
        let t_hi = (a - 1.0) / se_a;
        let t_lo = (a + 1.0) / se_a;
        let tost = dist.cdf(t_hi).max(dist.sf(t_lo));
        let legacy = dist.sf(t_hi) + dist.cdf(t_lo);
        (finite(tost), finite(legacy))
    } else {
        (None, None)
    };

    Ok(AttractorFit {
        n,
        df,
        a,
        b,
        se_a,
        r_squared,
        has_attractor,
        position,
        position_unclipped,
        clipped,
        strength,
        p_tost,
        p_orig_legacy,
    })
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_computed_line() {
        // x = 0, 1, 2, 3; y = 1, 2, 2, 4.
        // x̄ = 1.5, ȳ = 9/4 = 2.25.
        // dx = −1.5, −0.5, 0.5, 1.5;  dy = −1.25, −0.25, −0.25, 1.75.
        // Sxx = 2.25 + 0.25 + 0.25 + 2.25 = 5.
        // Sxy = 1.875 + 0.125 − 0.125 + 2.625 = 4.5  →  a = 0.9, b = 2.25 − 0.9·1.5 = 0.9.
        // Syy = 1.5625 + 0.0625 + 0.0625 + 3.0625 = 4.75;  r² = 4.5² / (5 · 4.75) = 20.25/23.75.
        // Fitted 0.9, 1.8, 2.7, 3.6; residuals 0.1, 0.2, −0.7, 0.4; RSS = 0.01+0.04+0.49+0.16 = 0.7.
        // SE(a) = √(0.7 / 2 / 5) = √0.07.  Position = 0.9 / 0.1 = 9, strength 0.1.
        let fit = fit_attractor(
            &[0.0, 1.0, 2.0, 3.0],
            &[1.0, 2.0, 2.0, 4.0],
            MetricDomain::UNBOUNDED,
        )
        .unwrap();
        assert_eq!((fit.n, fit.df), (4, 2));
        assert!(near(fit.a, 0.9) && near(fit.b, 0.9));
        assert!(near(fit.se_a, 0.07f64.sqrt()));
        assert!(near(fit.r_squared.unwrap(), 20.25 / 23.75));
        assert!(fit.has_attractor);
        assert!((fit.position.unwrap() - 9.0).abs() < 1e-10);
        assert!(near(fit.strength.unwrap(), 0.1));
        assert!(!fit.clipped);
    }

    #[test]
    fn hand_computed_negative_slope_and_clipping() {
        // x = 0, 0.5, 1; y = 0.6, 0.4, 0.2: exact line y = −0.4x + 0.6.
        // x̄ = 0.5, ȳ = 0.4; Sxx = 0.5, Sxy = (−0.5)(0.2) + 0 + (0.5)(−0.2) = −0.2 → a = −0.4.
        // Position 0.6 / 1.4 = 3/7, strength 0.6; inside [0, 1], not clipped.
        let fit =
            fit_attractor(&[0.0, 0.5, 1.0], &[0.6, 0.4, 0.2], MetricDomain::TOXICITY).unwrap();
        assert!(near(fit.a, -0.4) && near(fit.b, 0.6));
        assert!(near(fit.position.unwrap(), 3.0 / 7.0));
        assert!(near(fit.strength.unwrap(), 0.6));

        // y = 0.5x − 0.1: fixed point −0.1/0.5 = −0.2, outside toxicity's [0, 1].
        let x = [0.0, 0.4, 0.8, 1.0];
        let y: Vec<f64> = x.iter().map(|v| 0.5 * v - 0.1).collect();
        let fit = fit_attractor(&x, &y, MetricDomain::TOXICITY).unwrap();
        assert!(near(fit.position_unclipped.unwrap(), -0.2));
        assert_eq!(fit.position, Some(0.0));
        assert!(fit.clipped);
        // The original clipped toxicity to [−1, 1] and would have kept −0.2.
        let fit = fit_attractor(&x, &y, MetricDomain::POSITIVITY).unwrap();
        assert!(!fit.clipped && near(fit.position.unwrap(), -0.2));
        // Length: non-negative only.
        let y: Vec<f64> = x.iter().map(|v| 0.5 * v - 30.0).collect();
        let fit = fit_attractor(&x, &y, MetricDomain::LENGTH).unwrap();
        assert_eq!(fit.position, Some(0.0));
        assert!(near(fit.position_unclipped.unwrap(), -60.0));
    }

    #[test]
    fn perfect_attractor() {
        let x: Vec<f64> = (0..20).map(|i| i as f64 / 19.0).collect();
        let y = vec![0.3; 20];
        let fit = fit_attractor(&x, &y, MetricDomain::TOXICITY).unwrap();
        assert_eq!(fit.a, 0.0);
        assert!(near(fit.b, 0.3));
        assert!(near(fit.position.unwrap(), 0.3));
        assert_eq!(fit.strength, Some(1.0));
        assert!(fit.has_attractor);
        assert_eq!(fit.se_a, 0.0);
        // Exact fit: no residual variance, so no t statistic and no p-value; all y equal,
        // so no r².
        assert_eq!(
            (fit.p_tost, fit.p_orig_legacy, fit.r_squared),
            (None, None, None)
        );
    }

    #[test]
    fn no_attractor() {
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| 1.5 * v).collect();
        let fit = fit_attractor(&x, &y, MetricDomain::LENGTH).unwrap();
        assert!(near(fit.a, 1.5));
        assert!(!fit.has_attractor);
        assert_eq!(
            (fit.position, fit.position_unclipped, fit.strength),
            (None, None, None)
        );
        assert!(!fit.clipped);
        // a = −1 exactly is not an attractor either.
        let y: Vec<f64> = x.iter().map(|v| 3.0 - v).collect();
        assert!(
            !fit_attractor(&x, &y, MetricDomain::UNBOUNDED)
                .unwrap()
                .has_attractor
        );
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        let d = MetricDomain::UNBOUNDED;
        let msg = |r: Result<AttractorFit, TextError>| r.unwrap_err().to_string();
        assert!(msg(fit_attractor(&[1.0, 2.0], &[1.0, 2.0], d)).contains("at least 3"));
        assert!(msg(fit_attractor(&[], &[], d)).contains("at least 3"));
        assert!(msg(fit_attractor(&[1.0, 2.0, 3.0], &[1.0, 2.0], d)).contains("3 initial values"));
        assert!(msg(fit_attractor(&[2.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0], d)).contains("undefined"));
        let e = msg(fit_attractor(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0], d));
        assert!(e.contains("chain 1") && e.contains("NaN"), "{e}");
        let e = msg(fit_attractor(
            &[1.0, 2.0, 3.0],
            &[1.0, 2.0, f64::INFINITY],
            d,
        ));
        assert!(e.contains("final value of chain 2"), "{e}");
        assert!(fit_attractor(&[0.0, 1e300, -1e300], &[1e300, 0.0, 1.0], d).is_err());
    }

    #[test]
    fn tost_p_value_is_small_for_clear_attractors_and_large_without() {
        // A clear attractor: a = 0.2 with small noise over 100 chains.
        let x: Vec<f64> = (0..100).map(|i| i as f64 / 99.0).collect();
        let wobble = |i: usize| ((i * 37 % 11) as f64 - 5.0) * 0.01;
        let y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| 0.2 * v + 0.4 + wobble(i))
            .collect();
        let fit = fit_attractor(&x, &y, MetricDomain::TOXICITY).unwrap();
        assert!((fit.a - 0.2).abs() < 0.05);
        assert!(fit.p_tost.unwrap() < 1e-10, "{:?}", fit.p_tost);
        // a ≈ 1 with noise: the null |a| ≥ 1 cannot be rejected.
        let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + wobble(i)).collect();
        let fit = fit_attractor(&x, &y, MetricDomain::UNBOUNDED).unwrap();
        assert!((fit.a - 1.0).abs() < 0.05);
        assert!(fit.p_tost.unwrap() > 0.2, "{:?}", fit.p_tost);
        // Steeper than 1: p above ½.
        let y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| 1.3 * v + wobble(i))
            .collect();
        let fit = fit_attractor(&x, &y, MetricDomain::UNBOUNDED).unwrap();
        assert!(fit.p_tost.unwrap() > 0.5);
        // Whatever the data, the legacy value is at least 1.
        assert!(fit.p_orig_legacy.unwrap() >= 1.0);
    }
}
