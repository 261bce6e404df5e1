//! Studies on a tiny budget: every trial is recorded, an interrupted study resumes to the
//! same result, the worker count does not change it, and failed trials are recorded
//! without stopping the search.

use evolab_rl::experiment::{
    read_trials, run_study, ExperimentConfig, Journal, StudyEvent, StudyManifest, TrialRecord,
};

const TINY: &str = r#"
[env]
id = "CartPole-v1"
hide_velocities = "delete"

[reservoir]
units = 20

[ppo]
n_steps = 256
n_epochs = 2

[training]
steps = 1024
eval_episodes = 2

[study]
trials = 8
seeds = [0, 1]
sampler = "cmaes"
workers = 2
"#;

fn manifest(config: &ExperimentConfig) -> StudyManifest {
    StudyManifest {
        name: "tiny".into(),
        evolab_version: "test".into(),
        created: "now".into(),
        config: config.to_toml(),
    }
}

fn run(config: &ExperimentConfig, dir: &std::path::Path) -> (Vec<TrialRecord>, usize) {
    let (mut journal, recorded) = if dir.join("study.json").exists() {
        let (j, _, r) = Journal::resume(dir).unwrap();
        (j, r)
    } else {
        (Journal::create(dir, &manifest(config)).unwrap(), Vec::new())
    };
    let mut trained = 0;
    let done = run_study(config, &mut journal, recorded, |e| {
        if let StudyEvent::Trial {
            replayed: false, ..
        } = e
        {
            trained += 1;
        }
    })
    .unwrap();
    (done, trained)
}

fn fitness(records: &[TrialRecord]) -> Vec<Option<f64>> {
    records.iter().map(|r| r.fitness).collect()
}

#[test]
fn an_interrupted_study_resumes_to_the_same_trials() {
    let config = ExperimentConfig::from_toml(TINY).unwrap();
    let root = tempfile::tempdir().unwrap();
    let whole = root.path().join("whole");
    let (full, trained) = run(&config, &whole);
    assert_eq!(trained, 8);
    assert_eq!(read_trials(&whole).unwrap().len(), 8);
    assert!(full
        .iter()
        .all(|r| r.fitness.is_some() && r.runs.len() == 2));
    // λ = 6 for two genes: trials 6 and 7 open the second generation.
    assert_eq!(full[5].generation, 0);
    assert_eq!(full[6].generation, 1);

    // Interrupt a copy after five trials: keep only the first five lines of its journal.
    let cut = root.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    std::fs::copy(whole.join("study.json"), cut.join("study.json")).unwrap();
    let lines: Vec<String> = std::fs::read_to_string(whole.join("trials.jsonl"))
        .unwrap()
        .lines()
        .take(5)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(cut.join("trials.jsonl"), lines.concat()).unwrap();
    let (resumed, trained) = run(&config, &cut);
    assert_eq!(trained, 3, "only the missing trials train");
    assert_eq!(fitness(&resumed), fitness(&full));
    assert_eq!(
        resumed.iter().map(|r| &r.unit).collect::<Vec<_>>(),
        full.iter().map(|r| &r.unit).collect::<Vec<_>>()
    );

    // One worker gives the same study.
    let mut serial = config.clone();
    serial.study.workers = 1;
    let (one, _) = run(&serial, &root.path().join("serial"));
    assert_eq!(fitness(&one), fitness(&full));

    // A changed configuration cannot silently continue the study.
    let mut other = config.clone();
    other.study.sampler_seed = 9;
    let (mut j, _, recorded) = Journal::resume(&cut).unwrap();
    let err = run_study(&other, &mut j, recorded, |_| {}).unwrap_err();
    assert!(err.contains("configuration or sampler changed"), "{err}");
}

#[test]
fn failed_trials_are_recorded_and_the_search_goes_on() {
    // Two steps per run: no CartPole episode can end, so every trial fails.
    let text = TINY
        .replace("n_steps = 256", "n_steps = 2")
        .replace("steps = 1024", "steps = 2")
        .replace("n_epochs = 2", "n_epochs = 1\nbatch_size = 2");
    let config = ExperimentConfig::from_toml(&text).unwrap();
    let root = tempfile::tempdir().unwrap();
    let (records, trained) = run(&config, &root.path().join("s"));
    assert_eq!(trained, 8, "the search continued past failures");
    for r in &records {
        assert_eq!(r.fitness, None);
        assert!(r
            .failure
            .as_deref()
            .unwrap()
            .contains("no training episode finished"));
    }
}

#[test]
fn a_diverging_run_fails_its_trial_with_the_reason() {
    // A learning rate of 1e30 sends the weights to infinity within the first update.
    let text = TINY.replace("n_epochs = 2", "n_epochs = 2\nlearning_rate = 1e30");
    let mut config = ExperimentConfig::from_toml(&text).unwrap();
    config.study.trials = 2;
    let root = tempfile::tempdir().unwrap();
    let (records, trained) = run(&config, &root.path().join("s"));
    assert_eq!(trained, 2);
    for r in &records {
        assert_eq!(r.fitness, None);
        let reason = r.failure.as_deref().unwrap();
        assert!(reason.contains("NaN or infinite"), "{reason}");
    }
}

#[test]
fn bad_studies_are_refused_before_training() {
    let bad = |edit: &str| {
        let text = format!("{TINY}\n{edit}");
        match ExperimentConfig::from_toml(&text) {
            Ok(c) => c.check_study().unwrap_err(),
            Err(e) => e,
        }
    };
    assert!(
        bad("[[study.genes]]\nname = \"radius\"\nmin = 0.1\nmax = 1.0\n").contains("unknown gene")
    );
    assert!(
        bad("[[study.genes]]\nname = \"leak_rate\"\nmin = 0.5\nmax = 0.1\n").contains("below max")
    );
    let zero_budget = TINY.replace("steps = 1024", "steps = 0");
    assert!(ExperimentConfig::from_toml(&zero_budget)
        .unwrap()
        .check_study()
        .unwrap_err()
        .contains("training.steps"));
    let unknown_env = TINY.replace("CartPole-v1", "CartPole-v9");
    assert!(ExperimentConfig::from_toml(&unknown_env)
        .unwrap()
        .check_study()
        .unwrap_err()
        .contains("unknown environment"));
    assert!(bad("[test]\nseeds = [1, 1000]\n").contains("also a study seed"));
    assert!(bad("[test]\nseeds = [7, 7]\n").contains("twice"));
    assert!(bad("[test]\ntop_k = 0\n").contains("test.top_k"));
    let repeated = TINY.replace("seeds = [0, 1]", "seeds = [0, 0]");
    assert!(ExperimentConfig::from_toml(&repeated)
        .unwrap()
        .check_study()
        .unwrap_err()
        .contains("twice"));
    assert!(ExperimentConfig::from_toml("[ppo]\nlearning_rat = 0.1\n")
        .unwrap_err()
        .contains("learning_rat"));
}
