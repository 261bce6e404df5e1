//! Multiclass logistic regression trained by maximum likelihood (cross-entropy) or by policy
//! gradient against the one-hot Mahalanobis reward R(ĉ, y) = −β·‖e_ĉ − e_y‖² (0 when right,
//! −2β when wrong) with an entropy bonus λ·H, the paper's classification transfer. With
//! β* = λ·C/(2·tr Σ_onehot) the reward is the closed form's analogue (spec §5; heuristic:
//! no β makes the categorical inner optimum equal the data distribution in general).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::baseline::Baseline;
use crate::dataset::Dataset;
use crate::optim::{clip_grad_norm, Adam, Plateau};
use crate::scaler::Scaler;

/// π(c|x) = softmax(W·x + b)_c, W stored row-major [classes × inputs] followed by b.
#[derive(Clone, Debug, PartialEq)]
pub struct Softmax {
    pub classes: usize,
    pub inputs: usize,
    pub params: Vec<f64>,
}

impl Softmax {
    pub fn zeros(classes: usize, inputs: usize) -> Self {
        Softmax {
            classes,
            inputs,
            params: vec![0.0; classes * (inputs + 1)],
        }
    }

    /// log π(·|x).
    pub fn log_probs(&self, x: &[f64]) -> Vec<f64> {
        let (c, d) = (self.classes, self.inputs);
        let logits: Vec<f64> = (0..c)
            .map(|k| {
                let w = &self.params[k * d..(k + 1) * d];
                w.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() + self.params[c * d + k]
            })
            .collect();
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let log_z = max + logits.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
        logits.iter().map(|l| l - log_z).collect()
    }

    /// Adds `Σ_k d_logits[k]·∂logit_k/∂params` for input x.
    fn add_logit_gradient(&self, x: &[f64], d_logits: &[f64], grad: &mut [f64]) {
        let (c, d) = (self.classes, self.inputs);
        for k in 0..c {
            for (g, &xi) in grad[k * d..(k + 1) * d].iter_mut().zip(x) {
                *g += d_logits[k] * xi;
            }
            grad[c * d + k] += d_logits[k];
        }
    }

    pub fn predict(&self, x: &[f64]) -> usize {
        let lp = self.log_probs(x);
        (0..lp.len()).fold(0, |best, k| if lp[k] > lp[best] { k } else { best })
    }
}

/// How the model is trained.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    /// Mean cross-entropy.
    Nll,
    /// Policy gradient: maximise E_{ĉ~π}[R_β(ĉ, y)] + λ·H(π(·|x)), estimated from `group`
    /// samples per input with `baseline`.
    PolicyGradient {
        beta: f64,
        entropy_weight: f64,
        group: usize,
        baseline: Baseline,
    },
}

/// β* = λ·C/(2·(1 − Σ_c p_c²)) for class frequencies p.
pub fn optimal_beta(entropy_weight: f64, frequencies: &[f64]) -> f64 {
    let trace = 1.0 - frequencies.iter().map(|p| p * p).sum::<f64>();
    entropy_weight * frequencies.len() as f64 / (2.0 * trace)
}

/// The gradient of the loss to minimise (−objective for policy gradient), averaged over
/// the rows.
pub fn loss_gradient(
    model: &Softmax,
    features: &[Vec<f64>],
    labels: &[usize],
    method: Method,
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let mut grad = vec![0.0; model.params.len()];
    let n = labels.len() as f64;
    for (x, &y) in features.iter().zip(labels) {
        let lp = model.log_probs(x);
        let p: Vec<f64> = lp.iter().map(|l| l.exp()).collect();
        let d_logits: Vec<f64> = match method {
            // ∂(−log p_y)/∂logit_k = p_k − 1[k = y].
            Method::Nll => (0..p.len())
                .map(|k| (p[k] - if k == y { 1.0 } else { 0.0 }) / n)
                .collect(),
            Method::PolicyGradient {
                beta,
                entropy_weight,
                group,
                baseline,
            } => {
                let samples: Vec<usize> = (0..group).map(|_| sample(&p, rng)).collect();
                let mut rewards: Vec<f64> = samples
                    .iter()
                    .map(|&c| if c == y { 0.0 } else { -2.0 * beta })
                    .collect();
                baseline.apply(&mut rewards);
                let entropy: f64 = -p.iter().zip(&lp).map(|(a, b)| a * b).sum::<f64>();
                (0..p.len())
                    .map(|k| {
                        // Score: ∂log p_c/∂logit_k = 1[k = c] − p_k.
                        let score: f64 = samples
                            .iter()
                            .zip(&rewards)
                            .map(|(&c, &r)| r * (if k == c { 1.0 } else { 0.0 } - p[k]))
                            .sum::<f64>()
                            / group as f64;
                        // ∂H/∂logit_k = −p_k(log p_k + H).
                        let d_entropy = -p[k] * (lp[k] + entropy);
                        -(score + entropy_weight * d_entropy) / n
                    })
                    .collect()
            }
        };
        model.add_logit_gradient(x, &d_logits, &mut grad);
    }
    grad
}

fn sample(p: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (k, &pk) in p.iter().enumerate() {
        acc += pk;
        if u < acc {
            return k;
        }
    }
    p.len() - 1
}

/// Indices of a stratified split: within each class, a shuffled `fractions[0]` share goes
/// to the first part, `fractions[1]` to the second, the rest to the third.
pub fn stratified_split(labels: &[usize], fractions: [f64; 2], seed: u64) -> [Vec<usize>; 3] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut parts: [Vec<usize>; 3] = Default::default();
    for c in 0..classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c).collect();
        for i in (1..members.len()).rev() {
            let j = rng.random_range(0..=i);
            members.swap(i, j);
        }
        let a = (fractions[0] * members.len() as f64).round() as usize;
        let b = ((fractions[0] + fractions[1]) * members.len() as f64).round() as usize;
        parts[0].extend_from_slice(&members[..a]);
        parts[1].extend_from_slice(&members[a..b.max(a)]);
        parts[2].extend_from_slice(&members[b.max(a)..]);
    }
    for p in &mut parts {
        p.sort_unstable();
    }
    parts
}

/// The result of one training run.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub test_accuracy: f64,
    pub test_nll: f64,
    /// The epoch whose parameters were kept (best validation cross-entropy).
    pub best_epoch: usize,
}

/// How long and how fast a model trains.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    pub epochs: usize,
    pub learning_rate: f64,
    /// Gradients are clipped to this Euclidean norm.
    pub max_grad_norm: f64,
    /// Halve-on-plateau of the validation cross-entropy: (factor, patience, floor); `None`
    /// keeps the learning rate (the original's schedule, whose patience equalled the
    /// number of updates, never fired).
    pub plateau: Option<(f64, usize, f64)>,
}

impl Schedule {
    /// Full-batch Adam at `learning_rate` for `epochs`, the original's clipping at 1e5, no
    /// plateau schedule.
    pub fn constant(epochs: usize, learning_rate: f64) -> Self {
        Schedule {
            epochs,
            learning_rate,
            max_grad_norm: 1e5,
            plateau: None,
        }
    }
}

/// Splits 64/16/20 (stratified, by `seed`), standardises on the training part, trains by
/// Adam for `schedule.epochs` full-batch steps, keeps the parameters with the best
/// validation cross-entropy, and scores them on the test part.
pub fn run(
    data: &Dataset,
    method: Method,
    schedule: &Schedule,
    seed: u64,
) -> Result<Outcome, String> {
    let Schedule {
        epochs,
        learning_rate,
        max_grad_norm,
        plateau,
    } = *schedule;
    if data.len() < 10 || epochs == 0 {
        return Err(format!("{}: too few rows or no epochs", data.name));
    }
    let [train, validation, test] = stratified_split(&data.labels, [0.64, 0.16], seed);
    let scaler = Scaler::fit_vectors(
        &train
            .iter()
            .map(|&i| data.features[i].clone())
            .collect::<Vec<_>>(),
    );
    let rows = |idx: &[usize]| -> (Vec<Vec<f64>>, Vec<usize>) {
        (
            idx.iter()
                .map(|&i| scaler.transform_vector(&data.features[i]))
                .collect(),
            idx.iter().map(|&i| data.labels[i]).collect(),
        )
    };
    let ((xt, yt), (xv, yv), (xs, ys)) = (rows(&train), rows(&validation), rows(&test));
    let mut model = Softmax::zeros(data.classes.len(), data.dim());
    let mut adam = Adam::new(model.params.len(), learning_rate);
    let mut plateau = plateau
        .map(|(factor, patience, floor)| Plateau::new(factor, patience, floor))
        .transpose()?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xb11e);
    let nll = |m: &Softmax, x: &[Vec<f64>], y: &[usize]| {
        x.iter()
            .zip(y)
            .map(|(x, &y)| -m.log_probs(x)[y])
            .sum::<f64>()
            / y.len() as f64
    };
    let (mut best, mut best_nll, mut best_epoch) = (model.clone(), f64::INFINITY, 0);
    for epoch in 1..=epochs {
        let mut g = loss_gradient(&model, &xt, &yt, method, &mut rng);
        clip_grad_norm(&mut g, max_grad_norm);
        adam.step(&mut model.params, &g);
        if model.params.iter().any(|p| !p.is_finite()) {
            return Err(format!("{}: training diverged at epoch {epoch}", data.name));
        }
        let v = nll(&model, &xv, &yv);
        if let Some(p) = plateau.as_mut() {
            p.observe(v, &mut adam);
        }
        if v < best_nll {
            (best, best_nll, best_epoch) = (model.clone(), v, epoch);
        }
    }
    let correct = xs
        .iter()
        .zip(&ys)
        .filter(|(x, &y)| best.predict(x) == y)
        .count();
    Ok(Outcome {
        test_accuracy: correct as f64 / ys.len() as f64,
        test_nll: nll(&best, &xs, &ys),
        best_epoch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::standard_normal;

    fn blobs(per_class: usize, seed: u64) -> Dataset {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let centres = [[0.0, 3.0], [3.0, 0.0], [-3.0, -1.0]];
        let (mut features, mut labels) = (Vec::new(), Vec::new());
        for (c, centre) in centres.iter().enumerate() {
            for _ in 0..per_class {
                features.push(
                    centre
                        .iter()
                        .map(|m| m + standard_normal(&mut rng))
                        .collect(),
                );
                labels.push(c);
            }
        }
        Dataset {
            name: "blobs".into(),
            features,
            labels,
            classes: vec!["a".into(), "b".into(), "c".into()],
        }
    }

    fn model() -> Softmax {
        let mut m = Softmax::zeros(3, 2);
        for (i, p) in m.params.iter_mut().enumerate() {
            *p = ((i as f64) * 0.7).sin() * 0.5;
        }
        m
    }

    #[test]
    fn the_cross_entropy_gradient_matches_finite_differences() {
        let m = model();
        let x = vec![vec![0.3, -1.2], vec![1.0, 0.5]];
        let y = vec![2, 0];
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let g = loss_gradient(&m, &x, &y, Method::Nll, &mut rng);
        let loss = |m: &Softmax| {
            x.iter()
                .zip(&y)
                .map(|(x, &y)| -m.log_probs(x)[y])
                .sum::<f64>()
                / 2.0
        };
        for (i, &analytic) in g.iter().enumerate() {
            let (mut a, mut b) = (m.clone(), m.clone());
            a.params[i] += 1e-6;
            b.params[i] -= 1e-6;
            let numeric = (loss(&a) - loss(&b)) / 2e-6;
            assert!(
                (numeric - analytic).abs() < 1e-6,
                "{i}: {numeric} vs {analytic}"
            );
        }
    }

    #[test]
    fn the_policy_gradient_estimate_averages_to_the_exact_gradient() {
        // Exact objective for one input: Σ_c p_c R(c, y) + λ·H(p).
        let m = model();
        let (x, y) = (vec![vec![0.4, -0.8]], vec![1]);
        let (beta, lambda) = (1.5, 0.3);
        let objective = |m: &Softmax| {
            let lp = m.log_probs(&x[0]);
            let p: Vec<f64> = lp.iter().map(|l| l.exp()).collect();
            let reward: f64 = (0..3)
                .map(|c| p[c] * if c == y[0] { 0.0 } else { -2.0 * beta })
                .sum();
            reward - lambda * p.iter().zip(&lp).map(|(a, b)| a * b).sum::<f64>()
        };
        let method = Method::PolicyGradient {
            beta,
            entropy_weight: lambda,
            group: 8,
            baseline: Baseline::LeaveOneOut,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let draws = 20_000;
        let mut avg = vec![0.0; m.params.len()];
        for _ in 0..draws {
            for (a, g) in avg
                .iter_mut()
                .zip(loss_gradient(&m, &x, &y, method, &mut rng))
            {
                *a += g / draws as f64;
            }
        }
        for (i, &estimate) in avg.iter().enumerate() {
            let (mut a, mut b) = (m.clone(), m.clone());
            a.params[i] += 1e-6;
            b.params[i] -= 1e-6;
            let exact = -(objective(&a) - objective(&b)) / 2e-6;
            assert!(
                (exact - estimate).abs() < 0.02,
                "{i}: exact {exact}, estimate {estimate}"
            );
        }
    }

    #[test]
    fn splits_are_stratified_and_the_scaler_sees_only_training_rows() {
        let labels: Vec<usize> = (0..100).map(|i| usize::from(i >= 75)).collect();
        let [a, b, c] = stratified_split(&labels, [0.64, 0.16], 1);
        assert_eq!(a.len() + b.len() + c.len(), 100);
        let ones = |p: &[usize]| p.iter().filter(|&&i| labels[i] == 1).count();
        assert_eq!((ones(&a), ones(&b), ones(&c)), (16, 4, 5));
        let s = Scaler::fit_vectors(&[vec![1.0, 5.0], vec![3.0, 5.0]]);
        assert_eq!(s.transform_vector(&[2.0, 5.0]), vec![0.0, 0.0]);
        assert_eq!(s.transform_vector(&[3.0, 7.0]), vec![1.0, 2.0]);
        assert!((optimal_beta(0.1, &[0.5, 0.5]) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn a_plateau_schedule_and_clipping_still_learn() {
        let data = blobs(40, 6);
        let schedule = Schedule {
            epochs: 150,
            learning_rate: 0.05,
            max_grad_norm: 0.5,
            plateau: Some((0.5, 5, 1e-4)),
        };
        let out = run(&data, Method::Nll, &schedule, 1).unwrap();
        assert!(out.test_accuracy > 0.9, "{out:?}");
        let bad = Schedule {
            plateau: Some((2.0, 5, 0.0)),
            ..schedule
        };
        assert!(run(&data, Method::Nll, &bad, 1)
            .unwrap_err()
            .contains("factor"));
    }

    #[test]
    fn both_methods_learn_separable_classes() {
        let data = blobs(60, 2);
        let beta = optimal_beta(0.1, &data.class_frequencies());
        for method in [
            Method::Nll,
            Method::PolicyGradient {
                beta,
                entropy_weight: 0.1,
                group: 20,
                baseline: Baseline::LeaveOneOut,
            },
        ] {
            let out = run(&data, method, &Schedule::constant(100, 0.05), 4).unwrap();
            assert!(out.test_accuracy > 0.9, "{method:?}: {out:?}");
        }
    }
}
