//! `evolab rl train`: one PPO training run with its learning curve.

use std::io::Write;
use std::ops::ControlFlow;
use std::time::Instant;

use anyhow::{bail, Context};
use evolab_rl::experiment::{
    mean_ci95, train_run, EnvConfig, ExperimentConfig, HideVelocities, Observer, PrecisionConfig,
    ReservoirConfig, RunSpec,
};
use evolab_rl::reservoir::{Precision, ReservoirSpec};

use crate::cli::{HideVelocitiesArg, PrecisionArg, TrainArgs};
use crate::step_progress::StepProgress;

pub fn train(args: &TrainArgs) -> anyhow::Result<()> {
    let config = resolve(args)?;
    config.check_training().map_err(anyhow::Error::msg)?;
    let observer = observer(&config, args.frame_stack);
    let spec = RunSpec {
        env: config.env.clone(),
        observer: observer.clone(),
        ppo: config.ppo.clone(),
        steps: config.training.steps,
        last_episodes: config.training.last_episodes,
        eval_episodes: config.training.eval_episodes,
    };
    eprintln!(
        "training PPO on {} ({}) for {} steps, seed {}",
        config.env.id,
        describe(&config, &observer),
        config.training.steps,
        args.seed
    );
    let progress = StepProgress::new(config.training.steps, 0);
    if !args.json {
        progress.println(&format!(
            "{:>9} {:>8} {:>13} {:>8} {:>6} {:>11} {:>9}",
            "steps", "episodes", "return(last)", "kl", "clip", "value loss", "steps/s"
        ));
    }
    let start = Instant::now();
    let mut returns: Vec<f64> = Vec::new();
    let mut previous = 0;
    let window = config.training.last_episodes;
    let outcome = train_run(&spec, args.seed, |r| {
        returns.extend(r.episodes.iter().map(|e| e.return_));
        progress.advance(r.steps - previous);
        previous = r.steps;
        let tail = &returns[returns.len().saturating_sub(window)..];
        let mean = if tail.is_empty() {
            f64::NAN
        } else {
            tail.iter().sum::<f64>() / tail.len() as f64
        };
        progress.message(format!("return {mean:.1}"));
        if !args.json {
            progress.println(&format!(
                "{:>9} {:>8} {:>13.2} {:>8.4} {:>6.3} {:>11.3} {:>9.0}",
                r.steps,
                returns.len(),
                mean,
                r.losses.approx_kl,
                r.losses.clip_fraction,
                r.losses.value,
                r.steps as f64 / start.elapsed().as_secs_f64()
            ));
        }
        ControlFlow::Continue(())
    })
    .map_err(anyhow::Error::msg)?;
    progress.finish();

    if let Some(path) = &args.curve {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        writeln!(out, "step,return,length")?;
        for p in &outcome.curve {
            writeln!(out, "{},{},{}", p.step, p.return_, p.length)?;
        }
        out.flush()?;
    }
    if args.json {
        let eval = mean_ci95(&outcome.eval_returns);
        println!(
            "{}",
            serde_json::json!({
                "env": config.env.id,
                "observer": describe(&config, &observer),
                "seed": args.seed,
                "steps": outcome.steps,
                "episodes": outcome.curve.len(),
                "last_mean": outcome.last_mean,
                "eval_mean": eval.map(|e| e.0),
                "eval_ci95": eval.map(|e| e.1),
                "eval_returns": outcome.eval_returns,
                "seconds": outcome.seconds,
                "steps_per_second": outcome.steps as f64 / outcome.seconds,
            })
        );
        return Ok(());
    }
    println!(
        "training: mean return of the last {} episodes {:.2}; {} steps in {:.1} s ({:.0} steps/s)",
        window.min(outcome.curve.len()),
        outcome.last_mean,
        outcome.steps,
        outcome.seconds,
        outcome.steps as f64 / outcome.seconds
    );
    match mean_ci95(&outcome.eval_returns) {
        Some((mean, half)) => println!(
            "evaluation: deterministic policy, {} episodes: {mean:.2} ± {half:.2} (95% CI)",
            outcome.eval_returns.len()
        ),
        None => println!("evaluation: none (training.eval_episodes is 0)"),
    }
    Ok(())
}

/// The experiment file or preset with the command line's settings on top.
fn resolve(args: &TrainArgs) -> anyhow::Result<ExperimentConfig> {
    let mut config = match (&args.config, &args.preset) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            ExperimentConfig::from_toml(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        (None, Some(name)) => crate::presets::reservoir_preset(name)?,
        (None, None) => {
            let Some(id) = &args.env else {
                bail!("give an environment (--env CartPole-v1) or an experiment file");
            };
            ExperimentConfig {
                env: EnvConfig {
                    id: id.clone(),
                    hide_velocities: HideVelocities::None,
                },
                ..ExperimentConfig::default()
            }
        }
    };
    if let Some(id) = &args.env {
        config.env.id = id.clone();
    }
    if let Some(h) = args.hide_velocities {
        config.env.hide_velocities = match h {
            HideVelocitiesArg::None => HideVelocities::None,
            HideVelocitiesArg::Delete => HideVelocities::Delete,
            HideVelocitiesArg::Zero => HideVelocities::Zero,
        };
    }
    let wants_reservoir = args.reservoir
        || args.units.is_some()
        || args.spectral_radius.is_some()
        || args.leak_rate.is_some()
        || args.input_scaling.is_some()
        || args.precision.is_some();
    if wants_reservoir {
        let r = config
            .reservoir
            .get_or_insert_with(ReservoirConfig::default);
        r.units = args.units.unwrap_or(r.units);
        r.spectral_radius = args.spectral_radius.unwrap_or(r.spectral_radius);
        r.leak_rate = args.leak_rate.unwrap_or(r.leak_rate);
        r.input_scaling = args.input_scaling.unwrap_or(r.input_scaling);
        if let Some(p) = args.precision {
            r.precision = match p {
                PrecisionArg::F64 => PrecisionConfig::F64,
                PrecisionArg::F32 => PrecisionConfig::F32,
            };
        }
    }
    if args.frame_stack.is_some() && config.reservoir.take().is_some() {
        eprintln!("note: --frame-stack replaces the reservoir of the experiment file");
    }
    let p = &mut config.ppo;
    p.n_envs = args.n_envs.unwrap_or(p.n_envs);
    p.learning_rate = args.learning_rate.unwrap_or(p.learning_rate);
    p.gamma = args.gamma.unwrap_or(p.gamma);
    p.n_steps = args.n_steps.unwrap_or(p.n_steps);
    let t = &mut config.training;
    t.steps = args.steps.unwrap_or(t.steps);
    t.eval_episodes = args.eval_episodes.unwrap_or(t.eval_episodes);
    if args.frame_stack == Some(0) {
        bail!("--frame-stack needs at least 1 frame");
    }
    Ok(config)
}

fn observer(config: &ExperimentConfig, frame_stack: Option<usize>) -> Observer {
    if let Some(k) = frame_stack {
        return Observer::FrameStack(k);
    }
    match &config.reservoir {
        None => Observer::Raw,
        Some(r) => Observer::Reservoir {
            specs: vec![
                ReservoirSpec {
                    units: r.units,
                    params: r.params(),
                };
                r.count
            ],
            options: r.options(),
        },
    }
}

fn describe(config: &ExperimentConfig, observer: &Observer) -> String {
    let seen = super::reservoir_report::observation(config);
    match observer {
        Observer::Raw => seen.to_string(),
        Observer::FrameStack(k) => format!("{seen}, {k} frames stacked"),
        Observer::Reservoir { specs, options } => {
            let p = specs[0].params;
            let precision = match options.precision {
                Precision::F64 => "f64",
                Precision::F32 => "f32",
            };
            format!(
                "{seen}, {}×{}-unit {precision} reservoir, ρ {} α {} s {}",
                specs.len(),
                specs[0].units,
                p.spectral_radius,
                p.leak_rate,
                p.input_scaling
            )
        }
    }
}
