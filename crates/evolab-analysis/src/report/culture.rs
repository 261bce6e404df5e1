//! Tables and figures of culture runs.

use std::collections::BTreeMap;

use evolab_plot::{BandSeries, Edge, Figure, GraphPlot, Heatmap, LineBands, Node, TickChart};

use super::figures::{figure, or_nan, slug};
use super::ReportFolder;
use crate::culture::{CultureAnalysis, CurveRow, CurveSummary};
use crate::pipeline::Analysis;
use crate::AnalysisError;

/// The generation curves drawn, with their axis labels. The legacy within-generation value
/// is drawn only on request, since it is inflated by self-pairs.
fn curves(legacy: bool, analysis: &Analysis) -> Vec<(String, String)> {
    let mut out = vec![];
    for prefix in ["tfidf", "embedding"] {
        let kind = if prefix == "tfidf" {
            "TF-IDF"
        } else {
            "embedding"
        };
        out.push((
            format!("{prefix}_to_first"),
            format!("{kind} similarity to generation 0"),
        ));
        out.push((
            format!("{prefix}_within"),
            format!("{kind} similarity within a generation"),
        ));
        if legacy {
            out.push((
                format!("{prefix}_within_legacy"),
                format!(
                    "{kind} within-generation similarity, original formula (self-pairs included)"
                ),
            ));
        }
        out.push((
            format!("{prefix}_successive"),
            format!("{kind} similarity to the previous generation"),
        ));
    }
    out.push((
        "creativity".into(),
        "Creativity index (1 − mean word cosine)".into(),
    ));
    for m in &analysis.metrics {
        out.push((m.name.clone(), format!("{} (mean over stories)", m.label)));
    }
    out
}

pub fn write(
    report: &mut ReportFolder,
    analysis: &Analysis,
    culture: &CultureAnalysis,
    legacy: bool,
) -> Result<(), AnalysisError> {
    let all_curves: Vec<&CurveRow> = culture.runs.iter().flat_map(|r| &r.curves).collect();
    let all_summary: Vec<&CurveSummary> = culture.runs.iter().flat_map(|r| &r.summary).collect();
    report.csv("tables/generation_curves.csv", &all_curves)?;
    report.csv("tables/generation_summary.csv", &all_summary)?;

    for (measure, label) in curves(legacy, analysis) {
        let mut chart = LineBands::new(Figure::new(
            format!("{label} (mean and 95% CI over repetitions)"),
            "Generation",
            label.clone(),
        ));
        let mut any = false;
        for run in &culture.runs {
            let rows: Vec<&CurveSummary> = run
                .summary
                .iter()
                .filter(|s| s.measure == measure)
                .collect();
            if rows.iter().all(|r| r.mean.is_none()) {
                continue;
            }
            any = true;
            let x: Vec<f64> = rows.iter().map(|r| r.generation as f64).collect();
            let mean: Vec<f64> = rows.iter().map(|r| or_nan(r.mean)).collect();
            let lower: Vec<f64> = rows
                .iter()
                .map(|r| r.ci_low.or(r.mean).unwrap_or(f64::NAN))
                .collect();
            let upper: Vec<f64> = rows
                .iter()
                .map(|r| r.ci_high.or(r.mean).unwrap_or(f64::NAN))
                .collect();
            let mut by_rep: BTreeMap<u32, BTreeMap<u32, f64>> = BTreeMap::new();
            for c in run.curves.iter().filter(|c| c.measure == measure) {
                by_rep
                    .entry(c.repetition)
                    .or_default()
                    .insert(c.generation, or_nan(c.value));
            }
            let replicates: Vec<Vec<f64>> = by_rep
                .values()
                .map(|g| {
                    rows.iter()
                        .map(|r| g.get(&r.generation).copied().unwrap_or(f64::NAN))
                        .collect()
                })
                .collect();
            let reps = by_rep.len();
            chart = chart.series(
                BandSeries::new(format!("{} (n = {reps})", run.run), x, mean)
                    .band(lower, upper)
                    .replicates(if reps > 1 { replicates } else { Vec::new() }),
            );
        }
        if any {
            figure(report, &format!("curve_{}", slug(&measure)), &chart)?;
        }
    }

    for run in &culture.runs {
        let prefix = if culture.runs.len() > 1 {
            format!("{}_", slug(&run.run))
        } else {
            String::new()
        };
        for rep in &run.repetitions {
            let r = rep.repetition;
            let story_labels: Vec<String> = rep
                .layout
                .generations()
                .iter()
                .enumerate()
                .flat_map(|(g, stories)| (0..stories.len()).map(move |k| format!("g{g}.{k}")))
                .collect();
            let gen_labels: Vec<String> = (0..rep.layout.len()).map(|g| format!("{g}")).collect();
            figure(
                report,
                &format!("{prefix}rep{r}_story_similarity"),
                &Heatmap::new(
                    Figure::new(
                        format!("TF-IDF cosine between stories, repetition {r}"),
                        "Story (generation.agent)",
                        "Story (generation.agent)",
                    ),
                    rep.tfidf_matrix.to_rows(),
                )
                .labels(story_labels.clone(), story_labels.clone())
                .range(0.0, 1.0)
                .colour_label("cosine"),
            )?;
            figure(
                report,
                &format!("{prefix}rep{r}_generation_similarity"),
                &Heatmap::new(
                    Figure::new(
                        format!("Mean TF-IDF cosine between generations, repetition {r}"),
                        "Generation",
                        "Generation",
                    ),
                    rep.tfidf.between.to_rows(),
                )
                .labels(gen_labels.clone(), gen_labels)
                .colour_label("mean cosine")
                .annotate(rep.layout.len() <= 15),
            )?;
            let rows = rep.word_chains.presence();
            figure(
                report,
                &format!("{prefix}rep{r}_word_chains"),
                &TickChart::new(
                    Figure::new(
                        format!("Word chains, repetition {r} (30 most frequent stems per story)"),
                        "Stem, in order of first appearance",
                        "Story (generation.agent)",
                    ),
                    rep.word_chains.stems.clone(),
                    rows,
                )
                .row_labels(story_labels),
            )?;
            let nodes: Vec<Node> = rep
                .graph
                .positions
                .iter()
                .enumerate()
                .map(|(g, p)| Node::new(format!("{g}"), p[0], p[1]))
                .collect();
            let edges: Vec<Edge> = rep
                .graph
                .edges
                .iter()
                .map(|e| {
                    let edge = Edge::new(e.from, e.to, e.weight.max(0.0));
                    if e.successive {
                        edge.highlighted()
                    } else {
                        edge
                    }
                })
                .collect();
            figure(
                report,
                &format!("{prefix}rep{r}_generation_graph"),
                &GraphPlot::new(
                    Figure::new(
                        format!("Generation similarity graph, repetition {r}"),
                        "",
                        "",
                    ),
                    nodes,
                    edges,
                )
                .labels("mean TF-IDF cosine", "successive generations"),
            )?;
        }
    }
    Ok(())
}
