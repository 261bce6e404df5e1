//! Rough throughput of the Gunning fog scorer on 100-400-word texts.
//!
//! `cargo run --release -p evolab-text --example fog_speed [DATA_DIR]` (the data directory
//! defaults to `evolab data fetch`'s; it needs the "pyphen" and "textstat" assets).

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
    let data_dir = std::env::args_os()
        .nth(1)
        .map(Into::into)
        .unwrap_or_else(assets::default_data_dir);
    let fog = GunningFog::load(&data_dir).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });

    // Distinct texts, so nothing can be served from a cache.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let texts: Vec<String> = (0..2000)
        .map(|_| {
            let len = 100 + next(301);
            let mut text = String::new();
            for i in 0..len {
                text.push_str(WORDS[next(WORDS.len())]);
                text.push_str(if i % 17 == 16 { ". " } else { " " });
            }
            text
        })
        .collect();
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
        "{n} texts of {:.0} words on average, checksum {checksum:.2}",
        words as f64 / texts.len() as f64
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
