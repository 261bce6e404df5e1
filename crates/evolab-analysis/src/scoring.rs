//! Scoring many texts with several scorers, in parallel, through the store's score cache.

use std::collections::HashMap;

use evolab_core::store::ScoreRow;
use evolab_core::RunStore;
use evolab_text::{Scorer, TextError};

use crate::AnalysisError;

/// The metric values of one text, by metric name.
pub type TextScores = HashMap<String, Option<f64>>;

/// sha256 of a text, the key of its scores in the store.
pub fn text_key(text: &str) -> String {
    evolab_core::digest::sha256_hex(text.as_bytes())
}

/// Scores `texts` with every scorer, splitting the texts over `threads` threads.
/// Returns one map per text, in input order.
pub fn score_all(
    scorers: &[Box<dyn Scorer>],
    texts: &[&str],
    threads: usize,
) -> Result<Vec<TextScores>, TextError> {
    let mut out = vec![TextScores::new(); texts.len()];
    for scorer in scorers {
        let rows = score_parallel(scorer.as_ref(), texts, threads)?;
        let metrics = scorer.metrics();
        for (scores, row) in out.iter_mut().zip(rows) {
            for (metric, value) in metrics.iter().zip(row) {
                scores.insert(metric.name.to_string(), value);
            }
        }
    }
    Ok(out)
}

fn score_parallel(
    scorer: &dyn Scorer,
    texts: &[&str],
    threads: usize,
) -> Result<Vec<Vec<Option<f64>>>, TextError> {
    let threads = threads.clamp(1, texts.len().max(1));
    if threads == 1 {
        return checked(scorer, texts);
    }
    let chunk = texts.len().div_ceil(threads);
    let parts: Vec<Result<Vec<Vec<Option<f64>>>, TextError>> = std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || checked(scorer, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut rows = Vec::with_capacity(texts.len());
    for part in parts {
        rows.extend(part?);
    }
    Ok(rows)
}

/// Runs the scorer and checks that it kept its promise on the shape of the result, so a
/// faulty scorer is reported by name instead of shifting values onto the wrong texts.
fn checked(scorer: &dyn Scorer, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
    let rows = scorer.score(texts)?;
    let width = scorer.metrics().len();
    if rows.len() != texts.len() || rows.iter().any(|r| r.len() != width) {
        return Err(TextError::Input(format!(
            "scorer {} returned a result of the wrong shape ({} rows for {} texts)",
            scorer.identity(),
            rows.len(),
            texts.len()
        )));
    }
    Ok(rows)
}

/// Like [`score_all`], but reads scores already in the store and stores the new ones, so
/// each (text, scorer identity) pair is computed once per workspace.
pub fn score_cached(
    store: &RunStore,
    scorers: &[Box<dyn Scorer>],
    texts: &[&str],
    threads: usize,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Vec<TextScores>, AnalysisError> {
    let keys: Vec<String> = texts.iter().map(|t| text_key(t)).collect();
    let mut out = vec![TextScores::new(); texts.len()];
    for scorer in scorers {
        let identity = scorer.identity();
        let metrics = scorer.metrics();
        let known = store.scores(&identity, &keys)?;
        let mut missing: Vec<usize> = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            match known.get(key) {
                Some(values) if metrics.iter().all(|m| values.contains_key(m.name)) => {
                    for m in &metrics {
                        out[i].insert(m.name.to_string(), values[m.name]);
                    }
                }
                _ => missing.push(i),
            }
        }
        // Duplicates (an initial text shared by many chains) are scored once.
        let mut unique: Vec<usize> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for &i in &missing {
            if seen.insert(&keys[i]) {
                unique.push(i);
            }
        }
        progress(&identity, 0, unique.len());
        // Batches keep memory flat and let progress (and an interrupted analysis) advance.
        const BATCH: usize = 512;
        let mut computed: HashMap<&str, Vec<Option<f64>>> = HashMap::new();
        for (b, batch) in unique.chunks(BATCH).enumerate() {
            let batch_texts: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
            let rows = score_parallel(scorer.as_ref(), &batch_texts, threads)?;
            let mut store_rows = Vec::with_capacity(rows.len() * metrics.len());
            for (&i, row) in batch.iter().zip(rows) {
                for (m, value) in metrics.iter().zip(&row) {
                    store_rows.push(ScoreRow {
                        text_sha256: keys[i].clone(),
                        metric: m.name.to_string(),
                        value: *value,
                    });
                }
                computed.insert(keys[i].as_str(), row);
            }
            store.put_scores(&identity, &store_rows)?;
            progress(
                &identity,
                (b * BATCH + batch.len()).min(unique.len()),
                unique.len(),
            );
        }
        for &i in &missing {
            let row = &computed[keys[i].as_str()];
            for (m, value) in metrics.iter().zip(row) {
                out[i].insert(m.name.to_string(), *value);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use evolab_text::scorer::{EnglishScorer, LengthScorer};
    use evolab_text::{Metric, MetricDomain};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts how many texts it was asked to score.
    struct Counting(AtomicUsize);

    impl Scorer for Counting {
        fn identity(&self) -> String {
            "counting/v1".into()
        }
        fn metrics(&self) -> Vec<Metric> {
            vec![Metric {
                name: "words",
                label: "Words",
                domain: MetricDomain::NON_NEGATIVE,
                english_only: false,
            }]
        }
        fn score(&self, texts: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
            self.0.fetch_add(texts.len(), Ordering::SeqCst);
            Ok(texts
                .iter()
                .map(|t| {
                    let n = t.split_whitespace().count();
                    vec![(n > 0).then_some(n as f64)]
                })
                .collect())
        }
    }

    #[test]
    fn parallel_scoring_keeps_input_order() {
        let texts: Vec<String> = (0..101).map(|i| "x".repeat(i)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let scorers: Vec<Box<dyn Scorer>> = vec![Box::new(LengthScorer), Box::new(EnglishScorer)];
        let scores = score_all(&scorers, &refs, 4).unwrap();
        for (i, s) in scores.iter().enumerate() {
            assert_eq!(s["length"], Some(i as f64));
            assert_eq!(s["english"], Some(1.0));
        }
    }

    #[test]
    fn cached_scoring_scores_each_distinct_text_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = RunStore::open(&dir.path().join("s.sqlite")).unwrap();
        let counting = std::sync::Arc::new(Counting(AtomicUsize::new(0)));
        struct Shared(std::sync::Arc<Counting>);
        impl Scorer for Shared {
            fn identity(&self) -> String {
                self.0.identity()
            }
            fn metrics(&self) -> Vec<Metric> {
                self.0.metrics()
            }
            fn score(&self, t: &[&str]) -> Result<Vec<Vec<Option<f64>>>, TextError> {
                self.0.score(t)
            }
        }
        let scorers: Vec<Box<dyn Scorer>> = vec![Box::new(Shared(counting.clone()))];
        let texts = ["one two", "", "one two", "three"];
        let first = score_cached(&store, &scorers, &texts, 2, &mut |_, _, _| {}).unwrap();
        assert_eq!(
            counting.0.load(Ordering::SeqCst),
            3,
            "duplicates scored once"
        );
        assert_eq!(first[0]["words"], Some(2.0));
        assert_eq!(first[1]["words"], None, "undefined stays undefined");
        assert_eq!(first[2]["words"], Some(2.0));

        let again = score_cached(&store, &scorers, &texts, 2, &mut |_, _, _| {}).unwrap();
        assert_eq!(
            counting.0.load(Ordering::SeqCst),
            3,
            "second pass is all cache hits"
        );
        assert_eq!(again, first);
    }
}
