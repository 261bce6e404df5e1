//! π_θ(y|x) = N(m(x), S(x)) with an MLP mean (no hidden layer: a linear mean) and a
//! diagonal or full covariance that either depends on x (a second head on the same trunk)
//! or is one trainable factor shared by every input.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::factored_gaussian::Covariance;
use crate::mlp::{Activation, Mlp, Tape};

/// The model's shape, as the experiment files give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// Hidden layer widths; empty for a linear mean m = Wx + b.
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub covariance: Covariance,
    /// The covariance is a head on the trunk (S(x)) instead of one shared factor.
    pub state_dependent: bool,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            hidden: vec![64, 64],
            activation: Activation::Relu,
            covariance: Covariance::Diagonal,
            state_dependent: true,
        }
    }
}

impl ModelConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.hidden.contains(&0) {
            return Err("hidden layer widths must be positive".into());
        }
        Ok(())
    }

    pub fn label(&self) -> String {
        format!(
            "{} covariance{}",
            match self.covariance {
                Covariance::Diagonal => "diagonal",
                Covariance::Full => "full",
            },
            if self.state_dependent {
                " S(x)"
            } else {
                ", shared"
            }
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GaussianModel {
    pub config: ModelConfig,
    pub outputs: usize,
    net: Mlp,
    pub params: Vec<f64>,
}

/// The per-example Gaussians of one batch.
#[derive(Clone, Debug)]
pub struct Prediction {
    pub n: usize,
    /// `batch × n`, row-major.
    pub mean: Vec<f64>,
    /// `batch × raw_len`: the unconstrained numbers of each factor.
    pub raw: Vec<f64>,
    /// `batch × n × n`: each L, row-major.
    pub factor: Vec<f64>,
    tape: Tape,
}

impl Prediction {
    pub fn rows(&self) -> usize {
        self.mean.len() / self.n
    }

    pub fn mean_of(&self, row: usize) -> &[f64] {
        &self.mean[row * self.n..(row + 1) * self.n]
    }

    pub fn factor_of(&self, row: usize) -> &[f64] {
        &self.factor[row * self.n * self.n..(row + 1) * self.n * self.n]
    }
}

impl GaussianModel {
    pub fn new(config: &ModelConfig, inputs: usize, outputs: usize, seed: u64) -> Self {
        let raw = config.covariance.raw_len(outputs);
        let head = if config.state_dependent {
            outputs + raw
        } else {
            outputs
        };
        let net = Mlp::new(inputs, &config.hidden, head, config.activation);
        let shared = if config.state_dependent { 0 } else { raw };
        let mut params = vec![0.0; net.parameter_count() + shared];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        net.init(&mut params, &mut rng);
        if shared > 0 {
            let at = net.parameter_count();
            config.covariance.identity_raw(outputs, &mut params[at..]);
        }
        GaussianModel {
            config: config.clone(),
            outputs,
            net,
            params,
        }
    }

    pub fn inputs(&self) -> usize {
        self.net.inputs()
    }

    fn raw_len(&self) -> usize {
        self.config.covariance.raw_len(self.outputs)
    }

    /// The means alone, `batch × n` (what a planner rolls forward).
    pub fn mean(&self, x: &DMatrix<f64>) -> DMatrix<f64> {
        let out = self.net.forward(&self.params, x);
        out.output().columns(0, self.outputs).into_owned()
    }

    pub fn predict(&self, x: &DMatrix<f64>) -> Prediction {
        let n = self.outputs;
        let k = self.raw_len();
        let tape = self.net.forward(&self.params, x);
        let out = tape.output();
        let rows = x.nrows();
        let mut mean = vec![0.0; rows * n];
        let mut raw = vec![0.0; rows * k];
        let shared = &self.params[self.net.parameter_count()..];
        for r in 0..rows {
            for i in 0..n {
                mean[r * n + i] = out[(r, i)];
            }
            for j in 0..k {
                raw[r * k + j] = if self.config.state_dependent {
                    out[(r, n + j)]
                } else {
                    shared[j]
                };
            }
        }
        let mut factor = vec![0.0; rows * n * n];
        for r in 0..rows {
            self.config.covariance.factor(
                n,
                &raw[r * k..(r + 1) * k],
                &mut factor[r * n * n..(r + 1) * n * n],
            );
        }
        Prediction {
            n,
            mean,
            raw,
            factor,
            tape,
        }
    }

    /// Adds to `grads` the gradient of a loss whose gradients with respect to the means and
    /// factors of `prediction` (made from `x`) are `d_mean` and `d_factor`.
    pub fn backward(
        &self,
        x: &DMatrix<f64>,
        prediction: &Prediction,
        d_mean: &[f64],
        d_factor: &[f64],
        grads: &mut [f64],
    ) {
        let n = self.outputs;
        let k = self.raw_len();
        let rows = prediction.rows();
        let mut d_raw = vec![0.0; rows * k];
        for r in 0..rows {
            self.config.covariance.add_raw_gradient(
                n,
                &prediction.raw[r * k..(r + 1) * k],
                prediction.factor_of(r),
                &d_factor[r * n * n..(r + 1) * n * n],
                &mut d_raw[r * k..(r + 1) * k],
            );
        }
        let head = self.net.outputs();
        let d_out = DMatrix::from_fn(rows, head, |r, c| {
            if c < n {
                d_mean[r * n + c]
            } else {
                d_raw[r * k + c - n]
            }
        });
        let split = self.net.parameter_count();
        let (net_grads, shared_grads) = grads.split_at_mut(split);
        self.net
            .backward(&self.params[..split], x, &prediction.tape, d_out, net_grads);
        if !self.config.state_dependent {
            for r in 0..rows {
                for (g, d) in shared_grads.iter_mut().zip(&d_raw[r * k..(r + 1) * k]) {
                    *g += d;
                }
            }
        }
    }
}
