//! `evolab score`: metrics for texts that did not come from evolab.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

use anyhow::Context;
use evolab_analysis::corpus::{detect_format, Corpus, CorpusFormat, CorpusText};
use evolab_analysis::scoring::score_all;
use evolab_analysis::suite::{self, SuiteOptions, FAMILIES};
use evolab_text::preprocess::strip_hashtags;
use serde_json::{Map, Value};

use crate::cli::{InputFormat, ScoreArgs};
use crate::workspace::Workspace;

/// Texts scored together: large enough to keep every thread busy, small enough that memory
/// stays flat on any corpus.
const BATCH: usize = 1024;

pub fn score(ws: &Workspace, args: &ScoreArgs) -> anyhow::Result<()> {
    if args.list {
        for family in FAMILIES {
            let data = if family.assets.is_empty() {
                String::new()
            } else {
                format!(" [data: {}]", family.assets.join(", "))
            };
            println!("{:<14} {}{data}", family.name, family.description);
        }
        return Ok(());
    }
    let mut options = SuiteOptions::defaults(&ws.data_dir);
    if let Some(metrics) = &args.metrics {
        options.metrics = metrics.clone();
    }
    options.toxicity_model = args.toxicity_model.clone();
    let scorers = suite::load(&options)?;
    for s in &scorers {
        eprintln!("scorer: {}", s.identity());
    }
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });

    let (mut reader, name): (Box<dyn BufRead>, Option<String>) = match &args.input {
        Some(path) if path.as_os_str() != "-" => (
            Box::new(BufReader::new(
                File::open(path).with_context(|| format!("opening {}", path.display()))?,
            )),
            Some(path.to_string_lossy().into_owned()),
        ),
        _ => (Box::new(BufReader::new(io::stdin())), None),
    };
    let format = match args.format {
        Some(InputFormat::Lines) => CorpusFormat::Lines,
        Some(InputFormat::Jsonl) => CorpusFormat::Jsonl,
        None => {
            let head = reader.fill_buf()?;
            let first = String::from_utf8_lossy(head);
            let first_line = first.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            detect_format(name.as_deref(), first_line)
        }
    };

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut batch: Vec<CorpusText> = Vec::with_capacity(BATCH);
    let mut scored = 0usize;
    for item in Corpus::new(reader, format) {
        let text = match item {
            Ok(text) => text,
            Err(e) => {
                // Everything before the bad line is scored and written, so the output is a
                // clean prefix of the input that the user can resume after fixing it.
                write_batch(&mut out, &scorers, &batch, args.keep_hashtags, threads)?;
                out.flush()?;
                return Err(e.into());
            }
        };
        batch.push(text);
        if batch.len() == BATCH {
            scored += write_batch(&mut out, &scorers, &batch, args.keep_hashtags, threads)?;
            batch.clear();
        }
    }
    scored += write_batch(&mut out, &scorers, &batch, args.keep_hashtags, threads)?;
    out.flush()?;
    eprintln!("scored {scored} texts");
    Ok(())
}

fn write_batch(
    out: &mut dyn Write,
    scorers: &[Box<dyn evolab_text::Scorer>],
    batch: &[CorpusText],
    keep_hashtags: bool,
    threads: usize,
) -> anyhow::Result<usize> {
    let cleaned: Vec<String> = batch
        .iter()
        .map(|t| {
            if keep_hashtags {
                t.text.clone()
            } else {
                strip_hashtags(&t.text).into_owned()
            }
        })
        .collect();
    let refs: Vec<&str> = cleaned.iter().map(String::as_str).collect();
    let scores = score_all(scorers, &refs, threads)?;
    let metric_order: Vec<&'static str> = scorers
        .iter()
        .flat_map(|s| s.metrics().into_iter().map(|m| m.name))
        .collect();
    for (text, values) in batch.iter().zip(&scores) {
        let mut line = Map::new();
        line.insert("line".into(), Value::from(text.line));
        if let Some(id) = &text.id {
            line.insert("id".into(), id.clone());
        }
        for name in &metric_order {
            let value = values.get(*name).copied().flatten();
            line.insert(
                (*name).into(),
                value.map(Value::from).unwrap_or(Value::Null),
            );
        }
        serde_json::to_writer(&mut *out, &Value::Object(line))?;
        out.write_all(b"\n")?;
    }
    Ok(batch.len())
}
