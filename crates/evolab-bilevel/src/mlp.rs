//! A multilayer perceptron in double precision over a flat parameter vector, with the
//! batched forward pass and its backward pass. Batches are matrices with one row per
//! example, so each layer is one matrix product (nalgebra's blocked kernel).
//!
//! A layer with `i` inputs and `o` outputs stores its weights as an `i × o` column-major
//! block followed by its `o` biases.

use nalgebra::{DMatrix, DMatrixView};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The nonlinearity of the hidden layers (the output layer is linear).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    Relu,
    Tanh,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// `inputs, hidden…, outputs`.
    sizes: Vec<usize>,
    activation: Activation,
}

/// Each layer's output for one batch, kept for the backward pass.
#[derive(Clone, Debug)]
pub struct Tape {
    outputs: Vec<DMatrix<f64>>,
}

impl Tape {
    /// The network's output, `batch × outputs`.
    pub fn output(&self) -> &DMatrix<f64> {
        self.outputs.last().expect("a network has a layer")
    }
}

impl Mlp {
    pub fn new(inputs: usize, hidden: &[usize], outputs: usize, activation: Activation) -> Self {
        let mut sizes = vec![inputs];
        sizes.extend_from_slice(hidden);
        sizes.push(outputs);
        Mlp { sizes, activation }
    }

    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }

    pub fn outputs(&self) -> usize {
        self.sizes[self.sizes.len() - 1]
    }

    pub fn parameter_count(&self) -> usize {
        self.sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    /// PyTorch's `nn.Linear` initialisation: weights and biases uniform in ±1/√inputs.
    pub fn init(&self, params: &mut [f64], rng: &mut ChaCha8Rng) {
        let mut at = 0;
        for w in self.sizes.windows(2) {
            let bound = 1.0 / (w[0] as f64).sqrt();
            for p in &mut params[at..at + w[0] * w[1] + w[1]] {
                *p = rng.random_range(-bound..bound);
            }
            at += w[0] * w[1] + w[1];
        }
    }

    /// The `(weights, biases)` of each layer.
    fn layers<'a>(
        &'a self,
        params: &'a [f64],
    ) -> impl Iterator<Item = (DMatrixView<'a, f64>, &'a [f64])> + 'a {
        let mut at = 0;
        self.sizes.windows(2).map(move |w| {
            let (i, o) = (w[0], w[1]);
            let weights = DMatrixView::from_slice(&params[at..at + i * o], i, o);
            let biases = &params[at + i * o..at + i * o + o];
            at += i * o + o;
            (weights, biases)
        })
    }

    /// Runs the rows of `input` (`batch × inputs`) through the network.
    pub fn forward(&self, params: &[f64], input: &DMatrix<f64>) -> Tape {
        debug_assert_eq!(input.ncols(), self.inputs());
        let last = self.sizes.len() - 2;
        let mut outputs: Vec<DMatrix<f64>> = Vec::with_capacity(last + 1);
        for (k, (weights, biases)) in self.layers(params).enumerate() {
            let x = if k == 0 { input } else { &outputs[k - 1] };
            let mut y = x * weights;
            for (j, &b) in biases.iter().enumerate() {
                y.column_mut(j).add_scalar_mut(b);
            }
            if k < last {
                match self.activation {
                    Activation::Relu => y.apply(|v| *v = v.max(0.0)),
                    Activation::Tanh => y.apply(|v| *v = v.tanh()),
                }
            }
            outputs.push(y);
        }
        Tape { outputs }
    }

    /// Adds to `grads` the gradient of a loss whose gradient with respect to the output of
    /// the forward pass that made `tape` is `d_output`; `input` is that pass's input.
    pub fn backward(
        &self,
        params: &[f64],
        input: &DMatrix<f64>,
        tape: &Tape,
        d_output: DMatrix<f64>,
        grads: &mut [f64],
    ) {
        let layers: Vec<_> = self.layers(params).collect();
        let mut offsets: Vec<usize> = self
            .sizes
            .windows(2)
            .scan(0, |at, w| {
                let start = *at;
                *at += w[0] * w[1] + w[1];
                Some(start)
            })
            .collect();
        let mut delta = d_output;
        for k in (0..layers.len()).rev() {
            let (weights, _) = layers[k];
            let (i, o) = (weights.nrows(), weights.ncols());
            let at = offsets.pop().expect("one offset per layer");
            let x = if k == 0 { input } else { &tape.outputs[k - 1] };
            let d_weights = x.transpose() * &delta;
            for (g, d) in grads[at..at + i * o].iter_mut().zip(d_weights.iter()) {
                *g += d;
            }
            for (j, g) in grads[at + i * o..at + i * o + o].iter_mut().enumerate() {
                *g += delta.column(j).sum();
            }
            if k == 0 {
                break;
            }
            let mut d_x = &delta * weights.transpose();
            // Through the activation, from its output y: relu' = 1[y > 0], tanh' = 1 − y².
            let y = &tape.outputs[k - 1];
            match self.activation {
                Activation::Relu => d_x.zip_apply(y, |d, y| {
                    if y <= 0.0 {
                        *d = 0.0
                    }
                }),
                Activation::Tanh => d_x.zip_apply(y, |d, y| *d *= 1.0 - y * y),
            }
            delta = d_x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// L = Σ c ⊙ output, whose gradient with respect to the output is c.
    fn loss(net: &Mlp, params: &[f64], x: &DMatrix<f64>, c: &DMatrix<f64>) -> f64 {
        net.forward(params, x).output().component_mul(c).sum()
    }

    #[test]
    fn backward_matches_finite_differences() {
        for activation in [Activation::Relu, Activation::Tanh] {
            let net = Mlp::new(3, &[5, 4], 2, activation);
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let mut params = vec![0.0; net.parameter_count()];
            net.init(&mut params, &mut rng);
            let x = DMatrix::from_fn(6, 3, |_, _| rng.random_range(-2.0..2.0));
            let c = DMatrix::from_fn(6, 2, |_, _| rng.random_range(-1.0..1.0));
            let tape = net.forward(&params, &x);
            let mut grads = vec![0.0; params.len()];
            net.backward(&params, &x, &tape, c.clone(), &mut grads);
            let h = 1e-6;
            for k in 0..params.len() {
                let mut p = params.clone();
                p[k] += h;
                let up = loss(&net, &p, &x, &c);
                p[k] -= 2.0 * h;
                let down = loss(&net, &p, &x, &c);
                let fd = (up - down) / (2.0 * h);
                assert!(
                    (fd - grads[k]).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{activation:?} parameter {k}: backward {} vs finite difference {fd}",
                    grads[k]
                );
            }
        }
    }

    #[test]
    fn a_network_without_hidden_layers_is_affine() {
        let net = Mlp::new(2, &[], 1, Activation::Relu);
        // Weights (column-major 2 × 1) then the bias.
        let params = [2.0, -3.0, 0.5];
        let x = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, -1.0, 2.0]);
        let y = net.forward(&params, &x);
        assert_eq!(y.output().as_slice(), &[-0.5, -7.5]);
    }
}
