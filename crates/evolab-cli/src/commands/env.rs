//! `evolab env list` and `evolab env rollout`.

use std::io::{BufRead, Write};

use anyhow::{bail, Context};
use evolab_rl::env::{self, Action, ActionSpace, Env, Hide, PartiallyObserved};
use serde_json::json;

use crate::cli::{HideVelocities, RolloutArgs};

pub fn list() -> anyhow::Result<()> {
    println!(
        "{:<26} {:<22} {:>10}  velocity entries",
        "environment", "actions", "time limit"
    );
    for info in &env::ENVIRONMENTS {
        let made = env::make(info.id)?;
        let actions = match made.action_space() {
            ActionSpace::Discrete(n) => format!("discrete, {n}"),
            ActionSpace::Continuous { low, high } => {
                format!("continuous, {}×[{}, {}]", low.len(), low[0], high[0])
            }
        };
        println!(
            "{:<26} {:<22} {:>10}  {:?} of {}",
            info.id,
            actions,
            info.max_episode_steps,
            info.velocity_indices,
            made.observation_dim()
        );
    }
    Ok(())
}

pub fn rollout(args: &RolloutArgs) -> anyhow::Result<()> {
    let info = env::info(&args.env)?;
    let made = env::make(info.id)?;
    let mut env: Box<dyn Env> = match args.hide_velocities {
        None => made,
        Some(mode) => {
            let hide = match mode {
                HideVelocities::Delete => Hide::Delete,
                HideVelocities::Zero => Hide::Zero,
            };
            Box::new(
                PartiallyObserved::new(made, info.velocity_indices, hide)
                    .map_err(anyhow::Error::msg)?,
            )
        }
    };
    let actions = read_actions(args, &env.action_space())?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut obs = vec![0.0f32; env.observation_dim()];
    env.reset(Some(args.seed), &mut obs);
    writeln!(out, "{}", json!({"step": 0, "observation": obs}))?;
    for (k, action) in actions.iter().enumerate() {
        let (act, shown) = match action {
            ParsedAction::Discrete(a) => (Action::Discrete(*a), json!(a)),
            ParsedAction::Continuous(v) => (Action::Continuous(v), json!(v)),
        };
        let t = env.step(act, &mut obs)?;
        writeln!(
            out,
            "{}",
            json!({
                "step": k + 1,
                "action": shown,
                "observation": obs,
                "reward": t.reward,
                "terminated": t.terminated,
                "truncated": t.truncated,
            })
        )?;
        if t.terminated || t.truncated {
            let unused = actions.len() - k - 1;
            if unused > 0 {
                eprintln!(
                    "the episode ended after {} steps; {unused} actions were not used",
                    k + 1
                );
            }
            break;
        }
    }
    out.flush()?;
    Ok(())
}

enum ParsedAction {
    Discrete(usize),
    Continuous(Vec<f32>),
}

/// One action per non-empty line, checked against the action space before any step.
fn read_actions(args: &RolloutArgs, space: &ActionSpace) -> anyhow::Result<Vec<ParsedAction>> {
    let path = &args.actions;
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read the actions file {}", path.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut actions = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line =
            line.with_context(|| format!("{}: line {} is not text", path.display(), i + 1))?;
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let at = || {
            let source = if path.as_os_str() == "-" {
                "standard input".to_string()
            } else {
                path.display().to_string()
            };
            format!("{source} line {}", i + 1)
        };
        actions.push(match space {
            ActionSpace::Discrete(n) => match text.parse::<usize>() {
                Ok(a) if a < *n => ParsedAction::Discrete(a),
                _ => bail!(
                    "{}: {text:?} is not an action of {}; use an integer from 0 to {}",
                    at(),
                    args.env,
                    n - 1
                ),
            },
            ActionSpace::Continuous { low, .. } => {
                let values: Vec<f32> = text
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<f32>().ok().filter(|v| !v.is_nan()))
                    .collect::<Option<_>>()
                    .with_context(|| format!("{}: {text:?} is not a list of numbers", at()))?;
                if values.len() != low.len() {
                    bail!(
                        "{}: {} numbers given, {} takes {} per action",
                        at(),
                        values.len(),
                        args.env,
                        low.len()
                    );
                }
                ParsedAction::Continuous(values)
            }
        });
    }
    Ok(actions)
}
