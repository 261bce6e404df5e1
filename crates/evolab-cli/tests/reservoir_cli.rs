//! `evolab rl train` and `evolab reservoir …` end to end at tiny budgets: a study is
//! created, interrupted studies resume, winners are tested on held-out seeds, figures and
//! exports are written, and bad input is refused before any training.

use std::path::Path;
use std::process::{Command, Output};

fn evolab(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evolab"))
        .args(args)
        .env("EVOLAB_HOME", home)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn err(out: &Output) -> String {
    assert!(!out.status.success(), "unexpectedly succeeded");
    String::from_utf8(out.stderr.clone()).unwrap()
}

const TINY: &str = r#"
[env]
id = "CartPole-v1"

[reservoir]
units = 10

[ppo]
n_steps = 128
n_epochs = 2

[training]
steps = 512
eval_episodes = 2

[study]
trials = 7
seeds = [0, 1]
workers = 2

[test]
seeds = [50, 51]
top_k = 1
"#;

#[test]
fn a_study_runs_resumes_tests_and_exports() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("tiny.toml");
    std::fs::write(&config, TINY).unwrap();
    let cfg = config.to_str().unwrap();
    let out = ok(&evolab(
        home.path(),
        &["reservoir", "evolve", cfg, "--name", "t"],
    ));
    assert!(out.contains("best trials"), "{out}");
    let study = home.path().join("studies/t");
    let journal = std::fs::read_to_string(study.join("trials.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 7);
    for figure in [
        "fitness",
        "landscape-spectral_radius",
        "landscape-leak_rate",
    ] {
        assert!(
            study.join(format!("figures/{figure}.png")).exists(),
            "{figure}"
        );
    }

    // Interrupted after four trials (the rest of the journal lost): resuming retrains the
    // three missing trials and ends with the same journal.
    let kept: String = journal.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(study.join("trials.jsonl"), kept).unwrap();
    ok(&evolab(home.path(), &["reservoir", "resume", "t"]));
    let resumed = std::fs::read_to_string(study.join("trials.jsonl")).unwrap();
    let fitness = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["fitness"].clone())
            .collect()
    };
    assert_eq!(fitness(&resumed), fitness(&journal));

    let out = ok(&evolab(home.path(), &["reservoir", "test", "t"]));
    for name in ["trial-", "random-reservoir", "ppo", "frame-stack-4"] {
        assert!(out.contains(name), "{name} missing from\n{out}");
    }
    assert!(study.join("figures/test-curves.svg").exists());
    let tested = std::fs::read_to_string(study.join("test.jsonl")).unwrap();
    assert_eq!(
        tested.lines().count(),
        4 * 2,
        "four contenders × two held-out seeds"
    );

    // Held-out seeds must not be evolution seeds.
    let e = err(&evolab(
        home.path(),
        &["reservoir", "test", "t", "--seeds", "1,50"],
    ));
    assert!(e.contains("also a study seed"), "{e}");

    let list = ok(&evolab(home.path(), &["reservoir", "list"]));
    assert!(list.contains("7/7") && list.contains("yes"), "{list}");
    let exported = ok(&evolab(
        home.path(),
        &["reservoir", "export", "t", "--format", "csv"],
    ));
    let trials_csv = exported
        .lines()
        .find(|l| l.ends_with("trials.csv"))
        .unwrap();
    let csv = std::fs::read_to_string(trials_csv).unwrap();
    assert!(csv.starts_with("trial,generation,spectral_radius,leak_rate,trial_fitness"));
    assert_eq!(csv.lines().count(), 1 + 7 * 2, "a row per trial and seed");

    let again = err(&evolab(
        home.path(),
        &["reservoir", "evolve", cfg, "--name", "t"],
    ));
    assert!(again.contains("already exists"), "{again}");
}

#[test]
fn rl_train_prints_the_curve_and_the_evaluation() {
    let home = tempfile::tempdir().unwrap();
    let curve = home.path().join("curve.csv");
    let out = ok(&evolab(
        home.path(),
        &[
            "rl",
            "train",
            "--env",
            "CartPole-v1",
            "--steps",
            "4096",
            "--seed",
            "3",
            "--units",
            "20",
            "--hide-velocities",
            "delete",
            "--curve",
            curve.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("evaluation: deterministic policy"), "{out}");
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("4096 ")),
        "{out}"
    );
    let csv = std::fs::read_to_string(&curve).unwrap();
    assert!(csv.starts_with("step,return,length\n") && csv.lines().count() > 10);

    let json = ok(&evolab(
        home.path(),
        &[
            "rl",
            "train",
            "--env",
            "Pendulum-v1",
            "--steps",
            "400",
            "--n-steps",
            "200",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["steps"], 400);
    assert_eq!(v["episodes"], 2, "Pendulum episodes last 200 steps");
}

#[test]
fn bad_input_is_refused_before_training() {
    let home = tempfile::tempdir().unwrap();
    let e = err(&evolab(
        home.path(),
        &["rl", "train", "--env", "CartPole-v9"],
    ));
    assert!(
        e.contains("unknown environment") && e.contains("CartPole-v1"),
        "{e}"
    );
    let e = err(&evolab(
        home.path(),
        &["rl", "train", "--env", "CartPole-v1", "--steps", "0"],
    ));
    assert!(e.contains("training.steps"), "{e}");
    let e = err(&evolab(
        home.path(),
        &["rl", "train", "--env", "CartPole-v1", "--leak-rate", "2"],
    ));
    assert!(e.contains("leak rate"), "{e}");

    let bad = home.path().join("bad.toml");
    let no_reservoir = "[[study.genes]]\nname = \"leak_rate\"\nmin = 0.1\nmax = 1\n";
    std::fs::write(&bad, no_reservoir).unwrap();
    let e = err(&evolab(
        home.path(),
        &["reservoir", "evolve", bad.to_str().unwrap()],
    ));
    assert!(e.contains("no [reservoir] section"), "{e}");
    let zero_min = "[reservoir]\n[[study.genes]]\nname = \"spectral_radius\"\nmin = 0\nmax = 10\n";
    std::fs::write(&bad, zero_min).unwrap();
    let e = err(&evolab(
        home.path(),
        &["reservoir", "evolve", bad.to_str().unwrap()],
    ));
    assert!(e.contains("positive min"), "{e}");
    std::fs::write(&bad, "[study]\ntrial = 3\n").unwrap();
    let e = err(&evolab(
        home.path(),
        &["reservoir", "evolve", bad.to_str().unwrap()],
    ));
    assert!(e.contains("trial"), "{e}");
    let e = err(&evolab(home.path(), &["reservoir", "resume", "nope"]));
    assert!(e.contains("no study"), "{e}");
    let e = err(&evolab(
        home.path(),
        &[
            "reservoir",
            "evolve",
            "--preset",
            "reservoir-smoke",
            "--name",
            "a/b",
            "--dry-run",
        ],
    ));
    assert!(e.contains("study name"), "{e}");
    let e = err(&evolab(home.path(), &["reservoir", "show", "../x"]));
    assert!(e.contains("study name"), "{e}");
}

#[test]
fn the_reservoir_presets_are_valid_studies() {
    let home = tempfile::tempdir().unwrap();
    for preset in [
        "reservoir-masked-cartpole",
        "reservoir-masked-pendulum",
        "reservoir-smoke",
    ] {
        let out = ok(&evolab(
            home.path(),
            &["reservoir", "evolve", "--preset", preset, "--dry-run"],
        ));
        assert!(out.contains("[study]"), "{preset}: {out}");
    }
    let presets = ok(&evolab(home.path(), &["presets"]));
    assert!(presets.contains("reservoir-masked-cartpole"));
}
