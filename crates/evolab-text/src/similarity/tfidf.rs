//! TF-IDF vectors and their cosine matrix, as scikit-learn 1.5.2's
//! `TfidfVectorizer(stop_words='english')` computes them with every other option at its
//! default:
//!
//! * tokens: [`tokenize`](super::tokens::tokenize) (lower-case, `(?u)\b\w\w+\b`), then stop
//!   words removed;
//! * term frequency: raw counts (`sublinear_tf=False`), every term kept (`min_df=1`,
//!   `max_df=1.0`);
//! * idf: smooth, `idf(t) = ln((1 + n) / (1 + df(t))) + 1` with n the number of texts;
//! * rows: `tf · idf`, divided by their L2 norm.
//!
//! A text without any kept token has an all-zero row (scikit-learn leaves such rows at
//! zero too), so its similarity to every text, itself included, is 0. Where scikit-learn
//! raises "empty vocabulary" because no text has a token, every row here is zero.

use crate::word_hash::BuildWordHasher;
use std::collections::HashMap;

use super::matrix::Matrix;
use super::tokens::for_each_token;
use crate::stop_words::StopWords;
use crate::TextError;

/// One L2-normalised TF-IDF row: term ids (ascending) and their weights.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseRow {
    pub terms: Vec<u32>,
    pub weights: Vec<f64>,
}

impl SparseRow {
    /// Whether the text had no kept token.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// Dot product with another row of the same model.
    pub fn dot(&self, other: &SparseRow) -> f64 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < self.terms.len() && j < other.terms.len() {
            match self.terms[i].cmp(&other.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.weights[i] * other.weights[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }
}

/// A TF-IDF model fitted on a corpus, with the rows of that corpus.
#[derive(Clone, Debug)]
pub struct TfIdf {
    /// Terms sorted by code point, as scikit-learn orders its features.
    vocabulary: Vec<String>,
    index: HashMap<String, u32, BuildWordHasher>,
    stop: StopWords,
    idf: Vec<f64>,
    rows: Vec<SparseRow>,
}

impl TfIdf {
    /// Fits the vocabulary and idf on `texts` and computes their rows.
    pub fn fit(texts: &[&str], stop: &StopWords) -> TfIdf {
        // One hash lookup per token: provisional ids in first-seen order, with stop words
        // cached as `STOP`; renumbered in sorted order afterwards.
        const STOP: u32 = u32::MAX;
        let mut provisional: HashMap<String, u32, BuildWordHasher> = HashMap::default();
        let mut next = 0u32;
        let mut counts: Vec<Vec<(u32, u32)>> = Vec::with_capacity(texts.len());
        let mut ids: Vec<u32> = Vec::new();
        for text in texts {
            let lowered = text.to_lowercase();
            ids.clear();
            for_each_token(&lowered, |token| {
                let id = match provisional.get(token) {
                    Some(&id) => id,
                    None => {
                        let id = if stop.contains(token) {
                            STOP
                        } else {
                            next += 1;
                            next - 1
                        };
                        provisional.insert(token.to_string(), id);
                        id
                    }
                };
                if id != STOP {
                    ids.push(id);
                }
            });
            counts.push(run_lengths(&mut ids));
        }

        let mut terms: Vec<(String, u32)> = provisional
            .into_iter()
            .filter(|&(_, id)| id != STOP)
            .collect();
        terms.sort_unstable();
        let mut renumber = vec![0u32; terms.len()];
        for (new, (_, old)) in terms.iter().enumerate() {
            renumber[*old as usize] = new as u32;
        }
        let vocabulary: Vec<String> = terms.into_iter().map(|(t, _)| t).collect();
        let index = vocabulary
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();

        let mut df = vec![0u64; vocabulary.len()];
        for doc in &mut counts {
            for entry in doc.iter_mut() {
                entry.0 = renumber[entry.0 as usize];
                df[entry.0 as usize] += 1;
            }
            doc.sort_unstable();
        }
        let n = texts.len() as f64;
        let idf = df
            .iter()
            .map(|&d| ((n + 1.0) / (d as f64 + 1.0)).ln() + 1.0)
            .collect::<Vec<f64>>();
        let rows = counts.iter().map(|doc| weigh(doc, &idf)).collect();
        TfIdf {
            vocabulary,
            index,
            stop: stop.clone(),
            idf,
            rows,
        }
    }

    /// The row of a new text under this model (scikit-learn's `transform`): terms outside
    /// the vocabulary are ignored.
    pub fn transform(&self, text: &str) -> SparseRow {
        let lowered = text.to_lowercase();
        let mut ids = Vec::new();
        for_each_token(&lowered, |token| {
            if self.stop.contains(token) {
                return;
            }
            if let Some(&id) = self.index.get(token) {
                ids.push(id);
            }
        });
        weigh(&run_lengths(&mut ids), &self.idf)
    }

    pub fn vocabulary(&self) -> &[String] {
        &self.vocabulary
    }

    /// idf per term, aligned with [`Self::vocabulary`].
    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// One row per fitted text, in input order.
    pub fn rows(&self) -> &[SparseRow] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Cosine similarity of every pair of fitted texts, `S = X·Xᵀ` (n × n). Zero rows give
    /// zero rows and columns, diagonal included.
    pub fn cosine_matrix(&self) -> Matrix {
        let all: Vec<usize> = (0..self.rows.len()).collect();
        cosine_of_rows(&self.rows, &all, self.vocabulary.len())
    }

    /// The cosine matrix of the fitted texts `docs` (in that order), for analyses that fit
    /// one vocabulary over many repetitions but compare texts within one.
    pub fn cosine_submatrix(&self, docs: &[usize]) -> Result<Matrix, TextError> {
        if let Some(&bad) = docs.iter().find(|&&d| d >= self.rows.len()) {
            return Err(TextError::Input(format!(
                "text {bad} is not in the TF-IDF model, which was fitted on {} texts",
                self.rows.len()
            )));
        }
        Ok(cosine_of_rows(&self.rows, docs, self.vocabulary.len()))
    }
}

/// `(term, count)` pairs in term order.
fn run_lengths(ids: &mut [u32]) -> Vec<(u32, u32)> {
    ids.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &id in ids.iter() {
        match out.last_mut() {
            Some((last, count)) if *last == id => *count += 1,
            _ => out.push((id, 1)),
        }
    }
    out
}

/// `tf · idf`, L2-normalised (the norm is taken over the weighted counts, as scikit-learn's
/// `normalize` does after the idf multiplication).
fn weigh(doc: &[(u32, u32)], idf: &[f64]) -> SparseRow {
    let weights: Vec<f64> = doc
        .iter()
        .map(|&(t, c)| c as f64 * idf[t as usize])
        .collect();
    let norm = weights.iter().map(|w| w * w).sum::<f64>().sqrt();
    SparseRow {
        terms: doc.iter().map(|&(t, _)| t).collect(),
        weights: if norm > 0.0 {
            weights.iter().map(|w| w / norm).collect()
        } else {
            weights
        },
    }
}

/// `X·Xᵀ` over the selected rows through an inverted index, so the work is the number of
/// (text, text, shared term) triples rather than n² merges. Each entry is summed over shared
/// terms in ascending term order whatever the threading, so results are reproducible.
fn cosine_of_rows(rows: &[SparseRow], docs: &[usize], n_terms: usize) -> Matrix {
    let n = docs.len();
    let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_terms];
    for (pos, &d) in docs.iter().enumerate() {
        for (&t, &w) in rows[d].terms.iter().zip(&rows[d].weights) {
            postings[t as usize].push((pos as u32, w));
        }
    }
    let mut out = Matrix::zeros(n, n);
    if n == 0 {
        return out;
    }
    let upper_row = |i: usize, acc: &mut [f64]| {
        let row = &rows[docs[i]];
        for (&t, &w) in row.terms.iter().zip(&row.weights) {
            let list = &postings[t as usize];
            let from = list.partition_point(|&(j, _)| (j as usize) < i);
            for &(j, wj) in &list[from..] {
                acc[j as usize] += w * wj;
            }
        }
    };

    // Blocks of rows handed out to threads on demand; early rows cost more (upper triangle).
    let threads = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n.div_ceil(64));
    let block = 16usize;
    let chunks: Vec<(usize, &mut [f64])> = out
        .as_mut_slice()
        .chunks_mut(n * block)
        .enumerate()
        .map(|(b, chunk)| (b * block, chunk))
        .collect();
    let queue = std::sync::Mutex::new(chunks.into_iter());
    let work = || loop {
        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
        let Some((first, chunk)) = next else { break };
        for (k, acc) in chunk.chunks_mut(n).enumerate() {
            upper_row(first + k, acc);
        }
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }

    let data = out.as_mut_slice();
    for i in 0..n {
        for j in 0..i {
            data[i * n + j] = data[j * n + i];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_stop() -> StopWords {
        StopWords::from_words(["the", "and"])
    }

    #[test]
    fn hand_computed_two_texts() {
        // Texts: "cat dog" and "cat cat" (n = 2); "the" is a stop word, "a" too short.
        // df(cat) = 2 -> idf = ln(3/3) + 1 = 1; df(dog) = 1 -> idf = ln(3/2) + 1.
        // Row 0 = (1, 1 + ln 1.5) / sqrt(1 + (1 + ln 1.5)²); row 1 = (1, 0).
        // S[0,1] = 1 / sqrt(1 + (1 + ln 1.5)²).
        let model = TfIdf::fit(&["The cat, a DOG.", "cat cat"], &no_stop());
        assert_eq!(model.vocabulary(), ["cat", "dog"]);
        let g = 1.0 + 1.5f64.ln();
        assert!((model.idf()[0] - 1.0).abs() < 1e-15);
        assert!((model.idf()[1] - g).abs() < 1e-15);
        let s = model.cosine_matrix();
        let expected = 1.0 / (1.0 + g * g).sqrt();
        assert!((s.get(0, 1) - expected).abs() < 1e-15);
        assert!((s.get(1, 0) - expected).abs() < 1e-15);
        assert!((s.get(0, 0) - 1.0).abs() < 1e-15);
        assert!((s.get(1, 1) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn counts_raise_weights_linearly() {
        // "x x y" vs "y": every term has df... x: 1, y: 2 with n = 2.
        // idf(x) = ln(3/2)+1 = g, idf(y) = 1. Row 0 = (2g, 1)/sqrt(4g²+1), row 1 = (0, 1).
        let model = TfIdf::fit(&["xx xx yy", "yy"], &no_stop());
        let g = 1.0 + 1.5f64.ln();
        let s = model.cosine_matrix();
        assert!((s.get(0, 1) - 1.0 / (4.0 * g * g + 1.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn empty_texts_give_zero_rows_and_columns() {
        let model = TfIdf::fit(&["", "the and", "word word", "!!"], &no_stop());
        let s = model.cosine_matrix();
        for i in [0, 1, 3] {
            assert!(model.rows()[i].is_zero());
            for j in 0..4 {
                assert_eq!(s.get(i, j), 0.0);
                assert_eq!(s.get(j, i), 0.0);
            }
        }
        assert!((s.get(2, 2) - 1.0).abs() < 1e-15);
        // No token anywhere: an empty model, all zeros.
        let none = TfIdf::fit(&["", "a"], &no_stop());
        assert!(none.vocabulary().is_empty());
        assert_eq!(none.cosine_matrix(), Matrix::zeros(2, 2));
        assert_eq!(
            TfIdf::fit(&[], &no_stop()).cosine_matrix(),
            Matrix::zeros(0, 0)
        );
    }

    #[test]
    fn matrix_equals_pairwise_dots_and_submatrix_selects() {
        let texts: Vec<String> = (0..150)
            .map(|i| {
                (0..(i % 13))
                    .map(|k| format!("w{} w{}", (i * 7 + k) % 23, k % 5))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let model = TfIdf::fit(&refs, &no_stop());
        let s = model.cosine_matrix();
        for i in 0..refs.len() {
            for j in 0..refs.len() {
                let direct = model.rows()[i].dot(&model.rows()[j]);
                assert!((s.get(i, j) - direct).abs() < 1e-12, "({i},{j})");
            }
        }
        let sub = model.cosine_submatrix(&[5, 2, 5]).unwrap();
        assert_eq!(sub.get(0, 1), s.get(5, 2));
        assert_eq!(sub.get(2, 0), s.get(5, 5));
        assert!(model.cosine_submatrix(&[150]).is_err());
    }

    #[test]
    fn transform_reproduces_fitted_rows() {
        let texts = ["alpha beta beta", "beta gamma", "delta"];
        let model = TfIdf::fit(&texts, &no_stop());
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(&model.transform(t), &model.rows()[i]);
        }
        assert!(model.transform("unknown words").is_zero());
    }
}
