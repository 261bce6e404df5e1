//! Adam as `torch.optim.Adam` computes it (bias corrections folded into the step size and
//! the denominator, ε added after the square root), and gradient-norm clipping as
//! `torch.nn.utils.clip_grad_norm_`.

pub(crate) struct Adam {
    learning_rate: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    step: i32,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    pub(crate) fn new(parameters: usize, learning_rate: f32, eps: f32) -> Self {
        Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps,
            step: 0,
            m: vec![0.0; parameters],
            v: vec![0.0; parameters],
        }
    }

    pub(crate) fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.step += 1;
        let correction1 = 1.0 - self.beta1.powi(self.step);
        let c = Constants {
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            step_size: self.learning_rate / correction1,
            correction2_sqrt: (1.0 - self.beta2.powi(self.step)).sqrt(),
        };
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2.
            return unsafe { update_avx2(c, params, grads, &mut self.m, &mut self.v) };
        }
        update(c, params, grads, &mut self.m, &mut self.v)
    }
}

#[derive(Clone, Copy)]
struct Constants {
    beta1: f32,
    beta2: f32,
    eps: f32,
    step_size: f32,
    correction2_sqrt: f32,
}

#[inline(always)]
fn update(c: Constants, params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32]) {
    for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
        *m = c.beta1 * *m + (1.0 - c.beta1) * g;
        *v = c.beta2 * *v + (1.0 - c.beta2) * g * g;
        *p -= c.step_size * *m / (v.sqrt() / c.correction2_sqrt + c.eps);
    }
}

/// The same arithmetic (no FMA contraction), eight lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn update_avx2(
    c: Constants,
    params: &mut [f32],
    grads: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) {
    update(c, params, grads, m, v)
}

/// Scales `grads` so that their Euclidean norm is at most `max_norm`; returns the norm before.
pub(crate) fn clip_grad_norm(grads: &mut [f32], max_norm: f32) -> f32 {
    // Eight partial sums vectorise; one running sum would not (float additions are not
    // reordered by the compiler).
    let mut lanes = [0.0f32; 8];
    let mut chunks = grads.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            lanes[k] += c[k] * c[k];
        }
    }
    let tail: f32 = chunks.remainder().iter().map(|&g| g * g).sum();
    let norm = (lanes.iter().sum::<f32>() + tail).sqrt();
    let scale = (max_norm / (norm + 1e-6)).min(1.0);
    if scale < 1.0 {
        for g in grads.iter_mut() {
            *g *= scale;
        }
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_adam_steps_move_each_parameter_by_about_the_learning_rate() {
        // With bias correction, step 1 moves by lr·g/(|g| + ε) whatever the gradient's scale.
        let mut adam = Adam::new(2, 0.1, 1e-8);
        let mut p = [1.0f32, 1.0];
        adam.step(&mut p, &[1000.0, -0.001]);
        assert!(
            (p[0] - 0.9).abs() < 1e-5 && (p[1] - 1.1).abs() < 1e-4,
            "{p:?}"
        );
    }

    #[test]
    fn adam_minimises_a_quadratic() {
        let mut adam = Adam::new(2, 0.05, 1e-5);
        let mut p = [3.0f32, -2.0];
        for _ in 0..2000 {
            let g = [2.0 * (p[0] - 1.0), 8.0 * (p[1] + 0.5)];
            adam.step(&mut p, &g);
        }
        assert!(
            (p[0] - 1.0).abs() < 1e-2 && (p[1] + 0.5).abs() < 1e-2,
            "{p:?}"
        );
    }

    #[test]
    fn clipping_caps_the_norm_and_keeps_the_direction() {
        let mut g = [3.0f32, 4.0];
        assert_eq!(clip_grad_norm(&mut g, 0.5), 5.0);
        assert!((g[0] - 0.3).abs() < 1e-6 && (g[1] - 0.4).abs() < 1e-6);
        let mut small = [0.1f32, 0.0];
        clip_grad_norm(&mut small, 0.5);
        assert_eq!(small, [0.1, 0.0]);
    }
}
