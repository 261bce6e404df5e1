//! The leaky echo-state update: x ← (1 − α)·x + α·tanh(W·x + W_in·u + b).

use super::real::Real;
use super::sparse::Csr;
use super::topology::Topology;

/// The evolved macro-parameters of one reservoir.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReservoirParams {
    /// ρ: the recurrent matrix's spectral radius.
    pub spectral_radius: f64,
    /// α in (0, 1].
    pub leak_rate: f64,
    /// s: scales the ±1 input weights.
    pub input_scaling: f64,
}

impl ReservoirParams {
    /// Positive finite scalings and a leak rate in (0, 1].
    pub fn check(&self) -> Result<(), String> {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        if !ok(self.spectral_radius) || !ok(self.input_scaling) {
            return Err(format!(
                "spectral radius and input scaling must be positive and finite, got {} and {}",
                self.spectral_radius, self.input_scaling
            ));
        }
        if !(self.leak_rate > 0.0 && self.leak_rate <= 1.0) {
            return Err(format!(
                "the leak rate must be in (0, 1], got {}",
                self.leak_rate
            ));
        }
        Ok(())
    }
}

/// One reservoir: a topology rescaled by the parameters, and its state, computed in
/// precision `T` (f64 as the original, or f32).
#[derive(Clone, Debug)]
pub struct Reservoir<T: Real = f64> {
    topology: Topology,
    params: ReservoirParams,
    w0: Csr<T>,
    b: Csr<T>,
    bias: Vec<T>,
    /// ρ / ρ(W0).
    recurrent_scale: T,
    input_scaling: T,
    leak_rate: T,
    state: Vec<T>,
    pre: Vec<T>,
}

impl<T: Real> Reservoir<T> {
    pub fn new(topology: Topology, params: ReservoirParams) -> Result<Self, String> {
        params.check()?;
        let units = topology.units;
        Ok(Reservoir {
            recurrent_scale: T::from_f64(params.spectral_radius / topology.w0_radius),
            input_scaling: T::from_f64(params.input_scaling),
            leak_rate: T::from_f64(params.leak_rate),
            w0: topology.w0.convert(),
            b: topology.b.convert(),
            bias: topology.bias.iter().map(|&v| T::from_f64(v)).collect(),
            topology,
            params,
            state: vec![T::ZERO; units],
            pre: vec![T::ZERO; units],
        })
    }

    pub fn units(&self) -> usize {
        self.topology.units
    }

    pub fn inputs(&self) -> usize {
        self.topology.inputs
    }

    pub fn params(&self) -> ReservoirParams {
        self.params
    }

    /// The state x, zero after [`Reservoir::reset`].
    pub fn state(&self) -> &[T] {
        &self.state
    }

    /// x = 0, as at every episode start.
    pub fn reset(&mut self) {
        self.state.fill(T::ZERO);
    }

    /// One update driven by `input` (length [`Reservoir::inputs`]); returns the new state.
    pub fn step(&mut self, input: &[T]) -> &[T] {
        assert_eq!(input.len(), self.topology.inputs, "reservoir input size");
        self.pre.copy_from_slice(&self.bias);
        self.w0
            .add_scaled_product(self.recurrent_scale, &self.state, &mut self.pre);
        self.b
            .add_scaled_product(self.input_scaling, input, &mut self.pre);
        let alpha = self.leak_rate;
        for (x, &p) in self.state.iter_mut().zip(&self.pre) {
            *x = (T::ONE - alpha) * *x + alpha * p.tanh();
        }
        &self.state
    }
}

#[cfg(test)]
mod tests {
    use super::super::spectral::spectral_radius;
    use super::*;

    /// The spectral radius of the rescaled recurrent matrix, computed afresh.
    fn recurrent_radius(r: &Reservoir) -> Option<f64> {
        let dense: Vec<f64> = r
            .topology
            .w0
            .to_dense()
            .iter()
            .map(|v| v * r.recurrent_scale)
            .collect();
        spectral_radius(&dense, r.units())
    }

    fn params(rho: f64, alpha: f64, s: f64) -> ReservoirParams {
        ReservoirParams {
            spectral_radius: rho,
            leak_rate: alpha,
            input_scaling: s,
        }
    }

    #[test]
    fn rescaling_reaches_the_requested_spectral_radius() {
        for rho in [1e-4, 0.1, 0.9, 1.0, 100.0] {
            let r: Reservoir =
                Reservoir::new(Topology::new(100, 4, 0).unwrap(), params(rho, 0.5, 1.0)).unwrap();
            let got = recurrent_radius(&r).unwrap();
            assert!((got - rho).abs() <= 1e-9 * rho, "{rho}: {got}");
        }
    }

    #[test]
    fn update_is_the_leaky_tanh_equation() {
        let topology = Topology::new(30, 3, 5).unwrap();
        let (w0, b, bias) = (
            topology.w0.to_dense(),
            topology.b.to_dense(),
            topology.bias.clone(),
        );
        let scale = 0.8 / topology.w0_radius;
        let mut r: Reservoir = Reservoir::new(topology, params(0.8, 0.3, 2.0)).unwrap();
        let mut x = vec![0.0; 30];
        for u in [[0.5, -1.0, 0.0], [0.1, 0.2, 0.3], [-2.0, 0.0, 1.0]] {
            // Dense, written out.
            let next: Vec<f64> = (0..30)
                .map(|i| {
                    let recurrent: f64 = (0..30).map(|j| scale * w0[i * 30 + j] * x[j]).sum();
                    let input: f64 = (0..3).map(|j| 2.0 * b[i * 3 + j] * u[j]).sum();
                    0.7 * x[i] + 0.3 * (recurrent + input + bias[i]).tanh()
                })
                .collect();
            x = next;
            let got = r.step(&u).to_vec();
            for (g, w) in got.iter().zip(&x) {
                assert!((g - w).abs() < 1e-12);
            }
        }
        // The first update from reset is α·tanh(W_in·u + b).
        r.reset();
        assert!(r.state().iter().all(|&v| v == 0.0));
        let first = r.step(&[1.0, 0.0, 0.0]).to_vec();
        for (i, v) in first.iter().enumerate() {
            let want = 0.3 * (2.0 * b[i * 3] + bias[i]).tanh();
            assert!((v - want).abs() < 1e-15);
        }
    }

    #[test]
    fn states_stay_within_the_tanh_range_and_bad_parameters_are_refused() {
        let mut r: Reservoir =
            Reservoir::new(Topology::new(50, 2, 1).unwrap(), params(100.0, 1.0, 10.0)).unwrap();
        for k in 0..200 {
            let s = r.step(&[k as f64, -(k as f64)]);
            assert!(s.iter().all(|v| v.abs() <= 1.0));
        }
        for bad in [
            params(0.0, 0.5, 1.0),
            params(1.0, 0.0, 1.0),
            params(1.0, 1.5, 1.0),
            params(1.0, 0.5, f64::NAN),
        ] {
            assert!(
                Reservoir::<f64>::new(Topology::new(10, 2, 0).unwrap(), bad).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn float32_follows_float64_closely() {
        let topology = Topology::new(100, 3, 2).unwrap();
        let p = params(0.95, 0.3, 1.0);
        let mut wide: Reservoir<f64> = Reservoir::new(topology.clone(), p).unwrap();
        let mut narrow: Reservoir<f32> = Reservoir::new(topology, p).unwrap();
        let mut worst = 0.0f64;
        for k in 0..500 {
            let u = [(k as f64 * 0.1).sin(), (k as f64 * 0.37).cos(), 0.5];
            let u32 = u.map(|v| v as f32);
            let a = wide.step(&u).to_vec();
            let b = narrow.step(&u32);
            for (x, &y) in a.iter().zip(b) {
                worst = worst.max((x - f64::from(y)).abs());
            }
        }
        assert!(worst < 1e-4, "largest difference {worst:e}");
    }
}
