//! The `np.random.Generator` methods gymnasium's environments use, on PCG64.

use super::Pcg64;

/// `np.random.default_rng(seed)`, as gymnasium's `seeding.np_random(seed)` builds it.
#[derive(Clone, Debug)]
pub struct Generator {
    bits: Pcg64,
}

impl Generator {
    pub fn new(seed: u128) -> Self {
        Generator {
            bits: Pcg64::new(seed),
        }
    }

    /// Seeded from the operating system's randomness, as numpy does without a seed.
    pub fn from_entropy() -> Self {
        use std::hash::{BuildHasher, RandomState};
        let state = RandomState::new();
        let high = state.hash_one(0u8);
        let low = state.hash_one(1u8);
        Self::new((u128::from(high) << 64) | u128::from(low))
    }

    /// `random()`: the top 53 bits of one raw draw, scaled into [0, 1).
    pub fn random(&mut self) -> f64 {
        (self.bits.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `uniform(low, high)`: `low + (high - low) * random()`, as numpy computes it.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random()
    }

    /// `uniform(low, high, size=n)`: n draws in order.
    pub fn uniform_n(&mut self, low: f64, high: f64, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.uniform(low, high)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference: g = np.random.Generator(np.random.PCG64(seed)); g.random_raw(3) (skipped
    // here), then g.random() and g.uniform(-0.05, 0.05, size=(4,)), numpy 1.26.4.
    #[test]
    fn draws_match_numpy_bit_for_bit() {
        let cases: [(u128, f64, [f64; 4]); 4] = [
            (
                0,
                0.016527635528529094,
                [
                    0.031327023920027244,
                    0.04127555772777218,
                    0.010663577576717986,
                    0.022949656098399843,
                ],
            ),
            (
                42,
                0.6973680290593639,
                [
                    -0.04058226521123505,
                    0.047562235163675595,
                    0.026113970199035302,
                    0.02860643052769539,
                ],
            ),
            (
                12345,
                0.6762546707509746,
                [
                    -0.010889044939809099,
                    -0.016718607213361547,
                    0.009830875358718981,
                    -0.031326581439628666,
                ],
            ),
            (
                (1 << 40) + 7,
                0.6745045458676086,
                [
                    0.02388407191925654,
                    -0.0010004583491363267,
                    -0.04846011282238255,
                    -0.0462727993343203,
                ],
            ),
        ];
        for (seed, random, uniform) in cases {
            let mut g = Generator::new(seed);
            for _ in 0..3 {
                g.bits.next_u64();
            }
            assert_eq!(g.random().to_bits(), random.to_bits(), "seed {seed}");
            let got = g.uniform_n(-0.05, 0.05, 4);
            for (a, b) in got.iter().zip(uniform) {
                assert_eq!(a.to_bits(), b.to_bits(), "seed {seed}: {got:?}");
            }
        }
    }

    #[test]
    fn random_stays_in_the_unit_interval() {
        let mut g = Generator::new(3);
        for _ in 0..10_000 {
            let x = g.random();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
