//! Elementary functions written as branch-free arithmetic, so that loops over them
//! vectorise.
//!
//! `f32::tanh` calls libm once per element. In evolab's small networks (the toxicity
//! BiLSTM, PPO's 64-unit layers) those calls were most of the running time once the matrix
//! products were batched. [`tanh`] is within 2e-7 of the exact value.

/// e^y for y in [-20, 0]: y = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its degree-6 Taylor
/// polynomial (relative error below 1.2e-7 on that interval), 2^n put into the exponent bits.
#[inline(always)]
fn exp_nonpositive(y: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split so that n·LN2_HI is exact for the n that occur here (|n| ≤ 29).
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding and subtracting 1.5·2^23 rounds to the nearest integer without a libm call.
    const ROUND: f32 = 12_582_912.0;
    let shifted = y * LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    // Estrin's scheme: the same polynomial as Horner's, with a dependency chain half as
    // long, so that a vectorised loop keeps more elements in flight.
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = (1.0 + r)
        + r2 * (0.5 + r * (1.0 / 6.0))
        + r4 * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0));
    // The integer n sits in the low mantissa bits of `shifted`: taking it from there with
    // integer arithmetic vectorises, where `n as i32` (a saturating cast) does not.
    let n_bits = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    let scale = f32::from_bits(n_bits.wrapping_add(127) << 23);
    p * scale
}

/// tanh(x) with an absolute error below 2e-7.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    // tanh(10) rounds to 1.0 in f32; clamping keeps the exponent in range.
    let a = x.abs().min(10.0);
    let e = exp_nonpositive(-2.0 * a);
    let large = (1.0 - e) / (1.0 + e);
    // Near zero, 1 − e cancels: the odd series keeps the relative error small there.
    let a2 = a * a;
    let small = a * (1.0 - a2 * (1.0 / 3.0 - a2 * (2.0 / 15.0)));
    let t = if a < 0.0625 { small } else { large };
    t.copysign(x)
}

/// Replaces every element by its [`tanh`], with AVX2 and FMA when the processor has them
/// (eight lanes at a time; the results are the same bits as the scalar loop's).
pub fn tanh_in_place(xs: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the processor supports the features the function is compiled for.
        unsafe { tanh_in_place_avx2(xs) };
        return;
    }
    for x in xs {
        *x = tanh(*x);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn tanh_in_place_avx2(xs: &mut [f32]) {
    for x in xs {
        *x = tanh(*x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_is_within_2e7_of_libm_everywhere() {
        let mut worst = 0.0f64;
        let mut x = -30.0f32;
        while x <= 30.0 {
            let err = (f64::from(tanh(x)) - f64::from(x).tanh()).abs();
            worst = worst.max(err);
            x += 1.0e-4;
        }
        assert!(worst < 2e-7, "largest error {worst:e}");
    }

    #[test]
    fn tanh_is_odd_exact_at_zero_and_saturates() {
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f32).to_bits());
        for x in [1e-30f32, 1e-5, 0.01, 0.3, 0.7, 2.0, 5.0] {
            assert_eq!(tanh(-x), -tanh(x));
            assert!(((tanh(x) / x) as f64 - (x as f64).tanh() / x as f64).abs() < 1e-6);
        }
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(f32::INFINITY), 1.0);
        assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
    }

    #[test]
    fn the_slice_version_gives_the_scalar_bits() {
        let mut xs: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) / 37.0).collect();
        let want: Vec<u32> = xs.iter().map(|&x| tanh(x).to_bits()).collect();
        tanh_in_place(&mut xs);
        let got: Vec<u32> = xs.iter().map(|x| x.to_bits()).collect();
        assert_eq!(got, want);
    }
}
