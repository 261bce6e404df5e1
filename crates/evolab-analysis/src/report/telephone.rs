//! Tables and figures of telephone runs.

use std::collections::BTreeMap;

use evolab_plot::{
    BandSeries, BarGroup, BarValue, Bars, Figure, Line, LineBands, ScatterFit, ScatterGroup,
};

use super::figures::{figure, or_nan, slug};
use super::ReportFolder;
use crate::pipeline::{Analysis, MetricInfo};
use crate::telephone::{AttractorRow, EvolutionRow, TelephoneAnalysis};
use crate::AnalysisError;

pub fn write(report: &mut ReportFolder, analysis: &Analysis) -> Result<(), AnalysisError> {
    let runs = &analysis.telephone;
    let compare = runs.len() > 1;
    let mut values = Vec::new();
    let mut evolution = Vec::new();
    let mut by_text = Vec::new();
    let mut attractors = Vec::new();
    for (run, t) in runs {
        values.extend(t.values.iter().map(|v| (run.as_str(), v)));
        evolution.extend(t.evolution.iter().map(|v| (run.as_str(), v)));
        by_text.extend(t.evolution_by_text.iter().map(|v| (run.as_str(), v)));
        attractors.extend(t.attractors.iter().map(|v| (run.as_str(), v)));
    }
    report.csv_by_run("tables/values.csv", &values)?;
    report.csv_by_run("tables/evolution.csv", &evolution)?;
    report.csv_by_run("tables/evolution_by_initial_text.csv", &by_text)?;
    report.csv_by_run("tables/attractors.csv", &attractors)?;

    for metric in &analysis.metrics {
        evolution_figures(report, runs, metric, compare)?;
        let generations: Vec<u32> = runs
            .iter()
            .flat_map(|(_, t)| t.attractors.iter().map(|a| a.generation))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for generation in generations {
            scatter_figure(report, runs, metric, generation)?;
            attractor_bars(report, runs, metric, generation)?;
        }
    }
    Ok(())
}

fn series_of(rows: &[&EvolutionRow], name: String) -> BandSeries {
    let x: Vec<f64> = rows.iter().map(|r| r.generation as f64).collect();
    let mean: Vec<f64> = rows.iter().map(|r| or_nan(r.mean)).collect();
    let sem: Vec<f64> = rows.iter().map(|r| r.sem.unwrap_or(0.0)).collect();
    let lower = mean.iter().zip(&sem).map(|(m, s)| m - s).collect();
    let upper = mean.iter().zip(&sem).map(|(m, s)| m + s).collect();
    BandSeries::new(name, x, mean).band(lower, upper)
}

fn evolution_figures(
    report: &mut ReportFolder,
    runs: &[(String, TelephoneAnalysis)],
    metric: &MetricInfo,
    compare: bool,
) -> Result<(), AnalysisError> {
    let mut chart = LineBands::new(Figure::new(
        format!("{} over generations (mean ± SEM over chains)", metric.label),
        "Generation",
        metric.label.clone(),
    ));
    for (run, t) in runs {
        for task in &t.tasks {
            let rows: Vec<&EvolutionRow> = t
                .evolution
                .iter()
                .filter(|r| &r.task == task && r.metric == metric.name)
                .collect();
            let name = if compare {
                format!("{run}: {task}")
            } else {
                task.clone()
            };
            chart = chart.series(series_of(&rows, name));
        }
    }
    figure(report, &format!("evolution_{}", slug(&metric.name)), &chart)?;

    // Per initial text, one figure per task (the paper's per-text panels).
    for (run, t) in runs {
        for task in &t.tasks {
            let mut by_text: BTreeMap<&str, Vec<&EvolutionRow>> = BTreeMap::new();
            for r in t
                .evolution_by_text
                .iter()
                .filter(|r| &r.task == task && r.metric == metric.name)
            {
                by_text.entry(r.initial_text.as_str()).or_default().push(r);
            }
            let mut chart = LineBands::new(Figure::new(
                format!(
                    "{}: {task}, by initial text (mean ± SEM over repetitions)",
                    metric.label
                ),
                "Generation",
                metric.label.clone(),
            ));
            for (text, rows) in by_text {
                chart = chart.series(series_of(&rows, text.to_string()));
            }
            let prefix = if compare {
                format!("{}_", slug(run))
            } else {
                String::new()
            };
            figure(
                report,
                &format!(
                    "{prefix}evolution_{}_{}_by_text",
                    slug(&metric.name),
                    slug(task)
                ),
                &chart,
            )?;
        }
    }
    Ok(())
}

fn scatter_figure(
    report: &mut ReportFolder,
    runs: &[(String, TelephoneAnalysis)],
    metric: &MetricInfo,
    generation: u32,
) -> Result<(), AnalysisError> {
    let mut chart = ScatterFit::new(Figure::new(
        format!(
            "Initial vs generation-{generation} {}",
            metric.label.to_lowercase()
        ),
        format!("Initial {}", metric.label.to_lowercase()),
        format!("{} at generation {generation}", metric.label),
    ))
    .mark_label("attractor position");
    let compare = runs.len() > 1;
    for (run, t) in runs {
        for task in &t.tasks {
            let mut initial: BTreeMap<(u32, u32), f64> = BTreeMap::new();
            let mut target: BTreeMap<(u32, u32), f64> = BTreeMap::new();
            for v in t
                .values
                .iter()
                .filter(|v| &v.task == task && v.metric == metric.name)
            {
                if let Some(x) = v.value {
                    if v.generation == 0 {
                        initial.insert((v.repetition, v.chain), x);
                    } else if v.generation == generation {
                        target.insert((v.repetition, v.chain), x);
                    }
                }
            }
            let points: Vec<(f64, f64)> = initial
                .iter()
                .filter_map(|(k, &x)| target.get(k).map(|&y| (x, y)))
                .collect();
            let name = if compare {
                format!("{run}: {task}")
            } else {
                task.clone()
            };
            // The legend shows the fitted equation itself.
            let mut group = ScatterGroup::new(name, points);
            if let Some(row) = find_fit(&t.attractors, task, &metric.name, generation) {
                if let (Some(a), Some(b)) = (row.a, row.b) {
                    group = group.fit(Line::new(a, b));
                }
                if let Some(p) = row.position {
                    group = group.mark(p, p);
                }
            }
            chart = chart.group(group);
        }
    }
    figure(
        report,
        &format!("attractor_scatter_{}_gen{generation}", slug(&metric.name)),
        &chart,
    )
}

fn find_fit<'a>(
    rows: &'a [AttractorRow],
    task: &str,
    metric: &str,
    generation: u32,
) -> Option<&'a AttractorRow> {
    rows.iter()
        .find(|r| r.task == task && r.metric == metric && r.generation == generation)
}

fn attractor_bars(
    report: &mut ReportFolder,
    runs: &[(String, TelephoneAnalysis)],
    metric: &MetricInfo,
    generation: u32,
) -> Result<(), AnalysisError> {
    let tasks: Vec<String> = runs
        .iter()
        .flat_map(|(_, t)| t.tasks.iter().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for (what, label) in [
        ("position", "Attractor position"),
        ("strength", "Attractor strength"),
    ] {
        let mut chart = Bars::new(
            Figure::new(
                format!(
                    "{label}: {} at generation {generation} (95% bootstrap CI)",
                    metric.label.to_lowercase()
                ),
                "Task",
                if what == "position" {
                    metric.label.clone()
                } else {
                    "Strength 1 − |a|".into()
                },
            ),
            tasks.clone(),
        );
        for (run, t) in runs {
            let values: Vec<Option<BarValue>> = tasks
                .iter()
                .map(|task| {
                    let row = find_fit(&t.attractors, task, &metric.name, generation)?;
                    let (v, lo, hi) = if what == "position" {
                        (row.position?, row.position_ci_low, row.position_ci_high)
                    } else {
                        (row.strength?, row.strength_ci_low, row.strength_ci_high)
                    };
                    Some(match (lo, hi) {
                        (Some(lo), Some(hi)) => BarValue::with_ci(v, lo, hi),
                        _ => BarValue::new(v),
                    })
                })
                .collect();
            chart = chart.group(BarGroup::new(run.clone(), values));
        }
        figure(
            report,
            &format!("attractor_{what}_{}_gen{generation}", slug(&metric.name)),
            &chart,
        )?;
    }
    Ok(())
}
