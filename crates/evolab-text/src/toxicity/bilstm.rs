//! tox-block's network: embedding, bidirectional LSTM returning sequences (concatenated),
//! global max pooling over time, a relu dense layer and six sigmoid outputs.
//!
//! The LSTM is Keras' (gates i, f, c, o in that order along the kernel's columns; kernel laid
//! out input x 4·units). Its recurrent activation is Keras 2's hard sigmoid,
//! clip(0.2·x + 0.5, 0, 1), which is what the model was trained and saved with (Keras
//! 2.2.4-tf); Keras 3 redefined hard_sigmoid as clip(x/6 + 0.5, 0, 1), which would give other
//! numbers. The embedding does not mask zeros, so the padding index 0 is an ordinary input
//! that the LSTM reads. Dropout is inactive at inference.

use crate::TextError;

use super::activations::{hard_sigmoid, sigmoid, tanh};
use super::safetensors::TensorFile;

pub const LABELS: usize = 6;

/// Texts whose recurrent products are computed together, as one matrix product per time step.
const BATCH_ROWS: usize = 128;

/// `c += a · b`, row-major, `a` m×k, `b` k×n, `c` m×n.
fn add_mat_mul(c: &mut [f32], a: &[f32], b: &[f32], m: usize, k: usize, n: usize) {
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the assertion above keeps every index the strides reach inside the slices,
    // and `c` is borrowed mutably, so it overlaps neither input.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            b.as_ptr(),
            n as isize,
            1,
            1.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// One LSTM direction.
struct Lstm {
    units: usize,
    recurrent: Vec<f32>, // units x 4·units
    /// `embedding[v] · kernel + bias` for every vocabulary entry v (vocab x 4·units): the
    /// input half of each step becomes a row copy.
    input_table: Vec<f32>,
}

/// The running states of a batch of texts, one row each: hidden, cell, and the maximum of
/// hidden over time (the global max pooling).
#[derive(Clone)]
struct States {
    units: usize,
    h: Vec<f32>,
    c: Vec<f32>,
    max: Vec<f32>,
}

impl States {
    fn new(rows: usize, units: usize) -> Self {
        States {
            units,
            h: vec![0.0; rows * units],
            c: vec![0.0; rows * units],
            max: vec![f32::NEG_INFINITY; rows * units],
        }
    }

    fn copy_row_from(&mut self, row: usize, other: &States, other_row: usize) {
        let u = self.units;
        let (dst, src) = (row * u..(row + 1) * u, other_row * u..(other_row + 1) * u);
        self.h[dst.clone()].copy_from_slice(&other.h[src.clone()]);
        self.c[dst.clone()].copy_from_slice(&other.c[src.clone()]);
        self.max[dst].copy_from_slice(&other.max[src]);
    }
}

impl Lstm {
    fn new(
        file: &mut TensorFile,
        prefix: &str,
        embedding: &[f32],
        dim: usize,
        units: usize,
    ) -> Result<Self, TextError> {
        let kernel = file.take(&format!("{prefix}.kernel"), &[dim, 4 * units])?;
        let recurrent = file.take(&format!("{prefix}.recurrent_kernel"), &[units, 4 * units])?;
        let bias = file.take(&format!("{prefix}.bias"), &[4 * units])?;
        let vocab = embedding.len() / dim;
        let mut input_table: Vec<f32> = bias.repeat(vocab);
        add_mat_mul(&mut input_table, embedding, &kernel, vocab, dim, 4 * units);
        Ok(Lstm {
            units,
            recurrent,
            input_table,
        })
    }

    fn input_row(&self, token: u32) -> &[f32] {
        let width = 4 * self.units;
        let start = token as usize * width;
        &self.input_table[start..start + width]
    }

    /// One time step for the first `rows` rows of `states`, reading `tokens` (one per row);
    /// `z` is scratch of at least rows x 4·units.
    fn step(
        &self,
        tokens: impl Iterator<Item = u32>,
        rows: usize,
        states: &mut States,
        z: &mut [f32],
    ) {
        let u = self.units;
        let width = 4 * u;
        for (zr, token) in z.chunks_exact_mut(width).zip(tokens).take(rows) {
            zr.copy_from_slice(self.input_row(token));
        }
        add_mat_mul(z, &states.h, &self.recurrent, rows, u, width);
        gates(&z[..rows * width], states);
    }
}

/// Applies each row's gate pre-activations (i, f, c, o, each `units` wide) to its state.
/// The CPU is checked once per time step, not per row.
fn gates(z: &[f32], states: &mut States) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has just been checked for the enabled features.
        return unsafe { gates_avx2(z, states) };
    }
    gates_rows(z, states)
}

/// The same arithmetic compiled for 8-wide vectors (no FMA: the results are identical).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gates_avx2(z: &[f32], states: &mut States) {
    gates_rows(z, states)
}

#[inline(always)]
fn gates_rows(z: &[f32], states: &mut States) {
    let u = states.units;
    let rows = z.chunks_exact(4 * u);
    let state_rows = states
        .h
        .chunks_exact_mut(u)
        .zip(states.c.chunks_exact_mut(u));
    for ((zr, (h, c)), max) in rows.zip(state_rows).zip(states.max.chunks_exact_mut(u)) {
        gates_portable(zr, h, c, max);
    }
}

#[inline(always)]
fn gates_portable(z: &[f32], h: &mut [f32], c: &mut [f32], max: &mut [f32]) {
    let u = h.len();
    // Equal-length slices let the compiler drop the bounds checks and vectorise.
    let (zi, zf, zc, zo) = (&z[..u], &z[u..2 * u], &z[2 * u..3 * u], &z[3 * u..4 * u]);
    let (c, max) = (&mut c[..u], &mut max[..u]);
    for k in 0..u {
        let i = hard_sigmoid(zi[k]);
        let f = hard_sigmoid(zf[k]);
        let o = hard_sigmoid(zo[k]);
        let ck = f * c[k] + i * tanh(zc[k]);
        c[k] = ck;
        let hk = o * tanh(ck);
        h[k] = hk;
        max[k] = max[k].max(hk);
    }
}

pub struct BiLstm {
    maxlen: usize,
    forward: Lstm,
    backward: Lstm,
    dense: Vec<f32>,
    dense_bias: Vec<f32>,
    output: Vec<f32>,
    output_bias: Vec<f32>,
    /// Row k: the forward state after reading k padding tokens from the start, k = 0..=maxlen.
    /// Inputs are padded at the front, so every text's forward pass begins with one of these.
    forward_after_padding: States,
}

impl BiLstm {
    pub fn read(mut file: TensorFile, maxlen: usize) -> Result<Self, TextError> {
        if file
            .metadata
            .get("recurrent_activation")
            .map(String::as_str)
            != Some("hard_sigmoid_keras2")
        {
            return Err(TextError::BadData {
                path: file.path().to_path_buf(),
                reason: "the converted model does not declare Keras 2's hard_sigmoid as its recurrent activation; convert it again".into(),
            });
        }
        let shape = |name: &str| file.tensors.get(name).map(|t| t.shape.clone());
        let (vocab, dim) = match shape("embedding").as_deref() {
            Some(&[v, d]) if v > 0 && d > 0 => (v, d),
            other => {
                return Err(TextError::BadData {
                    path: file.path().to_path_buf(),
                    reason: format!("embedding has shape {other:?}, expected [vocabulary, dim]"),
                })
            }
        };
        let units = match shape("forward.recurrent_kernel").as_deref() {
            Some(&[u, _]) if u > 0 => u,
            other => {
                return Err(TextError::BadData {
                    path: file.path().to_path_buf(),
                    reason: format!("forward.recurrent_kernel has shape {other:?}"),
                })
            }
        };
        let hidden = match shape("dense.bias").as_deref() {
            Some(&[h]) if h > 0 => h,
            other => {
                return Err(TextError::BadData {
                    path: file.path().to_path_buf(),
                    reason: format!("dense.bias has shape {other:?}"),
                })
            }
        };
        let embedding = file.take("embedding", &[vocab, dim])?;
        let forward = Lstm::new(&mut file, "forward", &embedding, dim, units)?;
        let backward = Lstm::new(&mut file, "backward", &embedding, dim, units)?;
        let dense = file.take("dense.kernel", &[2 * units, hidden])?;
        let dense_bias = file.take("dense.bias", &[hidden])?;
        let output = file.take("output.kernel", &[hidden, LABELS])?;
        let output_bias = file.take("output.bias", &[LABELS])?;

        let mut forward_after_padding = States::new(maxlen + 1, units);
        let mut state = States::new(1, units);
        let mut z = vec![0.0; 4 * units];
        for k in 1..=maxlen {
            forward.step(std::iter::once(0), 1, &mut state, &mut z);
            forward_after_padding.copy_row_from(k, &state, 0);
        }
        Ok(BiLstm {
            maxlen,
            forward,
            backward,
            dense,
            dense_bias,
            output,
            output_bias,
            forward_after_padding,
        })
    }

    pub fn vocab_size(&self) -> usize {
        self.forward.input_table.len() / (4 * self.forward.units)
    }

    /// The six sigmoid outputs for each padded sequence of `maxlen` indices below the
    /// vocabulary size (the caller guarantees both). A text's outputs do not depend on the
    /// other texts of the batch.
    pub fn predict(&self, seqs: &[Vec<u32>]) -> Vec<[f32; LABELS]> {
        let mut out = Vec::with_capacity(seqs.len());
        for batch in seqs.chunks(BATCH_ROWS) {
            self.predict_batch(batch, &mut out);
        }
        out
    }

    fn predict_batch(&self, seqs: &[Vec<u32>], out: &mut Vec<[f32; LABELS]>) {
        let units = self.forward.units;
        let rows = seqs.len();
        let mut z = vec![0.0; rows * 4 * units];

        // Forward: rows ordered by leading padding, so that at step t the texts already
        // started (lead <= t) are a prefix of the rows.
        let lead = |seq: &Vec<u32>| seq.iter().take_while(|&&t| t == 0).count().min(self.maxlen);
        let mut order: Vec<usize> = (0..rows).collect();
        order.sort_by_key(|&i| lead(&seqs[i]));
        let leads: Vec<usize> = order.iter().map(|&i| lead(&seqs[i])).collect();
        let mut fwd = States::new(rows, units);
        for (row, &l) in leads.iter().enumerate() {
            fwd.copy_row_from(row, &self.forward_after_padding, l);
        }
        let mut started = 0;
        // `t` is a position in every sequence of the batch, not an index into one slice.
        #[allow(clippy::needless_range_loop)]
        for t in leads.first().copied().unwrap_or(self.maxlen)..self.maxlen {
            while started < rows && leads[started] <= t {
                started += 1;
            }
            let tokens = order.iter().map(|&i| seqs[i][t]);
            self.forward.step(tokens, started, &mut fwd, &mut z);
        }

        // Backward: every text reads all maxlen positions, its padding last.
        let mut bwd = States::new(rows, units);
        for t in (0..self.maxlen).rev() {
            let tokens = order.iter().map(|&i| seqs[i][t]);
            self.backward.step(tokens, rows, &mut bwd, &mut z);
        }

        let mut results = vec![[0.0f32; LABELS]; rows];
        let mut pooled = vec![0.0; 2 * units];
        let mut hidden = vec![0.0; self.dense_bias.len()];
        for (row, &i) in order.iter().enumerate() {
            pooled[..units].copy_from_slice(&fwd.max[row * units..(row + 1) * units]);
            pooled[units..].copy_from_slice(&bwd.max[row * units..(row + 1) * units]);
            hidden.copy_from_slice(&self.dense_bias);
            add_vec_mat(&mut hidden, &pooled, &self.dense);
            for v in hidden.iter_mut() {
                *v = v.max(0.0);
            }
            let mut p = [0.0f32; LABELS];
            p.copy_from_slice(&self.output_bias);
            add_vec_mat(&mut p, &hidden, &self.output);
            results[i] = p.map(sigmoid);
        }
        out.extend(results);
    }
}

/// `out += v · m`, with `m` row-major `v.len() x out.len()`.
fn add_vec_mat(out: &mut [f32], v: &[f32], m: &[f32]) {
    for (&vk, row) in v.iter().zip(m.chunks_exact(out.len())) {
        for (o, &w) in out.iter_mut().zip(row) {
            *o += vk * w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::safetensors::Tensor;
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn vec_mat_is_row_major() {
        let mut out = [1.0, 2.0, 3.0];
        add_vec_mat(&mut out, &[1.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(out, [42.0, 54.0, 66.0]);
    }

    const VOCAB: usize = 7;
    const DIM: usize = 3;
    const UNITS: usize = 4;
    const HIDDEN: usize = 5;
    const MAXLEN: usize = 6;

    /// Deterministic weights in [-1, 1) of the given shapes, by name.
    fn weights() -> HashMap<String, Tensor> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut tensor = |shape: &[usize]| {
            let data = (0..shape.iter().product())
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
                })
                .collect();
            Tensor {
                shape: shape.to_vec(),
                data,
            }
        };
        let mut w = HashMap::new();
        w.insert("embedding".into(), tensor(&[VOCAB, DIM]));
        for dir in ["forward", "backward"] {
            w.insert(format!("{dir}.kernel"), tensor(&[DIM, 4 * UNITS]));
            w.insert(
                format!("{dir}.recurrent_kernel"),
                tensor(&[UNITS, 4 * UNITS]),
            );
            w.insert(format!("{dir}.bias"), tensor(&[4 * UNITS]));
        }
        w.insert("dense.kernel".into(), tensor(&[2 * UNITS, HIDDEN]));
        w.insert("dense.bias".into(), tensor(&[HIDDEN]));
        w.insert("output.kernel".into(), tensor(&[HIDDEN, LABELS]));
        w.insert("output.bias".into(), tensor(&[LABELS]));
        w
    }

    fn network() -> BiLstm {
        let metadata = HashMap::from([(
            "recurrent_activation".to_string(),
            "hard_sigmoid_keras2".to_string(),
        )]);
        BiLstm::read(TensorFile::in_memory(weights(), metadata), MAXLEN).unwrap()
    }

    /// The network written the plain way, one text at a time in f64 with libm's tanh.
    fn reference(seq: &[u32]) -> [f64; LABELS] {
        let w = weights();
        let t = |name: &str| {
            w[name]
                .data
                .iter()
                .map(|&x| f64::from(x))
                .collect::<Vec<_>>()
        };
        let hs = |x: f64| (0.2 * x + 0.5).clamp(0.0, 1.0);
        let run = |dir: &str, order: Vec<u32>| {
            let (kernel, recurrent, bias) = (
                t(&format!("{dir}.kernel")),
                t(&format!("{dir}.recurrent_kernel")),
                t(&format!("{dir}.bias")),
            );
            let embedding = t("embedding");
            let (mut h, mut c, mut max) = (
                vec![0.0; UNITS],
                vec![0.0; UNITS],
                vec![f64::NEG_INFINITY; UNITS],
            );
            for token in order {
                let x = &embedding[token as usize * DIM..(token as usize + 1) * DIM];
                let z: Vec<f64> = (0..4 * UNITS)
                    .map(|j| {
                        bias[j]
                            + (0..DIM)
                                .map(|k| x[k] * kernel[k * 4 * UNITS + j])
                                .sum::<f64>()
                            + (0..UNITS)
                                .map(|k| h[k] * recurrent[k * 4 * UNITS + j])
                                .sum::<f64>()
                    })
                    .collect();
                for k in 0..UNITS {
                    let (i, f) = (hs(z[k]), hs(z[UNITS + k]));
                    let (g, o) = (z[2 * UNITS + k].tanh(), hs(z[3 * UNITS + k]));
                    c[k] = f * c[k] + i * g;
                    h[k] = o * c[k].tanh();
                    max[k] = max[k].max(h[k]);
                }
            }
            max
        };
        let mut pooled = run("forward", seq.to_vec());
        pooled.extend(run("backward", seq.iter().rev().copied().collect()));
        let (dense, dense_bias) = (t("dense.kernel"), t("dense.bias"));
        let hidden: Vec<f64> = (0..HIDDEN)
            .map(|j| {
                let v = dense_bias[j]
                    + (0..2 * UNITS)
                        .map(|k| pooled[k] * dense[k * HIDDEN + j])
                        .sum::<f64>();
                v.max(0.0)
            })
            .collect();
        let (output, output_bias) = (t("output.kernel"), t("output.bias"));
        std::array::from_fn(|j| {
            let v = output_bias[j]
                + (0..HIDDEN)
                    .map(|k| hidden[k] * output[k * LABELS + j])
                    .sum::<f64>();
            1.0 / (1.0 + (-v).exp())
        })
    }

    #[test]
    fn batched_pass_equals_the_plain_network_and_each_text_alone() {
        let net = network();
        // Every amount of front padding, from none to all, in mixed order.
        let seqs: Vec<Vec<u32>> = vec![
            vec![0, 0, 3, 1, 6, 2],
            vec![1, 2, 3, 4, 5, 6],
            vec![0, 0, 0, 0, 0, 0],
            vec![0, 5, 5, 5, 5, 1],
            vec![0, 0, 0, 0, 0, 4],
            vec![0, 0, 0, 2, 6, 3],
            vec![6, 0, 6, 0, 6, 0],
        ];
        let batched = net.predict(&seqs);
        assert_eq!(batched.len(), seqs.len());
        for (seq, got) in seqs.iter().zip(&batched) {
            let alone = net.predict(std::slice::from_ref(seq));
            assert_eq!(&alone[0], got, "{seq:?} alone");
            let want = reference(seq);
            for (g, w) in got.iter().zip(want) {
                assert!(
                    (f64::from(*g) - w).abs() < 1e-5,
                    "{seq:?}: {got:?} vs {want:?}"
                );
            }
        }
        // Distinct inputs give distinct outputs: the comparison is not vacuous.
        assert_ne!(batched[0], batched[1]);
        assert!(net.predict(&[]).is_empty());
    }
}
