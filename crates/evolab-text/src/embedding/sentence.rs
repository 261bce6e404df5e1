//! Sentence embeddings as sentence-transformers computes them for mean-pooling models
//! such as all-MiniLM-L6-v2: strip, tokenise with truncation, run BERT, average the token
//! vectors under the attention mask, scale to unit length.

use std::path::Path;

use candle_core::{DType, Tensor, D};
use candle_transformers::models::bert::BertModel;
use tokenizers::Tokenizer;

use super::batch::{self, model_err};
use super::checkpoint::{bad, Checkpoint};
use crate::TextError;

/// all-MiniLM-L6-v2's `max_seq_length` (its `sentence_bert_config.json`), used for models
/// whose directory does not say otherwise.
pub const DEFAULT_MAX_TOKENS: usize = 256;

/// sha256 of the all-MiniLM-L6-v2 weights that evolab fetches, to name them properly.
const MINILM_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// A BERT sentence-embedding model on the CPU.
pub struct SentenceEncoder {
    model: BertModel,
    tokenizer: Tokenizer,
    pad_id: u32,
    dim: usize,
    max_tokens: usize,
    identity: String,
}

impl SentenceEncoder {
    /// Loads the model in `model_dir` (`config.json`, `tokenizer.json`,
    /// `model.safetensors`).
    ///
    /// Texts are truncated to the `max_seq_length` of a `sentence_bert_config.json` in the
    /// same directory if there is one, else to [`DEFAULT_MAX_TOKENS`], and never beyond
    /// the model's position embeddings. A `1_Pooling/config.json` that asks for anything
    /// but mean pooling is refused rather than silently ignored.
    pub fn load(model_dir: &Path) -> Result<Self, TextError> {
        let checkpoint = Checkpoint::open(model_dir)?;
        check_pooling(model_dir)?;
        let max_tokens = max_seq_length(model_dir)?
            .unwrap_or(DEFAULT_MAX_TOKENS)
            .min(checkpoint.config.max_position_embeddings);
        let tokenizer = checkpoint.tokenizer_truncating_to(max_tokens)?;
        let model = checkpoint.bert()?;
        let name = if checkpoint.weights_sha256 == MINILM_SHA256 {
            "all-MiniLM-L6-v2".to_string()
        } else {
            checkpoint.dir_name()
        };
        Ok(Self {
            model,
            pad_id: checkpoint.config.pad_token_id as u32,
            dim: checkpoint.config.hidden_size,
            tokenizer,
            max_tokens,
            identity: checkpoint.identity(&name),
        })
    }

    /// The model's name and the first 12 hex digits of its weights' sha256, e.g.
    /// `all-MiniLM-L6-v2@53aa51172d14`.
    pub fn identity(&self) -> String {
        self.identity.clone()
    }

    /// Length of every embedding.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Word pieces kept per text, `[CLS]` and `[SEP]` included.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// One unit-length vector per text, in the order of `texts`.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, TextError> {
        let stripped = texts.iter().map(|t| batch::strip(t)).collect();
        let encodings = batch::encode_all(&self.tokenizer, stripped)?;
        let mut out = vec![Vec::new(); texts.len()];
        for indices in batch::batches_by_length(&encodings) {
            let inputs = batch::inputs(&encodings, &indices, self.pad_id)?;
            let vectors = self
                .forward(&inputs)
                .and_then(|t| t.to_vec2::<f32>())
                .map_err(model_err)?;
            for (i, v) in indices.into_iter().zip(vectors) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    fn forward(&self, inputs: &batch::Inputs) -> candle_core::Result<Tensor> {
        let tokens = self
            .model
            .forward(&inputs.ids, &inputs.type_ids, Some(&inputs.mask))?;
        let mask = inputs.mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = tokens.broadcast_mul(&mask)?.sum(1)?;
        // sentence-transformers clamps the token count at 1e-9; every text has at least
        // [CLS] and [SEP], so the count is never below 2 here.
        let counts = mask.sum(1)?.clamp(1e-9, f32::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        // torch.nn.functional.normalize: divide by max(norm, 1e-12).
        let norms = mean
            .sqr()?
            .sum_keepdim(D::Minus1)?
            .sqrt()?
            .clamp(1e-12, f32::MAX)?;
        mean.broadcast_div(&norms)
    }
}

fn max_seq_length(dir: &Path) -> Result<Option<usize>, TextError> {
    let path = dir.join("sentence_bert_config.json");
    let Some(json) = read_optional_json(&path)? else {
        return Ok(None);
    };
    match json.get("max_seq_length") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n >= 2 => Ok(Some(n as usize)),
            _ => Err(bad(
                &path,
                format!("max_seq_length must be an integer of at least 2, found {v}"),
            )),
        },
    }
}

fn check_pooling(dir: &Path) -> Result<(), TextError> {
    let path = dir.join("1_Pooling").join("config.json");
    let Some(json) = read_optional_json(&path)? else {
        return Ok(());
    };
    let on = |key: &str| json.get(key).and_then(|v| v.as_bool()).unwrap_or(false);
    let others = [
        "pooling_mode_cls_token",
        "pooling_mode_max_tokens",
        "pooling_mode_mean_sqrt_len_tokens",
        "pooling_mode_weightedmean_tokens",
        "pooling_mode_lasttoken",
    ];
    let extra: Vec<&str> = others.into_iter().filter(|k| on(k)).collect();
    if !on("pooling_mode_mean_tokens") || !extra.is_empty() {
        return Err(TextError::Input(format!(
            "{}: evolab's sentence encoder only does mean pooling, but this model asks for {}",
            path.display(),
            if extra.is_empty() {
                "no mean pooling".to_string()
            } else {
                extra.join(", ")
            }
        )));
    }
    Ok(())
}

fn read_optional_json(path: &Path) -> Result<Option<serde_json::Value>, TextError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(path, e))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| bad(path, e))
}
