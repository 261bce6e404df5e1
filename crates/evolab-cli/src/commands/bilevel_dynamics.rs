//! The dynamics experiment's side of `evolab bilevel run | show`: progress lines, the
//! summary table, the CSV tables and the figures of a run folder.

use std::path::Path;

use anyhow::Context;
use evolab_bilevel::dynamics::{run, DynamicsConfig, DynamicsReport, DynamicsRow, Progress};
use evolab_core::table::{Table, Values};

use super::bilevel_report::{ci_band, ci_cell, distinct, floats, ints, texts, write_tables_as};
use evolab_plot::{save, BarGroup, BarValue, Bars, Figure, LineBands};
use evolab_rl::experiment::mean_ci95;

pub fn dynamics(config: &DynamicsConfig, dir: &Path) -> anyhow::Result<()> {
    let total = config.seeds.len() * config.methods().len();
    let mut done = 0;
    let report = run(config, |event| match event {
        Progress::Data { seed, trace } => {
            eprintln!("seed {seed}: data collected, tr Σ̂ = {trace:.3e}")
        }
        Progress::Row(r) => {
            done += 1;
            match &r.error {
                Some(e) => eprintln!("[{done}/{total}] seed {} {}: failed: {e}", r.seed, r.label),
                None => eprintln!(
                    "[{done}/{total}] seed {} {}: test RMSE {:.4}, NLL {:.3}, return {:?}",
                    r.seed,
                    r.label,
                    r.test_rmse,
                    r.test_nll,
                    r.returns.iter().map(|v| v.round()).collect::<Vec<_>>()
                ),
            }
        }
    })
    .map_err(anyhow::Error::msg)?;
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&report).context("serialising the report")?,
    )?;
    write_tables(&report, dir)?;
    figures(config, &report, dir)?;
    print_summary(config, &report);
    Ok(())
}

/// The labels of the methods in report order.
fn labels(report: &DynamicsReport) -> Vec<String> {
    distinct(report.rows.iter().map(|r| &r.label))
}

/// Mean return per seed of one method (the unit the CI is over).
fn seed_returns(rows: &[&DynamicsRow]) -> Vec<f64> {
    rows.iter()
        .filter(|r| r.error.is_none() && !r.returns.is_empty())
        .map(|r| r.returns.iter().sum::<f64>() / r.returns.len() as f64)
        .collect()
}

pub fn print_summary(config: &DynamicsConfig, report: &DynamicsReport) {
    let traces: Vec<f64> = report.covariances.iter().map(|c| c.trace).collect();
    println!(
        "{}: {} transitions per seed, {} seeds; tr Σ̂ ({:?}) {}",
        config.env,
        config.transitions,
        config.seeds.len(),
        config.covariance_estimate,
        ci_cell(&traces, 5)
    );
    println!(
        "test metrics and planner return, mean ± 95% CI over seeds ({} episodes of at most {} steps per model):",
        config.planner.episodes, config.planner.max_steps
    );
    println!(
        "{:<52} {:>20} {:>20} {:>22} {:>6}",
        "method", "test RMSE", "test NLL / dim", "return", "failed"
    );
    for label in labels(report) {
        let rows: Vec<&DynamicsRow> = report.rows.iter().filter(|r| r.label == label).collect();
        let ok: Vec<&&DynamicsRow> = rows.iter().filter(|r| r.error.is_none()).collect();
        let rmse: Vec<f64> = ok.iter().map(|r| r.test_rmse).collect();
        let nll: Vec<f64> = ok.iter().map(|r| r.test_nll).collect();
        println!(
            "{:<52} {:>20} {:>20} {:>22} {:>6}",
            label,
            ci_cell(&rmse, 4),
            ci_cell(&nll, 3),
            ci_cell(&seed_returns(&rows), 1),
            rows.len() - ok.len()
        );
    }
    let random: Vec<f64> = report
        .random_returns
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.iter().sum::<f64>() / r.len() as f64)
        .collect();
    println!(
        "{:<52} {:>20} {:>20} {:>22}",
        "random actions",
        "",
        "",
        ci_cell(&random, 1)
    );
}

fn write_tables(report: &DynamicsReport, dir: &Path) -> anyhow::Result<()> {
    let rows = &report.rows;
    let runs = Table::default()
        .column("seed", ints(rows, |r| r.seed as i64))
        .column("method", texts(rows, |r| r.label.clone()))
        .column(
            "lambda",
            Values::Float(
                rows.iter()
                    .map(|r| match r.method {
                        evolab_bilevel::dynamics::Method::PolicyGradient { lambda, .. } => {
                            Some(lambda)
                        }
                        _ => None,
                    })
                    .collect(),
            ),
        )
        .column("test_rmse", floats(rows, |r| r.test_rmse))
        .column("test_nll", floats(rows, |r| r.test_nll))
        .column("test_variance", floats(rows, |r| r.test_variance))
        .column("best_update", ints(rows, |r| r.best_update as i64))
        .column(
            "mean_return",
            Values::Float(
                rows.iter()
                    .map(|r| {
                        (!r.returns.is_empty())
                            .then(|| r.returns.iter().sum::<f64>() / r.returns.len() as f64)
                    })
                    .collect(),
            ),
        )
        .column(
            "error",
            Values::Text(rows.iter().map(|r| r.error.clone()).collect()),
        );
    write_tables_as(&runs, dir, "dynamics")?;
    let points: Vec<(&DynamicsRow, &evolab_bilevel::regression::CurvePoint)> = rows
        .iter()
        .flat_map(|r| r.curve.iter().map(move |c| (r, c)))
        .collect();
    let curves = Table::default()
        .column("seed", ints(&points, |(r, _)| r.seed as i64))
        .column("method", texts(&points, |(r, _)| r.label.clone()))
        .column("update", ints(&points, |(_, c)| c.update as i64))
        .column("train_loss", floats(&points, |(_, c)| c.train_loss))
        .column(
            "validation_rmse",
            floats(&points, |(_, c)| c.validation.rmse),
        )
        .column("validation_nll", floats(&points, |(_, c)| c.validation.nll))
        .column(
            "validation_variance",
            floats(&points, |(_, c)| c.validation.variance),
        );
    write_tables_as(&curves, dir, "curves")?;
    Ok(())
}

fn figures(config: &DynamicsConfig, report: &DynamicsReport, dir: &Path) -> anyhow::Result<()> {
    let labels = labels(report);
    if config.planner.episodes > 0 {
        let mut categories = labels.clone();
        categories.push("random actions".into());
        let mut values: Vec<Option<BarValue>> = labels
            .iter()
            .map(|l| {
                let rows: Vec<&DynamicsRow> =
                    report.rows.iter().filter(|r| &r.label == l).collect();
                mean_ci95(&seed_returns(&rows)).map(|(m, h)| BarValue::with_ci(m, m - h, m + h))
            })
            .collect();
        let random: Vec<f64> = report
            .random_returns
            .iter()
            .map(|r| r.iter().sum::<f64>() / r.len().max(1) as f64)
            .collect();
        values.push(mean_ci95(&random).map(|(m, h)| BarValue::with_ci(m, m - h, m + h)));
        let chart = Bars::new(
            Figure::new(
                format!(
                    "{}: CEM planner return per model (95% CI over seeds)",
                    config.env
                ),
                "dynamics model",
                "return",
            ),
            categories,
        )
        .group(BarGroup::new("return", values));
        save(&chart, &dir.join("returns")).context("drawing the returns figure")?;
    }
    for (file, title, pick) in [
        (
            "curves_rmse",
            "validation RMSE",
            (|c: &evolab_bilevel::regression::CurvePoint| c.validation.rmse) as fn(&_) -> f64,
        ),
        ("curves_nll", "validation NLL per dimension", |c| {
            c.validation.nll
        }),
    ] {
        let mut chart = LineBands::new(Figure::new(
            format!("{}: {title} (mean ± 95% CI over seeds)", config.env),
            "update",
            title,
        ));
        for l in &labels {
            let rows: Vec<&DynamicsRow> = report
                .rows
                .iter()
                .filter(|r| &r.label == l && r.error.is_none() && !r.curve.is_empty())
                .collect();
            let Some(first) = rows.first() else { continue };
            let x: Vec<f64> = first.curve.iter().map(|c| c.update as f64).collect();
            let runs: Vec<Vec<f64>> = rows
                .iter()
                .map(|r| r.curve.iter().map(pick).collect())
                .collect();
            chart = chart.series(ci_band(l.clone(), x, &runs));
        }
        save(&chart, &dir.join(file)).with_context(|| format!("drawing {file}"))?;
    }
    Ok(())
}
