//! Rough throughput of the Gunning fog scorer on 100-400-word texts.
//!
//! `cargo run --release -p evolab-text --example fog_speed [DATA_DIR [TEXTS.json]]`: the data
//! directory defaults to `evolab data fetch`'s (it needs the "pyphen" and "textstat" assets);
//! TEXTS.json, a JSON array of strings, replaces the generated texts (whose tiny vocabulary
//! flatters textstat's per-word caches). `tests/python/fog_speed.py TEXTS.json` times
//! textstat on the same file.

use std::path::Path;
use std::time::Instant;

use evolab_text::assets;
use evolab_text::GunningFog;

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "model",
    "population",
    "transmission",
    "story",
    "a",
    "to",
    "in",
    "readability",
    "converged",
    "towards",
    "intermediate",
    "values",
    "we",
    "found",
    "that",
    "children",
    "played",
    "garden",
    "extraordinarily",
    "complicated",
    "situation",
    "it",
    "was",
    "not",
    "clear",
    "whether",
    "participants",
    "understood",
    "instructions",
    "is",
    "cultural",
    "evolution",
    "attractor",
    "simple",
    "words",
    "sentence",
    "length",
    "café",
];

fn main() {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let data_dir = args
        .first()
        .map(Into::into)
        .unwrap_or_else(assets::default_data_dir);
    let fog = GunningFog::load(&data_dir).unwrap_or_else(|e| fail(&e.to_string()));
    let texts = match args.get(1) {
        Some(path) => read_texts(path.as_ref()),
        None => generated(),
    };
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();

    // The machine may be shared: report on-CPU time (Linux schedstat) besides wall time.
    let start = Instant::now();
    let cpu_start = cpu_ns();
    let mut checksum = 0.0;
    let rounds = 5;
    for _ in 0..rounds {
        for text in &texts {
            checksum += fog.fog(text);
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let n = (texts.len() * rounds) as f64;
    println!(
        "{n} texts of {:.0} words on average, checksum {:.2} per round",
        words as f64 / texts.len() as f64,
        checksum / rounds as f64
    );
    println!(
        "wall: {:.0} texts/s ({:.1} µs per text)",
        n / wall,
        wall / n * 1e6
    );
    if let (Some(a), Some(b)) = (cpu_start, cpu_ns()) {
        let cpu = (b - a) as f64 / 1e9;
        println!(
            "cpu:  {:.0} texts/s ({:.1} µs per text)",
            n / cpu,
            cpu / n * 1e6
        );
    }
}

/// Nanoseconds this thread has spent on a CPU, where Linux reports it.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// 2000 distinct texts of 100-400 words from a small vocabulary.
fn generated() -> Vec<String> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..2000)
        .map(|_| {
            let len = 100 + next(301);
            let mut text = String::new();
            for i in 0..len {
                text.push_str(WORDS[next(WORDS.len())]);
                text.push_str(if i % 17 == 16 { ". " } else { " " });
            }
            text
        })
        .collect()
}

fn read_texts(path: &Path) -> Vec<String> {
    let json =
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    serde_json::from_str(&json).unwrap_or_else(|e| {
        fail(&format!(
            "{}: not a JSON array of strings: {e}",
            path.display()
        ))
    })
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}
