//! `evolab bilevel run | show`: the experiments of arXiv:2510.07624, stored as folders under
//! `<home>/bilevel/`. So far the theory check.

use std::path::PathBuf;

use anyhow::{bail, Context};
use evolab_bilevel::theory::{run, EstimatorName, InnerRow, TheoryConfig, TheoryReport};
use evolab_core::export::ExportFormat;
use evolab_core::table::{write_table, Table, Values};
use evolab_plot::{save, Figure, ScatterFit, ScatterGroup};
use evolab_rl::experiment::mean_ci95;

use crate::cli::BilevelRunArgs;
use crate::workspace::Workspace;

fn run_dir(ws: &Workspace, name: &str) -> anyhow::Result<PathBuf> {
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name.is_empty() || !allowed || name.starts_with('.') {
        bail!("run name {name:?}: use letters, digits, '-', '_' and '.', not starting with '.'");
    }
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
    let mut config = TheoryConfig::from_toml(&text).map_err(anyhow::Error::msg)?;
    if let Some(seeds) = &args.seeds {
        config.seeds = seeds.clone();
    }
    config.check().map_err(anyhow::Error::msg)?;
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let name = args.name.clone().unwrap_or_else(|| {
        format!(
            "{base}-{}",
            now.replace([':', '-'], "")
                .trim_end_matches('Z')
                .replace('T', "-")
        )
    });
    let dir = run_dir(ws, &name)?;
    if dir.join("report.json").exists() {
        bail!(
            "a run named {name} exists already ({}); choose another --name",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("config.toml"), config.to_toml())?;
    let total =
        config.seeds.len() * config.lambdas.len() * config.rewards.len() * config.estimators.len();
    let mut done = 0;
    let report = run(&config, |row| {
        done += 1;
        eprintln!(
            "[{done}/{total}] λ {} u {} {} seed {}: variance {:?} (theory {:.4})",
            row.lambda,
            row.u,
            row.estimator.label(),
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
    write_tables(&report, &dir)?;
    figure(&report, &dir)?;
    print_summary(&config, &report);
    eprintln!("stored in {}", dir.display());
    Ok(())
}

pub fn show(ws: &Workspace, name: &str) -> anyhow::Result<()> {
    let dir = run_dir(ws, name)?;
    let config = TheoryConfig::from_toml(
        &std::fs::read_to_string(dir.join("config.toml")).with_context(|| {
            format!(
                "no bilevel run {name} in {}",
                ws.home.join("bilevel").display()
            )
        })?,
    )
    .map_err(anyhow::Error::msg)?;
    let report: TheoryReport = serde_json::from_str(
        &std::fs::read_to_string(dir.join("report.json"))
            .with_context(|| format!("run {name} has no report (did it finish?)"))?,
    )
    .with_context(|| format!("{} is damaged", dir.join("report.json").display()))?;
    print_summary(&config, &report);
    Ok(())
}

/// Learned over theoretical variance, mean ± 95% CI over seeds and dimensions, per
/// estimator, λ and u; then the outer solver's error.
fn print_summary(config: &TheoryConfig, report: &TheoryReport) {
    println!(
        "learned variance / λ/(2u) (1 is the theory), mean ± 95% CI over seeds and dimensions:"
    );
    println!("{:<42} {:>6} {:>6} {:>18}", "estimator", "λ", "u", "ratio");
    for &name in &config.estimators {
        for &lambda in &config.lambdas {
            for &u in &config.rewards {
                let ratios: Vec<f64> = report
                    .inner
                    .iter()
                    .filter(|r| r.estimator == name && r.lambda == lambda && r.u == u)
                    .flat_map(|r: &InnerRow| {
                        r.learned_variance
                            .iter()
                            .map(move |v| v / r.theory_variance)
                    })
                    .collect();
                if let Some((m, h)) = mean_ci95(&ratios) {
                    println!(
                        "{:<42} {:>6} {:>6} {:>10.3} ± {:<6.3}",
                        name.label(),
                        lambda,
                        u,
                        m,
                        h
                    );
                }
            }
        }
    }
    println!(
        "outer solver (implicit differentiation), λ = {}:",
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
        println!("relative error ‖U_learned − U*‖_F / ‖U*‖_F: {m:.4} ± {h:.4} (95% CI over seeds)");
    }
}

fn write_tables(report: &TheoryReport, dir: &std::path::Path) -> anyhow::Result<()> {
    let rows: Vec<(&InnerRow, usize)> = report
        .inner
        .iter()
        .flat_map(|r| (0..r.learned_variance.len()).map(move |d| (r, d)))
        .collect();
    let inner = Table::default()
        .column(
            "estimator",
            Values::Text(rows.iter().map(|(r, _)| Some(label(r.estimator))).collect()),
        )
        .column(
            "lambda",
            Values::Float(rows.iter().map(|(r, _)| Some(r.lambda)).collect()),
        )
        .column(
            "u",
            Values::Float(rows.iter().map(|(r, _)| Some(r.u)).collect()),
        )
        .column(
            "seed",
            Values::Int(rows.iter().map(|(r, _)| Some(r.seed as i64)).collect()),
        )
        .column(
            "dimension",
            Values::Int(rows.iter().map(|(_, d)| Some(*d as i64)).collect()),
        )
        .column(
            "learned_variance",
            Values::Float(
                rows.iter()
                    .map(|(r, d)| Some(r.learned_variance[*d]))
                    .collect(),
            ),
        )
        .column(
            "theory_variance",
            Values::Float(rows.iter().map(|(r, _)| Some(r.theory_variance)).collect()),
        );
    write_table(&inner, ExportFormat::Csv, &dir.join("inner.csv"))?;
    let outer_rows: Vec<(&evolab_bilevel::theory::OuterRow, usize)> = report
        .outer
        .iter()
        .flat_map(|r| (0..r.learned_u.len()).map(move |d| (r, d)))
        .collect();
    let outer = Table::default()
        .column(
            "seed",
            Values::Int(
                outer_rows
                    .iter()
                    .map(|(r, _)| Some(r.seed as i64))
                    .collect(),
            ),
        )
        .column(
            "lambda",
            Values::Float(outer_rows.iter().map(|(r, _)| Some(r.lambda)).collect()),
        )
        .column(
            "dimension",
            Values::Int(outer_rows.iter().map(|(_, d)| Some(*d as i64)).collect()),
        )
        .column(
            "learned_u",
            Values::Float(
                outer_rows
                    .iter()
                    .map(|(r, d)| Some(r.learned_u[*d]))
                    .collect(),
            ),
        )
        .column(
            "closed_form_u",
            Values::Float(
                outer_rows
                    .iter()
                    .map(|(r, d)| Some(r.closed_form_u[*d]))
                    .collect(),
            ),
        )
        .column(
            "relative_error",
            Values::Float(
                outer_rows
                    .iter()
                    .map(|(r, _)| Some(r.relative_error))
                    .collect(),
            ),
        );
    write_table(&outer, ExportFormat::Csv, &dir.join("outer.csv"))?;
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
