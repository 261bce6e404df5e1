//! The Student-t distribution for any positive number of degrees of freedom.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

use super::special::{erfc, inc_beta, ln_beta};
use crate::TextError;

/// From here on, the tail is computed by Hill's normalising transformation rather than the
/// incomplete beta function. The continued fraction works with x = df/(df + t²), and the
/// rounding of x near 1 costs about 1e-16·df/t² relative; Hill's expansion has an error of
/// order df⁻³ (below 1e-13 here; both are checked against scipy).
const LARGE_DF: f64 = 3e4;

/// The normal deviate z with P(|Z| > z) = P(|T| > u) for large df (G. W. Hill, 1970,
/// Comm. ACM algorithm 395): z² ≈ (df − ½)·ln(1 + u²/df), refined by an asymptotic series in
/// 1/(48 (df − ½)²).
fn hill_normal_deviate(u: f64, df: f64) -> f64 {
    let a = df - 0.5;
    let b = 48.0 * a * a;
    let z2 = a * (u * u / df).ln_1p();
    let series = (((-0.4 * z2 - 3.3) * z2 - 24.0) * z2 - 85.5) / (0.8 * z2 * z2 + 100.0 + b);
    ((series + z2 + 3.0) / b + 1.0) * z2.sqrt()
}

/// P(T > u) where df/u² < 1e-200 (x below would underflow): the leading term of the
/// incomplete beta series, x^a / (a·B(a, ½)) with a = df/2 and ln x = ln df − 2 ln u; the
/// omitted factor is 1 + O(x), exactly 1 in double precision.
fn far_tail(u: f64, df: f64) -> f64 {
    let a = df / 2.0;
    let ln_x = df.ln() - 2.0 * u.ln();
    0.5 * (a * ln_x - a.ln() - ln_beta(a, 0.5)).exp()
}

/// Student's t distribution with `df` degrees of freedom (any real df > 0; `f64::INFINITY`
/// gives the standard normal).
///
/// `cdf`, `sf` and `pdf` return NaN for a NaN argument; `sf` is computed directly rather than
/// as `1 − cdf`, so upper tails keep their relative precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StudentT {
    df: f64,
}

impl StudentT {
    pub fn new(df: f64) -> Result<Self, TextError> {
        if df.is_nan() || df <= 0.0 {
            return Err(TextError::Input(format!(
                "the Student-t distribution needs degrees of freedom > 0, got {df}"
            )));
        }
        Ok(Self { df })
    }

    pub fn df(&self) -> f64 {
        self.df
    }

    /// P(T ≤ t).
    pub fn cdf(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        let lower_tail = self.tail_beyond(t.abs());
        if t < 0.0 {
            lower_tail
        } else {
            1.0 - lower_tail
        }
    }

    /// P(T > t), the survival function.
    pub fn sf(&self, t: f64) -> f64 {
        self.cdf(-t)
    }

    /// Density at t.
    pub fn pdf(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        if self.df.is_infinite() {
            return (-0.5 * t * t).exp() / (2.0 * PI).sqrt();
        }
        let df = self.df;
        let u = t.abs();
        // ln(1 + t²/df), without overflowing t² in the far tails of small df.
        let ln_base = if u > 1e100 {
            2.0 * u.ln() - df.ln() + ((df / u) / u).ln_1p()
        } else {
            (u * u / df).ln_1p()
        };
        (-(df + 1.0) / 2.0 * ln_base - 0.5 * df.ln() - ln_beta(df / 2.0, 0.5)).exp()
    }

    /// P(T > u) for u ≥ 0.
    fn tail_beyond(&self, u: f64) -> f64 {
        if u.is_infinite() {
            return 0.0;
        }
        if self.df.is_infinite() {
            return 0.5 * erfc(u * FRAC_1_SQRT_2);
        }
        let df = self.df;
        if df >= LARGE_DF {
            return 0.5 * erfc(hill_normal_deviate(u, df) * FRAC_1_SQRT_2);
        }
        // P(|T| > u) = I_x(df/2, 1/2) with x = df/(df + u²); y = 1 − x = u²/(df + u²) is formed
        // without subtraction and without overflowing u².
        let (x, y) = if u > df.sqrt() {
            let r = (df / u) / u;
            if r < 1e-200 {
                return far_tail(u, df);
            }
            (r / (1.0 + r), 1.0 / (1.0 + r))
        } else {
            let r = (u / df) * u;
            (1.0 / (1.0 + r), r / (1.0 + r))
        };
        match inc_beta(df / 2.0, 0.5, x, y) {
            Some((two_sided, _)) => 0.5 * two_sided,
            None => f64::NAN,
        }
    }

    /// The quantile function: the t with P(T ≤ t) = p. `None` for p outside [0, 1] or NaN;
    /// ±∞ at p = 0 and p = 1 (and where the quantile exceeds the largest double).
    pub fn quantile(&self, p: f64) -> Option<f64> {
        if !(0.0..=1.0).contains(&p) {
            return None;
        }
        if p == 0.5 {
            return Some(0.0);
        }
        // Work with the smaller tail q (exact: 1 − p has no rounding error for p ≥ ½) and
        // restore the sign at the end.
        let (q, sign) = if p < 0.5 { (p, -1.0) } else { (1.0 - p, 1.0) };
        if q == 0.0 {
            return Some(sign * f64::INFINITY);
        }
        Some(sign * self.upper_quantile(q))
    }

    /// The t ≥ 0 with P(T > t) = q, for 0 < q < ½.
    fn upper_quantile(&self, q: f64) -> f64 {
        if self.df == 1.0 {
            // Cauchy: P(T > t) = ½ − atan(t)/π.
            return 1.0 / (PI * q).tan();
        }
        if self.df == 2.0 {
            // P(T > t) = ½ − t / (2√(2 + t²)).
            return (1.0 - 2.0 * q) / (2.0 * q * (1.0 - q)).sqrt();
        }
        // Safeguarded Newton on h(t) = ln sf(t) − ln q, which decreases from ln ½ − ln q > 0
        // at t = 0; the logarithm keeps Newton steps sensible far out in heavy tails.
        let ln_q = q.ln();
        let mut lo = 0.0;
        let mut hi = 1.0;
        while self.sf(hi) > q {
            lo = hi;
            hi *= 2.0;
            if hi.is_infinite() {
                return if self.sf(f64::MAX) > q {
                    f64::INFINITY
                } else {
                    self.bisect_top(lo, q)
                };
            }
        }
        let mut t = 0.5 * (lo + hi);
        for _ in 0..400 {
            let s = self.sf(t);
            let h = s.ln() - ln_q;
            if h == 0.0 {
                return t;
            }
            if h > 0.0 {
                lo = t;
            } else {
                hi = t;
            }
            let slope = -self.pdf(t) / s;
            let newton = t - h / slope;
            let next = if newton > lo && newton < hi {
                newton
            } else {
                0.5 * (lo + hi)
            };
            if (next - t).abs() <= 2e-16 * next.abs() || hi - lo <= 2e-16 * hi {
                return next;
            }
            t = next;
        }
        t
    }

    /// Bisection between `lo` and the largest double, for quantiles beyond 2^1023.
    fn bisect_top(&self, mut lo: f64, q: f64) -> f64 {
        let mut hi = f64::MAX;
        for _ in 0..2000 {
            let mid = lo + 0.5 * (hi - lo);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.sf(mid) > q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_invalid_degrees_of_freedom() {
        assert!(StudentT::new(0.0).is_err());
        assert!(StudentT::new(-3.0).is_err());
        assert!(StudentT::new(f64::NAN).is_err());
        assert!(StudentT::new(f64::INFINITY).is_ok());
    }

    #[test]
    fn cauchy_and_two_df_closed_forms() {
        let cauchy = StudentT::new(1.0).unwrap();
        let two = StudentT::new(2.0).unwrap();
        for t in [-30.0, -2.0, -0.1, 0.0, 0.7, 5.0, 1e6] {
            let c = 0.5 + f64::atan(t) / PI;
            assert!((cauchy.cdf(t) - c).abs() < 1e-15, "t = {t}");
            let d = 0.5 + t / (2.0 * (2.0 + t * t).sqrt());
            assert!((two.cdf(t) - d).abs() < 1e-15, "t = {t}");
        }
    }

    #[test]
    fn quantile_inverts_cdf_and_is_symmetric() {
        for df in [0.3, 1.0, 2.0, 3.0, 7.5, 30.0, 1e4, f64::INFINITY] {
            let dist = StudentT::new(df).unwrap();
            for p in [1e-12, 1e-5, 0.025, 0.3, 0.5, 0.8, 0.975, 1.0 - 1e-9] {
                let t = dist.quantile(p).unwrap();
                let back = if p < 0.5 {
                    dist.cdf(t)
                } else {
                    1.0 - dist.sf(t)
                };
                assert!((back - p).abs() <= 1e-12 * p.min(1.0 - p).max(1e-300) + 1e-16);
                if (0.01..0.99).contains(&p) && p != 0.5 {
                    let mirror = dist.quantile(1.0 - p).unwrap();
                    assert!((mirror + t).abs() <= 1e-12 * t.abs(), "df={df} p={p}");
                }
            }
            assert_eq!(dist.quantile(0.0), Some(f64::NEG_INFINITY));
            assert_eq!(dist.quantile(1.0), Some(f64::INFINITY));
            assert_eq!(dist.quantile(1.5), None);
            assert_eq!(dist.quantile(f64::NAN), None);
        }
    }

    #[test]
    fn familiar_critical_values() {
        // Two-sided 95 % critical values from printed t tables.
        let table = [(1.0, 12.706), (5.0, 2.571), (10.0, 2.228), (98.0, 1.984)];
        for (df, crit) in table {
            let t = StudentT::new(df).unwrap().quantile(0.975).unwrap();
            assert!((t - crit).abs() < 5e-4, "df = {df}: {t}");
        }
        let z = StudentT::new(f64::INFINITY)
            .unwrap()
            .quantile(0.975)
            .unwrap();
        assert!((z - 1.959_963_984_540_054).abs() < 1e-13);
    }
}
