//! The linear-mean experiment's side of `evolab bilevel run | show`: progress lines, the
//! summary table, the CSV tables and the convergence figures of a run folder.

use std::path::Path;

use anyhow::Context;
use evolab_bilevel::linear::{run, LinearConfig, LinearPoint, LinearRow};
use evolab_core::table::{Table, Values};

use super::bilevel_report::{ci_band, ci_cell, distinct, floats, ints, texts, write_tables_as};
use evolab_plot::{save, Figure, LineBands};

/// How close (in nats per dimension) a run must come to NLL training's final validation
/// NLL to count as having reached it.
const REACHED_WITHIN: f64 = 0.01;

pub fn linear(config: &LinearConfig, dir: &Path) -> anyhow::Result<()> {
    let total = config.seeds.len() * config.methods().len();
    let mut done = 0;
    let rows = run(config, |r| {
        done += 1;
        match (&r.error, r.curve.last()) {
            (Some(e), _) => eprintln!("[{done}/{total}] seed {} {}: failed: {e}", r.seed, r.label),
            (None, Some(p)) => eprintln!(
                "[{done}/{total}] seed {} (loc {:.2}, s {:.2}) {}: test NLL {:.3}, mean error {:.4}, σ error {:.4}",
                r.seed, r.loc, r.noise_std, r.label, r.test_nll, p.mean_error, p.sigma_error
            ),
            (None, None) => {}
        }
    })
    .map_err(anyhow::Error::msg)?;
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&rows).context("serialising the report")?,
    )?;
    write_tables(&rows, dir)?;
    figures(&rows, dir)?;
    print_summary(config, &rows);
    Ok(())
}

fn labels(rows: &[LinearRow]) -> Vec<String> {
    distinct(rows.iter().map(|r| &r.label))
}

/// The first update at which `row` comes within [`REACHED_WITHIN`] of `target`.
fn reached(row: &LinearRow, target: f64) -> Option<usize> {
    row.curve
        .iter()
        .find(|p| p.validation_nll <= target + REACHED_WITHIN)
        .map(|p| p.update)
}

pub fn print_summary(config: &LinearConfig, rows: &[LinearRow]) {
    println!(
        "y = x + loc + ε in {} dimensions, {} seeds (loc ~ U(−6, 6), s ~ U(0.1, 2.5) per seed), {} full-batch updates at lr {}; mean ± 95% CI over seeds:",
        config.dim,
        config.seeds.len(),
        config.updates,
        config.learning_rate
    );
    println!(
        "{:<34} {:>18} {:>18} {:>18} {:>24}",
        "method", "test NLL / dim", "mean error", "σ error", "updates to NLL's final"
    );
    let nll_final = |seed: u64| {
        rows.iter()
            .find(|r| r.seed == seed && r.label == "NLL")
            .and_then(|r| r.curve.last())
            .map(|p| p.validation_nll)
    };
    for label in labels(rows) {
        let group: Vec<&LinearRow> = rows
            .iter()
            .filter(|r| r.label == label && r.error.is_none())
            .collect();
        let last: Vec<LinearPoint> = group
            .iter()
            .filter_map(|r| r.curve.last().copied())
            .collect();
        let test: Vec<f64> = group.iter().map(|r| r.test_nll).collect();
        let mean_error: Vec<f64> = last.iter().map(|p| p.mean_error).collect();
        let sigma_error: Vec<f64> = last.iter().map(|p| p.sigma_error).collect();
        let speed: Vec<f64> = group
            .iter()
            .filter_map(|r| nll_final(r.seed).and_then(|t| reached(r, t)))
            .map(|u| u as f64)
            .collect();
        println!(
            "{:<34} {:>18} {:>18} {:>18} {:>14} ({}/{})",
            label,
            ci_cell(&test, 3),
            ci_cell(&mean_error, 4),
            ci_cell(&sigma_error, 4),
            ci_cell(&speed, 1),
            speed.len(),
            group.len()
        );
    }
}

fn write_tables(rows: &[LinearRow], dir: &Path) -> anyhow::Result<()> {
    let runs = Table::default()
        .column("seed", ints(rows, |r| r.seed as i64))
        .column("loc", floats(rows, |r| r.loc))
        .column("noise_std", floats(rows, |r| r.noise_std))
        .column("method", texts(rows, |r| r.label.clone()))
        .column("test_nll", floats(rows, |r| r.test_nll))
        .column("best_update", ints(rows, |r| r.best_update as i64))
        .column(
            "error",
            Values::Text(rows.iter().map(|r| r.error.clone()).collect()),
        );
    write_tables_as(&runs, dir, "linear")?;
    let points: Vec<(&LinearRow, &LinearPoint)> = rows
        .iter()
        .flat_map(|r| r.curve.iter().map(move |p| (r, p)))
        .collect();
    let curves = Table::default()
        .column("seed", ints(&points, |(r, _)| r.seed as i64))
        .column("method", texts(&points, |(r, _)| r.label.clone()))
        .column("update", ints(&points, |(_, p)| p.update as i64))
        .column("validation_nll", floats(&points, |(_, p)| p.validation_nll))
        .column("mean_error", floats(&points, |(_, p)| p.mean_error))
        .column("sigma_error", floats(&points, |(_, p)| p.sigma_error));
    write_tables_as(&curves, dir, "curves")?;
    Ok(())
}

fn figures(rows: &[LinearRow], dir: &Path) -> anyhow::Result<()> {
    type Measure = fn(&LinearPoint) -> f64;
    let measures: [(&str, &str, Measure); 3] = [
        ("validation_nll", "validation NLL per dimension", |p| {
            p.validation_nll
        }),
        ("sigma_error", "‖σ̂ − s‖", |p| p.sigma_error),
        ("mean_error", "error of the mean against x + loc", |p| {
            p.mean_error
        }),
    ];
    for (file, title, pick) in measures {
        let mut chart = LineBands::new(Figure::new(
            format!("Linear mean: {title} during training (mean ± 95% CI over seeds)"),
            "update",
            title,
        ));
        for label in labels(rows) {
            let group: Vec<&LinearRow> = rows
                .iter()
                .filter(|r| r.label == label && r.error.is_none())
                .collect();
            let Some(first) = group.first() else { continue };
            let x: Vec<f64> = first.curve.iter().map(|p| p.update as f64).collect();
            let runs: Vec<Vec<f64>> = group
                .iter()
                .map(|r| r.curve.iter().map(pick).collect())
                .collect();
            chart = chart.series(ci_band(label, x, &runs));
        }
        save(&chart, &dir.join(file)).with_context(|| format!("drawing {file}"))?;
    }
    Ok(())
}
