//! Sentence embeddings for the analyses, through the store's vector cache.

use evolab_core::RunStore;
use evolab_text::TextError;

use crate::scoring::text_key;
use crate::AnalysisError;

/// Turns texts into unit vectors.
pub trait Embedder: Send + Sync {
    /// Names the model and its exact weights; cached vectors are keyed by it.
    fn identity(&self) -> String;
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, TextError>;
}

#[cfg(feature = "embeddings")]
impl Embedder for evolab_text::embedding::SentenceEncoder {
    fn identity(&self) -> String {
        evolab_text::embedding::SentenceEncoder::identity(self)
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, TextError> {
        evolab_text::embedding::SentenceEncoder::embed(self, texts)
    }
}

/// Embeds `texts`, reusing vectors already stored and storing new ones in batches.
pub fn embed_cached(
    store: &RunStore,
    embedder: &dyn Embedder,
    texts: &[&str],
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Vec<Vec<f32>>, AnalysisError> {
    let identity = embedder.identity();
    let keys: Vec<String> = texts.iter().map(|t| text_key(t)).collect();
    let mut known = store.vectors(&identity, &keys)?;
    let mut missing: Vec<usize> = Vec::new();
    let mut queued = std::collections::HashSet::new();
    for (i, key) in keys.iter().enumerate() {
        if !known.contains_key(key) && queued.insert(key.as_str()) {
            missing.push(i);
        }
    }
    progress(&identity, 0, missing.len());
    const BATCH: usize = 256;
    for (b, batch) in missing.chunks(BATCH).enumerate() {
        let batch_texts: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
        let vectors = embedder.embed(&batch_texts)?;
        if vectors.len() != batch.len() {
            return Err(AnalysisError::Invalid(format!(
                "embedder {identity} returned {} vectors for {} texts",
                vectors.len(),
                batch.len()
            )));
        }
        let rows: Vec<(String, Vec<f32>)> = batch
            .iter()
            .map(|&i| keys[i].clone())
            .zip(vectors)
            .collect();
        store.put_vectors(&identity, &rows)?;
        known.extend(rows);
        progress(
            &identity,
            (b * BATCH + batch.len()).min(missing.len()),
            missing.len(),
        );
    }
    Ok(keys.iter().map(|k| known[k].clone()).collect())
}
