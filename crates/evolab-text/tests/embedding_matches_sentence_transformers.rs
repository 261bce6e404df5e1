//! evolab's all-MiniLM-L6-v2 embeddings against sentence-transformers' own.
//!
//! The reference vectors in tests/data/minilm_reference.json were computed by
//! tests/python/minilm_reference.py with torch and sentence-transformers (too heavy to
//! install in CI); the file records the versions and the command.

mod common;

use evolab_text::embedding::{minilm_dir, SentenceEncoder};

struct Reference {
    texts: Vec<String>,
    vectors: Vec<Vec<f32>>,
    word_pieces: Vec<usize>,
}

fn reference() -> Reference {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/minilm_reference.json"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let texts = json["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let vectors = json["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect()
        })
        .collect();
    let word_pieces = json["word_pieces_untruncated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as usize)
        .collect();
    Reference {
        texts,
        vectors,
        word_pieces,
    }
}

fn encoder() -> SentenceEncoder {
    let data = common::data_dir(&["minilm"]);
    SentenceEncoder::load(&minilm_dir(&data)).unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn embeddings_match_sentence_transformers() {
    let reference = reference();
    assert!(
        reference.word_pieces.iter().any(|&n| n > 256),
        "the reference must include a text longer than the 256-piece limit"
    );
    let encoder = encoder();
    assert_eq!(encoder.dim(), 384);
    assert!(
        encoder
            .identity()
            .starts_with("all-MiniLM-L6-v2@53aa51172d14"),
        "{}",
        encoder.identity()
    );
    let texts: Vec<&str> = reference.texts.iter().map(String::as_str).collect();
    let ours = encoder.embed(&texts).unwrap();
    assert_eq!(ours.len(), texts.len());
    let (mut worst_cos, mut worst_diff) = (1.0f64, 0.0f32);
    for ((text, mine), theirs) in texts.iter().zip(&ours).zip(&reference.vectors) {
        assert_eq!(mine.len(), 384);
        let cos = cosine(mine, theirs);
        let diff = max_abs_diff(mine, theirs);
        assert!(
            cos > 0.9999 && diff < 1e-4,
            "{text:?}: cosine {cos}, max abs diff {diff}"
        );
        let norm: f32 = mine.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{text:?}: norm {norm}");
        worst_cos = worst_cos.min(cos);
        worst_diff = worst_diff.max(diff);
    }
    eprintln!("lowest cosine {worst_cos}, largest abs diff {worst_diff}");
}

#[test]
fn batching_restores_order_and_does_not_change_vectors() {
    let encoder = encoder();
    let reference = reference();
    // More texts than one batch, of very different lengths, so that sorting and padding
    // both matter.
    let mut texts: Vec<String> = Vec::new();
    for i in 0..70 {
        let words = (i * 13) % 90;
        texts.push(format!("text {i}: {}", "word ".repeat(words)));
    }
    texts.push(reference.texts.last().unwrap().clone());
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let together = encoder.embed(&refs).unwrap();
    for (i, text) in refs.iter().enumerate() {
        let alone = encoder.embed(&[text]).unwrap().remove(0);
        let diff = max_abs_diff(&together[i], &alone);
        assert!(diff < 1e-5, "text {i}: batched and alone differ by {diff}");
    }
}

#[test]
fn words_past_the_limit_are_ignored() {
    let encoder = encoder();
    assert_eq!(encoder.max_tokens(), 256);
    let long = "evolution ".repeat(400);
    let longer = format!("{long} completely different ending about volcanoes");
    let short = "evolution ".repeat(20);
    let v = encoder.embed(&[&long, &longer, &short]).unwrap();
    assert!(max_abs_diff(&v[0], &v[1]) < 1e-6);
    assert!(
        max_abs_diff(&v[0], &v[2]) > 1e-4,
        "the short text must differ"
    );
}

#[test]
fn no_texts_give_no_vectors() {
    assert!(encoder().embed(&[]).unwrap().is_empty());
}
