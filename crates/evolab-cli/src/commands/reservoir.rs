//! `evolab reservoir evolve | resume | test | list | show | export`: studies of evolved
//! reservoirs, kept as directories under `<home>/studies/`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use evolab_rl::experiment::{
    contenders, read_manifest, read_tests, read_trials, run_study, run_test, ExperimentConfig,
    Journal, StudyEvent, StudyManifest, TrialRecord,
};

use super::reservoir_report as report;
use crate::cli::{EvolveArgs, StudyExportArgs, TestArgs};
use crate::step_progress::StepProgress;
use crate::workspace::{check_folder_name, timestamped_name, Workspace};

fn studies_dir(ws: &Workspace) -> PathBuf {
    ws.home.join("studies")
}

fn study_dir(ws: &Workspace, name: &str) -> anyhow::Result<PathBuf> {
    check_folder_name("study", name)?;
    Ok(studies_dir(ws).join(name))
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub fn evolve(ws: &Workspace, args: &EvolveArgs) -> anyhow::Result<()> {
    let (mut config, base) = match (&args.config, &args.preset) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let config = ExperimentConfig::from_toml(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let stem = path
                .file_stem()
                .map_or("study".into(), |s| s.to_string_lossy().into_owned());
            (config, stem)
        }
        (None, Some(name)) => (crate::presets::reservoir_preset(name)?, name.clone()),
        (None, None) => bail!("give an experiment file or --preset NAME"),
    };
    if let Some(t) = args.trials {
        config.study.trials = t;
    }
    if let Some(s) = args.steps {
        config.training.steps = s;
    }
    if let Some(w) = args.workers {
        config.study.workers = w;
    }
    config.check_study().map_err(anyhow::Error::msg)?;
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| timestamped_name(&base, &now));
    let dir = study_dir(ws, &name)?;
    if args.dry_run {
        print!("{}", config.to_toml());
        return Ok(());
    }
    let manifest = StudyManifest {
        name: name.clone(),
        evolab_version: env!("CARGO_PKG_VERSION").into(),
        created: now,
        config: config.to_toml(),
    };
    let mut journal = Journal::create(&dir, &manifest).map_err(anyhow::Error::msg)?;
    eprintln!(
        "study {name}: {} × {} × {} steps on {}; stored in {}",
        plural(config.study.trials, "trial"),
        plural(config.study.seeds.len(), "seed"),
        rounded_steps(&config, config.training.steps),
        config.env.id,
        dir.display()
    );
    eprintln!("interrupt it any time; `evolab reservoir resume {name}` continues it");
    study(&config, &mut journal, Vec::new())
}

pub fn resume(ws: &Workspace, name: &str, workers: Option<usize>) -> anyhow::Result<()> {
    let dir = study_dir(ws, name)?;
    let (mut journal, manifest, recorded) = Journal::resume(&dir).map_err(anyhow::Error::msg)?;
    let mut config = manifest.experiment().map_err(anyhow::Error::msg)?;
    if let Some(w) = workers {
        config.study.workers = w;
    }
    let done = recorded.len().min(config.study.trials);
    if done == config.study.trials {
        eprintln!(
            "study {name} is complete ({}); nothing to train",
            plural(done, "trial")
        );
        report::print_best(&config, &recorded, 5);
        return Ok(());
    }
    eprintln!(
        "study {name}: {done} of {} recorded; continuing",
        plural(config.study.trials, "trial")
    );
    study(&config, &mut journal, recorded)
}

fn study(
    config: &ExperimentConfig,
    journal: &mut Journal,
    recorded: Vec<TrialRecord>,
) -> anyhow::Result<()> {
    let per_run = rounded_steps(config, config.training.steps);
    let seeds = config.study.seeds.len() as u64;
    let total = config.study.trials as u64 * seeds * per_run;
    let done = recorded.len().min(config.study.trials) as u64 * seeds * per_run;
    let progress = StepProgress::new(total, done);
    let names: Vec<String> = config.study.genes.iter().map(|g| g.name.clone()).collect();
    progress.println(&report::trial_header(&names));
    let mut best: Option<f64> = None;
    let trials = run_study(config, journal, recorded, |event| match event {
        StudyEvent::Steps(n) => progress.advance(n),
        StudyEvent::Trial { record, replayed } => {
            if let Some(f) = record.fitness {
                best = Some(best.map_or(f, |b: f64| b.max(f)));
            }
            if !replayed {
                progress.println(&report::trial_line(record));
            }
            if let Some(b) = best {
                progress.message(format!("best {b:.1}"));
            }
        }
        StudyEvent::Generation {
            generation,
            sigma,
            population,
            restarts,
        } => progress.message(format!(
            "best {:.1} | generation {generation} σ {sigma:.3} λ {population} restarts {restarts}",
            best.unwrap_or(f64::NAN)
        )),
    })
    .map_err(anyhow::Error::msg)?;
    progress.finish();
    let dir = journal.dir().to_path_buf();
    let figures = report::study_figures(config, &trials, &dir.join("figures"))?;
    report::print_best(config, &trials, 5);
    for f in figures {
        eprintln!("figure: {}", f.display());
    }
    eprintln!(
        "next: `evolab reservoir test {}` retrains the best trials on held-out seeds",
        dir.file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned())
    );
    Ok(())
}

/// Steps a run actually takes: the budget rounded up to whole rollouts.
fn rounded_steps(config: &ExperimentConfig, steps: u64) -> u64 {
    let rollout = (config.ppo.n_steps * config.ppo.n_envs) as u64;
    steps.div_ceil(rollout) * rollout
}

pub fn test(ws: &Workspace, args: &TestArgs) -> anyhow::Result<()> {
    let dir = study_dir(ws, &args.name)?;
    let (mut journal, manifest, trials) = Journal::resume(&dir).map_err(anyhow::Error::msg)?;
    let mut config = manifest.experiment().map_err(anyhow::Error::msg)?;
    if let Some(k) = args.top_k {
        config.test.top_k = k;
    }
    if let Some(seeds) = &args.seeds {
        config.test.seeds = seeds.clone();
    }
    if let Some(s) = args.steps {
        config.test.steps = s;
    }
    if let Some(w) = args.workers {
        config.study.workers = w;
    }
    let contenders = contenders(&config, &trials).map_err(anyhow::Error::msg)?;
    let budget = rounded_steps(&config, config.test_steps());
    let recorded = read_tests(&dir).map_err(anyhow::Error::msg)?;
    if let Some(other) = recorded
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .find(|o| o.steps != budget)
    {
        bail!(
            "this study's test was run with {} training steps, not {budget}; move {} away to \
             test again with another budget",
            other.steps,
            dir.join("test.jsonl").display()
        );
    }
    let todo = contenders.len() * config.test.seeds.len();
    let already = recorded
        .iter()
        .filter(|r| {
            contenders.iter().any(|c| c.name == r.contender) && config.test.seeds.contains(&r.seed)
        })
        .count();
    eprintln!(
        "testing {} contenders on held-out seeds {:?} ({budget} steps each; {already} of {todo} runs recorded)",
        contenders.len(),
        config.test.seeds
    );
    let progress = StepProgress::new(todo as u64 * budget, already as u64 * budget);
    run_test(
        &config,
        &contenders,
        &mut journal,
        &recorded,
        |n| progress.advance(n),
        |record| progress.println(&report::test_line(record)),
    )
    .map_err(anyhow::Error::msg)?;
    progress.finish();
    let records = read_tests(&dir).map_err(anyhow::Error::msg)?;
    let names: Vec<String> = contenders.iter().map(|c| c.name.clone()).collect();
    report::print_test_summary(&names, &config.test.seeds, &records);
    for f in report::test_figures(&config, &names, &records, budget, &dir.join("figures"))? {
        eprintln!("figure: {}", f.display());
    }
    Ok(())
}

pub fn list(ws: &Workspace) -> anyhow::Result<()> {
    let root = studies_dir(ws);
    let mut names: Vec<String> = match std::fs::read_dir(&root) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join("study.json").exists())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    if names.is_empty() {
        eprintln!(
            "no studies in {}; start one with `evolab reservoir evolve --preset reservoir-smoke`",
            root.display()
        );
        return Ok(());
    }
    names.sort();
    println!(
        "{:<40} {:<14} {:>8} {:>10} {:>7}",
        "study", "environment", "trials", "best", "tested"
    );
    for name in names {
        let dir = root.join(&name);
        let summary = summarise(&dir);
        match summary {
            Ok((config, trials, tested)) => {
                let best = trials
                    .iter()
                    .filter_map(|t| t.fitness)
                    .fold(f64::NAN, f64::max);
                println!(
                    "{name:<40} {:<14} {:>8} {:>10.1} {:>7}",
                    config.env.id,
                    format!("{}/{}", trials.len(), config.study.trials),
                    best,
                    if tested { "yes" } else { "no" }
                );
            }
            Err(e) => println!("{name:<40} (unreadable: {e})"),
        }
    }
    Ok(())
}

fn summarise(dir: &Path) -> Result<(ExperimentConfig, Vec<TrialRecord>, bool), String> {
    let manifest = read_manifest(dir)?;
    let config = manifest.experiment()?;
    let trials = read_trials(dir)?;
    let tested = !read_tests(dir)?.is_empty();
    Ok((config, trials, tested))
}

pub fn show(ws: &Workspace, name: &str, top: usize) -> anyhow::Result<()> {
    let dir = study_dir(ws, name)?;
    let (config, trials, _) = summarise(&dir).map_err(anyhow::Error::msg)?;
    println!(
        "study {name}: {} on {} ({}), {} of {} trials, seeds {:?}, {} steps per run",
        match config.study.sampler {
            evolab_rl::experiment::SamplerConfig::Cmaes => "CMA-ES",
            evolab_rl::experiment::SamplerConfig::Random => "random search",
        },
        config.env.id,
        report::observation(&config),
        trials.len(),
        config.study.trials,
        config.study.seeds,
        config.training.steps
    );
    report::print_best(&config, &trials, top);
    for f in report::study_figures(&config, &trials, &dir.join("figures"))? {
        eprintln!("figure: {}", f.display());
    }
    Ok(())
}

pub fn export(ws: &Workspace, args: &StudyExportArgs) -> anyhow::Result<()> {
    let dir = study_dir(ws, &args.name)?;
    let (config, trials, _) = summarise(&dir).map_err(anyhow::Error::msg)?;
    let tests = read_tests(&dir).map_err(anyhow::Error::msg)?;
    let out = match &args.output {
        Some(p) => p.clone(),
        None => ws.home.join("exports").join(&args.name),
    };
    for path in report::export(&config, &trials, &tests, &args.format, &out)? {
        println!("{}", path.display());
    }
    Ok(())
}
