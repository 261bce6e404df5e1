//! Timing of TF-IDF at the scale of a large experiment: 15,000 texts of 300 words.
//! Ignored by default; run with
//! `cargo test --release -p evolab-text --test similarity_perf -- --ignored --nocapture`.

use std::time::Instant;

use evolab_text::similarity::TfIdf;
use evolab_text::StopWords;
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Texts drawn from a Zipf(1) distribution over 20,000 made-up words (plus some stop
/// words), which gives common terms in nearly every text as real stories have.
fn synthetic_corpus(texts: usize, words: usize) -> Vec<String> {
    let vocabulary: Vec<String> = (0..20_000).map(|i| format!("w{i:05}x")).collect();
    let harmonic: Vec<f64> = (1..=vocabulary.len())
        .scan(0.0, |acc, r| {
            *acc += 1.0 / r as f64;
            Some(*acc)
        })
        .collect();
    let total = *harmonic.last().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    (0..texts)
        .map(|_| {
            let mut text = String::with_capacity(words * 8);
            for k in 0..words {
                if k % 4 == 0 {
                    text.push_str("the ");
                    continue;
                }
                let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
                let rank = harmonic.partition_point(|&h| h < u);
                text.push_str(&vocabulary[rank.min(vocabulary.len() - 1)]);
                text.push(' ');
            }
            text
        })
        .collect()
}

#[test]
#[ignore = "timing; run in release"]
fn tfidf_at_experiment_scale() {
    let stop = StopWords::from_words(["the", "and", "of"]);
    let texts = synthetic_corpus(15_000, 300);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let start = Instant::now();
    let model = TfIdf::fit(&refs, &stop);
    let fit = start.elapsed();

    let start = Instant::now();
    let mut checksum = 0.0;
    for repetition in 0..150 {
        let docs: Vec<usize> = (repetition * 100..(repetition + 1) * 100).collect();
        checksum += model.cosine_submatrix(&docs).unwrap().get(0, 1);
    }
    let per_repetition = start.elapsed();

    let docs: Vec<usize> = (0..2_500).collect();
    let start = Instant::now();
    let chain = model.cosine_submatrix(&docs).unwrap();
    let chain_time = start.elapsed();

    let start = Instant::now();
    let full = model.cosine_matrix();
    let full_time = start.elapsed();

    eprintln!(
        "15,000 texts × 300 words, {} terms: fit {:.2?}; 150 per-repetition 100×100 matrices {:.2?}; \
         one 2,500×2,500 matrix {:.2?}; full 15,000×15,000 matrix {:.2?} (checksum {checksum:.3}, {:.3}, {:.3})",
        model.vocabulary().len(),
        fit,
        per_repetition,
        chain_time,
        full_time,
        chain.get(0, 1),
        full.get(1, 2)
    );
}
