//! numpy's `SeedSequence` (numpy/random/bit_generator.pyx), for seeds without spawn keys:
//! the seed's 32-bit words are hashed into a pool of four words, which is then hashed out
//! into as many words of state as the bit generator asks for.

const POOL_SIZE: usize = 4;
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;

/// The entropy pool of `np.random.SeedSequence(seed)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedSequence {
    pool: [u32; POOL_SIZE],
}

/// numpy's `hashmix`: the running constant advances at every call.
fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut value = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    value = value.wrapping_mul(*hash_const);
    value ^ (value >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let result = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    result ^ (result >> XSHIFT)
}

impl SeedSequence {
    /// `SeedSequence(seed)` for a non-negative integer seed, as Python ints are given.
    pub fn new(seed: u128) -> Self {
        // numpy splits the integer into 32-bit words, least significant first; 0 is [0].
        let mut words = Vec::new();
        let mut rest = seed;
        while rest > 0 {
            words.push(rest as u32);
            rest >>= 32;
        }
        if words.is_empty() {
            words.push(0);
        }
        Self::from_entropy_words(&words)
    }

    fn from_entropy_words(entropy: &[u32]) -> Self {
        let mut hash_const = INIT_A;
        let mut pool = [0u32; POOL_SIZE];
        for (i, slot) in pool.iter_mut().enumerate() {
            *slot = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hash_const);
        }
        // Mix every word into every other, so that late words affect early ones.
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], &mut hash_const));
                }
            }
        }
        for &word in entropy.iter().skip(POOL_SIZE) {
            for slot in pool.iter_mut() {
                *slot = mix(*slot, hashmix(word, &mut hash_const));
            }
        }
        SeedSequence { pool }
    }

    /// `generate_state(n, np.uint32)`.
    pub fn generate_u32(&self, n: usize) -> Vec<u32> {
        let mut hash_const = INIT_B;
        self.pool
            .iter()
            .cycle()
            .take(n)
            .map(|&word| {
                let mut value = word ^ hash_const;
                hash_const = hash_const.wrapping_mul(MULT_B);
                value = value.wrapping_mul(hash_const);
                value ^ (value >> XSHIFT)
            })
            .collect()
    }

    /// `generate_state(n, np.uint64)`: twice as many 32-bit words, paired low word first.
    pub fn generate_u64(&self, n: usize) -> Vec<u64> {
        self.generate_u32(2 * n)
            .chunks_exact(2)
            .map(|pair| u64::from(pair[0]) | (u64::from(pair[1]) << 32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values printed by numpy 1.26.4:
    // [hex(x) for x in np.random.SeedSequence(seed).generate_state(4, np.uint64)]
    #[test]
    fn state_matches_numpy() {
        let cases: [(u128, [u64; 4]); 3] = [
            (
                0,
                [
                    0xdb2cd7e7b0f478be,
                    0xabf4641a2c71ba49,
                    0x20c6ed6d9d7b8d41,
                    0x2c4099de223c39d4,
                ],
            ),
            (
                12345,
                [
                    0xb5ae6482a03d837c,
                    0xbbe2996ffa1f7a2f,
                    0x64e39a9f37158f94,
                    0x3ebb0f96a013fd73,
                ],
            ),
            (
                (1 << 70) + 5,
                [
                    0x0a14346bef71fe56,
                    0x6c60906e9c13de68,
                    0x9b12832d9c9d1cba,
                    0x7c8fcd316a15af4e,
                ],
            ),
        ];
        for (seed, want) in cases {
            assert_eq!(SeedSequence::new(seed).generate_u64(4), want, "seed {seed}");
        }
    }

    #[test]
    fn u64_words_pair_the_u32_words_low_first() {
        let seq = SeedSequence::new(7);
        let words = seq.generate_u32(4);
        let longs = seq.generate_u64(2);
        assert_eq!(longs[0], u64::from(words[0]) | u64::from(words[1]) << 32);
        assert_eq!(longs[1], u64::from(words[2]) | u64::from(words[3]) << 32);
    }
}
