//! The Mahalanobis reward R_U(ŷ, y) = −(ŷ − y)ᵀ U (ŷ − y), U symmetric positive definite.

use nalgebra::DMatrix;

/// R_U with its matrix U.
#[derive(Clone, Debug, PartialEq)]
pub struct Mahalanobis {
    u: DMatrix<f64>,
}

impl Mahalanobis {
    /// U = I: the negative squared error summed over dimensions.
    pub fn identity(dim: usize) -> Self {
        Mahalanobis {
            u: DMatrix::identity(dim, dim),
        }
    }

    /// U = u·I.
    pub fn isotropic(dim: usize, u: f64) -> Result<Self, String> {
        if !(u.is_finite() && u > 0.0) {
            return Err(format!("an isotropic reward needs u > 0, got {u}"));
        }
        Ok(Mahalanobis {
            u: DMatrix::identity(dim, dim) * u,
        })
    }

    /// A full U, given row-major; it must be symmetric positive definite.
    pub fn full(dim: usize, u: &[f64]) -> Result<Self, String> {
        if u.len() != dim * dim {
            return Err(format!(
                "U needs {} entries for dimension {dim}, got {}",
                dim * dim,
                u.len()
            ));
        }
        let m = DMatrix::from_row_slice(dim, dim, u);
        let asymmetry = (&m - m.transpose()).amax();
        if asymmetry.is_nan() || asymmetry > 1e-12 * m.amax().max(1.0) {
            return Err(format!(
                "U must be symmetric; it differs from its transpose by {asymmetry:e}"
            ));
        }
        if m.clone().cholesky().is_none() {
            return Err("U must be positive definite (its Cholesky factorisation failed)".into());
        }
        Ok(Mahalanobis { u: m })
    }

    pub fn dim(&self) -> usize {
        self.u.nrows()
    }

    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.u
    }

    /// −(ŷ − y)ᵀ U (ŷ − y).
    pub fn value(&self, prediction: &[f64], target: &[f64]) -> f64 {
        let n = self.dim();
        let mut total = 0.0;
        for i in 0..n {
            let di = prediction[i] - target[i];
            for j in 0..n {
                total += di * self.u[(i, j)] * (prediction[j] - target[j]);
            }
        }
        -total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_checks() {
        let r = Mahalanobis::full(2, &[2.0, 0.5, 0.5, 1.0]).unwrap();
        // d = (1, -1): dᵀUd = 2 − 0.5 − 0.5 + 1 = 2.
        assert_eq!(r.value(&[1.0, 0.0], &[0.0, 1.0]), -2.0);
        assert_eq!(
            Mahalanobis::identity(3).value(&[1.0, 2.0, 3.0], &[0.0; 3]),
            -14.0
        );
        assert!(Mahalanobis::full(2, &[1.0, 2.0, 0.0, 1.0])
            .unwrap_err()
            .contains("symmetric"));
        assert!(Mahalanobis::full(2, &[1.0, 2.0, 2.0, 1.0])
            .unwrap_err()
            .contains("positive definite"));
        assert!(Mahalanobis::isotropic(2, 0.0).is_err());
        assert!(Mahalanobis::full(2, &[1.0]).is_err());
    }
}
