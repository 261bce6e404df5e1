//! The LSTM's element-wise functions, written so that the compiler vectorises the gate loop.
//!
//! tanh is [`evolab_fastmath::tanh`], branch-free and within 2e-7 of the exact value (the
//! Keras reference agrees to 1e-4; TensorFlow itself uses a rational approximation).

/// Keras 2's hard sigmoid, clip(0.2·x + 0.5, 0, 1).
#[inline(always)]
pub fn hard_sigmoid(x: f32) -> f32 {
    (0.2 * x + 0.5).clamp(0.0, 1.0)
}

pub use evolab_fastmath::tanh;

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
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
}
