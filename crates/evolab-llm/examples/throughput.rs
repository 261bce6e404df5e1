//! Batched versus one-at-a-time generation speed of the embedded engine.
//!
//! ```text
//! OMP_WAIT_POLICY=passive cargo run --release -p evolab-llm --features embedded \
//!     --example throughput -- --agents 32 --max-tokens 64 --threads 1 [--sequential]
//! ```
//!
//! Run one mode per process: the peak RSS printed at the end is the process high-water mark.
//! `OMP_WAIT_POLICY` has to be in the environment when the process starts (the OpenMP
//! runtime reads it while loading, before `main`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use evolab_llm::embedded::EmbeddedEngine;
use evolab_llm::registry::{self, DEFAULT_MODEL};
use evolab_llm::{BatchObserver, EmbeddedConfig, Engine, Prompt, Request, Sampling};

const OPENINGS: &[&str] = &[
    "Once upon a time, in a village at the edge of a great forest,",
    "Once upon a time there lived a lighthouse keeper who",
    "Long ago, when the rivers still spoke,",
    "Once upon a time, a small robot woke up in an empty city and",
    "There was once a baker whose bread could make people remember",
    "Once upon a time, two sisters found a map hidden in",
    "In a kingdom where it never stopped snowing,",
    "Once upon a time, an old fisherman caught a fish that",
];

struct Args {
    agents: usize,
    max_tokens: u32,
    sequential: bool,
    threads: u32,
    context: u32,
    temperature: f32,
    prompt_repeat: usize,
    model: String,
    models_dir: PathBuf,
    show: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        agents: 4,
        max_tokens: 64,
        sequential: false,
        threads: 0,
        context: EmbeddedConfig::default().context,
        temperature: Sampling::default().temperature,
        prompt_repeat: 1,
        model: DEFAULT_MODEL.to_string(),
        models_dir: registry::default_models_dir(),
        show: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--agents" => args.agents = value("--agents")?.parse().map_err(|e| format!("--agents: {e}"))?,
            "--max-tokens" => {
                args.max_tokens = value("--max-tokens")?
                    .parse()
                    .map_err(|e| format!("--max-tokens: {e}"))?
            }
            "--threads" => args.threads = value("--threads")?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--context" => args.context = value("--context")?.parse().map_err(|e| format!("--context: {e}"))?,
            "--temperature" => {
                args.temperature = value("--temperature")?
                    .parse()
                    .map_err(|e| format!("--temperature: {e}"))?
            }
            "--prompt-repeat" => {
                args.prompt_repeat = value("--prompt-repeat")?
                    .parse()
                    .map_err(|e| format!("--prompt-repeat: {e}"))?
            }
            "--model" => args.model = value("--model")?,
            "--models-dir" => args.models_dir = value("--models-dir")?.into(),
            "--sequential" => args.sequential = true,
            "--show" => args.show = true,
            "-h" | "--help" => {
                return Err("usage: throughput [--agents N] [--max-tokens T] [--sequential] [--threads N (0 = all cores)] [--context N] [--temperature T] [--prompt-repeat K (longer prompts)] [--model NAME|PATH] [--models-dir DIR] [--show]".into())
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    if args.agents == 0 || args.max_tokens == 0 {
        return Err("--agents and --max-tokens must be at least 1".into());
    }
    Ok(args)
}

/// Peak resident set size of this process, in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

struct Counter(AtomicU64);
impl BatchObserver for Counter {
    fn tokens_generated(&self, count: u64) {
        self.0.fetch_add(count, Ordering::Relaxed);
    }
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let model = match registry::resolve(&args.model, &args.models_dir) {
        Ok(model) => model,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let config = EmbeddedConfig {
        threads: args.threads,
        context: args.context,
        max_batch: if args.sequential {
            1
        } else {
            args.agents as u32
        },
    };
    let load_start = Instant::now();
    let engine = EmbeddedEngine::load(&model, &config).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    let load_s = load_start.elapsed().as_secs_f64();

    let requests: Vec<Request> = (0..args.agents)
        .map(|i| Request {
            prompt: Prompt::Text(
                // Repeating the opening stands in for the long inputs of retelling tasks.
                [OPENINGS[i % OPENINGS.len()]]
                    .repeat(args.prompt_repeat.max(1))
                    .join(" "),
            ),
            sampling: Sampling {
                max_tokens: args.max_tokens,
                temperature: args.temperature,
                ..Sampling::default()
            },
            seed: 1000 + i as u64,
        })
        .collect();

    let counter = Counter(AtomicU64::new(0));
    let start = Instant::now();
    let results: Vec<_> = if args.sequential {
        requests
            .iter()
            .flat_map(|r| engine.generate(std::slice::from_ref(r), &counter))
            .collect()
    } else {
        engine.generate(&requests, &counter)
    };
    let wall = start.elapsed().as_secs_f64();

    let mut completion_tokens = 0u64;
    let mut prompt_tokens = 0u64;
    let mut failures = 0;
    // Batched: one prompt phase shared by all; sequential: one per request.
    let mut prompt_ms: f64 = 0.0;
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(c) => {
                completion_tokens += u64::from(c.completion_tokens);
                prompt_tokens += u64::from(c.prompt_tokens);
                prompt_ms = if args.sequential {
                    prompt_ms + c.timings.prompt_ms
                } else {
                    prompt_ms.max(c.timings.prompt_ms)
                };
                if args.show {
                    println!(
                        "--- agent {i} ({}, {} tokens)\n{}",
                        c.finish_reason.as_str(),
                        c.completion_tokens,
                        c.text
                    );
                }
            }
            Err(e) => {
                failures += 1;
                eprintln!("agent {i}: {e}");
            }
        }
    }
    println!(
        "mode={} agents={} max_tokens={} threads={} OMP_WAIT_POLICY={}",
        if args.sequential {
            "sequential"
        } else {
            "batched"
        },
        args.agents,
        args.max_tokens,
        if args.threads == 0 {
            "all".to_string()
        } else {
            args.threads.to_string()
        },
        std::env::var("OMP_WAIT_POLICY").unwrap_or_else(|_| "(unset)".into()),
    );
    println!(
        "load {load_s:.2}s | {completion_tokens} completion tokens ({prompt_tokens} prompt, prompt phase {:.2}s) in {wall:.2}s = {:.1} tokens/s | observer counted {} | failures {failures} | peak RSS {}",
        prompt_ms / 1000.0,
        completion_tokens as f64 / wall,
        counter.0.load(Ordering::Relaxed),
        peak_rss_mib().map_or("n/a".into(), |m| format!("{m:.0} MiB")),
    );
}
