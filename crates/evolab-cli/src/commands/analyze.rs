//! `evolab analyze` and `evolab compare`.

use std::time::Instant;

use anyhow::Context;
use evolab_analysis::embedder::Embedder;
use evolab_analysis::pipeline::{self, AnalysisOptions};
use evolab_analysis::report;

use crate::cli::AnalysisArgs;
use crate::progress::stage_bar;
use crate::workspace::Workspace;

pub fn analyze(ws: &Workspace, runs: &[String], args: &AnalysisArgs) -> anyhow::Result<()> {
    let store = ws.store()?;
    let mut options = AnalysisOptions::new(ws.data_dir.clone());
    options.metrics = args.metrics.clone();
    options.toxicity_model = args.toxicity_model.clone();
    options.strip_hashtags = !args.keep_hashtags;
    options.predict_generation = args.predict_generation;
    options.bootstrap_resamples = args.bootstrap;
    options.refresh = args.refresh;
    if let Some(t) = args.threads {
        options.threads = t.max(1);
    }
    let system = store.run(&runs[0])?.system;
    let embedder = if system == "culture" && !args.no_embeddings {
        load_embedder(ws)?
    } else {
        None
    };

    let started = Instant::now();
    let mut bar = stage_bar();
    let (analysis, cached) = pipeline::analyse(
        &store,
        runs,
        &options,
        embedder.as_deref(),
        &mut |stage, done, total| bar.update(stage, done, total),
    )?;
    bar.finish();
    let target = match &args.output {
        Some(path) => path.clone(),
        None => ws.home.join("analyses").join(runs.join("+")),
    };
    let folder = report::write(
        &analysis,
        &target,
        &report::ReportOptions {
            legacy: args.legacy,
        },
    )
    .with_context(|| format!("writing the report to {}", target.display()))?;
    eprintln!(
        "{} in {:.1}s{}",
        if cached {
            "analysis read from the store"
        } else {
            "analysed"
        },
        started.elapsed().as_secs_f64(),
        if analysis.runs.iter().any(|r| r.non_english > 0) {
            "; some texts do not look English (see report.md)"
        } else {
            ""
        }
    );
    println!("{}", folder.join("report.md").display());
    Ok(())
}

#[cfg(feature = "embeddings")]
fn load_embedder(ws: &Workspace) -> anyhow::Result<Option<Box<dyn Embedder>>> {
    let dir = evolab_text::embedding::minilm_dir(&ws.data_dir);
    let encoder = evolab_text::embedding::SentenceEncoder::load(&dir).context(
        "loading the sentence model for embedding similarity (pass --no-embeddings to skip it)",
    )?;
    Ok(Some(Box::new(encoder)))
}

#[cfg(not(feature = "embeddings"))]
fn load_embedder(_ws: &Workspace) -> anyhow::Result<Option<Box<dyn Embedder>>> {
    eprintln!(
        "note: this evolab was built without the `embeddings` feature; embedding similarity and the creativity index are skipped"
    );
    Ok(None)
}
