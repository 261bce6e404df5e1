//! The LSTM's element-wise functions, written so that the compiler vectorises the gate loop.
//!
//! `f32::tanh` calls libm once per element; with the products batched, those calls were
//! most of the network's time. [`tanh`] is branch-free arithmetic instead, within 2e-7 of
//! the exact value (the Keras reference agrees to 1e-4; TensorFlow itself uses a rational
//! approximation).

/// Keras 2's hard sigmoid, clip(0.2·x + 0.5, 0, 1).
#[inline(always)]
pub fn hard_sigmoid(x: f32) -> f32 {
    (0.2 * x + 0.5).clamp(0.0, 1.0)
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

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
    let n = (y * LOG2_E + ROUND) - ROUND;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_sigmoid_is_keras_2s() {
        assert_eq!(hard_sigmoid(0.0), 0.5);
        assert!((hard_sigmoid(1.0) - 0.7).abs() < 1e-6);
        assert!((hard_sigmoid(-2.0) - 0.1).abs() < 1e-6);
        assert_eq!(hard_sigmoid(-2.5), 0.0);
        assert_eq!(hard_sigmoid(3.0), 1.0);
        // Keras 3's x/6 + 0.5 would give 0.5 + 1/6 here.
        assert!((hard_sigmoid(1.0) - (0.5 + 1.0 / 6.0)).abs() > 0.03);
    }

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
}
