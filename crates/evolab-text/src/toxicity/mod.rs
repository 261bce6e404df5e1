//! Toxicity scores for texts.
//!
//! The papers scored toxicity with Detoxify, whose weights are not available here. The model
//! evolab ships instead is tox-block 0.1.2's BiLSTM ([`ToxBlock`]), trained on the same
//! Jigsaw 2018 toxic-comment labels: a proxy for Detoxify, not Detoxify, and every score
//! carries the identity of the model that produced it. Other models plug in through
//! [`ToxicityModel`].

mod activations;
mod bilstm;
mod keras_tokenizer;
mod prepare;
mod safetensors;
mod tox_block;

pub use prepare::prepare_tox_block;
pub use tox_block::{ToxBlock, TOX_BLOCK_LABELS};

use crate::TextError;

/// A toxicity classifier.
pub trait ToxicityModel: Send + Sync {
    /// Stable identity recorded with every score, e.g. "tox-block-0.1.2-bilstm-v2". Never "Detoxify".
    fn identity(&self) -> String;
    /// Probability that each text is toxic (the "toxic" label), in [0,1].
    fn toxicity(&self, texts: &[&str]) -> Result<Vec<f64>, TextError>;
}
