//! Embedding throughput: `embed_bench MODEL_DIR TEXTS_FILE` embeds every line of
//! TEXTS_FILE (one text per line) and prints texts per second. Threads follow
//! RAYON_NUM_THREADS. Used by bench/embeddings.sh. With EVOLAB_DEFAULT_MALLOC=1 it keeps
//! glibc's default allocator settings, to measure what `keep_freed_memory_for_reuse` gains.

use std::path::Path;
use std::time::Instant;

use evolab_text::embedding::SentenceEncoder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As `evolab` does, unless asked to measure without it.
    if std::env::var("EVOLAB_DEFAULT_MALLOC").as_deref() != Ok("1") {
        evolab_text::embedding::keep_freed_memory_for_reuse();
    }
    let args: Vec<String> = std::env::args().collect();
    let [_, model_dir, texts_file] = args.as_slice() else {
        return Err("usage: embed_bench MODEL_DIR TEXTS_FILE".into());
    };
    let load_start = Instant::now();
    let encoder = SentenceEncoder::load(Path::new(model_dir))?;
    let load_s = load_start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(texts_file)?;
    let texts: Vec<&str> = text.lines().collect();

    // Warm-up, so that one-off allocations are not timed.
    encoder.embed(&texts[..texts.len().min(32)])?;
    let start = Instant::now();
    let vectors = encoder.embed(&texts)?;
    let seconds = start.elapsed().as_secs_f64();
    let checksum: f64 = vectors.iter().map(|v| f64::from(v[0])).sum();
    println!(
        "evolab {}: {} texts in {seconds:.2} s = {:.1} texts/s (load {load_s:.2} s, checksum {checksum:.6})",
        encoder.identity(),
        texts.len(),
        texts.len() as f64 / seconds
    );
    Ok(())
}
