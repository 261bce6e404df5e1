//! Creativity index: how dissimilar the words of a story are from each other, measured with
//! word vectors supplied by the caller (one vector per whitespace-separated word, embedded
//! in isolation).
//!
//! With the W non-zero word vectors unit-normalised to `û_a`, the mean cosine over ordered
//! pairs is computed in O(W·d) from `‖Σ_a û_a‖² = Σ_{a,b} û_a·û_b`:
//!
//! * `c_with_self = ‖Σû‖² / W²` (the original's mean, self-pairs included);
//! * `c_without_self = (‖Σû‖² − W) / (W(W − 1))` (self-pairs excluded, undefined for W < 2).
//!
//! The plotted index of a generation is `1 − mean over its stories of c`.

use serde::{Deserialize, Serialize};

/// The story's words as the creativity index takes them: split on Python `str.split()`
/// whitespace, each word lower-cased. Punctuation stays attached, as in the original.
pub fn split_words(text: &str) -> Vec<String> {
    text.split(is_python_space)
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Python's `str.isspace`: Unicode White_Space plus the four information separators
/// U+001C..U+001F, which Python splits on and Rust's `char::is_whitespace` does not.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Mean pairwise cosine of one story's word vectors.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Creativity {
    /// Number of word vectors used (zero vectors dropped).
    pub words: usize,
    /// Mean over all W² ordered pairs, self-pairs included; `None` when W = 0.
    pub with_self: Option<f64>,
    /// Mean over the W(W − 1) pairs of distinct words; `None` when W < 2.
    pub without_self: Option<f64>,
}

/// The creativity statistics of one story from its word vectors. Zero vectors (and vectors
/// whose norm is not finite) are dropped: they have no direction. Vectors of different
/// lengths are added as if padded with zeros.
pub fn creativity<V: AsRef<[f32]>>(word_vectors: &[V]) -> Creativity {
    let dim = word_vectors
        .iter()
        .map(|v| v.as_ref().len())
        .max()
        .unwrap_or(0);
    let mut sum = vec![0.0f64; dim];
    let mut words = 0usize;
    for v in word_vectors {
        let v = v.as_ref();
        let norm = v.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt();
        if norm == 0.0 || !norm.is_finite() {
            continue;
        }
        words += 1;
        for (s, &x) in sum.iter_mut().zip(v) {
            *s += x as f64 / norm;
        }
    }
    let squared: f64 = sum.iter().map(|s| s * s).sum();
    let w = words as f64;
    Creativity {
        words,
        with_self: (words > 0).then(|| squared / (w * w)),
        without_self: (words > 1).then(|| (squared - w) / (w * (w - 1.0))),
    }
}

/// Whether a generation's index counts self-pairs (the original) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SelfPairs {
    Included,
    Excluded,
}

/// The plotted creativity index of a generation, `1 − mean c` over its stories whose value
/// is defined; `None` when none is.
pub fn creativity_index(stories: &[Creativity], self_pairs: SelfPairs) -> Option<f64> {
    let values: Vec<f64> = stories
        .iter()
        .filter_map(|c| match self_pairs {
            SelfPairs::Included => c.with_self,
            SelfPairs::Excluded => c.without_self,
        })
        .collect();
    (!values.is_empty()).then(|| 1.0 - values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The definition: mean cosine over ordered pairs, O(W²).
    fn brute_force(vectors: &[Vec<f32>]) -> (Option<f64>, Option<f64>) {
        let unit: Vec<Vec<f64>> = vectors
            .iter()
            .filter_map(|v| {
                let n = v.iter().map(|&x| (x as f64).powi(2)).sum::<f64>().sqrt();
                (n > 0.0).then(|| v.iter().map(|&x| x as f64 / n).collect())
            })
            .collect();
        let w = unit.len();
        let (mut all, mut distinct) = (0.0, 0.0);
        for a in 0..w {
            for b in 0..w {
                let c: f64 = unit[a].iter().zip(&unit[b]).map(|(x, y)| x * y).sum();
                all += c;
                if a != b {
                    distinct += c;
                }
            }
        }
        (
            (w > 0).then(|| all / (w * w) as f64),
            (w > 1).then(|| distinct / (w * (w - 1)) as f64),
        )
    }

    #[test]
    fn closed_form_matches_the_pairwise_definition() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for trial in 0..60 {
            let words = trial % 40;
            let dim = 1 + trial % 96;
            let vectors: Vec<Vec<f32>> = (0..words)
                .map(|k| {
                    if k % 9 == 4 {
                        vec![0.0; dim]
                    } else {
                        (0..dim)
                            .map(|_| (rng.next_u32() as f32 / u32::MAX as f32) * 2.0 - 1.0)
                            .collect()
                    }
                })
                .collect();
            let fast = creativity(&vectors);
            let (with_self, without_self) = brute_force(&vectors);
            assert_eq!(fast.with_self.is_some(), with_self.is_some());
            assert_eq!(fast.without_self.is_some(), without_self.is_some());
            if let (Some(a), Some(b)) = (fast.with_self, with_self) {
                assert!((a - b).abs() < 1e-12, "trial {trial}: {a} vs {b}");
            }
            if let (Some(a), Some(b)) = (fast.without_self, without_self) {
                assert!((a - b).abs() < 1e-12, "trial {trial}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn hand_computed_cases() {
        // Two orthogonal words: Σû = (1,1), ‖Σû‖² = 2; with self 2/4, without (2−2)/2 = 0.
        let c = creativity(&[vec![3.0, 0.0], vec![0.0, 0.5], vec![0.0, 0.0]]);
        assert_eq!(c.words, 2);
        assert!((c.with_self.unwrap() - 0.5).abs() < 1e-15);
        assert!(c.without_self.unwrap().abs() < 1e-15);
        // One word: with self 1, without undefined; none: both undefined.
        let one = creativity(&[vec![0.0, 2.0]]);
        assert_eq!((one.with_self, one.without_self), (Some(1.0), None));
        let none = creativity(&[vec![0.0; 3]]);
        assert_eq!(
            (none.words, none.with_self, none.without_self),
            (0, None, None)
        );
        // Index: 1 − mean; undefined stories skipped.
        let index = creativity_index(&[c, one, none], SelfPairs::Included).unwrap();
        assert!((index - (1.0 - 0.75)).abs() < 1e-15);
        let index = creativity_index(&[c, one, none], SelfPairs::Excluded).unwrap();
        assert!((index - 1.0).abs() < 1e-15);
        assert_eq!(creativity_index(&[none], SelfPairs::Excluded), None);
    }

    #[test]
    fn words_split_like_python() {
        assert_eq!(
            split_words("  The Cat,\tSAT\n\u{1f}on\u{a0}the MAT.  "),
            ["the", "cat,", "sat", "on", "the", "mat."]
        );
        assert!(split_words(" \n ").is_empty());
        assert_eq!(split_words("ÉTÉ\u{3000}ΟΔΟΣ"), ["été", "οδος"]);
    }
}
