//! Rough throughput of one text scorer, in CPU time, on 100-400-word texts.
//!
//! `cargo run --release -p evolab-text --example scorer_speed SCORER [DATA_DIR [TEXTS]]`
//! SCORER is fog, vader, pattern or toxicity. The data directory defaults to `evolab data
//! fetch`'s. TEXTS (a JSON array of strings, or JSONL with a "text" field as
//! `bench/make_corpus.py` writes) replaces the generated texts, whose tiny vocabulary
//! flatters per-word caches. `tests/python/fog_speed.py TEXTS.json` times textstat on the
//! same file.

use std::path::Path;
use std::time::Instant;

use evolab_text::{assets, GunningFog, PatternSentiment, ToxBlock, Vader};

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

/// Scores a batch of texts and returns the sum of the scores (a checksum).
type SumOfScores = Box<dyn Fn(&[&str]) -> f64>;

fn main() {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let usage = "usage: scorer_speed fog|vader|pattern|toxicity [DATA_DIR [TEXTS]]";
    let scorer = args
        .first()
        .and_then(|s| s.to_str())
        .unwrap_or_else(|| fail(usage));
    let data_dir = args
        .get(1)
        .map(Into::into)
        .unwrap_or_else(assets::default_data_dir);
    let texts = match args.get(2) {
        Some(path) => read_texts(path.as_ref()),
        None => generated(),
    };
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let score: SumOfScores = match scorer {
        "fog" => {
            let fog = GunningFog::load(&data_dir).unwrap_or_else(|e| fail(&e.to_string()));
            Box::new(move |t| t.iter().map(|t| fog.fog(t)).sum())
        }
        "vader" => {
            let vader = Vader::load(&data_dir).unwrap_or_else(|e| fail(&e.to_string()));
            Box::new(move |t| t.iter().map(|t| vader.compound(t)).sum())
        }
        "pattern" => {
            let pattern =
                PatternSentiment::load(&data_dir).unwrap_or_else(|e| fail(&e.to_string()));
            Box::new(move |t| t.iter().map(|t| pattern.sentiment(t).0).sum())
        }
        "toxicity" => {
            let model = ToxBlock::load(&data_dir).unwrap_or_else(|e| fail(&e.to_string()));
            // Scored in batches of 1,024, as `evolab score` does, on this thread only.
            Box::new(move |t| {
                t.chunks(1024)
                    .flat_map(|c| model.predict_all(c))
                    .map(|p| f64::from(p[0]))
                    .sum()
            })
        }
        _ => fail(usage),
    };
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();

    // The machine may be shared: report on-CPU time (Linux schedstat) besides wall time.
    let start = Instant::now();
    let cpu_start = cpu_ns();
    let mut checksum = 0.0;
    let rounds = 3;
    for _ in 0..rounds {
        checksum += score(&refs);
    }
    let wall = start.elapsed().as_secs_f64();
    let n = (texts.len() * rounds) as f64;
    println!(
        "{scorer}: {n} texts of {:.0} words on average, checksum {:.4} per round",
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
    if let Ok(texts) = serde_json::from_str(&json) {
        return texts;
    }
    json.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).ok()?;
            Some(row.get("text")?.as_str()?.to_string())
        })
        .collect::<Option<_>>()
        .unwrap_or_else(|| {
            fail(&format!(
                "{}: neither a JSON array of strings nor JSONL with a \"text\" field",
                path.display()
            ))
        })
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}
