//! A user-supplied BERT toxicity classifier, such as Detoxify's `toxic-bert` converted to
//! safetensors: BERT, its pooler (tanh of a dense layer on `[CLS]`), a linear classifier,
//! and a sigmoid per label, as Detoxify scores texts.

use std::path::Path;

use candle_core::{Tensor, D};
use candle_nn::{Linear, Module, VarBuilder};
use candle_transformers::models::bert::BertModel;
use tokenizers::Tokenizer;

use super::batch::{self, model_err};
use super::checkpoint::{bad, Checkpoint, CONFIG, WEIGHTS};
use crate::TextError;

/// Label names accepted as "the toxicity score", compared without regard to case.
const TOXIC_LABELS: [&str; 2] = ["toxic", "toxicity"];

/// A BERT sequence classifier whose "toxic" output is read as a probability.
pub struct BertToxicity {
    model: BertModel,
    pooler: Linear,
    classifier: Linear,
    tokenizer: Tokenizer,
    pad_id: u32,
    toxic_index: usize,
    identity: String,
}

impl BertToxicity {
    /// Loads `config.json` (with `id2label`), `tokenizer.json` and `model.safetensors`
    /// (tensors `bert.*`, `bert.pooler.dense.*` and `classifier.*`, as transformers saves a
    /// `BertForSequenceClassification`) from `dir`. Texts are truncated to the model's
    /// `max_position_embeddings` word pieces.
    pub fn load(dir: &Path) -> Result<Self, TextError> {
        let checkpoint = Checkpoint::open(dir)?;
        let labels =
            labels(&checkpoint.config_json).map_err(|reason| bad(&dir.join(CONFIG), reason))?;
        let toxic_index = labels
            .iter()
            .position(|l| TOXIC_LABELS.iter().any(|t| l.eq_ignore_ascii_case(t)))
            .ok_or_else(|| {
                TextError::Input(format!(
                    "{}: no label named \"toxic\" or \"toxicity\" in id2label; its labels are: {}",
                    dir.join(CONFIG).display(),
                    labels.join(", ")
                ))
            })?;

        let hidden = checkpoint.config.hidden_size;
        let weights_err = |e: candle_core::Error| {
            bad(
                &dir.join(WEIGHTS),
                format!(
                    "not a BERT sequence classifier with {} labels ({e})",
                    labels.len()
                ),
            )
        };
        let pooler = linear(checkpoint.bert_weights().pp("pooler.dense"), hidden, hidden)
            .map_err(weights_err)?;
        let classifier = linear(checkpoint.weights.pp("classifier"), hidden, labels.len())
            .map_err(weights_err)?;
        let model = checkpoint.bert()?;
        let tokenizer =
            checkpoint.tokenizer_truncating_to(checkpoint.config.max_position_embeddings)?;
        Ok(Self {
            model,
            pooler,
            classifier,
            tokenizer,
            pad_id: checkpoint.config.pad_token_id as u32,
            toxic_index,
            identity: checkpoint.identity(&checkpoint.dir_name()),
        })
    }

    /// The model directory's name and the first 12 hex digits of its weights' sha256.
    pub fn identity(&self) -> String {
        self.identity.clone()
    }

    /// The probability of the "toxic" label for each text, in the order of `texts`.
    pub fn toxicity(&self, texts: &[&str]) -> Result<Vec<f64>, TextError> {
        let encodings = batch::encode_all(&self.tokenizer, texts.to_vec())?;
        let mut out = vec![0.0; texts.len()];
        for indices in batch::batches_by_length(&encodings) {
            let inputs = batch::inputs(&encodings, &indices, self.pad_id)?;
            let scores = self
                .forward(&inputs)
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(model_err)?;
            for (i, s) in indices.into_iter().zip(scores) {
                out[i] = f64::from(s);
            }
        }
        Ok(out)
    }

    fn forward(&self, inputs: &batch::Inputs) -> candle_core::Result<Tensor> {
        let tokens = self
            .model
            .forward(&inputs.ids, &inputs.type_ids, Some(&inputs.mask))?;
        let cls = tokens.narrow(1, 0, 1)?.squeeze(1)?;
        let pooled = self.pooler.forward(&cls)?.tanh()?;
        let logits = self.classifier.forward(&pooled)?;
        let toxic = logits.narrow(D::Minus1, self.toxic_index, 1)?.squeeze(1)?;
        candle_nn::ops::sigmoid(&toxic)
    }
}

fn linear(vb: VarBuilder, in_dim: usize, out_dim: usize) -> candle_core::Result<Linear> {
    let weight = vb.get((out_dim, in_dim), "weight")?;
    let bias = vb.get(out_dim, "bias")?;
    Ok(Linear::new(weight, Some(bias)))
}

/// `id2label` as a list indexed by output position.
fn labels(config: &serde_json::Value) -> Result<Vec<String>, String> {
    let map = config
        .get("id2label")
        .and_then(|v| v.as_object())
        .ok_or("has no id2label object naming the classifier's outputs")?;
    let mut labels = vec![None; map.len()];
    for (key, value) in map {
        let index: usize =
            key.parse().ok().filter(|&i| i < map.len()).ok_or_else(|| {
                format!("id2label key {key:?} is not an index below {}", map.len())
            })?;
        let name = value
            .as_str()
            .ok_or_else(|| format!("id2label[{key}] is not a string"))?;
        labels[index] = Some(name.to_string());
    }
    labels
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| "id2label has duplicate indices".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_ordered_by_index() {
        let config = serde_json::json!({"id2label": {"1": "toxic", "0": "obscene"}});
        assert_eq!(labels(&config).unwrap(), ["obscene", "toxic"]);
    }

    #[test]
    fn labels_reject_gaps_and_missing_map() {
        let gap = serde_json::json!({"id2label": {"0": "a", "2": "b"}});
        assert!(labels(&gap).unwrap_err().contains("\"2\""));
        assert!(labels(&serde_json::json!({}))
            .unwrap_err()
            .contains("id2label"));
    }
}
