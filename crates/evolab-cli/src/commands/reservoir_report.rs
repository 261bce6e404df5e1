//! What a study shows its user: trial lines, best-trial tables, the test summary, figures
//! (fitness over trials, the fitness landscape of each gene, test learning curves) and
//! tidy exports.

use std::path::{Path, PathBuf};

use anyhow::Context;
use evolab_core::export::ExportFormat;
use evolab_core::table::{write_table, Table, Values};
use evolab_plot::{save, BandSeries, Figure, LineBands, ScatterFit, ScatterGroup};
use evolab_rl::experiment::{
    mean_ci95, smoothed_curve, step_grid, ExperimentConfig, GeneSpec, HideVelocities, TestRecord,
    TrialRecord,
};

/// How the policy's environment is observed, for titles.
pub fn observation(config: &ExperimentConfig) -> &'static str {
    match config.env.hide_velocities {
        HideVelocities::None => "full observation",
        HideVelocities::Delete => "velocities deleted",
        HideVelocities::Zero => "velocities zeroed",
    }
}

pub fn trial_header(genes: &[String]) -> String {
    let mut line = format!("{:>6} {:>4}", "trial", "gen");
    for g in genes {
        line += &format!(" {:>15}", g);
    }
    line + &format!(" {:>10} {:>10} {:>8}", "fitness", "eval", "seconds")
}

pub fn trial_line(r: &TrialRecord) -> String {
    let mut line = format!("{:>6} {:>4}", r.trial, r.generation);
    for v in &r.genes {
        line += &format!(" {:>15.6}", v);
    }
    match (&r.failure, r.fitness) {
        (Some(reason), _) => line + &format!("  failed: {reason}"),
        (None, f) => {
            line + &format!(
                " {:>10.2} {:>10.2} {:>8.1}",
                f.unwrap_or(f64::NAN),
                r.eval_mean.unwrap_or(f64::NAN),
                r.seconds
            )
        }
    }
}

pub fn print_best(config: &ExperimentConfig, trials: &[TrialRecord], top: usize) {
    let mut ranked: Vec<&TrialRecord> = trials.iter().filter(|t| t.fitness.is_some()).collect();
    ranked.sort_by(|a, b| {
        b.fitness
            .unwrap_or(f64::NAN)
            .total_cmp(&a.fitness.unwrap_or(f64::NAN))
    });
    let failed = trials.len() - ranked.len();
    let names: Vec<String> = config.study.genes.iter().map(|g| g.name.clone()).collect();
    println!(
        "best trials (fitness: mean of the last {} training episodes over seeds {:?}):",
        config.training.last_episodes, config.study.seeds
    );
    println!("{}", trial_header(&names));
    for t in ranked.iter().take(top) {
        println!("{}", trial_line(t));
    }
    if failed > 0 {
        println!(
            "{failed} of {} trials failed; each reason is on its trial line and in trials.jsonl",
            trials.len()
        );
    }
    if ranked.is_empty() {
        println!("no trial succeeded, so there is nothing to test yet");
    } else {
        println!(
            "the best fitness is one noisy draw among {} trials: `evolab reservoir test` re-evaluates the leaders on held-out seeds",
            ranked.len()
        );
    }
}

/// Fitness over trials with the best so far, and the fitness against each gene.
pub fn study_figures(
    config: &ExperimentConfig,
    trials: &[TrialRecord],
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let x: Vec<f64> = trials.iter().map(|t| t.trial as f64).collect();
    let fitness: Vec<f64> = trials
        .iter()
        .map(|t| t.fitness.unwrap_or(f64::NAN))
        .collect();
    let (mut low, mut high) = (Vec::new(), Vec::new());
    for t in trials {
        let seeds: Vec<f64> = t.runs.iter().map(|r| r.last_mean).collect();
        let (m, h) = mean_ci95(&seeds).unwrap_or((f64::NAN, f64::NAN));
        low.push(if t.fitness.is_some() { m - h } else { f64::NAN });
        high.push(if t.fitness.is_some() { m + h } else { f64::NAN });
    }
    let mut best = f64::NEG_INFINITY;
    let best_so_far: Vec<f64> = fitness
        .iter()
        .map(|&f| {
            if f.is_finite() {
                best = best.max(f);
            }
            if best.is_finite() {
                best
            } else {
                f64::NAN
            }
        })
        .collect();
    let title = format!(
        "{} ({}), {} seeds × {} steps",
        config.env.id,
        observation(config),
        config.study.seeds.len(),
        config.training.steps
    );
    let chart = LineBands::new(Figure::new(
        format!("Fitness over trials: {title}"),
        "trial",
        "mean return of the last training episodes",
    ))
    .series(
        BandSeries::new("trial (95% CI over seeds)", x.clone(), fitness.clone()).band(low, high),
    )
    .series(BandSeries::new("best so far", x, best_so_far));
    written.extend(save(&chart, &dir.join("fitness")).context("drawing the fitness figure")?);

    for (g, gene) in config.study.genes.iter().enumerate() {
        let points: Vec<(f64, f64)> = trials
            .iter()
            .filter_map(|t| t.fitness.map(|f| (axis_value(t.genes[g], gene.log), f)))
            .collect();
        let x_label = if gene.log {
            format!("log10 {}", gene.name)
        } else {
            gene.name.clone()
        };
        let mut chart = ScatterFit::new(Figure::new(
            format!("Fitness landscape: {}", gene.name),
            x_label,
            "fitness",
        ))
        .group(ScatterGroup::new("trials", points));
        chart.diagonal = false;
        chart.equal_ranges = false;
        chart.x_range = Some((
            axis_value(gene.min, gene.log),
            axis_value(gene.max, gene.log),
        ));
        let file = format!("landscape-{}", gene.name.replace('.', "-"));
        written.extend(save(&chart, &dir.join(file)).context("drawing a landscape figure")?);
    }
    if let [first, second, ..] = config.study.genes.as_slice() {
        written.extend(landscape_2d(trials, (first, second), dir)?);
    }
    Ok(written)
}

/// The first two genes against each other, trials grouped by fitness quartile.
fn landscape_2d(
    trials: &[TrialRecord],
    (gx, gy): (&GeneSpec, &GeneSpec),
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut fitness: Vec<f64> = trials.iter().filter_map(|t| t.fitness).collect();
    fitness.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        fitness
            .get(((fitness.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let cuts = [quantile(0.25), quantile(0.5), quantile(0.75)];
    let labels = [
        format!("fitness < {:.0}", cuts[0]),
        format!("{:.0} to {:.0}", cuts[0], cuts[1]),
        format!("{:.0} to {:.0}", cuts[1], cuts[2]),
        format!("≥ {:.0} (top quarter)", cuts[2]),
        "failed".to_string(),
    ];
    let mut groups: Vec<Vec<(f64, f64)>> = vec![Vec::new(); labels.len()];
    for t in trials {
        let point = (
            axis_value(t.genes[0], gx.log),
            axis_value(t.genes[1], gy.log),
        );
        let group = match t.fitness {
            None => 4,
            Some(f) => cuts.iter().filter(|&&c| f >= c).count(),
        };
        groups[group].push(point);
    }
    let axis = |g: &GeneSpec| {
        if g.log {
            format!("log10 {}", g.name)
        } else {
            g.name.clone()
        }
    };
    let mut chart = ScatterFit::new(Figure::new(
        format!("Fitness landscape: {} and {}", gx.name, gy.name),
        axis(gx),
        axis(gy),
    ));
    for (label, points) in labels.into_iter().zip(groups) {
        if !points.is_empty() {
            chart = chart.group(ScatterGroup::new(label, points));
        }
    }
    chart.diagonal = false;
    chart.equal_ranges = false;
    chart.x_range = Some((axis_value(gx.min, gx.log), axis_value(gx.max, gx.log)));
    chart.y_range = Some((axis_value(gy.min, gy.log), axis_value(gy.max, gy.log)));
    save(&chart, &dir.join("landscape")).context("drawing the landscape figure")
}

fn axis_value(v: f64, log: bool) -> f64 {
    if log {
        v.log10()
    } else {
        v
    }
}

pub fn test_line(r: &TestRecord) -> String {
    match &r.outcome {
        Ok(o) => format!(
            "{:<20} seed {:>6}: last episodes {:>9.2}  evaluation {:>9.2}  ({:.1} s)",
            r.contender,
            r.seed,
            o.last_mean,
            o.eval_mean().unwrap_or(f64::NAN),
            o.seconds
        ),
        Err(e) => format!("{:<20} seed {:>6}: failed: {e}", r.contender, r.seed),
    }
}

fn runs_of<'a>(
    records: &'a [TestRecord],
    name: &'a str,
    seeds: &'a [u64],
) -> impl Iterator<Item = &'a TestRecord> {
    records
        .iter()
        .filter(move |r| r.contender == name && seeds.contains(&r.seed))
}

pub fn print_test_summary(names: &[String], seeds: &[u64], records: &[TestRecord]) {
    println!("held-out test on seeds {seeds:?} (mean ± 95% CI over seeds):");
    println!(
        "{:<20} {:>5}  {:>22}  {:>22}",
        "contender", "runs", "last training episodes", "deterministic eval"
    );
    for name in names {
        let ok: Vec<_> = runs_of(records, name, seeds)
            .filter_map(|r| r.outcome.as_ref().ok())
            .collect();
        let failed = runs_of(records, name, seeds).count() - ok.len();
        let show = |xs: Vec<f64>| match mean_ci95(&xs) {
            Some((m, h)) => format!("{m:>10.2} ± {h:<9.2}"),
            None => format!("{:>10}   {:<9}", "-", ""),
        };
        println!(
            "{:<20} {:>5}  {:>22}  {:>22}{}",
            name,
            ok.len(),
            show(ok.iter().map(|o| o.last_mean).collect()),
            show(ok.iter().filter_map(|o| o.eval_mean()).collect()),
            if failed > 0 {
                format!("  ({failed} failed)")
            } else {
                String::new()
            }
        );
    }
}

/// Learning curves of the test, mean ± 95% CI over seeds per contender.
pub fn test_figures(
    config: &ExperimentConfig,
    names: &[String],
    records: &[TestRecord],
    budget: u64,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let rollout = (config.ppo.n_steps * config.ppo.n_envs) as u64;
    let grid = step_grid(budget, rollout, 100);
    let window = config.training.last_episodes;
    let mut chart = LineBands::new(Figure::new(
        format!(
            "Held-out test: {} ({}), {} seeds",
            config.env.id,
            observation(config),
            config.test.seeds.len()
        ),
        "environment steps",
        format!("mean return of the last {window} episodes"),
    ));
    for name in names {
        let curves: Vec<Vec<f64>> = runs_of(records, name, &config.test.seeds)
            .filter_map(|r| r.outcome.as_ref().ok())
            .map(|o| smoothed_curve(&o.curve, window, &grid))
            .collect();
        if curves.is_empty() {
            continue;
        }
        let (mut mean, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..grid.len() {
            let at: Vec<f64> = curves.iter().map(|c| c[i]).collect();
            let (m, h) = mean_ci95(&at).unwrap_or((f64::NAN, f64::NAN));
            mean.push(m);
            low.push(m - h);
            high.push(m + h);
        }
        let x = grid.iter().map(|&s| s as f64).collect();
        chart = chart.series(BandSeries::new(name.clone(), x, mean).band(low, high));
    }
    save(&chart, &dir.join("test-curves")).context("drawing the test figure")
}

/// Trials (one row per trial and seed), test runs, and every learning curve.
pub fn export(
    config: &ExperimentConfig,
    trials: &[TrialRecord],
    tests: &[TestRecord],
    format: &str,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let format = ExportFormat::parse(format).map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let ext = format.extension();

    let mut rows: Vec<(&TrialRecord, Option<&evolab_rl::experiment::RunOutcome>)> = Vec::new();
    for t in trials {
        if t.runs.is_empty() {
            rows.push((t, None));
        }
        rows.extend(t.runs.iter().map(|r| (t, Some(r))));
    }
    let mut table = Table::default()
        .column(
            "trial",
            Values::Int(rows.iter().map(|(t, _)| Some(t.trial as i64)).collect()),
        )
        .column(
            "generation",
            Values::Int(
                rows.iter()
                    .map(|(t, _)| Some(t.generation as i64))
                    .collect(),
            ),
        );
    for (g, gene) in config.study.genes.iter().enumerate() {
        table = table.column(
            gene.name.clone(),
            Values::Float(rows.iter().map(|(t, _)| t.genes.get(g).copied()).collect()),
        );
    }
    let table = table
        .column(
            "trial_fitness",
            Values::Float(rows.iter().map(|(t, _)| t.fitness).collect()),
        )
        .column(
            "failure",
            Values::Text(rows.iter().map(|(t, _)| t.failure.clone()).collect()),
        )
        .column(
            "seed",
            Values::Int(rows.iter().map(|(_, r)| r.map(|r| r.seed as i64)).collect()),
        )
        .column(
            "last_mean",
            Values::Float(rows.iter().map(|(_, r)| r.map(|r| r.last_mean)).collect()),
        )
        .column(
            "eval_mean",
            Values::Float(
                rows.iter()
                    .map(|(_, r)| r.and_then(|r| r.eval_mean()))
                    .collect(),
            ),
        )
        .column(
            "steps",
            Values::Int(
                rows.iter()
                    .map(|(_, r)| r.map(|r| r.steps as i64))
                    .collect(),
            ),
        )
        .column(
            "seconds",
            Values::Float(rows.iter().map(|(_, r)| r.map(|r| r.seconds)).collect()),
        );
    let trials_path = dir.join(format!("trials.{ext}"));
    write_table(&table, format, &trials_path)?;

    let test_table = Table::default()
        .column(
            "contender",
            Values::Text(tests.iter().map(|t| Some(t.contender.clone())).collect()),
        )
        .column(
            "trial",
            Values::Int(tests.iter().map(|t| t.trial.map(|x| x as i64)).collect()),
        )
        .column(
            "seed",
            Values::Int(tests.iter().map(|t| Some(t.seed as i64)).collect()),
        )
        .column(
            "last_mean",
            Values::Float(
                tests
                    .iter()
                    .map(|t| t.outcome.as_ref().ok().map(|o| o.last_mean))
                    .collect(),
            ),
        )
        .column(
            "eval_mean",
            Values::Float(
                tests
                    .iter()
                    .map(|t| t.outcome.as_ref().ok().and_then(|o| o.eval_mean()))
                    .collect(),
            ),
        )
        .column(
            "steps",
            Values::Int(
                tests
                    .iter()
                    .map(|t| t.outcome.as_ref().ok().map(|o| o.steps as i64))
                    .collect(),
            ),
        )
        .column(
            "failure",
            Values::Text(
                tests
                    .iter()
                    .map(|t| t.outcome.as_ref().err().cloned())
                    .collect(),
            ),
        );
    let test_path = dir.join(format!("test.{ext}"));
    write_table(&test_table, format, &test_path)?;

    let (mut source, mut who, mut seed, mut step, mut ret, mut len) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let mut push = |src: &str, name: String, run: &evolab_rl::experiment::RunOutcome| {
        for p in &run.curve {
            source.push(Some(src.to_string()));
            who.push(Some(name.clone()));
            seed.push(Some(run.seed as i64));
            step.push(Some(p.step as i64));
            ret.push(Some(p.return_));
            len.push(Some(p.length as i64));
        }
    };
    for t in trials {
        for r in &t.runs {
            push("study", format!("trial-{}", t.trial), r);
        }
    }
    for t in tests {
        if let Ok(o) = &t.outcome {
            push("test", t.contender.clone(), o);
        }
    }
    let curves = Table::default()
        .column("source", Values::Text(source))
        .column("name", Values::Text(who))
        .column("seed", Values::Int(seed))
        .column("step", Values::Int(step))
        .column("return", Values::Float(ret))
        .column("length", Values::Int(len));
    let curves_path = dir.join(format!("curves.{ext}"));
    write_table(&curves, format, &curves_path)?;
    Ok(vec![trials_path, test_path, curves_path])
}
