//! Analyses of runs written straight into a store (no LLM): the numbers must follow from
//! the texts, and the report folder must hold every table and figure it announces.

use evolab_analysis::pipeline::{analyse, AnalysisOptions};
use evolab_analysis::report::{write, ReportOptions};
use evolab_core::{AgentRow, NewRun, RunStore, TextRow};

fn store(dir: &tempfile::TempDir) -> RunStore {
    RunStore::open(&dir.path().join("evolab.sqlite")).unwrap()
}

/// A telephone run whose chain lengths follow y = 0.5·x + 100 exactly at generation 2 and
/// y = 0.75·x + 50 at generation 1: length attractor at 200, strength 0.5.
fn telephone_run(store: &RunStore) {
    let initial = [100usize, 200, 300, 400, 500, 600];
    let agents: Vec<AgentRow> = initial
        .iter()
        .enumerate()
        .map(|(c, _)| AgentRow {
            repetition: 0,
            agent: c as u32,
            label: "rephrase/t".into(),
            details_json: format!(
                "{{\"task\": \"{}\", \"initial_text\": \"text{c}\"}}",
                if c % 2 == 0 { "rephrase" } else { "continue" }
            ),
        })
        .collect();
    store
        .create_run(
            &NewRun {
                id: "tel",
                system: "telephone",
                name: "tel",
                master_seed: 9,
                config_toml: "",
                manifest_json: "{}",
                steps_total: 3,
            },
            &agents,
        )
        .unwrap();
    for generation in 0..3u32 {
        let texts: Vec<TextRow> = initial
            .iter()
            .enumerate()
            .map(|(c, &x)| {
                let len = match generation {
                    0 => x,
                    1 => (0.75 * x as f64 + 50.0) as usize,
                    _ => (0.5 * x as f64 + 100.0) as usize,
                };
                TextRow::given(0, generation, c as u32, "a".repeat(len))
            })
            .collect();
        store.commit_step("tel", generation, &texts).unwrap();
    }
}

fn options() -> AnalysisOptions {
    let mut options = AnalysisOptions::new(std::path::PathBuf::from("/nonexistent"));
    options.metrics = Some(vec!["length".into(), "english".into()]);
    options.predict_generation = 1;
    options.bootstrap_resamples = 200;
    options
}

#[test]
fn telephone_attractors_follow_from_the_texts() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    telephone_run(&store);
    let (analysis, cached) =
        analyse(&store, &["tel".into()], &options(), None, &mut |_, _, _| {}).unwrap();
    assert!(!cached);
    let (_, tel) = &analysis.telephone[0];
    assert_eq!(tel.last_generation, 2);
    assert_eq!(tel.tasks, ["continue", "rephrase"]);
    for task in ["continue", "rephrase"] {
        let last = tel
            .attractors
            .iter()
            .find(|a| a.task == task && a.metric == "length" && a.generation == 2)
            .unwrap();
        assert_eq!(last.n, 3);
        assert!((last.a.unwrap() - 0.5).abs() < 1e-12, "{last:?}");
        assert!((last.position.unwrap() - 200.0).abs() < 1e-9);
        assert!((last.strength.unwrap() - 0.5).abs() < 1e-12);
        let mid = tel
            .attractors
            .iter()
            .find(|a| a.task == task && a.metric == "length" && a.generation == 1)
            .unwrap();
        assert!((mid.position.unwrap() - 200.0).abs() < 1e-9, "{mid:?}");
    }
    // Mean ± SEM over the three rephrase chains at generation 0: lengths 100, 300, 500.
    let g0 = tel
        .evolution
        .iter()
        .find(|e| e.task == "rephrase" && e.metric == "length" && e.generation == 0)
        .unwrap();
    assert_eq!(g0.mean, Some(300.0));
    assert!((g0.sem.unwrap() - 200.0 / 3f64.sqrt()).abs() < 1e-9);

    let (again, cached) =
        analyse(&store, &["tel".into()], &options(), None, &mut |_, _, _| {}).unwrap();
    assert!(cached, "a second analysis of an unchanged run comes from the store");
    assert_eq!(again, analysis);

    let out = dir.path().join("report");
    write(&analysis, &out, &ReportOptions::default()).unwrap();
    for file in [
        "report.md",
        "analysis.json",
        "tables/attractors.csv",
        "tables/values.csv",
        "tables/evolution.csv",
        "figures/evolution_length.png",
        "figures/evolution_length.svg",
        "figures/attractor_scatter_length_gen2.png",
        "figures/attractor_position_length_gen2.svg",
        "figures/attractor_strength_length_gen1.png",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let values = std::fs::read_to_string(out.join("tables/values.csv")).unwrap();
    // 6 chains × 3 generations × 1 metric, plus the header.
    assert_eq!(values.lines().count(), 19);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| rephrase | length | 2 | 3 | 0.500 | 200 "), "{md}");
}

#[test]
fn runs_of_different_systems_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    telephone_run(&store);
    store
        .create_run(
            &NewRun {
                id: "cul",
                system: "culture",
                name: "cul",
                master_seed: 1,
                config_toml: "",
                manifest_json: "{}",
                steps_total: 1,
            },
            &[],
        )
        .unwrap();
    let err = analyse(
        &store,
        &["tel".into(), "cul".into()],
        &options(),
        None,
        &mut |_, _, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("cannot be compared"), "{err}");
}
