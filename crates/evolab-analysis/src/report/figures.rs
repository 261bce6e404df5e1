//! Small helpers shared by the figure builders.

use std::path::Path;

use evolab_plot::{save, Draw};

use super::ReportFolder;
use crate::AnalysisError;

/// Saves a chart as `figures/<name>.png` and `.svg`.
pub fn figure(
    report: &mut ReportFolder,
    name: &str,
    chart: &impl Draw,
) -> Result<(), AnalysisError> {
    let png = report.path(&format!("figures/{name}.png"))?;
    report.path(&format!("figures/{name}.svg"))?;
    let stem = png.with_extension("");
    save(chart, Path::new(&stem))
        .map_err(|e| AnalysisError::Invalid(format!("drawing figure {name}: {e}")))?;
    Ok(())
}

/// A file-name-safe version of a task, metric or run name.
pub fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').to_string()
}

/// `None` as NaN, which the charts draw as a gap.
pub fn or_nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}
