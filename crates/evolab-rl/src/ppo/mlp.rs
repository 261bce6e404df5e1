//! Multilayer perceptrons over a flat parameter vector: tanh hidden layers, a linear output,
//! a forward pass over a batch that keeps what the backward pass needs, and the backward pass.
//!
//! Parameters live in one `[f32]` shared by every network of a policy, so that the optimiser,
//! the gradient-norm clipping and checkpoints see one vector. Each layer stores its weights
//! `[inputs × outputs]` row-major (PyTorch's `[outputs × inputs]` transposed, which suits
//! the product kernels), followed by its biases.

use nalgebra::DMatrix;
use rand_chacha::ChaCha8Rng;

use super::kernels::{add_product, add_transposed_product, transpose, Shape};
use crate::gaussian::standard_normal;

/// One dense layer's place in the parameter vector.
#[derive(Clone, Copy, Debug)]
struct Dense {
    inputs: usize,
    outputs: usize,
    offset: usize,
}

impl Dense {
    fn weights(self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.inputs * self.outputs
    }

    fn bias(self) -> std::ops::Range<usize> {
        let start = self.offset + self.inputs * self.outputs;
        start..start + self.outputs
    }

    fn end(self) -> usize {
        self.bias().end
    }

    fn shape(self, rows: usize) -> Shape {
        Shape {
            rows,
            inputs: self.inputs,
            outputs: self.outputs,
        }
    }
}

/// The layer sizes of a network and where its parameters are.
#[derive(Clone, Debug)]
pub(crate) struct Mlp {
    layers: Vec<Dense>,
}

/// The activations of one batch, kept between the forward and the backward pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tape {
    batch: usize,
    /// Each layer's output: tanh of the pre-activation for hidden layers, the linear output
    /// for the last.
    outputs: Vec<Vec<f32>>,
    /// Gradient with respect to each hidden layer's output, reused between batches.
    deltas: Vec<Vec<f32>>,
    /// Wᵀ, for the gradient reaching a layer's input.
    transposed_weights: Vec<f32>,
}

impl Tape {
    /// The network's output for the batch of the last forward pass, `batch × outputs`.
    pub(crate) fn output(&self) -> &[f32] {
        self.outputs.last().map(Vec::as_slice).unwrap_or(&[])
    }
}

impl Mlp {
    /// `inputs → hidden[0] → … → outputs`, its parameters starting at `offset`.
    pub(crate) fn new(inputs: usize, hidden: &[usize], outputs: usize, offset: usize) -> Self {
        let mut layers = Vec::with_capacity(hidden.len() + 1);
        let mut from = inputs;
        let mut at = offset;
        for &to in hidden.iter().chain(std::iter::once(&outputs)) {
            let layer = Dense {
                inputs: from,
                outputs: to,
                offset: at,
            };
            at = layer.end();
            from = to;
            layers.push(layer);
        }
        Mlp { layers }
    }

    /// One past the last parameter of this network.
    pub(crate) fn end(&self) -> usize {
        self.layers.last().map_or(0, |l| l.end())
    }

    pub(crate) fn inputs(&self) -> usize {
        self.layers[0].inputs
    }

    pub(crate) fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs
    }

    /// Orthogonal weights (as `torch.nn.init.orthogonal_`) scaled by `hidden_gain` for the
    /// hidden layers and `output_gain` for the last, zero biases.
    pub(crate) fn init(
        &self,
        params: &mut [f32],
        hidden_gain: f64,
        output_gain: f64,
        rng: &mut ChaCha8Rng,
    ) {
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            let gain = if i == last { output_gain } else { hidden_gain };
            let torch_layout = orthogonal(layer.outputs, layer.inputs, gain, rng);
            let w = &mut params[layer.weights()];
            for o in 0..layer.outputs {
                for i in 0..layer.inputs {
                    w[i * layer.outputs + o] = torch_layout[o * layer.inputs + i];
                }
            }
            params[layer.bias()].fill(0.0);
        }
    }

    /// Runs `batch` rows of `input` (`batch × inputs`) through the network; the output is
    /// [`Tape::output`].
    pub(crate) fn forward(&self, params: &[f32], input: &[f32], batch: usize, tape: &mut Tape) {
        debug_assert_eq!(input.len(), batch * self.inputs());
        tape.batch = batch;
        tape.outputs.resize_with(self.layers.len(), Vec::new);
        let last = self.layers.len() - 1;
        for (i, &layer) in self.layers.iter().enumerate() {
            let (before, rest) = tape.outputs.split_at_mut(i);
            let x = if i == 0 { input } else { &before[i - 1] };
            let y = &mut rest[0];
            y.clear();
            let bias = &params[layer.bias()];
            for _ in 0..batch {
                y.extend_from_slice(bias);
            }
            add_product(layer.shape(batch), x, &params[layer.weights()], y);
            if i < last {
                evolab_fastmath::tanh_in_place(y);
            }
        }
    }

    /// Adds to `grads` the gradient of a loss whose gradient with respect to the output of
    /// the last forward pass is `d_output` (`batch × outputs`). `input` is that pass's input.
    pub(crate) fn backward(
        &self,
        params: &[f32],
        input: &[f32],
        tape: &mut Tape,
        d_output: &[f32],
        grads: &mut [f32],
    ) {
        let batch = tape.batch;
        tape.deltas.resize_with(self.layers.len(), Vec::new);
        let Tape {
            outputs,
            deltas,
            transposed_weights,
            ..
        } = tape;
        for i in (0..self.layers.len()).rev() {
            let layer = self.layers[i];
            let (below, at) = deltas.split_at_mut(i);
            let dz: &[f32] = if i + 1 == self.layers.len() {
                d_output
            } else {
                &at[0]
            };
            let x = if i == 0 { input } else { &outputs[i - 1] };
            add_transposed_product(layer.shape(batch), x, dz, &mut grads[layer.weights()]);
            let db = &mut grads[layer.bias()];
            for row in dz.chunks_exact(layer.outputs) {
                for (g, &d) in db.iter_mut().zip(row) {
                    *g += d;
                }
            }
            if i == 0 {
                break;
            }
            // The gradient reaching the previous layer's tanh output, then through tanh:
            // d/dz tanh(z) = 1 − tanh(z)².
            let dx = &mut below[i - 1];
            dx.clear();
            dx.resize(batch * layer.inputs, 0.0);
            transpose(
                layer.inputs,
                layer.outputs,
                &params[layer.weights()],
                transposed_weights,
            );
            let input_grad = Shape {
                rows: batch,
                inputs: layer.outputs,
                outputs: layer.inputs,
            };
            add_product(input_grad, dz, transposed_weights, dx);
            for (d, &a) in dx.iter_mut().zip(&outputs[i - 1]) {
                *d *= 1.0 - a * a;
            }
        }
    }
}

/// A `rows × cols` matrix with orthonormal rows or columns (whichever are fewer), times
/// `gain`: the QR factor of a Gaussian matrix with the signs of R's diagonal folded in, so
/// that the result is uniformly distributed.
fn orthogonal(rows: usize, cols: usize, gain: f64, rng: &mut ChaCha8Rng) -> Vec<f32> {
    let (tall, short) = (rows.max(cols), rows.min(cols));
    let g = DMatrix::from_fn(tall, short, |_, _| standard_normal(rng));
    let qr = g.qr();
    let (mut q, r) = (qr.q(), qr.r());
    for j in 0..short {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    let mut out = Vec::with_capacity(rows * cols);
    for i in 0..rows {
        for j in 0..cols {
            let v = if rows >= cols { q[(i, j)] } else { q[(j, i)] };
            out.push((gain * v) as f32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn orthogonal_weights_have_orthonormal_rows_or_columns_times_the_gain() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for (rows, cols) in [(64, 4), (2, 64), (64, 64)] {
            let w = orthogonal(rows, cols, 2.0, &mut rng);
            let m = DMatrix::from_row_slice(rows, cols, &w).map(f64::from);
            let gram = if rows >= cols {
                m.transpose() * &m
            } else {
                &m * m.transpose()
            };
            let n = rows.min(cols);
            let expected = DMatrix::<f64>::identity(n, n) * 4.0;
            assert!((gram - expected).amax() < 1e-5, "{rows}×{cols}");
        }
    }

    /// Sum of the outputs times fixed weights: a scalar loss to differentiate.
    fn loss(mlp: &Mlp, params: &[f32], input: &[f32], batch: usize, w: &[f32]) -> f64 {
        let mut tape = Tape::default();
        mlp.forward(params, input, batch, &mut tape);
        tape.output()
            .iter()
            .zip(w)
            .map(|(&y, &w)| f64::from(y) * f64::from(w))
            .sum()
    }

    #[test]
    fn backward_matches_finite_differences() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mlp = Mlp::new(3, &[5, 4], 2, 0);
        let mut params = vec![0.0f32; mlp.end()];
        mlp.init(&mut params, 2f64.sqrt(), 1.0, &mut rng);
        for (i, p) in params.iter_mut().enumerate() {
            *p += 0.05 * ((i % 7) as f32 - 3.0); // non-zero biases too
        }
        let batch = 4;
        let input: Vec<f32> = (0..batch * 3)
            .map(|i| ((i * 37 % 11) as f32 - 5.0) / 4.0)
            .collect();
        let w: Vec<f32> = (0..batch * 2).map(|i| (i as f32 - 3.5) / 2.0).collect();
        let mut tape = Tape::default();
        mlp.forward(&params, &input, batch, &mut tape);
        let mut grads = vec![0.0f32; params.len()];
        mlp.backward(&params, &input, &mut tape, &w, &mut grads);
        let h = 1e-2f32;
        for i in 0..params.len() {
            let mut plus = params.clone();
            plus[i] += h;
            let mut minus = params.clone();
            minus[i] -= h;
            let numeric = (loss(&mlp, &plus, &input, batch, &w)
                - loss(&mlp, &minus, &input, batch, &w))
                / (2.0 * f64::from(h));
            let analytic = f64::from(grads[i]);
            assert!(
                (numeric - analytic).abs() < 2e-3 * (1.0 + numeric.abs()),
                "parameter {i}: finite difference {numeric}, backward {analytic}"
            );
        }
    }

    #[test]
    fn a_batch_gives_each_row_what_it_gives_alone() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mlp = Mlp::new(4, &[64, 64], 3, 0);
        let mut params = vec![0.0f32; mlp.end()];
        mlp.init(&mut params, 2f64.sqrt(), 0.5, &mut rng);
        let input: Vec<f32> = (0..5 * 4).map(|i| (i as f32).sin()).collect();
        let mut tape = Tape::default();
        mlp.forward(&params, &input, 5, &mut tape);
        let batched = tape.output().to_vec();
        for row in 0..5 {
            mlp.forward(&params, &input[row * 4..row * 4 + 4], 1, &mut tape);
            for (a, b) in tape.output().iter().zip(&batched[row * 3..row * 3 + 3]) {
                assert!((a - b).abs() < 1e-5);
            }
        }
    }
}
