//! numpy's PCG64 bit generator: a 128-bit linear congruential state with the XSL-RR output
//! function, seeded from a [`SeedSequence`].

use super::SeedSequence;

const MULTIPLIER: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

/// The PCG64 state as numpy keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcg64 {
    state: u128,
    increment: u128,
}

impl Pcg64 {
    /// `np.random.PCG64(seed)`.
    pub fn new(seed: u128) -> Self {
        Self::from_seed_sequence(&SeedSequence::new(seed))
    }

    /// numpy draws four 64-bit words: the initial state (high word first) and the stream.
    pub fn from_seed_sequence(seq: &SeedSequence) -> Self {
        let words = seq.generate_u64(4);
        let join = |high: u64, low: u64| (u128::from(high) << 64) | u128::from(low);
        let (initial, stream) = (join(words[0], words[1]), join(words[2], words[3]));
        let mut rng = Pcg64 {
            state: 0,
            increment: (stream << 1) | 1,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(initial);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self
            .state
            .wrapping_mul(MULTIPLIER)
            .wrapping_add(self.increment);
    }

    /// The next 64 raw bits (`bit_generator.random_raw()`): advance, then output.
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let folded = ((self.state >> 64) as u64) ^ (self.state as u64);
        folded.rotate_right((self.state >> 122) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference: np.random.PCG64(seed).random_raw(3), numpy 1.26.4.
    #[test]
    fn raw_stream_matches_numpy() {
        let cases: [(u128, [u64; 3]); 4] = [
            (
                0,
                [0xa30febcfd9c2825f, 0x4510bdf882d9d721, 0x0a7d3da94ecde8b8],
            ),
            (
                42,
                [0xc621fbcd16d92688, 0x705a5661a791ffc1, 0xdbcd12c26eda1624],
            ),
            (
                12345,
                [0x3a32b18db2ffc19d, 0x51171315c9e4c4de, 0xcc2024823444efd9],
            ),
            (
                (1 << 40) + 7,
                [0xd46e9e2034de21aa, 0x415badc99c087675, 0x275ed40f045acb84],
            ),
        ];
        for (seed, want) in cases {
            let mut rng = Pcg64::new(seed);
            let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }
}
