//! The spectral radius (largest |eigenvalue|) of a dense square matrix.
//!
//! The reservoir's W0 is non-normal and its dominant eigenvalues are often a complex pair, so
//! power iteration can oscillate or converge slowly; the eigenvalues come from a real Schur
//! decomposition (nalgebra's), as the spec asks.

use nalgebra::DMatrix;

/// ρ of the `n`×`n` row-major matrix `dense`; `None` when the decomposition does not
/// converge or the matrix holds a non-finite value.
pub fn spectral_radius(dense: &[f64], n: usize) -> Option<f64> {
    assert_eq!(dense.len(), n * n, "a square matrix");
    if n == 0 {
        return Some(0.0);
    }
    if dense.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let m = DMatrix::from_row_slice(n, n, dense);
    let schur = m.try_schur(f64::EPSILON, 10_000)?;
    schur
        .complex_eigenvalues()
        .iter()
        .map(|z| z.norm())
        .fold(None, |acc: Option<f64>, r| {
            Some(acc.map_or(r, |a| a.max(r)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_spectra() {
        // A rotation by 90° scaled by 3: eigenvalues ±3i, where power iteration never settles.
        assert!((spectral_radius(&[0.0, -3.0, 3.0, 0.0], 2).unwrap() - 3.0).abs() < 1e-12);
        // Triangular: the diagonal.
        let tri = [2.0, 5.0, 7.0, 0.0, -4.0, 1.0, 0.0, 0.0, 0.5];
        assert!((spectral_radius(&tri, 3).unwrap() - 4.0).abs() < 1e-12);
        // Companion matrix of (x − 1)(x + 2)(x − 0.5) = x³ + 0.5x² − 2.5x + 1.
        let companion = [-0.5, 2.5, -1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        assert!((spectral_radius(&companion, 3).unwrap() - 2.0).abs() < 1e-9);
        // Nilpotent: all eigenvalues 0.
        assert!(spectral_radius(&[0.0, 1.0, 0.0, 0.0], 2).unwrap() < 1e-12);
        assert_eq!(spectral_radius(&[], 0), Some(0.0));
        assert_eq!(spectral_radius(&[f64::NAN], 1), None);
    }
}
