//! Turning texts into padded model inputs, batch by batch, in an order that keeps
//! padding small.

use candle_core::{Device, Tensor};
use tokenizers::{Encoding, Tokenizer};

use crate::TextError;

/// Most texts per forward pass, for short texts.
pub(crate) const MAX_BATCH: usize = 32;

/// Most padded tokens per forward pass (8 texts of 256 pieces). The attention scores grow
/// with texts × tokens², and freshly allocated tensors of hundreds of MiB cost more in page
/// faults than larger matrix products gain: on 2 threads, batches of 8 long texts ran
/// faster than batches of 32 and peaked at a third of the memory.
pub(crate) const MAX_BATCH_TOKENS: usize = 2048;

/// The token ids, token type ids and attention mask of one batch, each `(batch, longest)`.
pub(crate) struct Inputs {
    pub ids: Tensor,
    pub type_ids: Tensor,
    pub mask: Tensor,
}

/// Whitespace as Python's `str.strip()` sees it: sentence-transformers strips every text
/// before tokenising, and Python also counts the ASCII separators U+001C..U+001F.
pub(crate) fn strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// Tokenises every text once (truncated by `tokenizer`'s settings).
pub(crate) fn encode_all(
    tokenizer: &Tokenizer,
    texts: Vec<&str>,
) -> Result<Vec<Encoding>, TextError> {
    tokenizer
        .encode_batch(texts, true)
        .map_err(|e| TextError::Input(format!("tokenising texts: {e}")))
}

/// Indices of `encodings` grouped into batches, longest texts first so that texts of
/// similar length share a batch; each batch holds at most [`MAX_BATCH`] texts and
/// [`MAX_BATCH_TOKENS`] padded tokens (always at least one text).
pub(crate) fn batches_by_length(encodings: &[Encoding]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..encodings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
    let mut batches = Vec::new();
    let mut rest = &order[..];
    while let Some(&first) = rest.first() {
        // The first text is the batch's longest, so it sets the padded width.
        let width = encodings[first].len().max(1);
        let size = (MAX_BATCH_TOKENS / width)
            .clamp(1, MAX_BATCH)
            .min(rest.len());
        batches.push(rest[..size].to_vec());
        rest = &rest[size..];
    }
    batches
}

/// The inputs for the texts at `indices`, right-padded with id `pad_id` to the longest one.
pub(crate) fn inputs(
    encodings: &[Encoding],
    indices: &[usize],
    pad_id: u32,
) -> Result<Inputs, TextError> {
    let width = indices
        .iter()
        .map(|&i| encodings[i].len())
        .max()
        .unwrap_or(0);
    let rows = indices.len();
    let mut ids = vec![pad_id; rows * width];
    let mut type_ids = vec![0u32; rows * width];
    let mut mask = vec![0u32; rows * width];
    for (row, &i) in indices.iter().enumerate() {
        let e = &encodings[i];
        let start = row * width;
        ids[start..start + e.len()].copy_from_slice(e.get_ids());
        type_ids[start..start + e.len()].copy_from_slice(e.get_type_ids());
        mask[start..start + e.len()].copy_from_slice(e.get_attention_mask());
    }
    let tensor = |v: Vec<u32>| Tensor::from_vec(v, (rows, width), &Device::Cpu).map_err(model_err);
    Ok(Inputs {
        ids: tensor(ids)?,
        type_ids: tensor(type_ids)?,
        mask: tensor(mask)?,
    })
}

pub(crate) fn model_err(e: candle_core::Error) -> TextError {
    TextError::Input(format!("running the BERT model: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_matches_python_whitespace() {
        assert_eq!(strip("  a b\t\n"), "a b");
        assert_eq!(strip("\u{1f}\u{a0}x\u{3000}"), "x");
        assert_eq!(strip(" \u{1c} "), "");
        assert_eq!(strip("héllo"), "héllo");
    }
}
