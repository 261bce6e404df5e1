//! Adam in double precision for the small parameter vectors of the bilevel experiments,
//! gradient-norm clipping, and a reduce-on-plateau learning-rate schedule.

/// Adam (Kingma & Ba) with bias correction, minimising.
#[derive(Clone, Debug)]
pub struct Adam {
    pub learning_rate: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    step: i32,
    m: Vec<f64>,
    v: Vec<f64>,
}

impl Adam {
    pub fn new(parameters: usize, learning_rate: f64) -> Self {
        Adam {
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            step: 0,
            m: vec![0.0; parameters],
            v: vec![0.0; parameters],
        }
    }

    /// One step against `gradient` (of a loss to minimise).
    pub fn step(&mut self, params: &mut [f64], gradient: &[f64]) {
        self.step += 1;
        let c1 = 1.0 - self.beta1.powi(self.step);
        let c2 = 1.0 - self.beta2.powi(self.step);
        for (((p, &g), m), v) in params
            .iter_mut()
            .zip(gradient)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            *m = self.beta1 * *m + (1.0 - self.beta1) * g;
            *v = self.beta2 * *v + (1.0 - self.beta2) * g * g;
            *p -= self.learning_rate * (*m / c1) / ((*v / c2).sqrt() + self.eps);
        }
    }
}

/// Scales `gradient` so that its Euclidean norm is at most `max_norm`; returns the norm
/// before.
pub fn clip_grad_norm(gradient: &mut [f64], max_norm: f64) -> f64 {
    let norm = gradient.iter().map(|g| g * g).sum::<f64>().sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        gradient.iter_mut().for_each(|g| *g *= scale);
    }
    norm
}

/// Multiplies the learning rate by `factor` when the monitored loss has not improved on its
/// best for `patience` consecutive observations, down to `min_learning_rate`.
#[derive(Clone, Debug)]
pub struct Plateau {
    pub factor: f64,
    pub patience: usize,
    pub min_learning_rate: f64,
    best: f64,
    bad: usize,
}

impl Plateau {
    pub fn new(factor: f64, patience: usize, min_learning_rate: f64) -> Result<Self, String> {
        if !(factor > 0.0 && factor < 1.0) || min_learning_rate < 0.0 {
            return Err(format!(
                "a plateau schedule needs 0 < factor < 1 and a non-negative floor, got {factor} and {min_learning_rate}"
            ));
        }
        Ok(Plateau {
            factor,
            patience,
            min_learning_rate,
            best: f64::INFINITY,
            bad: 0,
        })
    }

    /// Records `loss` and lowers `adam`'s learning rate if the plateau is long enough.
    pub fn observe(&mut self, loss: f64, adam: &mut Adam) {
        if loss < self.best {
            self.best = loss;
            self.bad = 0;
            return;
        }
        self.bad += 1;
        if self.bad > self.patience {
            adam.learning_rate = (adam.learning_rate * self.factor).max(self.min_learning_rate);
            self.bad = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_and_the_plateau_schedule() {
        let mut g = [3.0, 4.0];
        assert_eq!(clip_grad_norm(&mut g, 1.0), 5.0);
        assert!((g[0] - 0.6).abs() < 1e-12 && (g[1] - 0.8).abs() < 1e-12);
        let mut small = [0.1, 0.0];
        clip_grad_norm(&mut small, 1.0);
        assert_eq!(small, [0.1, 0.0]);

        let mut adam = Adam::new(1, 0.1);
        let mut plateau = Plateau::new(0.5, 2, 0.02).unwrap();
        for loss in [1.0, 0.9, 0.95, 0.95] {
            plateau.observe(loss, &mut adam);
        }
        assert_eq!(
            adam.learning_rate, 0.1,
            "two bad observations are within the patience"
        );
        plateau.observe(0.95, &mut adam);
        assert_eq!(adam.learning_rate, 0.05);
        for _ in 0..9 {
            plateau.observe(1.0, &mut adam);
        }
        assert_eq!(adam.learning_rate, 0.02, "never below the floor");
        assert!(Plateau::new(1.5, 1, 0.0).is_err());
    }

    #[test]
    fn minimises_a_quadratic() {
        let mut adam = Adam::new(2, 0.05);
        let mut p = [3.0, -2.0];
        for _ in 0..3000 {
            let g = [2.0 * (p[0] - 1.0), 8.0 * (p[1] + 0.5)];
            adam.step(&mut p, &g);
        }
        assert!(
            (p[0] - 1.0).abs() < 1e-3 && (p[1] + 0.5).abs() < 1e-3,
            "{p:?}"
        );
    }
}
