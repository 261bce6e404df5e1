//! Writing analyses out: tables, figures and the Markdown report.

mod culture;
mod figures;
mod folder;
mod markdown;
mod telephone;

use std::path::{Path, PathBuf};

pub use folder::ReportFolder;

use crate::pipeline::Analysis;
use crate::AnalysisError;

#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Also draw the original code's inflated within-generation similarity.
    pub legacy: bool,
}

/// Writes the report folder for `analysis` at `target` (replacing an older report there)
/// and returns its path.
pub fn write(
    analysis: &Analysis,
    target: &Path,
    options: &ReportOptions,
) -> Result<PathBuf, AnalysisError> {
    let mut report = ReportFolder::create(target)?;
    let json = serde_json::to_string_pretty(analysis)
        .map_err(|e| AnalysisError::Invalid(format!("serialising the analysis: {e}")))?;
    report.text("analysis.json", &json)?;
    report.csv("tables/runs.csv", &analysis.runs)?;
    if !analysis.telephone.is_empty() {
        telephone::write(&mut report, analysis)?;
    }
    if let Some(c) = &analysis.culture {
        culture::write(&mut report, analysis, c, options.legacy)?;
    }
    let figures: Vec<String> = report
        .files()
        .iter()
        .filter_map(|f| {
            let s = f.to_string_lossy();
            s.strip_prefix("figures/")
                .and_then(|n| n.strip_suffix(".png"))
                .map(str::to_string)
        })
        .collect();
    report.text("report.md", &markdown::render(analysis, &figures))?;
    report.finish()
}
