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

use super::safetensors::TensorFile;

pub const LABELS: usize = 6;

/// One LSTM direction.
struct Lstm {
    units: usize,
    kernel: Vec<f32>,    // dim x 4·units
    recurrent: Vec<f32>, // units x 4·units
    bias: Vec<f32>,      // 4·units
    /// kernel and bias applied to the padding token's embedding, which most steps read.
    pad_input: Vec<f32>,
}

/// The running state of one direction: hidden, cell, and the pooled maximum of hidden.
#[derive(Clone)]
struct State {
    h: Vec<f32>,
    c: Vec<f32>,
    max: Vec<f32>,
}

impl State {
    fn new(units: usize) -> Self {
        State {
            h: vec![0.0; units],
            c: vec![0.0; units],
            max: vec![f32::NEG_INFINITY; units],
        }
    }
}

fn hard_sigmoid(x: f32) -> f32 {
    (0.2 * x + 0.5).clamp(0.0, 1.0)
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// `out += v · m`, with `m` row-major `v.len() x out.len()`.
fn add_vec_mat(out: &mut [f32], v: &[f32], m: &[f32]) {
    for (&vk, row) in v.iter().zip(m.chunks_exact(out.len())) {
        for (o, &w) in out.iter_mut().zip(row) {
            *o += vk * w;
        }
    }
}

impl Lstm {
    fn new(
        file: &mut TensorFile,
        prefix: &str,
        dim: usize,
        units: usize,
        pad_embedding: &[f32],
    ) -> Result<Self, TextError> {
        let kernel = file.take(&format!("{prefix}.kernel"), &[dim, 4 * units])?;
        let recurrent = file.take(&format!("{prefix}.recurrent_kernel"), &[units, 4 * units])?;
        let bias = file.take(&format!("{prefix}.bias"), &[4 * units])?;
        let mut lstm = Lstm {
            units,
            kernel,
            recurrent,
            bias,
            pad_input: Vec::new(),
        };
        lstm.pad_input = lstm.input(pad_embedding);
        Ok(lstm)
    }

    /// `x · kernel + bias`.
    fn input(&self, x: &[f32]) -> Vec<f32> {
        let mut z = self.bias.clone();
        add_vec_mat(&mut z, x, &self.kernel);
        z
    }

    /// One time step from the precomputed input part `x_in`; `z` is scratch of 4·units.
    fn step(&self, x_in: &[f32], state: &mut State, z: &mut [f32]) {
        let u = self.units;
        z.copy_from_slice(x_in);
        add_vec_mat(z, &state.h, &self.recurrent);
        let (zi, rest) = z.split_at(u);
        let (zf, rest) = rest.split_at(u);
        let (zc, zo) = rest.split_at(u);
        for k in 0..u {
            let i = hard_sigmoid(zi[k]);
            let f = hard_sigmoid(zf[k]);
            let o = hard_sigmoid(zo[k]);
            let c = f * state.c[k] + i * zc[k].tanh();
            state.c[k] = c;
            let h = o * c.tanh();
            state.h[k] = h;
            if h > state.max[k] {
                state.max[k] = h;
            }
        }
    }
}

pub struct BiLstm {
    dim: usize,
    maxlen: usize,
    embedding: Vec<f32>, // vocab x dim
    forward: Lstm,
    backward: Lstm,
    dense: Vec<f32>,
    dense_bias: Vec<f32>,
    output: Vec<f32>,
    output_bias: Vec<f32>,
    /// Forward state after reading k padding tokens from the start, k = 0..=maxlen. Inputs are
    /// padded at the front, so every text's forward pass begins with one of these.
    forward_after_padding: Vec<State>,
}

/// Scratch buffers reused across texts.
pub struct Workspace {
    z: Vec<f32>,
    x_in: Vec<f32>,
    pooled: Vec<f32>,
    hidden: Vec<f32>,
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
        let pad = &embedding[..dim];
        let forward = Lstm::new(&mut file, "forward", dim, units, pad)?;
        let backward = Lstm::new(&mut file, "backward", dim, units, pad)?;
        let dense = file.take("dense.kernel", &[2 * units, hidden])?;
        let dense_bias = file.take("dense.bias", &[hidden])?;
        let output = file.take("output.kernel", &[hidden, LABELS])?;
        let output_bias = file.take("output.bias", &[LABELS])?;

        let mut forward_after_padding = Vec::with_capacity(maxlen + 1);
        let mut state = State::new(units);
        let mut z = vec![0.0; 4 * units];
        forward_after_padding.push(state.clone());
        for _ in 0..maxlen {
            forward.step(&forward.pad_input, &mut state, &mut z);
            forward_after_padding.push(state.clone());
        }
        Ok(BiLstm {
            dim,
            maxlen,
            embedding,
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
        self.embedding.len() / self.dim
    }

    pub fn workspace(&self) -> Workspace {
        let units = self.forward.units;
        Workspace {
            z: vec![0.0; 4 * units],
            x_in: vec![0.0; 4 * units],
            pooled: vec![0.0; 2 * units],
            hidden: vec![0.0; self.dense_bias.len()],
        }
    }

    fn embedded(&self, token: u32) -> &[f32] {
        let start = token as usize * self.dim;
        &self.embedding[start..start + self.dim]
    }

    fn input_into(&self, lstm: &Lstm, token: u32, out: &mut [f32]) {
        if token == 0 {
            out.copy_from_slice(&lstm.pad_input);
        } else {
            out.copy_from_slice(&lstm.bias);
            add_vec_mat(out, self.embedded(token), &lstm.kernel);
        }
    }

    /// The six sigmoid outputs for one padded sequence of `maxlen` indices below the
    /// vocabulary size (the caller guarantees both).
    pub fn predict(&self, seq: &[u32], ws: &mut Workspace) -> [f32; LABELS] {
        debug_assert_eq!(seq.len(), self.maxlen);
        let units = self.forward.units;
        let Workspace {
            z,
            x_in,
            pooled,
            hidden,
        } = ws;

        let lead = seq.iter().take_while(|&&t| t == 0).count();
        let mut fwd = self.forward_after_padding[lead].clone();
        for &token in &seq[lead..] {
            self.input_into(&self.forward, token, x_in);
            self.forward.step(x_in, &mut fwd, z);
        }

        let mut bwd = State::new(units);
        for &token in seq.iter().rev() {
            self.input_into(&self.backward, token, x_in);
            self.backward.step(x_in, &mut bwd, z);
        }

        pooled[..units].copy_from_slice(&fwd.max);
        pooled[units..].copy_from_slice(&bwd.max);
        hidden.copy_from_slice(&self.dense_bias);
        add_vec_mat(hidden, pooled, &self.dense);
        for v in hidden.iter_mut() {
            *v = v.max(0.0);
        }
        let mut out = [0.0f32; LABELS];
        out.copy_from_slice(&self.output_bias);
        add_vec_mat(&mut out, hidden, &self.output);
        out.map(sigmoid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_sigmoid_is_keras_2s() {
        assert_eq!(hard_sigmoid(0.0), 0.5);
        assert!((hard_sigmoid(1.0) - 0.7).abs() < 1e-6);
        assert!((hard_sigmoid(-2.0) - 0.1).abs() < 1e-6);
        assert_eq!(hard_sigmoid(-2.5), 0.0);
        assert_eq!(hard_sigmoid(3.0), 1.0);
        // Keras 3's x/6 + 0.5 would give 0.5 + 1/6 here.
        assert!((hard_sigmoid(1.0) - (0.5 + 1.0 / 6.0)).abs() > 0.03);
    }

    #[test]
    fn vec_mat_is_row_major() {
        let mut out = [1.0, 2.0, 3.0];
        add_vec_mat(&mut out, &[1.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(out, [42.0, 54.0, 66.0]);
    }
}
