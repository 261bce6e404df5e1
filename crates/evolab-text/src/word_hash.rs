//! A small multiplicative hash for short words (the rustc "Fx" scheme), shared by the
//! lexicon scorers. Their maps are keyed by fixed lexicons and the words of the text being
//! scored, so hash flooding is not a concern, and SipHash was a visible share of the time
//! per text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Hasher state.
#[derive(Clone, Copy, Default)]
pub struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(buf));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashSet`/`HashMap` builder for [`WordHasher`].
pub type BuildWordHasher = BuildHasherDefault<WordHasher>;

/// A `HashMap` keyed by words.
pub type WordHashMap<K, V> = HashMap<K, V, BuildWordHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn distinguishes_words_that_share_a_prefix_or_padding() {
        let words = ["", "a", "a\0", "abcdefgh", "abcdefghi", "abcdefgh\0", "b"];
        let set: HashSet<&str, BuildWordHasher> = words.iter().copied().collect();
        assert_eq!(set.len(), words.len());
        assert!(words.iter().all(|w| set.contains(w)));
    }
}
