//! `evolab bench generation`: the throughput of one culture generation on the embedded
//! engine, all agents batched in one context versus one request at a time (the pattern of
//! the original Python code).

use std::time::Instant;

use anyhow::bail;
use evolab_culture::culture::{CultureConfig, CulturePopulation};
use evolab_culture::population::{Action, History, Population, RunSettings};
use evolab_culture::prompts::PromptLibrary;
use evolab_llm::{EngineKind, LlmConfig, PromptStyle, Request, Silent};

use crate::cli::{BenchArgs, BenchMode};
use crate::workspace::Workspace;

/// Generation-0 requests of a fully connected culture population of `agents`.
fn requests(agents: u32, max_tokens: u32) -> anyhow::Result<Vec<Request>> {
    let library = PromptLibrary::builtin();
    let config = CultureConfig {
        agents,
        generations: 1,
        ..Default::default()
    };
    config.validate(&library).map_err(anyhow::Error::msg)?;
    let settings = RunSettings {
        repetitions: 1,
        master_seed: 1,
        style: PromptStyle::Completion,
        sampling: evolab_llm::Sampling {
            max_tokens,
            ..Default::default()
        },
    };
    let population =
        CulturePopulation::new(&config, &library, &settings).map_err(anyhow::Error::msg)?;
    Ok(population
        .work(0, &History::default())
        .into_iter()
        .filter_map(|w| match w.action {
            Action::Generate(mut r) => {
                r.sampling.stop.clear();
                Some(r)
            }
            Action::Given(_) => None,
        })
        .collect())
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

pub fn generation(ws: &Workspace, args: &BenchArgs) -> anyhow::Result<()> {
    if !cfg!(feature = "embedded") {
        bail!("this build has no embedded engine; build with `--features embedded`");
    }
    println!("| agents | mode | tokens | seconds | tokens/s | peak RSS (MiB) |");
    println!("|---:|---|---:|---:|---:|---:|");
    let modes: &[(&str, bool)] = match args.mode {
        BenchMode::Batched => &[("batched", true)],
        BenchMode::Sequential => &[("sequential", false)],
        BenchMode::Both => &[("batched", true), ("sequential", false)],
    };
    for &agents in &args.agents {
        let batch = requests(agents, args.max_tokens)?;
        for &(label, batched) in modes {
            let mut config = LlmConfig {
                engine: EngineKind::Embedded,
                model: args.model.clone(),
                ..Default::default()
            };
            config.embedded.threads = args.threads;
            config.embedded.context = args.context;
            config.embedded.max_batch = if batched { agents.max(1) } else { 1 };
            let opened = evolab_llm::open_engine(&config, &ws.models_dir)?;
            let start = Instant::now();
            let outcomes = opened.engine.generate(&batch, &Silent);
            let secs = start.elapsed().as_secs_f64();
            let mut tokens = 0u64;
            for outcome in outcomes {
                tokens += u64::from(outcome?.completion_tokens);
            }
            let rss = peak_rss_mib()
                .map(|m| format!("{m:.0}"))
                .unwrap_or_else(|| "n/a".into());
            println!(
                "| {agents} | {label} | {tokens} | {secs:.2} | {:.1} | {rss} |",
                tokens as f64 / secs
            );
        }
    }
    Ok(())
}
