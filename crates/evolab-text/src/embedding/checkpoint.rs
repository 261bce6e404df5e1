//! A BERT-family checkpoint directory: `config.json`, `tokenizer.json` and
//! `model.safetensors`, read and checked once so that the encoders above only see
//! usable parts.

use std::fs;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::TextError;

pub(crate) const CONFIG: &str = "config.json";
pub(crate) const TOKENIZER: &str = "tokenizer.json";
pub(crate) const WEIGHTS: &str = "model.safetensors";

/// The three files of a checkpoint, loaded on the CPU in f32.
pub(crate) struct Checkpoint {
    pub dir: PathBuf,
    pub config: Config,
    /// The raw `config.json`, for fields candle's [`Config`] does not keep (`id2label`).
    pub config_json: serde_json::Value,
    pub tokenizer: Tokenizer,
    /// Lowercase hex sha256 of `model.safetensors`.
    pub weights_sha256: String,
    /// The weights, to be handed to [`BertModel::load`] and any heads.
    pub weights: VarBuilder<'static>,
}

impl Checkpoint {
    pub fn open(dir: &Path) -> Result<Self, TextError> {
        if !dir.is_dir() {
            return Err(TextError::Input(format!(
                "{} is not a directory; a BERT model directory holds {CONFIG}, {TOKENIZER} and {WEIGHTS}",
                dir.display()
            )));
        }
        let path = |name: &str| -> Result<PathBuf, TextError> {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(TextError::MissingData {
                    what: format!("{name} of the BERT model in {}", dir.display()),
                    path: p,
                })
            }
        };
        let config_path = path(CONFIG)?;
        let tokenizer_path = path(TOKENIZER)?;
        let weights_path = path(WEIGHTS)?;

        let config_text = fs::read_to_string(&config_path).map_err(|e| bad(&config_path, e))?;
        let config_json: serde_json::Value =
            serde_json::from_str(&config_text).map_err(|e| bad(&config_path, e))?;
        let config: Config = serde_json::from_value(config_json.clone()).map_err(|e| {
            bad(
                &config_path,
                format!("not a BERT config candle can run ({e})"),
            )
        })?;
        if config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(bad(
                &config_path,
                format!(
                    "hidden_size {} is not a multiple of num_attention_heads {}",
                    config.hidden_size, config.num_attention_heads
                ),
            ));
        }

        let tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| bad(&tokenizer_path, format!("not a tokenizers JSON file ({e})")))?;

        let bytes = fs::read(&weights_path).map_err(|e| bad(&weights_path, e))?;
        let weights_sha256 = evolab_core::digest::sha256_hex(&bytes);
        let weights = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &Device::Cpu)
            .map_err(|e| bad(&weights_path, format!("not a safetensors file ({e})")))?;

        Ok(Self {
            dir: dir.to_path_buf(),
            config,
            config_json,
            tokenizer,
            weights_sha256,
            weights,
        })
    }

    /// The encoder, whether its tensors are stored bare (`embeddings.*`, as
    /// sentence-transformers saves them) or under `bert.` (as classifiers are saved).
    pub fn bert(&self) -> Result<BertModel, TextError> {
        BertModel::load(self.bert_weights(), &self.config).map_err(|e| {
            bad(
                &self.dir.join(WEIGHTS),
                format!("its tensors do not match {CONFIG} ({e})"),
            )
        })
    }

    pub fn bert_weights(&self) -> VarBuilder<'static> {
        if self
            .weights
            .contains_tensor("bert.embeddings.word_embeddings.weight")
        {
            self.weights.pp("bert")
        } else {
            self.weights.clone()
        }
    }

    /// The tokenizer set to truncate to `max_tokens` word pieces, special tokens included,
    /// and not to pad: batches are padded to their own longest text.
    pub fn tokenizer_truncating_to(&self, max_tokens: usize) -> Result<Tokenizer, TextError> {
        let mut tokenizer = self.tokenizer.clone();
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_tokens,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| {
                bad(
                    &self.dir.join(TOKENIZER),
                    format!("cannot truncate to {max_tokens} tokens ({e})"),
                )
            })?;
        Ok(tokenizer)
    }

    /// `<name>@<first 12 hex digits of the weights' sha256>`.
    pub fn identity(&self, name: &str) -> String {
        format!("{name}@{}", &self.weights_sha256[..12])
    }

    pub fn dir_name(&self) -> String {
        self.dir
            .canonicalize()
            .unwrap_or_else(|_| self.dir.clone())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bert".to_string())
    }
}

pub(crate) fn bad(path: &Path, reason: impl ToString) -> TextError {
    TextError::BadData {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}
