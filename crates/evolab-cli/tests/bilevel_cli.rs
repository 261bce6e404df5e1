//! `evolab bilevel run` end to end: the theory preset on one seed (the table, the learned
//! rewards' error against the closed form, the stored files, `show`, bad input), and small
//! versions of the linear-mean, classification and dynamics experiments.

use std::process::{Command, Output};

fn evolab(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evolab"))
        .args(args)
        .env("EVOLAB_HOME", home)
        .output()
        .unwrap()
}

/// Runs evolab, checks that it succeeded and returns what it printed.
fn run_ok(home: &std::path::Path, args: &[&str]) -> String {
    let out = evolab(home, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_files(dir: &std::path::Path, files: &[&str]) {
    for f in files {
        assert!(dir.join(f).exists(), "{f} missing from {}", dir.display());
    }
}

#[test]
fn the_theory_preset_recovers_the_closed_form_reward() {
    let home = tempfile::tempdir().unwrap();
    let text = run_ok(
        home.path(),
        &[
            "bilevel", "run", "--preset", "theory", "--seeds", "0", "--name", "t",
        ],
    );
    for (solver, measure) in [
        ("diagonal U", "‖U_learned − U*‖_F / ‖U*‖_F"),
        ("full U", "‖U_learned − U*‖_F / ‖U*‖_F"),
        ("scalar u", "|u − u*| / u*"),
    ] {
        let prefix = format!("{solver}: relative error {measure}: ");
        let error: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {solver} relative error in\n{text}"));
        assert!(error < 0.1, "{solver}: relative error {error}");
    }
    assert!(text.contains("min-shift (original, biased)"));
    let dir = home.path().join("bilevel/t");
    assert_files(
        &dir,
        &[
            "config.toml",
            "report.json",
            "inner.csv",
            "outer.csv",
            "outer_full.csv",
            "outer_scalar.csv",
            "variance.png",
        ],
    );
    let shown = evolab(home.path(), &["bilevel", "show", "t"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("relative error"));

    let again = evolab(
        home.path(),
        &["bilevel", "run", "--preset", "theory", "--name", "t"],
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = evolab(home.path(), &["bilevel", "run", "--preset", "theroy"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown bilevel preset"));
    let file = home.path().join("bad.toml");
    std::fs::write(&file, "[theory]\nlambdas = [0.0]\n").unwrap();
    let bad = evolab(home.path(), &["bilevel", "run", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("theory.lambdas"));
    let missing = evolab(home.path(), &["bilevel", "show", "nope"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no bilevel run"));
}

#[test]
fn the_classification_preset_sweeps_the_four_data_sets() {
    let home = tempfile::tempdir().unwrap();
    let text = run_ok(
        home.path(),
        &[
            "bilevel",
            "run",
            "--preset",
            "classification",
            "--seeds",
            "0,1",
            "--name",
            "c",
        ],
    );
    for name in [
        "iris",
        "wine",
        "breast-cancer",
        "digits",
        "nll",
        "pg β×1",
        "pg β×2",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    let dir = home.path().join("bilevel/c");
    let csv = std::fs::read_to_string(dir.join("classification.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 4 * 3 * 2,
        "data sets × methods × seeds"
    );
    assert!(dir.join("accuracy.png").exists());
    let shown = evolab(home.path(), &["bilevel", "show", "c"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("digits"));
    let file = home.path().join("both.toml");
    std::fs::write(&file, "[theory]\n[classification]\n").unwrap();
    let bad = evolab(home.path(), &["bilevel", "run", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("exactly one section"));
}

#[test]
fn a_small_linear_experiment_reports_convergence() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("linear.toml");
    std::fs::write(
        &file,
        "[linear]\nseeds = [0, 1]\nlambdas = [1.0]\nupdates = 300\nlearning_rate = 0.05\n",
    )
    .unwrap();
    let text = run_ok(
        home.path(),
        &["bilevel", "run", file.to_str().unwrap(), "--name", "l"],
    );
    for label in [
        "MSE",
        "NLL",
        "PG, U = I, λ = 1",
        "PG, U = λn/(2 tr Σ̂)·I, λ = 1",
    ] {
        assert!(text.contains(label), "{label} missing from\n{text}");
    }
    let dir = home.path().join("bilevel/l");
    let csv = std::fs::read_to_string(dir.join("linear.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * 4, "seeds × methods");
    assert_files(
        &dir,
        &[
            "curves.csv",
            "linear.parquet",
            "validation_nll.png",
            "sigma_error.png",
            "mean_error.png",
        ],
    );
    let shown = evolab(home.path(), &["bilevel", "show", "l"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("updates to NLL's final"));
}

#[test]
fn a_small_dynamics_experiment_trains_plans_and_stores_its_tables() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("dynamics.toml");
    std::fs::write(
        &file,
        "[dynamics]\nenv = \"CartPole-v1\"\ntransitions = 600\nseeds = [0]\nlambdas = [1.0]\n\
         rewards = [\"full\"]\n[dynamics.model]\nhidden = [16]\n[dynamics.training]\nupdates = 40\n\
         [dynamics.planner]\nepisodes = 1\nmax_steps = 20\nhorizon = 5\npopulation = 20\nelites = 4\niterations = 1\n",
    )
    .unwrap();
    let text = run_ok(
        home.path(),
        &["bilevel", "run", file.to_str().unwrap(), "--name", "d"],
    );
    for label in [
        "MSE",
        "NLL",
        "PG, U = (λ/2)Σ̂⁻¹ (Σ̂ residual), λ = 1",
        "random actions",
    ] {
        assert!(text.contains(label), "{label} missing from\n{text}");
    }
    let dir = home.path().join("bilevel/d");
    let csv = std::fs::read_to_string(dir.join("dynamics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "one row per method");
    assert_files(
        &dir,
        &[
            "curves.csv",
            "dynamics.parquet",
            "curves.parquet",
            "returns.png",
            "curves_rmse.png",
            "curves_nll.png",
        ],
    );
    let shown = evolab(home.path(), &["bilevel", "show", "d"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("random actions"));
    std::fs::write(&file, "[dynamics]\nenv = \"Acrobot-v1\"\n").unwrap();
    let bad = evolab(home.path(), &["bilevel", "run", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Pendulum-v1 or CartPole-v1"));
}
