//! Turning texts into padded model inputs, batch by batch, in an order that keeps
//! padding small.

use candle_core::{Device, Tensor};
use tokenizers::{Encoding, Tokenizer};

use crate::TextError;

/// Texts per forward pass: large enough for the matrix products to run at full speed,
/// small enough that one long text does not pad many short ones.
pub(crate) const BATCH_SIZE: usize = 32;

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

/// Indices of `encodings` grouped into batches of at most `size`, longest texts first,
/// so that texts of similar length share a batch.
pub(crate) fn batches_by_length(encodings: &[Encoding], size: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..encodings.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
    order.chunks(size.max(1)).map(<[usize]>::to_vec).collect()
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
