//! `BertToxicity` on a tiny randomly initialised BERT classifier that this test writes
//! itself (no real toxicity model is involved), checked against a plain f64
//! re-computation of BERT + pooler + classifier + sigmoid with the same weights.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use evolab_text::embedding::{minilm_dir, BertToxicity};
use sha2::{Digest, Sha256};

const HIDDEN: usize = 8;
const HEADS: usize = 2;
const LAYERS: usize = 2;
const INTERMEDIATE: usize = 16;
const POSITIONS: usize = 16;
const EPS: f64 = 1e-12;
const LABELS: [&str; 3] = ["severe_toxic", "toxic", "insult"];

/// A row-major matrix stored as f32, as it is written to the checkpoint.
#[derive(Clone)]
struct Mat {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

impl Mat {
    fn at(&self, r: usize, c: usize) -> f64 {
        f64::from(self.data[r * self.cols + c])
    }
    fn row(&self, r: usize) -> Vec<f64> {
        (0..self.cols).map(|c| self.at(r, c)).collect()
    }
}

/// Deterministic weights from a xorshift generator, roughly N(0, scale²)-sized.
struct Weights {
    state: u64,
    tensors: BTreeMap<String, Mat>,
}

impl Weights {
    fn add(&mut self, name: &str, rows: usize, cols: usize, scale: f32) {
        let data = (0..rows * cols)
            .map(|_| {
                self.state ^= self.state << 13;
                self.state ^= self.state >> 7;
                self.state ^= self.state << 17;
                let u = (self.state >> 11) as f32 / (1u64 << 53) as f32;
                (u * 2.0 - 1.0) * scale * 1.7
            })
            .collect();
        self.tensors
            .insert(name.to_string(), Mat { rows, cols, data });
    }
    fn get(&self, name: &str) -> &Mat {
        &self.tensors[name]
    }
    fn vec(&self, name: &str) -> Vec<f64> {
        self.get(name).row(0)
    }
}

fn random_classifier(vocab: usize, labels: usize) -> Weights {
    let mut w = Weights {
        state: 0x9e37_79b9_7f4a_7c15,
        tensors: BTreeMap::new(),
    };
    let e = "bert.embeddings";
    w.add(&format!("{e}.word_embeddings.weight"), vocab, HIDDEN, 0.5);
    w.add(
        &format!("{e}.position_embeddings.weight"),
        POSITIONS,
        HIDDEN,
        0.5,
    );
    w.add(&format!("{e}.token_type_embeddings.weight"), 2, HIDDEN, 0.5);
    w.add(&format!("{e}.LayerNorm.weight"), 1, HIDDEN, 1.0);
    w.add(&format!("{e}.LayerNorm.bias"), 1, HIDDEN, 0.2);
    for l in 0..LAYERS {
        let p = format!("bert.encoder.layer.{l}");
        for part in ["query", "key", "value"] {
            w.add(
                &format!("{p}.attention.self.{part}.weight"),
                HIDDEN,
                HIDDEN,
                0.6,
            );
            w.add(&format!("{p}.attention.self.{part}.bias"), 1, HIDDEN, 0.2);
        }
        w.add(
            &format!("{p}.attention.output.dense.weight"),
            HIDDEN,
            HIDDEN,
            0.5,
        );
        w.add(&format!("{p}.attention.output.dense.bias"), 1, HIDDEN, 0.2);
        w.add(
            &format!("{p}.attention.output.LayerNorm.weight"),
            1,
            HIDDEN,
            1.0,
        );
        w.add(
            &format!("{p}.attention.output.LayerNorm.bias"),
            1,
            HIDDEN,
            0.2,
        );
        w.add(
            &format!("{p}.intermediate.dense.weight"),
            INTERMEDIATE,
            HIDDEN,
            0.5,
        );
        w.add(
            &format!("{p}.intermediate.dense.bias"),
            1,
            INTERMEDIATE,
            0.2,
        );
        w.add(
            &format!("{p}.output.dense.weight"),
            HIDDEN,
            INTERMEDIATE,
            0.4,
        );
        w.add(&format!("{p}.output.dense.bias"), 1, HIDDEN, 0.2);
        w.add(&format!("{p}.output.LayerNorm.weight"), 1, HIDDEN, 1.0);
        w.add(&format!("{p}.output.LayerNorm.bias"), 1, HIDDEN, 0.2);
    }
    w.add("bert.pooler.dense.weight", HIDDEN, HIDDEN, 0.6);
    w.add("bert.pooler.dense.bias", 1, HIDDEN, 0.2);
    w.add("classifier.weight", labels, HIDDEN, 0.8);
    w.add("classifier.bias", 1, labels, 0.3);
    w
}

/// The safetensors layout: a little-endian u64 header length, a JSON header with each
/// tensor's dtype, shape and byte range, then the raw little-endian data.
fn write_safetensors(weights: &Weights, path: &Path) {
    let mut header = serde_json::Map::new();
    let mut body: Vec<u8> = Vec::new();
    for (name, m) in &weights.tensors {
        let shape = if m.rows == 1 {
            vec![m.cols]
        } else {
            vec![m.rows, m.cols]
        };
        let start = body.len();
        for x in &m.data {
            body.extend_from_slice(&x.to_le_bytes());
        }
        header.insert(
            name.clone(),
            serde_json::json!({"dtype": "F32", "shape": shape, "data_offsets": [start, body.len()]}),
        );
    }
    let mut header = serde_json::to_vec(&header).unwrap();
    while !header.len().is_multiple_of(8) {
        header.push(b' ');
    }
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(&header);
    file.extend_from_slice(&body);
    std::fs::write(path, file).unwrap();
}

fn write_config(dir: &Path, vocab: usize, labels: &[&str]) {
    let id2label: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i.to_string(), serde_json::json!(l)))
        .collect();
    let config = serde_json::json!({
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": vocab,
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": POSITIONS,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": EPS,
        "pad_token_id": 0,
        "id2label": id2label,
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    weights: Weights,
    vocab: HashMap<String, usize>,
}

/// A classifier directory named `tiny-toxic` with MiniLM's tokenizer.
fn fixture(labels: &[&str], classifier_rows: usize) -> Fixture {
    let data = common::data_dir(&["minilm"]);
    let tokenizer = minilm_dir(&data).join("tokenizer.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&tokenizer).unwrap()).unwrap();
    let vocab: HashMap<String, usize> = json["model"]["vocab"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap() as usize))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny-toxic");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(&tokenizer, dir.join("tokenizer.json")).unwrap();
    let weights = random_classifier(vocab.len(), classifier_rows);
    write_safetensors(&weights, &dir.join("model.safetensors"));
    write_config(&dir, vocab.len(), labels);
    Fixture {
        _tmp: tmp,
        dir,
        weights,
        vocab,
    }
}

/// Word-piece ids for lowercase words that are whole entries of the vocabulary, with
/// [CLS] and [SEP], truncated to the position limit.
fn ids(vocab: &HashMap<String, usize>, text: &str) -> Vec<usize> {
    let mut ids = vec![vocab["[CLS]"]];
    for word in text.split_whitespace() {
        let id = *vocab
            .get(word)
            .unwrap_or_else(|| panic!("{word} is not one word piece"));
        ids.push(id);
    }
    ids.truncate(POSITIONS - 1);
    ids.push(vocab["[SEP]"]);
    ids
}

fn linear(w: &Weights, prefix: &str, x: &[f64]) -> Vec<f64> {
    let m = w.get(&format!("{prefix}.weight"));
    let b = w.vec(&format!("{prefix}.bias"));
    (0..m.rows)
        .map(|r| b[r] + (0..m.cols).map(|c| m.at(r, c) * x[c]).sum::<f64>())
        .collect()
}

fn layer_norm(w: &Weights, prefix: &str, x: &[f64]) -> Vec<f64> {
    let g = w.vec(&format!("{prefix}.weight"));
    let b = w.vec(&format!("{prefix}.bias"));
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    x.iter()
        .enumerate()
        .map(|(i, v)| (v - mean) / (var + EPS).sqrt() * g[i] + b[i])
        .collect()
}

/// erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let y = 1.0 - poly * (-x * x).exp();
    y.copysign(x)
}

fn add(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x + y).collect()
}

/// sigmoid(classifier(tanh(pooler(BERT(text)[CLS]))))[label].
fn expected(w: &Weights, ids: &[usize], label: usize) -> f64 {
    let e = "bert.embeddings";
    let word = w.get(&format!("{e}.word_embeddings.weight"));
    let pos = w.get(&format!("{e}.position_embeddings.weight"));
    let typ = w.get(&format!("{e}.token_type_embeddings.weight"));
    let mut h: Vec<Vec<f64>> = ids
        .iter()
        .enumerate()
        .map(|(p, &id)| {
            let x = add(&add(&word.row(id), &pos.row(p)), &typ.row(0));
            layer_norm(w, &format!("{e}.LayerNorm"), &x)
        })
        .collect();
    let dh = HIDDEN / HEADS;
    for l in 0..LAYERS {
        let p = format!("bert.encoder.layer.{l}");
        let proj = |part: &str| -> Vec<Vec<f64>> {
            h.iter()
                .map(|x| linear(w, &format!("{p}.attention.self.{part}"), x))
                .collect()
        };
        let (q, k, v) = (proj("query"), proj("key"), proj("value"));
        let mut context = vec![vec![0.0; HIDDEN]; h.len()];
        for head in 0..HEADS {
            let dims = head * dh..(head + 1) * dh;
            for i in 0..h.len() {
                let scores: Vec<f64> = (0..h.len())
                    .map(|j| {
                        dims.clone().map(|d| q[i][d] * k[j][d]).sum::<f64>() / (dh as f64).sqrt()
                    })
                    .collect();
                let top = scores.iter().cloned().fold(f64::MIN, f64::max);
                let exps: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
                let total: f64 = exps.iter().sum();
                for d in dims.clone() {
                    context[i][d] = (0..h.len()).map(|j| exps[j] / total * v[j][d]).sum();
                }
            }
        }
        h = h
            .iter()
            .zip(&context)
            .map(|(x, c)| {
                let attn = layer_norm(
                    w,
                    &format!("{p}.attention.output.LayerNorm"),
                    &add(&linear(w, &format!("{p}.attention.output.dense"), c), x),
                );
                let inter: Vec<f64> = linear(w, &format!("{p}.intermediate.dense"), &attn)
                    .into_iter()
                    .map(|z| 0.5 * z * (1.0 + erf(z / 2f64.sqrt())))
                    .collect();
                layer_norm(
                    w,
                    &format!("{p}.output.LayerNorm"),
                    &add(&linear(w, &format!("{p}.output.dense"), &inter), &attn),
                )
            })
            .collect();
    }
    let pooled: Vec<f64> = linear(w, "bert.pooler.dense", &h[0])
        .into_iter()
        .map(f64::tanh)
        .collect();
    let logit = linear(w, "classifier", &pooled)[label];
    1.0 / (1.0 + (-logit).exp())
}

const TEXTS: [&str; 5] = [
    "you are a wonderful person",
    "",
    "i hate this stupid thing",
    // Longer than the 16 positions of the tiny model: truncated to 14 words.
    "the man said that the house was very old and the garden was full of tall trees and birds",
    "hello",
];

#[test]
fn scores_equal_a_manual_computation_with_the_same_weights() {
    let f = fixture(&LABELS, LABELS.len());
    let model = BertToxicity::load(&f.dir).unwrap();
    let scores = model.toxicity(&TEXTS).unwrap();
    assert_eq!(scores.len(), TEXTS.len());
    for (text, score) in TEXTS.iter().zip(&scores) {
        let want = expected(&f.weights, &ids(&f.vocab, text), 1);
        assert!(
            (score - want).abs() < 1e-5,
            "{text:?}: evolab {score}, manual {want}"
        );
        assert!(*score > 0.0 && *score < 1.0);
    }
    // The random weights must make the texts distinguishable, or the check above is weak.
    let spread = scores.iter().cloned().fold(f64::MIN, f64::max)
        - scores.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread > 1e-3, "scores barely differ: {scores:?}");
    assert!(model.toxicity(&[]).unwrap().is_empty());
}

#[test]
fn truncation_keeps_the_first_positions() {
    let f = fixture(&LABELS, LABELS.len());
    let model = BertToxicity::load(&f.dir).unwrap();
    let long = TEXTS[3];
    let longer = format!("{long} and many more words that do not fit");
    let s = model.toxicity(&[long, &longer]).unwrap();
    assert!((s[0] - s[1]).abs() < 1e-7, "{s:?}");
}

#[test]
fn the_toxicity_label_is_found_by_name() {
    let f = fixture(&["Toxicity", "obscene", "threat"], 3);
    let model = BertToxicity::load(&f.dir).unwrap();
    let score = model.toxicity(&["hello"]).unwrap()[0];
    let want = expected(&f.weights, &ids(&f.vocab, "hello"), 0);
    assert!((score - want).abs() < 1e-5, "evolab {score}, manual {want}");
}

#[test]
fn a_model_without_a_toxic_label_is_refused_with_its_labels() {
    let f = fixture(&["positive", "negative", "neutral"], 3);
    let err = BertToxicity::load(&f.dir).err().unwrap().to_string();
    assert!(err.contains("toxic"), "{err}");
    assert!(err.contains("positive, negative, neutral"), "{err}");
}

#[test]
fn a_classifier_of_the_wrong_size_is_refused() {
    let f = fixture(&["toxic", "obscene", "threat", "insult"], 3);
    let err = BertToxicity::load(&f.dir).err().unwrap().to_string();
    assert!(err.contains("model.safetensors"), "{err}");
    assert!(err.contains("4 labels"), "{err}");
}

#[test]
fn identity_names_the_directory_and_the_weights() {
    let f = fixture(&LABELS, LABELS.len());
    let model = BertToxicity::load(&f.dir).unwrap();
    let bytes = std::fs::read(f.dir.join("model.safetensors")).unwrap();
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(model.identity(), format!("tiny-toxic@{}", &sha[..12]));
}
