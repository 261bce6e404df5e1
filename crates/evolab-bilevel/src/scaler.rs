//! Per-column standardisation with statistics of the training rows only (the original fitted
//! its scaler on all the data, spec §8 defect 8).

use nalgebra::DMatrix;

/// Per-column standardisation (of model inputs, or of targets), fitted on training rows only.
#[derive(Clone, Debug, PartialEq)]
pub struct Scaler {
    mean: Vec<f64>,
    scale: Vec<f64>,
}

impl Scaler {
    pub fn fit(x: &DMatrix<f64>) -> Self {
        let rows = x.nrows().max(1) as f64;
        let (mut mean, mut scale) = (Vec::new(), Vec::new());
        for c in x.column_iter() {
            let m = c.sum() / rows;
            let var = c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / rows;
            mean.push(m);
            // A constant column (a one-hot that never varies) stays at zero.
            scale.push(if var > 1e-24 { var.sqrt() } else { 1.0 });
        }
        Scaler { mean, scale }
    }

    /// Fitted on row-major values `width` to a row.
    pub fn fit_rows(values: &[f64], width: usize) -> Self {
        Scaler::fit(&DMatrix::from_row_slice(
            values.len() / width,
            width,
            values,
        ))
    }

    pub fn transform(&self, x: &mut DMatrix<f64>) {
        for (j, mut c) in x.column_iter_mut().enumerate() {
            c.apply(|v| *v = (*v - self.mean[j]) / self.scale[j]);
        }
    }

    /// Standardises row-major values in place.
    pub fn transform_rows(&self, values: &mut [f64]) {
        let w = self.mean.len();
        for (k, v) in values.iter_mut().enumerate() {
            *v = (*v - self.mean[k % w]) / self.scale[k % w];
        }
    }

    /// Fitted on rows given as vectors.
    pub fn fit_vectors(rows: &[Vec<f64>]) -> Self {
        let width = rows.first().map_or(0, Vec::len);
        let flat: Vec<f64> = rows.iter().flatten().copied().collect();
        Scaler::fit_rows(&flat, width.max(1))
    }

    /// One row, standardised.
    pub fn transform_vector(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .enumerate()
            .map(|(j, v)| (v - self.mean[j]) / self.scale[j])
            .collect()
    }

    /// The original units of standardised column `j`'s value `z`.
    pub fn restore(&self, j: usize, z: f64) -> f64 {
        z * self.scale[j] + self.mean[j]
    }
}
