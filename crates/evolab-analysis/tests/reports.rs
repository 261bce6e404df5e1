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
    assert!(
        cached,
        "a second analysis of an unchanged run comes from the store"
    );
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
    assert!(
        md.contains("| rephrase | length | 2 | 3 | 0.500 | 200 "),
        "{md}"
    );
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

fn culture_run(store: &RunStore) {
    store
        .create_run(
            &NewRun {
                id: "cul",
                system: "culture",
                name: "cul",
                master_seed: 1,
                config_toml: "",
                manifest_json: "{}",
                steps_total: 3,
            },
            &[],
        )
        .unwrap();
    let stories = [
        [
            "the red fox ran home",
            "a red fox slept",
            "blue whales sing songs",
        ],
        [
            "the red fox ran far",
            "red fox and blue whale",
            "whales sing",
        ],
        ["red fox red fox", "red fox sings", "red fox whale"],
    ];
    for (generation, texts) in stories.iter().enumerate() {
        let rows: Vec<TextRow> = (0..2u32)
            .flat_map(|rep| {
                texts.iter().enumerate().map(move |(a, t)| {
                    TextRow::given(rep, generation as u32, a as u32, t.to_string())
                })
            })
            .collect();
        store.commit_step("cul", generation as u32, &rows).unwrap();
    }
}

#[test]
fn culture_similarity_curves_and_figures() {
    let data_dir = evolab_text::assets::default_data_dir();
    let asset = evolab_text::assets::asset("stop-words").unwrap();
    evolab_text::assets::fetch(asset, &data_dir, false, &mut |_| {}).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    culture_run(&store);
    let mut options = AnalysisOptions::new(data_dir);
    options.metrics = Some(vec!["length".into()]);
    let (analysis, _) =
        analyse(&store, &["cul".into()], &options, None, &mut |_, _, _| {}).unwrap();
    let culture = analysis.culture.as_ref().unwrap();
    let run = &culture.runs[0];
    assert_eq!(run.repetitions.len(), 2);
    let summary = |measure: &str, generation: u32| {
        run.summary
            .iter()
            .find(|s| s.measure == measure && s.generation == generation)
            .unwrap_or_else(|| panic!("{measure} g{generation}"))
            .clone()
    };
    // Identical repetitions: two values, no spread.
    let within = summary("tfidf_within", 2);
    assert_eq!(within.repetitions, 2);
    assert_eq!(within.sd, Some(0.0));
    // The legacy value counts the three self-pairs: 1/3 + 2/3 · W.
    let legacy = summary("tfidf_within_legacy", 2).mean.unwrap();
    assert!((legacy - (1.0 / 3.0 + 2.0 / 3.0 * within.mean.unwrap())).abs() < 1e-12);
    // Generation 2 repeats "red fox": more alike than generation 0.
    assert!(within.mean.unwrap() > summary("tfidf_within", 0).mean.unwrap());
    assert_eq!(summary("length", 0).mean, Some((20.0 + 15.0 + 22.0) / 3.0));

    let out = dir.path().join("report");
    write(&analysis, &out, &ReportOptions { legacy: true }).unwrap();
    for file in [
        "tables/generation_curves.csv",
        "tables/generation_summary.csv",
        "figures/curve_tfidf-within.png",
        "figures/curve_tfidf-within-legacy.svg",
        "figures/curve_length.png",
        "figures/rep0_story_similarity.png",
        "figures/rep1_generation_similarity.png",
        "figures/rep0_word_chains.png",
        "figures/rep1_generation_graph.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
}
