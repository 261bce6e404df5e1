//! End-to-end tests of the `evolab` binary on the real embedded model (Gemma 3 270M).
//! `scripts/test` fetches the model first; without it these tests fail and say so.
#![cfg(feature = "embedded")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use evolab_core::RunStore;

fn evolab(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evolab"));
    cmd.arg("--home").arg(home);
    cmd
}

fn ok(output: Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "evolab failed: {stderr}\n(if the model is missing: `evolab model fetch`)"
    );
    String::from_utf8(output.stdout).unwrap()
}

/// One thread per run, so two tests running at once share the 2 cores without contention.
fn write_config(dir: &Path, agents: u32, generations: u32) -> PathBuf {
    let path = dir.join("run.toml");
    std::fs::write(
        &path,
        format!(
            "name = \"e2e\"\nsystem = \"culture\"\nseed = 5\n\
             [culture]\nagents = {agents}\ngenerations = {generations}\nnetwork = {{ kind = \"fully_connected\" }}\n\
             [llm.sampling]\nmax_tokens = 24\n\
             [llm.embedded]\nthreads = 1\ncontext = 1024\n"
        ),
    )
    .unwrap();
    path
}

fn run_id(stdout: &str) -> String {
    stdout
        .lines()
        .last()
        .expect("run prints its id")
        .trim()
        .to_string()
}

fn jsonl(home: &Path, run: &str) -> Vec<serde_json::Value> {
    let out = home.join("texts.jsonl");
    ok(evolab(home)
        .args(["export", run, "--format", "jsonl", "--output"])
        .arg(&out)
        .output()
        .unwrap());
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn texts_by_slot(rows: &[serde_json::Value]) -> Vec<(u64, u64, u64, String)> {
    rows.iter()
        .map(|r| {
            (
                r["repetition"].as_u64().unwrap(),
                r["generation"].as_u64().unwrap(),
                r["agent"].as_u64().unwrap(),
                r["output"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn culture_run_on_the_embedded_model_is_stored_shown_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let config = write_config(dir.path(), 3, 2);
    let run = run_id(&ok(evolab(&home).arg("run").arg(&config).output().unwrap()));

    let list = ok(evolab(&home).arg("list").output().unwrap());
    assert!(
        list.contains(&run) && list.contains("finished") && list.contains("2/2"),
        "{list}"
    );

    let rows = jsonl(&home, &run);
    assert_eq!(rows.len(), 3 * 2);
    for row in &rows {
        let tokens = row["completion_tokens"].as_u64().unwrap();
        assert!(tokens <= 24, "max_tokens is respected: {row}");
        assert_eq!(
            row["seed"].as_str().map(|s| s.parse::<u64>().is_ok()),
            Some(true)
        );
    }
    assert!(
        rows.iter()
            .map(|r| r["completion_tokens"].as_u64().unwrap())
            .sum::<u64>()
            > 0
    );
    // Generation 1 agents read generation 0 stories of their neighbours.
    let agent0_gen1 = rows
        .iter()
        .find(|r| r["generation"] == 1 && r["agent"] == 0)
        .unwrap();
    let prompt = agent0_gen1["prompt"].as_str().unwrap();
    let read: Vec<&str> = [1, 2]
        .iter()
        .map(|&neighbour| {
            rows.iter()
                .find(|r| r["generation"] == 0 && r["agent"] == neighbour)
                .unwrap()["output"]
                .as_str()
                .unwrap()
                .trim()
        })
        .filter(|story| !story.is_empty())
        .collect();
    assert!(
        !read.is_empty(),
        "the neighbours wrote something at generation 0"
    );
    for story in read {
        assert!(
            prompt.contains(story),
            "prompt misses a neighbour's story:\n{prompt}"
        );
    }

    let shown = ok(evolab(&home)
        .args(["show", &run, "--generation", "1"])
        .output()
        .unwrap());
    assert!(
        shown.contains("generation 1") && !shown.contains("generation 0 ==="),
        "{shown}"
    );
    let manifest = ok(evolab(&home)
        .args(["show", &run, "--manifest"])
        .output()
        .unwrap());
    assert!(
        manifest.contains("a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"),
        "{manifest}"
    );
    assert!(
        manifest.contains("\"prompt_style\": \"completion\""),
        "base model gets completion prompts"
    );

    for format in ["csv", "parquet"] {
        let out = ok(evolab(&home)
            .args(["export", &run, "--format", format])
            .output()
            .unwrap());
        let path = PathBuf::from(out.trim());
        assert!(
            path.metadata().unwrap().len() > 100,
            "{format} export is written"
        );
    }

    // Running the same config again replays every call from the workspace's cache.
    let again = evolab(&home).arg("run").arg(&config).output().unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr).to_string();
    let second = run_id(&ok(again));
    assert!(stderr.contains("6 calls replayed"), "{stderr}");
    assert_eq!(texts_by_slot(&jsonl(&home, &second)), texts_by_slot(&rows));
    // The stories are analysed: similarity curves, metrics and figures.
    let out = dir.path().join("report");
    ok(evolab(&home)
        .args(["analyze", &run, "-o"])
        .arg(&out)
        .output()
        .unwrap());
    let curves = std::fs::read_to_string(out.join("tables/generation_summary.csv")).unwrap();
    assert!(
        curves.lines().any(|l| l.contains(",tfidf_within,1,1,")),
        "{curves}"
    );
    #[cfg(feature = "embeddings")]
    assert!(
        curves.lines().any(|l| l.contains(",embedding_within,0,1,")),
        "{curves}"
    );
    #[cfg(feature = "embeddings")]
    assert!(
        curves.lines().any(|l| l.contains(",creativity,0,1,")),
        "{curves}"
    );
    assert!(out.join("figures/rep0_word_chains.png").is_file());
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_the_uninterrupted_result() {
    let dir = tempfile::tempdir().unwrap();
    let generations = 6;
    let config = write_config(dir.path(), 3, generations);

    let reference_home = dir.path().join("reference");
    let reference = run_id(&ok(evolab(&reference_home)
        .arg("run")
        .arg(&config)
        .output()
        .unwrap()));

    let home = dir.path().join("killed");
    let mut child = evolab(&home)
        .arg("run")
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let store_path = home.join("evolab.sqlite");
    let deadline = Instant::now() + Duration::from_secs(300);
    let run = loop {
        assert!(
            Instant::now() < deadline,
            "the run never committed a generation"
        );
        std::thread::sleep(Duration::from_millis(50));
        if !store_path.exists() {
            continue;
        }
        let Ok(store) = RunStore::open(&store_path) else {
            continue;
        };
        let Ok(runs) = store.runs() else { continue };
        if let Some(run) = runs.first().filter(|r| r.steps_done >= 2) {
            break run.clone();
        }
    };
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(run.steps_done < generations, "killed before the end");

    let list = ok(evolab(&home).arg("list").output().unwrap());
    assert!(list.contains("interrupted"), "{list}");
    ok(evolab(&home).args(["resume", &run.id]).output().unwrap());
    let list = ok(evolab(&home).arg("list").output().unwrap());
    assert!(list.contains("finished"), "{list}");

    assert_eq!(
        texts_by_slot(&jsonl(&home, &run.id)),
        texts_by_slot(&jsonl(&reference_home, &reference))
    );
}

#[test]
fn a_missing_model_says_how_to_fetch_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), 2, 1);
    let output = evolab(&dir.path().join("home"))
        .arg("--models-dir")
        .arg(dir.path().join("no-models"))
        .arg("run")
        .arg(&config)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("evolab model fetch"), "{stderr}");
}

#[test]
fn telephone_chain_on_the_embedded_model_passes_each_text_on() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let config = dir.path().join("telephone.toml");
    std::fs::write(
        &config,
        "system = \"telephone\"\nseed = 3\n\
         [telephone]\ngenerations = 2\ntasks = [\"rephrase\"]\n\
         initial_texts = [{ name = \"note\", text = \"The bakery on Mill Street opens early on Sundays.\" }]\n\
         [llm.sampling]\nmax_tokens = 24\n[llm.embedded]\nthreads = 1\ncontext = 512\n",
    )
    .unwrap();
    let run = run_id(&ok(evolab(&home).arg("run").arg(&config).output().unwrap()));
    let rows = jsonl(&home, &run);
    assert_eq!(rows.len(), 3, "initial text and two links");
    assert_eq!(
        rows[0]["output"],
        "The bakery on Mill Street opens early on Sundays."
    );
    assert!(rows[0]["prompt"].is_null());
    assert_eq!(rows[0]["agent_label"], "rephrase/note");
    for link in 1..3 {
        let prompt = rows[link]["prompt"].as_str().unwrap();
        let previous = rows[link - 1]["output"].as_str().unwrap().trim();
        assert!(
            prompt.contains(previous),
            "link {link} reads its predecessor:\n{prompt}"
        );
        assert!(prompt.trim_end().ends_with("Reworded text:"), "{prompt}");
    }
}

/// Telephone on the real model, then `evolab analyze`: every metric is measured on every
/// link, attractors are fitted over the three chains, and the report folder is complete.
#[test]
fn telephone_run_is_analysed_into_tables_figures_and_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let config = dir.path().join("telephone.toml");
    std::fs::write(
        &config,
        "system = \"telephone\"\nseed = 5\n\
         [telephone]\ngenerations = 2\ntasks = [\"rephrase\"]\n\
         initial_texts = [\n\
           { name = \"bakery\", text = \"The bakery on Mill Street opens early on Sundays.\" },\n\
           { name = \"storm\", text = \"A terrible storm destroyed the old pier and flooded the harbour.\" },\n\
           { name = \"prize\", text = \"Wonderful news: the school choir won the national prize!\" },\n\
         ]\n\
         [llm.sampling]\nmax_tokens = 24\n[llm.embedded]\nthreads = 1\ncontext = 512\n",
    )
    .unwrap();
    let run = run_id(&ok(evolab(&home).arg("run").arg(&config).output().unwrap()));
    let out = dir.path().join("report");
    let printed = ok(evolab(&home)
        .args(["analyze", &run, "--bootstrap", "200", "-o"])
        .arg(&out)
        .output()
        .unwrap());
    assert!(printed.trim().ends_with("report.md"), "{printed}");

    let values = std::fs::read_to_string(out.join("tables/values.csv")).unwrap();
    let mut lines = values.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("run,repetition,chain,task,initial_text,generation,metric,value"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        3 * 3 * 4,
        "3 chains × 3 generations × 4 metrics"
    );
    // The initial texts are given, so their metrics are known without the model.
    assert!(
        rows.iter().any(|r| r.contains(",bakery,0,length,49.0")),
        "{values}"
    );
    let attractors = std::fs::read_to_string(out.join("tables/attractors.csv")).unwrap();
    for metric in ["length", "difficulty", "positivity", "toxicity"] {
        assert!(
            attractors
                .lines()
                .any(|l| l.contains(&format!(",rephrase,{metric},2,3,"))),
            "{metric}: {attractors}"
        );
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("toxicity/tox-block-0.1.2-bilstm-v2"),
        "{report}"
    );
    for figure in [
        "evolution_toxicity.png",
        "attractor_scatter_length_gen2.svg",
    ] {
        assert!(out.join("figures").join(figure).is_file(), "{figure}");
    }

    // Unchanged run: the second analysis is read from the store.
    let again = evolab(&home)
        .args(["analyze", &run, "--bootstrap", "200", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("read from the store"));
}
