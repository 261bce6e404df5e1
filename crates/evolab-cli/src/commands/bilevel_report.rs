//! Pieces every bilevel experiment's report uses: tables written as CSV and Parquet, their
//! columns, method
//! labels in first-seen order, "mean ± half-width" cells and mean ± 95% CI bands.

use std::path::Path;

use evolab_core::export::ExportFormat;
use evolab_core::table::{write_table, Table, Values};
use evolab_plot::BandSeries;
use evolab_rl::experiment::mean_ci95;

/// Writes `table` as `STEM.csv` and `STEM.parquet` in `dir` (for pandas and polars).
pub fn write_tables_as(table: &Table, dir: &Path, stem: &str) -> anyhow::Result<()> {
    write_table(table, ExportFormat::Csv, &dir.join(format!("{stem}.csv")))?;
    write_table(
        table,
        ExportFormat::Parquet,
        &dir.join(format!("{stem}.parquet")),
    )?;
    Ok(())
}

/// A table column of `f` applied to every row.
pub fn ints<T>(rows: &[T], f: impl Fn(&T) -> i64) -> Values {
    Values::Int(rows.iter().map(|r| Some(f(r))).collect())
}

pub fn floats<T>(rows: &[T], f: impl Fn(&T) -> f64) -> Values {
    Values::Float(rows.iter().map(|r| Some(f(r))).collect())
}

pub fn texts<T>(rows: &[T], f: impl Fn(&T) -> String) -> Values {
    Values::Text(rows.iter().map(|r| Some(f(r))).collect())
}

/// The distinct labels, in the order they first appear.
pub fn distinct<'a>(labels: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        if !out.contains(l) {
            out.push(l.clone());
        }
    }
    out
}

/// "mean ± half-width of the 95% CI" (± 0 for one value), or "-" for none.
pub fn ci_cell(values: &[f64], digits: usize) -> String {
    match mean_ci95(values) {
        Some((m, h)) => format!("{m:.digits$} ± {h:.digits$}"),
        None => "-".into(),
    }
}

/// The mean ± 95% CI over `runs` (each a curve on the grid `x`) at every point; values
/// that are not finite are left out.
pub fn ci_band(label: impl Into<String>, x: Vec<f64>, runs: &[Vec<f64>]) -> BandSeries {
    let (mut mean, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..x.len() {
        let v: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.get(k).copied())
            .filter(|v| v.is_finite())
            .collect();
        let (m, h) = mean_ci95(&v).unwrap_or((f64::NAN, 0.0));
        mean.push(m);
        low.push(m - h);
        high.push(m + h);
    }
    BandSeries::new(label, x, mean).band(low, high)
}
