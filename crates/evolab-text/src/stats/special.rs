//! Special functions behind the Student-t distribution: log-gamma, log-beta, the regularised
//! incomplete beta function and the complementary error function.
//!
//! Written for double precision; the Student-t distribution uses the incomplete beta for df below 3e4
//! (see `student_t.rs` for why not above). Checked against scipy and mpmath in
//! `tests/stats_scipy.rs`.

use std::f64::consts::PI;

/// ln √(2π)
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Relative size of the last continued-fraction step at which iteration stops.
const CF_EPS: f64 = 1e-16;
/// Guard against division by zero in the modified Lentz algorithm.
const CF_TINY: f64 = 1e-300;
/// Continued fractions that have not converged by then are reported as failures.
const CF_MAX_ITER: usize = 100_000;

/// Error of Stirling's approximation, `ln Γ(x) − [(x − ½) ln x − x + ln √(2π)]`, for x ≥ 10.
///
/// The asymptotic series Σ B₂ₖ / (2k(2k−1) x^(2k−1)) truncated after eight terms: at x = 10
/// the first omitted term is below 1e-18, so the correction is exact to double precision.
fn stirling_correction(x: f64) -> f64 {
    // B₂ₖ / (2k(2k−1)) for k = 1..8.
    const C: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
    ];
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Horner in 1/x².
    let mut sum = 0.0;
    for c in C.iter().rev() {
        sum = sum * inv2 + c;
    }
    sum * inv
}

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    if x >= 10.0 {
        return (x - 0.5) * x.ln() - x + LN_SQRT_2PI + stirling_correction(x);
    }
    // Shift up with Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)); the product stays far from
    // overflow because x + n < 11.
    let mut shifted = x;
    let mut product = 1.0;
    while shifted < 10.0 {
        product *= shifted;
        shifted += 1.0;
    }
    ln_gamma(shifted) - product.ln()
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0.
///
/// When a parameter is large, the three log-gammas are each large and nearly cancel; the
/// Stirling terms are therefore combined analytically first, so that only small numbers are
/// added (the same arrangement as in R's `lbeta`).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() || a <= 0.0 || b <= 0.0 {
        return f64::NAN;
    }
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    if q.is_infinite() {
        return f64::NEG_INFINITY;
    }
    let sum = p + q;
    if p >= 10.0 {
        let corr = stirling_correction(p) + stirling_correction(q) - stirling_correction(sum);
        -0.5 * q.ln() + LN_SQRT_2PI + corr + (p - 0.5) * (p / sum).ln() + q * (-p / sum).ln_1p()
    } else if q >= 10.0 {
        let corr = stirling_correction(q) - stirling_correction(sum);
        ln_gamma(p) + corr + p - p * sum.ln() + (q - 0.5) * (-p / sum).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(sum)
    }
}

/// The regularised incomplete beta function as the pair (I_x(a, b), 1 − I_x(a, b)).
///
/// `y` must be 1 − x, passed separately so that callers who know 1 − x more precisely than
/// `1.0 - x` (the t distribution does) keep that precision. Of the pair, the smaller member
/// is computed directly and is accurate to a few ulps relative; the other is one minus it.
/// Returns `None` for invalid arguments or if the continued fraction fails to converge.
pub fn inc_beta(a: f64, b: f64, x: f64, y: f64) -> Option<(f64, f64)> {
    let valid = a > 0.0 && b > 0.0 && (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y);
    if !valid {
        return None;
    }
    if x == 0.0 {
        return Some((0.0, 1.0));
    }
    if y == 0.0 {
        return Some((1.0, 0.0));
    }
    // The continued fraction converges quickly for x below the mean-ish point
    // (a + 1)/(a + b + 2); above it, use the symmetry I_x(a, b) = 1 − I_y(b, a).
    if x * (a + b + 2.0) < a + 1.0 {
        let lower = inc_beta_cf(a, b, x, y)?;
        Some((lower, 1.0 - lower))
    } else {
        let upper = inc_beta_cf(b, a, y, x)?;
        Some((1.0 - upper, upper))
    }
}

/// I_x(a, b) by its continued fraction (valid and fast for x < (a + 1)/(a + b + 2)),
/// evaluated with the modified Lentz algorithm.
fn inc_beta_cf(a: f64, b: f64, x: f64, y: f64) -> Option<f64> {
    let ln_x = if x > 0.5 { (-y).ln_1p() } else { x.ln() };
    let ln_y = if y > 0.5 { (-x).ln_1p() } else { y.ln() };
    let ln_front = a * ln_x + b * ln_y - ln_beta(a, b);

    let guard = |v: f64| if v.abs() < CF_TINY { CF_TINY } else { v };
    // The fraction is 1/(1 + d₁/(1 + d₂/(1 + …))) with
    //   d₂ₘ₊₁ = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),
    //   d₂ₘ   = m (b − m) x / ((a + 2m − 1)(a + 2m)).
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=CF_MAX_ITER {
        let m = m as f64;
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < CF_EPS {
            return Some((ln_front.exp() * h / a).clamp(0.0, 1.0));
        }
    }
    None
}

/// erfc(x), accurate to about 1e-15 relative for x ≤ 26 (beyond, it underflows to 0).
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        return 1.0 - erf_series(x);
    }
    if x > 27.3 {
        return 0.0;
    }
    // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), modified Lentz.
    let guard = |v: f64| if v.abs() < CF_TINY { CF_TINY } else { v };
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..1000 {
        let coeff = k as f64 / 2.0;
        d = 1.0 / guard(x + coeff * d);
        c = guard(x + coeff / c);
        let step = c * d;
        f *= step;
        if (step - 1.0).abs() < CF_EPS {
            break;
        }
    }
    (-x * x).exp() / (PI.sqrt() * f)
}

/// erf(x) for 0 ≤ x < 2.5 from the all-positive series
/// erf(x) = 2/√π · e^{−x²} Σₙ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), which has no cancellation.
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 0.0;
    loop {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
        if term <= sum * 1e-17 {
            break;
        }
    }
    2.0 / PI.sqrt() * (-x2).exp() * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        // Γ(n) = (n−1)!
        let mut fact = 1.0f64;
        for n in 1..30 {
            assert!((ln_gamma(n as f64) - fact.ln()).abs() <= 1e-14 * fact.ln().max(1.0));
            fact *= n as f64;
        }
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        // Γ(½) = √π
        assert!((ln_gamma(0.5) - 0.5 * PI.ln()).abs() < 1e-14);
        assert!(ln_gamma(0.0).is_nan() && ln_gamma(-1.0).is_nan());
    }

    #[test]
    fn ln_beta_agrees_with_gammas_and_closed_forms() {
        // B(a, 1) = 1/a
        for a in [0.3, 2.0, 12.5, 1e3, 1e7] {
            assert!(close(ln_beta(a, 1.0), -a.ln(), 1e-13), "a = {a}");
        }
        // B(15, 20) from the three log-gammas, which are still small enough to subtract.
        let direct = ln_gamma(15.0) + ln_gamma(20.0) - ln_gamma(35.0);
        assert!(close(ln_beta(15.0, 20.0), direct, 1e-13));
    }

    #[test]
    fn inc_beta_closed_forms() {
        // I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b
        for &(a, x) in &[(0.5, 0.3), (3.0, 0.9), (40.0, 0.99)] {
            let (lo, hi) = inc_beta(a, 1.0, x, 1.0 - x).unwrap();
            assert!(close(lo, f64::powf(x, a), 1e-13), "a={a} x={x}");
            assert!((lo + hi - 1.0).abs() < 1e-15);
            let (lo, _) = inc_beta(1.0, a, x, 1.0 - x).unwrap();
            assert!(close(lo, 1.0 - f64::powf(1.0 - x, a), 1e-13));
        }
        assert!(inc_beta(-1.0, 1.0, 0.5, 0.5).is_none());
        assert!(inc_beta(1.0, 1.0, 1.5, -0.5).is_none());
    }

    #[test]
    fn erfc_known_values() {
        assert!(close(erfc(0.0), 1.0, 1e-16));
        // erfc(1) and erfc(3), to 16 significant digits.
        assert!(close(erfc(1.0), 0.157_299_207_050_285_13, 1e-14));
        assert!(close(erfc(3.0), 2.209_049_699_858_544e-5, 1e-13));
        assert!(close(erfc(-1.0), 2.0 - 0.157_299_207_050_285_13, 1e-15));
    }
}
