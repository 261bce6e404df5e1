pub mod bars;
pub mod graph;
pub mod heatmap;
pub mod line_bands;
pub mod scatter_fit;
pub mod tick_chart;

/// Checks a user-given axis range.
pub(crate) fn check_range(
    chart: &'static str,
    what: &str,
    range: Option<(f64, f64)>,
) -> Result<(), crate::PlotError> {
    match range {
        Some((lo, hi)) if !(lo.is_finite() && hi.is_finite() && lo < hi) => {
            Err(crate::PlotError::invalid(
                chart,
                format!("{what} ({lo}, {hi}) must be two finite numbers with low < high"),
            ))
        }
        _ => Ok(()),
    }
}

/// How many ticks fit along `pixels` when labels need about `label_px` each.
pub(crate) fn tick_target(pixels: f64, label_px: f64) -> usize {
    ((pixels / label_px.max(1.0)).floor() as usize).clamp(2, 10)
}
