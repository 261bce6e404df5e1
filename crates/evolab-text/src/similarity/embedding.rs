//! Cosine matrix of sentence embeddings.

use super::matrix::Matrix;

/// `S[i,j] = vᵢ·vⱼ`, summed in `f64`. The vectors are taken to be unit length already (as
/// the embedders return them), so this is their cosine; they are not renormalised, which
/// keeps a zero vector's row at zero. Vectors of different lengths are compared over their
/// common prefix, i.e. as if padded with zeros.
pub fn cosine_from_embeddings(vectors: &[Vec<f32>]) -> Matrix {
    let n = vectors.len();
    let mut out = Matrix::zeros(n, n);
    for i in 0..n {
        for j in i..n {
            let dot: f64 = vectors[i]
                .iter()
                .zip(&vectors[j])
                .map(|(&a, &b)| a as f64 * b as f64)
                .sum();
            out.set(i, j, dot);
            out.set(j, i, dot);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_products_of_unit_vectors() {
        let h = std::f32::consts::FRAC_1_SQRT_2;
        let s =
            cosine_from_embeddings(&[vec![1.0, 0.0], vec![h, h], vec![0.0, -1.0], vec![0.0, 0.0]]);
        assert!((s.get(0, 1) - h as f64).abs() < 1e-7);
        assert!((s.get(1, 2) + h as f64).abs() < 1e-7);
        assert_eq!(s.get(0, 2), 0.0);
        assert_eq!(s.get(2, 2), 1.0);
        assert_eq!(s.get(3, 3), 0.0);
        assert_eq!(s.get(2, 1), s.get(1, 2));
        assert_eq!(cosine_from_embeddings(&[]).rows(), 0);
    }
}
