//! tox-block 0.1.2's BiLSTM (Jigsaw 2018 toxic-comment labels), run in Rust.

use std::path::Path;

use crate::TextError;

use super::bilstm::{BiLstm, LABELS};
use super::keras_tokenizer::KerasTokenizer;
use super::safetensors::TensorFile;
use super::ToxicityModel;

pub(crate) const TOX_BLOCK_DIR: &str = "tox-block-0.1.2";
pub(crate) const WEIGHTS_FILE: &str = "weights.safetensors";
pub(crate) const VOCAB_FILE: &str = "vocab.json";

/// The six outputs of [`ToxBlock::predict_all`], in order.
pub const TOX_BLOCK_LABELS: [&str; LABELS] = [
    "toxic",
    "severe_toxic",
    "obscene",
    "threat",
    "insult",
    "identity_hate",
];

/// tox-block 0.1.2's bidirectional LSTM, a stand-in for Detoxify trained on the same
/// Jigsaw 2018 labels. Its outputs are the network's raw sigmoid probabilities; tox-block's
/// optional per-label min-max rescaling is not applied.
pub struct ToxBlock {
    tokenizer: KerasTokenizer,
    net: BiLstm,
}

impl ToxBlock {
    /// Loads the converted model from `<data_dir>/tox-block-0.1.2/` (see
    /// [`super::prepare_tox_block`]).
    pub fn load(data_dir: &Path) -> Result<Self, TextError> {
        let dir = data_dir.join(TOX_BLOCK_DIR);
        let converted = |file: &str| {
            let path = dir.join(file);
            if path.is_file() {
                Ok(path)
            } else {
                Err(TextError::MissingData {
                    what: "tox-block 0.1.2 converted for evolab (`evolab data fetch tox-block` downloads and converts it)".into(),
                    path,
                })
            }
        };
        let weights_path = converted(WEIGHTS_FILE)?;
        let tokenizer = KerasTokenizer::read(&converted(VOCAB_FILE)?)?;
        let weights = TensorFile::read(&weights_path)?;
        if weights.metadata.get("format").map(String::as_str)
            != Some(super::prepare::CONVERTED_FORMAT)
        {
            return Err(TextError::BadData {
                path: weights_path,
                reason: "converted by another version of evolab's tox-block converter".into(),
            });
        }
        let net = BiLstm::read(weights, tokenizer.maxlen())?;
        if tokenizer.index_bound() > net.vocab_size() {
            return Err(TextError::BadData {
                path: dir.join(VOCAB_FILE),
                reason: format!(
                    "the vocabulary reaches index {} but the embedding has {} rows",
                    tokenizer.index_bound() - 1,
                    net.vocab_size()
                ),
            });
        }
        Ok(ToxBlock { tokenizer, net })
    }

    /// The model's input for `text`: Keras' `texts_to_sequences` then `pad_sequences`
    /// (100 word indices, zeros in front, longer texts keep their last 100 known words).
    pub fn padded_sequence(&self, text: &str) -> Vec<u32> {
        self.tokenizer.padded(text)
    }

    /// The six probabilities ([`TOX_BLOCK_LABELS`]) for each text, computed in batches on
    /// the calling thread (callers such as the scoring pipeline spread texts over threads).
    pub fn predict_all(&self, texts: &[&str]) -> Vec<[f32; LABELS]> {
        let seqs: Vec<Vec<u32>> = texts.iter().map(|t| self.tokenizer.padded(t)).collect();
        self.net.predict(&seqs)
    }
}

impl ToxicityModel for ToxBlock {
    /// v2: the batched forward pass, whose float rounding differs from v1's per-text loops.
    fn identity(&self) -> String {
        "tox-block-0.1.2-bilstm-v2".to_string()
    }

    fn toxicity(&self, texts: &[&str]) -> Result<Vec<f64>, TextError> {
        Ok(self
            .predict_all(texts)
            .iter()
            .map(|p| f64::from(p[0]))
            .collect())
    }
}
