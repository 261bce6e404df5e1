//! `evolab bilevel run | show`: the experiments of arXiv:2510.07624 (the theory check, the
//! linear-mean experiment, the classification sweep and the dynamics experiment), stored as
//! folders under `<home>/bilevel/`.

use std::path::PathBuf;

use anyhow::{bail, Context};
use evolab_bilevel::classification_sweep::{run_dataset, ClassificationConfig, ClassificationRow};
use evolab_bilevel::dataset::sklearn_dataset;
use evolab_bilevel::experiment::Experiment;
use evolab_bilevel::theory::{run, EstimatorName, InnerRow, TheoryConfig, TheoryReport};
use evolab_core::table::{Table, Values};
use evolab_plot::{save, Figure, ScatterFit, ScatterGroup};
use evolab_plot::{BarGroup, BarValue, Bars};
use evolab_rl::experiment::mean_ci95;

use super::bilevel_report::{ci_cell, distinct, floats, ints, texts, write_tables_as};
use crate::cli::BilevelRunArgs;
use crate::workspace::{check_folder_name, timestamped_name, Workspace};

fn run_dir(ws: &Workspace, name: &str) -> anyhow::Result<PathBuf> {
    check_folder_name("run", name)?;
    Ok(ws.home.join("bilevel").join(name))
}

pub fn run_command(ws: &Workspace, args: &BilevelRunArgs) -> anyhow::Result<()> {
    let (text, base) = match (&args.config, &args.preset) {
        (Some(path), _) => (
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
            path.file_stem()
                .map_or("bilevel".into(), |s| s.to_string_lossy().into_owned()),
        ),
        (None, Some(name)) => (
            crate::presets::bilevel_preset(name)?.to_string(),
            name.clone(),
        ),
        (None, None) => bail!("give an experiment file or --preset NAME (`evolab presets`)"),
    };
    let mut experiment = Experiment::from_toml(&text).map_err(anyhow::Error::msg)?;
    if let Some(seeds) = &args.seeds {
        experiment.set_seeds(seeds.clone());
    }
    experiment.check().map_err(anyhow::Error::msg)?;
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| timestamped_name(&base, &now));
    let dir = run_dir(ws, &name)?;
    if dir.join("report.json").exists() {
        bail!(
            "a run named {name} exists already ({}); choose another --name",
            dir.display()
        );
    }
    let datasets = match &experiment {
        Experiment::Classification(c) => load_datasets(ws, c)?,
        Experiment::Theory(_) | Experiment::Linear(_) | Experiment::Dynamics(_) => Vec::new(),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("config.toml"), experiment.to_toml())?;
    match &experiment {
        Experiment::Theory(config) => theory(config, &dir)?,
        Experiment::Classification(config) => classification(config, &datasets, &dir)?,
        Experiment::Linear(config) => super::bilevel_linear::linear(config, &dir)?,
        Experiment::Dynamics(config) => super::bilevel_dynamics::dynamics(config, &dir)?,
    }
    eprintln!("stored in {}", dir.display());
    Ok(())
}

fn theory(config: &TheoryConfig, dir: &std::path::Path) -> anyhow::Result<()> {
    let total = config.seeds.len()
        * config.lambdas.len()
        * config.rewards.len()
        * config.estimators.len()
        * config.groups.len();
    let mut done = 0;
    let report = run(config, |row| {
        done += 1;
        eprintln!(
            "[{done}/{total}] λ {} u {} {} G {} seed {}: variance {:?} (theory {:.4})",
            row.lambda,
            row.u,
            row.estimator.label(),
            row.group,
            row.seed,
            row.learned_variance
                .iter()
                .map(|v| format!("{v:.4}"))
                .collect::<Vec<_>>(),
            row.theory_variance
        );
    })
    .map_err(anyhow::Error::msg)?;
    let json = serde_json::to_string_pretty(&report).context("serialising the report")?;
    std::fs::write(dir.join("report.json"), json)?;
    write_tables(&report, dir)?;
    figure(&report, dir)?;
    print_summary(config, &report);
    Ok(())
}

/// The data sets of the sweep, from `evolab data fetch sklearn-datasets`.
fn load_datasets(
    ws: &Workspace,
    config: &ClassificationConfig,
) -> anyhow::Result<Vec<evolab_bilevel::dataset::Dataset>> {
    config
        .datasets
        .iter()
        .map(|name| {
            let file = match name.as_str() {
                "iris" => "iris.csv",
                "wine" => "wine_data.csv",
                "breast-cancer" => "breast_cancer.csv",
                _ => "digits.csv.gz",
            };
            let (_, bytes) =
                evolab_text::assets::read(&ws.data_dir, &format!("sklearn-1.5.2/{file}")).map_err(
                    |e| anyhow::anyhow!("{e}; run `evolab data fetch sklearn-datasets`"),
                )?;
            sklearn_dataset(name, file, &bytes).map_err(anyhow::Error::msg)
        })
        .collect()
}

fn classification(
    config: &ClassificationConfig,
    datasets: &[evolab_bilevel::dataset::Dataset],
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let mut rows: Vec<ClassificationRow> = Vec::new();
    for data in datasets {
        rows.extend(
            run_dataset(config, data, |r| {
                eprintln!(
                    "{} {} seed {}: test accuracy {:.4}, test NLL {:.4} (epoch {})",
                    r.dataset, r.method, r.seed, r.test_accuracy, r.test_nll, r.best_epoch
                );
            })
            .map_err(anyhow::Error::msg)?,
        );
    }
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_string_pretty(&rows)?,
    )?;
    let table = Table::default()
        .column("dataset", texts(&rows, |r| r.dataset.clone()))
        .column("method", texts(&rows, |r| r.method.clone()))
        .column("beta", Values::Float(rows.iter().map(|r| r.beta).collect()))
        .column("seed", ints(&rows, |r| r.seed as i64))
        .column("test_accuracy", floats(&rows, |r| r.test_accuracy))
        .column("test_nll", floats(&rows, |r| r.test_nll))
        .column("best_epoch", ints(&rows, |r| r.best_epoch as i64));
    write_tables_as(&table, dir, "classification")?;
    print_classification(config, &rows);
    classification_figure(config, &rows, dir)
}

/// Test accuracy per data set and method, mean ± 95% CI over seeds.
fn print_classification(config: &ClassificationConfig, rows: &[ClassificationRow]) {
    println!(
        "test accuracy, mean ± 95% CI over {} seeds (λ = {}, β* = λC/(2(1 − Σp²))):",
        config.seeds.len(),
        config.entropy_weight
    );
    let methods = methods(rows);
    print!("{:<15}", "data set");
    for m in &methods {
        print!(" {m:>19}");
    }
    println!();
    for d in &config.datasets {
        print!("{d:<15}");
        for m in &methods {
            let acc: Vec<f64> = rows
                .iter()
                .filter(|r| &r.dataset == d && &r.method == m)
                .map(|r| r.test_accuracy)
                .collect();
            match mean_ci95(&acc) {
                Some((mean, half)) => print!(" {:>10.4} ± {:<6.4}", mean, half),
                None => print!(" {:>19}", "-"),
            }
        }
        println!();
    }
}

fn methods(rows: &[ClassificationRow]) -> Vec<String> {
    distinct(rows.iter().map(|r| &r.method))
}

fn classification_figure(
    config: &ClassificationConfig,
    rows: &[ClassificationRow],
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let mut chart = Bars::new(
        Figure::new(
            "Test accuracy, mean ± 95% CI over seeds",
            "data set",
            "test accuracy",
        ),
        config.datasets.clone(),
    );
    for m in methods(rows) {
        let values = config
            .datasets
            .iter()
            .map(|d| {
                let acc: Vec<f64> = rows
                    .iter()
                    .filter(|r| &r.dataset == d && r.method == m)
                    .map(|r| r.test_accuracy)
                    .collect();
                mean_ci95(&acc)
                    .map(|(mean, half)| BarValue::with_ci(mean, mean - half, mean + half))
            })
            .collect();
        chart = chart.group(BarGroup::new(m, values));
    }
    save(&chart, &dir.join("accuracy")).context("drawing the accuracy figure")?;
    Ok(())
}

pub fn show(ws: &Workspace, name: &str) -> anyhow::Result<()> {
    let dir = run_dir(ws, name)?;
    let text = std::fs::read_to_string(dir.join("config.toml")).with_context(|| {
        format!(
            "no bilevel run {name} in {}",
            ws.home.join("bilevel").display()
        )
    })?;
    let experiment = Experiment::from_toml(&text).map_err(anyhow::Error::msg)?;
    let report = std::fs::read_to_string(dir.join("report.json"))
        .with_context(|| format!("run {name} has no report (did it finish?)"))?;
    let damaged = || format!("{} is damaged", dir.join("report.json").display());
    match experiment {
        Experiment::Theory(config) => {
            let report: TheoryReport = serde_json::from_str(&report).with_context(damaged)?;
            print_summary(&config, &report);
        }
        Experiment::Classification(config) => {
            let rows: Vec<ClassificationRow> =
                serde_json::from_str(&report).with_context(damaged)?;
            print_classification(&config, &rows);
        }
        Experiment::Linear(config) => {
            let rows: Vec<evolab_bilevel::linear::LinearRow> =
                serde_json::from_str(&report).with_context(damaged)?;
            super::bilevel_linear::print_summary(&config, &rows);
        }
        Experiment::Dynamics(config) => {
            let report = serde_json::from_str(&report).with_context(damaged)?;
            super::bilevel_dynamics::print_summary(&config, &report);
        }
    }
    Ok(())
}

/// Learned over theoretical variance, mean ± 95% CI over seeds and dimensions, per
/// estimator, λ and u; then the outer solver's error.
fn print_summary(config: &TheoryConfig, report: &TheoryReport) {
    println!(
        "learned variance / λ/(2u) (1 is the theory) and ‖m − ȳ‖ (0 is the theory), mean ± 95% CI over seeds (and dimensions):"
    );
    println!(
        "{:<42} {:>6} {:>6} {:>4} {:>18} {:>18}",
        "estimator", "λ", "u", "G", "variance ratio", "‖m − ȳ‖"
    );
    for &name in &config.estimators {
        for (&lambda, &u, &group) in config.lambdas.iter().flat_map(|l| {
            config
                .rewards
                .iter()
                .flat_map(move |u| config.groups.iter().map(move |g| (l, u, g)))
        }) {
            let rows: Vec<&InnerRow> = report
                .inner
                .iter()
                .filter(|r| {
                    r.estimator == name && r.lambda == lambda && r.u == u && r.group == group
                })
                .collect();
            let ratios: Vec<f64> = rows
                .iter()
                .flat_map(|r| {
                    r.learned_variance
                        .iter()
                        .map(move |v| v / r.theory_variance)
                })
                .collect();
            let mean_errors: Vec<f64> = rows.iter().map(|r| r.mean_error).collect();
            if !rows.is_empty() {
                println!(
                    "{:<42} {:>6} {:>6} {:>4} {:>18} {:>18}",
                    name.label(),
                    lambda,
                    u,
                    group,
                    ci_cell(&ratios, 3),
                    ci_cell(&mean_errors, 4)
                );
            }
        }
    }
    println!(
        "outer solver (implicit differentiation), λ = {}; a diagonal policy sees only diag U, so U* = (λ/2)·diag(Σ̂)⁻¹ here:",
        config.lambdas[0]
    );
    for r in &report.outer {
        println!(
            "  seed {}: learned diag U {:?}, U* = (λ/2)Σ̂⁻¹ {:?}, relative error {:.4}",
            r.seed,
            r.learned_u
                .iter()
                .map(|v| format!("{v:.4}"))
                .collect::<Vec<_>>(),
            r.closed_form_u
                .iter()
                .map(|v| format!("{v:.4}"))
                .collect::<Vec<_>>(),
            r.relative_error
        );
    }
    let errors: Vec<f64> = report.outer.iter().map(|r| r.relative_error).collect();
    if let Some((m, h)) = mean_ci95(&errors) {
        println!("diagonal U: relative error ‖U_learned − U*‖_F / ‖U*‖_F: {m:.4} ± {h:.4} (95% CI over seeds)");
    }
    let fmt = |v: &[f64]| v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>();
    for r in &report.outer {
        println!(
            "  seed {}: learned full U {:?}, U* {:?} (row-major), relative error {:.4}",
            r.seed,
            fmt(&r.full_learned_u),
            fmt(&r.full_closed_form_u),
            r.full_relative_error
        );
    }
    let errors: Vec<f64> = report.outer.iter().map(|r| r.full_relative_error).collect();
    if let Some((m, h)) = mean_ci95(&errors) {
        println!("full U: relative error ‖U_learned − U*‖_F / ‖U*‖_F: {m:.4} ± {h:.4} (95% CI over seeds)");
    }
    for r in &report.outer {
        println!(
            "  seed {}: golden-section u {:.4}, u* = λn/(2 tr Σ̂) {:.4}, relative error {:.4}",
            r.seed, r.scalar_u, r.scalar_closed_form_u, r.scalar_relative_error
        );
    }
    let errors: Vec<f64> = report
        .outer
        .iter()
        .map(|r| r.scalar_relative_error)
        .collect();
    if let Some((m, h)) = mean_ci95(&errors) {
        println!("scalar u: relative error |u − u*| / u*: {m:.4} ± {h:.4} (95% CI over seeds)");
    }
}

fn write_tables(report: &TheoryReport, dir: &std::path::Path) -> anyhow::Result<()> {
    let rows: Vec<(&InnerRow, usize)> = report
        .inner
        .iter()
        .flat_map(|r| (0..r.learned_variance.len()).map(move |d| (r, d)))
        .collect();
    let inner = Table::default()
        .column("estimator", texts(&rows, |(r, _)| label(r.estimator)))
        .column("lambda", floats(&rows, |(r, _)| r.lambda))
        .column("u", floats(&rows, |(r, _)| r.u))
        .column("group", ints(&rows, |(r, _)| r.group as i64))
        .column("seed", ints(&rows, |(r, _)| r.seed as i64))
        .column("dimension", ints(&rows, |(_, d)| *d as i64))
        .column(
            "learned_variance",
            floats(&rows, |(r, d)| r.learned_variance[*d]),
        )
        .column("theory_variance", floats(&rows, |(r, _)| r.theory_variance))
        .column("mean_error", floats(&rows, |(r, _)| r.mean_error));
    write_tables_as(&inner, dir, "inner")?;
    let outer_rows: Vec<(&evolab_bilevel::theory::OuterRow, usize)> = report
        .outer
        .iter()
        .flat_map(|r| (0..r.learned_u.len()).map(move |d| (r, d)))
        .collect();
    let outer = Table::default()
        .column("seed", ints(&outer_rows, |(r, _)| r.seed as i64))
        .column("lambda", floats(&outer_rows, |(r, _)| r.lambda))
        .column("dimension", ints(&outer_rows, |(_, d)| *d as i64))
        .column("learned_u", floats(&outer_rows, |(r, d)| r.learned_u[*d]))
        .column(
            "closed_form_u",
            floats(&outer_rows, |(r, d)| r.closed_form_u[*d]),
        )
        .column(
            "relative_error",
            floats(&outer_rows, |(r, _)| r.relative_error),
        );
    write_tables_as(&outer, dir, "outer")?;
    let entries: Vec<(&evolab_bilevel::theory::OuterRow, usize)> = report
        .outer
        .iter()
        .flat_map(|r| (0..r.full_learned_u.len()).map(move |k| (r, k)))
        .collect();
    let dim =
        |r: &evolab_bilevel::theory::OuterRow| (r.full_learned_u.len() as f64).sqrt() as usize;
    let full = Table::default()
        .column("seed", ints(&entries, |(r, _)| r.seed as i64))
        .column("lambda", floats(&entries, |(r, _)| r.lambda))
        .column("row", ints(&entries, |(r, k)| (k / dim(r)) as i64))
        .column("column", ints(&entries, |(r, k)| (k % dim(r)) as i64))
        .column("learned_u", floats(&entries, |(r, k)| r.full_learned_u[*k]))
        .column(
            "closed_form_u",
            floats(&entries, |(r, k)| r.full_closed_form_u[*k]),
        )
        .column(
            "relative_error",
            floats(&entries, |(r, _)| r.full_relative_error),
        );
    write_tables_as(&full, dir, "outer_full")?;
    let outer = &report.outer;
    let scalar = Table::default()
        .column("seed", ints(outer, |r| r.seed as i64))
        .column("lambda", floats(outer, |r| r.lambda))
        .column("golden_section_u", floats(outer, |r| r.scalar_u))
        .column("closed_form_u", floats(outer, |r| r.scalar_closed_form_u))
        .column("relative_error", floats(outer, |r| r.scalar_relative_error));
    write_tables_as(&scalar, dir, "outer_scalar")?;
    Ok(())
}

fn label(e: EstimatorName) -> String {
    e.label().to_string()
}

/// Learned against theoretical variance, one group per estimator, on the y = x diagonal.
fn figure(report: &TheoryReport, dir: &std::path::Path) -> anyhow::Result<()> {
    let mut chart = ScatterFit::new(Figure::new(
        "Learned policy variance against the inner optimum λ/(2u)",
        "λ/(2u)",
        "learned variance",
    ));
    let mut names: Vec<EstimatorName> = report.inner.iter().map(|r| r.estimator).collect();
    names.dedup();
    names.sort_by_key(|n| n.label());
    names.dedup();
    for name in names {
        let points: Vec<(f64, f64)> = report
            .inner
            .iter()
            .filter(|r| r.estimator == name)
            .flat_map(|r| {
                r.learned_variance
                    .iter()
                    .map(move |&v| (r.theory_variance, v))
            })
            .collect();
        chart = chart.group(ScatterGroup::new(name.label(), points));
    }
    save(&chart, &dir.join("variance")).context("drawing the variance figure")?;
    Ok(())
}
