//! Generation-level summaries of a story-level similarity matrix S.
//!
//! With `G_g` the stories of generation g (`n_g = |G_g|`, which may differ between
//! generations; a telephone chain has `n_g = 1`):
//!
//! * between generations: `B[g,h] = (1 / (n_g·n_h)) Σ_{k∈G_g, l∈G_h} S[k,l]`;
//! * similarity to the first generation: `B[0,t]` for t ≥ 1;
//! * within a generation: `W_g = (1 / (n_g(n_g−1))) Σ_{k,l∈G_g, k≠l} S[k,l]`, undefined
//!   when `n_g < 2`;
//! * legacy within-generation value of the original code: `diag(B)_g = B[g,g]`, which
//!   counts the self-pairs; when every `S[k,k] = 1` it equals `1/n_g + (1 − 1/n_g)·W_g`,
//!   and it is 1 for chains. Kept only as a labelled comparison column;
//! * successive generations: `B[t,t+1]`.

use serde::{Deserialize, Serialize};

use super::matrix::Matrix;
use crate::TextError;

/// Which rows of S belong to which generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationLayout {
    generations: Vec<Vec<usize>>,
}

impl GenerationLayout {
    /// `generations[g]` lists the story indices (rows of S) of generation g.
    pub fn new(generations: Vec<Vec<usize>>) -> GenerationLayout {
        GenerationLayout { generations }
    }

    /// The generation-major layout of the culture runs: story k of generation g is row
    /// `per_generation·g + k`.
    pub fn uniform(generations: usize, per_generation: usize) -> GenerationLayout {
        GenerationLayout {
            generations: (0..generations)
                .map(|g| (g * per_generation..(g + 1) * per_generation).collect())
                .collect(),
        }
    }

    pub fn generations(&self) -> &[Vec<usize>] {
        &self.generations
    }

    pub fn len(&self) -> usize {
        self.generations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.generations.is_empty()
    }
}

/// The generation-level curves of one repetition. Vectors are indexed by generation
/// (`successive` by the earlier generation of the pair).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationSimilarity {
    /// `B`, G × G.
    pub between: Matrix,
    /// `to_first[t] = B[0,t]`; `None` at t = 0, which is not a comparison with another
    /// generation.
    pub to_first: Vec<Option<f64>>,
    /// `W_g`, self-pairs excluded; `None` for generations of fewer than two stories.
    pub within: Vec<Option<f64>>,
    /// `diag(B)`: the original code's inflated within-generation value, self-pairs
    /// included. For comparison with the original only.
    pub within_legacy: Vec<f64>,
    /// `successive[t] = B[t,t+1]`, G − 1 values.
    pub successive: Vec<f64>,
}

/// Computes every generation-level summary of `s` (square, n × n) for `layout`.
///
/// Errors when S is not square, a generation is empty, lists a story twice, or names a
/// story outside S.
pub fn generation_similarity(
    s: &Matrix,
    layout: &GenerationLayout,
) -> Result<GenerationSimilarity, TextError> {
    if !s.is_square() {
        return Err(TextError::Input(format!(
            "the story similarity matrix is {}×{}, not square",
            s.rows(),
            s.cols()
        )));
    }
    for (g, stories) in layout.generations.iter().enumerate() {
        if stories.is_empty() {
            return Err(TextError::Input(format!(
                "generation {g} has no stories; every generation needs at least one"
            )));
        }
        if let Some(&bad) = stories.iter().find(|&&k| k >= s.rows()) {
            return Err(TextError::Input(format!(
                "generation {g} lists story {bad}, but the similarity matrix has {} stories",
                s.rows()
            )));
        }
        let mut sorted = stories.clone();
        sorted.sort_unstable();
        if let Some(pair) = sorted.windows(2).find(|p| p[0] == p[1]) {
            return Err(TextError::Input(format!(
                "generation {g} lists story {} twice",
                pair[0]
            )));
        }
    }

    let gens = &layout.generations;
    let count = gens.len();
    let mut between = Matrix::zeros(count, count);
    for g in 0..count {
        for h in g..count {
            let sum: f64 = gens[g]
                .iter()
                .flat_map(|&k| gens[h].iter().map(move |&l| s.get(k, l)))
                .sum();
            let mean = sum / (gens[g].len() * gens[h].len()) as f64;
            between.set(g, h, mean);
            // S is symmetric for every similarity here; B is made exactly symmetric so
            // that the graph and the curves never disagree on rounding.
            between.set(h, g, mean);
        }
    }

    let within = gens
        .iter()
        .map(|stories| {
            let n = stories.len();
            (n >= 2).then(|| {
                let mut sum = 0.0;
                for (a, &k) in stories.iter().enumerate() {
                    for (b, &l) in stories.iter().enumerate() {
                        if a != b {
                            sum += s.get(k, l);
                        }
                    }
                }
                sum / (n * (n - 1)) as f64
            })
        })
        .collect();

    Ok(GenerationSimilarity {
        to_first: (0..count)
            .map(|t| (t > 0).then(|| between.get(0, t)))
            .collect(),
        within,
        within_legacy: (0..count).map(|g| between.get(g, g)).collect(),
        successive: (1..count).map(|t| between.get(t - 1, t)).collect(),
        between,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn two_generations_of_two_stories_by_hand() {
        // Stories 0,1 form generation 0 and stories 2,3 generation 1.
        //       0    1    2    3
        // 0  [ 1.0  0.4  0.2  0.0 ]
        // 1  [ 0.4  1.0  0.6  0.2 ]
        // 2  [ 0.2  0.6  1.0  0.8 ]
        // 3  [ 0.0  0.2  0.8  1.0 ]
        // B[0,0] = (1 + .4 + .4 + 1)/4 = 0.7     B[1,1] = (1 + .8 + .8 + 1)/4 = 0.9
        // B[0,1] = (.2 + 0 + .6 + .2)/4 = 0.25
        // W_0 = (.4 + .4)/2 = 0.4                 W_1 = 0.8
        // legacy = diag(B) = (0.7, 0.9) = 1/2 + (1/2)·W, as the formula says.
        let s = Matrix::from_rows(&[
            vec![1.0, 0.4, 0.2, 0.0],
            vec![0.4, 1.0, 0.6, 0.2],
            vec![0.2, 0.6, 1.0, 0.8],
            vec![0.0, 0.2, 0.8, 1.0],
        ])
        .unwrap();
        let r = generation_similarity(&s, &GenerationLayout::uniform(2, 2)).unwrap();
        assert!(close(r.between.get(0, 0), 0.7));
        assert!(close(r.between.get(1, 1), 0.9));
        assert!(close(r.between.get(0, 1), 0.25));
        assert!(close(r.between.get(1, 0), 0.25));
        assert_eq!(r.to_first[0], None);
        assert!(close(r.to_first[1].unwrap(), 0.25));
        assert!(close(r.within[0].unwrap(), 0.4));
        assert!(close(r.within[1].unwrap(), 0.8));
        assert!(close(r.within_legacy[0], 0.7));
        assert!(close(r.within_legacy[1], 0.9));
        assert_eq!(r.successive.len(), 1);
        assert!(close(r.successive[0], 0.25));
    }

    #[test]
    fn chains_and_uneven_generations() {
        // A chain of three single stories: W undefined, legacy identically 1.
        // Generation sizes 1 and 2 in a second layout: B[0,1] = (0.5 + 0.3)/2 = 0.4.
        let s = Matrix::from_rows(&[
            vec![1.0, 0.5, 0.3],
            vec![0.5, 1.0, 0.9],
            vec![0.3, 0.9, 1.0],
        ])
        .unwrap();
        let chain = generation_similarity(&s, &GenerationLayout::uniform(3, 1)).unwrap();
        assert_eq!(chain.within, vec![None, None, None]);
        assert_eq!(chain.within_legacy, vec![1.0, 1.0, 1.0]);
        assert_eq!(chain.successive, vec![0.5, 0.9]);
        assert_eq!(chain.to_first, vec![None, Some(0.5), Some(0.3)]);

        let uneven =
            generation_similarity(&s, &GenerationLayout::new(vec![vec![0], vec![2, 1]])).unwrap();
        assert!(close(uneven.between.get(0, 1), 0.4));
        assert!(close(uneven.within[1].unwrap(), 0.9));
        assert_eq!(uneven.within[0], None);
    }

    #[test]
    fn legacy_formula_holds_with_unit_diagonal() {
        // diag(B)_g = 1/n + (1 − 1/n)·W_g for n = 3 stories per generation.
        let n = 6;
        let rows: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if i == j {
                            1.0
                        } else {
                            ((i * j + i + j) % 7) as f64 / 10.0
                        }
                    })
                    .collect()
            })
            .collect();
        let s = Matrix::from_rows(&rows).unwrap();
        let r = generation_similarity(&s, &GenerationLayout::uniform(2, 3)).unwrap();
        for g in 0..2 {
            let w = r.within[g].unwrap();
            assert!(close(r.within_legacy[g], 1.0 / 3.0 + (2.0 / 3.0) * w));
        }
    }

    #[test]
    fn bad_layouts_are_explained() {
        let s = Matrix::zeros(2, 2);
        let msg = |layout| generation_similarity(&s, &layout).unwrap_err().to_string();
        assert!(msg(GenerationLayout::new(vec![vec![0], vec![]]))
            .contains("generation 1 has no stories"));
        assert!(msg(GenerationLayout::new(vec![vec![0, 2]])).contains("story 2"));
        assert!(msg(GenerationLayout::new(vec![vec![1, 1]])).contains("twice"));
        assert!(
            generation_similarity(&Matrix::zeros(2, 3), &GenerationLayout::uniform(1, 2)).is_err()
        );
        let empty = generation_similarity(&s, &GenerationLayout::new(vec![])).unwrap();
        assert_eq!(empty.between.rows(), 0);
        assert!(empty.successive.is_empty());
    }
}
