//! The random part of a reservoir, drawn once per seed: W0, B and the bias pattern.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::gaussian::standard_normal;

use super::sparse::Csr;
use super::spectral::spectral_radius;

/// Fraction of non-zero entries in W0, B and the bias.
pub const DENSITY: f64 = 0.1;

/// W0 (N×N, normal values), B (N×D, ±1), the bias (±1) and ρ(W0).
#[derive(Clone, Debug)]
pub struct Topology {
    pub units: usize,
    pub inputs: usize,
    pub w0: Csr,
    pub b: Csr,
    pub bias: Vec<f64>,
    /// ρ(W0); the recurrent matrix is `ρ / ρ(W0) · W0`.
    pub w0_radius: f64,
}

/// `count` distinct positions of `0..size`, uniformly at random (partial Fisher-Yates).
fn distinct_positions(rng: &mut ChaCha8Rng, size: usize, count: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..size).collect();
    for i in 0..count {
        let j = rng.random_range(i..size);
        all.swap(i, j);
    }
    all.truncate(count);
    all
}

fn sign(rng: &mut ChaCha8Rng) -> f64 {
    if rng.random::<bool>() {
        1.0
    } else {
        -1.0
    }
}

impl Topology {
    /// The topology for `seed`: exactly round(0.1·size) non-zeros in each of W0, B and the
    /// bias. Fails only if W0's eigenvalues cannot be computed or are all zero.
    pub fn new(units: usize, inputs: usize, seed: u64) -> Result<Self, String> {
        if units == 0 {
            return Err("a reservoir needs at least one unit".into());
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let count = |size: usize| (DENSITY * size as f64).round() as usize;

        let w0_entries = distinct_positions(&mut rng, units * units, count(units * units))
            .into_iter()
            .map(|p| (p / units, p % units, standard_normal(&mut rng)))
            .collect();
        let w0 = Csr::from_triplets(units, units, w0_entries);
        let b_entries = distinct_positions(&mut rng, units * inputs, count(units * inputs))
            .into_iter()
            .map(|p| (p / inputs, p % inputs, sign(&mut rng)))
            .collect();
        let b = Csr::from_triplets(units, inputs, b_entries);
        let mut bias = vec![0.0; units];
        for p in distinct_positions(&mut rng, units, count(units)) {
            bias[p] = sign(&mut rng);
        }

        let w0_radius = spectral_radius(&w0.to_dense(), units)
            .ok_or("the eigenvalues of the reservoir's random matrix did not converge")?;
        if w0_radius <= 0.0 {
            return Err(format!(
                "the random recurrent matrix for seed {seed} is nilpotent (spectral radius 0) and cannot be rescaled; use more units or another seed"
            ));
        }
        Ok(Topology {
            units,
            inputs,
            w0,
            b,
            bias,
            w0_radius,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn densities_values_and_determinism() {
        let t = Topology::new(100, 7, 3).unwrap();
        assert_eq!(t.w0.nonzeros(), 1000);
        assert_eq!(t.b.nonzeros(), 70);
        assert_eq!(t.bias.iter().filter(|&&v| v != 0.0).count(), 10);
        assert!(t
            .b
            .value
            .iter()
            .chain(&t.bias)
            .all(|&v| v == 0.0 || v.abs() == 1.0));
        // Normal values: mean near 0, variance near 1 over 1,000 draws.
        let mean = t.w0.value.iter().sum::<f64>() / 1000.0;
        let var = t.w0.value.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 999.0;
        assert!(
            mean.abs() < 0.15 && (var - 1.0).abs() < 0.15,
            "{mean} {var}"
        );
        // Circular law: ρ(W0) ≈ sqrt(N · density) = sqrt(10).
        assert!((t.w0_radius - 10f64.sqrt()).abs() < 1.0, "{}", t.w0_radius);

        let again = Topology::new(100, 7, 3).unwrap();
        assert_eq!(again.w0, t.w0);
        assert_eq!(again.bias, t.bias);
        assert_ne!(Topology::new(100, 7, 4).unwrap().w0, t.w0);
    }

    #[test]
    fn no_units_is_an_error() {
        assert!(Topology::new(0, 3, 0).is_err());
    }
}
