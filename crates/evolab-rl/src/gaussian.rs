//! Standard normal draws for the reservoirs' weights, CMA-ES's samples and evolab-bilevel.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// One N(0, 1) draw by the Box-Muller transform.
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]: the logarithm is finite
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}
