//! Seed derivation: every random stream of a run comes from the master seed by one rule.
//!
//! `derive(master, stream, path)` = the first 8 bytes (little-endian) of
//! sha256("evolab-seed-v1" ‖ master as 8 LE bytes ‖ len(stream) as 8 LE bytes ‖ stream ‖
//! each path index as 8 LE bytes). Streams are named, and indices are length-framed, so adding
//! a stream or an index never shifts another stream's values.

use sha2::{Digest, Sha256};

const DOMAIN: &[u8] = b"evolab-seed-v1";

pub fn derive(master: u64, stream: &str, path: &[u64]) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(master.to_le_bytes());
    hasher.update((stream.len() as u64).to_le_bytes());
    hasher.update(stream.as_bytes());
    for index in path {
        hasher.update(index.to_le_bytes());
    }
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Computed independently, with Python's hashlib, from the rule in the module comment.
    const PINNED_42_ABC_5: u64 = 14700398160772186676;
    const PINNED_0_CULTURE_000: u64 = 6115929708745213242;

    #[test]
    fn same_inputs_give_same_seed() {
        assert_eq!(
            derive(7, "culture", &[0, 1, 2]),
            derive(7, "culture", &[0, 1, 2])
        );
    }

    #[test]
    fn every_input_changes_the_seed() {
        let base = derive(7, "culture", &[0, 1, 2]);
        assert_ne!(base, derive(8, "culture", &[0, 1, 2]));
        assert_ne!(base, derive(7, "telephone", &[0, 1, 2]));
        assert_ne!(base, derive(7, "culture", &[0, 1, 3]));
        assert_ne!(base, derive(7, "culture", &[0, 1]));
        assert_ne!(derive(7, "culture", &[1, 0]), derive(7, "culture", &[0, 1]));
    }

    #[test]
    fn stream_names_are_length_framed() {
        // Unframed, the stream "a" followed by index 5 would hash the same bytes as the
        // stream "a\u{5}\0\0\0\0\0\0\0" with no index.
        assert_ne!(derive(1, "a", &[5]), derive(1, "a\u{5}\0\0\0\0\0\0\0", &[]));
    }

    #[test]
    fn rule_is_stable_across_releases() {
        // Pinned values: a change of the rule would silently change every run's seeds.
        assert_eq!(derive(42, "abc", &[5]), PINNED_42_ABC_5);
        assert_eq!(derive(0, "culture", &[0, 0, 0]), PINNED_0_CULTURE_000);
    }
}
