//! Compressed sparse rows: the reservoir's matrices are 90 % zeros.

use super::real::Real;

/// A sparse matrix in CSR form.
#[derive(Clone, Debug, PartialEq)]
pub struct Csr<T = f64> {
    pub rows: usize,
    pub cols: usize,
    /// `row_start[r]..row_start[r + 1]` indexes row r's entries.
    pub row_start: Vec<usize>,
    pub col: Vec<usize>,
    pub value: Vec<T>,
}

impl<T: Real> Csr<T> {
    /// The same matrix with its values in another precision.
    pub fn convert<U: Real>(&self) -> Csr<U> {
        Csr {
            rows: self.rows,
            cols: self.cols,
            row_start: self.row_start.clone(),
            col: self.col.clone(),
            value: self.value.iter().map(|v| U::from_f64(v.to_f64())).collect(),
        }
    }

    pub fn nonzeros(&self) -> usize {
        self.value.len()
    }

    /// `out[r] += scale · Σ_c self[r, c] · x[c]`.
    pub fn add_scaled_product(&self, scale: T, x: &[T], out: &mut [T]) {
        for (r, o) in out.iter_mut().enumerate().take(self.rows) {
            let span = self.row_start[r]..self.row_start[r + 1];
            let mut dot = T::ZERO;
            for (&c, &v) in self.col[span.clone()].iter().zip(&self.value[span]) {
                dot = dot + v * x[c];
            }
            *o = *o + scale * dot;
        }
    }
}

impl Csr {
    /// From (row, col, value) triplets with distinct positions.
    pub fn from_triplets(rows: usize, cols: usize, mut entries: Vec<(usize, usize, f64)>) -> Self {
        entries.sort_by_key(|&(r, c, _)| (r, c));
        let mut row_start = vec![0; rows + 1];
        for &(r, _, _) in &entries {
            row_start[r + 1] += 1;
        }
        for r in 0..rows {
            row_start[r + 1] += row_start[r];
        }
        Csr {
            rows,
            cols,
            row_start,
            col: entries.iter().map(|e| e.1).collect(),
            value: entries.iter().map(|e| e.2).collect(),
        }
    }

    /// The dense matrix, row-major.
    pub fn to_dense(&self) -> Vec<f64> {
        let mut dense = vec![0.0; self.rows * self.cols];
        for r in 0..self.rows {
            for k in self.row_start[r]..self.row_start[r + 1] {
                dense[r * self.cols + self.col[k]] = self.value[k];
            }
        }
        dense
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_equals_the_dense_one() {
        let m = Csr::from_triplets(3, 2, vec![(2, 1, 4.0), (0, 0, 1.0), (0, 1, -2.0)]);
        assert_eq!(m.to_dense(), vec![1.0, -2.0, 0.0, 0.0, 0.0, 4.0]);
        let mut out = vec![1.0, 1.0, 1.0];
        m.add_scaled_product(0.5, &[3.0, 5.0], &mut out);
        assert_eq!(out, vec![1.0 + 0.5 * (3.0 - 10.0), 1.0, 1.0 + 0.5 * 20.0]);
        assert_eq!(m.nonzeros(), 3);
    }
}
